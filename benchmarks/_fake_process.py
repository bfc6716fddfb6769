"""Run FakeConvert in its own process so the client under test has the event loop to itself.

``python -m benchmarks._fake_process --experiences N --latency S [--goals G]`` prints one JSON
line with the URL, account and project, then serves until stdin closes. ``--goals`` gives the
project goals first, so the generated experiences have report rows (two goals each at most).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from convert_async.testing import FakeConvert

ACCOUNT_ID = 1001


@dataclass(frozen=True)
class FakeServer:
    url: str
    account_id: int
    project_id: int


async def _serve(experiences: int, latency: float, goals: int = 0) -> None:
    async with FakeConvert() as fake:
        project = fake.store.add("projects", {"name": "Benchmark"}, account_id=ACCOUNT_ID)
        for n in range(goals):
            scope = {"account_id": ACCOUNT_ID, "project_id": project["id"]}
            fake.store.add("goals", {"name": f"Benchmark goal {n + 1}"}, **scope)
        fake.store.add_experiences(ACCOUNT_ID, project["id"], experiences)
        fake.faults.latency = latency
        info = {"url": fake.url, "account_id": ACCOUNT_ID, "project_id": project["id"]}
        print(json.dumps(info), flush=True)
        await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin


@contextmanager
def fake_server(*, experiences: int, latency: float, goals: int = 0) -> Iterator[FakeServer]:
    """Start the fake in a subprocess; stop it on exit."""
    command = [
        sys.executable, "-m", "benchmarks._fake_process",
        "--experiences", str(experiences), "--latency", str(latency), "--goals", str(goals),
    ]  # fmt: skip
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdin is not None
        info: dict[str, Any] = json.loads(proc.stdout.readline())
        try:
            yield FakeServer(info["url"], info["account_id"], info["project_id"])
        finally:
            proc.stdin.close()
            proc.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--experiences", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--goals", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(_serve(args.experiences, args.latency, args.goals))
