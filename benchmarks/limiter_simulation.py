"""``AdaptiveRateLimiter`` against modelled rate-limited servers, in virtual time.

The real limiter runs on an asyncio event loop whose clock jumps to the next timer instead of
sleeping, so a 20 s export at the limit takes well under a second and the result does not
depend on how loaded the machine is. 50 tasks share the limiter as ``export_reports`` does: a
request takes a slot and a token, the server decides when it arrives (half the latency), a
refused request waits without a slot, as the SDK's retry policy has it wait (its own
``Retry-After``, or in the limiter's queue while the limiter probes a used-up window), and is
sent again.

Servers: fixed one-second windows (at a random phase), a sliding log over the trailing second,
and token buckets (nginx ``limit_req`` arithmetic) with a burst of a tenth of the rate and of
the whole rate; 50, 100 and 200 req/s (at 50 the opening's 50 requests are a second's quota); 5
and 50 ms latency; 429s answered at once or after the latency. Each case runs with eight seeds
(window phase, latency jitter). Goal per case (issue 13): >= 90% of the limit sustained with <=
5% of requests answered 429, on average. Beside it, the share of 429s leaving out the first
second's: an opening that meets a quota no bigger than what is in flight is refused about as
many requests as are in flight before the first 429 can come back (50 of a 20 s export's 1,000
at 50 req/s), whatever the limiter does.

Then a server with no limit that refuses 5% of requests at random (``Retry-After: 1``), 1,000
requests at 50 ms, 429s at once (a gateway refusing before the work) or after the latency:
the time over the same run without refusals, median of the seeds (goal: at most 3x). A
request refused twice in a row waits 2 s whatever the client does, so about 2x is the floor.

``python -m benchmarks.limiter_simulation`` (``--seconds 5`` for short exports,
``--opening-window 4`` for a limiter that opens few requests at a time while no limit is
known). Last, what that window costs against a server with no limit: a clean run's time with
and without it.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import selectors
import statistics
import sys
from collections import deque
from collections.abc import Callable
from typing import Protocol

from convert_async import AdaptiveRateLimiter, RetryPolicy

CONCURRENCY = 50
SECONDS = 20  # of work at the limit per case
SEEDS = range(8)
#: Client CPU per request sent (signing, aiohttp), taken one request at a time: a real export's
#: 50 opening requests leave over about 45 ms, not at one instant, which is what lets a token
#: bucket's burst pass for a fixed window's quota.
SEND_CPU = 0.0009
RANDOM_SHARE = 0.05
RANDOM_REPORTS = 1_000
#: The opening window the docs suggest for a server whose quota is not known.
OPENING_WINDOW = 4


class Server(Protocol):
    def refuse(self, now: float) -> int | None:
        """The Retry-After of a 429 for a request arriving at ``now``, or None to accept."""


class FixedWindows:
    def __init__(self, rate: int, phase: float) -> None:
        self.rate, self.phase, self.window, self.count = rate, phase, -1, 0

    def refuse(self, now: float) -> int | None:
        at = now + self.phase
        window = math.floor(at)
        if window != self.window:
            self.window, self.count = window, 0
        self.count += 1
        return None if self.count <= self.rate else max(1, math.ceil(window + 1 - at))


class SlidingLog:
    def __init__(self, rate: int) -> None:
        self.rate, self.log = rate, deque[float]()

    def refuse(self, now: float) -> int | None:
        while self.log and self.log[0] <= now - 1:
            self.log.popleft()
        if len(self.log) >= self.rate:
            return max(1, math.ceil(self.log[0] + 1 - now))
        self.log.append(now)
        return None


class TokenBucket:
    def __init__(self, rate: int, burst: int) -> None:
        self.rate, self.burst, self.excess, self.at = rate, burst, 0.0, -math.inf

    def refuse(self, now: float) -> int | None:
        excess = max(0.0, self.excess - (now - self.at) * self.rate) if self.excess else 0.0
        self.at = now
        if excess + 1 > self.burst + 1e-9:
            self.excess = excess
            return 1
        self.excess = excess + 1
        return None


class RandomRefusals:
    """No limit: each request is refused (``Retry-After: 1``) with probability ``share``."""

    def __init__(self, share: float, seed: int) -> None:
        self.share, self.random = share, random.Random(seed)

    def refuse(self, now: float) -> int | None:
        return 1 if self.random.random() < self.share else None


class _Clock:
    now = 1000.0


class _JumpingSelector(selectors.DefaultSelector):
    """Waiting for a timer moves the clock to it (no real I/O happens in the simulation)."""

    clock = _Clock()

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and timeout > 0:
            self.clock.now += timeout
        return super().select(0)


async def _export(
    server: Server,
    requests: int,
    latency: float,
    refuse_at_once: bool,
    seed: int,
    opening_window: int | None,
) -> tuple[float, int, int, int]:
    clock = _JumpingSelector.clock
    jitter = random.Random(seed)
    limiter = AdaptiveRateLimiter(
        clock=lambda: clock.now, sleep=asyncio.sleep, opening_window=opening_window
    )
    waits = RetryPolicy(sleep=asyncio.sleep)  # how the SDK waits out a 429
    slots = asyncio.Semaphore(CONCURRENCY)
    counts = [0, 0, 0]  # accepted, refused, refused within the first second
    cpu_free_at = [clock.now]
    started = clock.now

    async def report() -> None:
        while True:
            async with slots, limiter.slot() as sent_at:
                cpu_free_at[0] = max(cpu_free_at[0], clock.now) + SEND_CPU
                await asyncio.sleep(cpu_free_at[0] - clock.now)
                this = latency * (0.8 + 0.4 * jitter.random())
                await asyncio.sleep(this / 2)
                retry_after = server.refuse(clock.now)
                if retry_after is None:
                    await asyncio.sleep(this / 2)
                    limiter.on_success(sent_at=sent_at)
                    counts[0] += 1
                    return
                await asyncio.sleep(0.001 if refuse_at_once else this / 2)
                limiter.on_throttled(float(retry_after), sent_at=sent_at)
                counts[1] += 1
                counts[2] += clock.now < started + 1
            await waits.wait_throttled(float(retry_after), limiter)

    await asyncio.gather(*(report() for _ in range(requests)))
    accepted, refused, opening = counts
    return clock.now - started, accepted, refused, opening


def run(
    kind: str,
    rate: int,
    latency: float,
    refuse_at_once: bool,
    seed: int,
    seconds: int = SECONDS,
    opening_window: int | None = None,
) -> tuple[float, float, float]:
    """One export of ``seconds`` at the limit: (share of the limit sustained, share of requests
    answered 429, that share leaving out the refusals of the first second)."""
    phase = random.Random(seed).random()
    servers: dict[str, Callable[[], Server]] = {
        "fixed windows": lambda: FixedWindows(rate, phase),
        "sliding log": lambda: SlidingLog(rate),
        "bucket, burst R/10": lambda: TokenBucket(rate, max(1, rate // 10)),
        "bucket, burst R": lambda: TokenBucket(rate, rate),
    }
    server = servers[kind]()
    elapsed, accepted, refused, opening = _run_loop(
        server, rate * seconds, latency, refuse_at_once, seed, opening_window
    )
    later = (refused - opening) / (accepted + refused - opening)
    return accepted / elapsed / rate, refused / (accepted + refused), later


def _run_loop(
    server: Server,
    requests: int,
    latency: float,
    refuse_at_once: bool,
    seed: int,
    opening_window: int | None = None,
) -> tuple[float, int, int, int]:
    # Every run starts at the same time, so a window's phase is the one its seed gave, whatever
    # ran before it in the process.
    _JumpingSelector.clock.now = _Clock.now
    loop = asyncio.SelectorEventLoop(_JumpingSelector())
    loop.time = lambda: _JumpingSelector.clock.now  # type: ignore[method-assign]
    try:
        export = _export(server, requests, latency, refuse_at_once, seed, opening_window)
        return loop.run_until_complete(export)
    finally:
        loop.close()


def random_refusals(
    share: float,
    latency: float,
    refuse_at_once: bool,
    seed: int,
    opening_window: int | None = None,
) -> float:
    """``RANDOM_REPORTS`` requests against random 429s: the time over a clean run's."""
    times = [
        _run_loop(
            RandomRefusals(refused, seed),
            RANDOM_REPORTS,
            latency,
            refuse_at_once,
            seed,
            opening_window,
        )[0]
        for refused in (0.0, share)
    ]
    return times[1] / times[0]


def clean_time(requests: int, latency: float, opening_window: int | None) -> float:
    """How long ``requests`` take against a server with no limit (seed 0)."""
    return _run_loop(RandomRefusals(0.0, 0), requests, latency, True, 0, opening_window)[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.limiter_simulation")
    parser.add_argument("--seconds", type=int, default=SECONDS, help="of work at the limit")
    parser.add_argument(
        "--opening-window", type=int, default=None, help="AdaptiveRateLimiter(opening_window=N)"
    )
    args = parser.parse_args(argv)
    seconds = args.seconds
    window = args.opening_window
    print(
        f"AdaptiveRateLimiter(opening_window={window}) in virtual time: {CONCURRENCY} tasks,"
        f" {seconds} s at the limit"
    )
    failed = cases = 0
    for kind in ("fixed windows", "sliding log", "bucket, burst R/10", "bucket, burst R"):
        for rate in (50, 100, 200):
            for latency in (0.005, 0.05):
                for at_once in (True, False) if latency > 0.01 else (True,):
                    runs = [run(kind, rate, latency, at_once, s, seconds, window) for s in SEEDS]
                    sustained = sum(r[0] for r in runs) / len(runs)
                    refused = sum(r[1] for r in runs) / len(runs)
                    later = sum(r[2] for r in runs) / len(runs)
                    bad = sustained < 0.9 or refused > 0.05
                    failed += bad
                    cases += 1
                    when = "at once" if at_once else "late"
                    worst = f"{min(r[0] for r in runs):6.1%}, {max(r[1] for r in runs):5.1%}"
                    print(
                        f"  {kind:<19} {rate:>3} req/s {latency * 1000:>3.0f} ms, 429 {when:<7}"
                        f" sustained {sustained:6.1%}, 429s {refused:5.1%}"
                        f" ({later:4.1%} after 1 s)"
                        f" (worst run {worst})"
                        f"{'  NOT MET' if bad else ''}"
                    )
    print(f"goals met in {cases - failed} of {cases} cases")
    print(f"{RANDOM_SHARE:.0%} random 429s (Retry-After 1), {RANDOM_REPORTS:,} requests, no limit:")
    for at_once in (True, False):
        ratios = [random_refusals(RANDOM_SHARE, 0.05, at_once, seed, window) for seed in SEEDS]
        median = statistics.median(ratios)
        bad = median > 3
        failed += bad
        when = "at once" if at_once else "after the latency"
        print(
            f"  50 ms, 429 {when:<17} median {median:.2f}x the clean time"
            f" ({min(ratios):.2f}-{max(ratios):.2f}x){'  NOT MET' if bad else ''}"
        )
    print(
        f"No limit, no refusals: the time with opening_window={window or OPENING_WINDOW}"
        " over the time without"
    )
    for latency in (0.005, 0.05):
        for requests in (200, 1_000, 5_000):
            with_window = clean_time(requests, latency, window or OPENING_WINDOW)
            without = clean_time(requests, latency, None)
            print(
                f"  {requests:>5,} requests at {latency * 1000:>2.0f} ms: {with_window:.2f} s"
                f" against {without:.2f} s, {with_window / without:.2f}x"
            )
    return failed


if __name__ == "__main__":
    main(sys.argv[1:])
