"""giosg resources: experiments (and their weekly results on the Reporting API)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from msgspec import UNSET, UnsetType

from .._core.pagination import AsyncPager
from ._operations import OPERATIONS
from .auth import REPORTING_AUTH_DOCS, GiosgBearerAuth, GiosgReportingAuthError
from .models import Experiment, WeeklyResults
from .requests import (
    CreateExperimentRequest,
    ExperimentGroup,
    GroupGoalRule,
    GroupResetInterval,
    UpdateExperimentRequest,
    WeeklyResultsRequest,
)

if TYPE_CHECKING:
    from .client import GiosgClient

__all__ = ["Experiments"]


class Experiments:
    """Experiments (A/B tests) of an organization: ``client.experiments``."""

    def __init__(self, client: GiosgClient) -> None:
        self._client = client

    def list(self, *, organization_id: str) -> AsyncPager[Experiment]:
        """Every experiment of the organization: ``async for`` follows the ``next`` links;
        ``await`` gives the first page."""
        return self._client._paginate_cursor(OPERATIONS["list_experiments"], Experiment, locals())

    async def get(self, *, organization_id: str, experiment_id: str) -> Experiment:
        """One experiment."""
        return await self._client._call(OPERATIONS["get_experiment"], Experiment, locals())

    async def create(
        self,
        *,
        organization_id: str,
        is_draft: bool,
        name: str | UnsetType = UNSET,
        goal_id: str | UnsetType = UNSET,
        groups: Sequence[ExperimentGroup] | UnsetType = UNSET,
        room_ids: Sequence[str] | UnsetType = UNSET,
        starts_at: dt.datetime | UnsetType = UNSET,
        ends_at: dt.datetime | UnsetType = UNSET,
        group_reset_interval: GroupResetInterval | UnsetType = UNSET,
    ) -> Experiment:
        """Create an experiment (HTTP 201). A draft needs only ``is_draft=True``; a published
        one needs ``name``, ``goal_id``, ``groups`` (percentages adding up to 100, each with a
        ``group_type``), ``room_ids`` (empty: every room) and a time-zone-aware ``starts_at``.
        The rules are checked before anything is sent."""
        return await self._client._call(
            OPERATIONS["create_experiment"], Experiment, locals(), CreateExperimentRequest
        )

    async def update(
        self,
        *,
        organization_id: str,
        experiment_id: str,
        is_draft: bool,
        name: str | UnsetType = UNSET,
        goal_id: str | UnsetType = UNSET,
        groups: Sequence[ExperimentGroup] | UnsetType = UNSET,
        room_ids: Sequence[str] | UnsetType = UNSET,
        starts_at: dt.datetime | UnsetType = UNSET,
        ends_at: dt.datetime | UnsetType = UNSET,
        group_reset_interval: GroupResetInterval | UnsetType = UNSET,
    ) -> Experiment:
        """Replace an experiment (PUT). A published experiment needs ``name`` and ``groups``;
        once it has started, ``goal_id``, ``room_ids``, ``starts_at``,
        ``group_reset_interval`` and each group's type and treatment are read-only, and an
        ended experiment cannot be updated (HTTP 400)."""
        return await self._client._call(
            OPERATIONS["update_experiment"], Experiment, locals(), UpdateExperimentRequest
        )

    async def delete(self, *, organization_id: str, experiment_id: str) -> None:
        """Delete an experiment (HTTP 204)."""
        await self._client._call(OPERATIONS["delete_experiment"], type(None), locals())

    async def get_weekly_results(
        self,
        *,
        organization_id: str,
        experiment_id: str,
        start_date: dt.date,
        end_date: dt.date,
        group_goal_rule_ids: Sequence[GroupGoalRule],
        control_group_goal_rule_id: GroupGoalRule | UnsetType = UNSET,
    ) -> WeeklyResults:
        """Weekly results per group/goal/rule from the Reporting API (another host); with
        ``control_group_goal_rule_id`` the reply includes significance statistics.

        The Reporting API takes user API tokens only (giosg's reporting docs): with a
        :class:`~convert_async.giosg.GiosgBearerAuth` client this raises
        :class:`~convert_async.giosg.GiosgReportingAuthError` without sending anything."""
        if isinstance(self._client._http.auth, GiosgBearerAuth):
            raise GiosgReportingAuthError(
                "giosg's Reporting API (weekly results) needs a user API token "
                "(Authorization: Token ...), not an OAuth2 Bearer token: use "
                f"GiosgClient(token=...) or GiosgTokenAuth for it (see {REPORTING_AUTH_DOCS})"
            )
        return await self._client._call(
            OPERATIONS["get_experiment_weekly_results"],
            WeeklyResults,
            locals(),
            WeeklyResultsRequest,
        )
