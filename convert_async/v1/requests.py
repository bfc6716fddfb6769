"""Request bodies of the Convert REST API v1, one Struct per body shape in the catalog.

Fields left ``UNSET`` are not sent. Enumerations are the values the v1 reference lists; limits
are checked before anything is sent.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

import msgspec
from msgspec import UNSET, Meta, UnsetType

from .._core.client import PagedBody
from .._core.codec import RequestModel

__all__ = [
    "AudienceRequest",
    "AudienceType",
    "ExperienceRequest",
    "ExperienceStatus",
    "ExperienceType",
    "ExperienceVariationRequest",
    "GoalRequest",
    "GoalType",
    "HypothesisRequest",
    "HypothesisStatusRequest",
    "ListAudiencesRequest",
    "ListExperiencesRequest",
    "ListGoalsRequest",
    "ListHypothesesRequest",
    "ListProjectsRequest",
    "ListRequest",
    "ProjectRequest",
    "ProjectStatus",
    "ReportRequest",
    "VariationRequest",
]

JSONObject = dict[str, Any]
ExperienceType = Literal["a/b", "a/a", "mvt", "split_url", "personalization"]
ExperienceStatus = Literal["draft", "active", "paused", "completed", "scheduled", "archived"]
ProjectStatus = Literal["active", "inactive", "suspended"]
GoalType = Literal[
    "advanced",
    "DOM_interaction",
    "visits_page",
    "revenue",
    "clicks_link",
    "submits_form",
    "clicks_element",
    "dom_interaction",
    "scroll_percentage",
    "ga_import",
    "code_trigger",
]
AudienceType = Literal["permanent", "segmentation", "transient"]
Flag = Literal[0, 1]
Score = Annotated[float, Meta(ge=0, le=5)]


class ListRequest(PagedBody):
    """The paging fields of every v1 list body (``page`` from 1, ``results_per_page``)."""

    page: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    results_per_page: Annotated[int, Meta(ge=1)] | UnsetType = UNSET

    def for_page(self, page: int, size: int) -> Self:
        """This filter, asking for page ``page`` of ``size`` items."""
        return msgspec.structs.replace(self, page=page, results_per_page=size)


class ListProjectsRequest(ListRequest):
    """Body of ``list_projects``."""


class ListExperiencesRequest(ListRequest):
    """Body of ``list_experiences``."""

    experience_types: list[ExperienceType] | UnsetType = UNSET
    experience_status: list[ExperienceStatus] | UnsetType = UNSET
    search: str | UnsetType = UNSET


class ListGoalsRequest(ListRequest):
    """Body of ``list_goals``."""

    search: str | UnsetType = UNSET


class ListHypothesesRequest(ListRequest):
    """Body of ``list_hypotheses``."""

    search: str | UnsetType = UNSET
    status: list[ExperienceStatus] | UnsetType = UNSET
    score_max: Score | UnsetType = msgspec.field(default=UNSET, name="scoreMax")
    score_min: Score | UnsetType = msgspec.field(default=UNSET, name="scoreMin")


class ListAudiencesRequest(ListRequest):
    """Body of ``list_audiences``."""

    search: str | UnsetType = UNSET
    is_segment: bool | UnsetType = msgspec.field(default=UNSET, name="isSegment")
    is_used: bool | UnsetType = msgspec.field(default=UNSET, name="isUsed")


class ProjectRequest(RequestModel):
    """Body of ``create_project`` and ``update_project``."""

    id: str | UnsetType = UNSET
    account_id: str | UnsetType = UNSET
    tracking_snippet: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    status: ProjectStatus | UnsetType = UNSET
    created_at: str | UnsetType = UNSET
    reporting_settings: JSONObject | UnsetType = UNSET
    include_jquery: Flag | UnsetType = UNSET
    allow_crossdomain_tracking: Flag | UnsetType = UNSET
    data_anonymization: Flag | UnsetType = UNSET
    websites: list[str] | UnsetType = UNSET
    global_javascript: str | UnsetType = UNSET


class ExperienceRequest(RequestModel):
    """Body of ``create_experience`` and ``update_experience``."""

    id: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    experience_description: str | UnsetType = UNSET
    experience_type: ExperienceType | UnsetType = UNSET
    experience_status: ExperienceStatus | UnsetType = UNSET
    start_time: float | UnsetType = UNSET
    end_time: float | UnsetType = UNSET
    global_js: str | UnsetType = UNSET
    editor_url: str | UnsetType = UNSET
    keep_winner: bool | UnsetType = UNSET
    stop_looser: bool | UnsetType = UNSET
    minrun: float | UnsetType = UNSET
    maxrun: float | UnsetType = UNSET
    minordv: float | UnsetType = UNSET
    maxordv: float | UnsetType = UNSET
    minconv: float | UnsetType = UNSET
    minvis: float | UnsetType = UNSET
    maxvis: float | UnsetType = UNSET
    confidence: float | UnsetType = UNSET
    site_area: JSONObject | UnsetType = UNSET
    goals: list[JSONObject] | UnsetType = UNSET
    audiences: list[JSONObject] | UnsetType = UNSET
    variations: list[ExperienceVariationRequest] | UnsetType = UNSET


class VariationRequest(RequestModel):
    """Body of ``add_variation``, and the ``variation`` of an experience's ``variations[]``."""

    name: str | UnsetType = UNSET
    id: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    js: str | UnsetType = UNSET
    customjs: str | UnsetType = UNSET
    css: str | UnsetType = UNSET
    percentage: Annotated[float, Meta(ge=0, le=100)] | UnsetType = UNSET


class ExperienceVariationRequest(RequestModel):
    """One item of an experience's ``variations[]``: the v1 reference nests the variation,
    ``{"variation": {"id", "name", ...}, "percentage"}`` (seed ``convert-api-v1.txt``)."""

    variation: VariationRequest
    percentage: Annotated[float, Meta(ge=0, le=100)] | UnsetType = UNSET


class GoalRequest(RequestModel):
    """Body of ``create_goal`` and ``update_goal``."""

    description: str | UnsetType = UNSET
    goal_id: str | UnsetType = UNSET
    goal_name: str | UnsetType = UNSET
    triggering_rule: JSONObject | UnsetType = UNSET
    goal_type: GoalType | UnsetType = UNSET
    dom_interaction: list[JSONObject] | UnsetType = UNSET


class HypothesisRequest(RequestModel):
    """Body of ``create_hypothesis`` and ``update_hypothesis``."""

    name: str | UnsetType = UNSET
    objective: str | UnsetType = UNSET
    prioritization_score: float | UnsetType = UNSET
    prioritization_score_type: Literal["PIE", "ICE"] | UnsetType = UNSET
    prioritization_score_attributes: JSONObject | UnsetType = UNSET
    status: ExperienceStatus | UnsetType = UNSET
    start_date: str | UnsetType = UNSET
    end_date: str | UnsetType = UNSET
    tags: list[JSONObject] | UnsetType = UNSET
    summary: str | UnsetType = UNSET


class HypothesisStatusRequest(RequestModel):
    """Body of ``update_hypothesis_status``."""

    status: ExperienceStatus


class AudienceRequest(RequestModel):
    """Body of ``create_audience`` and ``update_audience``."""

    audience_id: str | UnsetType = UNSET
    audience_name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    firing_rule: JSONObject | UnsetType = UNSET
    audience_type: AudienceType | UnsetType = UNSET


class ReportRequest(RequestModel):
    """Body of ``get_goal_report`` and ``get_experience_report`` (unix timestamps)."""

    start_timestamp: float | UnsetType = UNSET
    end_timestamp: float | UnsetType = UNSET
