"""Audiences: 9 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import Audience, AudiencePreset, BulkStatusReply, StatusReply
from ..requests import (
    AudienceIncludeField,
    BulkIdsRequest,
    BulkStatusRequest,
    CreateAudienceRequest,
    ListAudiencesRequest,
    ListAudiencesSortBy,
    ListAudiencesType,
    UpdateAudienceRequest,
)

__all__ = ["Audiences"]


class Audiences(Resource):
    """Audiences."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "archived"]] | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        is_default: bool | UnsetType | None = UNSET,
        sort_by: ListAudiencesSortBy | UnsetType | None = UNSET,
        type: ListAudiencesType | UnsetType | None = UNSET,
        experiences: Sequence[int] | UnsetType | None = UNSET,
        usage: Literal["used", "not_used"] | UnsetType | None = UNSET,
        include: Sequence[AudienceIncludeField] | UnsetType = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Audience]:
        """List audiences within a project."""
        return self._list("list_audiences", Audience, locals(), body=ListAudiencesRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        audience_id: int,
        include: Sequence[AudienceIncludeField] | UnsetType = UNSET,
    ) -> Audience:
        """Get details for a specific audience."""
        return await self._call("get_audience", Audience, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        type: Literal["permanent", "transient"],
        rules: dict[str, Any] | None,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        selected_default: bool | UnsetType = UNSET,
    ) -> Audience:
        """Create a new audience."""
        return await self._call("create_audience", Audience, locals(), body=CreateAudienceRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        audience_id: int,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        selected_default: bool | UnsetType = UNSET,
        type: Literal["permanent", "transient"] | UnsetType = UNSET,
        rules: dict[str, Any] | UnsetType | None = UNSET,
    ) -> Audience:
        """Update an existing audience."""
        return await self._call("update_audience", Audience, locals(), body=UpdateAudienceRequest)

    async def delete(self, *, account_id: int, project_id: int, audience_id: int) -> StatusReply:
        """Delete an audience."""
        return await self._call("delete_audience", StatusReply, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple audiences at once."""
        return await self._call(
            "bulk_update_audiences", BulkStatusReply, locals(), body=BulkStatusRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple audiences at once."""
        return await self._call(
            "bulk_delete_audiences", BulkStatusReply, locals(), body=BulkIdsRequest
        )

    async def list_presets(
        self, *, account_id: int, project_id: int
    ) -> builtins.list[AudiencePreset]:
        """List predefined audience templates (presets)."""
        return await self._call("list_audience_presets", list[AudiencePreset], locals())

    async def clone(
        self,
        *,
        account_id: int,
        project_id: int,
        audience_id: int,
        include: Sequence[AudienceIncludeField] | UnsetType = UNSET,
    ) -> Audience:
        """Clone an existing audience."""
        return await self._call("clone_audience", Audience, locals())
