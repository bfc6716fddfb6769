"""Knowledge Bases: 7 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, KnowledgeBase
from ..requests import (
    BulkIdsRequest,
    BulkStatusRequest,
    CreateKnowledgeBaseRequest,
    ListKnowledgeBasesRequest,
    ListKnowledgeBasesSortBy,
    UpdateKnowledgeBaseStatusRequest,
)

__all__ = ["KnowledgeBases"]


class KnowledgeBases(Resource):
    """Knowledge Bases."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        sort_by: ListKnowledgeBasesSortBy | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "archived"]] | UnsetType | None = UNSET,
        tags: Sequence[int] | UnsetType | None = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[KnowledgeBase]:
        """List Knowledge Base entries within a project."""
        return self._list(
            "list_knowledge_bases", KnowledgeBase, locals(), body=ListKnowledgeBasesRequest
        )

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        knowledge_base_id: int,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> KnowledgeBase:
        """Get details for a specific Knowledge Base entry."""
        return await self._call("get_knowledge_base", KnowledgeBase, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        summary: str | UnsetType = UNSET,
        url: str | UnsetType | None = UNSET,
        objective: str | UnsetType = UNSET,
        start_date: str | UnsetType | None = UNSET,
        end_date: str | UnsetType | None = UNSET,
        prioritization_score_type: str | UnsetType | None = UNSET,
        prioritization_score_attributes: dict[str, Any] | UnsetType | None = UNSET,
        experiences: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        description: str | UnsetType = UNSET,
        files: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> KnowledgeBase:
        """Create a new Knowledge Base entry."""
        return await self._call(
            "create_knowledge_base", KnowledgeBase, locals(), body=CreateKnowledgeBaseRequest
        )

    async def update_status(
        self,
        *,
        account_id: int,
        project_id: int,
        knowledge_base_id: int,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
    ) -> KnowledgeBase:
        """Update the status of a Knowledge Base entry."""
        return await self._call(
            "update_knowledge_base_status",
            KnowledgeBase,
            locals(),
            body=UpdateKnowledgeBaseStatusRequest,
        )

    async def delete(
        self, *, account_id: int, project_id: int, knowledge_base_id: int
    ) -> KnowledgeBase:
        """Delete a Knowledge Base entry."""
        return await self._call("delete_knowledge_base", KnowledgeBase, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple Knowledge Base entries at once."""
        return await self._call(
            "bulk_update_knowledge_bases",
            BulkStatusReply,
            locals(),
            body=BulkStatusRequest,
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple Knowledge Base entries at once."""
        return await self._call(
            "bulk_delete_knowledge_bases",
            BulkStatusReply,
            locals(),
            body=BulkIdsRequest,
        )
