"""Tags: 6 operations."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, StatusReply, Tag
from ..requests import BulkIdsRequest, CreateTagRequest, ListTagsRequest, UpdateTagRequest

__all__ = ["Tags"]


class Tags(Resource):
    """Tags."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        search: str | UnsetType | None = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Tag]:
        """List tags within a project."""
        return self._list("list_tags", Tag, locals(), body=ListTagsRequest)

    async def get(self, *, account_id: int, project_id: int, tag_id: int) -> Tag:
        """Get details for a specific tag."""
        return await self._call("get_tag", Tag, locals())

    async def create(
        self, *, account_id: int, project_id: int, name: str, description: str | UnsetType = UNSET
    ) -> Tag:
        """Create a new tag."""
        return await self._call("create_tag", Tag, locals(), body=CreateTagRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        tag_id: int,
        name: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
    ) -> Tag:
        """Update an existing tag."""
        return await self._call("update_tag", Tag, locals(), body=UpdateTagRequest)

    async def delete(self, *, account_id: int, project_id: int, tag_id: int) -> StatusReply:
        """Delete a tag."""
        return await self._call("delete_tag", StatusReply, locals())

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple tags at once."""
        return await self._call("bulk_delete_tags", BulkStatusReply, locals(), body=BulkIdsRequest)
