"""Run FakeConvert in its own process so the client under test has the event loop to itself.

``python -m benchmarks._fake_process --experiences N --latency S [--goals G]`` prints one JSON
line with the URL, account and project, then serves until stdin closes. ``--goals`` gives the
project goals first, so the generated experiences have report rows (two goals each at most).
``--max-rate R`` enforces R requests per second (429 + Retry-After beyond; per one-second
window, or as a leaky bucket with ``--rate-burst B``, nginx style), ``--rate-429 P``
answers a share P of requests 429 (Retry-After 1), drawn from ``--seed``'s sequence; on exit
it prints the statuses it answered and the longest run of 429s one request path got in a row.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from convert_async.testing import FakeConvert

ACCOUNT_ID = 1001


@dataclass
class FakeServer:
    url: str
    account_id: int
    project_id: int
    #: The statuses the server answered, by status, filled in when it has stopped.
    statuses: dict[int, int] = field(default_factory=dict)
    #: The most 429s one path (one report) got in a row, filled in when it has stopped.
    longest_429_run: int = 0


async def _serve(
    experiences: int,
    latency: float,
    goals: int = 0,
    max_rate: int | None = None,
    rate_429: float = 0.0,
    seed: int = 0,
    rate_burst: int | None = None,
) -> None:
    # The fake keeps every request and generated report, so its heap only grows during a run,
    # and the cyclic collector's full passes over it stalled the server for 30 ms at first and
    # 300 ms by the end: the requests that arrived meanwhile reached its rate limiter all at
    # once, as a burst no client sent (a gateway's limiter judges arrivals without pausing).
    # A benchmark run is short: the cycles it leaves are freed when the process exits.
    gc.disable()
    async with FakeConvert(seed=seed) as fake:
        project = fake.store.add("projects", {"name": "Benchmark"}, account_id=ACCOUNT_ID)
        for n in range(goals):
            scope = {"account_id": ACCOUNT_ID, "project_id": project["id"]}
            fake.store.add("goals", {"name": f"Benchmark goal {n + 1}"}, **scope)
        fake.store.add_experiences(ACCOUNT_ID, project["id"], experiences)
        fake.faults.latency = latency
        fake.faults.max_rate = max_rate
        fake.faults.rate_burst = rate_burst
        fake.faults.rate_limit_rate = rate_429
        fake.faults.retry_after = "1"
        info = {"url": fake.url, "account_id": ACCOUNT_ID, "project_id": project["id"]}
        print(json.dumps(info), flush=True)
        await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
        statuses: dict[str, int] = {}
        runs: dict[str, int] = {}
        longest = 0
        for request in fake.requests:
            statuses[str(request.status)] = statuses.get(str(request.status), 0) + 1
            run = runs[request.raw_path] = runs.get(request.raw_path, 0) + 1
            if request.status == 429:
                longest = max(longest, run)
            else:
                runs[request.raw_path] = 0
        print(json.dumps({"statuses": statuses, "longest_429_run": longest}), flush=True)


@contextmanager
def fake_server(
    *,
    experiences: int,
    latency: float,
    goals: int = 0,
    max_rate: int | None = None,
    rate_429: float = 0.0,
    seed: int = 0,
    rate_burst: int | None = None,
) -> Iterator[FakeServer]:
    """Start the fake in a subprocess; stop it on exit (then ``statuses`` is filled in)."""
    command = [
        sys.executable, "-m", "benchmarks._fake_process",
        "--experiences", str(experiences), "--latency", str(latency), "--goals", str(goals),
        "--rate-429", str(rate_429), "--seed", str(seed),
    ]  # fmt: skip
    if max_rate is not None:
        command += ["--max-rate", str(max_rate)]
    if rate_burst is not None:
        command += ["--rate-burst", str(rate_burst)]
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdin is not None
        info: dict[str, Any] = json.loads(proc.stdout.readline())
        server = FakeServer(info["url"], info["account_id"], info["project_id"])
        try:
            yield server
        finally:
            proc.stdin.close()
            last = proc.stdout.readline()
            proc.wait(timeout=10)
            if last:
                summary = json.loads(last)
                server.statuses.update({int(k): v for k, v in summary["statuses"].items()})
                server.longest_429_run = summary["longest_429_run"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiences", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--goals", type=int, default=0)
    parser.add_argument("--max-rate", type=int, default=None)
    parser.add_argument("--rate-429", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rate-burst", type=int, default=None)
    args = parser.parse_args()
    asyncio.run(
        _serve(
            args.experiences,
            args.latency,
            args.goals,
            args.max_rate,
            args.rate_429,
            args.seed,
            args.rate_burst,
        )
    )
