"""``export_reports`` at concurrency 50 under throttling, side by side with a clean export.

FakeConvert in a subprocess of its own per scenario (50 ms latency per request, two goals per
experience):
  (a) clean: no faults;
  (b) a server enforcing ``MAX_RATE`` requests per second with 429 + Retry-After beyond (every
      request counts: listing and reports), once per one-second window and once as a leaky
      bucket with a burst of ``BURST`` (nginx's limit_req). Reported: the rate sustained over the
      export (requests the server accepted / elapsed) as a share of the limit (goal >= 90%),
      and the share of requests answered 429 (goal <= 5%), counted by the server;
  (c) 5% random 429s with Retry-After 1, once per fault seed: time as a multiple of the clean
      time (goal: median <= 3x). A request refused k times in a row waits k Retry-Afters
      (k seconds) whatever the client does; the longest such run is printed beside each run.
The clean time is the median of ``CLEAN_RUNS`` runs.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks._fake_process import FakeServer, fake_server
from convert_async import ConvertClient, HmacAuth
from convert_async.testing import FakeConvert
from convert_async.v2 import ExportResult, export_reports

LATENCY = 0.05
CONCURRENCY = 50
REPORTS = 1_000  # clean and random-429 runs
MAX_RATE = 200  # requests per second the rate-limited servers allow
BURST = 20  # the leaky-bucket server's burst (nginx limit_req burst=, nodelay)
RATE_REPORTS = 4_000  # ~20 s at the limit: a start-up pause or a last Retry-After weighs 5%
RANDOM_429 = 0.05
CLEAN_RUNS = 3
SEEDS = (1, 2, 3, 4, 5)  # fault sequences of the random-429 runs
APP_ID, SECRET = FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET


async def export(server: FakeServer, expected: int) -> tuple[float, ExportResult]:
    async with ConvertClient(HmacAuth(APP_ID, SECRET), base_url=server.url) as client:
        started = time.perf_counter()
        result = await export_reports(
            client,
            account_id=server.account_id,
            project_id=server.project_id,
            concurrency=CONCURRENCY,
        )
        elapsed = time.perf_counter() - started
    assert result.ok, result.failures[:3]
    assert result.exported == expected, result
    return elapsed, result


def rate_limited(label: str, burst: int | None) -> tuple[float, float]:
    """Export against a server enforcing ``MAX_RATE``; print and return the share of the
    limit sustained and the share of requests answered 429 (both counted by the server)."""
    with fake_server(
        experiences=RATE_REPORTS, latency=LATENCY, goals=2, max_rate=MAX_RATE, rate_burst=burst
    ) as server:
        elapsed, result = asyncio.run(export(server, RATE_REPORTS))
    accepted = sum(n for status, n in server.statuses.items() if status != 429)
    refused = server.statuses.get(429, 0)
    sent = accepted + refused
    sustained = accepted / elapsed / MAX_RATE
    refused_share = refused / sent if sent else 0.0
    print(f"  {label:<52} {elapsed * 1000:8.0f} ms")
    print(
        f"    sustained {accepted / elapsed:.0f} req/s = {sustained:.0%} of the limit "
        f"(goal >= 90%); {refused} of {sent} requests answered 429 = {refused_share:.1%} "
        f"(goal <= 5%); limiter ended at {result.limiter.rate:.0f} req/s"
    )
    return sustained, refused_share


def main() -> dict[str, float]:
    print(
        f"export_reports under throttling: concurrency {CONCURRENCY}, "
        f"{LATENCY * 1000:.0f} ms latency per request"
    )
    with fake_server(experiences=REPORTS, latency=LATENCY, goals=2) as server:
        clean = statistics.median(
            asyncio.run(export(server, REPORTS))[0] for _ in range(CLEAN_RUNS)
        )
    print(f"  {f'clean, {REPORTS:,} reports (median of {CLEAN_RUNS})':<52} {clean * 1000:8.0f} ms")

    shares = [
        rate_limited(f"fixed {MAX_RATE} req/s windows, {RATE_REPORTS:,} reports", None),
        rate_limited(
            f"leaky bucket {MAX_RATE} req/s, burst {BURST}, {RATE_REPORTS:,} reports", BURST
        ),
    ]

    ratios = []
    for seed in SEEDS:
        with fake_server(
            experiences=REPORTS, latency=LATENCY, goals=2, rate_429=RANDOM_429, seed=seed
        ) as server:
            noisy, result = asyncio.run(export(server, REPORTS))
        ratios.append(noisy / clean)
        label = f"{RANDOM_429:.0%} random 429s (Retry-After 1), {REPORTS:,} reports, seed {seed}"
        print(f"  {label:<52} {noisy * 1000:8.0f} ms")
        print(
            f"    {noisy / clean:.2f}x the clean time; {server.statuses.get(429, 0)} replies 429, "
            f"up to {server.longest_429_run} in a row for one request (each one more "
            f"Retry-After); limiter ended at {result.limiter.rate:.0f} req/s "
            f"(lowest {result.limiter.lowest_rate:.0f})"
        )
    ratio = statistics.median(ratios)
    print(f"  random 429s: median {ratio:.2f}x the clean time (goal <= 3x)")
    return {
        "clean_seconds": clean,
        "sustained_share_of_limit": min(sustained for sustained, _ in shares),
        "refused_share": max(refused for _, refused in shares),
        "random_429_ratio_to_clean": ratio,
    }


if __name__ == "__main__":
    main()
