"""Pirsch resources: tracking (hits, events, sessions), statistics and domain management.

Statistics list methods return an :class:`~convert_async.AsyncPager`: ``await`` it for one
page of ``filter.limit`` rows (100 by default, the API's cap), or ``async for`` over it to get
every row (``offset`` advances until a page comes back short).
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from msgspec import UNSET, UnsetType

from .._core.client import RequestBody
from .._core.errors import ConvertError, RequestValidationError
from .._core.pagination import AsyncPager
from ._operations import ACCESS_KEY_OPERATIONS, OPERATIONS
from .models import (
    AccessLink,
    AccessToken,
    ActiveVisitors,
    BrowserStats,
    BrowserVersionStats,
    CityStats,
    Client,
    ConversionGoal,
    ConversionGoalStats,
    CountryStats,
    Domain,
    EmailReport,
    EntryPageStats,
    EventListStats,
    EventMetadataStats,
    EventStats,
    ExitPageStats,
    Growth,
    IdentificationCode,
    KeywordStats,
    LanguageStats,
    Member,
    OSStats,
    OSVersionStats,
    PageStats,
    PlatformStats,
    ReferrerStats,
    ScreenClassStats,
    SessionDuration,
    TimeOfDayStats,
    TimeOnPage,
    TotalVisitors,
    UTMCampaignStats,
    UTMContentStats,
    UTMMediumStats,
    UTMSourceStats,
    UTMTermStats,
    VisitorStats,
)
from .requests import (
    AccessLinkRequest,
    AccessTokenRequest,
    BatchEvent,
    BatchHit,
    BatchSession,
    ClientRequest,
    ConversionGoalRequest,
    CreateDomainRequest,
    CustomMetricType,
    DomainIdRequest,
    DomainQuery,
    EmailReportsRequest,
    Event,
    GoalQuery,
    Hit,
    IdQuery,
    IdRequest,
    InviteMembersRequest,
    LinkDomainQuery,
    LinkTo,
    MemberRoleRequest,
    SessionKeepAlive,
    StatisticsFilter,
    SubdomainRequest,
    TimezoneRequest,
    UpdateAccessLinkRequest,
    UpdateClientRequest,
    UpdateConversionGoalRequest,
    UpdateEmailReportRequest,
)

if TYPE_CHECKING:
    from .client import PirschClient

__all__ = [
    "AccessLinks",
    "Clients",
    "ConversionGoals",
    "Domains",
    "EmailReports",
    "Events",
    "Hits",
    "Members",
    "PirschAccessModeError",
    "Sessions",
    "Statistics",
    "Tokens",
]

T = TypeVar("T")

#: Rows per statistics page when the filter sets no ``limit`` (the API's maximum).
MAX_STATISTICS_LIMIT = 100


class PirschAccessModeError(ConvertError, PermissionError):
    """The client holds a write-only access key and the operation reads or manages data.

    Raised before anything is sent; use an oAuth client (id + secret) for such calls.
    """


class _Resource:
    def __init__(self, client: PirschClient) -> None:
        self._client = client

    def _operation(self, name: str) -> Any:
        op = OPERATIONS[name]
        if self._client.write_only and name not in ACCESS_KEY_OPERATIONS and op.auth != "none":
            raise PirschAccessModeError(
                f"{name} needs an oAuth client (client_id + client_secret): an access key "
                "(pa_...) can only send hits, events and sessions"
            )
        return op

    async def _call(self, name: str, response_type: type[T], body: RequestBody | None = None) -> T:
        return await self._client._call_with(self._operation(name), response_type, {}, body)

    async def _send(self, name: str, body: RequestBody | None) -> None:
        """Call an operation whose reply carries nothing (its body is not read)."""
        await self._client._call_raw(self._operation(name), {}, body)

    def _list(self, name: str, item_type: type[T], filter: StatisticsFilter) -> AsyncPager[T]:
        op = self._operation(name)
        size = MAX_STATISTICS_LIMIT if isinstance(filter.limit, UnsetType) else filter.limit
        return self._client._paginate_body(op, item_type, {}, filter, size)


class Tokens(_Resource):
    """The token exchange (the client does it for you; here for completeness)."""

    async def create(self, *, client_id: str, client_secret: str) -> AccessToken:
        """Exchange an oAuth client's credentials for an access token (sent without auth)."""
        body = AccessTokenRequest(client_id=client_id, client_secret=client_secret)
        return await self._call("get_access_token", AccessToken, body)


class Hits(_Resource):
    """Page hits (write scope; an access key is enough)."""

    async def send(self, hit: Hit) -> None:
        """Send one page hit (build it with :func:`~convert_async.pirsch.hit_from_headers`)."""
        await self._send("send_hit", hit)

    async def send_batch(self, hits: Sequence[BatchHit]) -> None:
        """Send several hits at once, each with the ``time`` it happened; send batches in time
        order (Pirsch sorts within a batch only)."""
        await self._send("send_hits_batch", list(hits))


class Events(_Resource):
    """Custom events (write scope; an access key is enough)."""

    async def send(self, event: Event) -> None:
        """Send one event."""
        await self._send("send_event", event)

    async def send_batch(self, events: Sequence[BatchEvent]) -> None:
        """Send several events at once, each with its ``time``."""
        await self._send("send_events_batch", list(events))


class Sessions(_Resource):
    """Session keep-alives (extend a visitor's session without a page view)."""

    async def keep_alive(self, session: SessionKeepAlive) -> None:
        """Keep one visitor's session alive."""
        await self._send("keep_session_alive", session)

    async def keep_alive_batch(self, sessions: Sequence[BatchSession]) -> None:
        """Keep several sessions alive at once, each with its ``time``."""
        await self._send("keep_sessions_alive_batch", list(sessions))


class Statistics(_Resource):
    """Every statistics endpoint; each takes a :class:`StatisticsFilter`."""

    def session_duration(self, filter: StatisticsFilter) -> AsyncPager[SessionDuration]:
        """Average session duration per day."""
        return self._list("get_session_duration", SessionDuration, filter)

    def time_on_page(self, filter: StatisticsFilter) -> AsyncPager[TimeOnPage]:
        """Average time on page per day and path."""
        return self._list("get_time_on_page", TimeOnPage, filter)

    def utm_sources(self, filter: StatisticsFilter) -> AsyncPager[UTMSourceStats]:
        """Visitors per UTM source."""
        return self._list("get_utm_sources", UTMSourceStats, filter)

    def utm_mediums(self, filter: StatisticsFilter) -> AsyncPager[UTMMediumStats]:
        """Visitors per UTM medium."""
        return self._list("get_utm_mediums", UTMMediumStats, filter)

    def utm_campaigns(self, filter: StatisticsFilter) -> AsyncPager[UTMCampaignStats]:
        """Visitors per UTM campaign."""
        return self._list("get_utm_campaigns", UTMCampaignStats, filter)

    def utm_contents(self, filter: StatisticsFilter) -> AsyncPager[UTMContentStats]:
        """Visitors per UTM content."""
        return self._list("get_utm_contents", UTMContentStats, filter)

    def utm_terms(self, filter: StatisticsFilter) -> AsyncPager[UTMTermStats]:
        """Visitors per UTM term."""
        return self._list("get_utm_terms", UTMTermStats, filter)

    async def total_visitors(self, filter: StatisticsFilter) -> TotalVisitors:
        """Totals of the period: visitors, views, sessions, bounces, bounce rate."""
        return await self._call("get_total_visitors", TotalVisitors, filter)

    def visitors(self, filter: StatisticsFilter) -> AsyncPager[VisitorStats]:
        """Visitors, views, sessions and bounces per day."""
        return self._list("get_visitors", VisitorStats, filter)

    def pages(self, filter: StatisticsFilter) -> AsyncPager[PageStats]:
        """Statistics per page."""
        return self._list("get_pages", PageStats, filter)

    def entry_pages(self, filter: StatisticsFilter) -> AsyncPager[EntryPageStats]:
        """Entry pages."""
        return self._list("get_entry_pages", EntryPageStats, filter)

    def exit_pages(self, filter: StatisticsFilter) -> AsyncPager[ExitPageStats]:
        """Exit pages."""
        return self._list("get_exit_pages", ExitPageStats, filter)

    def conversion_goals(self, filter: StatisticsFilter) -> AsyncPager[ConversionGoalStats]:
        """Conversion goals and how often they were reached."""
        return self._list("get_conversion_goal_stats", ConversionGoalStats, filter)

    def events(self, filter: StatisticsFilter) -> AsyncPager[EventStats]:
        """Events with their counters and metadata keys."""
        return self._list("get_events", EventStats, filter)

    def event_metadata(self, filter: StatisticsFilter) -> AsyncPager[EventMetadataStats]:
        """One event broken down by one metadata key (``filter.event`` and
        ``filter.event_meta_key`` are required)."""
        for name in ("event", "event_meta_key"):
            if getattr(filter, name) is UNSET:
                raise RequestValidationError(name, "is required by get_event_metadata")
        return self._list("get_event_metadata", EventMetadataStats, filter)

    def event_list(self, filter: StatisticsFilter) -> AsyncPager[EventListStats]:
        """Events grouped by name and metadata (filter it: expensive otherwise)."""
        return self._list("list_events", EventListStats, filter)

    async def growth(self, filter: StatisticsFilter) -> Growth:
        """Growth against the previous period of the same length."""
        return await self._call("get_growth", Growth, filter)

    async def active_visitors(self, filter: StatisticsFilter) -> ActiveVisitors:
        """Visitors active in the last ``filter.start`` seconds, per page."""
        return await self._call("get_active_visitors", ActiveVisitors, filter)

    def time_of_day(self, filter: StatisticsFilter) -> AsyncPager[TimeOfDayStats]:
        """Visitors per hour of the day."""
        return self._list("get_time_of_day", TimeOfDayStats, filter)

    def languages(self, filter: StatisticsFilter) -> AsyncPager[LanguageStats]:
        """Visitors per language."""
        return self._list("get_languages", LanguageStats, filter)

    def referrers(self, filter: StatisticsFilter) -> AsyncPager[ReferrerStats]:
        """Visitors per referrer."""
        return self._list("get_referrers", ReferrerStats, filter)

    def os(self, filter: StatisticsFilter) -> AsyncPager[OSStats]:
        """Visitors per operating system."""
        return self._list("get_os", OSStats, filter)

    def os_versions(self, filter: StatisticsFilter) -> AsyncPager[OSVersionStats]:
        """Visitors per operating system version."""
        return self._list("get_os_versions", OSVersionStats, filter)

    def browsers(self, filter: StatisticsFilter) -> AsyncPager[BrowserStats]:
        """Visitors per browser."""
        return self._list("get_browsers", BrowserStats, filter)

    def browser_versions(self, filter: StatisticsFilter) -> AsyncPager[BrowserVersionStats]:
        """Visitors per browser version."""
        return self._list("get_browser_versions", BrowserVersionStats, filter)

    def countries(self, filter: StatisticsFilter) -> AsyncPager[CountryStats]:
        """Visitors per country."""
        return self._list("get_countries", CountryStats, filter)

    def cities(self, filter: StatisticsFilter) -> AsyncPager[CityStats]:
        """Visitors per city."""
        return self._list("get_cities", CityStats, filter)

    async def platforms(self, filter: StatisticsFilter) -> PlatformStats:
        """Visitors per platform (desktop, mobile, unknown)."""
        return await self._call("get_platforms", PlatformStats, filter)

    def screen_classes(self, filter: StatisticsFilter) -> AsyncPager[ScreenClassStats]:
        """Visitors per screen class."""
        return self._list("get_screen_classes", ScreenClassStats, filter)

    def keywords(self, filter: StatisticsFilter) -> AsyncPager[KeywordStats]:
        """Google Search Console keywords (needs the integration)."""
        return self._list("get_keywords", KeywordStats, filter)


class Domains(_Resource):
    """Domains (sites) and their settings."""

    async def list(self) -> builtins.list[Domain]:
        """Every domain the client can access."""
        return await self._call("list_domains", builtins.list[Domain])

    async def create(
        self, *, hostname: str, subdomain: str, timezone: str | UnsetType = UNSET
    ) -> Domain:
        """Add a domain; ``subdomain`` names its dashboard (``<subdomain>.pirsch.io``)."""
        body = CreateDomainRequest(hostname=hostname, subdomain=subdomain, timezone=timezone)
        return await self._call("create_domain", Domain, body)

    async def delete(self, *, id: str) -> None:
        """Delete a domain and its data."""
        await self._send("delete_domain", IdQuery(id=id))

    async def reset_identification_code(self, *, id: str) -> IdentificationCode:
        """Generate a new identification code (the snippet's ``data-code``)."""
        return await self._call("reset_identification_code", IdentificationCode, IdRequest(id=id))

    async def update_subdomain(self, *, domain_id: str, subdomain: str) -> None:
        """Change the dashboard subdomain."""
        await self._send(
            "update_subdomain", SubdomainRequest(domain_id=domain_id, subdomain=subdomain)
        )

    async def toggle_public_dashboard(self, *, domain_id: str) -> None:
        """Make the dashboard public, or private again."""
        await self._send("toggle_public_dashboard", DomainIdRequest(domain_id=domain_id))

    async def toggle_group_by_title(self, *, domain_id: str) -> None:
        """Group pages by title (and path), or by path only again."""
        await self._send("toggle_group_by_title", DomainIdRequest(domain_id=domain_id))

    async def update_timezone(self, *, domain_id: str, timezone: str) -> None:
        """Set the domain's time zone (e.g. ``Europe/Berlin``)."""
        await self._send("update_timezone", TimezoneRequest(domain_id=domain_id, timezone=timezone))


class AccessLinks(_Resource):
    """Links sharing a private dashboard."""

    async def list(self, *, domain_id: str) -> builtins.list[AccessLink]:
        """The domain's access links."""
        return await self._call(
            "list_access_links", builtins.list[AccessLink], LinkDomainQuery(domain_id=domain_id)
        )

    async def create(self, *, domain_id: str, description: str | UnsetType = UNSET) -> AccessLink:
        """Create an access link."""
        body = AccessLinkRequest(domain_id=domain_id, description=description)
        return await self._call("create_access_link", AccessLink, body)

    async def update(self, *, id: str, description: str | UnsetType = UNSET) -> None:
        """Change an access link's description."""
        await self._send(
            "update_access_link", UpdateAccessLinkRequest(id=id, description=description)
        )

    async def delete(self, *, id: str) -> None:
        """Delete an access link."""
        await self._send("delete_access_link", IdQuery(id=id))


class Members(_Resource):
    """Members of a domain."""

    async def list(self, *, domain_id: str) -> builtins.list[Member]:
        """The domain's members."""
        return await self._call(
            "list_members", builtins.list[Member], DomainQuery(domain_id=domain_id)
        )

    async def invite(self, *, domain_id: str, emails: Sequence[str]) -> None:
        """Invite people by e-mail."""
        await self._send("invite_members", InviteMembersRequest(id=domain_id, emails=list(emails)))

    async def update_role(self, *, id: str, role: Literal["viewer", "admin"]) -> None:
        """Change a member's role."""
        await self._send("update_member_role", MemberRoleRequest(id=id, role=role))

    async def remove(self, *, id: str) -> None:
        """Remove a member."""
        await self._send("remove_member", IdQuery(id=id))


class Clients(_Resource):
    """API clients of a domain."""

    async def list(self, *, domain_id: str) -> builtins.list[Client]:
        """The domain's API clients."""
        return await self._call(
            "list_clients", builtins.list[Client], DomainQuery(domain_id=domain_id)
        )

    async def create(
        self,
        *,
        domain_id: str,
        description: str | UnsetType = UNSET,
        type: Literal["oauth", "token"] | UnsetType = UNSET,
        scope_hit: Literal["w"] | UnsetType = UNSET,
        scope_event: Literal["w"] | UnsetType = UNSET,
        scope_statistics: Literal["r"] | UnsetType = UNSET,
        scope_domains: Literal["r", "w"] | UnsetType = UNSET,
        scope_session: Literal["w"] | UnsetType = UNSET,
        scope_organizations: Literal["r", "w"] | UnsetType = UNSET,
        scope_themes: Literal["r", "w"] | UnsetType = UNSET,
        scope_billing: Literal["r"] | UnsetType = UNSET,
    ) -> Client:
        """Create a client; its ``client_secret`` is in this reply only."""
        arguments = dict(locals())
        arguments.pop("self")
        return await self._call("create_client", Client, ClientRequest(**arguments))

    async def update(self, *, id: str, description: str | UnsetType = UNSET) -> Client:
        """Change a client's description."""
        return await self._call(
            "update_client", Client, UpdateClientRequest(id=id, description=description)
        )

    async def delete(self, *, id: str) -> None:
        """Delete a client (its tokens stop working)."""
        await self._send("delete_client", IdQuery(id=id))


class EmailReports(_Resource):
    """Recurring e-mail reports of a domain."""

    async def list(self, *, domain_id: str) -> builtins.list[EmailReport]:
        """The domain's e-mail reports."""
        return await self._call(
            "list_email_reports", builtins.list[EmailReport], DomainQuery(domain_id=domain_id)
        )

    async def create(
        self,
        *,
        domain_id: str,
        emails: Sequence[str],
        interval: int,
        start_date: dt.date | UnsetType | None = UNSET,
        reply_to: str | UnsetType = UNSET,
        link_to: LinkTo | UnsetType = UNSET,
        visitor_graph: bool | UnsetType = UNSET,
        summary: bool | UnsetType = UNSET,
        top_pages: bool | UnsetType = UNSET,
        top_referrer: bool | UnsetType = UNSET,
        top_events: bool | UnsetType = UNSET,
        hide_dashboard_button: bool | UnsetType = UNSET,
    ) -> builtins.list[EmailReport]:
        """Create one report per address, every ``interval`` weeks (``0``: daily), the first
        on ``start_date`` if given."""
        arguments = dict(locals())
        arguments.pop("self")
        arguments["emails"] = builtins.list(emails)
        body = EmailReportsRequest(**arguments)
        return await self._call("create_email_reports", builtins.list[EmailReport], body)

    async def update(
        self,
        *,
        id: str,
        interval: int,
        reply_to: str | UnsetType = UNSET,
        link_to: LinkTo | UnsetType = UNSET,
        visitor_graph: bool | UnsetType = UNSET,
        summary: bool | UnsetType = UNSET,
        top_pages: bool | UnsetType = UNSET,
        top_referrer: bool | UnsetType = UNSET,
        top_events: bool | UnsetType = UNSET,
        hide_dashboard_button: bool | UnsetType = UNSET,
    ) -> EmailReport:
        """Change a report: its interval (weeks, ``0`` for daily) and contents."""
        arguments = dict(locals())
        arguments.pop("self")
        return await self._call(
            "update_email_report", EmailReport, UpdateEmailReportRequest(**arguments)
        )

    async def delete(self, *, id: str) -> None:
        """Delete a report."""
        await self._send("delete_email_report", IdQuery(id=id))


def _goal_arguments(given: Mapping[str, Any]) -> dict[str, Any]:
    arguments = {name: value for name, value in given.items() if name != "self"}
    if not isinstance(arguments["tags"], UnsetType):
        arguments["tags"] = builtins.list(arguments["tags"])
    return arguments


class ConversionGoals(_Resource):
    """Conversion goals of a domain."""

    async def list(
        self, *, domain_id: str, search: str | UnsetType = UNSET
    ) -> builtins.list[ConversionGoal]:
        """The domain's conversion goals, optionally searched by name."""
        query = GoalQuery(domain_id=domain_id, search=search)
        return await self._call("list_conversion_goals", builtins.list[ConversionGoal], query)

    async def create(
        self,
        *,
        domain_id: str,
        name: str,
        path_pattern: str | UnsetType | None = UNSET,
        tags: Sequence[str] | UnsetType = UNSET,
        event_name: str | UnsetType | None = UNSET,
        event_meta_key: str | UnsetType | None = UNSET,
        event_meta_value: str | UnsetType | None = UNSET,
        custom_metric_key: str | UnsetType | None = UNSET,
        custom_metric_type: CustomMetricType | UnsetType | None = UNSET,
        visitors: int | UnsetType = UNSET,
        cr: float | UnsetType = UNSET,
        custom_metric_total_goal: float | UnsetType = UNSET,
        custom_metric_avg_goal: float | UnsetType = UNSET,
        delete_reached: bool | UnsetType = UNSET,
        email_reached: bool | UnsetType = UNSET,
    ) -> ConversionGoal:
        """Create a goal reached on pages matching ``path_pattern`` (e.g. ``/checkout/**``)
        and/or by the event ``event_name`` (optionally with ``event_meta_key`` =
        ``event_meta_value``); at least one of the two must be given."""
        arguments = _goal_arguments(locals())
        return await self._call(
            "create_conversion_goal", ConversionGoal, ConversionGoalRequest(**arguments)
        )

    async def update(
        self,
        *,
        id: str,
        domain_id: str,
        name: str,
        path_pattern: str | UnsetType | None = UNSET,
        tags: Sequence[str] | UnsetType = UNSET,
        event_name: str | UnsetType | None = UNSET,
        event_meta_key: str | UnsetType | None = UNSET,
        event_meta_value: str | UnsetType | None = UNSET,
        custom_metric_key: str | UnsetType | None = UNSET,
        custom_metric_type: CustomMetricType | UnsetType | None = UNSET,
        visitors: int | UnsetType = UNSET,
        cr: float | UnsetType = UNSET,
        custom_metric_total_goal: float | UnsetType = UNSET,
        custom_metric_avg_goal: float | UnsetType = UNSET,
        delete_reached: bool | UnsetType = UNSET,
        email_reached: bool | UnsetType = UNSET,
    ) -> ConversionGoal:
        """Replace a goal's settings (the same rule as :meth:`create`)."""
        arguments = _goal_arguments(locals())
        return await self._call(
            "update_conversion_goal", ConversionGoal, UpdateConversionGoalRequest(**arguments)
        )

    async def delete(self, *, id: str) -> None:
        """Delete a goal."""
        await self._send("delete_conversion_goal", IdQuery(id=id))
