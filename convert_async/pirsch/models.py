"""Typed responses of the Pirsch API (msgspec Structs).

Every field is optional and unknown fields are ignored, so additions never break decoding.
Statistics rows are one Struct per reply shape; dates and times are decoded as ``datetime``
/ ``date`` where the API documents them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .._core.codec import ResponseModel

__all__ = [
    "AccessLink",
    "AccessToken",
    "ActivePage",
    "ActiveVisitors",
    "BrowserStats",
    "BrowserVersionStats",
    "CityStats",
    "Client",
    "ConversionGoal",
    "ConversionGoalStats",
    "CountryStats",
    "Domain",
    "EmailReport",
    "EntryPageStats",
    "EventListStats",
    "EventMetadataStats",
    "EventStats",
    "ExitPageStats",
    "GoalCounters",
    "Growth",
    "IdentificationCode",
    "KeywordStats",
    "LanguageStats",
    "Member",
    "MemberUser",
    "OSStats",
    "OSVersionStats",
    "PageStats",
    "PlatformStats",
    "ReferrerStats",
    "ScreenClassStats",
    "SessionDuration",
    "TimeOfDayStats",
    "TimeOnPage",
    "TotalVisitors",
    "UTMCampaignStats",
    "UTMContentStats",
    "UTMMediumStats",
    "UTMSourceStats",
    "UTMTermStats",
    "VisitorStats",
]


class AccessToken(ResponseModel):
    """Reply of ``get_access_token``: a Bearer token valid until ``expires_at`` (UTC)."""

    access_token: str = ""
    expires_at: dt.datetime | None = None


class Domain(ResponseModel):
    """A domain (site) tracked by Pirsch."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    user_id: str | None = None
    hostname: str | None = None
    subdomain: str | None = None
    identification_code: str | None = None
    public: bool | None = None
    google_user_id: str | None = None
    google_user_email: str | None = None
    gsc_domain: str | None = None
    new_owner: int | str | None = None
    timezone: str | None = None
    group_by_title: bool | None = None
    user_role: str | None = None


class IdentificationCode(ResponseModel):
    """Reply of ``reset_identification_code``."""

    identification_code: str | None = None


class AccessLink(ResponseModel):
    """A link sharing a domain's dashboard (``https://<subdomain>.pirsch.io/?access=<code>``)."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    domain_id: str | None = None
    code: str | None = None
    description: str | None = None


class MemberUser(ResponseModel):
    """The user behind a membership."""

    id: str | None = None
    email: str | None = None
    full_name: str | None = None
    picture: str | None = None


class Member(ResponseModel):
    """A member of a domain and their role."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    user_id: str | None = None
    domain_id: str | None = None
    role: str | None = None
    user: MemberUser | None = None


class Client(ResponseModel):
    """An API client; ``client_secret`` is only present right after creation."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    domain_id: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    description: str | None = None
    scope_hit: str | None = None
    scope_event: str | None = None
    scope_statistics: str | None = None
    scope_domains: str | None = None
    scope_session: str | None = None
    scope_organizations: str | None = None
    scope_themes: str | None = None
    scope_billing: str | None = None


class EmailReport(ResponseModel):
    """A recurring e-mail report (``interval`` in weeks, ``0`` for daily)."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    domain_id: str | None = None
    email: str | None = None
    reply_to: str | None = None
    interval: int | None = None
    link_to: str | None = None
    visitor_graph: bool | None = None
    summary: bool | None = None
    top_pages: bool | None = None
    top_referrer: bool | None = None
    top_events: bool | None = None
    hide_dashboard_button: bool | None = None
    next_report: dt.datetime | None = None


class ConversionGoal(ResponseModel):
    """A conversion goal, by page (``path_pattern``; ``pattern`` is the regex generated
    from it) and/or by event (``event_name``, ``event_meta_key``/``event_meta_value``)."""

    id: str | None = None
    def_time: dt.datetime | None = None
    mod_time: dt.datetime | None = None
    domain_id: str | None = None
    name: str | None = None
    path_pattern: str | None = None
    pattern: str | None = None
    tags: list[str] | None = None
    event_name: str | None = None
    event_meta_key: str | None = None
    event_meta_value: str | None = None
    custom_metric_key: str | None = None
    custom_metric_type: str | None = None
    visitor_goal: int | None = None
    cr_goal: float | None = None
    custom_metric_total_goal: float | None = None
    custom_metric_avg_goal: float | None = None
    delete_reached: bool | None = None
    email_reached: bool | None = None


# -- statistics -------------------------------------------------------------------------------


class SessionDuration(ResponseModel):
    """Average session duration of one day."""

    day: dt.datetime | None = None
    average_time_spent_seconds: int | None = None


class TimeOnPage(ResponseModel):
    """Average time on one page on one day."""

    day: dt.datetime | None = None
    path: str | None = None
    average_time_spent_seconds: int | None = None


class _Share(ResponseModel):
    visitors: int | None = None
    relative_visitors: float | None = None


class UTMSourceStats(_Share):
    """Visitors per UTM source."""

    utm_source: str | None = None


class UTMMediumStats(_Share):
    """Visitors per UTM medium."""

    utm_medium: str | None = None


class UTMCampaignStats(_Share):
    """Visitors per UTM campaign."""

    utm_campaign: str | None = None


class UTMContentStats(_Share):
    """Visitors per UTM content."""

    utm_content: str | None = None


class UTMTermStats(_Share):
    """Visitors per UTM term."""

    utm_term: str | None = None


class TotalVisitors(ResponseModel):
    """Totals of the period (not grouped by day)."""

    visitors: int | None = None
    views: int | None = None
    sessions: int | None = None
    bounces: int | None = None
    bounce_rate: float | None = None


class VisitorStats(TotalVisitors):
    """Visitors, views, sessions and bounces of one day."""

    day: dt.datetime | None = None


class PageStats(ResponseModel):
    """Statistics of one page."""

    path: str | None = None
    title: str | None = None
    visitors: int | None = None
    views: int | None = None
    sessions: int | None = None
    bounces: int | None = None
    relative_visitors: float | None = None
    relative_views: float | None = None
    bounce_rate: float | None = None
    average_time_spent_seconds: int | None = None


class EntryPageStats(ResponseModel):
    """Entries on one page."""

    path: str | None = None
    title: str | None = None
    visitors: int | None = None
    sessions: int | None = None
    entries: int | None = None
    entry_rate: float | None = None
    average_time_spent_seconds: int | None = None


class ExitPageStats(ResponseModel):
    """Exits from one page."""

    path: str | None = None
    title: str | None = None
    visitors: int | None = None
    sessions: int | None = None
    exits: int | None = None
    exit_rate: float | None = None


class GoalCounters(ResponseModel):
    """How often a conversion goal was reached."""

    visitors: int | None = None
    views: int | None = None
    cr: float | None = None


class ConversionGoalStats(ResponseModel):
    """A conversion goal and its counters."""

    page_goal: ConversionGoal | None = None
    stats: GoalCounters | None = None


class EventStats(ResponseModel):
    """One event name and its counters."""

    name: str | None = None
    visitors: int | None = None
    views: int | None = None
    cr: float | None = None
    average_duration_seconds: int | None = None
    meta_keys: list[str] | None = None


class EventMetadataStats(ResponseModel):
    """One value of an event's metadata key and its counters."""

    name: str | None = None
    visitors: int | None = None
    views: int | None = None
    cr: float | None = None
    average_duration_seconds: int | None = None
    meta_value: str | None = None


class EventListStats(ResponseModel):
    """Events grouped by name and metadata."""

    name: str | None = None
    meta: dict[str, Any] | None = None
    visitors: int | None = None
    count: int | None = None


class Growth(ResponseModel):
    """Growth against the previous period of the same length (ratios)."""

    visitors_growth: float | None = None
    views_growth: float | None = None
    sessions_growth: float | None = None
    bounces_growth: float | None = None
    time_spent_growth: float | None = None


class ActivePage(ResponseModel):
    """Active visitors on one page."""

    path: str | None = None
    visitors: int | None = None


class ActiveVisitors(ResponseModel):
    """Visitors active in the last ``start`` seconds."""

    stats: list[ActivePage] | None = None
    visitors: int | None = None


class TimeOfDayStats(ResponseModel):
    """Visitors per hour of the day."""

    hour: int | None = None
    visitors: int | None = None
    views: int | None = None
    sessions: int | None = None
    bounces: int | None = None
    bounce_rate: float | None = None


class LanguageStats(_Share):
    """Visitors per language."""

    language: str | None = None


class ReferrerStats(ResponseModel):
    """Visitors per referrer."""

    referrer: str | None = None
    referrer_name: str | None = None
    referrer_icon: str | None = None
    visitors: int | None = None
    sessions: int | None = None
    relative_visitors: float | None = None
    bounces: int | None = None
    bounce_rate: float | None = None


class OSStats(_Share):
    """Visitors per operating system."""

    os: str | None = None


class OSVersionStats(OSStats):
    """Visitors per operating system version."""

    os_version: str | None = None


class BrowserStats(_Share):
    """Visitors per browser."""

    browser: str | None = None


class BrowserVersionStats(BrowserStats):
    """Visitors per browser version."""

    browser_version: str | None = None


class CountryStats(_Share):
    """Visitors per country (ISO 3166 alpha-2)."""

    country: str | None = None


class CityStats(_Share):
    """Visitors per city."""

    city: str | None = None


class PlatformStats(ResponseModel):
    """Visitors per platform, absolute and relative."""

    platform_desktop: int | None = None
    platform_mobile: int | None = None
    platform_unknown: int | None = None
    relative_platform_desktop: float | None = None
    relative_platform_mobile: float | None = None
    relative_platform_unknown: float | None = None


class ScreenClassStats(_Share):
    """Visitors per screen class."""

    screen_class: str | None = None


class KeywordStats(ResponseModel):
    """Google Search Console keywords (needs the integration)."""

    keys: list[str] | None = None
    clicks: int | None = None
    impressions: int | None = None
    ctr: float | None = None
    position: float | None = None
