"""The event sender in isolation: a recording deliver function stands in for the transport."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from convert_async import APIConnectionError, APIStatusError, RetryPolicy
from convert_async._core.errors import (
    BadRequestError,
    ClientStateError,
    InternalServerError,
    RateLimitError,
)
from convert_async._core.events import Batch, EventSender


class Event(msgspec.Struct):
    n: int
    payload: str = ""


def status(
    cls: type[APIStatusError], code: int, retry_after: float | None = None
) -> APIStatusError:
    error = cls(
        status=code, method="POST", url="http://fake/track", headers=CIMultiDictProxy(CIMultiDict())
    )
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    return error


class Recorder:
    """Records delivered batches; ``failures`` decides, per call, what to raise instead."""

    def __init__(
        self,
        failures: Callable[[Sequence[Event], int], BaseException | None] | None = None,
        delay: float = 0.0,
    ) -> None:
        self.batches: list[list[int]] = []
        self.calls = 0
        self.running = 0
        self.peak = 0
        self.failures = failures
        self.delay = delay

    async def __call__(self, delivered: Batch[Event]) -> None:
        batch = delivered.events
        # The body is the batch's own encoding (the default: a JSON array), also after a split.
        assert delivered.body == msgspec.json.encode(batch)
        self.calls += 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            error = self.failures(batch, self.calls) if self.failures else None
            if error is not None:
                raise error
            self.batches.append([e.n for e in batch])
        finally:
            self.running -= 1

    @property
    def delivered(self) -> list[int]:
        return [n for batch in self.batches for n in batch]


def instant_retry(max_retries: int = 5, delays: list[float] | None = None) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        if delays is not None:
            delays.append(seconds)
        await asyncio.sleep(0)

    return RetryPolicy(max_retries=max_retries, sleep=sleep)


def sender(deliver: Recorder, **options: object) -> EventSender[Event]:
    options.setdefault("retry", instant_retry())
    return EventSender(deliver, event_type=Event, **options)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_full_batches_go_out_at_once_and_the_rest_on_flush() -> None:
    deliver = Recorder()
    events = sender(deliver, batch_size=10, flush_interval=60)
    await events.start()
    for n in range(95):
        assert events.offer(Event(n))
    await asyncio.sleep(0.05)
    assert [len(b) for b in deliver.batches] == [10] * 9  # no partial batch before the interval
    assert await events.flush(timeout=1)
    assert deliver.delivered == list(range(95))
    await events.aclose()
    assert events.stats.sent == 95


@pytest.mark.anyio
async def test_a_partial_batch_goes_out_after_the_interval() -> None:
    deliver = Recorder()
    async_events = sender(deliver, batch_size=100, flush_interval=0.05)
    await async_events.start()
    async_events.offer(Event(1))
    await asyncio.sleep(0.2)
    assert deliver.batches == [[1]]
    await async_events.aclose()


@pytest.mark.anyio
async def test_batches_respect_the_byte_limit() -> None:
    deliver = Recorder()
    events = sender(deliver, batch_size=100, max_batch_bytes=200)
    await events.start()
    for n in range(20):
        events.offer(Event(n, payload="x" * 40))  # about 60 bytes encoded
    await events.aclose()
    assert deliver.delivered == list(range(20))
    assert max(len(b) for b in deliver.batches) == 3


class Loose(msgspec.Struct):
    n: int
    payload: object = ""


@pytest.mark.anyio
async def test_an_event_that_cannot_be_encoded_fails_alone(tmp_path: Path) -> None:
    delivered: list[list[int]] = []

    async def deliver(batch: Batch[Loose]) -> None:
        delivered.append([e.n for e in batch.events])

    events = EventSender(deliver, event_type=Loose, batch_size=4, retry=instant_retry())
    await events.start()
    for n in range(8):
        events.offer(Loose(n, payload=object() if n == 2 else "ok"))
    assert await events.flush(timeout=5)  # the sender kept going
    await events.aclose()
    assert delivered == [[0, 1, 3], [4, 5, 6, 7]]
    assert (events.stats.sent, events.stats.failed) == (7, 1)

    spool = tmp_path / "events.spool"
    down = EventSender(
        refuse_all, event_type=Loose, spool_path=spool, flush_interval=60, retry=instant_retry(0)
    )
    await down.start()
    down.offer(Loose(10, payload=object()))
    down.offer(Loose(11))
    await down.aclose()  # undeliverable: the encodable one stays in the spool
    assert spooled_lines(spool) == [b'{"n":11,"payload":""}']
    assert (down.stats.spooled, down.stats.failed) == (1, 1)


async def refuse_all(batch: Batch[Loose]) -> None:
    raise APIConnectionError("POST", "http://fake/track")


def spooled_lines(spool: Path) -> list[bytes]:
    """Every line of every segment in the spool folder ``spool``, oldest segment first."""
    return [
        line
        for segment in sorted(spool.glob("seg-*.jsonl"))
        for line in segment.read_bytes().splitlines()
    ]


def spooled(spool: Path) -> list[int]:
    return [msgspec.json.decode(line, type=Event).n for line in spooled_lines(spool)]


def settled(events: EventSender[Event]) -> int:
    stats = events.stats
    return stats.sent + stats.failed + stats.spooled + stats.dropped


class Gate(Recorder):
    """A recorder whose deliveries wait until ``open()``."""

    def __init__(
        self, failures: Callable[[Sequence[Event], int], BaseException | None] | None = None
    ) -> None:
        super().__init__(failures)
        self.gate = asyncio.Event()

    def open(self) -> None:
        self.gate.set()

    async def __call__(self, delivered: Batch[Event]) -> None:
        self.running += 1
        try:
            await self.gate.wait()
        finally:
            self.running -= 1
        await super().__call__(delivered)


async def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait for a state another task reaches (checked at every loop turn)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)


@pytest.mark.anyio
async def test_at_most_max_in_flight_batches_at_once() -> None:
    deliver = Recorder(delay=0.01)
    events = sender(deliver, batch_size=5, max_in_flight=3)
    await events.start()
    for n in range(100):
        events.offer(Event(n))
    await events.aclose(timeout=5)
    assert deliver.peak == 3
    assert sorted(deliver.delivered) == list(range(100))


@pytest.mark.anyio
async def test_drop_newest_refuses_and_counts_when_full() -> None:
    deliver = Recorder()
    events = sender(deliver, max_queue_size=5)
    await events.start()
    accepted = [events.offer(Event(n)) for n in range(8)]  # no await: the flusher cannot run
    assert accepted == [True] * 5 + [False] * 3
    assert (events.stats.refused, events.stats.dropped, events.stats.enqueued) == (3, 0, 5)
    assert events.stats.queue_depth == 5
    await events.aclose()
    assert deliver.delivered == [0, 1, 2, 3, 4]


@pytest.mark.anyio
async def test_drop_oldest_keeps_the_newest() -> None:
    deliver = Recorder()
    events = sender(deliver, max_queue_size=5, overflow="drop_oldest", flush_interval=60)
    await events.start()
    assert all(events.offer(Event(n)) for n in range(8))
    assert await events.flush(timeout=5)  # evicted events count as settled
    await events.aclose()
    assert deliver.delivered == [3, 4, 5, 6, 7]
    assert (events.stats.dropped, events.stats.enqueued, settled(events)) == (3, 8, 8)


@pytest.mark.anyio
async def test_block_policy_waits_for_room() -> None:
    deliver = Recorder(delay=0.01)
    events = sender(deliver, max_queue_size=4, batch_size=2, overflow="block")
    await events.start()
    for n in range(40):
        assert await events.put(Event(n))
        assert events.stats.queue_depth <= 4
    await events.aclose()
    assert sorted(deliver.delivered) == list(range(40))
    assert events.stats.dropped == 0


@pytest.mark.anyio
async def test_transient_failures_are_retried_honoring_retry_after() -> None:
    delays: list[float] = []

    def flaky(batch: Sequence[Event], call: int) -> BaseException | None:
        return {
            1: status(InternalServerError, 503),
            2: status(RateLimitError, 429, retry_after=7),
            3: APIConnectionError("POST", "http://fake/track"),
        }.get(call)

    deliver = Recorder(flaky)
    events = sender(deliver, retry=instant_retry(delays=delays))
    await events.start()
    events.offer(Event(1))
    assert await events.flush(timeout=1)
    await events.aclose()
    assert deliver.batches == [[1]]
    assert delays[1] == 7.0
    assert events.stats.retried == 3
    assert events.stats.sent == 1


@pytest.mark.anyio
async def test_client_errors_drop_that_batch_and_the_sender_goes_on() -> None:
    def reject_first(batch: Sequence[Event], call: int) -> BaseException | None:
        return status(BadRequestError, 400) if call == 1 else None

    deliver = Recorder(reject_first)
    events = sender(deliver, batch_size=2)
    await events.start()
    for n in range(6):
        events.offer(Event(n))
    await events.aclose()
    assert deliver.calls == 3  # the rejected batch was not retried
    assert deliver.delivered == [2, 3, 4, 5]
    stats = events.stats
    assert (stats.failed, stats.sent, stats.retried) == (2, 4, 0)


@pytest.mark.anyio
async def test_too_large_batches_are_split_until_they_fit() -> None:
    def too_large(batch: Sequence[Event], call: int) -> BaseException | None:
        return status(APIStatusError, 413) if len(batch) > 3 else None

    deliver = Recorder(too_large)
    events = sender(deliver, batch_size=16)
    await events.start()
    for n in range(16):
        events.offer(Event(n))
    await events.aclose()
    assert deliver.delivered == list(range(16))
    assert max(len(b) for b in deliver.batches) <= 3
    assert events.stats.sent == 16


@pytest.mark.anyio
async def test_exhausted_retries_count_as_failed_without_a_spool() -> None:
    deliver = Recorder(lambda batch, call: status(InternalServerError, 500))
    events = sender(deliver, retry=instant_retry(max_retries=2))
    await events.start()
    events.offer(Event(1))
    assert await events.flush(timeout=1)
    await events.aclose()
    assert deliver.calls == 3
    assert events.stats.failed == 1


@pytest.mark.anyio
async def test_undelivered_events_are_spooled_and_resent_by_the_next_sender(tmp_path: Path) -> None:
    spool = tmp_path / "events.spool"
    down = Recorder(lambda batch, call: APIConnectionError("POST", "http://fake/track"))
    first = sender(down, spool_path=spool, retry=instant_retry(max_retries=1), batch_size=10)
    await first.start()
    for n in range(25):
        first.offer(Event(n))
    await first.aclose(timeout=1)
    assert first.stats.spooled == 25
    assert first.stats.sent == 0

    assert sorted(spooled(spool)) == list(range(25))

    up = Recorder()
    second = sender(up, spool_path=spool)
    await second.start()
    second.offer(Event(100))
    await second.aclose(timeout=1)
    assert sorted(up.delivered) == [*range(25), 100]
    assert second.stats.enqueued == second.stats.sent == 26
    assert spooled_lines(spool) == []  # every segment deleted once its events were sent


@pytest.mark.anyio
async def test_close_is_bounded_when_the_server_hangs(tmp_path: Path) -> None:
    spool = tmp_path / "events.spool"
    events = sender(Recorder(delay=3600), spool_path=spool)
    await events.start()
    for n in range(3):
        events.offer(Event(n))
    await events.flush(timeout=0.05)
    started = asyncio.get_running_loop().time()
    await events.aclose(timeout=0.2)
    assert asyncio.get_running_loop().time() - started < 1
    assert events.stats.spooled == 3
    assert sorted(spooled(spool)) == [0, 1, 2]


@pytest.mark.anyio
async def test_close_waits_for_a_send_in_flight() -> None:
    deliver = Recorder(delay=0.1)
    events = sender(deliver)
    await events.start()
    events.offer(Event(1))
    assert not await events.flush(timeout=0.01)  # in flight, not settled yet
    await events.aclose(timeout=5)
    assert deliver.batches == [[1]]
    assert events.stats.sent == 1


@pytest.mark.anyio
async def test_cancelling_the_producer_never_loses_an_accepted_event() -> None:
    deliver = Recorder()
    events = sender(deliver)
    await events.start()

    async def handler() -> None:
        assert events.offer(Event(42))
        await asyncio.sleep(3600)  # the request is cancelled here

    task = asyncio.create_task(handler())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await events.aclose(timeout=1)
    assert deliver.delivered == [42]


@pytest.mark.anyio
async def test_drops_are_logged_at_most_once_per_interval(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="convert_async.events")
    events = sender(Recorder(), max_queue_size=1)
    await events.start()
    for n in range(1000):
        events.offer(Event(n))
    assert events.stats.refused == 999
    assert len([r for r in caplog.records if "refusing" in r.getMessage()]) == 1
    await events.aclose()


@pytest.mark.anyio
async def test_events_offered_from_another_thread_are_delivered() -> None:
    deliver = Recorder()
    events = sender(deliver, batch_size=10, flush_interval=60)
    await events.start()
    thread = threading.Thread(target=lambda: [events.offer(Event(n)) for n in range(10)])
    thread.start()
    await asyncio.to_thread(thread.join)
    for _ in range(50):
        if deliver.batches:
            break
        await asyncio.sleep(0.01)
    assert deliver.delivered == list(range(10))  # the size trigger woke the loop from the thread
    await events.aclose()


@pytest.mark.anyio
async def test_a_sender_that_is_not_running_raises_a_clear_error() -> None:
    events = sender(Recorder())
    with pytest.raises(ClientStateError, match="not running"):
        events.offer(Event(1))
    await events.start()
    await events.aclose()
    with pytest.raises(ClientStateError, match="not running"):
        events.offer(Event(2))
    with pytest.raises(ClientStateError):
        await events.flush()
    assert events.stats.enqueued == 0
