"""Every Convert REST v1 operation, declared once as data.

One row per catalog operation: catalog name, resource attribute, method name, HTTP method,
path (relative to ``https://api.convert.com/api/v1``, as in the catalog), flags and the v2
operation that replaces it:

- ``paged``: a list paged by ``page`` / ``results_per_page`` in the JSON body; the reply is a
  bare array and a short page ends the list (safe to retry);
- ``read``: a POST that only reads (reports), retried like a GET.

A corrected path or method is a one-line change here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .._core.operation import operation_from_row, operation_table

Row = tuple[str, str, str, str, str, str, str]

# fmt: off
_ROWS: tuple[Row, ...] = (
    ('list_projects', 'projects', 'list', 'GET', '/projects/', 'paged', 'list_projects'),
    ('get_project', 'projects', 'get', 'GET', '/projects/get/{project_id}', '', 'get_project'),
    ('create_project', 'projects', 'create', 'POST', '/projects/add', '', 'create_project'),
    ('update_project', 'projects', 'update', 'POST', '/projects/update/{project_id}', '', 'update_project'),
    ('list_experiences', 'experiences', 'list', 'POST', '/experiences/{project_id}', 'paged', 'list_experiences'),
    ('get_experience', 'experiences', 'get', 'GET', '/experiences/get/{project_id}/{experience_id}', '', 'get_experience'),
    ('create_experience', 'experiences', 'create', 'POST', '/experiences/add/{project_id}', '', 'create_experience'),
    ('update_experience', 'experiences', 'update', 'POST', '/experiences/update/{project_id}/{experience_id}', '', 'update_experience'),
    ('add_variation', 'variations', 'add', 'POST', '/variations/add/{project_id}/{experience_id}', '', 'update_experience'),
    ('delete_variation', 'variations', 'delete', 'DELETE', '/variations/delete/{project_id}/{experience_id}/{variation_id}', '', 'delete_variation'),
    ('list_goals', 'goals', 'list', 'POST', '/goals/{project_id}', 'paged', 'list_goals'),
    ('get_goal', 'goals', 'get', 'GET', '/goals/get/{project_id}/{goal_id}', '', 'get_goal'),
    ('create_goal', 'goals', 'create', 'POST', '/goals/add/{project_id}', '', 'create_goal'),
    ('update_goal', 'goals', 'update', 'POST', '/goals/update/{project_id}/{goal_id}', '', 'update_goal'),
    ('list_hypotheses', 'hypotheses', 'list', 'POST', '/hypotheses/{project_id}', 'paged', 'list_hypotheses'),
    ('get_hypothesis', 'hypotheses', 'get', 'GET', '/hypotheses/get/{project_id}/{hypothesis_id}', '', 'get_hypothesis'),
    ('create_hypothesis', 'hypotheses', 'create', 'POST', '/hypotheses/add/{project_id}', '', 'create_hypothesis'),
    ('update_hypothesis', 'hypotheses', 'update', 'POST', '/hypotheses/update/{project_id}/{hypothesis_id}', '', 'update_hypothesis'),
    ('update_hypothesis_status', 'hypotheses', 'update_status', 'POST', '/hypotheses/status/{project_id}/{hypothesis_id}', '', 'update_hypothesis_status'),
    ('list_audiences', 'audiences', 'list', 'POST', '/audiences/{project_id}', 'paged', 'list_audiences'),
    ('get_audience', 'audiences', 'get', 'GET', '/audiences/get/{project_id}/{audience_id}', '', 'get_audience'),
    ('create_audience', 'audiences', 'create', 'POST', '/audiences/add/{project_id}', '', 'create_audience'),
    ('update_audience', 'audiences', 'update', 'POST', '/audiences/update/{project_id}/{audience_id}', '', 'update_audience'),
    ('get_goal_report', 'reports', 'get_goal', 'POST', '/reports/{project_id}/{experience_id}/{goal_id}', 'read', 'get_experience_aggregated_report'),
    ('get_experience_report', 'reports', 'get_experience', 'POST', '/reports/{project_id}/{experience_id}', 'read', 'get_experience_aggregated_report'),
)
# fmt: on


OPERATIONS = operation_table(operation_from_row(*row[:6], page_shape="bare") for row in _ROWS)
"""Read-only mapping: catalog operation name -> :class:`~convert_async._core.operation.Operation`."""

V2_EQUIVALENTS: Mapping[str, str] = MappingProxyType({row[0]: row[6] for row in _ROWS})
"""v1 operation name -> the ``convert_async.v2.OPERATIONS`` name that replaces it."""
