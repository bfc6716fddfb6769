"""Observations: 7 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Observation
from ..requests import (
    BulkIdsRequest,
    BulkStatusRequest,
    CreateObservationRequest,
    ListObservationsRequest,
    ListObservationsSortBy,
    UpdateObservationRequest,
)

__all__ = ["Observations"]


class Observations(Resource):
    """Observations."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        sort_by: ListObservationsSortBy | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "archived"]] | UnsetType | None = UNSET,
        tags: Sequence[int] | UnsetType | None = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Observation]:
        """List observations within a project."""
        return self._list("list_observations", Observation, locals(), body=ListObservationsRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        observation_id: int,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> Observation:
        """Get details for a specific observation."""
        return await self._call("get_observation", Observation, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        url: str | UnsetType = UNSET,
        images: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        files: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> Observation:
        """Create a new observation."""
        return await self._call(
            "create_observation", Observation, locals(), body=CreateObservationRequest
        )

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        observation_id: int,
        name: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        url: str | UnsetType = UNSET,
        images: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        files: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> Observation:
        """Update an existing observation."""
        return await self._call(
            "update_observation", Observation, locals(), body=UpdateObservationRequest
        )

    async def delete(self, *, account_id: int, project_id: int, observation_id: int) -> Observation:
        """Delete an observation."""
        return await self._call("delete_observation", Observation, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple observations at once."""
        return await self._call(
            "bulk_update_observations",
            BulkStatusReply,
            locals(),
            body=BulkStatusRequest,
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple observations at once."""
        return await self._call(
            "bulk_delete_observations",
            BulkStatusReply,
            locals(),
            body=BulkIdsRequest,
        )
