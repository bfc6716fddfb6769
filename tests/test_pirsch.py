"""Pirsch: every catalog operation against ``FakePirsch``, the token lifecycle (one shared
refresh under concurrency, refresh before expiry and after a 401), access-key mode, the batched
sender's no-loss guarantee under faults, the DNT rule and Pirsch error bodies."""

from __future__ import annotations

import asyncio
import datetime as dt
import inspect
import json
import typing
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from importlib import resources
from typing import Any

import msgspec
import pytest

from convert_async import (
    APIResponseValidationError,
    AsyncPager,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    RequestValidationError,
    RetryPolicy,
)
from convert_async._core.auth import RawRequest
from convert_async.pirsch import (
    ACCESS_KEY_OPERATIONS,
    OPERATIONS,
    PIRSCH_RATE_LIMITS,
    BatchEvent,
    BatchHit,
    BatchSession,
    Hit,
    PirschAccessKey,
    PirschAccessModeError,
    PirschClient,
    PirschOAuth,
    SessionKeepAlive,
    StatisticsFilter,
    do_not_track,
    event_from_headers,
    hit_from_headers,
    parse_pirsch_error,
)
from convert_async.testing import FakePirsch
from tests.conftest import ScriptedServer, json_reply, status_reply

pytestmark = pytest.mark.anyio

CATALOG: list[dict[str, Any]] = json.loads(
    resources.files("convert_async.testing")
    .joinpath("data/pirsch-operations.json")
    .read_text(encoding="utf-8")
)
NOW = dt.datetime(2024, 5, 2, 12, 0, tzinfo=dt.UTC)
#: Resources outside Pirsch's quotas (and the token exchange, in its own).
_UNLIMITED_RESOURCES = {"statistics", "tokens", "hits", "events", "sessions"}
FAST = RetryPolicy(max_retries=8, initial_delay=0.001, max_delay=0.01, max_retry_after=1.0)
HEADERS = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64)",
    "Accept-Language": "de-DE,de;q=0.9",
    "Referer": "https://news.example/",
    "X-Forwarded-For": "198.51.100.4",
    "Sec-CH-UA-Mobile": "?0",
}


def stats_filter(**overrides: Any) -> StatisticsFilter:
    fields: dict[str, Any] = {
        "domain_id": FakePirsch.DOMAIN_ID,
        "from_": dt.date(2024, 5, 1),
        "to": dt.date(2024, 5, 7),
        "event": "signup",
        "event_meta_key": "plan",
    }
    fields.update(overrides)
    return StatisticsFilter(**fields)


def make_hit(n: int = 0) -> Hit:
    hit = hit_from_headers(f"https://example.com/p/{n}", "203.0.113.9", HEADERS, title=f"P{n}")
    assert hit is not None
    return hit


@pytest.fixture
async def fake() -> AsyncIterator[FakePirsch]:
    async with FakePirsch() as server:
        yield server


@pytest.fixture
async def client(fake: FakePirsch) -> AsyncIterator[PirschClient]:
    async with PirschClient(
        fake.CLIENT_ID, fake.CLIENT_SECRET, base_url=fake.url, retry=FAST
    ) as api:
        yield api


# -- conformance ----------------------------------------------------------------------------------


def test_registry_matches_the_catalog() -> None:
    catalog = {entry["operation"]: entry for entry in CATALOG}
    assert set(OPERATIONS) == set(catalog)
    assert len(OPERATIONS) == 65
    for name, op in OPERATIONS.items():
        entry = catalog[name]
        assert (op.http_method, op.path) == (entry["method"], entry["path"]), name
        assert op.paginated is (entry["paginated"]["style"] == "limit/offset"), name
        assert (op.body_format == "query") is bool(entry["query_params"]), name
    assert {
        name for name, entry in catalog.items() if entry["tag"] == "Tracking"
    } == ACCESS_KEY_OPERATIONS


def _objects(fake: FakePirsch) -> dict[str, str]:
    """Fresh ids of one object per managed collection (created in the fake directly)."""
    link = fake.new_id()
    fake.access_links[link] = {"id": link, "domain_id": fake.DOMAIN_ID, "code": "c"}
    member = fake.new_id()
    fake.members[member] = {"id": member, "domain_id": fake.DOMAIN_ID, "role": "viewer"}
    client = fake.new_id()
    fake.clients[client] = {"id": client, "domain_id": fake.DOMAIN_ID, "client_id": "x" * 32}
    report = fake.new_id()
    fake.email_reports[report] = {
        "id": report,
        "domain_id": fake.DOMAIN_ID,
        "email": "a@example.com",
        "interval": 1,
        "def_time": "2024-01-01T00:00:00Z",
    }
    goal = next(iter(fake.goals))
    return {
        "domains": fake.DOMAIN_ID,
        "access_links": link,
        "members": member,
        "clients": client,
        "email_reports": report,
        "conversion_goals": goal,
    }


_KEYWORDS: dict[str, Any] = {
    "hostname": "shop.example",
    "subdomain": "shop",
    "timezone": "Europe/Berlin",
    "emails": ["ops@example.com"],
    "interval": 2,
    "role": "admin",
    "name": "Checkout",
    "path_pattern": "/checkout/**",
    "description": "CI",
    "client_id": FakePirsch.CLIENT_ID,
    "client_secret": FakePirsch.CLIENT_SECRET,
}


def _argument(resource: str, name: str, ids: Mapping[str, str]) -> Any:
    if name == "filter":
        return stats_filter(limit=5)
    if name == "hit":
        return make_hit()
    if name == "event":
        event = event_from_headers("signup", "https://example.com/", "203.0.113.9", HEADERS)
        assert event is not None
        return event
    if name == "session":
        return SessionKeepAlive(ip="203.0.113.9", user_agent="UA")
    if name == "hits":
        return [BatchHit(url="https://example.com/", ip="203.0.113.9", user_agent="UA", time=NOW)]
    if name == "events":
        return [
            BatchEvent(
                event_name="signup",
                url="https://example.com/",
                ip="1.2.3.4",
                user_agent="UA",
                time=NOW,
            )
        ]
    if name == "sessions":
        return [BatchSession(ip="203.0.113.9", user_agent="UA", time=NOW)]
    if name == "id":
        return ids[resource]
    if name == "domain_id":
        return ids["domains"]
    return _KEYWORDS[name]


@pytest.mark.parametrize("entry", CATALOG, ids=[e["operation"] for e in CATALOG])
async def test_operation_conforms_to_the_catalog(
    entry: dict[str, Any], fake: FakePirsch, client: PirschClient
) -> None:
    op = OPERATIONS[entry["operation"]]
    ids = _objects(fake)
    method = getattr(getattr(client, op.resource), op.name)
    kwargs = {
        name: _argument(op.resource, name, ids)
        for name, param in inspect.signature(method).parameters.items()
        # A conversion goal needs a path pattern and/or an event name (neither is required).
        if param.default is inspect.Parameter.empty or name == "path_pattern"
    }
    result = method(**kwargs)
    if isinstance(result, AsyncPager):
        page = await result
        decoded: Any = page.items
        assert decoded, entry["operation"]
    else:
        decoded = await result

    recorded = fake.requests_for(entry["operation"])
    assert len(recorded) == 1, [(r.operation, r.status) for r in fake.requests]
    request = recorded[0]
    assert request.status == 200, request.body
    assert request.method == entry["method"]
    assert request.raw_path.split("?")[0] == "/api/v1" + entry["path"]
    catalog_query = {q["name"] for q in entry["query_params"]}
    templates = tuple(name.split("{")[0] for name in catalog_query if "{" in name)
    assert all(k in catalog_query or k.startswith(templates) for k in request.query)
    assert {q["name"] for q in entry["query_params"] if q["required"]} <= set(request.query)
    sent = request.json()
    body = entry["body"]
    if body is None:
        assert sent is None
    else:
        allowed = {field["name"] for field in body["fields"]}
        required = {field["name"] for field in body["fields"] if field["required"]}
        items = sent if body.get("top_level") == "array" else [sent]
        assert isinstance(items, list)
        assert items
        for item in items:
            assert required <= set(item) <= allowed
    if entry["operation"] == "get_access_token":
        assert "Authorization" not in request.headers
    else:
        assert request.headers["Authorization"].startswith("Bearer ")

    returned = typing.get_type_hints(method)["return"]
    origin = typing.get_origin(returned)
    if origin is AsyncPager or origin is list:
        (item_type,) = typing.get_args(returned)
        assert all(isinstance(row, item_type) for row in decoded)
    elif returned is type(None):
        assert decoded is None
    else:
        assert isinstance(decoded, returned)


async def test_statistics_filter_travels_in_the_query(
    fake: FakePirsch, client: PirschClient
) -> None:
    f = stats_filter(path="/blog", meta={"plan": "pro"}, tags={"author": "kim"}, include_title=True)
    await client.statistics.total_visitors(f)
    query = fake.requests_for("get_total_visitors")[0].query
    assert query["id"] == [fake.DOMAIN_ID]
    assert (query["from"], query["to"]) == (["2024-05-01"], ["2024-05-07"])
    assert query["meta_plan"] == ["pro"]
    assert query["tag_author"] == ["kim"]
    assert query["include_title"] == ["true"]
    assert "limit" not in query


async def test_statistics_lists_page_with_limit_and_offset(
    fake: FakePirsch, client: PirschClient
) -> None:
    rows = [row async for row in client.statistics.pages(stats_filter(limit=10, offset=5))]
    assert len(rows) == fake.statistics_rows - 5
    offsets = [r.query["offset"] for r in fake.requests_for("get_pages")]
    assert offsets == [["5"], ["15"], ["25"], ["35"]]  # the last page is short
    first = await client.statistics.pages(stats_filter(limit=10))
    assert [r.path for r in first.items] == [f"/blog/post-{n}" if n else "/" for n in range(10)]


class OffsetBlindPirsch(FakePirsch):
    """A Pirsch that ignores ``offset`` (the 2022 document does not list it)."""

    def _op_get_pages(self, call: Any) -> Any:
        return self._rows(call)[: int(call.arg("limit"))]


async def test_a_server_that_ignores_offset_stops_the_list_with_a_clear_error() -> None:
    # Every page came back as the first: 10,000 requests and a million rows, 100 distinct.
    async with (
        OffsetBlindPirsch() as fake,
        PirschClient(fake.CLIENT_ID, fake.CLIENT_SECRET, base_url=fake.url, retry=FAST) as client,
    ):
        seen = []
        with pytest.raises(APIResponseValidationError, match="page 2 is page 1 again"):
            async for row in client.statistics.pages(stats_filter(limit=10)):
                seen.append(row)
    assert len(seen) == 10
    assert len(fake.requests_for("get_pages")) == 2


async def test_limit_is_capped_and_required_filters_are_checked(
    fake: FakePirsch, client: PirschClient
) -> None:
    with pytest.raises(RequestValidationError) as info:
        client.statistics.pages(stats_filter(limit=101))
    assert info.value.field == "limit"
    with pytest.raises(RequestValidationError) as info:
        client.statistics.event_metadata(
            StatisticsFilter(domain_id="d", from_=dt.date(2024, 1, 1), to=dt.date(2024, 1, 2))
        )
    assert info.value.field == "event"
    assert fake.requests == []


# -- tokens ---------------------------------------------------------------------------------------


async def test_fifty_concurrent_requests_share_one_token_exchange(
    fake: FakePirsch, client: PirschClient
) -> None:
    results = await asyncio.gather(*(client.domains.list() for _ in range(50)))
    assert all(r[0].id == fake.DOMAIN_ID for r in results)
    assert fake.token_requests == 1
    auth = client.auth
    assert isinstance(auth, PirschOAuth)
    assert auth.token_requests == 1


async def test_an_expired_token_is_refreshed_transparently(
    fake: FakePirsch, client: PirschClient
) -> None:
    await client.domains.list()
    fake.expire_tokens()
    domains = await client.domains.list()
    assert domains[0].id == fake.DOMAIN_ID
    assert fake.token_requests == 2
    statuses = [(r.operation, r.status) for r in fake.requests]
    assert statuses[-3:] == [
        ("list_domains", 401),
        ("get_access_token", 200),
        ("list_domains", 200),
    ]


async def test_fifty_requests_hitting_an_expired_token_refresh_once(
    fake: FakePirsch, client: PirschClient
) -> None:
    # Statistics have no quota (domains would use 101 of the 60 config requests a minute).
    await client.statistics.total_visitors(stats_filter())
    fake.expire_tokens()
    await asyncio.gather(*(client.statistics.total_visitors(stats_filter()) for _ in range(50)))
    assert fake.token_requests == 2
    statuses = Counter(r.status for r in fake.requests_for("get_total_visitors"))
    assert statuses == {200: 51, 401: 50}


async def test_writes_are_repeated_once_after_a_401(fake: FakePirsch, client: PirschClient) -> None:
    await client.hits.send(make_hit())
    fake.expire_tokens()
    await client.hits.send(make_hit(1))
    assert [h["url"] for h in fake.hits] == ["https://example.com/p/0", "https://example.com/p/1"]


async def test_the_token_is_renewed_before_it_expires(fake: FakePirsch) -> None:
    now = [1_700_000_000.0]
    fake.clock = lambda: now[0]
    fake.token_lifetime = 300
    auth = PirschOAuth(fake.CLIENT_ID, fake.CLIENT_SECRET, refresh_margin=60, clock=lambda: now[0])
    async with PirschClient(auth=auth, base_url=fake.url) as api:
        await api.domains.list()
        now[0] += 200  # still valid, outside the margin
        await api.domains.list()
        assert fake.token_requests == 1
        now[0] += 50  # 50 s left: inside the margin, renewed before sending
        await api.domains.list()
    assert fake.token_requests == 2
    assert all(r.status == 200 for r in fake.requests)


async def test_bad_client_credentials_raise(fake: FakePirsch) -> None:
    async with PirschClient(fake.CLIENT_ID, "wrong", base_url=fake.url, max_retries=0) as api:
        with pytest.raises(AuthenticationError) as info:
            await api.domains.list()
    assert info.value.message == "Unauthorized"
    assert [r.operation for r in fake.requests] == ["get_access_token"]
    assert "wrong" not in repr(api)


# -- access keys ----------------------------------------------------------------------------------


async def test_access_key_mode_writes_and_refuses_reads_before_sending(fake: FakePirsch) -> None:
    async with PirschClient(access_key=fake.ACCESS_KEY, base_url=fake.url) as api:
        assert api.write_only
        await api.hits.send(make_hit())
        await api.events.send_batch(
            [
                BatchEvent(
                    event_name="x", url="https://e.com/", ip="1.2.3.4", user_agent="UA", time=NOW
                )
            ]
        )
        before = len(fake.requests)
        with pytest.raises(PirschAccessModeError, match="oAuth"):
            await api.domains.list()
        with pytest.raises(PirschAccessModeError):
            api.statistics.pages(stats_filter())
        with pytest.raises(PirschAccessModeError):
            await api.request("GET", "/domain")
        assert len(fake.requests) == before
        assert await api.request("POST", "/hit", json=make_hit(2)) is None
    assert fake.token_requests == 0
    assert len(fake.hits) == 2
    assert fake.requests[0].headers["Authorization"] == f"Bearer {fake.ACCESS_KEY}"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda api: api.domains.delete(id=""), "id"),
        (lambda api: api.clients.delete(id=""), "id"),
        (lambda api: api.members.list(domain_id=""), "id"),
        (lambda api: api.access_links.list(domain_id=""), "domain_id"),
        (lambda api: api.statistics.total_visitors(stats_filter(domain_id="")), "id"),
        (lambda api: api.hits.send(Hit(url="", ip="203.0.113.9", user_agent="UA")), "url"),
        (lambda api: api.hits.send(Hit(url="https://e.x/", ip="", user_agent="UA")), "ip"),
    ],
)
async def test_an_empty_id_or_address_is_refused_before_sending(
    fake: FakePirsch, client: PirschClient, call: Any, field: str
) -> None:
    # These went out as ``?id=`` (or a hit without a URL) and failed on the server.
    await client.domains.list()  # the token exchange, out of the way
    before = len(fake.requests)
    with pytest.raises(RequestValidationError) as caught:
        await call(client)
    assert caught.value.field == field
    assert "length >= 1" in caught.value.message
    assert len(fake.requests) == before


def test_access_keys_must_look_like_access_keys() -> None:
    with pytest.raises(ConfigurationError, match="pa_"):
        PirschClient(access_key="not-a-key")


def test_credentials_given_wrongly_are_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # These raised a bare ValueError, unlike every other bad setting.
    for name in ("PIRSCH_CLIENT_ID", "PIRSCH_CLIENT_SECRET", "PIRSCH_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="client_id needs its client_secret"):
        PirschClient("id")
    with pytest.raises(ConfigurationError, match="pass one of"):
        PirschClient("id", "secret", access_key="pa_x")
    with pytest.raises(ConfigurationError, match="no credentials"):
        PirschClient()


# -- batched sender -------------------------------------------------------------------------------


async def test_batch_sender_loses_nothing_under_faults(
    fake: FakePirsch, client: PirschClient
) -> None:
    fake.faults.error_rate = 0.25
    fake.faults.drop_rate = 0.1
    fake.faults.operations = {"send_hits_batch", "send_events_batch"}
    # The random draws are shared by both endpoints in arrival order, which timing decides;
    # these make sure the hits endpoint fails too, whatever the order.
    fake.faults.fail_next(kind="drop", operation="send_hits_batch")
    fake.faults.fail_next(operation="send_hits_batch")
    retry = RetryPolicy(max_retries=50, initial_delay=0.001, max_delay=0.005)
    total = 400
    async with client.sender(batch_size=25, flush_interval=0.01, retry=retry) as sender:
        for n in range(total):
            assert sender.offer_hit(make_hit(n))
            if n % 4 == 0:
                event = event_from_headers(
                    "click", f"https://example.com/p/{n}", "1.2.3.4", HEADERS
                )
                assert event is not None
                assert sender.offer_event(event)
        assert await sender.flush(timeout=30)
        stats = sender.stats

    urls = Counter(h["url"] for h in fake.hits)
    assert set(urls) == {f"https://example.com/p/{n}" for n in range(total)}
    assert stats.hits.enqueued == stats.hits.sent == total
    assert stats.events.sent == total // 4
    assert stats.hits.failed == stats.hits.dropped == stats.hits.spooled == 0
    assert stats.hits.retried > 0
    duplicates = sum(count - 1 for count in urls.values())
    assert duplicates == len(fake.hits) - total  # re-sent dropped batches arrive twice
    failed_attempts = [r for r in fake.requests_for("send_hits_batch") if r.status != 200]
    assert failed_attempts
    assert all(
        isinstance(h["time"], str) and h["time"].endswith(("Z", "+00:00")) for h in fake.hits
    )


async def test_lost_responses_cause_duplicates_that_are_counted(
    fake: FakePirsch, client: PirschClient
) -> None:
    fake.faults_after_processing = True  # the batch arrives, its response is lost
    fake.faults.drop_rate = 0.3
    fake.faults.operations = {"send_hits_batch"}
    retry = RetryPolicy(max_retries=50, initial_delay=0.001, max_delay=0.005)
    total = 300
    async with client.sender(batch_size=20, flush_interval=0.01, retry=retry) as sender:
        for n in range(total):
            sender.offer_hit(make_hit(n))
        assert await sender.flush(timeout=30)
        stats = sender.stats
    urls = Counter(h["url"] for h in fake.hits)
    assert set(urls) == {f"https://example.com/p/{n}" for n in range(total)}
    duplicates = sum(count - 1 for count in urls.values())
    lost = [r for r in fake.requests_for("send_hits_batch") if r.status == 0]
    assert lost
    assert duplicates == 20 * len(lost)  # every lost response was a whole batch re-sent
    assert stats.hits.sent == total
    assert stats.hits.retried == duplicates


async def test_batches_go_out_in_time_order(fake: FakePirsch, client: PirschClient) -> None:
    async with client.sender(batch_size=10, flush_interval=0.01) as sender:
        for n in range(35):
            sender.offer_hit(make_hit(n), time=NOW + dt.timedelta(seconds=n))
        assert await sender.flush(timeout=10)
    times = [h["time"] for h in fake.hits]
    assert times == sorted(times)
    assert len(fake.requests_for("send_hits_batch")) == 4


async def test_undeliverable_batches_are_spooled_and_resent(
    fake: FakePirsch, client: PirschClient, tmp_path: Any
) -> None:
    spool = tmp_path / "pirsch"
    fake.faults.error_rate = 1.0
    once = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001)
    async with client.sender(retry=once, spool_path=spool, flush_interval=0.01) as sender:
        sender.offer_hit(make_hit(7))
        await sender.flush(timeout=5)
        assert sender.stats.hits.spooled == 1
    fake.faults.clear()
    async with client.sender(spool_path=spool, flush_interval=0.01) as sender:
        assert await sender.flush(timeout=5)
        assert sender.stats.hits.sent == 1
    assert [h["url"] for h in fake.hits] == ["https://example.com/p/7"]


async def test_flush_and_close_honour_the_timeout_in_total(
    fake: FakePirsch, client: PirschClient, tmp_path: Any
) -> None:
    fake.faults.latency = 4  # no answer while the test waits (short, so teardown is quick)
    spool = tmp_path / "pirsch"
    sender = client.sender(spool_path=spool, flush_interval=0.01)
    async with sender:
        sender.offer_hit(make_hit(1))
        event = event_from_headers("click", "https://example.com/", "1.2.3.4", HEADERS)
        assert event is not None
        sender.offer_event(event)
        loop = asyncio.get_running_loop()
        started = loop.time()
        assert not await sender.flush(timeout=1.0)
        flushed = loop.time() - started
        started = loop.time()
        await sender.aclose(timeout=1.0)
        closed = loop.time() - started
    # One after the other, each queue would take the whole timeout: 2 s or more.
    assert flushed < 1.9
    assert closed < 1.9
    stats = sender.stats
    assert (stats.hits.spooled, stats.events.spooled) == (1, 1)
    assert {p.name for p in tmp_path.iterdir()} == {"pirsch.hits", "pirsch.events"}


async def test_the_posted_body_is_the_batch_body_the_sender_encoded(
    fake: FakePirsch, client: PirschClient
) -> None:
    bodies: list[bytes] = []
    async with client.sender(batch_size=5, flush_interval=60) as sender:
        deliver = sender._hits._deliver

        async def recording(batch: Any) -> None:
            bodies.append(batch.body)
            await deliver(batch)

        sender._hits._deliver = recording
        for n in range(10):
            sender.offer_hit(make_hit(n))
        assert await sender.flush(timeout=5)
    received = [r.body for r in fake.requests_for("send_hits_batch")]
    assert received == bodies  # the bytes the sender encoded, not a second encoding
    assert len(bodies) == 2


# -- DNT ------------------------------------------------------------------------------------------


def test_hit_from_headers_copies_the_request_and_honours_dnt() -> None:
    hit = hit_from_headers("https://example.com/a?b=1", "203.0.113.9", HEADERS)
    assert hit is not None
    assert (hit.user_agent, hit.accept_language, hit.referrer) == (
        HEADERS["User-Agent"],
        "de-DE,de;q=0.9",
        "https://news.example/",
    )
    assert hit.sec_ch_ua_mobile == "?0"
    # Proxy headers are not part of Pirsch's current hit body: the ip is the caller's.
    assert hit.ip == "203.0.113.9"
    assert "198.51.100.4" not in msgspec.json.encode(hit).decode()
    for dnt in ({"DNT": "1"}, {"dnt": " 1 "}):
        assert hit_from_headers("https://example.com/", "1.2.3.4", {**HEADERS, **dnt}) is None
        assert event_from_headers("e", "https://example.com/", "1.2.3.4", dnt) is None
        assert do_not_track(dnt)
    assert hit_from_headers("https://example.com/", "1.2.3.4", {"DNT": "0"}) is not None


async def test_a_close_timeout_that_is_no_number_of_seconds_is_refused_at_once(
    client: PirschClient,
) -> None:
    # It was only met when leaving ``async with``, where NaN closed at once and spooled or
    # failed everything still queued.
    with pytest.raises(RequestValidationError, match="close_timeout: must be None or a number"):
        client.sender(close_timeout=float("nan"))


async def test_sender_skips_dnt_requests(fake: FakePirsch, client: PirschClient) -> None:
    async with client.sender(flush_interval=0.01) as sender:
        assert sender.track_request("https://example.com/ok", "1.2.3.4", HEADERS)
        assert not sender.track_request(
            "https://example.com/no", "1.2.3.4", {**HEADERS, "DNT": "1"}
        )
        assert await sender.flush(timeout=5)
        assert sender.stats.dnt_skipped == 1
        assert sender.stats.enqueued == 1
    assert [h["url"] for h in fake.hits] == ["https://example.com/ok"]


# -- errors and rate limits -----------------------------------------------------------------------


async def test_validation_errors_are_parsed_from_the_pirsch_body(
    fake: FakePirsch, client: PirschClient
) -> None:
    with pytest.raises(BadRequestError) as info:
        await client.domains.create(hostname="dup.example", subdomain="example")
    assert info.value.parameters == ["subdomain"]
    assert info.value.message == "subdomain: the subdomain is taken"
    assert info.value.errors == [{"field": "subdomain", "message": "the subdomain is taken"}]


def test_parse_pirsch_error_joins_errors_and_fields() -> None:
    details = parse_pirsch_error(
        b'{"validation": {"id": "required"}, "error": ["bad"], "context": {}}'
    )
    assert (details.message, details.parameters) == ("bad; id: required", ["id"])
    assert parse_pirsch_error(b"not json").message is None


async def test_rate_limits_are_retried_after_retry_after(
    fake: FakePirsch, client: PirschClient
) -> None:
    fake.faults.fail_next(1, status=429, retry_after="0", operation="get_growth")
    growth = await client.statistics.growth(stats_filter())
    assert growth.visitors_growth is not None
    assert [r.status for r in fake.requests_for("get_growth")] == [429, 200]


def test_the_documented_quotas_are_kept_by_default() -> None:
    assert dict(PIRSCH_RATE_LIMITS) == {"security": (10, 60.0), "config": (60, 60.0)}
    groups = {op.rate_group for name, op in OPERATIONS.items() if op.resource == "statistics"}
    assert groups == {None}
    assert {OPERATIONS[name].rate_group for name in ACCESS_KEY_OPERATIONS} == {None}
    assert OPERATIONS["get_access_token"].rate_group == "security"
    managed = [op for op in OPERATIONS.values() if op.resource not in _UNLIMITED_RESOURCES]
    assert len(managed) == 28
    assert {op.rate_group for op in managed} == {"config"}
    client = PirschClient(access_key=FakePirsch.ACCESS_KEY)
    assert client.rate_limiters["config"].rate == 1.0
    assert client.rate_limiters["security"].rate == pytest.approx(10 / 60)


async def test_a_quota_is_respected_without_a_single_429(fake: FakePirsch) -> None:
    fake.rate_limits["config"] = (5, 0.5)
    loop = asyncio.get_running_loop()
    async with PirschClient(
        fake.CLIENT_ID,
        fake.CLIENT_SECRET,
        base_url=fake.url,
        rate_limits={"config": (5, 0.5)},
        max_retries=0,
    ) as api:
        started = loop.time()
        results = await asyncio.gather(*(api.domains.list() for _ in range(12)))
        elapsed = loop.time() - started
    assert all(len(domains) == 1 for domains in results)
    statuses = Counter(r.status for r in fake.requests_for("list_domains"))
    assert statuses == {200: 12}
    assert elapsed >= 0.9  # 12 requests at 5 per half second need three windows


async def test_the_server_quota_headers_pause_the_limiter(fake: FakePirsch) -> None:
    fake.rate_limits["config"] = (3, 0.5)
    async with PirschClient(
        fake.CLIENT_ID,
        fake.CLIENT_SECRET,
        base_url=fake.url,
        rate_limits={"config": (100, 1.0)},  # the client's own guess is far too generous
        max_retries=0,
    ) as api:
        for _ in range(7):
            await api.domains.list()
    assert all(r.status == 200 for r in fake.requests_for("list_domains"))
    assert api.rate_limiters["config"].stats.waits >= 2


async def test_without_quota_headers_a_429_slows_the_limiter_down(fake: FakePirsch) -> None:
    fake.rate_limits["config"] = (3, 1.0)
    fake.quota_headers = False
    async with PirschClient(
        fake.CLIENT_ID,
        fake.CLIENT_SECRET,
        base_url=fake.url,
        rate_limits={"config": (100, 1.0)},
        retry=FAST,
    ) as api:
        results = await asyncio.gather(*(api.domains.list() for _ in range(5)))
    assert len(results) == 5
    statuses = Counter(r.status for r in fake.requests_for("list_domains"))
    assert statuses[200] == 5
    assert statuses[429] >= 1
    stats = api.rate_limiters["config"].stats
    assert stats.throttled >= 1
    assert stats.rate < 100


# -- the generic auth hook of the core session ----------------------------------------------------


class _CountingAuth:
    def __init__(self) -> None:
        self.token = "first"
        self.prepared = 0
        self.renewed = 0

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def prepare(self, request: RawRequest) -> None:
        self.prepared += 1

    async def on_unauthorized(self, request: RawRequest, sent: Mapping[str, str]) -> bool:
        self.renewed += 1
        response = await request("POST", "/renew", b"{}")
        self.token = json.loads(response.body)["token"]
        return True


async def test_session_prepares_and_renews_any_refreshing_auth(server: ScriptedServer) -> None:
    auth = _CountingAuth()
    server.then(status_reply(401), json_reply({"token": "second"}), json_reply([]))
    async with PirschClient(auth=auth, base_url=server.url, max_retries=0) as api:
        assert await api.domains.list() == []
    assert (auth.prepared, auth.renewed) == (2, 1)
    assert [s.headers.get("Authorization") for s in server.seen] == [
        "Bearer first",
        None,  # the renewal itself is sent without credentials
        "Bearer second",
    ]
    assert server.seen[1].raw_path == "/api/v2/renew"


async def test_a_second_401_is_raised(server: ScriptedServer) -> None:
    auth = _CountingAuth()
    server.then(status_reply(401), json_reply({"token": "second"}), status_reply(401))
    async with PirschClient(auth=auth, base_url=server.url, max_retries=0) as api:
        with pytest.raises(AuthenticationError):
            await api.domains.list()
    assert auth.renewed == 1
    assert len(server.seen) == 3


async def test_an_invalid_hit_is_refused_at_the_door(
    fake: FakePirsch, client: PirschClient
) -> None:
    # Checked when offered: queued, it would fail its whole batch at delivery, every time.
    async with client.sender(batch_size=10, flush_interval=0.01) as sender:
        sender.offer_hit(make_hit(1))
        with pytest.raises(RequestValidationError, match="screen_width"):
            sender.offer_hit(msgspec.structs.replace(make_hit(2), screen_width=-1))
        with pytest.raises(RequestValidationError, match="time"):
            sender.offer_hit(make_hit(3), time=dt.datetime(2026, 1, 1))  # no time zone
        event = event_from_headers("click", "https://example.com/p/4", "1.2.3.4", HEADERS)
        assert event is not None
        with pytest.raises(RequestValidationError, match="event_name"):
            sender.offer_event(msgspec.structs.replace(event, event_name=""))
        # Accepted before, then failed in its batch (a lone surrogate) or was read back from
        # the spool as damage (over its 1 MiB line limit).
        with pytest.raises(RequestValidationError, match="hit: a string holds a lone surrogate"):
            sender.offer_hit(msgspec.structs.replace(make_hit(6), title="bad\ud800"))
        with pytest.raises(RequestValidationError, match="event: is 2,000,"):
            sender.offer_event(msgspec.structs.replace(event, event_name="x" * 2_000_000))
        sender.offer_hit(make_hit(5))
        assert await sender.flush(timeout=5)
        stats = sender.stats
    assert [h["url"] for h in fake.hits] == ["https://example.com/p/1", "https://example.com/p/5"]
    assert stats.hits.enqueued == stats.hits.sent == 2
    assert stats.hits.failed == stats.events.enqueued == 0


async def test_base_url_comes_from_the_environment(
    fake: FakePirsch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIRSCH_BASE_URL", fake.url)
    async with PirschClient(fake.CLIENT_ID, fake.CLIENT_SECRET, retry=FAST) as api:
        assert api.base_url == fake.url
        await api.domains.list()
    assert fake.requests


def test_an_access_key_without_its_prefix_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="starts with 'pa_'"):
        PirschAccessKey("bad")
