"""Request bodies of the Convert REST API v2 (msgspec Structs).

Limits stated by the API reference are declared with ``Meta`` and checked before anything is
sent; fields left ``UNSET`` are not sent at all.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

import msgspec
from msgspec import UNSET, Meta, UnsetType

from .._core.codec import RequestModel

__all__ = [
    "AggregatedReportRequest",
    "DailyReportRequest",
    "ExperienceExpand",
    "ExperienceInclude",
    "ExperienceStatus",
    "ExperienceType",
    "ListExperiencesRequest",
    "ListProjectsRequest",
    "ListRequest",
    "ProjectExpand",
    "ProjectInclude",
]

PageSize = Annotated[int, Meta(ge=1, le=50)]
IdList = Annotated[list[int], Meta(max_length=100)]
SearchText = Annotated[str, Meta(max_length=200)]
UtcOffset = Annotated[int, Meta(ge=-43200, le=50400)]
SortDirection = Literal["asc", "desc"]

ExperienceStatus = Literal[
    "draft", "active", "paused", "completed", "scheduled", "archived", "deleted"
]
ExperienceType = Literal[
    "a/b", "a/a", "mvt", "split_url", "multipage", "deploy", "a/b_fullstack", "feature_rollout"
]
ExperienceInclude = Literal[
    "alerts",
    "goals",
    "stats",
    "variations",
    "variations.changes",
    "min_running_timestamp",
    "max_running_timestamp",
    "audiences",
    "locations",
    "collaborators",
]
ExperienceExpand = Literal[
    "project", "audiences", "goals", "locations", "variations", "variations.changes", "tags"
]
ProjectInclude = Literal[
    "global_javascript",
    "domains",
    "stats.usage",
    "stats.active_experiences_count",
    "stats.active_experiments_count",
    "stats.experiences_count",
    "stats.segments_count",
    "stats.active_segments_count",
    "stats.active_goals_count",
    "stats.google_analytics",
    "default_goals",
    "default_audiences",
    "default_locations",
    "settings.tracking_script.available_versions",
]
ProjectExpand = Literal["default_goals", "default_audiences", "default_locations"]


class ListRequest(RequestModel):
    """The paging fields every paginated list body shares."""

    page: Annotated[int, Meta(ge=1)] | UnsetType = UNSET
    results_per_page: PageSize | UnsetType = UNSET
    onlyCount: bool | UnsetType = UNSET

    def for_page(self, page: int, size: int) -> Self:
        """This filter, asking for page ``page`` of ``size`` items."""
        return msgspec.structs.replace(self, page=page, results_per_page=size, onlyCount=UNSET)

    def for_count(self) -> Self:
        """This filter, asking only for the number of matching items."""
        return msgspec.structs.replace(self, page=UNSET, results_per_page=UNSET, onlyCount=True)


class ListProjectsRequest(ListRequest):
    """Filter of ``list_projects``."""

    sort_by: (
        Literal["id", "active_tests", "project_name", "project_type", "status", "used_visitors"]
        | UnsetType
    ) = UNSET
    sort_direction: SortDirection | UnsetType = UNSET
    search: SearchText | UnsetType = UNSET
    status: list[Literal["active", "inactive"]] | UnsetType = UNSET
    project_type: list[Literal["web", "fullstack"]] | UnsetType = UNSET
    only: IdList | UnsetType = UNSET
    except_: IdList | UnsetType = msgspec.field(default=UNSET, name="except")
    include: list[ProjectInclude] | UnsetType = UNSET
    expand: list[ProjectExpand] | UnsetType = UNSET


class ListExperiencesRequest(ListRequest):
    """Filter of ``list_experiences``."""

    sort_by: (
        Literal[
            "id",
            "conversions",
            "improvement",
            "name",
            "start_time",
            "end_time",
            "status",
            "primary_goal",
            "key",
        ]
        | UnsetType
    ) = UNSET
    sort_direction: SortDirection | UnsetType = UNSET
    search: SearchText | UnsetType = UNSET
    status: list[ExperienceStatus] | UnsetType = UNSET
    type: list[ExperienceType] | UnsetType = UNSET
    goal_id: int | UnsetType = UNSET
    tags: list[int] | UnsetType = UNSET
    audiences: list[int] | UnsetType = UNSET
    goals: list[int] | UnsetType = UNSET
    features: list[int] | UnsetType = UNSET
    hypotheses: list[int] | UnsetType = UNSET
    locations: list[int] | UnsetType = UNSET
    environments: list[str] | UnsetType = UNSET
    only: IdList | UnsetType = UNSET
    except_: IdList | UnsetType = msgspec.field(default=UNSET, name="except")
    include: list[ExperienceInclude] | UnsetType = UNSET
    expand: list[ExperienceExpand] | UnsetType = UNSET


class AggregatedReportRequest(RequestModel):
    """Body of ``get_experience_aggregated_report``."""

    goals: list[int] | UnsetType = UNSET
    metrics: (
        list[Literal["conversion_rate", "avg_revenue_visitor", "avg_products_ordered_visitor"]]
        | UnsetType
    ) = UNSET
    utc_offset: UtcOffset | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    segments: dict[str, object] | UnsetType = UNSET
    stats_engine_processing: dict[str, object] | UnsetType = UNSET


class DailyReportRequest(RequestModel):
    """Body of ``get_experience_daily_report``."""

    goal: int | UnsetType = UNSET
    report_type: Literal["cumulative", "non_cumulative"] | UnsetType = UNSET
    metric: (
        Literal["conversion_rate", "avg_revenue_per_visitor", "avg_products_ordered_per_visitor"]
        | UnsetType
    ) = UNSET
    utc_offset: UtcOffset | UnsetType = UNSET
    start_time: float | UnsetType | None = UNSET
    end_time: float | UnsetType | None = UNSET
    segments: dict[str, object] | UnsetType = UNSET
    stats_engine_processing: dict[str, object] | UnsetType = UNSET
