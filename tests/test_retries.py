"""Which failures are retried, for reads and for writes, and how long the SDK waits.

The sleep is injected: delays are recorded, never waited for.
"""

from __future__ import annotations

import asyncio
import email.utils
import socket
import time
from dataclasses import replace

import pytest
from aiohttp import web

from convert_async import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    ConvertClient,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
    SecretKeyAuth,
)
from convert_async._core.retry import parse_retry_after
from tests.conftest import ScriptedServer, drop_connection, json_reply, status_reply


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_client(server_url: str, sleep: RecordingSleep, **options: object) -> ConvertClient:
    policy = RetryPolicy(max_retries=3, initial_delay=0.5, max_delay=8, sleep=sleep)
    return ConvertClient(SecretKeyAuth("k", "s"), base_url=server_url, retry=policy, **options)  # type: ignore[arg-type]


async def read(client: ConvertClient) -> object:
    return await client.projects.get(account_id=1, project_id=2)


async def write(client: ConvertClient) -> object:
    return await client.request("POST", "/accounts/1/projects/add", json={"name": "x"})


async def list_read(client: ConvertClient) -> object:
    return await client.experiences.list(account_id=1, project_id=2)


OK_PROJECT = json_reply({"id": 2, "name": "ok"})
OK_PAGE = json_reply({"data": [], "extra": {"pagination": {"current_page": 1, "pages_count": 0}}})


@pytest.mark.anyio
@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
async def test_reads_retry_transient_statuses(server: ScriptedServer, status: int) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(status), status_reply(status), OK_PROJECT)
    async with make_client(server.url, sleep) as client:
        project = await read(client)
    assert project.name == "ok"  # type: ignore[attr-defined]  # decoded the third answer
    assert len(server.seen) == 3
    assert len(sleep.delays) == 2
    assert all(0 <= d <= 8 for d in sleep.delays)


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_client_errors_are_never_retried(server: ScriptedServer, status: int) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(status))
    async with make_client(server.url, sleep) as client:
        with pytest.raises(APIStatusError) as caught:
            await read(client)
    assert caught.value.status == status
    assert caught.value.code == status
    assert len(server.seen) == 1
    assert sleep.delays == []


@pytest.mark.anyio
async def test_paginated_list_posts_are_retried_like_reads(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(503), OK_PAGE)
    async with make_client(server.url, sleep) as client:
        page = await list_read(client)
    assert page.items == []  # type: ignore[attr-defined]
    assert [s.method for s in server.seen] == ["POST", "POST"]


@pytest.mark.anyio
@pytest.mark.parametrize("status", [429, 500, 503])
async def test_writes_are_not_retried_after_reaching_the_server(
    server: ScriptedServer, status: int
) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(status), json_reply({"id": 1}))
    async with make_client(server.url, sleep) as client:
        with pytest.raises(APIStatusError):
            await write(client)
    assert len(server.seen) == 1
    assert sleep.delays == []


@pytest.mark.anyio
async def test_writes_retry_when_the_caller_opts_in(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(503), json_reply({"id": 1}))
    async with make_client(server.url, sleep, retry_writes=True) as client:
        assert await write(client) == {"id": 1}
    assert len(server.seen) == 2


@pytest.mark.anyio
async def test_dropped_connection_retries_a_read_but_not_a_write(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(drop_connection, OK_PROJECT)
    async with make_client(server.url, sleep) as client:
        assert (await read(client)).name == "ok"  # type: ignore[attr-defined]
        server.then(drop_connection, json_reply({"id": 1}))
        with pytest.raises(APIConnectionError):
            await write(client)
    assert len(server.seen) == 3


@pytest.mark.anyio
async def test_refused_connection_is_retried_even_for_writes() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleep = RecordingSleep()
    async with make_client(f"http://127.0.0.1:{port}/api/v2", sleep) as client:
        with pytest.raises(APIConnectionError, match="Cannot connect"):
            await write(client)
    assert len(sleep.delays) == 3  # never reached a server, so repeating was safe


@pytest.mark.anyio
async def test_retry_after_seconds_is_honored(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(429, {"Retry-After": "7"}), OK_PROJECT)
    async with make_client(server.url, sleep) as client:
        await read(client)
    assert sleep.delays == [7.0]


@pytest.mark.anyio
async def test_retry_after_http_date_is_honored(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    server.then(status_reply(503, {"Retry-After": when}), OK_PROJECT)
    async with make_client(server.url, sleep) as client:
        await read(client)
    assert len(sleep.delays) == 1
    assert 17 <= sleep.delays[0] <= 20


@pytest.mark.anyio
async def test_retry_after_beyond_the_cap_is_raised_not_waited(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(status_reply(429, {"Retry-After": "3600"}))
    async with make_client(server.url, sleep) as client:
        with pytest.raises(RateLimitError) as caught:
            await read(client)
    assert caught.value.retry_after == 3600
    assert sleep.delays == []


@pytest.mark.anyio
async def test_gives_up_after_max_retries_with_the_last_error(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.default = status_reply(500)
    async with make_client(server.url, sleep) as client:
        with pytest.raises(InternalServerError, match=r"gave up after 3 retries \(max_retries\)"):
            await read(client)
        assert len(server.seen) == 4  # 1 attempt + 3 retries
        with pytest.raises(InternalServerError) as caught:
            await read(client.with_options(max_retries=0))
    assert "gave up" not in str(caught.value)  # nothing was tried again: nothing to say
    assert len(server.seen) == 5


@pytest.mark.anyio
async def test_a_throttle_budget_of_its_own_outlasts_max_retries(server: ScriptedServer) -> None:
    sleep = RecordingSleep()
    server.then(*[status_reply(429, {"Retry-After": "1"})] * 6, status_reply(500), OK_PROJECT)
    policy = RetryPolicy(max_retries=1, max_throttles=6, sleep=sleep)
    async with make_client(server.url, sleep) as client:
        # Six 429s do not use up the one ordinary retry: the 500 after them still has it.
        assert await read(client.with_options(retry=policy)) is not None
        assert len(server.seen) == 8
        server.then(*[status_reply(429, {"Retry-After": "1"})] * 3, OK_PROJECT)
        with pytest.raises(RateLimitError, match=r"gave up after 2 retries \(max_throttles\)"):
            await read(client.with_options(retry=replace(policy, max_retries=5, max_throttles=2)))
    assert len(server.seen) == 11  # 1 attempt + 2 retries after 429s, then given up


def test_a_negative_throttle_budget_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="max_throttles"):
        ConvertClient(SecretKeyAuth("k", "s"), retry=RetryPolicy(max_throttles=-1))


def test_backoff_grows_exponentially_and_is_capped() -> None:
    policy = RetryPolicy(max_retries=8, initial_delay=0.5, max_delay=4)
    ceilings = [0.5, 1, 2, 4, 4, 4, 4, 4]
    for _ in range(50):
        delays = list(policy.delays())
        assert len(delays) == 8
        assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))


@pytest.mark.anyio
async def test_cancellation_during_backoff_propagates_at_once(server: ScriptedServer) -> None:
    entered = asyncio.Event()

    async def blocking_sleep(seconds: float) -> None:
        entered.set()
        await asyncio.Event().wait()  # only cancellation ends this

    server.default = status_reply(503)
    policy = RetryPolicy(max_retries=5, sleep=blocking_sleep)
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url, retry=policy) as client:
        task = asyncio.create_task(read(client))
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=1)
    assert len(server.seen) == 1  # no attempt after the cancelled sleep


@pytest.mark.anyio
async def test_a_refused_burst_goes_again_as_soon_as_the_server_takes_requests(
    server: ScriptedServer,
) -> None:
    """A token bucket (room for 5, refilled at 1,000 a second) refuses most of 30 reads sent
    at once, each with "Retry-After: 1". The client's limiter pauses everyone and probes the
    server a tenth of a second in; the probe is accepted, and the refused reads go again from
    then on, paced, instead of each waiting out its own second and leaving together."""
    room = {"tokens": 5.0, "at": time.monotonic()}
    accepted: list[float] = []
    refused: list[float] = []

    refusal = status_reply(429, {"Retry-After": "1"})

    def token_bucket(request: web.Request) -> object:
        now = time.monotonic()
        room["tokens"] = min(5.0, room["tokens"] + (now - room["at"]) * 1000)
        room["at"] = now
        if room["tokens"] < 1:
            refused.append(now)
            return refusal(request)
        room["tokens"] -= 1
        accepted.append(now)
        return OK_PROJECT(request)

    server.default = token_bucket
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url) as client:
        projects = await asyncio.gather(*(read(client) for _ in range(30)))
    assert len(projects) == 30
    assert len(refused) >= 10
    first_refused = refused[0]
    # Within the second the refusals asked for, most of the refused reads were accepted.
    early = [at for at in accepted if first_refused < at < first_refused + 0.9]
    assert len(early) >= len(refused) // 2


@pytest.mark.parametrize("value", ["1_0", "1_000"])
def test_a_retry_after_with_an_underscore_is_no_number_of_seconds(value: str) -> None:
    # float() reads "1_0" as 10: a garbage header is ignored, not a wait ten times as long.
    assert parse_retry_after(value) is None
