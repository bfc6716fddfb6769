"""Every Pirsch API operation, declared once as data.

One row per catalog operation: catalog name, resource attribute, method name, HTTP method,
path (relative to ``https://api.pirsch.io/api/v1``, as in the catalog) and flags:

- ``write``: a tracking write, the only kind an access key (``pa_...``) may call;
- ``noauth``: sent without credentials (the token exchange itself);
- ``query``: the request model travels in the query string (statistics filters, ``?id=``);
- ``limit=security`` / ``limit=config``: counts against Pirsch's quota for security
  endpoints (10 requests a minute) or configuration endpoints (60 a minute); statistics and
  data collection are not limited;
- ``paged``: a statistics list paged by ``limit`` / ``offset``; the reply is a bare array and a
  short page ends it (safe to retry).

A corrected path or method is a one-line change here.
"""

from __future__ import annotations

from .._core.operation import operation_from_row, operation_table

Row = tuple[str, str, str, str, str, str]

# fmt: off
_ROWS: tuple[Row, ...] = (
    ('get_access_token', 'tokens', 'create', 'POST', '/token', 'noauth limit=security'),
    ('send_hit', 'hits', 'send', 'POST', '/hit', 'write'),
    ('send_hits_batch', 'hits', 'send_batch', 'POST', '/hit/batch', 'write'),
    ('send_event', 'events', 'send', 'POST', '/event', 'write'),
    ('send_events_batch', 'events', 'send_batch', 'POST', '/event/batch', 'write'),
    ('keep_session_alive', 'sessions', 'keep_alive', 'POST', '/session', 'write'),
    ('keep_sessions_alive_batch', 'sessions', 'keep_alive_batch', 'POST', '/session/batch', 'write'),
    ('list_domains', 'domains', 'list', 'GET', '/domain', 'limit=config'),
    ('get_session_duration', 'statistics', 'session_duration', 'GET', '/statistics/duration/session', 'query paged'),
    ('get_time_on_page', 'statistics', 'time_on_page', 'GET', '/statistics/duration/page', 'query paged'),
    ('get_utm_sources', 'statistics', 'utm_sources', 'GET', '/statistics/utm/source', 'query paged'),
    ('get_utm_mediums', 'statistics', 'utm_mediums', 'GET', '/statistics/utm/medium', 'query paged'),
    ('get_utm_campaigns', 'statistics', 'utm_campaigns', 'GET', '/statistics/utm/campaign', 'query paged'),
    ('get_utm_contents', 'statistics', 'utm_contents', 'GET', '/statistics/utm/content', 'query paged'),
    ('get_utm_terms', 'statistics', 'utm_terms', 'GET', '/statistics/utm/term', 'query paged'),
    ('get_total_visitors', 'statistics', 'total_visitors', 'GET', '/statistics/total', 'query'),
    ('get_visitors', 'statistics', 'visitors', 'GET', '/statistics/visitor', 'query paged'),
    ('get_pages', 'statistics', 'pages', 'GET', '/statistics/page', 'query paged'),
    ('get_entry_pages', 'statistics', 'entry_pages', 'GET', '/statistics/page/entry', 'query paged'),
    ('get_exit_pages', 'statistics', 'exit_pages', 'GET', '/statistics/page/exit', 'query paged'),
    ('get_conversion_goal_stats', 'statistics', 'conversion_goals', 'GET', '/statistics/goals', 'query paged'),
    ('get_events', 'statistics', 'events', 'GET', '/statistics/events', 'query paged'),
    ('get_event_metadata', 'statistics', 'event_metadata', 'GET', '/statistics/event/meta', 'query paged'),
    ('list_events', 'statistics', 'event_list', 'GET', '/statistics/event/list', 'query paged'),
    ('get_growth', 'statistics', 'growth', 'GET', '/statistics/growth', 'query'),
    ('get_active_visitors', 'statistics', 'active_visitors', 'GET', '/statistics/active', 'query'),
    ('get_time_of_day', 'statistics', 'time_of_day', 'GET', '/statistics/hours', 'query paged'),
    ('get_languages', 'statistics', 'languages', 'GET', '/statistics/language', 'query paged'),
    ('get_referrers', 'statistics', 'referrers', 'GET', '/statistics/referrer', 'query paged'),
    ('get_os', 'statistics', 'os', 'GET', '/statistics/os', 'query paged'),
    ('get_os_versions', 'statistics', 'os_versions', 'GET', '/statistics/os/version', 'query paged'),
    ('get_browsers', 'statistics', 'browsers', 'GET', '/statistics/browser', 'query paged'),
    ('get_browser_versions', 'statistics', 'browser_versions', 'GET', '/statistics/browser/version', 'query paged'),
    ('get_countries', 'statistics', 'countries', 'GET', '/statistics/country', 'query paged'),
    ('get_cities', 'statistics', 'cities', 'GET', '/statistics/city', 'query paged'),
    ('get_platforms', 'statistics', 'platforms', 'GET', '/statistics/platform', 'query'),
    ('get_screen_classes', 'statistics', 'screen_classes', 'GET', '/statistics/screen', 'query paged'),
    ('get_keywords', 'statistics', 'keywords', 'GET', '/statistics/keywords', 'query paged'),
    ('create_domain', 'domains', 'create', 'POST', '/domain', 'limit=config'),
    ('delete_domain', 'domains', 'delete', 'DELETE', '/domain', 'query limit=config'),
    ('reset_identification_code', 'domains', 'reset_identification_code', 'PUT', '/domain', 'limit=config'),
    ('update_subdomain', 'domains', 'update_subdomain', 'POST', '/domain/subdomain', 'limit=config'),
    ('toggle_public_dashboard', 'domains', 'toggle_public_dashboard', 'POST', '/domain/public', 'limit=config'),
    ('toggle_group_by_title', 'domains', 'toggle_group_by_title', 'POST', '/domain/title', 'limit=config'),
    ('update_timezone', 'domains', 'update_timezone', 'POST', '/domain/timezone', 'limit=config'),
    ('list_access_links', 'access_links', 'list', 'GET', '/domain/link', 'query limit=config'),
    ('create_access_link', 'access_links', 'create', 'POST', '/domain/link', 'limit=config'),
    ('update_access_link', 'access_links', 'update', 'PUT', '/domain/link', 'limit=config'),
    ('delete_access_link', 'access_links', 'delete', 'DELETE', '/domain/link', 'query limit=config'),
    ('list_members', 'members', 'list', 'GET', '/member', 'query limit=config'),
    ('invite_members', 'members', 'invite', 'POST', '/member', 'limit=config'),
    ('update_member_role', 'members', 'update_role', 'PUT', '/member', 'limit=config'),
    ('remove_member', 'members', 'remove', 'DELETE', '/member', 'query limit=config'),
    ('list_clients', 'clients', 'list', 'GET', '/client', 'query limit=config'),
    ('create_client', 'clients', 'create', 'POST', '/client', 'limit=config'),
    ('update_client', 'clients', 'update', 'POST', '/client', 'limit=config'),
    ('delete_client', 'clients', 'delete', 'DELETE', '/client', 'query limit=config'),
    ('list_email_reports', 'email_reports', 'list', 'GET', '/report', 'query limit=config'),
    ('create_email_reports', 'email_reports', 'create', 'POST', '/report', 'limit=config'),
    ('update_email_report', 'email_reports', 'update', 'PUT', '/report', 'limit=config'),
    ('delete_email_report', 'email_reports', 'delete', 'DELETE', '/report', 'query limit=config'),
    ('list_conversion_goals', 'conversion_goals', 'list', 'GET', '/goal', 'query limit=config'),
    ('create_conversion_goal', 'conversion_goals', 'create', 'POST', '/goal', 'limit=config'),
    ('update_conversion_goal', 'conversion_goals', 'update', 'PUT', '/goal', 'limit=config'),
    ('delete_conversion_goal', 'conversion_goals', 'delete', 'DELETE', '/goal', 'query limit=config'),
)
# fmt: on


OPERATIONS = operation_table(
    operation_from_row(*row, ignore=("write",), page_shape="bare") for row in _ROWS
)
"""Read-only mapping: catalog operation name -> :class:`~convert_async._core.operation.Operation`."""

#: Operations an access key (``pa_...``) may call: the tracking writes.
ACCESS_KEY_OPERATIONS = frozenset(row[0] for row in _ROWS if "write" in row[5].split())
