"""Visitor Insights: 2 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import SignalSession, StatusReply
from ..requests import ListSignalSessionsRequest

__all__ = ["VisitorInsights"]


class VisitorInsights(Resource):
    """Visitor Insights."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        utc_offset: int | UnsetType = UNSET,
        experience: dict[str, Any] | UnsetType = UNSET,
        location_id: int | UnsetType = UNSET,
        starred: str | UnsetType = UNSET,
        watched: str | UnsetType = UNSET,
        country: dict[str, Any] | UnsetType | None = UNSET,
        os: dict[str, Any] | UnsetType = UNSET,
        browser: dict[str, Any] | UnsetType | None = UNSET,
        devices: dict[str, Any] | UnsetType | None = UNSET,
        contains_page: str | UnsetType = UNSET,
        not_contains_page: str | UnsetType = UNSET,
        duration: dict[str, Any] | UnsetType | None = UNSET,
        page_count: dict[str, Any] | UnsetType | None = UNSET,
        entry_page: str | UnsetType = UNSET,
        exit_page: str | UnsetType = UNSET,
        referrer_urls: Sequence[str] | UnsetType = UNSET,
        traffic_channels: Sequence[str] | UnsetType = UNSET,
        ad_campaign_labels: Sequence[str] | UnsetType = UNSET,
        recording_id: str | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[SignalSession]:
        """List Convert Signals™ (visitor frustration sessions)."""
        return self._list(
            "list_signal_sessions", SignalSession, locals(), body=ListSignalSessionsRequest
        )

    async def delete(
        self, *, account_id: int, project_id: int, signal_session_id: str
    ) -> StatusReply:
        """Delete a specific Convert Signals™ session."""
        return await self._call("delete_signal_session", StatusReply, locals())
