"""Features: 8 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Feature, StatusReply
from ..requests import (
    BulkIdsRequest,
    BulkStatusRequest,
    CreateFeatureRequest,
    ListFeaturesRequest,
    ListFeaturesSortBy,
    UpdateFeatureRequest,
)

__all__ = ["Features"]


class Features(Resource):
    """Features."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        sort_by: ListFeaturesSortBy | UnsetType | None = UNSET,
        include: Sequence[Literal["stats"]] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Feature]:
        """List features within a Full Stack project."""
        return self._list("list_features", Feature, locals(), body=ListFeaturesRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        feature_id: int,
        include: Sequence[Literal["stats"]] | UnsetType = UNSET,
    ) -> Feature:
        """Get details for a specific feature."""
        return await self._call("get_feature", Feature, locals())

    async def get_by_key(
        self,
        *,
        account_id: int,
        project_id: int,
        feature_key: str,
        include: Sequence[Literal["stats"]] | UnsetType = UNSET,
    ) -> Feature:
        """Get feature details by its unique key."""
        return await self._call("get_feature_by_key", Feature, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        variables: Sequence[Any],
        status: Literal["active", "archived"] | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
    ) -> Feature:
        """Create a new feature for a Full Stack project."""
        return await self._call("create_feature", Feature, locals(), body=CreateFeatureRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        feature_id: int,
        id: Any | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        variables: Sequence[Any] | UnsetType = UNSET,
    ) -> Feature:
        """Update an existing feature."""
        return await self._call("update_feature", Feature, locals(), body=UpdateFeatureRequest)

    async def delete(self, *, account_id: int, project_id: int, feature_id: int) -> StatusReply:
        """Delete a feature."""
        return await self._call("delete_feature", StatusReply, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple features at once."""
        return await self._call(
            "bulk_update_features", BulkStatusReply, locals(), body=BulkStatusRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple features at once."""
        return await self._call(
            "bulk_delete_features", BulkStatusReply, locals(), body=BulkIdsRequest
        )
