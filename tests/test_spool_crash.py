"""The spool against a hostile world: SIGKILL at chosen moments, a second process on the same
spool, a disk that refuses writes, and fork. Each runs tests/spool_child.py in a subprocess."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from convert_async import RetryPolicy, TrackingClient
from convert_async._core.events import SpoolError
from convert_async.serving import TrackingEvent
from convert_async.testing import FakeConvert

ACCOUNT = 1001
CHILD = Path(__file__).with_name("spool_child.py")
TRACK = "send_tracking_events_by_sdk_key"


async def _no_wait(_: float) -> None:
    await asyncio.sleep(0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as server:
        yield server


def settings(fake: FakeConvert, spool: Path, **extra: Any) -> dict[str, Any]:
    project = min(p["id"] for p in fake.store.items("projects", account_id=ACCOUNT))
    key = fake.serving.sdk_key(ACCOUNT, project, with_secret=True)
    return {
        "url": fake.serving_url,
        "sdk_key": key.sdk_key,
        "secret": key.secret,
        "account": str(ACCOUNT),
        "project": str(project),
        "spool": str(spool),
        **extra,
    }


def tracker(fake: FakeConvert, spool: Path, **options: Any) -> TrackingClient:
    args = settings(fake, spool)
    options.setdefault("retry", RetryPolicy(max_retries=0, sleep=_no_wait))
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


class Child:
    """tests/spool_child.py running in its own process."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, **args: Any) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CHILD),
            json.dumps(args),
            stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def said(self, timeout: float = 60) -> Any:
        assert self.process.stdout is not None
        async with asyncio.timeout(timeout):
            line = await self.process.stdout.readline()
        assert line, f"the child exited ({await self.process.wait()}) without answering"
        return json.loads(line)

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert await self.process.wait() == -signal.SIGKILL


def on_disk(spool: Path) -> list[str]:
    """The visitor ids of every event in the spool folder's segments."""
    decoder = msgspec.json.Decoder(TrackingEvent)
    return [
        decoder.decode(line).visitor_id
        for segment in sorted(spool.glob("seg-*.jsonl"))
        for line in segment.read_bytes().splitlines()
    ]


async def written(spool: Path, expected: set[str]) -> None:
    """Wait until the child has written ``expected`` to its spool (read from outside)."""
    async with asyncio.timeout(30):
        # The child's writes signal nothing this process can await: read the disk until then.
        while True:
            try:
                if set(on_disk(spool)) == expected:
                    return
            except msgspec.DecodeError:  # caught in the middle of a write
                pass
            await asyncio.sleep(0.01)


def delivered(fake: FakeConvert) -> set[str]:
    return {event["visitorId"] for event in fake.serving.events}


async def fill_spool(fake: FakeConvert, spool: Path, count: int) -> None:
    """``count`` events left in ``spool`` by a client whose server was down."""
    fake.faults.operations = {TRACK}
    fake.faults.error_rate = 1.0
    async with tracker(fake, spool) as client:
        for n in range(count):
            client.track_bucketing(f"v{n}", 1, 2)
    assert client.stats.spooled == count


@pytest.mark.anyio
async def test_kill_9_right_after_start_keeps_the_spool(fake: FakeConvert, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    await fill_spool(fake, spool, 3_000)
    everyone = {f"v{n}" for n in range(3_000)}
    assert set(on_disk(spool)) == everyone

    child = await Child.start(mode="resend", **settings(fake, spool))
    running = await child.said()  # the spool is open and its first batches are in flight
    assert 0 < running["running"] <= 3_000
    await child.kill()
    assert set(on_disk(spool)) == everyone  # nothing was lost by opening it

    fake.faults.clear()
    async with tracker(fake, spool) as client:
        pass
    assert delivered(fake) == everyone
    assert client.stats.sent == 3_000
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_events_written_to_the_spool_survive_kill_9(
    fake: FakeConvert, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    fake.faults.operations = {TRACK}
    fake.faults.error_rate = 1.0  # nothing is delivered: every event must stay on disk
    child = await Child.start(mode="track", count=2_500, **settings(fake, spool))
    assert (await child.said())["tracked"] == 2_500
    everyone = {f"v{n}" for n in range(2_500)}
    await written(spool, everyone)  # the child's flush wrote every batch before sending it
    await child.kill()
    assert set(on_disk(spool)) == everyone

    fake.faults.clear()
    async with tracker(fake, spool) as client:
        pass
    assert delivered(fake) == everyone
    assert client.stats.sent == 2_500
    assert on_disk(spool) == []


@pytest.mark.anyio
async def test_a_second_process_on_the_same_spool_gets_a_clear_error(
    fake: FakeConvert, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    child = await Child.start(mode="hold", **settings(fake, spool))
    holder = (await child.said())["holding"]
    second = tracker(fake, spool)
    with pytest.raises(SpoolError, match=f"in use by another process \\(pid {holder}\\)"):
        await second.open()
    await child.kill()  # the kernel releases the lock of a dead process
    async with tracker(fake, spool) as third:
        assert third.track_bucketing("v1", 1, 2)
    assert delivered(fake) == {"v1"}


@pytest.mark.anyio
async def test_a_spool_write_failure_is_counted_and_flush_still_returns(tmp_path: Path) -> None:
    child = await Child.start(mode="disk-full", spool=str(tmp_path / "spool"))
    report = await child.said()
    await child.process.wait()
    stats = report["stats"]
    assert report["flushed"] is True
    assert stats["enqueued"] == 1_000
    assert stats["sent"] == report["delivered"] == 10  # the queue's worth
    assert stats["failed"] == 990  # the overflow the disk refused: counted, not lost silently
    assert stats["sent"] + stats["failed"] + stats["spooled"] + stats["dropped"] == 1_000


@pytest.mark.anyio
async def test_a_forked_child_starts_with_a_fresh_empty_sender() -> None:
    child = await Child.start(mode="fork")
    report = await child.said()
    assert await child.process.wait() == 0
    fresh = report["child"]["fresh"]
    assert (fresh["enqueued"], fresh["queue_depth"], fresh["sent"]) == (0, 0, 0)
    assert report["child"]["delivered"] == [100]  # it runs a sender of its own
    assert report["parent_delivered"] == [0, 1, 2, 3, 4]  # the parent's events, once
