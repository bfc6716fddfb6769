"""Pagination: every item once and in order, concurrent page fetching, clean early exit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web

from convert_async import (
    AdaptiveRateLimiter,
    APIResponseValidationError,
    AsyncPager,
    ConvertClient,
    HmacAuth,
    Page,
    RequestValidationError,
    SecretKeyAuth,
)
from convert_async._core.codec import Pagination
from convert_async.testing import FakeConvert
from tests.conftest import ScriptedServer

ACCOUNT, PROJECT = 1001, 5001
TOTAL = 10_000


@dataclass
class BigProject:
    fake: FakeConvert
    client: ConvertClient
    project_id: int
    expected: list[int]  # experience ids in the API's default order (id, descending)


@pytest.fixture
async def big() -> AsyncIterator[BigProject]:
    async with FakeConvert() as fake:
        project = fake.store.add("projects", {"name": "Bulk"}, account_id=ACCOUNT)
        fake.store.add_experiences(ACCOUNT, project["id"], TOTAL)
        stored = fake.store.items("experiences", account_id=ACCOUNT, project_id=project["id"])
        expected = sorted((e["id"] for e in stored), reverse=True)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            yield BigProject(fake, client.with_options(page_concurrency=8), project["id"], expected)


def page_fetches() -> list[asyncio.Task[object]]:
    """Tasks still running a page fetch (the pager's own tasks; servers have others)."""
    return [
        task
        for task in asyncio.all_tasks()
        if "fetch" in getattr(task.get_coro(), "__qualname__", "")
    ]


def page_numbers(fake: FakeConvert) -> list[int]:
    return [
        json.loads(r.body)["page"]
        for r in fake.requests_for("getExperiencesList")
        if r.body and "page" in json.loads(r.body)
    ]


@pytest.mark.anyio
async def test_ten_thousand_items_over_two_hundred_pages_in_order(big: BigProject) -> None:
    fake, client, project_id, expected = big.fake, big.client, big.project_id, big.expected
    ids = [
        exp.id async for exp in client.experiences.list(account_id=ACCOUNT, project_id=project_id)
    ]
    assert len(expected) == TOTAL
    assert ids == expected  # in order, no duplicates, no gaps
    assert sorted(page_numbers(fake)) == list(range(1, 201))  # each page fetched exactly once
    sent = fake.requests_for("getExperiencesList")
    sizes = {json.loads(r.body)["results_per_page"] for r in sent}
    assert sizes == {50}


@pytest.mark.anyio
async def test_awaiting_the_pager_fetches_only_the_first_page(big: BigProject) -> None:
    fake, client, project_id, expected = big.fake, big.client, big.project_id, big.expected
    page = await client.experiences.list(account_id=ACCOUNT, project_id=project_id)
    assert [e.id for e in page.items] == expected[:50]
    assert page.pagination.pages_count == 200
    assert page.pagination.items_count == TOTAL
    assert page.has_next_page()
    assert page_numbers(fake) == [1]


@pytest.mark.anyio
async def test_pages_come_in_order(big: BigProject) -> None:
    pager = big.client.experiences.list(account_id=ACCOUNT, project_id=big.project_id, page_size=25)
    numbers = [page.pagination.current_page async for page in pager.pages()]
    assert numbers == list(range(1, 401))


@pytest.mark.parametrize("page_size", [0, -1, 2.5, True])
@pytest.mark.anyio
async def test_a_page_size_no_list_can_be_walked_with_is_refused_before_sending(
    big: BigProject, page_size: object
) -> None:
    # The spec allows results_per_page 0, and a server answered it with no items and
    # pages_count 0: the pager yielded nothing, silently.
    with pytest.raises(RequestValidationError, match="page_size") as caught:
        big.client.experiences.list(
            account_id=ACCOUNT,
            project_id=big.project_id,
            page_size=page_size,  # type: ignore[arg-type]
        )
    assert caught.value.field == "page_size"
    assert big.fake.requests_for("getExperiencesList") == []


@pytest.mark.anyio
async def test_count_asks_for_only_count(big: BigProject) -> None:
    fake, client, project_id = big.fake, big.client, big.project_id
    total = await client.experiences.list(
        account_id=ACCOUNT, project_id=project_id, status=["active", "paused"]
    ).count()
    sent = json.loads(fake.requests_for("getExperiencesList")[-1].body)
    assert sent == {"status": ["active", "paused"], "onlyCount": True}
    matching = [
        e
        for e in fake.store.items("experiences", account_id=ACCOUNT, project_id=project_id)
        if e["status"] in ("active", "paused")
    ]
    assert total == len(matching) > 0


@pytest.mark.anyio
async def test_breaking_out_early_leaves_nothing_pending(big: BigProject) -> None:
    fake, client, project_id, expected = big.fake, big.client, big.project_id, big.expected
    fake.faults.latency = 0.05  # keep later pages in flight when the consumer leaves
    seen = []
    async for exp in client.experiences.list(account_id=ACCOUNT, project_id=project_id):
        seen.append(exp.id)
        if len(seen) == 5:
            break
    assert seen == expected[:5]
    for _ in range(5):  # let the abandoned iterator's finaliser run
        await asyncio.sleep(0)
    assert page_fetches() == []
    assert len(page_numbers(fake)) <= 1 + 8  # first page + at most one window
    await asyncio.sleep(0.1)
    assert len(page_numbers(fake)) <= 1 + 8  # and nothing more was requested afterwards


async def assert_nothing_running(stats: dict[str, int]) -> None:
    """No fetch of ``make_pages`` is running, nor any page task left once the loop turns."""
    assert stats["running"] == 0
    await asyncio.sleep(0)
    assert page_fetches() == []


def make_pages(
    total_pages: int, per_page: int = 3
) -> tuple[list[int], AsyncPager[int], dict[str, int]]:
    """A pager over a fake fetch function, recording how many fetches run at once."""
    stats = {"running": 0, "peak": 0}

    async def fetch(number: int) -> Page[int]:
        stats["running"] += 1
        stats["peak"] = max(stats["peak"], stats["running"])
        try:
            await asyncio.sleep(0.001 * (total_pages - number))  # later pages answer sooner
        finally:  # finished or cancelled: either way no longer running
            stats["running"] -= 1
        if number == stats.get("fail_on"):
            raise RuntimeError(f"page {number} failed")
        items = list(range((number - 1) * per_page, number * per_page))
        info = Pagination(current_page=number, pages_count=total_pages, items_per_page=per_page)
        return Page(items, info)

    return list(range(total_pages * per_page)), AsyncPager(fetch, concurrency=4), stats


@pytest.mark.anyio
async def test_fan_out_is_bounded_and_keeps_order() -> None:
    expected, pager, stats = make_pages(30)
    assert [item async for item in pager] == expected
    assert stats["peak"] == 4


@pytest.mark.anyio
async def test_a_failed_page_raises_and_cancels_the_rest() -> None:
    _, pager, stats = make_pages(30)
    stats["fail_on"] = 7
    seen = []
    with pytest.raises(RuntimeError, match="page 7 failed"):
        async for item in pager:
            seen.append(item)
    assert seen == list(range(18))  # pages 1-6 delivered before the failure
    await assert_nothing_running(stats)


@pytest.mark.anyio
async def test_an_unordered_failed_page_raises_and_cancels_the_rest() -> None:
    _, pager, stats = make_pages(30)
    stats["fail_on"] = 20
    seen = []
    with pytest.raises(RuntimeError, match="page 20 failed"):
        async for page in pager.pages(ordered=False):
            seen.extend(page.items)
    assert len(seen) < 30 * 3
    await assert_nothing_running(stats)


@pytest.mark.anyio
async def test_leaving_an_unordered_loop_early_cancels_what_is_in_flight() -> None:
    _, pager, stats = make_pages(30)
    async with contextlib.aclosing(pager.pages(ordered=False)) as pages:
        async for page in pages:
            if page.pagination.current_page != 1:
                break
    await assert_nothing_running(stats)


@pytest.mark.anyio
async def test_a_page_count_over_max_pages_is_followed_only_that_far(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A server claiming pages_count=10**9 was fetched for 11,146 requests in 5 s despite
    # max_pages=20.
    calls: list[int] = []

    async def fetch(number: int) -> Page[int]:
        calls.append(number)
        return Page([number], Pagination(current_page=number, pages_count=10**9, items_per_page=1))

    assert [i async for i in AsyncPager(fetch, concurrency=4, max_pages=20)] == list(range(1, 21))
    assert sorted(calls) == list(range(1, 21))
    assert "following 20 of them (max_pages)" in caplog.text


@pytest.mark.anyio
async def test_pages_are_numbered_from_the_one_asked_for_not_the_one_the_reply_names() -> None:
    # The first reply said current_page=2: only page 3 was fetched next, page 2's items were
    # lost (an export reported every experience done).
    calls: list[int] = []

    async def fetch(number: int) -> Page[int]:
        calls.append(number)
        named = 2 if number == 1 else number
        return Page([number], Pagination(current_page=named, pages_count=3, items_per_page=1))

    assert [i async for i in AsyncPager(fetch, concurrency=2)] == [1, 2, 3]
    assert sorted(calls) == [1, 2, 3]


@pytest.mark.anyio
@pytest.mark.parametrize("ordered", [True, False])
async def test_a_list_that_grows_while_it_is_read_is_read_to_its_new_end(ordered: bool) -> None:
    # Page 1 said 2 pages, page 2 said 3: page 3 was never fetched.
    async def fetch(number: int) -> Page[int]:
        count = 2 if number == 1 else 3
        return Page([number], Pagination(current_page=number, pages_count=count, items_per_page=1))

    pages = AsyncPager(fetch, concurrency=4).pages(ordered=ordered)
    assert sorted([item async for page in pages for item in page.items]) == [1, 2, 3]


@pytest.mark.anyio
async def test_lists_without_page_count_stop_on_a_short_page() -> None:
    calls = []

    async def fetch(number: int) -> Page[int]:
        calls.append(number)
        items = [number] * (10 if number < 3 else 4)
        return Page(items, Pagination(current_page=number, items_per_page=10))

    assert len([i async for i in AsyncPager(fetch)]) == 24
    assert calls == [1, 2, 3]


@pytest.mark.anyio
async def test_a_slow_page_does_not_hold_the_other_slots() -> None:
    started: list[int] = []
    started_before_page_2_finished: list[int] = []

    async def fetch(number: int) -> Page[int]:
        started.append(number)
        await asyncio.sleep(0.2 if number == 2 else 0.001)
        if number == 2:
            started_before_page_2_finished.extend(started)
        info = Pagination(current_page=number, pages_count=20, items_per_page=1)
        return Page([number], info)

    assert [i async for i in AsyncPager(fetch, concurrency=4)] == list(range(1, 21))
    # Slots freed by fast pages were reused at once, up to 2 x concurrency pages ahead.
    assert max(started_before_page_2_finished) == 2 + 2 * 4 - 1


@pytest.mark.anyio
async def test_unordered_pages_come_as_they_arrive_and_a_slow_one_holds_back_none() -> None:
    async def fetch(number: int) -> Page[int]:
        await asyncio.sleep(0.3 if number == 2 else 0.001 * number)
        return Page([number], Pagination(current_page=number, pages_count=12, items_per_page=1))

    pager = AsyncPager(fetch, concurrency=4)
    arrived = [page.items[0] async for page in pager.pages(ordered=False)]
    # The first page first (it says how many there are); page 2, still waiting, comes last,
    # while the free slots went on with pages 6-12.
    assert arrived[0] == 1
    assert arrived[-1] == 2
    assert sorted(arrived) == list(range(1, 13))
    assert [page.items[0] async for page in pager.pages()] == list(range(1, 13))


@pytest.mark.anyio
async def test_pages_are_decoded_after_the_next_requests_leave() -> None:
    events: list[str] = []

    async def fetch(number: int) -> Callable[[], Page[int]]:
        events.append(f"send {number}")
        await asyncio.sleep(0.01)

        def load() -> Page[int]:
            events.append(f"decode {number}")
            return Page([number], Pagination(current_page=number, pages_count=4))

        return load

    assert [i async for i in AsyncPager(fetch, concurrency=1)] == [1, 2, 3, 4]
    assert events.index("send 3") < events.index("decode 2")


class CountingFake(FakeConvert):
    """FakeConvert that records how many requests were in flight as each one arrived, and
    answers the ``throttle_at``-th request with a 429."""

    def __init__(self, throttle_at: int) -> None:
        super().__init__()
        self.throttle_at = throttle_at
        self.in_flight = 0
        self.arrivals: list[int] = []  # in-flight count (this one included) per arrival
        self.throttled_index: int | None = None

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        self.in_flight += 1
        self.arrivals.append(self.in_flight)
        if len(self.arrivals) == self.throttle_at:
            self.throttled_index = len(self.arrivals) - 1
            self.faults.fail_next(1, status=429, retry_after="0")
        try:
            return await super()._handle(request)
        finally:
            self.in_flight -= 1


async def list_all(fake: CountingFake, pages: int, limiter: AdaptiveRateLimiter) -> list[int]:
    """List ``pages`` pages of 50 experiences from ``fake`` (20 ms each), 16 pages at a time,
    through ``limiter``; return the ids."""
    project = fake.store.add("projects", {"name": "Paged"}, account_id=ACCOUNT)
    fake.store.add_experiences(ACCOUNT, project["id"], pages * 50)
    fake.faults.latency = 0.02
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(
        auth, base_url=fake.url, page_concurrency=16, rate_limiter=limiter
    ) as client:
        pager = client.experiences.list(account_id=ACCOUNT, project_id=project["id"])
        return [e.id async for e in pager if e.id is not None]


@pytest.mark.anyio
async def test_page_fan_out_opens_few_pages_at_a_time_until_they_are_accepted() -> None:
    # A limiter with an opening window knows no quota yet: a server's unknown quota refuses
    # every request in flight when it runs out, so the pages go 4 at a time at first, one
    # more for every 20 accepted, not all 16 at once. (Its clock stands still: the window's
    # growth with time, which depends on how fast this machine is, is left out.)
    limiter = AdaptiveRateLimiter(opening_window=4, clock=lambda: 0.0)
    async with CountingFake(throttle_at=0) as fake:
        ids = await list_all(fake, 60, limiter)
    assert len(ids) == 60 * 50
    assert len(fake.arrivals) == 60
    assert max(fake.arrivals[:20]) == 4
    assert 4 < max(fake.arrivals) <= 4 + 59 // 20


@pytest.mark.anyio
async def test_page_fan_out_sends_fewer_pages_at_once_after_a_429() -> None:
    limiter = AdaptiveRateLimiter()
    async with CountingFake(throttle_at=40) as fake:
        ids = await list_all(fake, 100, limiter)
    assert len(ids) == 100 * 50  # every page, the throttled one retried
    assert limiter.stats.throttled == 1
    k = fake.throttled_index
    assert k is not None
    before, after = fake.arrivals[:k], fake.arrivals[k + 16 :]
    assert max(before) == 16  # the full window before the 429 ...
    # ... then, once the pages sent before the client saw it are answered, half of it,
    # growing back by one page per window of clean pages (8 + 1 after the first 8 clean
    # pages; the stall while the throttled page is retried can come later, and the burst
    # after it is sent at the width grown by then) ...
    # (one more when the first clean window's replies all come in within those 16: 8 + 2)
    assert max(after[:16]) <= 8 + 2
    # ... never back to the full window within the remaining 44 pages (8 + 44 / 8 < 16).
    assert max(after) < 16


@pytest.mark.anyio
async def test_a_429_halves_the_pages_in_flight_and_clean_pages_grow_them_back() -> None:
    """The pager alone (no HTTP, an unlimited limiter that only counts the 429): its window of
    pages in flight halves at the 429 and grows back one page per window of clean pages."""
    limiter = AdaptiveRateLimiter()
    running = 0
    waves: list[list[int]] = []  # pages sent together (all take as long: they end together)
    throttle_page = 30

    async def fetch(number: int) -> Page[int]:
        nonlocal running
        running += 1
        if running == 1:
            waves.append([])
        waves[-1].append(number)
        try:
            await asyncio.sleep(0.005)
            if number == throttle_page:
                limiter.on_throttled(retry_after=0)  # its retry succeeded, as the session does
            return Page([number], Pagination(current_page=number, pages_count=200))
        finally:
            running -= 1

    pages = [i async for i in AsyncPager(fetch, concurrency=8, limiter=limiter)]
    assert pages == list(range(1, 201))
    assert limiter.rate == math.inf  # one scattered 429 does not slow the limiter itself
    throttled_wave = next(i for i, wave in enumerate(waves) if throttle_page in wave)
    sizes = [len(wave) for wave in waves]
    assert sizes[throttled_wave] == 8
    # Halved to 4, plus one for the window of clean pages that ended with the throttled one.
    assert sizes[throttled_wave + 1] == 5
    assert sizes[throttled_wave + 2 : throttled_wave + 5] == [6, 7, 8]


# -- lists paged by item key (CDN images: start_from / max_results) ---------------------------


def add_images(fake: FakeConvert, count: int) -> tuple[int, list[str]]:
    """A project with ``count`` images: its id, and their keys in the API's (key) order."""
    project = fake.store.add("projects", {"name": "Images"}, account_id=ACCOUNT)["id"]
    keys = [f"{project}/images/{n:04d}-shot.png" for n in range(count)]
    for key in reversed(keys):  # stored out of order: the fake sorts by key, as Convert does
        fields = {"key": key, "cdn_url": f"https://cdn.convert.example/{key}"}
        fake.store.add("images", fields, account_id=ACCOUNT, project_id=project)
    return project, keys


@pytest.mark.anyio
@pytest.mark.parametrize(("count", "requests"), [(123, 3), (100, 3), (7, 1), (0, 1)])
async def test_a_key_paged_list_yields_every_item_once_page_after_page(
    count: int, requests: int
) -> None:
    async with FakeConvert() as fake:
        project, keys = add_images(fake, count)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            listed = client.images.list(account_id=ACCOUNT, project_id=project, page_size=50)
            assert [image.key async for image in listed] == keys
        bodies = [json.loads(r.body) for r in fake.requests_for("getCdnImagesList")]
    # Each page starts after the last key of the one before; a short page is the last.
    starts = [keys[50 * n - 1] for n in range(1, requests)]
    assert bodies == [{"max_results": 50}] + [{"start_from": k, "max_results": 50} for k in starts]


@pytest.mark.anyio
async def test_a_key_paged_list_starts_after_the_callers_key() -> None:
    async with FakeConvert() as fake:
        project, keys = add_images(fake, 30)
        scope: dict[str, Any] = {"account_id": ACCOUNT, "project_id": project}
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            listed = client.images.list(**scope, start_from=keys[9], page_size=8)
            assert [image.key async for image in listed] == keys[10:]
            first = await client.images.list(**scope, page_size=8)
            assert [image.key for image in first.items] == keys[:8]
            with pytest.raises(RequestValidationError, match="max_results"):
                client.images.list(**scope, page_size=101)
            with pytest.raises(RequestValidationError, match="page_size"):
                client.images.list(**scope, page_size=0)
        bodies = [json.loads(r.body) for r in fake.requests_for("getCdnImagesList")]
    assert bodies[0] == {"start_from": keys[9], "max_results": 8}
    assert bodies[1] == {"start_from": keys[17], "max_results": 8}
    assert len(bodies) == 3 + 1  # 20 images after the key: 8 + 8 + 4; then the first page


def image_reply(keys: list[str]) -> web.Response:
    data = [{"key": k, "cdn_url": f"https://cdn.example/{k}"} for k in keys]
    return web.json_response({"data": data})


@pytest.mark.anyio
async def test_a_server_that_starts_a_page_at_the_key_yields_nothing_twice(
    server: ScriptedServer,
) -> None:
    keys = [f"k{n:02d}" for n in range(10)]

    def inclusive(request: web.Request) -> Any:
        async def reply() -> web.Response:
            body = json.loads(await request.read() or b"{}")
            after = [k for k in keys if k >= body.get("start_from", "")]
            return image_reply(after[: body["max_results"]])

        return reply()

    server.default = inclusive
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url) as client:
        listed = client.images.list(account_id=ACCOUNT, project_id=PROJECT, page_size=4)
        assert [image.key async for image in listed] == keys


@pytest.mark.anyio
async def test_a_server_that_ignores_the_key_stops_the_list_with_an_error(
    server: ScriptedServer,
) -> None:
    server.default = lambda request: image_reply(["a", "b", "c"])
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=server.url) as client:
        listed = client.images.list(account_id=ACCOUNT, project_id=PROJECT, page_size=3)
        seen = []
        with pytest.raises(APIResponseValidationError, match="does not move on"):
            async for image in listed:
                seen.append(image.key)
    assert seen == ["a", "b", "c"]  # the first page; the same one again is refused
    assert len(server.seen) == 2
