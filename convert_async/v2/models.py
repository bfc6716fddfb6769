"""Typed responses of the Convert REST API v2 (msgspec Structs).

Shapes follow the schemas and samples of the API reference. Every field the reference marks
optional defaults to None, unknown fields are ignored and enum-like fields are plain ``str``,
so additions to the API never break decoding.
"""

from __future__ import annotations

from typing import Any

import msgspec

from .._core.codec import ResponseModel

__all__ = [
    "Account",
    "AggregatedReport",
    "DailyReport",
    "DailyReportDay",
    "DailyReportVariation",
    "Experience",
    "Project",
    "ReportGoal",
    "ReportVariation",
    "Variation",
]

JSONObject = dict[str, Any]


class Account(ResponseModel):
    """A tenant of the Convert app: a main account or an agency's sub-account."""

    id: int
    name: str | None = None
    account_type: str | None = msgspec.field(default=None, name="accountType")
    access_role: str | None = msgspec.field(default=None, name="accessRole")
    access_all_projects: bool | None = None
    settings: JSONObject | None = None
    billing: JSONObject | None = None
    limits_and_capabilities: JSONObject | None = msgspec.field(
        default=None, name="limitsAndCapabilities"
    )
    stats: JSONObject | None = None


class Project(ResponseModel):
    """A project: the domains, experiences, goals and audiences of one site or app."""

    id: int
    name: str | None = None
    account_id: int | None = None
    project_type: str | None = None
    status: str | None = None
    type: str | None = None
    access_role: str | None = msgspec.field(default=None, name="accessRole")
    global_javascript: str | None = None
    created_at: int | None = None
    modified_at: int | None = None
    tracking_snippet: str | None = None
    sdk_key: str | None = None
    environments: dict[str, Any] | None = None
    settings: JSONObject | None = None
    reporting_settings: JSONObject | None = None
    integrations_settings: JSONObject | None = None
    custom_domain: JSONObject | None = None
    default_goals: list[int | JSONObject] | None = None
    default_audiences: list[int | JSONObject] | None = None
    default_locations: list[int | JSONObject] | None = None
    domains: list[JSONObject] | None = None
    stats: JSONObject | None = None


class Variation(ResponseModel):
    """One variation of an experience (the baseline is the control)."""

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    is_baseline: bool | None = None
    traffic_distribution: float | None = None
    status: str | None = None
    changes: list[int | JSONObject] | None = None


class Experience(ResponseModel):
    """An experience: A/B, A/A, MVT, split URL, multipage, deploy or full-stack test."""

    id: int
    name: str | None = None
    key: str | None = None
    description: str | None = None
    status: str | None = None
    type: str | None = None
    project: int | Project | None = None
    start_time: int | None = None
    end_time: int | None = None
    primary_goal: int | None = None
    objective: str | None = None
    traffic_distribution: float | None = None
    url: str | None = None
    version: float | None = None
    environment: str | None = None
    global_js: str | None = None
    global_css: str | None = None
    goals: list[int | JSONObject] | None = None
    audiences: list[int | JSONObject] | None = None
    locations: list[int | JSONObject] | None = None
    tags: list[int | JSONObject] | None = None
    variations: list[int | Variation] | None = None
    settings: JSONObject | None = None
    stats: JSONObject | None = None
    alerts: list[JSONObject] | None = None
    collaborators: list[JSONObject] | None = None
    integrations: list[JSONObject] | None = None


class ReportVariation(ResponseModel):
    """One variation's numbers for one goal in an aggregated report."""

    variation_id: int
    variation_name: str | None = None
    is_baseline: bool | None = None
    visitors: int = 0
    conversions: int = 0
    conversion_rate: float | None = None
    revenue: float | None = None
    improvement: float | None = None
    confidence: float | None = None


class ReportGoal(ResponseModel):
    """One goal of an aggregated report with a row per variation."""

    goal_id: int
    goal_name: str | None = None
    variations: list[ReportVariation] = msgspec.field(default_factory=list)


class AggregatedReport(ResponseModel):
    """The aggregated performance of an experience: per goal, per variation.

    The API reference shows this reply only as ``{"data": {}}``: these fields are the SDK's
    model of it (the one FakeConvert serves). Fields it does not know are ignored, so a richer
    real reply still decodes.
    """

    experience_id: int | None = None
    start_time: int | None = None
    end_time: int | None = None
    utc_offset: int | None = None
    goals: list[ReportGoal] = msgspec.field(default_factory=list)


class DailyReportVariation(ResponseModel):
    """One variation's numbers on one day."""

    variation_id: int
    visitors: int = 0
    conversions: int = 0
    value: float | None = None


class DailyReportDay(ResponseModel):
    """One day of a daily report."""

    date: str
    timestamp: int | None = None
    variations: list[DailyReportVariation] = msgspec.field(default_factory=list)


class DailyReport(ResponseModel):
    """Day-by-day performance of an experience for one goal."""

    experience_id: int | None = None
    goal_id: int | None = None
    report_type: str | None = None
    metric: str | None = None
    days: list[DailyReportDay] = msgspec.field(default_factory=list)
