"""The real ``convert-async`` command, run in a subprocess against an in-process FakeConvert."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

import convert_async
from convert_async.cli._common import CliError, report_error
from convert_async.testing import FakeConvert
from convert_async.v2 import AggregatedRow, DailyRow

ACCOUNT = 1001
PROJECT = 10001  # 12 seeded experiences
REPORT_OP = "getExperienceAggregatedReport"
COMMAND = [sys.executable, "-m", "convert_async.cli"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONVERT_")}
    env.update(extra)
    return env


async def cli(*args: str, env: dict[str, str] | None = None) -> Run:
    done = await anyio.run_process(
        [*COMMAND, *args], check=False, env=env if env is not None else clean_env()
    )
    return Run(done.returncode, done.stdout.decode(), done.stderr.decode())


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as server:
        yield server


def creds(fake: FakeConvert) -> list[str]:
    return [
        "--base-url",
        fake.url,
        "--key-id",
        FakeConvert.APPLICATION_ID,
        "--key-secret",
        FakeConvert.APPLICATION_SECRET,
    ]


def assert_one_clear_error(run: Run, *words: str) -> None:
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in run.stderr
    for word in words:
        assert word in lines[0]


# -- help --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_help_for_every_command() -> None:
    commands = [
        [],
        ["demo"],
        ["projects"],
        ["projects", "list"],
        ["experiences"],
        ["experiences", "list"],
        ["reports"],
        ["reports", "export"],
    ]
    runs: dict[int, Run] = {}

    async def run(n: int, words: list[str]) -> None:
        runs[n] = await cli(*words, "--help")

    async with anyio.create_task_group() as group:
        for n, words in enumerate(commands):
            group.start_soon(run, n, words)
    for n, words in enumerate(commands):
        result = runs[n]
        assert result.returncode == 0, (words, result.stderr)
        assert result.stdout.startswith("usage: convert-async"), words
    assert "--checkpoint" in runs[7].stdout
    assert "--concurrency" in runs[7].stdout
    assert "--key-id" in runs[3].stdout
    assert "--project" in runs[5].stdout


# -- listing -----------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_projects_list_in_every_format(fake: FakeConvert) -> None:
    table = await cli("projects", "list", *creds(fake))
    as_json = await cli(
        "projects", "list", "--account", str(ACCOUNT), "--format", "json", *creds(fake)
    )
    as_csv = await cli("projects", "list", "--format", "csv", *creds(fake))
    for run in (table, as_json, as_csv):
        assert run.returncode == 0, run.stderr
    header, *lines = table.stdout.splitlines()
    assert header.split() == ["account_id", "id", "name", "project_type", "status"]
    assert any("Acme Storefront" in line and "10001" in line for line in lines)
    assert len(lines) == 5  # both seeded accounts
    projects = json.loads(as_json.stdout)
    assert sorted(p["id"] for p in projects) == [10001, 10002, 10003]
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["account_id"] for r in rows} == {"1001", "1002"}
    assert {"10001", "10004"} <= {r["id"] for r in rows}


@pytest.mark.anyio
async def test_experiences_list_in_every_format(fake: FakeConvert) -> None:
    base = ["experiences", "list", "--project", str(PROJECT), *creds(fake)]
    table = await cli(*base)
    as_json = await cli(*base, "--format", "json", "--status", "active")
    as_csv = await cli(*base, "--format", "csv")
    for run in (table, as_json, as_csv):
        assert run.returncode == 0, run.stderr
    expected = fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    header, *lines = table.stdout.splitlines()
    assert header.split()[:3] == ["id", "name", "status"]
    assert len(lines) == len(expected) == 12
    active = json.loads(as_json.stdout)
    assert active
    assert {e["status"] for e in active} == {"active"}
    assert {e["id"] for e in active} == {i for i, e in expected.items() if e["status"] == "active"}
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {int(r["id"]) for r in rows} == set(expected)
    assert all(r["name"] for r in rows)


@pytest.mark.anyio
async def test_credentials_from_the_environment(fake: FakeConvert) -> None:
    env = clean_env(
        CONVERT_API_KEY_ID=FakeConvert.KEY_ID,
        CONVERT_API_KEY_SECRET=FakeConvert.KEY_SECRET,
        CONVERT_AUTH_METHOD="secret_key",
        CONVERT_BASE_URL=fake.url,
    )
    run = await cli("experiences", "list", "--project", str(PROJECT), "--format", "csv", env=env)
    assert run.returncode == 0, run.stderr
    assert len(list(csv.DictReader(io.StringIO(run.stdout)))) == 12
    assert fake.requests[-1].headers["Authorization"].startswith("Bearer ")


# -- reports export ----------------------------------------------------------------------------


@pytest.mark.anyio
async def test_reports_export_writes_the_expected_rows(fake: FakeConvert, tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    run = await cli(
        "reports", "export", "--account", str(ACCOUNT), "--project", str(PROJECT),
        "--status", "active", "--status", "paused", "--report", "aggregated",
        "--format", "csv", "--out", str(out), "--concurrency", "4", *creds(fake),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    experiences = fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    wanted = {i for i, e in experiences.items() if e["status"] in ("active", "paused")}
    with out.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert tuple(rows[0]) == AggregatedRow.COLUMNS
    with_rows = {i for i in wanted if experiences[i]["goals"]}
    assert {int(r["experience_id"]) for r in rows} == with_rows
    expected_rows = sum(
        len(experiences[i]["goals"]) * len(experiences[i]["variations"]) for i in wanted
    )
    assert len(rows) == expected_rows
    assert f"Exported {len(wanted)} of {len(wanted)} experiences ({expected_rows} rows)" in (
        run.stdout
    )
    assert f"{len(wanted)}/{len(wanted)} (100%), 0 failed" in run.stderr  # plain progress


@pytest.mark.anyio
async def test_reports_export_daily_jsonl_for_chosen_experiences(
    fake: FakeConvert, tmp_path: Path
) -> None:
    experiences = fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    # (a daily report is one goal's: an experience without goals has no rows)
    chosen = [i for i, e in experiences.items() if e["status"] == "active" and e["goals"]][:2]
    assert len(chosen) == 2
    out = tmp_path / "daily.jsonl"
    run = await cli(
        "reports", "export", "--project", str(PROJECT), "--experience", str(chosen[0]),
        "--experience", str(chosen[1]), "--report", "daily", "--out", str(out), *creds(fake),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows
    assert all(tuple(row) == DailyRow.COLUMNS for row in rows)
    assert {row["experience_id"] for row in rows} == set(chosen)


@pytest.mark.anyio
async def test_partial_failure_is_listed_and_exit_code_is_nonzero(
    fake: FakeConvert, tmp_path: Path
) -> None:
    fake.faults.fail_next(1, status=404, operation=REPORT_OP)
    out = tmp_path / "r.csv"
    run = await cli("reports", "export", "--project", str(PROJECT), "--out", str(out), *creds(fake))
    assert run.returncode == 1
    assert "Exported 11 of 12 experiences" in run.stdout
    assert "error: 1 of 12 experiences failed" in run.stderr
    assert "failed: experience" in run.stderr


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_bad_credentials_give_one_clear_line(fake: FakeConvert) -> None:
    secret = "definitely-wrong-secret-4711"
    args = ["--base-url", fake.url, "--key-id", FakeConvert.APPLICATION_ID, "--key-secret", secret]
    run = await cli("projects", "list", *args)
    assert_one_clear_error(run, "authentication failed", "401")
    assert secret not in run.stderr

    debug = await cli("--debug", "experiences", "list", "--project", str(PROJECT), *args)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr  # details on request ...
    assert debug.stderr.strip().splitlines()[-1].startswith("error: authentication failed")
    assert secret not in debug.stderr + debug.stdout  # ... with the secret redacted


@pytest.mark.anyio
async def test_a_one_character_secret_is_scrubbed_where_it_stands_alone(
    fake: FakeConvert, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--base-url", fake.url, "--key-id", FakeConvert.KEY_ID, "--key-secret", "e"]
    run = await cli("--debug", "projects", "list", "--auth", "secret_key", *args)
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith("error: authentication failed"), last  # its "e"s all kept

    error = CliError("key e (with:e) rejected for the experience")
    assert report_error(error, debug=False, secrets=["e"]) == 1
    printed = capsys.readouterr().err
    assert printed == "error: key <redacted> (with:<redacted>) rejected for the experience\n"


@pytest.mark.anyio
async def test_missing_credentials(fake: FakeConvert) -> None:
    run = await cli("projects", "list", "--base-url", fake.url)
    assert_one_clear_error(run, "no credentials", "--key-id")


@pytest.mark.anyio
async def test_unknown_project_is_a_clear_error(fake: FakeConvert, tmp_path: Path) -> None:
    run = await cli(
        "experiences", "list", "--account", str(ACCOUNT), "--project", "424242", *creds(fake)
    )
    assert_one_clear_error(run, "project 424242 not found")
    out = tmp_path / "x.csv"
    export = await cli(
        "reports", "export", "--account", str(ACCOUNT), "--project", "424242",
        "--out", str(out), *creds(fake),
    )  # fmt: skip
    assert_one_clear_error(export, "project 424242 not found")
    assert not out.exists()


@pytest.mark.anyio
async def test_network_down_is_a_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # the port is closed now: nothing listens there
    run = await cli(
        "projects", "list", "--base-url", f"http://127.0.0.1:{port}/api/v2",
        "--key-id", "id", "--key-secret", "secret", "--max-retries", "0",
    )  # fmt: skip
    assert_one_clear_error(run, "cannot reach the API", str(port))


@pytest.mark.anyio
async def test_demo_runs_a_bulk_export() -> None:
    run = await cli("demo", "--concurrency", "8")
    assert run.returncode == 0, run.stderr
    assert "Exported 36 of 36 experiences" in run.stdout
    assert "Acme Storefront" in run.stdout


# -- kill and resume ---------------------------------------------------------------------------


@pytest.mark.anyio
async def test_sigkill_mid_export_then_resume(fake: FakeConvert, tmp_path: Path) -> None:
    project = fake.store.add("projects", {"name": "Kill"}, account_id=ACCOUNT)["id"]
    for name in ("Purchases", "Signups"):
        fake.store.add("goals", {"name": name}, account_id=ACCOUNT, project_id=project)
    ids = [e["id"] for e in fake.store.add_experiences(ACCOUNT, project, 120)]
    fake.faults.latency = 0.03
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    concurrency = 4
    args = [
        *COMMAND, "reports", "export", "--account", str(ACCOUNT), "--project", str(project),
        "--out", str(out), "--checkpoint", str(checkpoint), "--concurrency", str(concurrency),
        *creds(fake),
    ]  # fmt: skip

    process = await anyio.open_process(args, env=clean_env())
    try:
        for _ in range(1000):  # up to 20 s
            if out.exists() and out.read_bytes().count(b"\n") >= 41:  # 10+ experiences
                break
            await anyio.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
        await process.aclose()
    assert process.returncode == -signal.SIGKILL
    await anyio.sleep(0.1)  # requests in flight at the kill land in the log

    first = Counter(int(r.path_params["experience_id"]) for r in fake.requests_for(REPORT_OP))
    assert 10 <= len(first) < len(ids)  # it really stopped mid-way
    recorded = {
        json.loads(line)["experience_id"] for line in checkpoint.read_text().splitlines()[1:]
    }
    assert recorded
    assert recorded <= set(first)

    fake.faults.latency = 0
    run = await cli(*args[len(COMMAND) :])
    assert run.returncode == 0, run.stderr
    assert f"{len(recorded)} already done (checkpoint)" in run.stdout

    with out.open(newline="") as file:
        rows = list(csv.DictReader(file))
    keys = Counter((r["experience_id"], r["goal_id"], r["variation_id"]) for r in rows)
    assert len(rows) == len(ids) * 4  # complete ...
    assert max(keys.values()) == 1  # ... and no duplicate rows
    assert {int(r["experience_id"]) for r in rows} == set(ids)

    total = Counter(int(r.path_params["experience_id"]) for r in fake.requests_for(REPORT_OP))
    second = total - first
    assert not set(second) & recorded  # finished experiences were not fetched again
    assert set(total) == set(ids)
    fetched_twice = [i for i, n in total.items() if n > 1]
    # only those in flight (or fetched but not yet recorded) when the process died
    assert len(fetched_twice) <= 2 * concurrency


@pytest.mark.anyio
async def test_version_names_the_package_version() -> None:
    from convert_async import __version__

    run = await cli("--version")
    assert (run.returncode, run.stdout.strip()) == (0, f"convert-async {__version__}")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("signals", "status", "says"),
    [
        ([signal.SIGTERM], 143, "terminated"),
        ([signal.SIGINT], 130, "interrupted"),
        # asyncio's own second Ctrl-C landed in the task group: a traceback and status 1,
        # or a loop spinning on a cancellation it could not deliver (1 run in 12).
        ([signal.SIGINT, signal.SIGINT], 130, "interrupted"),
    ],
    ids=["sigterm", "ctrl-c", "ctrl-c-twice"],
)
async def test_a_signal_mid_export_stops_it_then_it_resumes(
    fake: FakeConvert, tmp_path: Path, signals: list[signal.Signals], status: int, says: str
) -> None:
    project = fake.store.add("projects", {"name": "Term"}, account_id=ACCOUNT)["id"]
    fake.store.add("goals", {"name": "Purchases"}, account_id=ACCOUNT, project_id=project)
    ids = [e["id"] for e in fake.store.add_experiences(ACCOUNT, project, 80)]
    fake.faults.latency = 0.03
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    args = [
        *COMMAND, "reports", "export", "--account", str(ACCOUNT), "--project", str(project),
        "--out", str(out), "--checkpoint", str(checkpoint), "--concurrency", "4",
        *creds(fake),
    ]  # fmt: skip
    process = await anyio.open_process(args, env=clean_env())
    try:
        for _ in range(1000):  # up to 20 s
            if out.exists() and out.read_bytes().count(b"\n") >= 10:
                break
            await anyio.sleep(0.02)
        for signum in signals:
            process.send_signal(signum)
            await anyio.sleep(0.005)
        with anyio.fail_after(30):
            await process.wait()
        assert process.stderr is not None
        stderr = (await process.stderr.receive()).decode()
    finally:
        if process.returncode is None:
            process.kill()
        await process.aclose()
    assert process.returncode == status, stderr
    assert stderr.strip().splitlines()[-1] == says
    assert "Traceback" not in stderr
    fake.faults.latency = 0
    run = await cli(*args[len(COMMAND) :])
    assert run.returncode == 0, run.stderr
    assert "already done (checkpoint)" in run.stdout
    with out.open(newline="") as file:
        rows = list(csv.DictReader(file))
    assert {int(row["experience_id"]) for row in rows} == set(ids)
    assert len({(r["experience_id"], r["goal_id"], r["variation_id"]) for r in rows}) == len(rows)


@pytest.mark.anyio
@pytest.mark.parametrize(("name", "extra"), [("r.xlsx", []), ("r.csv", ["--format", "jsonl"])])
async def test_an_output_name_the_export_cannot_write_is_a_usage_error(
    fake: FakeConvert, tmp_path: Path, name: str, extra: list[str]
) -> None:
    run = await cli(
        "reports", "export", "--project", str(PROJECT), "--out", str(tmp_path / name),
        *extra, *creds(fake),
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert not (tmp_path / name).exists()


@pytest.mark.anyio
async def test_a_closed_pipe_ends_quietly(fake: FakeConvert) -> None:
    fake.store.add_experiences(ACCOUNT, PROJECT, 3000)
    args = [*COMMAND, "experiences", "list", "--project", str(PROJECT), "--format", "csv"]
    process = await anyio.open_process([*args, *creds(fake)], env=clean_env())
    try:
        assert process.stdout is not None
        await process.stdout.receive()  # the reader takes one chunk, then goes away
        await process.stdout.aclose()
        await process.wait()
        assert process.stderr is not None
        stderr = b""
        with contextlib.suppress(anyio.EndOfStream):
            stderr = await process.stderr.receive()
    finally:
        if process.returncode is None:
            process.kill()
        await process.aclose()
    assert (process.returncode, stderr) == (0, b"")


@pytest.mark.anyio
async def test_tables_show_times_as_iso_8601(fake: FakeConvert) -> None:
    run = await cli(
        "experiences", "list", "--project", str(PROJECT), "--format", "table", *creds(fake)
    )
    assert run.returncode == 0, run.stderr
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", run.stdout)


@pytest.mark.anyio
async def test_a_daily_export_skips_an_experience_without_goals_with_a_warning(
    fake: FakeConvert, tmp_path: Path
) -> None:
    bare = fake.store.add("projects", {"name": "No goals"}, account_id=ACCOUNT)["id"]
    (experience,) = fake.store.add_experiences(ACCOUNT, bare, 1)
    experience["goals"] = []
    out = tmp_path / "daily.csv"
    run = await cli(
        "reports", "export", "--project", str(bare), "--report", "daily", "--out", str(out),
        *creds(fake),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"experience {experience['id']} (project {bare}) has no goals" in run.stderr
    assert out.read_text().count("\n") == 1  # the header only


@pytest.mark.anyio
async def test_the_progress_line_shows_throttled_replies_and_the_rate(
    fake: FakeConvert, tmp_path: Path
) -> None:
    fake.faults.fail_next(2, status=429, retry_after="0", operation="getExperienceAggregatedReport")
    run = await cli(
        "reports", "export", "--account", str(ACCOUNT), "--project", str(PROJECT),
        "--out", str(tmp_path / "r.csv"), "--concurrency", "2", "--rate", "500", *creds(fake),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # The last plain progress line: two throttled replies, the limit they lowered it to.
    last = [line for line in run.stderr.splitlines() if "throttled" in line][-1]
    assert "0 failed, 2 throttled, limit " in last
    rate = float(last.rsplit("limit ", 1)[1].split()[0])
    assert 0 < rate < 500
    assert "2 throttled replies" in run.stdout


@pytest.mark.anyio
async def test_an_export_with_an_opening_window_sends_few_reports_at_once_at_first(
    fake: FakeConvert, tmp_path: Path
) -> None:
    in_flight, reports = 0, []  # requests in flight as each report call arrived
    answer = fake._answer

    async def counted(request: Any, routed: Any, *rest: Any) -> Any:
        nonlocal in_flight
        in_flight += 1
        if routed.operation == "getExperienceAggregatedReport":
            reports.append(in_flight)
        try:
            return await answer(request, routed, *rest)
        finally:
            in_flight -= 1

    fake._answer = counted  # type: ignore[method-assign,assignment]
    fake.faults.latency = 0.05
    run = await cli(
        "reports", "export", "--account", str(ACCOUNT), "--project", str(PROJECT),
        "--out", str(tmp_path / "r.csv"), "--concurrency", "10", "--opening-window", "2",
        *creds(fake),
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "Exported 12 of 12 experiences" in run.stdout
    assert len(reports) == 12
    # Two at first (ten without the window), the window doubling every quarter second.
    assert max(reports[:4]) <= 2
    assert max(reports) < 10


def test_the_progress_line_says_unlimited_until_throttled() -> None:
    from convert_async import AdaptiveRateLimiter
    from convert_async.cli._output import Progress

    stream = io.StringIO()
    limiter = AdaptiveRateLimiter()
    with Progress("aggregated reports", stream=stream, limiter=limiter) as progress:
        progress.update(1, 4, 0)
        for _ in range(5):  # a run of 429s (a scattered one would not start limiting)
            limiter.on_throttled()
        progress.update(4, 4, 0)
    first, last = stream.getvalue().splitlines()
    assert first == "aggregated reports: 1/4 (25%), 0 failed, 0 throttled, unlimited"
    assert last.startswith("aggregated reports: 4/4 (100%), 0 failed, 5 throttled, limit ")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--project", "2", "--experience", "3"], "--experience needs exactly one --project"),
        (["--checkpoint", "OUT"], "--checkpoint cannot be the --out file"),
        (["--max-retries", "-1"], "must be at least 0"),
        (["--opening-window", "0"], "must be at least 1"),
    ],
)
async def test_arguments_that_cannot_work_together_are_usage_errors(
    fake: FakeConvert, tmp_path: Path, extra: list[str], says: str
) -> None:
    # These exited 1, like a failed export, not 2 as usage errors do.
    out = str(tmp_path / "r.csv")
    extra = [out if word == "OUT" else word for word in extra]
    run = await cli(
        "reports", "export", "--project", str(PROJECT), "--out", out, *extra, *creds(fake)
    )
    assert run.returncode == 2, run.stderr
    assert says in run.stderr
    assert "Traceback" not in run.stderr
    assert fake.requests == []


def test_python_dash_m_convert_async_is_the_command() -> None:
    # "No module named convert_async.__main__": the obvious spelling did not run.
    done = subprocess.run(
        [sys.executable, "-m", "convert_async", "--version"],
        capture_output=True,
        text=True,
        check=False,
        env=clean_env(),
    )
    assert done.returncode == 0, done.stderr
    assert convert_async.__version__ in done.stdout
