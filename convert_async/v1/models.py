"""Typed responses of the Convert REST API v1 (msgspec Structs).

v1 replies are bare objects and arrays (no ``{"data": ...}``). Ids are strings in v1, except
where the reference shows numbers (hypotheses), so id fields accept both. Every field is
optional and unknown fields are ignored, so additions never break decoding.
"""

from __future__ import annotations

from typing import Any

from .._core.codec import ResponseModel

__all__ = [
    "Audience",
    "Experience",
    "ExperienceVariation",
    "Goal",
    "Hypothesis",
    "Project",
    "Report",
    "Variation",
]

Ident = str | int

Report = dict[str, Any]
"""A report reply: the v1 reference does not document its shape, so it is kept as JSON."""


class Project(ResponseModel):
    """A project."""

    id: Ident | None = None
    account_id: Ident | None = None
    tracking_snippet: str | None = None
    name: str | None = None
    status: str | None = None
    created_at: str | None = None
    reporting_settings: dict[str, Any] | None = None
    include_jquery: int | None = None
    allow_crossdomain_tracking: int | None = None
    data_anonymization: int | None = None
    websites: list[str] | None = None
    global_javascript: str | None = None


class Variation(ResponseModel):
    """A variation of an experience."""

    id: Ident | None = None
    name: str | None = None
    url: str | None = None
    js: str | None = None
    customjs: str | None = None
    css: str | None = None
    percentage: float | None = None


class ExperienceVariation(ResponseModel):
    """One item of an experience's ``variations[]``, nested as the v1 reference gives it:
    ``{"variation": {"id", "name", "url", ...}, "percentage"}``."""

    variation: Variation | None = None
    percentage: float | None = None


class Experience(ResponseModel):
    """An experience, with its variations."""

    id: Ident | None = None
    name: str | None = None
    experience_description: str | None = None
    experience_type: str | None = None
    experience_status: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    global_js: str | None = None
    editor_url: str | None = None
    keep_winner: bool | None = None
    stop_looser: bool | None = None
    minrun: float | None = None
    maxrun: float | None = None
    minordv: float | None = None
    maxordv: float | None = None
    minconv: float | None = None
    minvis: float | None = None
    maxvis: float | None = None
    confidence: float | None = None
    site_area: dict[str, Any] | None = None
    goals: list[Any] | None = None
    audiences: list[Any] | None = None
    variations: list[ExperienceVariation] | None = None


class Goal(ResponseModel):
    """A conversion goal."""

    goal_id: Ident | None = None
    goal_name: str | None = None
    description: str | None = None
    triggering_rule: dict[str, Any] | None = None
    goal_type: str | None = None
    dom_interaction: list[dict[str, Any]] | None = None


class Hypothesis(ResponseModel):
    """A hypothesis."""

    id: Ident | None = None
    project_id: Ident | None = None
    name: str | None = None
    objective: str | None = None
    prioritization_score: str | float | None = None
    prioritization_score_type: str | None = None
    prioritization_score_attributes: dict[str, Any] | None = None
    status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    tags: list[Any] | None = None
    summary: str | None = None
    created_at: str | int | None = None


class Audience(ResponseModel):
    """An audience."""

    audience_id: Ident | None = None
    audience_name: str | None = None
    description: str | None = None
    firing_rule: dict[str, Any] | None = None
    audience_type: str | None = None
