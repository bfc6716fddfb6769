"""Build Pirsch hits and events from an incoming request's headers, honouring Do Not Track.

Pirsch's advice (seed, "Sending a Page Hit"): check the ``DNT`` header before sending and
ignore the request when it is ``1``. These helpers return None in that case, so::

    hit = hit_from_headers(str(request.url), request.client.host, request.headers)
    if hit is not None:
        sender.offer_hit(hit)
"""

from __future__ import annotations

from collections.abc import Mapping

from msgspec import UNSET, UnsetType

from .requests import Event, Hit, MetaValue

__all__ = ["do_not_track", "event_from_headers", "hit_from_headers"]

# Pirsch field <- request header (lower case).
_HEADER_FIELDS = (
    ("accept_language", "accept-language"),
    ("sec_ch_ua", "sec-ch-ua"),
    ("sec_ch_ua_mobile", "sec-ch-ua-mobile"),
    ("sec_ch_ua_platform", "sec-ch-ua-platform"),
    ("sec_ch_ua_platform_version", "sec-ch-ua-platform-version"),
    ("sec_ch_width", "sec-ch-width"),
    ("sec_ch_viewport_width", "sec-ch-viewport-width"),
)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def do_not_track(headers: Mapping[str, str]) -> bool:
    """Whether the request asks not to be tracked (``DNT: 1``; header names in any case).

    >>> do_not_track({"DNT": "1"}), do_not_track({"dnt": "0"}), do_not_track({})
    (True, False, False)
    """
    return _lower(headers).get("dnt", "").strip() == "1"


def _header_fields(lowered: Mapping[str, str]) -> dict[str, str]:
    return {field: lowered[header] for field, header in _HEADER_FIELDS if lowered.get(header)}


def hit_from_headers(
    url: str,
    ip: str,
    headers: Mapping[str, str],
    *,
    title: str | UnsetType = UNSET,
    referrer: str | UnsetType = UNSET,
    screen_width: int | UnsetType = UNSET,
    screen_height: int | UnsetType = UNSET,
    tags: Mapping[str, str] | UnsetType = UNSET,
    disable_bot_filter: bool | UnsetType = UNSET,
) -> Hit | None:
    """A :class:`Hit` for a request to ``url`` from ``ip``, or None when ``DNT`` is ``1``.

    The user agent, ``Accept-Language``, ``Referer`` (unless ``referrer`` is given) and the
    ``Sec-CH-*`` client hints are taken from ``headers``. Proxy headers (``X-Forwarded-For``,
    ``Forwarded``, ``CF-Connecting-IP``, ``X-Real-IP``) are not sent: Pirsch's current
    reference and SDKs no longer take them, so pass the visitor's address as ``ip``.

    >>> hit_from_headers("https://example.com/", "203.0.113.7", {"DNT": "1"}) is None
    True
    >>> hit_from_headers("https://example.com/", "203.0.113.7",
    ...                  {"User-Agent": "Mozilla/5.0", "Referer": "https://t.co/"}).referrer
    'https://t.co/'
    """
    lowered = _lower(headers)
    if lowered.get("dnt", "").strip() == "1":
        return None
    given_referrer = referrer if not isinstance(referrer, UnsetType) else lowered.get("referer")
    return Hit(
        url=url,
        ip=ip,
        user_agent=lowered.get("user-agent", ""),
        title=title,
        referrer=given_referrer if given_referrer else UNSET,
        screen_width=screen_width,
        screen_height=screen_height,
        tags=UNSET if isinstance(tags, UnsetType) else dict(tags),
        disable_bot_filter=disable_bot_filter,
        **_header_fields(lowered),
    )


def event_from_headers(
    event_name: str,
    url: str,
    ip: str,
    headers: Mapping[str, str],
    *,
    duration: int | UnsetType = UNSET,
    meta: Mapping[str, MetaValue] | UnsetType = UNSET,
    non_interactive: bool | UnsetType = UNSET,
    title: str | UnsetType = UNSET,
    referrer: str | UnsetType = UNSET,
    screen_width: int | UnsetType = UNSET,
    screen_height: int | UnsetType = UNSET,
) -> Event | None:
    """An :class:`Event` named ``event_name`` on ``url``, or None when ``DNT`` is ``1``.

    >>> event_from_headers("signup", "https://example.com/", "203.0.113.7",
    ...                    {"User-Agent": "Mozilla/5.0"}, meta={"plan": "pro"}).event_meta
    {'plan': 'pro'}
    """
    hit = hit_from_headers(
        url,
        ip,
        headers,
        title=title,
        referrer=referrer,
        screen_width=screen_width,
        screen_height=screen_height,
    )
    if hit is None:
        return None
    fields = {name: getattr(hit, name) for name in Hit.__struct_fields__}
    return Event(
        **fields,
        event_name=event_name,
        event_duration=duration,
        event_meta=UNSET if isinstance(meta, UnsetType) else dict(meta),
        non_interactive=non_interactive,
    )
