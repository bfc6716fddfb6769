"""The event sender in isolation: a recording deliver function stands in for the transport."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import msgspec
import pytest
from multidict import CIMultiDict, CIMultiDictProxy

from convert_async import APIConnectionError, APIStatusError, RequestValidationError, RetryPolicy
from convert_async._core.errors import (
    BadRequestError,
    ClientStateError,
    ConfigurationError,
    InternalServerError,
    RateLimitError,
)
from convert_async._core.events import Batch, EventSender, SpoolError
from convert_async._core.spool import MAX_LINE_BYTES, Spool


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


@pytest.mark.parametrize("timeout", [float("nan"), -1, "5", True])
@pytest.mark.anyio
async def test_a_wait_that_is_no_number_of_seconds_is_refused(timeout: object) -> None:
    # NaN and negative numbers acted as 0 (asyncio's rule): a flush that "timed out" at once
    # and a close that spooled everything, neither what the caller meant.
    deliver = Recorder()
    events = sender(deliver)
    await events.start()
    assert events.offer(Event(1))
    with pytest.raises(RequestValidationError, match="timeout: must be None or a number of"):
        await events.flush(timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(RequestValidationError, match="timeout: must be None"):
        await events.aclose(timeout=timeout)  # type: ignore[arg-type]
    assert await events.flush(timeout=0) in (True, False)  # zero: do not wait, allowed
    await events.aclose(timeout=5)
    assert deliver.delivered == [1]


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
        # States reached inside the sender signal nothing a test can await.
        while not condition():  # noqa: ASYNC110
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


# -- the durable spool --------------------------------------------------------------------------


@pytest.mark.anyio
async def test_overflow_spool_needs_a_spool_path() -> None:
    with pytest.raises(ValueError, match="spool_path"):
        sender(Recorder(), overflow="spool")


@pytest.mark.anyio
async def test_a_burst_of_ten_times_the_bound_loses_nothing_with_overflow_spool(
    tmp_path: Path,
) -> None:
    deliver = Recorder()
    events = sender(deliver, max_queue_size=100, overflow="spool", spool_path=tmp_path / "s")
    await events.start()
    assert all(events.offer(Event(n)) for n in range(1_000))  # no await: nothing is sent yet
    assert events.stats.refused == 0
    assert await events.flush(timeout=10)
    await events.aclose()
    assert sorted(deliver.delivered) == list(range(1_000))
    assert events.stats.enqueued == events.stats.sent == 1_000
    assert spooled_lines(tmp_path / "s") == []


@pytest.mark.anyio
async def test_opening_a_large_spool_reads_it_within_the_queue_bound(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    writer = EventSender(
        refuse_all_events,
        event_type=Event,
        spool_path=spool,
        overflow="spool",
        retry=instant_retry(0),
    )
    await writer.start()
    for n in range(20_000):
        writer.offer(Event(n))
    await writer.aclose(timeout=0)  # the server is down: everything stays on disk
    assert writer.stats.spooled == 20_000

    deliver = Gate()
    reader = sender(deliver, spool_path=spool, max_queue_size=500, batch_size=100)
    await reader.start()
    # Four batches in flight (held at the gate) and the queue full: the rest waits on disk.
    await until(lambda: reader.stats.in_flight == 400 and reader.stats.queue_depth == 500)
    assert reader.stats.enqueued == 900
    deliver.open()
    assert await reader.flush(timeout=30)
    await reader.aclose()
    assert sorted(deliver.delivered) == list(range(20_000))
    assert reader.stats.enqueued == reader.stats.sent == 20_000
    assert spooled_lines(spool) == []


async def refuse_all_events(batch: Batch[Event]) -> None:
    raise APIConnectionError("POST", "http://fake/track")


@pytest.mark.anyio
async def test_damaged_spool_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    (spool / "seg-000001.jsonl").write_bytes(
        b'{"n":1}\n'
        b"garbage\n"
        b'{"n":"\xff\xfe"}\n'  # invalid UTF-8
        b'{"x":1}\n'  # the wrong shape
        b"[1,2]\n"
        b'{"n":-5}\n'  # refused by the check hook
        + b'{"n":2,"payload":"'
        + b"x" * (2 << 20)
        + b'"}\n'  # far too long for an event
        + b'{"n":3}\n'
        b'{"n":4,"payl'  # torn by a crash
    )

    def positive(event: Event) -> None:
        if event.n < 0:
            raise ValueError("n must be positive")

    deliver = Recorder()
    events = sender(deliver, spool_path=spool, check=positive)
    await events.start()
    assert await events.flush(timeout=5)
    await events.aclose()
    assert deliver.delivered == [1, 3]
    assert (events.stats.damaged, events.stats.sent, events.stats.enqueued) == (7, 2, 2)
    assert spooled_lines(spool) == []


@pytest.mark.anyio
async def test_one_spool_one_sender(tmp_path: Path) -> None:
    first = sender(Recorder(), spool_path=tmp_path / "spool")
    await first.start()
    second = sender(Recorder(), spool_path=tmp_path / "spool")
    with pytest.raises(SpoolError, match="in use by another process"):
        await second.start()
    await first.aclose()
    await second.start()  # free again once the first closed
    await second.aclose()


@pytest.mark.anyio
async def test_an_unusable_spool_is_reported_at_start(tmp_path: Path) -> None:
    missing = sender(Recorder(), spool_path=tmp_path / "no-such-folder" / "spool")
    with pytest.raises(SpoolError, match="does not exist"):
        await missing.start()
    (tmp_path / "a-file").write_text("")
    a_file = sender(Recorder(), spool_path=tmp_path / "a-file")
    with pytest.raises(SpoolError, match="must name a folder"):
        await a_file.start()


@pytest.mark.anyio
async def test_flush_returns_when_every_event_failed_to_encode() -> None:
    async def deliver(batch: Batch[Loose]) -> None:
        raise AssertionError("nothing can be sent")

    events = EventSender(deliver, event_type=Loose, batch_size=4, flush_interval=60)
    await events.start()
    for n in range(10):
        events.offer(Loose(n, payload=object()))
    assert await events.flush(timeout=5)
    await events.aclose()
    assert (events.stats.enqueued, events.stats.failed) == (10, 10)


class SplitThenHang(Recorder):
    """Answers 413 to the first batch of ``size`` events, takes the first half of the split and
    never answers the second."""

    def __init__(self, size: int) -> None:
        super().__init__(
            lambda batch, call: status(APIStatusError, 413) if len(batch) == size else None
        )
        self.second_half = size // 2

    async def __call__(self, delivered: Batch[Event]) -> None:
        if delivered.events[0].n == self.second_half:
            await asyncio.Event().wait()  # the server never answers
        await super().__call__(delivered)


@pytest.mark.anyio
@pytest.mark.parametrize("with_spool", [True, False])
async def test_an_interrupted_413_split_counts_each_event_once(
    tmp_path: Path, with_spool: bool
) -> None:
    spool = tmp_path / "spool" if with_spool else None
    deliver = SplitThenHang(100)
    events = sender(deliver, batch_size=100, spool_path=spool)
    await events.start()
    for n in range(100):
        events.offer(Event(n))
    await until(lambda: events.stats.sent == 50)
    await events.aclose(timeout=0.05)
    stats = events.stats
    assert deliver.delivered == list(range(50))
    assert (stats.enqueued, stats.sent, stats.spooled + stats.failed) == (100, 50, 50)
    if spool is not None:
        assert stats.spooled == 50
        assert sorted(spooled(spool)) == list(range(50, 100))  # not the half already sent


@pytest.mark.parametrize("cancels", [1, 30])
@pytest.mark.anyio
async def test_a_cancelled_close_stops_the_sender_spools_the_rest_and_reraises(
    tmp_path: Path, cancels: int
) -> None:
    # Cancelled again while it spooled, the sender stayed "closing" and took events for good.
    spool = tmp_path / "spool"
    deliver = Gate()
    events = sender(deliver, spool_path=spool, batch_size=10, max_in_flight=2)
    await events.start()
    for n in range(30):
        events.offer(Event(n))
    await until(lambda: deliver.running == 2)
    closing = asyncio.create_task(events.aclose(timeout=None))
    await asyncio.sleep(0)  # one loop turn: the close starts and waits for the gated sends
    for _ in range(cancels):
        closing.cancel()
        await asyncio.sleep(0)
    with pytest.raises(asyncio.CancelledError):
        await closing
    assert deliver.running == 0  # no send outlives the close
    stats = events.stats
    assert (stats.enqueued, stats.sent, stats.spooled) == (30, 0, 30)
    assert sorted(spooled(spool)) == list(range(30))
    with pytest.raises(ClientStateError):
        events.offer(Event(99))


@pytest.mark.anyio
async def test_every_accepted_event_is_counted_exactly_once(tmp_path: Path) -> None:
    def faults(batch: Sequence[Event], call: int) -> BaseException | None:
        if call % 7 == 0:
            return status(BadRequestError, 400)
        if len(batch) > 20:
            return status(APIStatusError, 413)
        if call % 5 == 0:
            return status(InternalServerError, 503)
        return None

    deliver = Recorder(faults)
    events = sender(
        deliver,
        spool_path=tmp_path / "spool",
        max_queue_size=300,
        overflow="drop_oldest",
        batch_size=50,
        retry=instant_retry(max_retries=1),
    )
    await events.start()
    for n in range(5_000):
        events.offer(Event(n))
        if n % 1_000 == 0:
            await asyncio.sleep(0)
    await events.aclose(timeout=10)
    stats = events.stats
    assert stats.enqueued == 5_000
    assert stats.dropped > 0
    assert stats.failed > 0
    assert stats.sent > 0
    assert stats.sent + stats.failed + stats.spooled + stats.dropped == 5_000
    assert stats.sent == len(deliver.delivered)
    assert len(spooled(tmp_path / "spool")) == stats.spooled


@pytest.mark.anyio
async def test_offers_from_many_threads_are_all_counted_and_delivered() -> None:
    deliver = Recorder()
    events = sender(deliver, max_queue_size=100_000)
    await events.start()

    def produce(base: int) -> None:
        for n in range(base, base + 10_000):
            assert events.offer(Event(n))

    threads = [threading.Thread(target=produce, args=(k * 10_000,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        await asyncio.to_thread(thread.join)
    assert events.stats.enqueued == 80_000
    await events.aclose(timeout=30)
    assert sorted(deliver.delivered) == list(range(80_000))


def test_a_sender_collected_with_queued_events_warns() -> None:
    loop = asyncio.new_event_loop()
    held = [sender(Recorder(), flush_interval=60)]

    async def start_and_offer(events: EventSender[Event]) -> None:
        await events.start()
        events.offer(Event(1))

    loop.run_until_complete(start_and_offer(held[0]))
    loop.close()  # without aclose: the flusher never runs again
    with pytest.warns(ResourceWarning, match="1 events still queued"):
        collect(held)


def collect(held: list[EventSender[Event]]) -> None:
    held.clear()
    gc.collect()


_OPEN_AS_ANOTHER_USER = """
import os, sys
from convert_async._core.spool import Spool, SpoolError
if os.getuid() == 0:
    os.setgid(65534)
    os.setuid(65534)  # root ignores permissions: try as nobody
for path in sys.argv[1:]:
    try:
        Spool.open(path).close()
    except SpoolError as error:
        print(f"SpoolError: {error}")
    else:
        print("opened")
"""


def test_a_spool_folder_without_permission_is_a_clear_error() -> None:
    import shutil
    import subprocess
    import sys
    import tempfile

    # Under /tmp, not pytest's private tmp_path: the other user must reach the folders.
    base = Path(tempfile.mkdtemp(prefix="spool-permissions-"))
    read_only = base / "spool"
    read_only.mkdir()
    # Writable by nobody but its owner (and, without root, not even by the owner).
    base.chmod(0o755)
    read_only.chmod(0o555)
    try:
        run = subprocess.run(  # noqa: S603 - this interpreter, running the script above
            [sys.executable, "-c", _OPEN_AS_ANOTHER_USER, str(read_only), str(base / "new")],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        read_only.chmod(0o755)
        shutil.rmtree(base)
    assert run.stdout.splitlines() == [
        f"SpoolError: no permission to write in the spool folder {read_only}",
        f"SpoolError: no permission to create the spool folder {base / 'new'}",
    ], run.stderr


def test_a_segment_is_closed_by_count_and_age(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy sender fills one segment for at least SEGMENT_SECONDS (file creation is slow on
    some file systems); a quiet one still starts a new segment every SEGMENT_EVENTS events."""
    from types import SimpleNamespace

    from convert_async._core import spool as spool_module

    now = [0.0]
    monkeypatch.setattr(spool_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    store = spool_module.Spool.open(tmp_path / "spool")
    per_batch = spool_module.SEGMENT_EVENTS // 2

    def journal() -> int:
        batch = SimpleNamespace(events=[Event(n) for n in range(per_batch)], segment=None)
        store.journal([batch], [msgspec.json.Encoder().encode_lines(batch.events)])
        assert batch.segment is not None
        return int(batch.segment)

    fast = [journal() for _ in range(5)]  # 2.5 segments' worth, all within one instant
    now[0] += spool_module.SEGMENT_SECONDS
    later = journal()  # the first segment is full and old enough: the next one starts
    assert fast == [1] * 5
    assert later == 2
    assert sorted(p.name for p in (tmp_path / "spool").glob("seg-*")) == [
        "seg-000001.jsonl",
        "seg-000002.jsonl",
    ]
    store.close()


@pytest.mark.anyio
async def test_flush_waits_for_the_events_before_it_even_when_later_ones_settle_first() -> None:
    """Event 0 is stuck in flight when flush() is called; events offered after the call are
    delivered at once. Their count must not stand in for event 0: flush waits for it."""
    release = asyncio.Event()

    async def deliver(batch: Batch[Event]) -> None:
        if batch.events[0].n == 0:
            await release.wait()

    events = EventSender(deliver, event_type=Event, batch_size=1, flush_interval=0.01)
    await events.start()
    events.offer(Event(0))
    await asyncio.sleep(0.05)  # event 0's batch is in flight

    async def traffic() -> None:
        for n in range(1, 5):
            events.offer(Event(n))
            await asyncio.sleep(0.01)

    later = asyncio.create_task(traffic())
    assert not await events.flush(timeout=0.3)  # event 0 has not settled
    assert events.stats.in_flight == 1
    await later
    flushed = asyncio.create_task(events.flush(timeout=2))
    await asyncio.sleep(0.05)
    assert not flushed.done()
    release.set()
    assert await flushed  # now everything before the call has settled
    assert events.stats.sent == 5
    await events.aclose(2)


@pytest.mark.anyio
async def test_an_event_that_cannot_be_spilled_takes_no_other_along(tmp_path: Path) -> None:
    # The whole spill was one write: one event that did not encode, or whose line the spool
    # would read back as damage, lost every event spilled with it.
    spool = tmp_path / "spill"
    events = EventSender(
        refuse_all,
        event_type=Loose,
        max_queue_size=2,
        overflow="spool",
        spool_path=spool,
        flush_interval=60,
        retry=instant_retry(0),
    )
    await events.start()
    huge = "x" * MAX_LINE_BYTES
    for n, payload in enumerate(["ok", "ok", "ok", object(), huge, "ok", "ok"]):
        assert events.offer(Loose(n, payload=payload))
    await events.aclose()
    assert (events.stats.spooled, events.stats.failed) == (5, 2)
    kept = [msgspec.json.decode(line, type=Loose).n for line in spooled_lines(spool)]
    assert sorted(kept) == [0, 1, 2, 5, 6]


@pytest.mark.anyio
async def test_a_batch_body_that_never_encodes_fails_its_events_and_the_sender_goes_on() -> None:
    # No event is to blame (a setting of the batch cannot be encoded): the flusher re-encoded
    # the events that encode alone, raised again and died, and flush() never returned.
    def encode(batch: Sequence[Event]) -> bytes:
        raise ValueError("a lone surrogate in a batch-wide field")

    events = sender(Recorder(), encode=encode, batch_size=4, flush_interval=60)
    await events.start()
    for n in range(10):
        assert events.offer(Event(n))
    assert await events.flush(timeout=5)
    assert events.offer(Event(10))  # still running
    assert await events.flush(timeout=5)
    await events.aclose()
    assert (events.stats.enqueued, events.stats.failed) == (11, 11)


@pytest.mark.anyio
async def test_a_flusher_that_failed_refuses_new_events_and_every_accepted_one_is_counted(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    events = sender(Recorder(), batch_size=2, flush_interval=60)

    async def broken() -> None:
        raise RuntimeError("a bug in the flusher")

    monkeypatch.setattr(events, "_form_batches", broken)
    await events.start()
    assert events.offer(Event(1))
    assert events.offer(Event(2))  # a full batch: the flusher wakes, and fails
    await until(lambda: events._task is not None and events._task.done())
    assert not events.offer(Event(3))  # refused and counted, not queued for nobody
    assert events.stats.refused == 1
    await events.aclose()
    stats = events.stats
    assert stats.enqueued == 2 == stats.sent + stats.failed + stats.spooled + stats.dropped
    assert [r.message for r in caplog.records].count("events: the flusher failed") == 1


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("batch_size", 2.5),
        ("max_queue_size", float("nan")),
        ("max_in_flight", True),
        ("flush_interval", float("nan")),
        ("flush_interval", float("inf")),
        ("spool_path", 12345),
    ],
)
async def test_a_setting_that_is_no_number_of_its_kind_is_refused(
    option: str, value: object
) -> None:
    with pytest.raises(ConfigurationError, match=option):
        sender(Recorder(), **{option: value})


@pytest.mark.anyio
async def test_a_cut_short_413_split_stays_on_disk_when_its_rest_cannot_be_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The unsent half was marked settled in its segment before its copy was written: when
    # that write failed (a full disk), the segment was deleted with those events in it.
    def disk_full(self: object, lines: bytes, count: int) -> None:
        raise OSError(28, "No space left on device")

    spool = tmp_path / "spool"
    events = sender(SplitThenHang(10), batch_size=10, spool_path=spool)
    await events.start()
    for n in range(10):
        events.offer(Event(n))
    await until(lambda: events.stats.sent == 5)
    monkeypatch.setattr(Spool, "defer", disk_full)
    await events.aclose(timeout=0.05)
    assert (events.stats.sent, events.stats.spooled, events.stats.failed) == (5, 5, 0)
    assert set(range(5, 10)) <= set(spooled(spool))  # still on disk (the sent half may go twice)


@pytest.mark.anyio
@pytest.mark.parametrize("run", range(4))  # a race: each run catches the old code about 1 in 4
async def test_flush_waits_for_events_spilled_before_it_while_newer_ones_settle_first(
    tmp_path: Path, run: int
) -> None:
    # Spilled events sit on disk in no batch: newer events that found room in memory settled
    # first, made up the count, and flush() returned True with old ones unsent.
    deliver = Recorder(delay=0.05)
    events = sender(
        deliver,
        max_queue_size=10,
        overflow="spool",
        spool_path=tmp_path / "spill",
        batch_size=7,
        max_in_flight=1,
        flush_interval=0.01,
    )
    await events.start()
    for n in range(60):  # 10 in memory, 50 spilled
        assert events.offer(Event(n))
    flush = asyncio.create_task(events.flush(timeout=30))
    newer = 1_000
    while not flush.done():  # slower than they leave: each finds room in memory
        events.offer(Event(newer))
        newer += 1
        await asyncio.sleep(0.005)
    assert flush.result()
    assert set(range(60)) <= set(deliver.delivered)
    await events.aclose()
