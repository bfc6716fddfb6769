"""Tracking sender: convert_async's TrackingClient vs the official ``convert-python-sdk``.

Both send the same events (conversions of one goal with revenue, spread over 1,000 visitors)
to the same FakeConvert, which runs in its own process and is served over TLS with a
self-signed certificate (the official SDK refuses plain HTTP). Measured in one run:

  (1) enqueue: the cost of one tracking call, measured in chunks of 1,000 calls (time the chunk,
      divide by 1,000) over N calls; the median chunk is reported. With its default
      ``batch_size=10`` the official SDK POSTs every tenth call synchronously, inside the call,
      so that row is what its caller really pays; the "no network" row raises its batch size
      and flushes between chunks (outside the timing) to show its bare queueing cost.
  (2) throughput: enqueue N events, flush, and wait until the fake has recorded all of them;
      delivered events per second, start to finish. The CPU columns split the cost between the
      client process and the fake's process (CPU microseconds per event). Each round runs ours,
      the official SDK, then ours again; the ratio reported is the median round's.

The official SDK gets its config as in production: ``Core(SDKConfig(sdk_key=..., transport=
TransportConfig(base_url=<fake origin>, track_base_url=<fake serving URL>, auth_secret=<key
secret>)))`` fetches ``/api/v1/config/{sdk_key}`` from the fake and POSTs to
``/track/{sdk_key}``. Its event call is ``Context.track_conversion(goal_key, revenue=...,
force_multiple=True)`` on a context per visitor created before the timing (``force_multiple``
so a visitor's repeat conversions are sent, as ours are). The benchmark checks that both
SDKs' events arrive identical on the wire.

  (3) spool cost: our throughput with a durable spool configured (every batch written to disk
      before it is sent, segments deleted once sent) against the same without one, in
      interleaved rounds; the median ratio is reported (goal: under 10% slower).

``python -m benchmarks.tracking [--events N] [--rounds R] [--spool-cost]`` (needs
``pip install -e '.[bench]'``; ``--spool-cost`` runs only (3) and needs no official SDK).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import aiohttp

from benchmarks._serving_process import ServingServer, serving_server
from convert_async import TrackingClient

EVENTS = 100_000
CHUNK = 1_000
VISITORS = 1_000
REVENUE = 19.99
OFFICIAL_BATCH = 10  # the official SDK's default batch size
OURS_BATCH = 100  # TrackingClient's default batch size
ENQUEUE_GOAL_US = 5.0
THROUGHPUT_GOAL = 20.0
ROUNDS = 3  # throughput rounds; each runs both SDKs back to back
SPOOL_GOAL = 0.10  # the durable spool may cost at most this share of the throughput


@dataclass(frozen=True)
class Enqueue:
    name: str
    median_us: float
    p90_us: float
    accepted: int


@dataclass(frozen=True)
class Throughput:
    name: str
    events: int
    seconds: float
    client_cpu: float
    fake_cpu: float | None
    last_event: dict[str, Any]

    @property
    def per_second(self) -> float:
        return self.events / self.seconds


def chunk_stats(per_call: list[float]) -> tuple[float, float]:
    """Median and 90th percentile of the chunks' per-call times, in microseconds."""
    return statistics.median(per_call) * 1e6, statistics.quantiles(per_call, n=10)[-1] * 1e6


class Meter:
    """Wall time, this process's CPU time and the fake's CPU time over a measured interval."""

    def __init__(self, server: ServingServer) -> None:
        self._server = server
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        self._fake = server.cpu_seconds()

    def stop(self) -> tuple[float, float, float | None]:
        fake = self._server.cpu_seconds()
        fake_cpu = None if fake is None or self._fake is None else fake - self._fake
        return time.perf_counter() - self._wall, time.process_time() - self._cpu, fake_cpu


# -- what the fake recorded (its control app, plain HTTP) -----------------------------------------


def clear(server: ServingServer) -> None:
    """Make the fake forget what it recorded, so each run starts from the same state."""
    request = urllib.request.Request(f"{server.control_url}/clear", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


def recorded(server: ServingServer) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.control_url}/count", timeout=10) as reply:  # noqa: S310
        answer: dict[str, Any] = json.load(reply)
    return answer


def last_event(server: ServingServer) -> dict[str, Any]:
    """The last event the fake recorded, as it arrived (read after the timing)."""
    with urllib.request.urlopen(f"{server.control_url}/last", timeout=30) as reply:  # noqa: S310
        answer: dict[str, Any] = json.load(reply)
    return answer


def wait_recorded(server: ServingServer, expected: int, timeout: float = 300.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (answer := recorded(server))["events"] < expected and time.monotonic() < deadline:
        time.sleep(0.001)
    return answer


async def arecorded(session: aiohttp.ClientSession, server: ServingServer) -> dict[str, Any]:
    async with session.get(f"{server.control_url}/count") as reply:
        answer: dict[str, Any] = await reply.json()
    return answer


async def await_recorded(
    session: aiohttp.ClientSession, server: ServingServer, expected: int, timeout: float = 300.0
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while (answer := await arecorded(session, server))["events"] < expected:
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.001)
    return answer


# -- convert_async ------------------------------------------------------------------------------


def tracker(server: ServingServer, **options: Any) -> TrackingClient:
    return TrackingClient(
        server.sdk_key,
        server.secret,
        account_id=server.account_id,
        project_id=server.project_id,
        config_base_url=server.serving_url,
        track_base_url=server.serving_url,
        verify_ssl=ssl.create_default_context(cafile=server.cafile),
        **options,
    )


async def ours_enqueue(server: ServingServer, events: int) -> Enqueue:
    """Time ``track_conversion`` in chunks; the sender runs between chunks (untimed)."""
    visitors = [f"visitor-{n}" for n in range(VISITORS)]
    goal, per_call, accepted = server.goal_id, [], 0
    # A queue bound of N: every call is accepted (a full queue would time the cheap drop path).
    async with tracker(server, max_queue_size=events) as client:
        track = client.track_conversion
        for start in range(0, events, CHUNK):
            began = time.perf_counter()
            for n in range(start, start + CHUNK):
                accepted += track(visitors[n % VISITORS], goal, revenue=REVENUE)
            per_call.append((time.perf_counter() - began) / CHUNK)
            await asyncio.sleep(0)
        assert await client.flush(timeout=300)
    median, p90 = chunk_stats(per_call)
    return Enqueue("convert_async TrackingClient", median, p90, accepted)


async def ours_throughput(
    server: ServingServer, events: int, batch_size: int, spool_path: str | None = None
) -> Throughput:
    visitors = [f"visitor-{n}" for n in range(VISITORS)]
    goal = server.goal_id
    options = {"batch_size": batch_size, "max_queue_size": events, "spool_path": spool_path}
    async with aiohttp.ClientSession() as control, tracker(server, **options) as client:
        track = client.track_conversion
        track(visitors[0], goal, revenue=REVENUE)  # open the connection (TLS handshake)
        assert await client.flush(timeout=30)
        target = (await arecorded(control, server))["events"] + events
        meter = Meter(server)
        for start in range(0, events, CHUNK):
            for n in range(start, start + CHUNK):
                track(visitors[n % VISITORS], goal, revenue=REVENUE)
            await asyncio.sleep(0)  # an application yields to the loop between requests
        assert await client.flush(timeout=300)
        answer = await await_recorded(control, server, target)
        seconds, client_cpu, fake_cpu = meter.stop()
        stats = client.stats
    assert answer["events"] >= target, f"the fake recorded {answer['events']} of {target} events"
    assert stats.dropped == stats.failed == 0, stats
    name = f"convert_async TrackingClient (batch {batch_size}{', spool' if spool_path else ''})"
    return Throughput(name, events, seconds, client_cpu, fake_cpu, last_event(server))


def spool_cost(events: int, rounds: int) -> tuple[list[Throughput], list[Throughput]]:
    """Interleaved rounds of our throughput without, with, and again without a spool (and
    the other way round every second round, so drift favours neither)."""
    plain: list[Throughput] = []
    spooled: list[Throughput] = []
    with serving_server() as server, tempfile.TemporaryDirectory() as folder:

        def ours(spool: bool) -> Throughput:
            clear(server)
            path = f"{folder}/spool" if spool else None
            return asyncio.run(ours_throughput(server, events, OURS_BATCH, path))

        for index in range(rounds):
            order = (False, True, True, False) if index % 2 == 0 else (True, False, False, True)
            for spool in order:
                (spooled if spool else plain).append(ours(spool))
    return plain, spooled


def spool_main(events: int, rounds: int) -> None:
    print(f"Spool cost: {events:,} conversions into FakeConvert (own process, HTTPS)")
    plain, spooled = spool_cost(events, rounds)
    print(
        f"\n{'throughput, enqueue -> all delivered':<52}{'seconds':>10}{'events/s':>10}"
        f"{'client CPU':>12}"
    )
    for runs in (plain, spooled):
        t = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
        print(
            f"{t.name:<52}{t.seconds:>10.2f}{t.per_second:>10,.0f}"
            f"{_per_event(t.client_cpu, t.events):>12}"
        )
    # A round's cost: its spooled runs' time over its plain runs' time, minus one.
    costs = [
        sum(s.seconds for s in spooled[2 * i : 2 * i + 2])
        / sum(p.seconds for p in plain[2 * i : 2 * i + 2])
        - 1
        for i in range(rounds)
    ]
    cost = statistics.median(costs)
    print(
        f"spool cost: {cost:+.1%} of the time, median of rounds "
        f"{', '.join(f'{c:+.1%}' for c in costs)} (goal < {SPOOL_GOAL:.0%}: "
        f"{'met' if cost < SPOOL_GOAL else 'NOT met'})"
    )


# -- the official convert-python-sdk -------------------------------------------------------------


def official_core(server: ServingServer, batch_size: int) -> Any:
    from convert_sdk import Core
    from convert_sdk.config import SDKConfig, TransportConfig

    transport = TransportConfig(
        base_url=server.origin,
        track_base_url=server.serving_url,
        auth_secret=server.secret,
        # Passed through to httpx's ``verify``, which takes an SSLContext (typed bool).
        verify_tls=ssl.create_default_context(cafile=server.cafile),  # type: ignore[arg-type,unused-ignore]
    )
    config = SDKConfig(sdk_key=server.sdk_key, transport=transport, batch_size=batch_size)
    return Core(config).initialize()  # fetches the config from the fake


def official_calls(core: Any) -> list[Any]:
    """One context per visitor, created up front; their ``track_conversion`` methods."""
    return [core.create_context(f"visitor-{n}").track_conversion for n in range(VISITORS)]


def official_enqueue(server: ServingServer, events: int, *, network: bool) -> Enqueue:
    core = official_core(server, batch_size=OFFICIAL_BATCH if network else events + 1)
    try:
        calls, goal_key, per_call, accepted = official_calls(core), server.goal_key, [], 0
        for start in range(0, events, CHUNK):
            began = time.perf_counter()
            for n in range(start, start + CHUNK):
                result = calls[n % VISITORS](goal_key, revenue=REVENUE, force_multiple=True)
                accepted += result.tracked
            per_call.append((time.perf_counter() - began) / CHUNK)
            if not network:
                core.flush()  # deliver this chunk outside the timing (one POST of 1,000)
        core.flush()
    finally:
        core.close()
    median, p90 = chunk_stats(per_call)
    name = f"convert-python-sdk (batch {OFFICIAL_BATCH})" if network else "convert-python-sdk"
    return Enqueue(name if network else f"{name} (no network)", median, p90, accepted)


def official_throughput(server: ServingServer, events: int) -> Throughput:
    core = official_core(server, batch_size=OFFICIAL_BATCH)
    try:
        calls, goal_key = official_calls(core), server.goal_key
        calls[0](goal_key, revenue=REVENUE, force_multiple=True)  # open the connection
        core.flush()
        target = recorded(server)["events"] + events
        meter = Meter(server)
        for n in range(events):
            calls[n % VISITORS](goal_key, revenue=REVENUE, force_multiple=True)
        core.flush()
        answer = wait_recorded(server, target)
        seconds, client_cpu, fake_cpu = meter.stop()
    finally:
        core.close()
    assert answer["events"] >= target, f"the fake recorded {answer['events']} of {target} events"
    name = f"convert-python-sdk (batch {OFFICIAL_BATCH})"
    return Throughput(name, events, seconds, client_cpu, fake_cpu, last_event(server))


# -- report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """One round: each of our rows runs just before and just after the official SDK's run, so
    a machine that drifts faster or slower during the round moves both sides alike."""

    ours: tuple[Throughput, Throughput]  # default batch size, before and after
    ours_small: tuple[Throughput, Throughput]  # the official SDK's batch size
    official: Throughput

    @staticmethod
    def rate(pair: tuple[Throughput, Throughput]) -> float:
        return sum(t.events for t in pair) / sum(t.seconds for t in pair)

    @property
    def ratio(self) -> float:
        return self.rate(self.ours) / self.official.per_second

    @property
    def same_batch_ratio(self) -> float:
        return self.rate(self.ours_small) / self.official.per_second


def run(events: int = EVENTS, rounds: int = ROUNDS) -> tuple[list[Enqueue], list[Round]]:
    """The enqueue rows, then ``rounds`` throughput rounds (ours, ours at batch 10, official,
    ours at batch 10, ours)."""
    enqueue: list[Enqueue] = []
    measured: list[Round] = []
    with serving_server() as server:
        measures: tuple[Callable[[], None], ...] = (
            lambda: enqueue.append(asyncio.run(ours_enqueue(server, events))),
            lambda: enqueue.append(official_enqueue(server, events, network=True)),
            lambda: enqueue.append(official_enqueue(server, events, network=False)),
        )
        for measure in measures:
            clear(server)
            measure()

        def timed(measure: Callable[[], Throughput]) -> Throughput:
            clear(server)
            return measure()

        def ours(batch_size: int) -> Throughput:
            return timed(lambda: asyncio.run(ours_throughput(server, events, batch_size)))

        for _ in range(rounds):
            first, first_small = ours(OURS_BATCH), ours(OFFICIAL_BATCH)
            official = timed(lambda: official_throughput(server, events))
            last_small, last = ours(OFFICIAL_BATCH), ours(OURS_BATCH)
            measured.append(Round((first, last), (first_small, last_small), official))
    return enqueue, measured


def _per_event(seconds: float | None, events: int) -> str:
    return "n/a" if seconds is None else f"{seconds / events * 1e6:.1f}us"


def main(events: int = EVENTS, rounds: int = ROUNDS) -> None:
    print(
        f"Tracking sender: {events:,} conversions over {VISITORS:,} visitors into FakeConvert "
        f"(own process, HTTPS); convert-async {version('convert-async')}, "
        f"convert-python-sdk {version('convert-python-sdk')}"
    )
    enqueue, rounds_measured = run(events, rounds)
    print(f"\n{'enqueue, per call (chunks of 1,000)':<44}{'median':>10}{'p90':>10}{'accepted':>10}")
    for e in enqueue:
        print(f"{e.name:<44}{e.median_us:>8.2f}us{e.p90_us:>8.2f}us{e.accepted:>10,}")
    print(
        f"\n{'throughput, enqueue -> all delivered':<44}{'seconds':>10}{'events/s':>10}"
        f"{'client CPU':>12}{'fake CPU':>10}  (per event; median run of {rounds} rounds)"
    )
    columns = (
        [t for r in rounds_measured for t in r.ours],
        [t for r in rounds_measured for t in r.ours_small],
        [r.official for r in rounds_measured],
    )
    for runs in columns:
        t = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
        print(
            f"{t.name:<44}{t.seconds:>10.2f}{t.per_second:>10,.0f}"
            f"{_per_event(t.client_cpu, t.events):>12}{_per_event(t.fake_cpu, t.events):>10}"
        )
    last = [runs[0].last_event for runs in columns]
    same = all(
        {k: v for k, v in event.items() if k != "visitorId"}
        == {k: v for k, v in last[0].items() if k != "visitorId"}
        for event in last
    )
    print(f"same events on the wire: {'yes' if same else 'NO'} ({last[0]})")
    ours, official, bare = enqueue
    print(
        f"\nenqueue median: ours {ours.median_us:.2f}us (goal < {ENQUEUE_GOAL_US:g}us: "
        f"{'met' if ours.median_us < ENQUEUE_GOAL_US else 'NOT met'}); "
        f"official / ours = {official.median_us / ours.median_us:.1f}x "
        f"({bare.median_us / ours.median_us:.1f}x against its no-network enqueue)"
    )
    # Each round's ratio compares runs made back to back; the median round is reported.
    ratios = [r.ratio for r in rounds_measured]
    ratio = statistics.median(ratios)
    print(
        f"throughput: ours / official = {ratio:.1f}x, median of rounds "
        f"{', '.join(f'{r:.1f}x' for r in ratios)} (goal >= {THROUGHPUT_GOAL:g}x: "
        f"{'met' if ratio >= THROUGHPUT_GOAL else 'NOT met'}); at the same batch size "
        f"{statistics.median(r.same_batch_ratio for r in rounds_measured):.1f}x"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--spool-cost", action="store_true", help="only the spool comparison")
    arguments = parser.parse_args()
    if arguments.spool_cost:
        spool_main(arguments.events, arguments.rounds)
    else:
        main(arguments.events, arguments.rounds)
        spool_main(arguments.events, arguments.rounds)
