"""The request path's guarantees (issue 13): no silent re-sends of writes, unsent requests
retried, Retry-After over the cap, signing after the limiter, pager guards, exception chains
that keep their cause but never a credential. Every server is real, on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import web

from convert_async import (
    AdaptiveRateLimiter,
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    ClientStateError,
    ConvertClient,
    HmacAuth,
    RateLimitError,
    RedirectError,
    RequestValidationError,
    RetryPolicy,
    SecretKeyAuth,
    Timeout,
)
from convert_async._core.client import BaseClient
from convert_async._core.session import HttpSession
from convert_async.giosg import OPERATIONS, Experiment, GiosgClient
from convert_async.pirsch import PirschClient
from tests.conftest import ScriptedServer, drop_connection, json_reply, status_reply

pytestmark = pytest.mark.anyio


class RecordingSleep:
    def __init__(self, then: Callable[[], None] | None = None) -> None:
        self.delays: list[float] = []
        self._then = then

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        if self._then is not None:
            self._then()


def convert(url: str, sleep: RecordingSleep, **options: Any) -> ConvertClient:
    policy = RetryPolicy(max_retries=3, sleep=sleep)
    return ConvertClient(SecretKeyAuth("k", "s"), base_url=url, retry=policy, **options)


# -- 2. writes are never silently repeated ---------------------------------------------------


@pytest.mark.parametrize("method", ["DELETE", "PUT", "POST"])
async def test_a_write_on_a_dropped_kept_alive_connection_reaches_the_server_once(
    server: ScriptedServer, method: str
) -> None:
    # The first reply leaves the connection kept alive; the write then goes out on it and the
    # server drops it after reading the request: aiohttp itself would re-send PUT and DELETE.
    server.then(json_reply({"id": 2}), drop_connection)
    sleep = RecordingSleep()
    async with convert(server.url, sleep, max_connections=1) as client:
        await client.request("GET", "/accounts/1")
        with pytest.raises(APIConnectionError, match="ServerDisconnected"):
            await client.request(method, "/accounts/1/projects/2", json={"name": "x"})
    assert [seen.method for seen in server.seen].count(method) == 1
    assert sleep.delays == []


async def test_a_read_on_a_dropped_connection_is_repeated_by_the_policy_only(
    server: ScriptedServer,
) -> None:
    server.then(json_reply({"id": 2}), drop_connection)
    sleep = RecordingSleep()
    async with convert(server.url, sleep, max_connections=1) as client:
        await client.request("GET", "/accounts/1")
        assert await client.request("GET", "/accounts/1") == {"ok": True}
    assert len(server.seen) == 3
    assert len(sleep.delays) == 1  # the policy's retry, with its backoff


async def test_a_write_that_timed_out_waiting_for_a_pooled_connection_is_retried(
    server: ScriptedServer,
) -> None:
    release = asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        await release.wait()  # keeps the pool's only connection busy
        return web.json_response({"held": True})

    server.then(hold)
    sleep = RecordingSleep(then=release.set)  # the retry's backoff frees the connection
    async with convert(server.url, sleep, max_connections=1) as client:
        reader = asyncio.create_task(client.request("GET", "/accounts/1"))
        await asyncio.sleep(0.05)
        hurried = client.with_options(timeout=Timeout(total=0.3, connect=0.3, read=0.3))
        reply = await hurried.request("POST", "/accounts/1/projects/add", json={"name": "x"})
        assert await reader == {"held": True}
    assert reply == {"ok": True}
    assert [seen.method for seen in server.seen] == ["GET", "POST"]
    assert len(sleep.delays) == 1


# -- 3. a Retry-After over the cap -----------------------------------------------------------


class FakeTime:
    """A clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0  # small: sub-millisecond sleeps must still move it
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_retry_after_over_the_cap_fails_that_request_and_pauses_nothing(
    server: ScriptedServer,
) -> None:
    time = FakeTime()
    limiter = AdaptiveRateLimiter(rate=100, clock=time.clock, sleep=time.sleep)
    server.then(status_reply(429, {"Retry-After": "3600"}))
    http = HttpSession(base_url=server.url, auth=None, rate_limiters={"api": limiter})
    await http.open()
    try:
        send = http.send
        policy = RetryPolicy(max_retries=3, max_retry_after=60, sleep=time.sleep)
        with pytest.raises(RateLimitError, match="Retry-After 3600s is over the 60s cap") as info:
            await send(
                "GET",
                server.url,
                retry_safe=True,
                timeout=Timeout(),
                retry=policy,
                rate_group="api",
            )
        assert info.value.retry_after == 3600
        await send(
            "GET", server.url, retry_safe=True, timeout=Timeout(), retry=policy, rate_group="api"
        )
    finally:
        await http.close()
    assert max(time.slept, default=0) < 60  # the next request was not held for an hour
    # Nor slowed: an over-cap 429 says nothing about the rate the others may go at (40 of
    # them took a client's rate down to 7.5 req/s, and its other calls from 0.03 s to 40 s).
    assert limiter.stats.throttled == 0
    assert limiter.rate == 100


async def test_over_cap_429s_leave_the_shared_limiter_alone(server: ScriptedServer) -> None:
    over_cap = status_reply(429, {"Retry-After": "3600"})
    server.then(*[over_cap, json_reply({"id": 2, "name": "ok"})] * 20)
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url) as client:
        for _ in range(20):
            with pytest.raises(RateLimitError):
                await client.projects.get(account_id=1, project_id=2)
            await client.projects.get(account_id=1, project_id=2)
        assert client.rate_limiter is not None
        assert client.rate_limiter.rate == math.inf
        assert client.rate_limiter.stats.throttled == 0


async def test_a_malformed_location_or_link_is_a_typed_error(server: ScriptedServer) -> None:
    # urlsplit's ValueError ("Invalid IPv6 URL") escaped from the redirect error's redaction,
    # from a download link and from a cursor's next link.
    server.then(
        json_reply({}, 302, {"Location": "http://[::1/next?token=secret"}),
        json_reply({"next": "http://[::1", "results": [{"id": "1"}]}),
    )
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url) as client:
        with pytest.raises(RedirectError) as redirected:
            await client.projects.get(account_id=1, project_id=2)
        assert redirected.value.location == "http://[::1/next?<redacted>"
        with pytest.raises(RequestValidationError, match="not a valid URL"):
            await client.reports.download("http://[::1")
    async with GiosgClient(token="t", base_url=server.url) as api:
        with pytest.raises(APIResponseValidationError, match="not a valid URL") as listed:
            async for _ in api.experiments.list(organization_id="o"):
                pass
    assert listed.value.field == "$.next"


async def test_an_exhausted_quota_pauses_the_limiter_at_most_for_the_cap(
    server: ScriptedServer,
) -> None:
    time = FakeTime()
    limiter = AdaptiveRateLimiter(clock=time.clock, sleep=time.sleep)
    quota = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "99999"}
    server.then(json_reply({}, headers=quota))
    http = HttpSession(base_url=server.url, auth=None, rate_limiters={"api": limiter})
    await http.open()
    try:
        policy = RetryPolicy(max_retry_after=30)
        for _ in range(2):
            await http.send(
                "GET",
                server.url,
                retry_safe=True,
                timeout=Timeout(),
                retry=policy,
                rate_group="api",
            )
    finally:
        await http.close()
    assert time.slept == [pytest.approx(30)]


# -- 4. signed after the limiter -------------------------------------------------------------


async def test_a_request_held_by_the_limiter_past_expires_in_is_still_valid(
    server: ScriptedServer,
) -> None:
    time = FakeTime()
    limiter = AdaptiveRateLimiter(max_pause=120, clock=time.clock, sleep=time.sleep)
    limiter.pause(120)  # twice the signature's life
    auth = HmacAuth("app", "secret", expires_in=60, clock=time.clock)

    def check_expires(request: web.Request) -> web.Response:
        if int(request.headers["Expires"]) < time.now:
            return web.json_response({"message": "expired"}, status=401)
        return web.json_response({"ok": True})

    server.then(check_expires)
    http = HttpSession(base_url=server.url, auth=auth, rate_limiters={"api": limiter})
    await http.open()
    try:
        response = await http.send(
            "GET",
            server.url,
            retry_safe=True,
            timeout=Timeout(),
            retry=RetryPolicy(max_retries=0),
            rate_group="api",
        )
    finally:
        await http.close()
    assert response.status == 200
    assert time.slept == [pytest.approx(120)]


# -- 5. pager guards -------------------------------------------------------------------------


def cursor_page(server: ScriptedServer, ids: list[str], cursor: str | None) -> Any:
    next_url = None if cursor is None else f"{server.url}/orgs/o/experiments?cursor={cursor}"
    return json_reply({"next": next_url, "results": [{"id": i} for i in ids]})


async def test_a_repeated_cursor_raises(server: ScriptedServer) -> None:
    server.then(
        cursor_page(server, ["1"], "a"),
        cursor_page(server, ["2"], "b"),
        cursor_page(server, ["3"], "a"),  # back to a page already fetched
        cursor_page(server, ["2"], "b"),
    )
    seen = []
    async with GiosgClient(token="t", base_url=server.url) as api:
        with pytest.raises(APIResponseValidationError, match="repeats a page") as info:
            async for experiment in api.experiments.list(organization_id="o"):
                seen.append(experiment.id)
    assert info.value.field == "$.next"
    assert seen == ["1", "2", "3"]
    assert len(server.seen) == 3


async def test_a_cursor_that_differs_only_in_its_fragment_is_a_repeat(
    server: ScriptedServer,
) -> None:
    """The fragment never reaches the server: ``?cursor=a#2`` asks for the page ``?cursor=a``
    gave (followed, it served the same page until ``max_pages``)."""
    server.then(
        cursor_page(server, ["1"], "a"),
        json_reply(
            {"next": f"{server.url}/orgs/o/experiments?cursor=a#2", "results": [{"id": "2"}]}
        ),
        cursor_page(server, ["3"], "a"),
    )
    seen = []
    async with GiosgClient(token="t", base_url=server.url) as api:
        with pytest.raises(APIResponseValidationError, match="repeats a page"):
            async for experiment in api.experiments.list(organization_id="o"):
                seen.append(experiment.id)
    assert seen == ["1", "2"]
    assert len(server.seen) == 2


async def test_a_list_without_page_count_stops_at_max_pages(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.default = cursor_page(server, ["x"], "forever")
    server.then(*(cursor_page(server, ["x"], f"c{n}") for n in range(10)))
    async with GiosgClient(token="t", base_url=server.url) as api:
        capped = api.with_options(max_pages=5)
        items = [e async for e in capped.experiments.list(organization_id="o")]
    assert len(items) == 5
    assert len(server.seen) == 5
    assert "stopped a list after 5 pages" in caplog.text


async def test_cursor_follow_ups_keep_the_auth_and_rate_group(server: ScriptedServer) -> None:
    server.then(cursor_page(server, ["1"], "a"), cursor_page(server, ["2"], None))
    limiter = AdaptiveRateLimiter()
    async with GiosgClient(token="tok", base_url=server.url) as api:
        api._http.rate_limiters = {"giosg": limiter}
        op = replace(OPERATIONS["list_experiments"], rate_group="giosg")
        pager = BaseClient._paginate_cursor(api, op, Experiment, {"organization_id": "o"})
        assert [e.id async for e in pager] == ["1", "2"]
    assert [s.headers.get("Authorization") for s in server.seen] == ["Token tok"] * 2
    assert limiter.stats.acquired == 2


# -- 6. exception chains: the cause kept, no credential --------------------------------------

CANARIES = ("CANARYHMAC", "CANARYKEYSECRET", "CANARYPIRSCH", "CANARYGIOSG", "pa_CANARYKEY")


def make_clients(url: str) -> Iterator[BaseClient]:
    policy = RetryPolicy(max_retries=1, sleep=RecordingSleep())
    hurried = Timeout(total=0.5, connect=0.5, read=0.5)
    yield ConvertClient(HmacAuth("app", "CANARYHMAC"), base_url=url, retry=policy, timeout=hurried)
    yield ConvertClient(
        SecretKeyAuth("kid", "CANARYKEYSECRET"), base_url=url, retry=policy, timeout=hurried
    )
    yield PirschClient("cid", "CANARYPIRSCH", base_url=url, retry=policy, timeout=hurried)
    yield PirschClient(access_key="pa_CANARYKEY", base_url=url, retry=policy, timeout=hurried)
    yield GiosgClient(token="CANARYGIOSG", base_url=url, retry=policy, timeout=hurried)


def everything_said(error: BaseException) -> str:
    """Every text an exception chain can show: str, repr, args and attributes, of each link."""
    said: list[str] = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        link = pending.pop()
        if id(link) in seen:
            continue
        seen.add(id(link))
        said += [str(link), repr(link), repr(link.args)]
        said += [repr(value) for value in getattr(link, "__dict__", {}).values()]
        said += [repr(getattr(link, name, None)) for name in ("request_info", "history")]
        pending += [e for e in (link.__cause__, link.__context__) if e is not None]
    return "\n".join(said)


async def raw_server(
    handle: Callable[[asyncio.StreamReader], Awaitable[bytes]],
) -> AsyncIterator[str]:
    """A server below HTTP: ``handle`` reads a request and returns the bytes to answer."""
    tasks: set[asyncio.Task[None]] = set()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        tasks.add(task)
        try:
            writer.write(await handle(reader))
            await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        srv.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await srv.wait_closed()


async def _garbage(reader: asyncio.StreamReader) -> bytes:
    await reader.readuntil(b"\r\n\r\n")
    return b"NOT HTTP AT ALL\r\n\r\n"


async def _silent(reader: asyncio.StreamReader) -> bytes:
    await reader.read(-1)  # reads until the client gives up; never answers
    return b""


@pytest.fixture
async def garbage() -> AsyncIterator[str]:
    async for host in raw_server(_garbage):
        yield host


@pytest.fixture
async def silent() -> AsyncIterator[str]:
    async for host in raw_server(_silent):
        yield host


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


async def failures(url: str) -> list[BaseException]:
    caught: list[BaseException] = []
    for client in make_clients(url):
        async with client:
            # An access key may only send hits.
            write_only = isinstance(client, PirschClient) and client.write_only
            try:
                await client.request(
                    "POST" if write_only else "GET", "/hit" if write_only else "/x"
                )
            except Exception as error:
                caught.append(error)
    return caught


def assert_no_canary(errors: list[BaseException], caplog: pytest.LogCaptureFixture) -> None:
    assert len(errors) == 5
    for error in errors:
        text = everything_said(error)
        assert not [c for c in CANARIES if c in text], text
    logged = caplog.text + "".join(
        "".join(traceback.format_exception(*r.exc_info)) for r in caplog.records if r.exc_info
    )
    assert not [c for c in CANARIES if c in logged]


async def test_a_malformed_reply_keeps_its_cause_without_credentials(
    garbage: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = await failures(f"http://{garbage}")
    assert_no_canary(errors, caplog)
    for error in errors:
        assert isinstance(error, APIConnectionError)
        assert "Invalid reply" in str(error)
        assert error.__cause__ is not None  # what aiohttp saw is still there


async def test_a_refused_connection_keeps_its_cause_without_credentials(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = await failures(f"http://{closed_port()}")
    assert_no_canary(errors, caplog)
    for error in errors:
        assert isinstance(error, APIConnectionError)
        assert isinstance(error.__cause__, OSError)


async def test_a_tls_failure_says_which_host_and_why(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    host = server.url.removeprefix("http://").split("/")[0]
    errors = await failures(f"https://{host}")  # a plain-HTTP server: the handshake fails
    assert_no_canary(errors, caplog)
    for error in errors:
        assert isinstance(error, APIConnectionError)
        assert f"TLS error with {host}" in str(error)
        assert error.__cause__ is not None
    assert server.seen == []


async def test_a_timeout_keeps_no_credentials(
    silent: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = await failures(f"http://{silent}")
    assert_no_canary(errors, caplog)
    assert all(isinstance(error, APITimeoutError) for error in errors)


async def test_status_and_decode_errors_keep_no_credentials(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.default = status_reply(403)
    errors = await failures(server.url)
    server.default = lambda request: web.Response(body=b"{not json", content_type="text/plain")
    errors += await failures(server.url)
    assert_no_canary(errors[:5], caplog)
    assert_no_canary(errors[5:], caplog)


@pytest.mark.anyio
async def test_a_request_in_flight_when_its_client_closes_fails_with_a_typed_error() -> None:
    # The dropped GET was retried on the closed session: aiohttp's raw RuntimeError escaped.
    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        with contextlib.suppress(ConnectionError):
            await reader.read()  # until the client hangs up
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        client = ConvertClient(HmacAuth("app", "secret-value"), base_url=url)
        await client.open()
        call = asyncio.create_task(client.request("GET", "/accounts"))
        await asyncio.sleep(0.1)
        await client.aclose()
        with pytest.raises(ClientStateError, match=r"closed before GET .* could be sent"):
            await call
    finally:
        server.close()
        await server.wait_closed()
