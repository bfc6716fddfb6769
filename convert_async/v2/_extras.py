"""Hand-written methods mixed into generated resources (``tools/v2_naming.py`` names them)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, overload

from .._core.errors import RequestValidationError
from ._resource import Resource, StrPath

if TYPE_CHECKING:
    from .bulk import BulkExport

__all__ = ["ExportLink", "ReportsExtras"]


class ExportLink(Protocol):
    """A reply that carries a download link (``reports.export``'s reply)."""

    @property
    def download_url(self) -> str | None: ...


class ReportsExtras(Resource):
    """Fetching exported report files, and exporting many experiences' reports at once."""

    @overload
    async def download(self, export: ExportLink | str, *, to: None = None) -> bytes: ...
    @overload
    async def download(self, export: ExportLink | str, *, to: StrPath) -> Path: ...
    async def download(
        self, export: ExportLink | str, *, to: StrPath | None = None
    ) -> bytes | Path:
        """Fetch the file an export points to: its bytes, or with ``to=path`` streamed there.

        The link is fetched with credentials only when it is on the API's own host.

        Example::

            export = await client.reports.export(
                account_id=1, project_id=2, experience_id=3, report_type="csv_daily"
            )
            await client.reports.download(export, to="daily.csv")
        """
        url = export if isinstance(export, str) else export.download_url
        if not url:
            raise RequestValidationError("export", "has no download link (download_url)")
        return await self._fetch_link(url, to)

    def export_many(self, **options: Any) -> BulkExport:
        """Many experiences' reports to CSV/JSONL: ``export_reports(client, **options)``."""
        from .bulk import export_reports  # the export machinery loads when first used

        return export_reports(self._client, **options)
