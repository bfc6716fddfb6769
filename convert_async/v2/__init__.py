"""Convert REST API v2: client, operation table, request and response models."""

from typing import TYPE_CHECKING, Any

from .._core.ratelimit import AdaptiveRateLimiter, RateLimiterStats
from ._operations import OPERATIONS
from .client import DEFAULT_BASE_URL, ConvertClient, auth_from_env

if TYPE_CHECKING:
    from .bulk import (
        AggregatedRow,
        BulkExport,
        CheckpointError,
        DailyRow,
        ExportFailure,
        ExportResult,
        ReportRow,
        export_reports,
    )

# The bulk export (and the models it needs) loads when first used.
_BULK = frozenset(
    {
        "AggregatedRow",
        "BulkExport",
        "CheckpointError",
        "DailyRow",
        "ExportFailure",
        "ExportResult",
        "ReportRow",
        "export_reports",
    }
)


def __getattr__(name: str) -> Any:
    if name in _BULK:
        from . import bulk

        return getattr(bulk, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_BASE_URL",
    "OPERATIONS",
    "AdaptiveRateLimiter",
    "AggregatedRow",
    "BulkExport",
    "CheckpointError",
    "ConvertClient",
    "DailyRow",
    "ExportFailure",
    "ExportResult",
    "RateLimiterStats",
    "ReportRow",
    "auth_from_env",
    "export_reports",
]
