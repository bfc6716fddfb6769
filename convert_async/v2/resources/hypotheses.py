"""Hypotheses: 9 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Hypothesis, KnowledgeBase
from ..requests import (
    BulkIdsRequest,
    BulkUpdateHypothesesRequest,
    CreateHypothesisRequest,
    GetHypothesisExpand,
    HypothesisStatus,
    ListHypothesesRequest,
    ListHypothesesSortBy,
    UpdateHypothesisRequest,
    UpdateHypothesisStatusRequest,
)

__all__ = ["Hypotheses"]


class Hypotheses(Resource):
    """Hypotheses."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        sort_by: ListHypothesesSortBy | UnsetType | None = UNSET,
        score_max: int | UnsetType | None = UNSET,
        score_min: int | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        status: Sequence[HypothesisStatus] | UnsetType | None = UNSET,
        experiences: Sequence[int] | UnsetType | None = UNSET,
        tags: Sequence[int] | UnsetType | None = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        expand: Sequence[Literal["project", "tags"]] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Hypothesis]:
        """List hypotheses within a project."""
        return self._list("list_hypotheses", Hypothesis, locals(), body=ListHypothesesRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        hypothesis_id: int,
        expand: Sequence[GetHypothesisExpand] | UnsetType = UNSET,
    ) -> Hypothesis:
        """Get details for a specific hypothesis."""
        return await self._call("get_hypothesis", Hypothesis, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        status: HypothesisStatus,
        prioritization_score_type: str,
        prioritization_score_attributes: dict[str, Any],
        url: str | UnsetType | None = UNSET,
        objective: str | UnsetType = UNSET,
        start_date: str | UnsetType | None = UNSET,
        end_date: str | UnsetType | None = UNSET,
        summary: str | UnsetType = UNSET,
        description: str | UnsetType | None = UNSET,
        files: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        created_at: int | UnsetType = UNSET,
        experiences: Sequence[int] | UnsetType = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        expand: Sequence[GetHypothesisExpand] | UnsetType = UNSET,
    ) -> Hypothesis:
        """Create a new hypothesis."""
        return await self._call(
            "create_hypothesis", Hypothesis, locals(), body=CreateHypothesisRequest
        )

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        hypothesis_id: int,
        name: str | UnsetType = UNSET,
        url: str | UnsetType | None = UNSET,
        objective: str | UnsetType = UNSET,
        status: HypothesisStatus | UnsetType = UNSET,
        start_date: str | UnsetType | None = UNSET,
        end_date: str | UnsetType | None = UNSET,
        summary: str | UnsetType = UNSET,
        description: str | UnsetType | None = UNSET,
        files: Sequence[dict[str, Any]] | UnsetType | None = UNSET,
        created_at: int | UnsetType = UNSET,
        prioritization_score_type: str | UnsetType = UNSET,
        prioritization_score_attributes: dict[str, Any] | UnsetType = UNSET,
        experiences: Sequence[int] | UnsetType = UNSET,
        tags: Sequence[int | dict[str, Any]] | UnsetType | None = UNSET,
        expand: Sequence[GetHypothesisExpand] | UnsetType = UNSET,
    ) -> Hypothesis:
        """Update an existing hypothesis."""
        return await self._call(
            "update_hypothesis", Hypothesis, locals(), body=UpdateHypothesisRequest
        )

    async def update_status(
        self,
        *,
        account_id: int,
        project_id: int,
        hypothesis_id: int,
        status: HypothesisStatus | UnsetType = UNSET,
        expand: Sequence[GetHypothesisExpand] | UnsetType = UNSET,
    ) -> Hypothesis:
        """Update the status of a hypothesis."""
        return await self._call(
            "update_hypothesis_status", Hypothesis, locals(), body=UpdateHypothesisStatusRequest
        )

    async def convert_to_knowledge_base(
        self, *, account_id: int, project_id: int, hypothesis_id: int
    ) -> KnowledgeBase:
        """Convert a proven/disproven hypothesis to a Knowledge Base entry."""
        return await self._call("convert_hypothesis_to_knowledge_base", KnowledgeBase, locals())

    async def delete(self, *, account_id: int, project_id: int, hypothesis_id: int) -> Hypothesis:
        """Delete a hypothesis."""
        return await self._call("delete_hypothesis", Hypothesis, locals())

    async def bulk_update(
        self, *, account_id: int, project_id: int, id: Sequence[int], status: HypothesisStatus
    ) -> BulkStatusReply:
        """Update multiple hypotheses at once."""
        return await self._call(
            "bulk_update_hypotheses", BulkStatusReply, locals(), body=BulkUpdateHypothesesRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple hypotheses at once."""
        return await self._call(
            "bulk_delete_hypotheses", BulkStatusReply, locals(), body=BulkIdsRequest
        )
