"""Child processes for tests/test_spool_crash.py: each mode prints what the test needs on
stdout, one JSON object or marker per line, and some wait there to be killed with SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import sys
from pathlib import Path

import msgspec

from convert_async import RetryPolicy, TrackingClient
from convert_async._core.events import Batch, EventSender


class Event(msgspec.Struct):
    n: int


def say(message: object) -> None:
    print(json.dumps(message), flush=True)


def tracker(args: dict[str, str]) -> TrackingClient:
    # Retries far apart: a batch stays in flight, unsettled, until the test kills us.
    slow = RetryPolicy(max_retries=1_000, initial_delay=30, max_delay=30)
    return TrackingClient(
        args["sdk_key"],
        args["secret"],
        account_id=args["account"],
        project_id=args["project"],
        config_base_url=args["url"],
        track_base_url=args["url"],
        spool_path=args["spool"],
        retry=slow,
    )


async def resend(args: dict[str, str]) -> None:
    """Open a client on an existing spool and wait, its first batches in flight."""
    async with tracker(args) as client:
        # The sender signals nothing to await: look at its counters until a batch is out.
        while client.stats.in_flight == 0:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        say({"running": client.stats.enqueued})
        await asyncio.Event().wait()


async def track(args: dict[str, str]) -> None:
    """Track events, make them durable (flush), and wait."""
    async with tracker(args) as client:
        for n in range(int(args["count"])):
            client.track_bucketing(f"v{n}", 1, 2)
            if n % 500 == 0:
                await asyncio.sleep(0)
        await client.flush(timeout=0.1)
        say({"tracked": client.stats.enqueued})
        await asyncio.Event().wait()


async def hold(args: dict[str, str]) -> None:
    """Hold the spool, and wait."""
    async with tracker(args):
        say({"holding": os.getpid()})
        await asyncio.Event().wait()


async def disk_full(args: dict[str, str]) -> None:
    """Every spool write beyond a few kilobytes fails (EFBIG, like a full disk)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4_096, resource.RLIM_INFINITY))
    delivered: list[int] = []

    async def deliver(batch: Batch[Event]) -> None:
        delivered.extend(event.n for event in batch.events)

    sender = EventSender(
        deliver,
        event_type=Event,
        spool_path=args["spool"],
        max_queue_size=10,
        overflow="spool",
        batch_size=10,
    )
    await sender.start()
    for n in range(1_000):
        sender.offer(Event(n))
    flushed = await sender.flush(timeout=10)
    await sender.aclose(timeout=10)
    stats = sender.stats
    say({"flushed": flushed, "stats": msgspec.to_builtins(stats), "delivered": len(delivered)})


async def fork(args: dict[str, str]) -> None:
    """Fork with events queued: the child must start empty and work on its own."""
    delivered: list[int] = []

    async def deliver(batch: Batch[Event]) -> None:
        delivered.extend(event.n for event in batch.events)

    sender = EventSender(deliver, event_type=Event, flush_interval=60)
    await sender.start()
    for n in range(5):
        sender.offer(Event(n))
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a fresh loop, and the sender must be fresh too
        os.close(read)
        report = asyncio.new_event_loop().run_until_complete(child_after_fork(sender, delivered))
        os.write(write, json.dumps(report).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = json.loads(await asyncio.to_thread(pipe.read))
    await asyncio.to_thread(os.waitpid, pid, 0)
    await sender.aclose(timeout=5)
    say({"child": child, "parent_delivered": delivered})


async def child_after_fork(sender: EventSender[Event], delivered: list[int]) -> dict[str, object]:
    fresh = msgspec.to_builtins(sender.stats)
    before = list(delivered)
    await sender.start()
    sender.offer(Event(100))
    await sender.aclose(timeout=5)
    return {"fresh": fresh, "delivered": [n for n in delivered if n not in before]}


MODES = {"resend": resend, "track": track, "hold": hold, "disk-full": disk_full, "fork": fork}

if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    Path(arguments.get("spool", ".")).parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(MODES[arguments["mode"]](arguments))
