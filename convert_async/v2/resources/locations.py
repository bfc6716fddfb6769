"""Locations: 9 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Location, LocationPreset, StatusReply
from ..requests import (
    BulkIdsRequest,
    BulkStatusRequest,
    CreateLocationRequest,
    ListLocationsRequest,
    ListLocationsSortBy,
    LocationIncludeField,
    UpdateLocationRequest,
)

__all__ = ["Locations"]


class Locations(Resource):
    """Locations."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "archived"]] | UnsetType | None = UNSET,
        is_default: bool | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        sort_by: ListLocationsSortBy | UnsetType | None = UNSET,
        usage: Literal["used", "not_used"] | UnsetType | None = UNSET,
        include: Sequence[LocationIncludeField] | UnsetType = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Location]:
        """List locations within a project."""
        return self._list("list_locations", Location, locals(), body=ListLocationsRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        location_id: int,
        include: Sequence[LocationIncludeField] | UnsetType = UNSET,
    ) -> Location:
        """Get details for a specific location."""
        return await self._call("get_location", Location, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        rules: dict[str, Any] | None,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        selected_default: bool | UnsetType = UNSET,
        trigger: Any | UnsetType = UNSET,
    ) -> Location:
        """Create a new location."""
        return await self._call("create_location", Location, locals(), body=CreateLocationRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        location_id: int,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        selected_default: bool | UnsetType = UNSET,
        rules: dict[str, Any] | UnsetType | None = UNSET,
        trigger: Any | UnsetType = UNSET,
    ) -> Location:
        """Update an existing location."""
        return await self._call("update_location", Location, locals(), body=UpdateLocationRequest)

    async def delete(self, *, account_id: int, project_id: int, location_id: int) -> StatusReply:
        """Delete a location."""
        return await self._call("delete_location", StatusReply, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple locations at once."""
        return await self._call(
            "bulk_update_locations", BulkStatusReply, locals(), body=BulkStatusRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple locations at once."""
        return await self._call(
            "bulk_delete_locations", BulkStatusReply, locals(), body=BulkIdsRequest
        )

    async def list_presets(
        self, *, account_id: int, project_id: int
    ) -> builtins.list[LocationPreset]:
        """List predefined location templates (presets)."""
        return await self._call("list_location_presets", list[LocationPreset], locals())

    async def clone(
        self,
        *,
        account_id: int,
        project_id: int,
        location_id: int,
        include: Sequence[LocationIncludeField] | UnsetType = UNSET,
    ) -> Location:
        """Clone an existing location."""
        return await self._call("clone_location", Location, locals())
