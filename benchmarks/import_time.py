"""``import convert_async`` against importing its three main runtime dependencies.

Each import runs in a fresh interpreter (``python -X importtime`` would add its own overhead),
alternating the two so a machine drifting during the run moves both alike; the median of the
per-round ratios is reported. Goal: at most 1.25x.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

ROUNDS = 15
BASELINE = "import aiohttp, msgspec, anyio"
OURS = "import convert_async"


def _seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603 - our own code
    return time.perf_counter() - started


def main() -> dict[str, float]:
    empty = statistics.median(_seconds("pass") for _ in range(5))  # interpreter start-up
    ratios, baseline_times, our_times = [], [], []
    for _ in range(ROUNDS):
        baseline = _seconds(BASELINE) - empty
        ours = _seconds(OURS) - empty
        baseline_times.append(baseline)
        our_times.append(ours)
        ratios.append(ours / baseline)
    ratio = statistics.median(ratios)
    print(f"Import time, {ROUNDS} interleaved rounds, interpreter start-up subtracted")
    print(f"  {BASELINE:<40} {statistics.median(baseline_times) * 1000:7.1f} ms")
    print(f"  {OURS:<40} {statistics.median(our_times) * 1000:7.1f} ms")
    print(f"  convert_async / dependencies = {ratio:.2f} (goal <= 1.25)")
    return {"ratio": ratio}


if __name__ == "__main__":
    main()
