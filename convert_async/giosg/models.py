"""Typed responses of the giosg Experiments API (msgspec Structs).

Every field is optional and unknown fields are ignored, so additions never break decoding;
``group_type`` and ``group_reset_interval`` are plain strings for the same reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._core.codec import ResponseModel

__all__ = [
    "Experiment",
    "ExperimentGoal",
    "ExperimentGroupInfo",
    "GiosgOrganization",
    "GiosgUser",
    "WeeklyResults",
]

WeeklyResults = dict[str, Any]
"""The weekly results reply: giosg documents no schema for it, so it is kept as JSON."""


class GiosgUser(ResponseModel):
    """A giosg user as embedded in an experiment."""

    id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    organization_id: str | None = None
    is_bot: bool | None = None


class GiosgOrganization(ResponseModel):
    """An organization as embedded in other objects."""

    id: str | None = None
    name: str | None = None


class ExperimentGoal(ResponseModel):
    """The goal of an experiment."""

    id: str | None = None
    name: str | None = None
    organization: GiosgOrganization | None = None
    organization_id: str | None = None


class ExperimentGroupInfo(ResponseModel):
    """A group of an experiment, as the API returns it."""

    id: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    order: int | None = None
    name: str | None = None
    percentage: int | None = None
    group_type: str | None = None
    treatment: dict[str, Any] | None = None


class Experiment(ResponseModel):
    """An A/B test: a goal and groups with different treatments."""

    id: str | None = None
    is_draft: bool | None = None
    created_at: dt.datetime | None = None
    created_by_user: GiosgUser | None = None
    created_by_user_id: str | None = None
    updated_at: dt.datetime | None = None
    updated_by_user: GiosgUser | None = None
    updated_by_user_id: str | None = None
    organization_id: str | None = None
    organization: GiosgOrganization | None = None
    goal_id: str | None = None
    goal: ExperimentGoal | None = None
    groups: list[ExperimentGroupInfo] | None = None
    name: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    group_reset_interval: str | None = None
    rooms: list[Any] | None = None
    room_ids: list[str] | None = None
