"""``python -m convert_async.testing``: a standalone fake the CLI can be pointed at, as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

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


@pytest.mark.parametrize("option", ["--error-rate=2", "--latency=-1", "--experiences=-3"])
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
