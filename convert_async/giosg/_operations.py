"""Every giosg Experiments operation, declared once as data.

One row per catalog operation: catalog name, resource attribute, method name, HTTP method,
path (relative to the base URL, as in the catalog) and flags:

- ``cursor``: a list paged by ``{"next", "previous", "results"}`` with full ``next`` URLs;
- ``read``: a POST that only reads (reports), retried like a GET;
- ``base=reporting``: served by the Reporting API host (``reporting_base_url``), not the
  main one.

A corrected path or method is a one-line change here.
"""

from __future__ import annotations

from .._core.operation import operation_from_row, operation_table

Row = tuple[str, str, str, str, str, str]

#: Name of the second base URL (the Reporting API host) in :class:`Operation.base`.
REPORTING = "reporting"

# fmt: off
_ROWS: tuple[Row, ...] = (
    ('list_experiments', 'experiments', 'list', 'GET', '/orgs/{organization_id}/experiments', 'cursor'),
    ('get_experiment', 'experiments', 'get', 'GET', '/orgs/{organization_id}/experiments/{experiment_id}', ''),
    ('create_experiment', 'experiments', 'create', 'POST', '/orgs/{organization_id}/experiments', ''),
    ('update_experiment', 'experiments', 'update', 'PUT', '/orgs/{organization_id}/experiments/{experiment_id}', ''),
    ('delete_experiment', 'experiments', 'delete', 'DELETE', '/orgs/{organization_id}/experiments/{experiment_id}', ''),
    ('get_experiment_weekly_results', 'experiments', 'get_weekly_results', 'POST', '/orgs/{organization_id}/experiments/{experiment_id}/weekly', 'read base=reporting'),
)
# fmt: on


OPERATIONS = operation_table(operation_from_row(*row) for row in _ROWS)
"""Read-only mapping: catalog operation name -> :class:`~convert_async._core.operation.Operation`."""
