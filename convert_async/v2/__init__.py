"""Convert REST API v2: client, operation table, request and response models."""

from .._core.ratelimit import AdaptiveRateLimiter, RateLimiterStats
from ._operations import OPERATIONS
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
from .client import DEFAULT_BASE_URL, ConvertClient, auth_from_env

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
