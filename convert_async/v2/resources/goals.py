"""Goals: 9 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Goal, StatusReply
from ..requests import (
    BulkIdsRequest,
    BulkStatusRequest,
    CreateGoalRequest,
    GoalType,
    ListGoalsRequest,
    ListGoalsSortBy,
    UpdateGoalRequest,
)

__all__ = ["Goals"]


class Goals(Resource):
    """Goals."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        sort_direction: Literal["asc", "desc"] | UnsetType | None = UNSET,
        status: Sequence[Literal["active", "archived"]] | UnsetType | None = UNSET,
        is_default: bool | UnsetType | None = UNSET,
        search: str | UnsetType | None = UNSET,
        tracking: Literal["tracked", "not_tracked"] | UnsetType | None = UNSET,
        usage: Literal["used", "not_used"] | UnsetType | None = UNSET,
        goal_type: Sequence[GoalType] | UnsetType | None = UNSET,
        experiences: Sequence[int] | UnsetType | None = UNSET,
        sort_by: ListGoalsSortBy | UnsetType | None = UNSET,
        include: Sequence[Literal["triggering_rule", "stats"]] | UnsetType = UNSET,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Goal]:
        """List goals within a project."""
        return self._list("list_goals", Goal, locals(), body=ListGoalsRequest)

    async def get(
        self,
        *,
        account_id: int,
        project_id: int,
        goal_id: int,
        include: Sequence[Literal["triggering_rule", "stats"]] | UnsetType = UNSET,
    ) -> Goal:
        """Get details for a specific goal."""
        return await self._call("get_goal", Goal, locals())

    async def get_by_key(
        self,
        *,
        account_id: int,
        project_id: int,
        goal_key: str,
        include: Sequence[Literal["triggering_rule", "stats"]] | UnsetType = UNSET,
    ) -> Goal:
        """Get goal details by its unique key."""
        return await self._call("get_goal_by_key", Goal, locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        name: str,
        triggering_rule: dict[str, Any] | None,
        type: Any,
        key: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        selected_default: bool | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        settings: Any | UnsetType = UNSET,
    ) -> Goal:
        """Create a new conversion goal."""
        return await self._call("create_goal", Goal, locals(), body=CreateGoalRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        goal_id: int,
        name: str | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        triggering_rule: dict[str, Any] | UnsetType | None = UNSET,
        selected_default: bool | UnsetType = UNSET,
        status: Literal["active", "archived"] | UnsetType = UNSET,
        type: Any | UnsetType = UNSET,
        settings: Any | UnsetType = UNSET,
    ) -> Goal:
        """Update an existing conversion goal."""
        return await self._call("update_goal", Goal, locals(), body=UpdateGoalRequest)

    async def delete(self, *, account_id: int, project_id: int, goal_id: int) -> StatusReply:
        """Delete a conversion goal."""
        return await self._call("delete_goal", StatusReply, locals())

    async def bulk_update(
        self,
        *,
        account_id: int,
        project_id: int,
        id: Sequence[int],
        status: Literal["active", "archived"],
    ) -> BulkStatusReply:
        """Update multiple goals at once."""
        return await self._call(
            "bulk_update_goals", BulkStatusReply, locals(), body=BulkStatusRequest
        )

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Delete multiple goals at once."""
        return await self._call("bulk_delete_goals", BulkStatusReply, locals(), body=BulkIdsRequest)

    async def clone(
        self,
        *,
        account_id: int,
        project_id: int,
        goal_id: int,
        include: Sequence[Literal["triggering_rule", "stats"]] | UnsetType = UNSET,
    ) -> Goal:
        """Clone an existing conversion goal."""
        return await self._call("clone_goal", Goal, locals())
