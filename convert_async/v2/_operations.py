"""Every Convert REST v2 operation, declared once as data.

One row per catalog operation: catalog name, resource attribute, method name, HTTP method,
path (relative to the base URL, as in the catalog) and flags:

- ``paged``: a paginated list (POST with page fields in the body; safe to retry);
- ``read``: a POST that only reads (reports), retried like a GET;
- ``data``: the reply wraps its payload in ``{"data": ...}``.

A corrected path or method is a one-line change here.
"""

from __future__ import annotations

from .._core.operation import Operation, operation_table

# fmt: off
_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("list_accounts", "accounts", "list", "GET", "/accounts", "data"),
    ("list_projects", "projects", "list", "POST", "/accounts/{account_id}/projects", "paged"),
    ("get_project", "projects", "get", "GET", "/accounts/{account_id}/projects/{project_id}", ""),
    ("list_experiences", "experiences", "list", "POST", "/accounts/{account_id}/projects/{project_id}/experiences", "paged"),
    ("get_experience", "experiences", "get", "GET", "/accounts/{account_id}/projects/{project_id}/experiences/{experience_id}", ""),
    ("get_experience_by_key", "experiences", "get_by_key", "GET", "/accounts/{account_id}/projects/{project_id}/experiences/{experience_key}", ""),
    ("get_experience_aggregated_report", "reports", "aggregated", "POST", "/accounts/{account_id}/projects/{project_id}/experiences/{experience_id}/aggregated_report", "read data"),
    ("get_experience_daily_report", "reports", "daily", "POST", "/accounts/{account_id}/projects/{project_id}/experiences/{experience_id}/daily_report", "read data"),
)
# fmt: on


def _operation(row: tuple[str, str, str, str, str, str]) -> Operation:
    operation, resource, name, http_method, path, flags = row
    words = set(flags.split())
    return Operation(
        operation,
        resource,
        name,
        http_method,
        path,
        paginated="paged" in words,
        reads_only="read" in words,
        envelope="data" if "data" in words else "none",
    )


OPERATIONS = operation_table(_operation(row) for row in _ROWS)
"""Read-only mapping: catalog operation name -> :class:`~convert_async._core.operation.Operation`."""
