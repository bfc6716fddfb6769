"""``export_reports`` against fixed one-second windows, started at set phases of the second.

``python -m benchmarks.window_phases [--rate R] [--reports N] [--latency S] [--phases P,...]``
starts FakeConvert in a subprocess enforcing R requests per second per window (429 +
``Retry-After``), waits until the given fraction of the current second (the fake's windows are
whole seconds of the shared monotonic clock), exports N reports at concurrency 50 and prints
the share of the limit sustained and of requests answered 429 for each phase. Where the
opening falls within the server's second decides what the limiter learns from it: an opening
straddling two windows, or a window starting anew just as the opening pauses, costs more
429s than one inside a window (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from benchmarks._fake_process import fake_server
from benchmarks.throttled_export import export


def run(rate: int, reports: int, latency: float, phase: float) -> tuple[float, float]:
    """One export started ``phase`` into a second: (share of the limit, share refused)."""
    with fake_server(experiences=reports, latency=latency, goals=2, max_rate=rate) as server:
        time.sleep((phase - time.monotonic() % 1.0) % 1.0)
        elapsed, _ = asyncio.run(export(server, reports))
    accepted = sum(n for status, n in server.statuses.items() if status != 429)
    refused = server.statuses.get(429, 0)
    return accepted / elapsed / rate, refused / (accepted + refused)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.window_phases")
    parser.add_argument("--rate", type=int, default=100, help="requests per second allowed")
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument(
        "--phases", default="0,0.3,0.7,0.75,0.8,0.9", help="fractions of a second, comma-separated"
    )
    args = parser.parse_args(argv)
    phases = [float(phase) for phase in args.phases.split(",")]
    print(
        f"export_reports, {args.reports:,} reports at concurrency 50 against fixed windows of "
        f"{args.rate} req/s ({args.latency * 1000:.0f} ms per request)"
    )
    refused_shares = []
    for phase in phases:
        sustained, refused = run(args.rate, args.reports, args.latency, phase)
        refused_shares.append(refused)
        print(
            f"  started {phase:.2f} s into a second: sustained {sustained:4.0%} of the limit, "
            f"{refused:5.1%} answered 429"
        )
    print(
        f"  429s: mean {statistics.mean(refused_shares):.1%}, "
        f"worst {max(refused_shares):.1%} (goal <= 5%)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
