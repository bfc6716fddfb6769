"""Child processes for tests/test_spool_crash.py: each mode prints what the test needs on
stdout, one JSON object or marker per line, and some wait there to be killed with SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

import msgspec

from convert_async import RetryPolicy, TrackingClient
from convert_async._core.events import Batch, EventSender


class Event(msgspec.Struct):
    n: int


def say(message: object) -> None:
    print(json.dumps(message), flush=True)


def tracker(args: dict[str, Any]) -> TrackingClient:
    # Retries far apart: a batch stays in flight, unsettled, until the test kills us.
    delay = float(args.get("retry_delay", 30))
    slow = RetryPolicy(max_retries=1_000, initial_delay=delay, max_delay=delay)
    return TrackingClient(
        args["sdk_key"],
        args["secret"],
        account_id=args["account"],
        project_id=args["project"],
        config_base_url=args["url"],
        track_base_url=args["url"],
        spool_path=args["spool"],
        retry=slow,
        **args.get("options", {}),
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


async def blast(args: dict[str, Any]) -> None:
    """Track ``per_tick`` events every ``tick`` seconds until killed (tests/test_spool_hostile.py):
    a high-rate producer whose segments rotate while batches are in flight and retried."""
    per_tick, tick, prefix = int(args["per_tick"]), float(args["tick"]), args.get("prefix", "v")
    async with tracker(args) as client:
        say({"started": os.getpid()})
        n = 0
        while True:
            for _ in range(per_tick):
                client.track_bucketing(f"{prefix}{n}", 1, 2)
                n += 1
            await asyncio.sleep(tick)


async def settle_then_freeze(args: dict[str, Any]) -> None:
    """Fill a segment, start the next one while the first one's batches are in flight, and
    freeze the process (the loop blocked, so the 50 ms settlement timer cannot fire) as soon as
    the first segment is sent: it is settled, but the writer thread was never told."""
    async with tracker(args) as client:
        for n in range(1_000):
            client.track_bucketing(f"v{n}", 1, 2)
        while client.stats.in_flight == 0:  # noqa: ASYNC110 - the sender signals nothing
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.15)  # the first segment is now older than SEGMENT_SECONDS
        for n in range(1_000, 1_100):
            client.track_bucketing(f"v{n}", 1, 2)
        await client.flush(timeout=0.01)  # forms (and writes) the partial batch: rotation
        in_flight = client.stats.in_flight
        while client.stats.sent < 1_000:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        say({"sent": client.stats.sent, "in_flight_after_rotation": in_flight})
        time.sleep(120)  # noqa: ASYNC251 - blocking on purpose: no timer may run until the kill


async def idle(args: dict[str, Any]) -> None:
    """Track a few events, let them be sent and settled long ago, and wait with nothing in
    flight."""
    async with tracker(args) as client:
        for n in range(int(args["count"])):
            client.track_bucketing(f"v{n}", 1, 2)
        await client.flush(timeout=10)
        await asyncio.sleep(0.3)  # every settlement reached the writer thread long ago
        stats = client.stats
        say({"sent": stats.sent, "in_flight": stats.in_flight, "depth": stats.queue_depth})
        await asyncio.Event().wait()


MODES = {
    "resend": resend,
    "track": track,
    "hold": hold,
    "disk-full": disk_full,
    "fork": fork,
    "blast": blast,
    "settle-then-freeze": settle_then_freeze,
    "idle": idle,
}

if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    Path(arguments.get("spool", ".")).parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(MODES[arguments["mode"]](arguments))
