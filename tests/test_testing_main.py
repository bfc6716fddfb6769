"""``python -m convert_async.testing``: a standalone fake the CLI can be pointed at, as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest


def test_the_printed_settings_let_the_cli_reach_the_fake() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "convert_async.testing", "--experiences", "60", "--latency", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        printed = []
        for line in server.stdout:
            if not line.strip():
                break
            printed.append(line)
        exports = dict(re.findall(r"export (\w+)=(\S+)", "".join(printed)))
        assert set(exports) == {"CONVERT_BASE_URL", "CONVERT_API_KEY_ID", "CONVERT_API_KEY_SECRET"}
        assert "sdk_key=" in "".join(printed)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONVERT_")} | exports
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "convert_async.cli",
                "experiences",
                "list",
                "--account",
                "1001",
                "--project",
                "10001",
                "--format",
                "csv",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        server.terminate()
        server.communicate(timeout=30)  # reads the rest and closes the pipe
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) >= 60


def test_max_rate_makes_the_standalone_fake_a_fixed_rate_server() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "convert_async.testing", "--max-rate", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        base = ""
        for line in server.stdout:
            if line.startswith("  export CONVERT_BASE_URL="):
                base = line.split("=", 1)[1].strip()
            if not line.strip():
                break
        statuses, waits = [], []  # every reply's status; each 429's Retry-After
        for _ in range(10):  # well within one or two one-second windows
            try:
                with urllib.request.urlopen(f"{base}/accounts/1001", timeout=10) as reply:  # noqa: S310
                    statuses.append(reply.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code == 429:
                    waits.append(int(error.headers["Retry-After"]))
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert base.startswith("http://127.0.0.1:")
    assert statuses.count(429) >= 4  # at most 3 a window (two windows at worst) get through
    assert statuses.count(429) < 10
    assert len(waits) == statuses.count(429)
    assert min(waits) >= 1


@pytest.mark.parametrize(
    "option",
    ["--error-rate=2", "--latency=-1", "--experiences=-3", "--max-rate=0", "--rate-burst=5"],
)
def test_bad_options_are_usage_errors(option: str) -> None:
    run = subprocess.run(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-m", "convert_async.testing", option],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "error:" in run.stderr
