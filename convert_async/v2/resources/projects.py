"""Projects: 12 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, overload

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.multipart import Upload
from ..._core.pagination import AsyncPager
from .._resource import Resource, StrPath
from ..models import (
    BulkStatusReply,
    ChangeHistoryEntry,
    DebugToken,
    ImportResult,
    LiveDataEntry,
    Project,
    StatusReply,
)
from ..requests import (
    BulkUpdateProjectsRequest,
    ChangeHistoryObject,
    CreateProjectRequest,
    ExportProjectRequest,
    GetProjectLiveDataRequest,
    ImportProjectDataRequest,
    ImportProjectRequest,
    ListAccountChangeHistorySortBy,
    ListProjectChangeHistoryRequest,
    ListProjectsRequest,
    ListProjectsSortBy,
    LiveDataEventType,
    LiveDataExpandField,
    ProjectsListExpandField,
    ProjectsListIncludeField,
    ProjectStatus,
    ScriptReleaseType,
    UpdateProjectRequest,
    read_upload,
)

__all__ = ["Projects"]


class Projects(Resource):
    """Projects."""

    def list(
        self,
        *,
        account_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "inactive"]] | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        legacy_script: bool | UnsetType | None = UNSET,
        tracking_script_release_type: Sequence[ScriptReleaseType] | UnsetType | None = UNSET,
        tracking_script_version: dict[str, Any] | UnsetType | None = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        sort_by: ListProjectsSortBy | UnsetType | None = UNSET,
        project_type: Sequence[Literal["web", "fullstack"]] | UnsetType | None = UNSET,
        include: Sequence[ProjectsListIncludeField] | UnsetType = UNSET,
        expand: Sequence[ProjectsListExpandField] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Project]:
        """List projects within an account."""
        return self._list("list_projects", Project, locals(), body=ListProjectsRequest)

    def list_change_history(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        methods: Sequence[Literal["api", "app"]] | UnsetType | None = UNSET,
        objects: Sequence[ChangeHistoryObject] | UnsetType | None = UNSET,
        audiences: Sequence[int] | UnsetType | None = UNSET,
        goals: Sequence[int] | UnsetType | None = UNSET,
        locations: Sequence[int] | UnsetType | None = UNSET,
        hypotheses: Sequence[int] | UnsetType | None = UNSET,
        domains: Sequence[int] | UnsetType | None = UNSET,
        tags: Sequence[int] | UnsetType | None = UNSET,
        experiences: Sequence[int] | UnsetType | None = UNSET,
        sort_by: ListAccountChangeHistorySortBy | UnsetType | None = UNSET,
        expand: Sequence[Literal["project"]] | UnsetType | None = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[ChangeHistoryEntry]:
        """Get change history for a specific project."""
        return self._list(
            "list_project_change_history",
            ChangeHistoryEntry,
            locals(),
            body=ListProjectChangeHistoryRequest,
        )

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        include: Sequence[ProjectsListIncludeField] | UnsetType = UNSET,
        expand: Sequence[ProjectsListExpandField] | UnsetType = UNSET,
    ) -> Project:
        """Get details for a specific project."""
        return await self._call("get_project", Project, locals())

    async def create(
        self,
        *,
        account_id: int,
        name: str,
        global_javascript: str | UnsetType | None = UNSET,
        project_type: Literal["web", "fullstack"] | UnsetType = UNSET,
        reporting_settings: dict[str, Any] | UnsetType = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        integrations_settings: dict[str, Any] | UnsetType = UNSET,
        status: ProjectStatus | UnsetType = UNSET,
        custom_domain: dict[str, Any] | UnsetType | None = UNSET,
        environments: dict[str, Any] | UnsetType = UNSET,
        default_goals: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        default_audiences: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        default_locations: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        domains: Sequence[dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[ProjectsListIncludeField] | UnsetType = UNSET,
        expand: Sequence[ProjectsListExpandField] | UnsetType = UNSET,
    ) -> Project:
        """Create a new project."""
        return await self._call("create_project", Project, locals(), body=CreateProjectRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        global_javascript: str | UnsetType | None = UNSET,
        name: str | UnsetType = UNSET,
        project_type: Literal["web", "fullstack"] | UnsetType = UNSET,
        reporting_settings: dict[str, Any] | UnsetType = UNSET,
        settings: dict[str, Any] | UnsetType = UNSET,
        integrations_settings: dict[str, Any] | UnsetType = UNSET,
        status: ProjectStatus | UnsetType = UNSET,
        custom_domain: dict[str, Any] | UnsetType | None = UNSET,
        environments: dict[str, Any] | UnsetType = UNSET,
        default_goals: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        default_audiences: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        default_locations: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        domains: Sequence[int | dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[ProjectsListIncludeField] | UnsetType = UNSET,
        expand: Sequence[ProjectsListExpandField] | UnsetType = UNSET,
    ) -> Project:
        """Update an existing project."""
        return await self._call("update_project", Project, locals(), body=UpdateProjectRequest)

    async def delete(self, *, account_id: int, project_id: int) -> StatusReply:
        """Delete a project."""
        return await self._call("delete_project", StatusReply, locals())

    async def get_live_data(
        self,
        *,
        account_id: int,
        project_id: int,
        experiences: Sequence[int] | UnsetType | None = UNSET,
        event_types: Sequence[LiveDataEventType] | UnsetType | None = UNSET,
        goals: Sequence[int] | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType | None = UNSET,
        expand: Sequence[LiveDataExpandField] | UnsetType | None = UNSET,
    ) -> builtins.list[LiveDataEntry]:
        """Get live tracking events for a specific project."""
        return await self._call(
            "get_project_live_data", list[LiveDataEntry], locals(), body=GetProjectLiveDataRequest
        )

    async def bulk_update(
        self, *, account_id: int, id: Sequence[int], settings: dict[str, Any] | UnsetType = UNSET
    ) -> BulkStatusReply:
        """Update multiple projects at once."""
        return await self._call(
            "bulk_update_projects", BulkStatusReply, locals(), body=BulkUpdateProjectsRequest
        )

    async def create_debug_token(self, *, account_id: int, project_id: int) -> DebugToken:
        """Generate a debug token for a project."""
        return await self._call("create_project_debug_token", DebugToken, locals())

    @overload
    async def export(
        self,
        *,
        account_id: int,
        project_id: int,
        include_project: bool | UnsetType = UNSET,
        experiences: dict[str, Any] | UnsetType = UNSET,
        audiences: dict[str, Any] | UnsetType = UNSET,
        locations: dict[str, Any] | UnsetType = UNSET,
        goals: dict[str, Any] | UnsetType = UNSET,
        hypothesis: dict[str, Any] | UnsetType = UNSET,
        to: None = None,
    ) -> bytes: ...
    @overload
    async def export(
        self,
        *,
        account_id: int,
        project_id: int,
        include_project: bool | UnsetType = UNSET,
        experiences: dict[str, Any] | UnsetType = UNSET,
        audiences: dict[str, Any] | UnsetType = UNSET,
        locations: dict[str, Any] | UnsetType = UNSET,
        goals: dict[str, Any] | UnsetType = UNSET,
        hypothesis: dict[str, Any] | UnsetType = UNSET,
        to: StrPath,
    ) -> Path: ...
    async def export(
        self,
        *,
        account_id: int,
        project_id: int,
        include_project: bool | UnsetType = UNSET,
        experiences: dict[str, Any] | UnsetType = UNSET,
        audiences: dict[str, Any] | UnsetType = UNSET,
        locations: dict[str, Any] | UnsetType = UNSET,
        goals: dict[str, Any] | UnsetType = UNSET,
        hypothesis: dict[str, Any] | UnsetType = UNSET,
        to: StrPath | None = None,
    ) -> bytes | Path:
        """Export project data as JSON; with ``to=path`` it is streamed to that file instead."""
        if to is None:
            return await self._download("export_project", locals(), body=ExportProjectRequest)
        return await self._save("export_project", locals(), to, body=ExportProjectRequest)

    async def import_project(self, *, account_id: int, file: Upload) -> StatusReply:
        """Import a project from a project export JSON file (as :meth:`export` makes)."""
        arguments = {**locals(), "file": await read_upload(file)}
        return await self._call("import_project", StatusReply, arguments, body=ImportProjectRequest)

    async def import_data(self, *, account_id: int, project_id: int, file: Upload) -> ImportResult:
        """Import the goals, audiences, experiences ... of a project export JSON file into an
        existing project."""
        arguments = {**locals(), "file": await read_upload(file)}
        return await self._call(
            "import_project_data", ImportResult, arguments, body=ImportProjectDataRequest
        )
