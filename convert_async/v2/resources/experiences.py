"""Experiences: 13 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import (
    BulkStatusReply,
    ChangeHistoryEntry,
    Experience,
    LiveDataEntry,
    ReportToken,
    StatusReply,
)
from ..requests import (
    BulkExperienceStatus,
    BulkIdsRequest,
    BulkUpdateExperiencesRequest,
    CloneExperienceRequest,
    CreateExperienceRequest,
    ExperienceExpandField,
    ExperienceHistoryObject,
    ExperienceIncludeField,
    ExperienceStatus,
    ExperienceType,
    GenerateExperienceScreenshotsRequest,
    GetExperienceLiveDataRequest,
    ListExperienceChangeHistoryRequest,
    ListExperienceChangeHistorySortBy,
    ListExperiencesRequest,
    ListExperiencesSortBy,
    LiveDataEventType,
    LiveDataExpandField,
    ManageExperienceReportTokenRequest,
    UpdateExperienceRequest,
)

__all__ = ["Experiences"]


class Experiences(Resource):
    """Experiences."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        goal_id: int | UnsetType | None = UNSET,
        sort_by: ListExperiencesSortBy | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        status: Sequence[ExperienceStatus] | UnsetType | None = UNSET,
        type: Sequence[ExperienceType] | UnsetType | None = UNSET,
        tags: Sequence[int] | UnsetType | None = UNSET,
        audiences: Sequence[int] | UnsetType | None = UNSET,
        goals: Sequence[int] | UnsetType | None = UNSET,
        features: Sequence[int] | UnsetType | None = UNSET,
        hypotheses: Sequence[int] | UnsetType | None = UNSET,
        locations: Sequence[int] | UnsetType | None = UNSET,
        environments: Sequence[str] | UnsetType | None = UNSET,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Experience]:
        """List experiences within a project."""
        return self._list("list_experiences", Experience, locals(), body=ListExperiencesRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
        report_token: str | UnsetType = UNSET,
    ) -> Experience:
        """Get details for a specific experience."""
        return await self._call("get_experience", Experience, locals())

    async def get_by_key(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_key: str,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
    ) -> Experience:
        """Get experience details by its unique key."""
        return await self._call("get_experience_by_key", Experience, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        status: ExperienceStatus,
        type: ExperienceType,
        url: str,
        description: str | UnsetType = UNSET,
        start_time: int | UnsetType | None = UNSET,
        end_time: int | UnsetType | None = UNSET,
        global_js: str | UnsetType = UNSET,
        global_css: str | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        primary_goal: int | UnsetType = UNSET,
        objective: str | UnsetType | None = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        site_area: dict[str, Any] | UnsetType | None = UNSET,
        traffic_distribution: float | UnsetType = UNSET,
        version: float | UnsetType = UNSET,
        integrations: Sequence[Any] | UnsetType = UNSET,
        environments: Sequence[str] | UnsetType = UNSET,
        environment: str | UnsetType = UNSET,
        multipage_pages: Sequence[dict[str, Any]] | UnsetType = UNSET,
        audiences: Sequence[int] | UnsetType = UNSET,
        locations: Sequence[int] | UnsetType = UNSET,
        goals: Sequence[int] | UnsetType = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        customizations: Sequence[dict[str, Any]] | UnsetType = UNSET,
        variations: Sequence[dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
    ) -> Experience:
        """Create a new experience."""
        return await self._call(
            "create_experience", Experience, locals(), body=CreateExperienceRequest
        )

    async def clone(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        name: str | UnsetType = UNSET,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
    ) -> Experience:
        """Clone an existing experience."""
        return await self._call(
            "clone_experience", Experience, locals(), body=CloneExperienceRequest
        )

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        description: str | UnsetType = UNSET,
        start_time: int | UnsetType | None = UNSET,
        end_time: int | UnsetType | None = UNSET,
        global_js: str | UnsetType = UNSET,
        global_css: str | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        primary_goal: int | UnsetType = UNSET,
        objective: str | UnsetType | None = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        site_area: dict[str, Any] | UnsetType | None = UNSET,
        status: ExperienceStatus | UnsetType = UNSET,
        traffic_distribution: float | UnsetType = UNSET,
        type: ExperienceType | UnsetType = UNSET,
        url: str | UnsetType = UNSET,
        version: float | UnsetType = UNSET,
        integrations: Sequence[Any] | UnsetType = UNSET,
        environments: Sequence[str] | UnsetType = UNSET,
        environment: str | UnsetType = UNSET,
        multipage_pages: Sequence[dict[str, Any]] | UnsetType = UNSET,
        audiences: Sequence[int] | UnsetType = UNSET,
        locations: Sequence[int] | UnsetType = UNSET,
        goals: Sequence[int] | UnsetType = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        customizations: Sequence[dict[str, Any]] | UnsetType = UNSET,
        variations: Sequence[dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[ExperienceIncludeField] | UnsetType = UNSET,
        expand: Sequence[ExperienceExpandField] | UnsetType = UNSET,
    ) -> Experience:
        """Update an existing experience."""
        return await self._call(
            "update_experience", Experience, locals(), body=UpdateExperienceRequest
        )

    async def delete(self, *, account_id: int, project_id: int, experience_id: int) -> StatusReply:
        """Delete an experience."""
        return await self._call("delete_experience", StatusReply, locals())

    async def manage_report_token(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        token_action: Literal["regenerate", "delete"] | UnsetType = UNSET,
        token_expiration: int | UnsetType = UNSET,
    ) -> ReportToken:
        """Manage report access token for an experience."""
        return await self._call(
            "manage_experience_report_token",
            ReportToken,
            locals(),
            body=ManageExperienceReportTokenRequest,
        )

    async def get_live_data(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        event_types: Sequence[LiveDataEventType] | UnsetType | None = UNSET,
        goals: Sequence[int] | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType | None = UNSET,
        expand: Sequence[LiveDataExpandField] | UnsetType | None = UNSET,
    ) -> builtins.list[LiveDataEntry]:
        """Get live tracking events for a specific experience."""
        return await self._call(
            "get_experience_live_data",
            list[LiveDataEntry],
            locals(),
            body=GetExperienceLiveDataRequest,
        )

    def list_change_history(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        methods: Sequence[Literal["api", "app"]] | UnsetType | None = UNSET,
        objects: Sequence[ExperienceHistoryObject] | UnsetType | None = UNSET,
        sort_by: ListExperienceChangeHistorySortBy | UnsetType | None = UNSET,
        variations: Sequence[float] | UnsetType | None = UNSET,
        changes: Sequence[float] | UnsetType | None = UNSET,
        author_id: str | UnsetType | None = UNSET,
        expand: Sequence[Literal["project"]] | UnsetType | None = UNSET,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[ChangeHistoryEntry]:
        """Get change history for a specific experience."""
        return self._list(
            "list_experience_change_history",
            ChangeHistoryEntry,
            locals(),
            body=ListExperienceChangeHistoryRequest,
        )

    async def generate_screenshots(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variations: Sequence[float] | UnsetType = UNSET,
    ) -> StatusReply:
        """Trigger screenshot generation for experience variations."""
        return await self._call(
            "generate_experience_screenshots",
            StatusReply,
            locals(),
            body=GenerateExperienceScreenshotsRequest,
        )

    async def bulk_update(
        self, *, account_id: int, project_id: int, id: Sequence[int], status: BulkExperienceStatus
    ) -> BulkStatusReply:
        """Update multiple experiences at once."""
        return await self._call(
            "bulk_update_experiences", BulkStatusReply, locals(), body=BulkUpdateExperiencesRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple experiences at once."""
        return await self._call(
            "bulk_delete_experiences", BulkStatusReply, locals(), body=BulkIdsRequest
        )
