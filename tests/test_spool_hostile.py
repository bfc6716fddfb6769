"""The spool against its two cost cuts: segments kept for at least SEGMENT_SECONDS when the
sender is busy, and settlements handed to the writer thread only every _SETTLE_EVERY seconds.

Every test talks to FakeConvert over real sockets on 127.0.0.1; the kill -9 tests run
tests/spool_child.py in a subprocess (see tests/test_spool_crash.py).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from convert_async import RetryPolicy, TrackingClient
from convert_async._core import events as events_module
from convert_async._core.spool import SEGMENT_EVENTS
from convert_async.serving import TrackingEvent
from convert_async.testing import FakeConvert
from tests.test_spool_crash import ACCOUNT, TRACK, Child, settings

_DECODER = msgspec.json.Decoder(TrackingEvent)


@pytest.fixture(autouse=True)
def no_sender_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A bookkeeping failure in the writer thread (a settlement for a segment already deleted,
    say) is only logged: fail the test on any error the sender logs."""
    with caplog.at_level(logging.WARNING, logger="convert_async.events"):
        yield
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as server:
        yield server


async def _no_wait(_: float) -> None:
    await asyncio.sleep(0)


def tracker(fake: FakeConvert, spool: Path, **options: Any) -> TrackingClient:
    args = settings(fake, spool)
    options.setdefault("retry", RetryPolicy(max_retries=50, max_delay=0.01, sleep=_no_wait))
    return TrackingClient(
        args["sdk_key"],
        args["secret"],
        account_id=ACCOUNT,
        project_id=args["project"],
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
        spool_path=spool,
        **options,
    )


def segments(spool: Path) -> dict[str, list[str]]:
    """The visitor ids in each segment file, by file name: only complete lines (a process may
    be writing the last one while we read)."""
    found: dict[str, list[str]] = {}
    for path in sorted(spool.glob("seg-*.jsonl")):
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # deleted while we listed the folder
            continue
        ids: list[str] = []
        for line in data.split(b"\n")[:-1]:  # what follows the last newline is not written yet
            ids.append(_DECODER.decode(line).visitor_id)
        found[path.name] = ids
    return found


def on_disk(spool: Path) -> list[str]:
    return [visitor for ids in segments(spool).values() for visitor in ids]


def delivered(fake: FakeConvert) -> Counter[str]:
    return Counter(event["visitorId"] for event in fake.serving.events)


def accounted(client: TrackingClient) -> int:
    stats = client.stats
    return stats.sent + stats.failed + stats.spooled + stats.dropped


# -- kill -9 ------------------------------------------------------------------------------------


class Blast(msgspec.Struct):
    """What a killed high-rate producer left: ``seen`` every event read on disk while it ran,
    ``left`` the segments on disk after the kill, ``before`` what the server had by then."""

    seen: set[str]
    left: dict[str, list[str]]
    before: Counter[str]
    names: set[str]

    @property
    def at_kill(self) -> set[str]:
        return {visitor for ids in self.left.values() for visitor in ids}


MAX_IN_FLIGHT = 4


async def blast_and_kill(
    fake: FakeConvert, spool: Path, *, prefix: str, seconds: float, **options: Any
) -> Blast:
    """Run a producer of about 20,000 events/s for ``seconds`` against a slow server failing
    30% of the batches (503, not stored), reading its spool meanwhile, then kill -9 it."""
    fake.faults.operations = {TRACK}
    fake.faults.error_rate = 0.3  # 503, not stored: the only duplicates are re-sent segments
    fake.faults.latency = 0.03
    options = {
        "batch_size": 200,
        "max_in_flight": MAX_IN_FLIGHT,
        "max_queue_size": 5_000,
        **options,
    }
    child = await Child.start(
        mode="blast",
        prefix=prefix,
        per_tick=100,
        tick=0.005,
        retry_delay=0.02,
        options=options,
        **settings(fake, spool),
    )
    await child.said()
    seen: set[str] = set()
    names: set[str] = set()
    loop = asyncio.get_running_loop()
    until = loop.time() + seconds
    while loop.time() < until:
        files = segments(spool)
        names.update(files)
        for ids in files.values():
            seen.update(ids)
        await asyncio.sleep(0.01)
    await child.kill()
    fake.faults.clear()
    return Blast(seen, segments(spool), delivered(fake), names)


def check_duplicate_bound(blast: Blast) -> None:
    """The documented bound: the segments holding events sent before the crash are the current
    one, about one per batch in flight (and the one right behind them, waiting for a slot), and
    those settled in the last 50 ms."""
    before = set(blast.before)
    with_duplicates = [name for name, ids in blast.left.items() if set(ids) & before]
    assert len(with_duplicates) <= MAX_IN_FLIGHT + 3, (with_duplicates, sorted(blast.left))


@pytest.mark.anyio
async def test_kill_9_during_a_high_rate_burst_loses_no_written_event(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """Segments rotate every 0.1 s with batches in flight and retried. Every event seen on
    disk before the kill is delivered in the end, and only the segments left on disk are
    sent again."""
    spool = tmp_path / "spool"
    blast = await blast_and_kill(fake, spool, prefix="v", seconds=1.2)
    assert len(blast.names) >= 4, f"segments did not rotate under load: {sorted(blast.names)}"
    assert len(blast.seen) > 4_000, "the producer did not get going"
    assert max(blast.before.values()) == 1  # 503s are not stored: no duplicates before the kill
    check_duplicate_bound(blast)

    async with tracker(fake, spool) as client:
        pass
    after = delivered(fake)
    assert blast.seen | blast.at_kill <= set(after), "events written to the spool were lost"
    assert on_disk(spool) == []
    resent = sum(len(ids) for ids in blast.left.values())
    assert client.stats.sent == client.stats.enqueued == resent
    # What is sent twice is exactly what was on disk and already delivered.
    duplicates = sum(after.values()) - len(after)
    assert duplicates == len(blast.at_kill & set(blast.before))


@pytest.mark.anyio
async def test_two_kills_in_a_row_while_resending_and_spilling_lose_nothing(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """The second process re-sends the first one's segments (settled 50 ms late) while a
    producer fills new ones past a small queue (overflow="spool": spill segments rotate and
    are read back), and it is killed too. A third client delivers every written event."""
    spool = tmp_path / "spool"
    first = await blast_and_kill(fake, spool, prefix="a", seconds=0.8)
    second = await blast_and_kill(
        fake, spool, prefix="b", seconds=1.0, max_queue_size=1_000, overflow="spool"
    )
    assert second.seen & first.at_kill, "the second run never had the first run's segments"
    assert any(visitor.startswith("b") for visitor in second.seen)
    check_duplicate_bound(second)

    async with tracker(fake, spool) as client:
        pass
    after = set(delivered(fake))
    for blast in (first, second):
        assert blast.seen | blast.at_kill <= after, "events written to the spool were lost"
    assert on_disk(spool) == []
    assert client.stats.sent == client.stats.enqueued
    assert client.stats.damaged <= 2  # at most the line each kill tore while it was written


@pytest.mark.anyio
async def test_kill_9_before_a_delayed_settlement_resends_but_loses_nothing(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """The first segment is retired while its batches are in flight; they are then sent, and
    the process is frozen (its loop blocked) before the 50 ms settlement timer runs, then
    killed. The segment is still on disk: it is sent again (documented), nothing is lost and
    the next client reads it without trouble."""
    spool = tmp_path / "spool"
    fake.faults.latency = 0.4  # batches stay in flight while the next segment starts
    child = await Child.start(
        mode="settle-then-freeze",
        options={"batch_size": 500, "max_in_flight": 4, "flush_interval": 60},
        **settings(fake, spool),
    )
    report = await child.said()
    assert report["sent"] >= 1_000
    assert report["in_flight_after_rotation"] >= 1_000  # rotated while they were out
    await child.kill()
    left = segments(spool)
    first = [f"v{n}" for n in range(1_000)]
    # The first segment was settled (all of it delivered) but the writer was never told.
    assert left.get("seg-000001.jsonl") == first, sorted(left)
    assert set(first) <= set(delivered(fake))

    fake.faults.clear()
    async with tracker(fake, spool) as client:
        pass
    after = delivered(fake)
    everyone = {f"v{n}" for n in range(1_100)}
    assert set(after) == everyone
    assert max(after.values()) <= 2
    assert [v for v, count in after.items() if count == 2] != []  # the documented re-send
    assert client.stats.sent == client.stats.enqueued == len(on_disk_names(left))
    assert client.stats.damaged == 0
    assert on_disk(spool) == []


def on_disk_names(left: dict[str, list[str]]) -> list[str]:
    return [visitor for ids in left.values() for visitor in ids]


@pytest.mark.anyio
@pytest.mark.parametrize("count", [SEGMENT_EVENTS - 1, 5 * SEGMENT_EVENTS])
async def test_kill_9_when_idle_resends_nothing(
    fake: FakeConvert, tmp_path: Path, count: int
) -> None:
    """Nothing in flight, nothing settled in the last 50 ms, no retries given up: the current
    segment was closed and deleted once all its events were settled, so the next client sends
    nothing again, whether the sender was quiet (under SEGMENT_EVENTS events) or just wrote a
    whole burst within SEGMENT_SECONDS."""
    spool = tmp_path / "spool"
    child = await Child.start(mode="idle", count=count, **settings(fake, spool))
    report = await child.said()
    assert report == {"sent": count, "in_flight": 0, "depth": 0}
    await child.kill()
    assert segments(spool) == {}

    async with tracker(fake, spool) as client:
        pass
    after = delivered(fake)
    assert set(after) == {f"v{n}" for n in range(count)}
    assert sum(after.values()) == len(after) == count  # no duplicate
    assert client.stats.sent == 0
    assert on_disk(spool) == []


# -- clean close ----------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("wait", ["flush", "no-flush"])
@pytest.mark.parametrize("settle_every", [None, 30.0])
async def test_a_clean_close_right_after_a_burst_leaves_no_segment(
    fake: FakeConvert,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait: str,
    settle_every: float | None,
) -> None:
    """Settlements still waiting for the timer at close are applied by the close: a healthy
    server, a clean close, and no segment is left behind (nor sent twice later). With a 30 s
    timer, every settlement of the run is still waiting at the close."""
    if settle_every is not None:
        monkeypatch.setattr(events_module, "_SETTLE_EVERY", settle_every)
    spool = tmp_path / "spool"
    total = 0
    async with tracker(fake, spool, batch_size=100, max_queue_size=20_000) as client:
        # Several rounds across more than SEGMENT_SECONDS: several segments, rotated while
        # their batches are in flight.
        for _ in range(4):
            for _ in range(2_500):
                client.track_bucketing(f"v{total}", 1, 2)
                total += 1
            await asyncio.sleep(0.06)
        if wait == "flush":
            assert await client.flush(timeout=10)
            assert client.stats.sent == total
        # leaving the block closes at once: settlements of the last batches are pending
    assert on_disk(spool) == []
    assert sorted(p.name for p in spool.iterdir()) == ["lock"]
    after = delivered(fake)
    assert set(after) == {f"v{n}" for n in range(total)}
    assert max(after.values()) == 1
    stats = client.stats
    assert stats.enqueued == stats.sent == total
    # A next client on the same spool has nothing to send.
    async with tracker(fake, spool) as second:
        pass
    assert second.stats.enqueued == 0
    assert sum(delivered(fake).values()) == total


@pytest.mark.anyio
async def test_a_clean_close_after_overflow_to_the_spool_leaves_no_segment(
    fake: FakeConvert, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    fake.faults.latency = 0.01
    total = 12_000
    async with tracker(
        fake, spool, batch_size=200, max_queue_size=1_000, overflow="spool"
    ) as client:
        for n in range(total):
            assert client.track_bucketing(f"v{n}", 1, 2)
            if n % 3_000 == 0:
                await asyncio.sleep(0.05)
    assert on_disk(spool) == []
    after = delivered(fake)
    assert set(after) == {f"v{n}" for n in range(total)}
    assert max(after.values()) == 1
    assert client.stats.enqueued == client.stats.sent == total


@pytest.mark.anyio
async def test_segments_deleted_after_delivery_while_running(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """Without a close: once batches are delivered, every segment is gone within about 50 ms
    (the settlements reach the writer thread), the current one included."""
    spool = tmp_path / "spool"
    async with tracker(fake, spool, batch_size=100, max_queue_size=20_000) as client:
        total = 0
        for _ in range(5):
            for _ in range(1_500):
                client.track_bucketing(f"v{total}", 1, 2)
                total += 1
            await asyncio.sleep(0.12)  # every round starts a new segment
        assert await client.flush(timeout=10)
        await asyncio.sleep(events_module._SETTLE_EVERY * 3)
        assert segments(spool) == {}
        for n in range(10):  # the next events start a new segment
            client.track_bucketing(f"w{n}", 1, 2)
        assert await client.flush(timeout=10)
        await asyncio.sleep(events_module._SETTLE_EVERY * 3)
        assert segments(spool) == {}
    assert client.stats.sent == total + 10
    assert on_disk(spool) == []


# -- a quiet producer ----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_a_producer_with_pauses_leaves_nothing_delivered_on_disk(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """300 events every 0.2 s over 2 s: each burst's segment is deleted once it is delivered,
    so at no pause is a delivered event on disk."""
    spool = tmp_path / "spool"
    total = 0
    async with tracker(fake, spool, batch_size=100, flush_interval=60) as client:
        for _ in range(10):
            for _ in range(300):
                client.track_bucketing(f"v{total}", 1, 2)
                total += 1
            assert await client.flush(timeout=5)
            await asyncio.sleep(0.2)
            assert segments(spool) == {}
    assert on_disk(spool) == []
    assert client.stats.sent == total == 3_000
    assert sum(delivered(fake).values()) == 3_000


@pytest.mark.anyio
async def test_a_trickle_of_events_leaves_nothing_delivered_on_disk(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """One event every 0.2 s for 2 s, each going out on its own (flush_interval): once it is
    delivered and settled, its segment is gone."""
    spool = tmp_path / "spool"
    async with tracker(fake, spool, flush_interval=0.05) as client:
        for n in range(10):
            client.track_bucketing(f"v{n}", 1, 2)
            await asyncio.sleep(0.2)
            async with asyncio.timeout(5):  # delivered within flush_interval (on a calm machine)
                while client.stats.sent < n + 1:  # noqa: ASYNC110 - the sender signals nothing
                    await asyncio.sleep(0.01)
            await asyncio.sleep(events_module._SETTLE_EVERY * 3)
            assert segments(spool) == {}
    assert on_disk(spool) == []
    assert set(delivered(fake)) == {f"v{n}" for n in range(10)}


# -- the settle timer and the loop -----------------------------------------------------------------


def _pending_settlements(loop: asyncio.AbstractEventLoop) -> int:
    """How many settlement timers the loop holds (asyncio offers no public view of them)."""
    scheduled: list[asyncio.TimerHandle] = getattr(loop, "_scheduled", [])
    callbacks = [getattr(h, "_callback", None) for h in scheduled if not h.cancelled()]
    return len([c for c in callbacks if getattr(c, "__name__", "") == "_submit_settlements"])


def test_closing_the_loop_with_a_settle_timer_pending_is_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client closed right after its last batch settled, then its loop closed while the
    settlement timer is still scheduled (made long, so it surely is): no warning, no error,
    and the close applied the settlements itself (nothing left on disk)."""
    monkeypatch.setattr(events_module, "_SETTLE_EVERY", 30.0)

    async def main(fake_spool: Path) -> tuple[int, int]:
        async with FakeConvert() as fake:
            client = tracker(fake, fake_spool)
            async with client:
                for n in range(500):
                    client.track_bucketing(f"v{n}", 1, 2)
                assert await client.flush(timeout=10)
            return client.stats.sent, len(fake.serving.events)

    spool = tmp_path / "spool"
    loop = asyncio.new_event_loop()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sent, received = loop.run_until_complete(main(spool))
        pending = _pending_settlements(loop)
        loop.close()
        gc.collect()
    assert pending >= 1  # the scenario: a settlement timer was still waiting at loop close
    assert [str(w.message) for w in caught] == []
    assert sent == received == 500
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_a_settle_timer_firing_after_close_does_nothing(
    fake: FakeConvert,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(events_module, "_SETTLE_EVERY", 0.3)  # surely pending at the close
    spool = tmp_path / "spool"
    client = tracker(fake, spool)
    async with client:
        for n in range(300):
            client.track_bucketing(f"v{n}", 1, 2)
        assert await client.flush(timeout=10)
        assert _pending_settlements(asyncio.get_running_loop()) >= 1
    with caplog.at_level(logging.DEBUG, logger="convert_async"):
        await asyncio.sleep(events_module._SETTLE_EVERY * 2)  # the timer fires now
    assert _pending_settlements(asyncio.get_running_loop()) == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert on_disk(spool) == []
    # The spool is free and empty for the next client.
    async with tracker(fake, spool) as second:
        second.track_bucketing("late", 1, 2)
    assert delivered(fake)["late"] == 1
    assert on_disk(spool) == []


# -- counters -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_every_event_is_counted_once_and_kept_through_a_faulty_close(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """A faulty, slow server, a spilling queue and a close cut short: after the close each
    accepted event is in exactly one counter, and every event not delivered is on disk; the
    next client (healthy server) delivers the rest and leaves nothing behind."""
    spool = tmp_path / "spool"
    faults = fake.faults
    faults.operations = {TRACK}
    faults.error_rate, faults.drop_rate, faults.latency = 0.3, 0.1, 0.05
    total = 8_000
    client = tracker(
        fake,
        spool,
        batch_size=100,
        max_queue_size=1_000,
        overflow="spool",
        close_timeout=0.5,
        retry=RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.02),
    )
    async with client:
        for n in range(total):
            assert client.track_bucketing(f"v{n}", 1, 2)
            if n % 500 == 0:
                await asyncio.sleep(0.02)
    stats = client.stats
    assert stats.enqueued == total
    assert accounted(client) == total, stats
    assert stats.spooled > 0  # the close was cut short: the test is about something
    first = delivered(fake)
    left = set(on_disk(spool))
    everyone = {f"v{n}" for n in range(total)}
    assert everyone <= set(first) | left, "an event is neither delivered nor on disk"
    assert len(left) >= stats.spooled
    # Faults are not stored, so nothing arrived twice; sends cut short by the close may have
    # arrived without being counted as sent (they are spooled: at least once).
    assert max(first.values()) == 1
    assert stats.sent <= len(first)

    faults.clear()
    async with tracker(fake, spool) as second:
        pass
    assert set(delivered(fake)) == everyone
    assert accounted(second) == second.stats.enqueued == len(left)
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_the_blocking_client_closes_its_loop_with_settlements_pending(
    fake: FakeConvert, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """convert_async.sync: events tracked from several threads, the client closed (its private
    loop stopped and closed) while the settlement timer waits: nothing left on disk, each
    event delivered once, no warning."""
    import threading

    from convert_async import sync

    monkeypatch.setattr(events_module, "_SETTLE_EVERY", 30.0)
    spool = tmp_path / "spool"
    args = settings(fake, spool)

    def run() -> tuple[int, int]:
        client = sync.TrackingClient(
            args["sdk_key"],
            args["secret"],
            account_id=ACCOUNT,
            project_id=args["project"],
            config_base_url=fake.serving_url,
            track_base_url=fake.serving_url,
            spool_path=spool,
            max_queue_size=20_000,
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with client:

                def produce(base: int) -> None:
                    for n in range(base, base + 1_500):
                        assert client.track_bucketing(f"v{n}", 1, 2)

                threads = [threading.Thread(target=produce, args=(k * 1_500,)) for k in range(4)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            gc.collect()
        assert [str(w.message) for w in caught] == []
        return client.stats.enqueued, client.stats.sent

    enqueued, sent = await asyncio.to_thread(run)
    assert enqueued == sent == 6_000
    after = delivered(fake)
    assert set(after) == {f"v{n}" for n in range(6_000)}
    assert max(after.values()) == 1
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_a_close_cut_short_while_reading_an_old_spool_back_counts_and_keeps_it(
    fake: FakeConvert, tmp_path: Path
) -> None:
    """A client reading back a large spool through a small queue, to a slow server, closed
    before it is done: the events it read are each counted once, the rest stays on disk, and
    the next client delivers everything."""
    spool = tmp_path / "spool"
    total = 5_000
    fake.faults.operations = {TRACK}
    fake.faults.error_rate = 1.0
    async with tracker(fake, spool, retry=RetryPolicy(max_retries=0, sleep=_no_wait)) as down:
        for n in range(total):
            down.track_bucketing(f"v{n}", 1, 2)
    assert down.stats.spooled == total
    fake.faults.clear()
    fake.faults.latency = 0.1
    async with tracker(
        fake, spool, max_queue_size=500, batch_size=100, close_timeout=0.35
    ) as reader:
        pass
    stats = reader.stats
    assert 0 < stats.sent < stats.enqueued < total  # cut short in the middle of the spool
    assert accounted(reader) == stats.enqueued, stats
    left = on_disk(spool)
    assert {f"v{n}" for n in range(total)} <= set(delivered(fake)) | set(left)

    fake.faults.clear()
    async with tracker(fake, spool) as last:
        pass
    assert set(delivered(fake)) == {f"v{n}" for n in range(total)}
    assert accounted(last) == last.stats.enqueued == len(left)
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_a_send_cancelled_before_its_first_step_is_still_counted(
    fake: FakeConvert, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A close that gives up cancels the sends in flight; one created in the same step has not
    begun, and a task cancelled before its first step never runs its own clean-up (seen once
    in CI as 200 events in flight after the close). Modelled here by cancelling the first send
    task as it is created: its batch is still counted, once, and stays on disk."""
    create_task = asyncio.create_task
    cancelled: list[asyncio.Task[Any]] = []

    def create_cancelled(coro: Any, **options: Any) -> asyncio.Task[Any]:
        task = create_task(coro, **options)
        if not cancelled and coro.__qualname__ == "EventSender._send":
            task.cancel()
            cancelled.append(task)
        return task

    monkeypatch.setattr("convert_async._core.events.asyncio.create_task", create_cancelled)
    spool = tmp_path / "spool"
    client = tracker(fake, spool, batch_size=100, close_timeout=0.2)
    async with client:
        for n in range(100):
            assert client.track_bucketing(f"v{n}", 1, 2)
        await asyncio.sleep(0.05)
    stats = client.stats
    assert cancelled, "no send task was created"
    assert stats.in_flight == 0, stats
    assert accounted(client) == stats.enqueued == 100, stats
    assert stats.spooled == 100
    assert set(on_disk(spool)) == {f"v{n}" for n in range(100)}
