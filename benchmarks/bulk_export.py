"""Export 1,000 aggregated reports from FakeConvert with 50 ms injected latency per request.

Compares, in one run against the same server process (FakeConvert in a subprocess):
  (a) ``export_reports(..., concurrency=50)`` writing CSV (listing the project included);
  (b) the same with a checkpoint file (a group-committed fsync after every batch of rows);
  (a') the same with ``AdaptiveRateLimiter(opening_window=4)``: what opening few requests at
      a time until replies are accepted costs against a server with no limit;
  (c) the bare report calls under a semaphore, nothing else: the floor on this machine;
  (d) a sequential loop: list the experiences, then await one report after another and write
      its rows. It would take ~50 s for all 1,000, so by default it runs over the first 100
      and is scaled up (``--full`` runs all of them).
Prints the times and the ratio to the ideal ``1000 / 50 x 50 ms = 1 s`` (goal <= 1.3).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import tempfile
import time
from pathlib import Path

from benchmarks._fake_process import FakeServer, fake_server
from convert_async import AdaptiveRateLimiter, ConvertClient, HmacAuth
from convert_async.testing import FakeConvert
from convert_async.v2 import AggregatedRow, ExportResult, export_reports

REPORTS = 1_000
LATENCY = 0.05
CONCURRENCY = 50
SEQUENTIAL_SAMPLE = 100
APP_ID, SECRET = FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET


def client_for(server: FakeServer, *, opening_window: int | None = None) -> ConvertClient:
    """A client of ``server`` whose limiter has that ``opening_window``."""
    limiter = AdaptiveRateLimiter(opening_window=opening_window)
    return ConvertClient(HmacAuth(APP_ID, SECRET), base_url=server.url, rate_limiter=limiter)


async def with_export_reports(
    server: FakeServer,
    out: Path,
    checkpoint: Path | None = None,
    *,
    opening_window: int | None = None,
) -> tuple[float, ExportResult]:
    async with client_for(server, opening_window=opening_window) as client:
        started = time.perf_counter()
        result = await export_reports(
            client,
            account_id=server.account_id,
            project_id=server.project_id,
            out=out,
            checkpoint=checkpoint,
            concurrency=CONCURRENCY,
        )
        elapsed = time.perf_counter() - started
    assert result.ok, result.failures
    assert result.exported == REPORTS, result
    return elapsed, result


async def bare_gather(server: FakeServer) -> float:
    """The same report calls with nothing around them (experiences listed beforehand, no
    output): what client and fake cost on this machine."""
    async with client_for(server) as client:
        pager = client.experiences.list(account_id=server.account_id, project_id=server.project_id)
        ids = [e.id async for e in pager if e.id is not None]  # the fake numbers every one
        slots = asyncio.Semaphore(CONCURRENCY)

        async def one(experience_id: int) -> None:
            async with slots:
                await client.reports.get_aggregated(
                    account_id=server.account_id,
                    project_id=server.project_id,
                    experience_id=experience_id,
                )

        started = time.perf_counter()
        await asyncio.gather(*(one(experience_id) for experience_id in ids))
        return time.perf_counter() - started


async def sequential_loop(server: FakeServer, out: Path, limit: int) -> tuple[float, int]:
    """What a simple script does: one report after another."""
    async with client_for(server) as client:
        started = time.perf_counter()
        pager = client.experiences.list(account_id=server.account_id, project_id=server.project_id)
        experiences = [e async for e in pager][:limit]
        with out.open("w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(AggregatedRow.COLUMNS)
            for exp in experiences:
                assert exp.id is not None  # the fake numbers every experience
                report = await client.reports.get_aggregated(
                    account_id=server.account_id,
                    project_id=server.project_id,
                    experience_id=exp.id,
                )
                for goal in report.report_data or ():
                    for v in goal.variations or ():
                        data = v.conversion_data
                        ids = (server.account_id, server.project_id, exp.id, exp.name)
                        names = (report.stats_methodology, goal.goal_id, v.id, v.visitors)
                        numbers = (data.conversions, data.conversion_rate) if data else (None, None)
                        writer.writerow((*ids, *names, *numbers, goal.srm, goal.srm_pvalue))
        return time.perf_counter() - started, len(experiences)


def main(full: bool = False) -> dict[str, float]:
    ideal = REPORTS / CONCURRENCY * LATENCY
    print(
        f"Export {REPORTS:,} aggregated reports, {LATENCY * 1000:.0f} ms latency per request, "
        f"concurrency {CONCURRENCY}"
    )
    with (
        fake_server(experiences=REPORTS, latency=LATENCY, goals=2) as server,
        tempfile.TemporaryDirectory() as scratch,
    ):
        folder = Path(scratch)
        runs, windowed = [], []
        for _ in range(3):  # interleaved, so that both see the same machine
            runs.append(asyncio.run(with_export_reports(server, folder / "a.csv")))
            export = with_export_reports(server, folder / "a.csv", opening_window=4)
            windowed.append(asyncio.run(export)[0])
        total, result = min(runs, key=lambda run: run[0])
        print(f"  {'export_reports -> CSV (best of 3)':<44} {total * 1000:8.0f} ms")
        print(f"  {'  rows written':<44} {result.rows:8d}")
        with_window = min(windowed)
        label = "the same, opening_window=4 (best of 3)"
        print(f"  {label:<44} {with_window * 1000:8.0f} ms")
        checkpointed, _ = asyncio.run(
            with_export_reports(server, folder / "b.csv", folder / "b.ckpt")
        )
        print(f"  {'export_reports -> CSV + checkpoint':<44} {checkpointed * 1000:8.0f} ms")
        floor = min(asyncio.run(bare_gather(server)) for _ in range(3))
        print(f"  {'bare gather of the calls (best of 3)':<44} {floor * 1000:8.0f} ms")
        limit = REPORTS if full else SEQUENTIAL_SAMPLE
        seconds, done = asyncio.run(sequential_loop(server, folder / "c.csv", limit))
        sequential = seconds * REPORTS / done
        label = "sequential loop" + ("" if full else f" ({done} reports, x{REPORTS // done})")
        print(f"  {label:<44} {sequential * 1000:8.0f} ms")
    results = {
        "seconds": total,
        "ratio_to_ideal": total / ideal,
        "checkpoint_ratio_to_ideal": checkpointed / ideal,
        "opening_window_cost": with_window / total,
        "bare_gather_ratio_to_ideal": floor / ideal,
        "speedup_vs_sequential": sequential / total,
    }
    print(f"  ideal {REPORTS}/{CONCURRENCY} x {LATENCY * 1000:.0f} ms = {ideal * 1000:.0f} ms")
    print(f"  export_reports / ideal = {results['ratio_to_ideal']:.2f} (goal <= 1.3)")
    print(f"  with checkpoint / ideal = {results['checkpoint_ratio_to_ideal']:.2f}")
    print(f"  opening_window=4 / without = {results['opening_window_cost']:.2f}")
    print(f"  bare gather / ideal = {results['bare_gather_ratio_to_ideal']:.2f} (this machine)")
    print(f"  export_reports is {results['speedup_vs_sequential']:.0f}x faster than the loop")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run the whole sequential loop")
    main(full=parser.parse_args().full)
