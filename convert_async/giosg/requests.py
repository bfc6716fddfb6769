"""Request bodies of the giosg Experiments API, with the seed's rules checked before sending.

- ``is_draft`` is always required; when it is false, ``name`` and ``groups`` are required,
  and on create also ``goal_id``, ``room_ids`` and ``starts_at`` (on update those three become
  read-only once the experiment has started, so the SDK leaves them to the server);
- group percentages add up to 100; every group has a ``name`` and a ``percentage``, and on
  create a ``group_type`` (which may be null);
- ``group_type`` and ``group_reset_interval`` take the documented values only;
- datetimes carry a time zone, and ``ends_at`` comes after ``starts_at``.

A broken rule raises :class:`~convert_async.RequestValidationError` naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from msgspec import UNSET, Meta, UnsetType

from .._core.codec import RequestModel
from .._core.errors import RequestValidationError

__all__ = [
    "CreateExperimentRequest",
    "ExperimentGroup",
    "ExperimentRequest",
    "GroupGoalRule",
    "GroupResetInterval",
    "GroupType",
    "UpdateExperimentRequest",
    "WeeklyResultsRequest",
]

GroupType = Literal["control", "user_defined", "target_algorithm", "target_random"]
GroupResetInterval = Literal["full", "1w", "1d"]
AwareDatetime = Annotated[dt.datetime, Meta(tz=True)]


class ExperimentGroup(RequestModel):
    """One group of an experiment: its share of visitors and the rule run for them."""

    name: Annotated[str, Meta(min_length=1)]
    percentage: Annotated[int, Meta(ge=0, le=100)]
    group_type: GroupType | UnsetType | None = UNSET
    treatment: dict[str, Any] | UnsetType = UNSET


class ExperimentRequest(RequestModel):
    """The body of create and update (see the module docstring for the rules)."""

    #: Fields required (besides ``is_draft``) when ``is_draft`` is false.
    REQUIRED_WHEN_PUBLISHED: ClassVar[tuple[str, ...]] = ("name", "groups")

    is_draft: bool
    goal_id: str | UnsetType = UNSET
    groups: list[ExperimentGroup] | UnsetType = UNSET
    name: str | UnsetType = UNSET
    room_ids: list[str] | UnsetType = UNSET
    starts_at: AwareDatetime | UnsetType = UNSET
    ends_at: AwareDatetime | UnsetType = UNSET
    group_reset_interval: GroupResetInterval | UnsetType = UNSET

    def validate_fields(self) -> None:
        """Check the rules that span fields (required when published, percentages, dates)."""
        if not self.is_draft:
            for name in self.REQUIRED_WHEN_PUBLISHED:
                if getattr(self, name) is UNSET:
                    raise RequestValidationError(name, "is required when is_draft is false")
        if not isinstance(self.groups, UnsetType) and self.groups:
            total = sum(group.percentage for group in self.groups)
            if total != 100:
                raise RequestValidationError(
                    "groups", f"group percentages must add up to 100, not {total}"
                )
        starts, ends = self.starts_at, self.ends_at
        if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime) and ends <= starts:
            raise RequestValidationError("ends_at", "must be after starts_at")


class CreateExperimentRequest(ExperimentRequest):
    """Body of ``create_experiment``."""

    REQUIRED_WHEN_PUBLISHED: ClassVar[tuple[str, ...]] = (
        "goal_id",
        "groups",
        "name",
        "room_ids",
        "starts_at",
    )

    def validate_fields(self) -> None:
        """As :meth:`ExperimentRequest.validate_fields`, plus ``group_type`` on every group."""
        super().validate_fields()
        if not isinstance(self.groups, UnsetType):
            for index, group in enumerate(self.groups):
                if isinstance(group.group_type, UnsetType):
                    raise RequestValidationError(
                        f"groups[{index}].group_type", "is required when creating (null is allowed)"
                    )


class UpdateExperimentRequest(ExperimentRequest):
    """Body of ``update_experiment`` (a PUT: send the whole experiment)."""


class GroupGoalRule(RequestModel):
    """One ``{group_id, goal_id, rule_id}`` combination of a results query."""

    group_id: str
    goal_id: str
    rule_id: str


class WeeklyResultsRequest(RequestModel):
    """Body of ``get_experiment_weekly_results`` (inclusive ISO dates)."""

    start_date: dt.date
    end_date: dt.date
    group_goal_rule_ids: Annotated[list[GroupGoalRule], Meta(min_length=1)]
    control_group_goal_rule_id: GroupGoalRule | UnsetType = UNSET

    def validate_fields(self) -> None:
        """``end_date`` may not come before ``start_date``."""
        if self.end_date < self.start_date:
            raise RequestValidationError("end_date", "must not be before start_date")
