"""Experiences Reports: 8 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

from msgspec import UNSET, UnsetType

from ..._core.errors import RequestValidationError
from .._resource import Resource, StrPath
from ..bulk import BulkExport, export_reports
from ..models import (
    AggregatedReport,
    DailyReport,
    RawDataExport,
    ReportDataDeletion,
    ReportExport,
    ReportSettings,
    StatusReply,
    TrafficAllocationReport,
)
from ..requests import (
    DailyReportMetric,
    DailyReportType,
    DeleteExperienceReportDataRequest,
    ExportExperienceRawDataRequest,
    ExportExperienceReportReportType,
    ExportExperienceReportRequest,
    GetExperienceAggregatedReportRequest,
    GetExperienceDailyReportRequest,
    GetExperienceTrafficAllocationReportRequest,
    LiveDataEventType,
    MetricType,
)

__all__ = ["ExportLink", "Reports"]

ExportLink = ReportExport | RawDataExport | str
"""What :meth:`Reports.download` fetches: an export reply with a ``url``, or the link itself."""


class Reports(Resource):
    """Experiences Reports."""

    async def get_settings(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        report_token: str | UnsetType = UNSET,
    ) -> ReportSettings:
        """Get report settings for an experience."""
        return await self._call("get_experience_report_settings", ReportSettings, locals())

    async def get_aggregated(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        goals: Sequence[int] | UnsetType = UNSET,
        metrics: Sequence[MetricType] | UnsetType = UNSET,
        utc_offset: int | UnsetType = UNSET,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType = UNSET,
        stats_engine_processing: Any | UnsetType = UNSET,
        report_token: str | UnsetType = UNSET,
    ) -> AggregatedReport:
        """Get aggregated performance report for an experience."""
        return await self._call(
            "get_experience_aggregated_report",
            AggregatedReport,
            locals(),
            body=GetExperienceAggregatedReportRequest,
        )

    async def get_daily(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        goal: float | UnsetType = UNSET,
        report_type: DailyReportType | UnsetType = UNSET,
        metric: DailyReportMetric | UnsetType = UNSET,
        segments: dict[str, Any] | UnsetType = UNSET,
        utc_offset: int | UnsetType = UNSET,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        stats_engine_processing: Any | UnsetType = UNSET,
        report_token: str | UnsetType = UNSET,
    ) -> DailyReport:
        """Get daily performance report for an experience."""
        return await self._call(
            "get_experience_daily_report",
            DailyReport,
            locals(),
            body=GetExperienceDailyReportRequest,
        )

    async def get_traffic_allocation(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        utc_offset: int | UnsetType = UNSET,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        report_token: str | UnsetType = UNSET,
    ) -> TrafficAllocationReport:
        """Get daily traffic allocation report for an MAB experience."""
        return await self._call(
            "get_experience_traffic_allocation_report",
            TrafficAllocationReport,
            locals(),
            body=GetExperienceTrafficAllocationReportRequest,
        )

    async def reset(self, *, account_id: int, project_id: int, experience_id: int) -> StatusReply:
        """Reset report data for an experience."""
        return await self._call("reset_experience_report", StatusReply, locals())

    async def export(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        report_type: ExportExperienceReportReportType | UnsetType = UNSET,
        data_type: DailyReportType | UnsetType = UNSET,
        goals: Sequence[int] | UnsetType = UNSET,
        utc_offset: int | UnsetType = UNSET,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType = UNSET,
        stats_engine_processing: Any | UnsetType = UNSET,
    ) -> ReportExport:
        """Export an experience report (CSV/PDF)."""
        return await self._call(
            "export_experience_report", ReportExport, locals(), body=ExportExperienceReportRequest
        )

    @overload
    async def download(
        self, export: ReportExport | RawDataExport | str, *, to: None = None
    ) -> bytes: ...
    @overload
    async def download(
        self, export: ReportExport | RawDataExport | str, *, to: StrPath
    ) -> Path: ...
    async def download(
        self, export: ReportExport | RawDataExport | str, *, to: StrPath | None = None
    ) -> bytes | Path:
        """Fetch the file an :meth:`export` (or a link) points to: its bytes, or with
        ``to=path`` streamed to that file.

        The link is fetched with credentials only when it is on the API's own host.

        Example::

            export = await client.reports.export(
                account_id=1, project_id=2, experience_id=3, report_type="csv_daily"
            )
            await client.reports.download(export=export, to="daily.csv")
        """
        url = export if isinstance(export, str) else export.url
        if not url:
            raise RequestValidationError("export", "has no download link (url)")
        return await self._fetch_link(url, to)

    async def export_raw_data(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        events: Sequence[LiveDataEventType] | UnsetType = UNSET,
        goals: Sequence[int] | UnsetType = UNSET,
        utc_offset: int | UnsetType = UNSET,
        start_time: float | UnsetType | None = UNSET,
        end_time: float | UnsetType | None = UNSET,
        segments: dict[str, Any] | UnsetType = UNSET,
        stats_engine_processing: Any | UnsetType = UNSET,
    ) -> RawDataExport:
        """Export raw tracking data for an experience."""
        return await self._call(
            "export_experience_raw_data",
            RawDataExport,
            locals(),
            body=ExportExperienceRawDataRequest,
        )

    async def delete_data(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        start_time: float | None,
        end_time: float | None,
        utc_offset: int | UnsetType = UNSET,
        segments: dict[str, Any] | UnsetType = UNSET,
        stats_engine_processing: Any | UnsetType = UNSET,
        events: Sequence[dict[str, Any]] | UnsetType = UNSET,
        simulate: bool | UnsetType = UNSET,
    ) -> builtins.list[ReportDataDeletion]:
        """Remove specific data from an experience report."""
        return await self._call(
            "delete_experience_report_data",
            list[ReportDataDeletion],
            locals(),
            body=DeleteExperienceReportDataRequest,
        )

    def export_many(self, **options: Any) -> BulkExport:
        """Many experiences' reports to CSV/JSONL: ``export_reports(client, **options)``."""
        return export_reports(self._client, **options)
