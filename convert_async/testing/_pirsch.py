"""``FakePirsch``: an in-process fake of the Pirsch analytics API.

It issues access tokens that expire (and answers 401 once they have), accepts write-only access
keys for the tracking endpoints only, records every hit, event and session (single and batch),
serves every statistics endpoint from deterministic data (filtered, sorted, paged with
``limit``/``offset``), and manages domains, access links, members, clients, e-mail reports and
conversion goals in memory. Errors use Pirsch's ``{"validation": {...}, "error": [...]}`` body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import random
import string
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from aiohttp import web

from ._base import CatalogFake, FakeAPIError, FakeCall
from ._loopback import Answer, Routed

__all__ = ["FakePirsch"]

Obj = dict[str, Any]
_ALPHABET = string.ascii_letters + string.digits
_WRITE_OPERATIONS = frozenset(
    {
        "send_hit",
        "send_hits_batch",
        "send_event",
        "send_events_batch",
        "keep_session_alive",
        "keep_sessions_alive_batch",
    }
)
# Statistics rows that share one shape: ``{<key>: label, visitors, relative_visitors}``.
_SHARES: dict[str, tuple[str, tuple[str, ...]]] = {
    "get_utm_sources": ("utm_source", ("newsletter", "twitter", "google", "partner")),
    "get_utm_mediums": ("utm_medium", ("email", "social", "cpc", "referral")),
    "get_utm_campaigns": ("utm_campaign", ("spring-sale", "launch", "black-friday")),
    "get_utm_contents": ("utm_content", ("banner", "footer-link", "hero")),
    "get_utm_terms": ("utm_term", ("analytics", "privacy", "cookie-free")),
    "get_languages": ("language", ("en", "de", "fr", "es", "it", "nl", "pl")),
    "get_os": ("os", ("Windows", "Mac", "Linux", "iOS", "Android")),
    "get_browsers": ("browser", ("Chrome", "Firefox", "Safari", "Edge", "Opera")),
    "get_countries": ("country", ("us", "de", "gb", "fr", "nl", "ca", "au", "jp")),
    "get_cities": ("city", ("Berlin", "London", "Paris", "New York", "Tokyo", "Toronto")),
    "get_screen_classes": ("screen_class", ("XXL", "XL", "L", "M", "S")),
}
_PER_DAY = ("get_session_duration", "get_time_on_page", "get_visitors")


#: Pirsch's documented quotas: security endpoints 10 a minute, configuration 60 a minute.
_DOCUMENTED_QUOTAS: Mapping[str, tuple[int, float]] = {"security": (10, 60.0), "config": (60, 60.0)}


#: A conversion goal's event fields (Pirsch's current reference, "Conversion Goals").
_GOAL_EVENT_FIELDS = (
    "event_name",
    "event_meta_key",
    "event_meta_value",
    "custom_metric_key",
    "custom_metric_type",
)
#: An e-mail report's optional settings (Pirsch's current reference, "Email Reports").
_REPORT_SETTINGS = (
    "reply_to",
    "link_to",
    "visitor_graph",
    "summary",
    "top_pages",
    "top_referrer",
    "top_events",
    "hide_dashboard_button",
)


def _quota_group(entry: Mapping[str, Any]) -> str | None:
    """The quota an operation counts against; statistics and tracking are unlimited."""
    tag = entry.get("tag")
    if tag in ("Statistics", "Tracking"):
        return None
    return "security" if tag == "Authentication" else "config"


def _rfc3339(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class FakePirsch(CatalogFake):
    """A fake Pirsch API on 127.0.0.1.

    ``async with FakePirsch() as fake:`` then use
    ``PirschClient(fake.CLIENT_ID, fake.CLIENT_SECRET, base_url=fake.url)`` (or
    ``access_key=fake.ACCESS_KEY``). :attr:`DOMAIN_ID` is a seeded domain; :attr:`hits`,
    :attr:`events` and :attr:`sessions` record what was tracked (batches too, each item once
    per delivery, so a re-sent batch shows up twice); :meth:`expire_tokens` makes every issued
    token expire; :attr:`token_requests` counts token exchanges; ``token_lifetime`` and
    ``clock`` control expiry. :attr:`faults` and :attr:`requests` as in the other fakes.

    The documented quotas are enforced (:attr:`rate_limits`, ``(requests, seconds)`` per
    fixed window for ``"security"``, the token exchange, and ``"config"``, the management
    endpoints): limited replies carry ``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and
    ``X-RateLimit-Reset`` (Unix time) unless :attr:`quota_headers` is False, and a request over
    the quota gets 429 with ``Retry-After``.
    """

    CATALOG: ClassVar[str] = "pirsch-operations.json"
    CLIENT_ID: ClassVar[str] = "fakeclientid0123456789abcdefghij"
    CLIENT_SECRET: ClassVar[str] = "fake" + "secret" * 10
    ACCESS_KEY: ClassVar[str] = "pa_" + "fakeaccesskey" * 3 + "012345"
    DOMAIN_ID: ClassVar[str] = "dom0000001"
    #: Rows of list statistics that are not per day or per hour.
    STATISTICS_ROWS: ClassVar[int] = 37

    def __init__(
        self,
        *,
        token_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.time,
        clients: Mapping[str, str] | None = None,
        access_keys: set[str] | None = None,
        statistics_rows: int | None = None,
        rate_limits: Mapping[str, tuple[int, float]] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(seed=seed, host=host, port=port)
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.statistics_rows = statistics_rows or self.STATISTICS_ROWS
        #: oAuth clients: client id -> secret.
        self.client_credentials: dict[str, str] = dict(
            clients if clients is not None else {self.CLIENT_ID: self.CLIENT_SECRET}
        )
        self.access_keys = set(access_keys) if access_keys is not None else {self.ACCESS_KEY}
        #: Issued access tokens -> expiry (unix time).
        self.tokens: dict[str, float] = {}
        self.hits: list[Obj] = []
        self.events: list[Obj] = []
        self.sessions: list[Obj] = []
        self._rng = random.Random(seed)
        self.domains: dict[str, Obj] = {}
        self.access_links: dict[str, Obj] = {}
        self.members: dict[str, Obj] = {}
        self.clients: dict[str, Obj] = {}
        self.email_reports: dict[str, Obj] = {}
        self.goals: dict[str, Obj] = {}
        #: Quotas enforced, ``(requests, seconds)`` by group; change or empty it freely.
        self.rate_limits: dict[str, tuple[int, float]] = dict(
            rate_limits if rate_limits is not None else _DOCUMENTED_QUOTAS
        )
        self.quota_headers = True
        self._windows: dict[str, tuple[float, int]] = {}
        self._seed_domain()

    @property
    def url(self) -> str:
        """Base URL of the API (``/api/v1``)."""
        return self.base_url + "/api/v1"

    @property
    def token_requests(self) -> int:
        """How many token exchanges were received (successful or not)."""
        return len(self.requests_for("get_access_token"))

    def expire_tokens(self) -> None:
        """Make every issued token expired (the next request with one gets a 401)."""
        past = self.clock() - 1
        self.tokens = dict.fromkeys(self.tokens, past)

    def new_id(self, length: int = 10) -> str:
        """A fresh random id (deterministic for a given seed)."""
        return "".join(self._rng.choices(_ALPHABET, k=length))

    # -- hooks ------------------------------------------------------------------------------

    async def _answer(
        self,
        request: web.BaseRequest,
        routed: Routed[Any],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answer:
        entry = self.operations.get(routed.operation or "")
        group = _quota_group(entry) if entry is not None else None
        quota = self.rate_limits.get(group) if group is not None else None
        if group is None or quota is None:
            return await super()._answer(request, routed, body, query)
        allowed, seconds = quota
        now = time.time()
        started, used = self._windows.get(group, (now, 0))
        if now >= started + seconds:
            started, used = now, 0
        reset = started + seconds
        if used >= allowed:
            payload = self._error_payload(429, "Too many requests")
            retry_after = {"Retry-After": str(max(1, math.ceil(reset - now)))}
            return Answer(429, json.dumps(payload).encode(), headers=retry_after)
        self._windows[group] = (started, used + 1)
        answer = await super()._answer(request, routed, body, query)
        if not self.quota_headers:
            return answer
        headers = {
            **answer.headers,
            "X-RateLimit-Limit": str(allowed),
            "X-RateLimit-Remaining": str(allowed - used - 1),
            "X-RateLimit-Reset": f"{reset:.3f}",
        }
        return replace(answer, headers=headers)

    def _authenticate(self, request: web.BaseRequest, body: bytes, operation: str) -> None:
        if operation == "get_access_token":
            return
        header = request.headers.get("Authorization", "").strip()
        if not header.startswith("Bearer "):
            raise FakeAPIError(401, "Unauthorized")
        token = header[len("Bearer ") :].strip()
        if token.startswith("pa_"):
            if not any(hmac.compare_digest(token, key) for key in self.access_keys):
                raise FakeAPIError(401, "Unauthorized")
            if operation not in _WRITE_OPERATIONS:
                raise FakeAPIError(403, "Access keys can only send hits, events and sessions")
            return
        expires = self.tokens.get(token)
        if expires is None or expires <= self.clock():
            raise FakeAPIError(401, "Unauthorized")

    def _error_payload(
        self, status: int, message: str, fields: Mapping[str, str] | None = None
    ) -> Any:
        if fields:
            return {"validation": dict(fields), "error": []}
        return {"validation": {}, "error": [message]}

    def _select(self, entries: Sequence[Mapping[str, Any]], body: Any) -> Mapping[str, Any]:
        if len(entries) > 1:  # create and update client share POST /client
            wanted = "update_client" if isinstance(body, dict) and "id" in body else "create_client"
            return next((e for e in entries if e["operation"] == wanted), entries[0])
        return entries[0]

    # -- data -------------------------------------------------------------------------------

    def _now(self) -> str:
        return _rfc3339(self.clock())

    def _stamp(self, obj: Obj) -> Obj:
        now = self._now()
        obj.setdefault("def_time", now)
        obj["mod_time"] = now
        return obj

    def _seed_domain(self) -> None:
        self.domains[self.DOMAIN_ID] = self._stamp(
            {
                "id": self.DOMAIN_ID,
                "user_id": "usr0000001",
                "hostname": "example.com",
                "subdomain": "example",
                "identification_code": self.new_id(32),
                "public": False,
                "google_user_id": None,
                "google_user_email": None,
                "gsc_domain": None,
                "new_owner": None,
                "timezone": "UTC",
                "group_by_title": False,
                "user_role": "Owner",
            }
        )
        for name, pattern in (("Checkout", "/checkout/**"), ("Signup", "/signup")):
            ident = self.new_id()
            self.goals[ident] = self._goal(
                ident, self.DOMAIN_ID, {"name": name, "path_pattern": pattern}
            )

    def _goal(self, ident: str, domain_id: str, body: Obj) -> Obj:
        pattern = body.get("path_pattern") or None
        if pattern is None and not body.get("event_name"):
            raise FakeAPIError(
                400,
                "Invalid request",
                {"path_pattern": "either the path pattern and/or event fields must be set"},
            )
        regex = (
            None
            if pattern is None
            else "^" + str(pattern).replace("**", ".*").replace("*", "[^/]*") + "$"
        )
        return self._stamp(
            {
                "id": ident,
                "domain_id": domain_id,
                "name": body.get("name"),
                "path_pattern": pattern,
                "pattern": regex,
                "tags": list(body.get("tags") or []),
                **{name: body.get(name) or None for name in _GOAL_EVENT_FIELDS},
                "visitor_goal": body.get("visitors") or None,
                "cr_goal": body.get("cr") or None,
                "custom_metric_total_goal": body.get("custom_metric_total_goal") or None,
                "custom_metric_avg_goal": body.get("custom_metric_avg_goal") or None,
                "delete_reached": bool(body.get("delete_reached", False)),
                "email_reached": bool(body.get("email_reached", False)),
            }
        )

    def _domain(self, domain_id: str | None) -> Obj:
        domain = self.domains.get(domain_id or "")
        if domain is None:
            raise FakeAPIError(404, "Domain not found")
        return domain

    @staticmethod
    def _pop(table: dict[str, Obj], ident: str | None, what: str) -> Obj:
        found = table.pop(ident or "", None)
        if found is None:
            raise FakeAPIError(404, f"{what} not found")
        return found

    @staticmethod
    def _get(table: dict[str, Obj], ident: Any, what: str) -> Obj:
        found = table.get(str(ident))
        if found is None:
            raise FakeAPIError(404, f"{what} not found")
        return found

    # -- authentication and tracking ----------------------------------------------------------

    def _op_get_access_token(self, call: FakeCall) -> Any:
        body = call.fields()
        secret = self.client_credentials.get(str(body.get("client_id")))
        if secret is None or not hmac.compare_digest(secret, str(body.get("client_secret"))):
            raise FakeAPIError(401, "Unauthorized")
        token = self.new_id(48)
        self.tokens[token] = self.clock() + self.token_lifetime
        return {"access_token": token, "expires_at": _rfc3339(self.tokens[token])}

    @staticmethod
    def _documented(call: FakeCall, item: Any) -> Obj:
        """``item`` with only the fields the current reference documents for this operation
        (the catalog's): others, such as the 2022 seed's ``x_forwarded_for``, are ignored the
        way a JSON decoder into a struct ignores them, so a test sees they had no effect."""
        known = {f["name"] for f in call.entry["body"]["fields"]}
        return {k: v for k, v in item.items() if k in known} if isinstance(item, dict) else {}

    def _op_send_hit(self, call: FakeCall) -> Any:
        self.hits.append(self._documented(call, call.body))

    def _op_send_hits_batch(self, call: FakeCall) -> Any:
        self.hits.extend(self._documented(call, item) for item in call.body)

    def _op_send_event(self, call: FakeCall) -> Any:
        self.events.append(self._documented(call, call.body))

    def _op_send_events_batch(self, call: FakeCall) -> Any:
        self.events.extend(self._documented(call, item) for item in call.body)

    def _op_keep_session_alive(self, call: FakeCall) -> Any:
        self.sessions.append(self._documented(call, call.body))

    def _op_keep_sessions_alive_batch(self, call: FakeCall) -> Any:
        self.sessions.extend(self._documented(call, item) for item in call.body)

    # -- statistics -------------------------------------------------------------------------

    def _number(self, *parts: object, low: int = 10, high: int = 5000) -> int:
        digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
        return low + int.from_bytes(digest[:4], "big") % (high - low)

    def _filter(self, call: FakeCall) -> tuple[Obj, dt.date, dt.date]:
        domain = self._domain(call.arg("id"))
        try:
            start = dt.date.fromisoformat(call.arg("from") or "")
            end = dt.date.fromisoformat(call.arg("to") or "")
        except ValueError:
            raise FakeAPIError(400, "Invalid request", {"from": "invalid date"}) from None
        if end < start:
            raise FakeAPIError(400, "Invalid request", {"to": "must not be before from"})
        for name in ("limit", "offset"):
            value = call.arg(name)
            if value is not None and not value.isdigit():
                raise FakeAPIError(400, "Invalid request", {name: "must be a number"})
        if int(call.arg("limit") or 0) > 100:
            raise FakeAPIError(400, "Invalid request", {"limit": "must be at most 100"})
        return domain, start, end

    def _days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]

    def _rows(self, call: FakeCall) -> list[Obj]:
        domain, start, end = self._filter(call)
        op, key = call.operation, domain["id"]
        day_iso = [f"{day.isoformat()}T00:00:00Z" for day in self._days(start, end)]
        count = self.statistics_rows
        if op in _SHARES:
            field, labels = _SHARES[op]
            names = [
                labels[i % len(labels)] + ("" if i < len(labels) else f"-{i}") for i in range(count)
            ]
            visitors = [self._number(key, op, name) for name in names]
            total = sum(visitors) or 1
            return [
                {field: name, "visitors": v, "relative_visitors": round(v / total, 4)}
                for name, v in zip(names, visitors, strict=True)
            ]
        if op == "get_session_duration":
            return [
                {"day": d, "average_time_spent_seconds": self._number(key, op, d, high=600)}
                for d in day_iso
            ]
        if op == "get_time_on_page":
            return [
                {
                    "day": d,
                    "path": call.arg("path") or "/",
                    "average_time_spent_seconds": self._number(key, op, d, high=300),
                }
                for d in day_iso
            ]
        if op == "get_visitors":
            return [self._traffic(key, op, d) | {"day": d} for d in day_iso]
        if op == "get_time_of_day":
            return [self._traffic(key, op, hour) | {"hour": hour} for hour in range(24)]
        paths = [f"/blog/post-{n}" if n else "/" for n in range(count)]
        if op == "get_pages":
            return [
                self._traffic(key, op, p)
                | {
                    "path": p,
                    "title": f"Page {p}",
                    "relative_visitors": 0.1,
                    "relative_views": 0.1,
                    "average_time_spent_seconds": self._number(key, p, high=300),
                }
                for p in paths
            ]
        if op == "get_entry_pages":
            return [
                {
                    "path": p,
                    "title": f"Page {p}",
                    "visitors": self._number(key, op, p),
                    "sessions": self._number(key, op, p, "s"),
                    "entries": self._number(key, op, p, "e"),
                    "entry_rate": 0.3,
                    "average_time_spent_seconds": self._number(key, p, high=300),
                }
                for p in paths
            ]
        if op == "get_exit_pages":
            return [
                {
                    "path": p,
                    "title": f"Page {p}",
                    "visitors": self._number(key, op, p),
                    "sessions": self._number(key, op, p, "s"),
                    "exits": self._number(key, op, p, "x"),
                    "exit_rate": 0.3,
                }
                for p in paths
            ]
        if op == "get_conversion_goal_stats":
            goals = [g for g in self.goals.values() if g["domain_id"] == key]
            return [
                {
                    "page_goal": g,
                    "stats": {
                        "visitors": self._number(key, g["id"]),
                        "views": self._number(key, g["id"], "v"),
                        "cr": 0.05,
                    },
                }
                for g in goals
            ]
        events = [f"event_{n}" for n in range(count)]
        if op == "get_events":
            return [
                {
                    "name": e,
                    "visitors": self._number(key, e),
                    "views": self._number(key, e, "v"),
                    "cr": 0.02,
                    "average_duration_seconds": self._number(key, e, high=60),
                    "meta_keys": ["plan", "source"],
                }
                for e in events
            ]
        if op == "get_event_metadata":
            event = call.arg("event")
            if not event or not call.arg("event_meta_key"):
                raise FakeAPIError(
                    400, "Invalid request", {"event": "event and event_meta_key required"}
                )
            return [
                {
                    "name": event,
                    "meta_value": f"value-{n}",
                    "visitors": self._number(key, event, n),
                    "views": self._number(key, event, n, "v"),
                    "cr": 0.01,
                    "average_duration_seconds": 3,
                }
                for n in range(count)
            ]
        if op == "list_events":
            return [
                {
                    "name": e,
                    "meta": {"plan": "pro"},
                    "visitors": self._number(key, e),
                    "count": self._number(key, e, "c"),
                }
                for e in events
            ]
        if op == "get_referrers":
            hosts = [f"site{n}.example" for n in range(count)]
            return [
                {
                    "referrer": f"https://{h}/",
                    "referrer_name": h,
                    "referrer_icon": "",
                    "visitors": self._number(key, h),
                    "sessions": self._number(key, h, "s"),
                    "relative_visitors": 0.05,
                    "bounces": self._number(key, h, "b", high=100),
                    "bounce_rate": 0.4,
                }
                for h in hosts
            ]
        if op == "get_os_versions":
            return [
                {
                    "os": "Windows",
                    "os_version": str(n),
                    "visitors": self._number(key, op, n),
                    "relative_visitors": 0.1,
                }
                for n in range(count)
            ]
        if op == "get_browser_versions":
            return [
                {
                    "browser": "Chrome",
                    "browser_version": f"{100 + n}.0",
                    "visitors": self._number(key, op, n),
                    "relative_visitors": 0.1,
                }
                for n in range(count)
            ]
        if op == "get_keywords":
            return [
                {
                    "keys": [f"keyword {n}"],
                    "clicks": self._number(key, op, n, high=500),
                    "impressions": self._number(key, op, n, "i"),
                    "ctr": 0.03,
                    "position": 4.2,
                }
                for n in range(count)
            ]
        raise FakeAPIError(500, f"no statistics for {op}")

    def _traffic(self, key: str, op: str, part: object) -> Obj:
        visitors = self._number(key, op, part)
        bounces = visitors // 3
        return {
            "visitors": visitors,
            "views": visitors * 2,
            "sessions": visitors + visitors // 10,
            "bounces": bounces,
            "bounce_rate": round(bounces / visitors, 4),
        }

    def _list_statistics(self, call: FakeCall) -> Any:
        rows = self._rows(call)
        search = call.arg("search")
        if search:
            rows = [
                r for r in rows if any(search in str(v) for v in r.values() if isinstance(v, str))
            ]
        path = call.arg("path")
        if path and rows and "path" in rows[0] and call.operation != "get_time_on_page":
            rows = [r for r in rows if r.get("path") == path]
        sort = call.arg("sort")
        if sort and rows and sort in rows[0]:
            rows.sort(key=lambda r: r[sort], reverse=call.arg("direction") == "desc")
        offset = int(call.arg("offset") or 0)
        limit = call.arg("limit")
        return rows[offset : offset + int(limit)] if limit else rows[offset:]

    def _op_get_total_visitors(self, call: FakeCall) -> Any:
        domain, start, end = self._filter(call)
        return self._traffic(domain["id"], "total", f"{start}:{end}")

    def _op_get_growth(self, call: FakeCall) -> Any:
        domain, start, end = self._filter(call)
        return {
            name: round(self._number(domain["id"], name, start, end, high=400) / 1000 - 0.2, 3)
            for name in (
                "visitors_growth",
                "views_growth",
                "sessions_growth",
                "bounces_growth",
                "time_spent_growth",
            )
        }

    def _op_get_active_visitors(self, call: FakeCall) -> Any:
        domain, _, _ = self._filter(call)
        stats = [
            {"path": p, "visitors": self._number(domain["id"], "active", p, low=1, high=20)}
            for p in ("/", "/pricing", "/blog")
        ]
        return {"stats": stats, "visitors": sum(s["visitors"] for s in stats)}

    def _op_get_platforms(self, call: FakeCall) -> Any:
        domain, start, end = self._filter(call)
        counts = {
            name: self._number(domain["id"], name, start, end)
            for name in ("desktop", "mobile", "unknown")
        }
        total = sum(counts.values())
        result: Obj = {f"platform_{k}": v for k, v in counts.items()}
        result.update({f"relative_platform_{k}": round(v / total, 4) for k, v in counts.items()})
        return result

    # -- domains ----------------------------------------------------------------------------

    def _op_list_domains(self, call: FakeCall) -> Any:
        return list(self.domains.values())

    def _op_create_domain(self, call: FakeCall) -> Any:
        body = call.fields()
        if any(d["subdomain"] == body["subdomain"] for d in self.domains.values()):
            raise FakeAPIError(400, "Invalid request", {"subdomain": "the subdomain is taken"})
        ident = self.new_id()
        self.domains[ident] = self._stamp(
            {
                "id": ident,
                "user_id": "usr0000001",
                "hostname": body["hostname"],
                "subdomain": body["subdomain"],
                "identification_code": self.new_id(32),
                "public": False,
                "timezone": body.get("timezone", "UTC"),
                "group_by_title": False,
                "user_role": "Owner",
            }
        )
        return self.domains[ident]

    def _op_delete_domain(self, call: FakeCall) -> Any:
        self._pop(self.domains, call.arg("id"), "Domain")

    def _op_reset_identification_code(self, call: FakeCall) -> Any:
        domain = self._get(self.domains, call.fields()["id"], "Domain")
        domain["identification_code"] = self.new_id(32)
        self._stamp(domain)
        return {"identification_code": domain["identification_code"]}

    def _op_update_subdomain(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")["subdomain"] = body["subdomain"]

    def _op_toggle_public_dashboard(self, call: FakeCall) -> Any:
        domain = self._get(self.domains, call.fields()["domain_id"], "Domain")
        domain["public"] = not domain.get("public")

    def _op_toggle_group_by_title(self, call: FakeCall) -> Any:
        domain = self._get(self.domains, call.fields()["domain_id"], "Domain")
        domain["group_by_title"] = not domain.get("group_by_title")

    def _op_update_timezone(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")["timezone"] = body["timezone"]

    # -- access links, members, clients, e-mail reports, goals ------------------------------

    def _op_list_access_links(self, call: FakeCall) -> Any:
        domain_id = call.arg("domain_id")
        self._domain(domain_id)
        return [link for link in self.access_links.values() if link["domain_id"] == domain_id]

    def _op_create_access_link(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")
        ident = self.new_id()
        self.access_links[ident] = self._stamp(
            {
                "id": ident,
                "domain_id": body["domain_id"],
                "code": self.new_id(20),
                "description": body.get("description", ""),
            }
        )
        return self.access_links[ident]

    def _op_update_access_link(self, call: FakeCall) -> Any:
        body = call.fields()
        link = self._get(self.access_links, body["id"], "Access link")
        link["description"] = body.get("description", "")
        self._stamp(link)

    def _op_delete_access_link(self, call: FakeCall) -> Any:
        self._pop(self.access_links, call.arg("id"), "Access link")

    def _op_list_members(self, call: FakeCall) -> Any:
        domain_id = call.arg("id")
        self._domain(domain_id)
        return [m for m in self.members.values() if m["domain_id"] == domain_id]

    def _op_invite_members(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["id"], "Domain")
        for email in body["emails"]:
            ident = self.new_id()
            self.members[ident] = self._stamp(
                {
                    "id": ident,
                    "user_id": self.new_id(),
                    "domain_id": body["id"],
                    "role": "viewer",
                    "user": {
                        "id": self.new_id(),
                        "email": email,
                        "full_name": email.split("@")[0],
                        "picture": "",
                    },
                }
            )

    def _op_update_member_role(self, call: FakeCall) -> Any:
        body = call.fields()
        member = self._get(self.members, body["id"], "Member")
        member["role"] = body["role"]
        self._stamp(member)

    def _op_remove_member(self, call: FakeCall) -> Any:
        self._pop(self.members, call.arg("id"), "Member")

    def _op_list_clients(self, call: FakeCall) -> Any:
        domain_id = call.arg("id")
        self._domain(domain_id)
        return [
            {k: v for k, v in c.items() if k != "client_secret"}
            for c in self.clients.values()
            if c["domain_id"] == domain_id
        ]

    def _op_create_client(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")
        ident = self.new_id()
        client = self._stamp({**body, "id": ident, "client_id": self.new_id(32)})
        client.setdefault("description", "")
        self.clients[ident] = client
        secret = self.new_id(64)
        self.client_credentials[client["client_id"]] = secret
        return {**client, "client_secret": secret}

    def _op_update_client(self, call: FakeCall) -> Any:
        body = call.fields()
        client = self._get(self.clients, body["id"], "Client")
        client["description"] = body.get("description", "")
        return self._stamp(client)

    def _op_delete_client(self, call: FakeCall) -> Any:
        client = self._pop(self.clients, call.arg("id"), "Client")
        self.client_credentials.pop(client["client_id"], None)

    def _op_list_email_reports(self, call: FakeCall) -> Any:
        domain_id = call.arg("id")
        self._domain(domain_id)
        return [r for r in self.email_reports.values() if r["domain_id"] == domain_id]

    def _email_report(self, ident: str, domain_id: str, email: str, body: Obj) -> Obj:
        interval = body["interval"]
        if interval < 0:
            raise FakeAPIError(400, "Invalid request", {"interval": "must be 0 (daily) or more"})
        # Weeks between reports; 0 is a daily report (Pirsch's current reference).
        next_report = self.clock() + (interval * 7 if interval else 1) * 86_400
        return self._stamp(
            {
                "id": ident,
                "domain_id": domain_id,
                "email": email,
                "interval": interval,
                **{name: body.get(name) for name in _REPORT_SETTINGS if name in body},
                "next_report": _rfc3339(next_report),
            }
        )

    def _op_create_email_reports(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")
        created = []
        for email in body["emails"]:
            ident = self.new_id()
            self.email_reports[ident] = self._email_report(ident, body["domain_id"], email, body)
            created.append(self.email_reports[ident])
        return created

    def _op_update_email_report(self, call: FakeCall) -> Any:
        body = call.fields()
        report = self._get(self.email_reports, body["id"], "E-mail report")
        kept = {name: report[name] for name in _REPORT_SETTINGS if name in report}
        updated = self._email_report(
            report["id"], report["domain_id"], report["email"], {**kept, **body}
        )
        updated["def_time"] = report["def_time"]
        self.email_reports[report["id"]] = updated
        return updated

    def _op_delete_email_report(self, call: FakeCall) -> Any:
        self._pop(self.email_reports, call.arg("id"), "E-mail report")

    def _op_list_conversion_goals(self, call: FakeCall) -> Any:
        domain_id = call.arg("id")
        self._domain(domain_id)
        search = (call.arg("search") or "").lower()
        return [
            g
            for g in self.goals.values()
            if g["domain_id"] == domain_id and search in str(g["name"]).lower()
        ]

    def _op_create_conversion_goal(self, call: FakeCall) -> Any:
        body = call.fields()
        self._get(self.domains, body["domain_id"], "Domain")
        ident = self.new_id()
        self.goals[ident] = self._goal(ident, body["domain_id"], body)
        return self.goals[ident]

    def _op_update_conversion_goal(self, call: FakeCall) -> Any:
        body = call.fields()
        before = self._get(self.goals, body["id"], "Conversion goal")
        updated = self._goal(before["id"], body["domain_id"], body)
        updated["def_time"] = before["def_time"]
        self.goals[before["id"]] = updated
        return updated

    def _op_delete_conversion_goal(self, call: FakeCall) -> Any:
        self._pop(self.goals, call.arg("id"), "Conversion goal")


# Every list statistics endpoint shares one handler.
for _name in (
    *_SHARES,
    *_PER_DAY,
    "get_time_of_day",
    "get_pages",
    "get_entry_pages",
    "get_exit_pages",
    "get_conversion_goal_stats",
    "get_events",
    "get_event_metadata",
    "list_events",
    "get_referrers",
    "get_os_versions",
    "get_browser_versions",
    "get_keywords",
):
    setattr(FakePirsch, f"_op_{_name}", FakePirsch._list_statistics)
