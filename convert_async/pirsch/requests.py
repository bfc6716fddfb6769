"""Request models of the Pirsch API: tracking payloads, the statistics filter, management bodies.

Fields left ``UNSET`` are not sent. The statistics filter travels in the query string; every
other model is a JSON body (batches are JSON arrays of the ``Batch*`` models).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

import msgspec
from msgspec import UNSET, Meta, UnsetType

from .._core.client import PagedBody
from .._core.codec import RequestModel
from .._core.errors import RequestValidationError

__all__ = [
    "AccessLinkRequest",
    "AccessTokenRequest",
    "BatchEvent",
    "BatchHit",
    "BatchSession",
    "ClientRequest",
    "ConversionGoalRequest",
    "CreateDomainRequest",
    "CustomMetricType",
    "DomainIdRequest",
    "DomainQuery",
    "EmailReportsRequest",
    "Event",
    "GoalQuery",
    "Hit",
    "IdQuery",
    "IdRequest",
    "InviteMembersRequest",
    "LinkDomainQuery",
    "LinkTo",
    "MemberRoleRequest",
    "ReportInterval",
    "SessionKeepAlive",
    "StatisticsFilter",
    "SubdomainRequest",
    "TimezoneRequest",
    "UpdateAccessLinkRequest",
    "UpdateClientRequest",
    "UpdateConversionGoalRequest",
    "UpdateEmailReportRequest",
]

AwareDatetime = Annotated[dt.datetime, Meta(tz=True)]
#: An id, a hostname, an address: an empty one would be sent as ``?id=`` and fail on the server.
NonEmpty = Annotated[str, Meta(min_length=1)]
MetaValue = str | int | float | bool


class AccessTokenRequest(RequestModel):
    """Body of ``get_access_token``: an oAuth client's credentials."""

    client_id: NonEmpty
    client_secret: NonEmpty


class SessionKeepAlive(RequestModel):
    """Body of ``keep_session_alive``: who the visitor is (IP and request headers).

    The fields are those of Pirsch's current reference (``pirsch-analytics/docs``
    ``docs/api-sdks/api-v1.md``, "Keeping Sessions Alive" and "Sending Page Views"), which
    match the Go SDK's ``PageView``. The 2022 seed's proxy headers (``cf_connecting_ip``,
    ``x_forwarded_for``, ``forwarded``, ``x_real_ip``) and ``dnt`` are no longer documented:
    resolve the visitor's address yourself and send it as ``ip`` (``hit_from_headers`` does
    it from the proxy headers you trust), and honour ``DNT`` before sending.
    """

    ip: NonEmpty
    user_agent: str
    sec_ch_ua: str | UnsetType = UNSET
    sec_ch_ua_mobile: str | UnsetType = UNSET
    sec_ch_ua_platform: str | UnsetType = UNSET
    sec_ch_ua_platform_version: str | UnsetType = UNSET
    sec_ch_width: str | UnsetType = UNSET
    sec_ch_viewport_width: str | UnsetType = UNSET
    disable_bot_filter: bool | UnsetType = UNSET


class Hit(SessionKeepAlive, kw_only=True):
    """Body of ``send_hit``: one page view (build it from a request with
    :func:`~convert_async.pirsch.hit_from_headers`, which honours ``DNT: 1``)."""

    url: NonEmpty
    accept_language: str | UnsetType = UNSET
    title: str | UnsetType = UNSET
    referrer: str | UnsetType = UNSET
    screen_width: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    screen_height: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    tags: dict[str, str] | UnsetType = UNSET


class Event(Hit, kw_only=True):
    """Body of ``send_event``: a named event on a page, with optional duration and metadata."""

    event_name: Annotated[str, Meta(min_length=1)]
    event_duration: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    event_meta: dict[str, MetaValue] | UnsetType = UNSET
    non_interactive: bool | UnsetType = UNSET


class BatchSession(SessionKeepAlive, kw_only=True):
    """One item of ``keep_sessions_alive_batch``: a keep-alive with the time it happened."""

    time: AwareDatetime


class BatchHit(Hit, kw_only=True):
    """One item of ``send_hits_batch``: a hit with the time the request reached your server."""

    time: AwareDatetime


class BatchEvent(Event, kw_only=True):
    """One item of ``send_events_batch``: an event with the time it happened."""

    time: AwareDatetime


StatisticsSort = str
Platform = Literal["desktop", "mobile", "unknown"]
ScreenClass = Literal["XXL", "XL", "L", "M", "S"]


class StatisticsFilter(PagedBody, kw_only=True):
    """The filter of every statistics endpoint, sent as query parameters.

    ``domain_id`` (``id``), ``from_`` (``from``) and ``to`` are required (or ``start``: look
    back that many seconds). ``limit`` is capped at 100 by the API; list endpoints page with
    ``limit``/``offset`` when iterated. ``meta`` becomes ``meta_<key>=<value>`` and ``tags``
    ``tag_<key>=<value>`` parameters.

    >>> f = StatisticsFilter(domain_id="d1", from_=dt.date(2024, 1, 1), to=dt.date(2024, 1, 31),
    ...                      meta={"plan": "pro"})
    >>> f.to_query()["from"], f.to_query()["meta_plan"]
    ('2024-01-01', 'pro')
    """

    domain_id: NonEmpty = msgspec.field(name="id")
    from_: dt.date = msgspec.field(name="from")
    to: dt.date
    start: Annotated[int, Meta(ge=1, le=3600)] | UnsetType = UNSET
    path: str | UnsetType = UNSET
    entry_path: str | UnsetType = UNSET
    exit_path: str | UnsetType = UNSET
    pattern: str | UnsetType = UNSET
    event: str | UnsetType = UNSET
    event_meta_key: str | UnsetType = UNSET
    meta: dict[str, str] | UnsetType = UNSET
    language: str | UnsetType = UNSET
    country: str | UnsetType = UNSET
    city: str | UnsetType = UNSET
    referrer: str | UnsetType = UNSET
    referrer_name: str | UnsetType = UNSET
    os: str | UnsetType = UNSET
    browser: str | UnsetType = UNSET
    platform: Platform | UnsetType = UNSET
    screen_class: ScreenClass | UnsetType = UNSET
    screen_width: str | UnsetType = UNSET
    screen_height: str | UnsetType = UNSET
    utm_source: str | UnsetType = UNSET
    utm_medium: str | UnsetType = UNSET
    utm_campaign: str | UnsetType = UNSET
    utm_content: str | UnsetType = UNSET
    utm_term: str | UnsetType = UNSET
    limit: Annotated[int, Meta(ge=1, le=100)] | UnsetType = UNSET
    offset: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    include_avg_time_on_page: bool | UnsetType = UNSET
    scale: Literal["day", "week", "month", "year"] | UnsetType = UNSET
    tz: str | UnsetType = UNSET
    from_time: str | UnsetType = UNSET
    to_time: str | UnsetType = UNSET
    hostname: str | UnsetType = UNSET
    channel: str | UnsetType = UNSET
    region: str | UnsetType = UNSET
    tag: str | UnsetType = UNSET
    tags: dict[str, str] | UnsetType = UNSET
    custom_metric_key: str | UnsetType = UNSET
    custom_metric_type: Literal["integer", "float"] | UnsetType = UNSET
    sort: StatisticsSort | UnsetType = UNSET
    direction: Literal["asc", "desc"] | UnsetType = UNSET
    search: str | UnsetType = UNSET
    include_title: bool | UnsetType = UNSET

    def for_page(self, page: int, size: int) -> Self:
        """This filter for page ``page`` (from 1) of ``size`` rows, counted from ``offset``."""
        base = 0 if isinstance(self.offset, UnsetType) else self.offset
        return msgspec.structs.replace(self, limit=size, offset=base + (page - 1) * size)

    def to_query(self) -> dict[str, Any]:
        """The query parameters, with ``meta`` and ``tags`` spread into ``meta_<key>`` and
        ``tag_<key>``."""
        query = super().to_query()
        meta = query.pop("meta", None) or {}
        tags = query.pop("tags", None) or {}
        query.update({f"meta_{key}": value for key, value in meta.items()})
        query.update({f"tag_{key}": value for key, value in tags.items()})
        return query


class IdQuery(RequestModel):
    """``?id=...``: the object to delete."""

    id: NonEmpty


class DomainQuery(RequestModel):
    """``?id=<domain id>``: the domain whose members, clients or reports to list."""

    domain_id: NonEmpty = msgspec.field(name="id")


class GoalQuery(DomainQuery, kw_only=True):
    """``?id=<domain id>&search=...``: the domain whose conversion goals to list."""

    search: str | UnsetType = UNSET


class LinkDomainQuery(RequestModel):
    """``?domain_id=...``: the domain whose access links to list."""

    domain_id: NonEmpty


class CreateDomainRequest(RequestModel):
    """Body of ``create_domain``."""

    hostname: NonEmpty
    subdomain: NonEmpty
    timezone: str | UnsetType = UNSET


class IdRequest(RequestModel):
    """Body ``{"id": ...}`` (reset a domain's identification code)."""

    id: NonEmpty


class DomainIdRequest(RequestModel):
    """Body ``{"domain_id": ...}`` (toggle endpoints)."""

    domain_id: NonEmpty


class SubdomainRequest(RequestModel):
    """Body of ``update_subdomain``."""

    domain_id: NonEmpty
    subdomain: NonEmpty


class TimezoneRequest(RequestModel):
    """Body of ``update_timezone``."""

    domain_id: NonEmpty
    timezone: str


class AccessLinkRequest(RequestModel):
    """Body of ``create_access_link``."""

    domain_id: NonEmpty
    description: str | UnsetType = UNSET


class UpdateAccessLinkRequest(RequestModel):
    """Body of ``update_access_link``."""

    id: NonEmpty
    description: str | UnsetType = UNSET


class InviteMembersRequest(RequestModel):
    """Body of ``invite_members`` (``id`` is the domain)."""

    id: NonEmpty
    emails: Annotated[list[str], Meta(min_length=1)]


class MemberRoleRequest(RequestModel):
    """Body of ``update_member_role`` (``id`` is the membership)."""

    id: NonEmpty
    role: Literal["viewer", "admin"]


class ClientRequest(RequestModel):
    """Body of ``create_client`` (scopes: ``w`` write, ``r`` read)."""

    domain_id: NonEmpty
    description: str | UnsetType = UNSET
    type: Literal["oauth", "token"] | UnsetType = UNSET
    scope_hit: Literal["w"] | UnsetType = UNSET
    scope_event: Literal["w"] | UnsetType = UNSET
    scope_statistics: Literal["r"] | UnsetType = UNSET
    scope_domains: Literal["r", "w"] | UnsetType = UNSET
    scope_session: Literal["w"] | UnsetType = UNSET
    scope_organizations: Literal["r", "w"] | UnsetType = UNSET
    scope_themes: Literal["r", "w"] | UnsetType = UNSET
    scope_billing: Literal["r"] | UnsetType = UNSET


class UpdateClientRequest(RequestModel):
    """Body of ``update_client`` (same endpoint as create; the ``id`` tells them apart)."""

    id: NonEmpty
    description: str | UnsetType = UNSET


ReportInterval = Annotated[int, Meta(ge=0)]
"""An e-mail report's interval: weeks, or ``0`` for a daily report (current reference)."""
LinkTo = Literal["", "dashboard", "public", "custom"]


class _EmailReportSettings(RequestModel, kw_only=True):
    """What a report contains (Pirsch's current reference, "Email Reports")."""

    reply_to: str | UnsetType = UNSET
    link_to: LinkTo | UnsetType = UNSET
    visitor_graph: bool | UnsetType = UNSET
    summary: bool | UnsetType = UNSET
    top_pages: bool | UnsetType = UNSET
    top_referrer: bool | UnsetType = UNSET
    top_events: bool | UnsetType = UNSET
    hide_dashboard_button: bool | UnsetType = UNSET


class EmailReportsRequest(_EmailReportSettings, kw_only=True):
    """Body of ``create_email_reports``: ``interval`` in weeks, ``0`` for daily;
    ``start_date``: the day of the first report."""

    domain_id: NonEmpty
    emails: Annotated[list[str], Meta(min_length=1)]
    interval: ReportInterval
    start_date: dt.date | UnsetType | None = UNSET


class UpdateEmailReportRequest(_EmailReportSettings, kw_only=True):
    """Body of ``update_email_report`` (``interval``: weeks, ``0`` for daily)."""

    id: NonEmpty
    interval: ReportInterval


CustomMetricType = Literal["integer", "float"]


class ConversionGoalRequest(RequestModel, kw_only=True):
    """Body of ``create_conversion_goal``.

    Pirsch's current reference: "Either the ``path_pattern`` and/or event fields must be
    set", so a goal is reached on pages matching ``path_pattern``, by the event
    ``event_name`` (optionally with the metadata ``event_meta_key`` = ``event_meta_value``),
    or both. ``visitors`` / ``cr`` / ``custom_metric_*_goal`` are the targets (``0`` to pass).
    """

    domain_id: NonEmpty
    name: NonEmpty
    path_pattern: str | UnsetType | None = UNSET
    tags: list[str] | UnsetType = UNSET
    event_name: str | UnsetType | None = UNSET
    event_meta_key: str | UnsetType | None = UNSET
    event_meta_value: str | UnsetType | None = UNSET
    custom_metric_key: str | UnsetType | None = UNSET
    custom_metric_type: CustomMetricType | UnsetType | None = UNSET
    visitors: Annotated[int, Meta(ge=0)] | UnsetType = UNSET
    cr: Annotated[float, Meta(ge=0)] | UnsetType = UNSET
    custom_metric_total_goal: Annotated[float, Meta(ge=0)] | UnsetType = UNSET
    custom_metric_avg_goal: Annotated[float, Meta(ge=0)] | UnsetType = UNSET
    delete_reached: bool | UnsetType = UNSET
    email_reached: bool | UnsetType = UNSET

    def validate_fields(self) -> None:
        """Pirsch's rule: ``path_pattern`` and/or the event fields must be set."""
        if not self.path_pattern and not self.event_name:
            raise RequestValidationError(
                "path_pattern", "set path_pattern and/or event_name (the event fields)"
            )


class UpdateConversionGoalRequest(ConversionGoalRequest, kw_only=True):
    """Body of ``update_conversion_goal``."""

    id: NonEmpty
