"""Every Convert serving (config + tracking) operation, declared once as data.

One row per catalog operation: catalog name, group, the :class:`~convert_async.TrackingClient`
method that calls it, HTTP method, path (relative to the base URL named by ``base``) and flags:

- ``base`` (``Operation.base``): ``"config"`` (the CDN config host, ``config_base_url``) or
  ``"track"`` (the metrics host, ``track_base_url`` with ``[project_id]`` replaced);
- ``auth=api_key``: the operation is addressed by SDK key, so the key's secret (when there is
  one) is sent as ``Authorization: Bearer <secret>``; the others are the credential-less default
  endpoints addressed by account and project;
- ``query=a,b`` / ``header=h``: arguments sent in the query string / as headers.

A corrected path or host is a one-line change here.
"""

from __future__ import annotations

from typing import Literal

from .._core.operation import operation_from_row, operation_table

__all__ = ["OPERATIONS"]

Base = Literal["config", "track"]

Row = tuple[str, str, str, str, str, Base, str]

_CONFIG_QUERY = "query=environment,_conv_low_cache,debug_token,exp header=convert-debug-token"

# fmt: off
_ROWS: tuple[Row, ...] = (
    ('get_project_config', 'config', 'fetch_config', 'GET', '/config/{account_id}/{project_id}', 'config', _CONFIG_QUERY),
    ('get_project_config_by_sdk_key', 'config', 'fetch_config', 'GET', '/config/{sdk_key}', 'config', 'auth=api_key ' + _CONFIG_QUERY),
    ('send_tracking_events_by_sdk_key', 'tracking', 'flush', 'POST', '/track/{sdk_key}', 'track', 'auth=api_key'),
    ('send_tracking_events', 'tracking', 'flush', 'POST', '/track/{account_id}/{project_id}', 'track', ''),
    ('get_project_settings', 'config', 'get_project_settings', 'GET', '/project-settings/{account_id}/{project_id}', 'config', ''),
    ('get_project_optional_settings', 'config', 'get_project_optional_settings', 'GET', '/project-optional-settings/{account_id}/{project_id}', 'config', ''),
    ('get_visitor_data', 'visitor_data', 'get_visitor_data', 'GET', '/visitor-data/{account_id}/{project_id}/{visitor_id}', 'track', ''),
    ('get_visitor_data_by_sdk_key', 'visitor_data', 'get_visitor_data', 'GET', '/visitor-data/{sdk_key}/{visitor_id}', 'track', 'auth=api_key'),
)
# fmt: on


OPERATIONS = operation_table(
    operation_from_row(op, group, name, method, path, flags, base=base, auth="none")
    for op, group, name, method, path, base, flags in _ROWS
)
"""Read-only mapping: catalog operation name -> :class:`~convert_async._core.operation.Operation`.

``base`` names the host (``config`` or ``track``); the client registers both base URLs with its
session.

``resource`` groups the operations (``config``, ``tracking``, ``visitor_data``) and ``name`` is
the :class:`~convert_async.TrackingClient` method that sends them (tracking batches are sent by
the background sender, which ``flush`` drives).
"""
