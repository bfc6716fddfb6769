"""Bulk report exports against FakeConvert: throttling, failures, formats, iteration, resume."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import anyio
import anyio.lowlevel
import msgspec
import pytest

from convert_async import (
    AuthenticationError,
    ConvertClient,
    HmacAuth,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    RetryPolicy,
)
from convert_async.testing import FakeConvert
from convert_async.v2 import (
    AdaptiveRateLimiter,
    AggregatedRow,
    CheckpointError,
    DailyRow,
    ExportResult,
    export_reports,
    models,
)

ACCOUNT = 1001
SEEDED_PROJECT = 10001  # 12 seeded experiences
REPORT_OP = "getExperienceAggregatedReport"


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as server:
        yield server


@pytest.fixture
async def client(fake: FakeConvert) -> AsyncIterator[ConvertClient]:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake.url) as api:
        yield api


def big_project(fake: FakeConvert, experiences: int) -> tuple[int, list[int]]:
    """A project with two goals and ``experiences`` two-variation experiences (4 rows each)."""
    project = fake.store.add("projects", {"name": "Bulk"}, account_id=ACCOUNT)["id"]
    for name in ("Purchases", "Signups"):
        fake.store.add("goals", {"name": name}, account_id=ACCOUNT, project_id=project)
    created = fake.store.add_experiences(ACCOUNT, project, experiences)
    return project, [e["id"] for e in created]


def checkpointed(tmp_path: Path, project: int, out: str, *, concurrency: int) -> dict[str, Any]:
    """``export_reports`` options for a resumable export of ``project`` into ``tmp_path``."""
    return {
        "account_id": ACCOUNT,
        "project_id": project,
        "out": tmp_path / out,
        "checkpoint": tmp_path / f"{Path(out).stem}.ckpt",
        "concurrency": concurrency,
    }


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def row_keys(rows: list[dict[str, str]]) -> Counter[tuple[str, str, str]]:
    return Counter((r["experience_id"], r["goal_id"], r["variation_id"]) for r in rows)


def report_calls(fake: FakeConvert) -> Counter[int]:
    """Report requests that got an answer with data, per experience id."""
    return Counter(
        int(r.path_params["experience_id"]) for r in fake.requests_for(REPORT_OP) if r.status == 200
    )


@pytest.mark.anyio
async def test_500_experiences_through_20_percent_429s(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    project, ids = big_project(fake, 500)
    fake.faults.rate_limit_rate = 0.2
    fake.faults.retry_after = "0"
    fake.faults.operations = {REPORT_OP}
    limiter = AdaptiveRateLimiter(rate=2000, min_rate=400)
    progress: list[tuple[int, int, int]] = []
    out = tmp_path / "reports.csv"

    result = await export_reports(
        client,
        account_id=ACCOUNT,
        project_id=project,
        out=out,
        checkpoint=tmp_path / "reports.ckpt",
        concurrency=20,
        rate_limiter=limiter,
        on_progress=lambda *p: progress.append(p),
    )

    throttled = [r for r in fake.requests_for(REPORT_OP) if r.status == 429]
    assert len(throttled) > 50  # the fault really fired
    assert result.ok
    assert result.total == result.exported == 500
    rows = read_csv(out)
    assert len(rows) == result.rows == 500 * 2 * 2
    keys = row_keys(rows)
    assert max(keys.values()) == 1  # every experience x goal x variation exactly once
    assert {int(r["experience_id"]) for r in rows} == set(ids)
    assert report_calls(fake) == Counter(dict.fromkeys(ids, 1))
    # The limiter saw the throttling and slowed down.
    stats = result.limiter
    assert stats.throttled == len(throttled)
    assert stats.rate_cuts > 0
    assert stats.lowest_rate < 2000
    assert limiter.stats.throttled == len(throttled)
    assert progress[-1] == (500, 500, 0)
    assert [p[0] for p in progress] == sorted(p[0] for p in progress)


def recording_client(fake: FakeConvert, waits: list[float]) -> ConvertClient:
    """A client whose retry sleeps are recorded and not waited for."""

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await anyio.lowlevel.checkpoint()

    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    return ConvertClient(auth, base_url=fake.url, retry=RetryPolicy(sleep=sleep))


@pytest.mark.anyio
async def test_a_429_waits_its_own_retry_after_and_pauses_nobody(fake: FakeConvert) -> None:
    waits: list[float] = []
    fake.faults.fail_next(1, status=429, retry_after="7", operation=REPORT_OP)
    async with recording_client(fake, waits) as client:
        result = await export_reports(client, account_id=ACCOUNT, project_id=SEEDED_PROJECT)
        limiter = client.rate_limiter
    assert result.ok
    assert result.exported == 12
    assert waits == [7.0]  # the throttled experience waited the server's Retry-After ...
    assert result.limiter.throttled == 1
    assert result.limiter.pauses == 0  # ... and nobody else was held for it
    assert limiter is not None
    assert limiter.stats.throttled == 1
    assert len(fake.requests_for(REPORT_OP)) == 13


@pytest.mark.anyio
async def test_an_experience_waiting_out_a_retry_after_holds_no_request_slot(
    fake: FakeConvert,
) -> None:
    """With one request slot, the other eleven experiences are exported while the throttled
    one waits; its wait ends only once they are all done."""
    others_done = anyio.Event()

    async def sleep(seconds: float) -> None:
        with anyio.fail_after(10):  # a wait holding the only slot would never see them end
            await others_done.wait()

    def progress(done: int, total: int, failed: int) -> None:
        if done == total - 1:
            others_done.set()

    fake.faults.fail_next(1, status=429, retry_after="5", operation=REPORT_OP)
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake.url, retry=RetryPolicy(sleep=sleep)) as client:
        result = await export_reports(
            client,
            account_id=ACCOUNT,
            project_id=SEEDED_PROJECT,
            concurrency=1,
            on_progress=progress,
        )
    assert result.ok
    assert result.exported == 12
    assert others_done.is_set()
    statuses = [r.status for r in fake.requests_for(REPORT_OP)]
    assert statuses[0] == 429
    assert statuses.count(200) == 12


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("retry_after", "asked"), [("3600", "3600s"), ("1e999", "beyond any number of seconds")]
)
async def test_a_retry_after_over_the_cap_fails_only_its_experience(
    fake: FakeConvert, retry_after: str, asked: str
) -> None:
    waits: list[float] = []
    fake.faults.fail_next(1, status=429, retry_after=retry_after, operation=REPORT_OP)
    async with recording_client(fake, waits) as client:
        result = await export_reports(client, account_id=ACCOUNT, project_id=SEEDED_PROJECT)
    assert result.total == 12
    assert result.exported == 11  # every other experience went through
    (failure,) = result.failures
    assert isinstance(failure.error, RateLimitError)
    assert failure.error.retry_after == float(retry_after)
    message = str(failure.error)
    assert message.count(f"Retry-After {asked} is over the 60s cap") == 1
    assert waits == []  # nobody slept on it: not the failed request, not the others
    assert result.limiter.pauses == 0
    assert result.limiter.throttled == 0  # nor is the rate cut for it
    assert result.limiter.rate == math.inf
    statuses = Counter(r.status for r in fake.requests_for(REPORT_OP))
    assert statuses == {200: 11, 429: 1}  # not retried


@pytest.mark.anyio
async def test_a_failing_experience_is_reported_at_the_end(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    progress: list[tuple[int, int, int]] = []
    fake.faults.fail_next(1, status=404, operation=REPORT_OP)
    result = await export_reports(
        client,
        account_id=ACCOUNT,
        project_id=SEEDED_PROJECT,
        out=tmp_path / "out.jsonl",
        on_progress=lambda *p: progress.append(p),
    )
    assert result.total == 12
    assert result.exported == 11
    assert not result.ok
    (failure,) = result.failures
    assert isinstance(failure.error, NotFoundError)
    assert failure.project_id == SEEDED_PROJECT
    assert failure.experience_name  # named, so a person can find it
    assert str(failure.experience_id) in str(failure)
    assert progress[-1] == (12, 12, 1)
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    exported = {json.loads(line)["experience_id"] for line in lines}
    assert failure.experience_id not in exported
    assert len(exported) <= 11


@pytest.mark.anyio
async def test_jsonl_rows_have_the_documented_columns(
    client: ConvertClient, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    result = await export_reports(
        client, account_id=ACCOUNT, project_id=SEEDED_PROJECT, out=out, status=["active"]
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == result.rows > 0
    assert all(tuple(row) == AggregatedRow.COLUMNS for row in rows)
    assert {row["account_id"] for row in rows} == {ACCOUNT}
    assert all(isinstance(row["is_baseline"], bool) for row in rows)
    assert any(row["conversion_rate_change"] for row in rows)  # a change against the baseline
    assert {row["stats_methodology"] for row in rows} <= {"frequentist", "bayesian"}
    # status filter: only the seeded project's active experiences
    pager = client.experiences.list(
        account_id=ACCOUNT, project_id=SEEDED_PROJECT, include=["goals"]
    )
    listed = [e async for e in pager]
    active = {e.id for e in listed if e.status == "active"}
    with_goals = {e.id for e in listed if e.status == "active" and e.goals}
    assert with_goals  # (an experience without goals, a deploy, has no report rows)
    assert {row["experience_id"] for row in rows} == with_goals
    assert result.total == result.exported == len(active)


@pytest.mark.anyio
async def test_csv_parses_with_header_and_typed_text(client: ConvertClient, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = await export_reports(client, account_id=ACCOUNT, project_ids=[10001, 10002], out=out)
    with out.open(newline="") as file:
        header = next(csv.reader(file))
    assert tuple(header) == AggregatedRow.COLUMNS
    rows = read_csv(out)
    assert len(rows) == result.rows
    assert result.total == 24
    assert {r["project_id"] for r in rows} == {"10001", "10002"}
    assert {r["is_baseline"] for r in rows} == {"true", "false"}
    assert all(r["experience_name"] for r in rows)
    assert max(row_keys(rows).values()) == 1


@pytest.mark.anyio
async def test_async_iteration_yields_every_row(fake: FakeConvert, client: ConvertClient) -> None:
    project, ids = big_project(fake, 30)
    export = export_reports(client, account_id=ACCOUNT, project_id=project, concurrency=5)
    rows = [row async for row in export]
    assert all(isinstance(row, AggregatedRow) for row in rows)
    assert len(rows) == 30 * 4
    assert {row.experience_id for row in rows} == set(ids)
    assert isinstance(export.result, ExportResult)
    assert export.result.rows == len(rows)
    with pytest.raises(RuntimeError, match="runs once"):
        await export


@pytest.mark.anyio
async def test_leaving_the_loop_early_stops_the_export(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    project, _ = big_project(fake, 200)
    fake.faults.latency = 0.01
    out = tmp_path / "out.jsonl"
    options = {"account_id": ACCOUNT, "project_id": project, "concurrency": 4, "out": out}
    async with export_reports(client, **options) as export:  # type: ignore[arg-type]
        async for _row in export:
            break
    await anyio.sleep(0.05)  # let the requests that were in flight land
    requested = len(fake.requests_for(REPORT_OP))
    await anyio.sleep(0.1)
    assert len(fake.requests_for(REPORT_OP)) == requested  # nothing left running
    assert requested < 40
    assert export.result is None  # it did not finish


@pytest.mark.anyio
async def test_daily_report_rows(client: ConvertClient, tmp_path: Path) -> None:
    out = tmp_path / "daily.csv"
    result = await export_reports(
        client,
        account_id=ACCOUNT,
        project_id=SEEDED_PROJECT,
        status=["active"],
        report="daily",
        report_options={"report_type": "non_cumulative"},
        out=out,
    )
    rows = read_csv(out)
    assert tuple(rows[0]) == DailyRow.COLUMNS
    assert len(rows) == result.rows > 0
    assert {r["report_type"] for r in rows} == {"non_cumulative"}
    assert all(r["date"] and r["variation_name"] for r in rows)
    per_day = Counter((r["experience_id"], r["date"], r["variation_id"]) for r in rows)
    assert max(per_day.values()) == 1


@pytest.mark.anyio
async def test_explicit_experiences_with_an_unknown_one(
    fake: FakeConvert, client: ConvertClient
) -> None:
    project, ids = big_project(fake, 5)
    pairs = [(project, i) for i in ids[:3]] + [(project, 999_999)]
    export = export_reports(client, account_id=ACCOUNT, experiences=pairs)
    rows = [row async for row in export]
    assert {row.experience_id for row in rows} == set(ids[:3])
    assert all(row.experience_name == f"Generated experience {row.experience_id}" for row in rows)
    assert export.result is not None
    (failure,) = export.result.failures
    assert failure.experience_id == 999_999
    assert isinstance(failure.error, NotFoundError)
    assert report_calls(fake) == Counter(dict.fromkeys(ids[:3], 1))


@pytest.mark.anyio
async def test_unknown_project_and_bad_credentials_abort(fake: FakeConvert) -> None:
    good = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(good, base_url=fake.url) as api:
        with pytest.raises(NotFoundError):
            await export_reports(api, account_id=ACCOUNT, project_id=424242)
    bad = HmacAuth(FakeConvert.APPLICATION_ID, "not-the-secret")
    async with ConvertClient(bad, base_url=fake.url) as api:
        with pytest.raises(AuthenticationError):
            await export_reports(api, account_id=ACCOUNT, experiences=[(SEEDED_PROJECT, 1)])


@pytest.mark.anyio
async def test_resume_after_a_crash_between_rows_and_checkpoint(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    """Rows written but not yet recorded, and a torn checkpoint line, as a crash leaves them."""
    project, _ = big_project(fake, 40)
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    options = {"account_id": ACCOUNT, "project_id": project, "out": out, "checkpoint": checkpoint}
    first = await export_reports(client, concurrency=4, **options)  # type: ignore[arg-type]
    assert first.exported == 40
    complete = out.read_bytes()

    # Forget the last 5 experiences in the checkpoint (their rows stay in the output, as if
    # the process died after writing them) and leave half a line behind.
    lines = checkpoint.read_bytes().splitlines(keepends=True)
    forgotten = [json.loads(line)["experience_id"] for line in lines[-5:]]
    checkpoint.write_bytes(b"".join(lines[:-5]) + b'{"project_id": 1, "experi')
    with out.open("ab") as file:
        file.write(b"100,partial,row")  # and a torn row at the end of the output
    before = report_calls(fake)

    second = await export_reports(client, concurrency=4, **options)  # type: ignore[arg-type]
    assert (second.skipped, second.exported, second.total) == (35, 5, 40)
    again = report_calls(fake) - before
    assert again == Counter(dict.fromkeys(forgotten, 1))  # only the unrecorded ones
    rows = read_csv(out)
    assert len(rows) == 40 * 4
    assert max(row_keys(rows).values()) == 1
    assert sorted(out.read_bytes().splitlines()) == sorted(complete.splitlines())

    third = await export_reports(client, **options)  # type: ignore[arg-type]
    assert (third.skipped, third.exported) == (40, 0)
    assert len(read_csv(out)) == 40 * 4


@pytest.mark.anyio
async def test_checkpoint_of_another_export_is_refused(
    client: ConvertClient, tmp_path: Path
) -> None:
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    await export_reports(
        client, account_id=ACCOUNT, project_id=SEEDED_PROJECT, out=out, checkpoint=checkpoint
    )
    with pytest.raises(CheckpointError, match="report"):
        await export_reports(
            client,
            account_id=ACCOUNT,
            project_id=SEEDED_PROJECT,
            out=out,
            checkpoint=checkpoint,
            report="daily",
        )
    out.write_bytes(b"")  # the output lost its rows: resuming would be a lie
    with pytest.raises(CheckpointError, match="shorter"):
        await export_reports(
            client, account_id=ACCOUNT, project_id=SEEDED_PROJECT, out=out, checkpoint=checkpoint
        )


def test_arguments_are_checked() -> None:
    fake_client = ConvertClient(HmacAuth("a", "b"), base_url="http://127.0.0.1:9")
    with pytest.raises(ValueError, match="exactly one"):
        export_reports(fake_client, account_id=1)
    with pytest.raises(ValueError, match="exactly one"):
        export_reports(fake_client, account_id=1, project_id=2, project_ids=[3])
    with pytest.raises(ValueError, match="checkpoint"):
        export_reports(fake_client, account_id=1, project_id=2, checkpoint="x.ckpt")
    with pytest.raises(ValueError, match="format"):
        export_reports(fake_client, account_id=1, project_id=2, out="x.txt")
    with pytest.raises(ValueError, match="concurrency"):
        export_reports(fake_client, account_id=1, project_id=2, concurrency=0)


@pytest.mark.parametrize(
    ("options", "says"),
    [
        # Each of these was a TypeError from deep inside, or was accepted.
        ({"concurrency": 2.5}, "concurrency: must be a whole number"),
        ({"concurrency": "5"}, "concurrency: must be a whole number"),
        ({"concurrency": True}, "concurrency: must be a whole number"),
        ({"max_throttles": -1}, "max_throttles: must be a whole number of at least 0"),
        ({"report_options": {"bogus": 1}}, "'bogus' not an option of the aggregated report"),
        ({"report": "daily", "report_options": {"goals": [1]}}, "'goals' not an option"),
        ({"out": "same.csv", "checkpoint": "same.csv"}, "checkpoint: cannot be the output"),
        ({"out": "x.txt"}, "format: cannot tell"),
    ],
)
def test_bad_arguments_are_request_validation_errors(options: dict[str, Any], says: str) -> None:
    fake_client = ConvertClient(HmacAuth("a", "b"), base_url="http://127.0.0.1:9")
    with pytest.raises(RequestValidationError, match=says):
        export_reports(fake_client, account_id=1, project_id=2, **options)


@pytest.mark.anyio
async def test_a_checkpoint_of_another_selection_is_refused(
    client: ConvertClient, tmp_path: Path
) -> None:
    # The same output and report for other experiences mixed two exports in one file.
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    options: dict[str, Any] = {"account_id": ACCOUNT, "out": out, "checkpoint": checkpoint}
    await export_reports(client, project_id=SEEDED_PROJECT, **options)
    with pytest.raises(CheckpointError, match="selection"):
        await export_reports(client, project_id=SEEDED_PROJECT, status=["active"], **options)
    with pytest.raises(CheckpointError, match="selection"):
        await export_reports(client, project_ids=[SEEDED_PROJECT, 99], **options)


@pytest.mark.parametrize("header", [b'{"checkpoint": 1}', b'{"offset": "x"}', b'{"offset": -50}'])
@pytest.mark.anyio
async def test_a_damaged_checkpoint_header_is_a_checkpoint_error(
    client: ConvertClient, tmp_path: Path, header: bytes
) -> None:
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    options: dict[str, Any] = {"account_id": ACCOUNT, "project_id": SEEDED_PROJECT}
    await export_reports(client, out=out, checkpoint=checkpoint, **options)
    first, rest = checkpoint.read_bytes().split(b"\n", 1)
    fields = msgspec.json.decode(first)
    fields.pop("offset")
    damaged = {**fields, **msgspec.json.decode(header)}
    checkpoint.write_bytes(msgspec.json.encode(damaged) + b"\n" + rest)
    with pytest.raises(CheckpointError, match="line 1 is damaged"):
        await export_reports(client, out=out, checkpoint=checkpoint, **options)


@pytest.mark.anyio
async def test_a_checkpoint_that_is_no_regular_file_is_refused(
    client: ConvertClient, tmp_path: Path
) -> None:
    # /dev/zero was read until memory ran out; a FIFO blocked the export for good.
    fifo = tmp_path / "fifo.ckpt"
    os.mkfifo(fifo)
    for checkpoint in (Path("/dev/zero"), fifo):
        with anyio.fail_after(5), pytest.raises(CheckpointError, match="not a regular file"):
            await export_reports(
                client,
                account_id=ACCOUNT,
                project_id=SEEDED_PROJECT,
                out=tmp_path / "out.csv",
                checkpoint=checkpoint,
            )


@pytest.mark.anyio
async def test_an_export_to_a_device_is_not_failed_by_its_fsync(client: ConvertClient) -> None:
    # fsync of /dev/null (or a pipe: --out /dev/stdout) is EINVAL: every row was written,
    # and the export then reported a file error.
    result = await export_reports(
        client, account_id=ACCOUNT, project_id=SEEDED_PROJECT, out="/dev/null", format="csv"
    )
    assert result.ok
    assert result.rows > 0


# -- real reports: rows from the spec's ExperienceAggregatedReport / ExperienceDailyReport -----


def seeded_experiences(fake: FakeConvert) -> dict[int, dict[str, object]]:
    return fake.store.collection("experiences", account_id=ACCOUNT, project_id=SEEDED_PROJECT)


def methodology_of(experience: dict[str, object]) -> str:
    settings = experience["settings"]
    assert isinstance(settings, dict)
    return str(settings["stats_engine_processing"]["stats_type"])


RAN = ("active", "paused", "completed")


@pytest.mark.anyio
async def test_real_aggregated_reports_of_both_methodologies_fill_every_row(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    """One row per experience x goal x variation, figures filled for both stats engines."""
    out = tmp_path / "reports.csv"
    result = await export_reports(
        client, account_id=ACCOUNT, project_id=SEEDED_PROJECT, status=list(RAN), out=out
    )
    assert result.ok
    experiences = seeded_experiences(fake)
    ran = {i: e for i, e in experiences.items() if e["status"] in RAN}
    assert result.total == result.exported == len(ran)
    expected = Counter(
        (str(i), str(g), str(v["id"]))
        for i, e in ran.items()
        for g in e["goals"]  # type: ignore[attr-defined]
        for v in e["variations"]  # type: ignore[attr-defined]
    )
    rows = read_csv(out)
    assert row_keys(rows) == expected  # exactly once each, nothing else
    assert len(rows) == result.rows == expected.total()
    by_kind = {
        kind: [r for r in rows if r["stats_methodology"] == kind]
        for kind in ("frequentist", "bayesian")
    }
    for kind, kind_rows in by_kind.items():
        assert kind_rows, f"no {kind} report in the seeded project"
        assert {methodology_of(ran[int(r["experience_id"])]) for r in kind_rows} == {kind}
    for row in rows:
        for column in ("visitors", "conversions", "conversion_rate", "variation_name"):
            assert row[column] != "", (column, row)
        assert int(row["visitors"]) > 0  # these experiences ran: real traffic, not zeros
        assert float(row["conversion_rate"]) == pytest.approx(
            int(row["conversions"]) / int(row["visitors"]) * 100, abs=1e-3
        )
        assert row["srm"] in ("true", "false")
        if row["is_baseline"] == "false":
            assert row["conversion_rate_change"] != ""
    for row in by_kind["frequentist"]:
        assert row["confidence"] != ""
        assert row["statistically_significant"] in ("true", "false")
        assert row["chance_to_win"] == ""
    for row in by_kind["bayesian"]:
        assert row["chance_to_win"] != ""
        assert 0 <= float(row["chance_to_win"]) <= 100
        assert row["confidence"] == ""
    # Visitors are the store's days summed, per variation: the rows carry the real figures.
    for row in rows:
        days = fake.store.traffic(ran[int(row["experience_id"])])[int(row["variation_id"])]
        assert int(row["visitors"]) == sum(d["visitors"] for d in days)


@pytest.mark.anyio
async def test_aggregated_rows_equal_the_report_they_come_from(
    fake: FakeConvert, client: ConvertClient
) -> None:
    """For one experience of each methodology, the rows restate its aggregated report."""
    experiences = seeded_experiences(fake)
    chosen: dict[str, int] = {}
    for ident, experience in sorted(experiences.items()):
        if experience["status"] in RAN and experience["goals"]:
            chosen.setdefault(methodology_of(experience), ident)
    assert set(chosen) == {"frequentist", "bayesian"}
    export = export_reports(
        client, account_id=ACCOUNT, experiences=[(SEEDED_PROJECT, i) for i in chosen.values()]
    )
    rows: list[AggregatedRow] = []
    async for row in export:
        assert isinstance(row, AggregatedRow)
        rows.append(row)
    for kind, ident in chosen.items():
        report = await client.reports.get_aggregated(
            account_id=ACCOUNT, project_id=SEEDED_PROJECT, experience_id=ident
        )
        assert report.stats_methodology == kind
        mine = {(r.goal_id, r.variation_id): r for r in rows if r.experience_id == ident}
        assert len(mine) == sum(len(g.variations or ()) for g in report.report_data or ())
        for goal in report.report_data or ():
            for variation in goal.variations or ():
                row = mine[(goal.goal_id, variation.id)]
                (metric,) = [
                    m for m in variation.metrics or () if m.metric_type == "conversion_rate"
                ]
                assert row.stats_methodology == kind
                assert row.visitors == variation.visitors
                assert row.conversions == metric.metric_total
                assert row.conversion_rate == metric.metric_value
                assert row.conversion_rate_change == metric.metric_change
                assert (row.srm, row.srm_pvalue) == (goal.srm, goal.srm_pvalue)
                if kind == "frequentist":
                    assert isinstance(
                        metric, models.ExperienceAggregatedMetricFrequentistConversionRate
                    )
                    assert row.confidence == metric.confidence
                    assert row.confidence is not None
                else:
                    assert isinstance(
                        metric, models.ExperienceAggregatedMetricBayesianConversionRate
                    )
                    assert row.chance_to_win == metric.chance_to_win
                    assert row.chance_to_win is not None


@pytest.mark.anyio
async def test_reports_without_a_conversion_rate_metric_use_conversion_data(
    client: ConvertClient,
) -> None:
    """Asked for other metrics only, the rows fall back to the ``conversion_data`` block."""
    rows = [
        row
        async for row in export_reports(
            client,
            account_id=ACCOUNT,
            project_id=SEEDED_PROJECT,
            status=["active"],
            report_options={"metrics": ["avg_revenue_visitor"]},
        )
    ]
    assert rows
    assert all(isinstance(row, AggregatedRow) for row in rows)
    for row in rows:
        assert isinstance(row, AggregatedRow)
        assert row.visitors
        assert row.conversions is not None
        assert row.conversion_rate is not None
        assert row.conversion_rate == pytest.approx(row.conversions / row.visitors * 100, abs=1e-3)


@pytest.mark.anyio
async def test_real_daily_reports_give_a_row_per_day_and_variation(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    out = tmp_path / "daily.csv"
    result = await export_reports(
        client,
        account_id=ACCOUNT,
        project_id=SEEDED_PROJECT,
        status=list(RAN),
        report="daily",
        out=out,
    )
    assert result.ok  # an experience without goals (a deploy) has no daily rows, no error
    experiences = seeded_experiences(fake)
    ran = {i: e for i, e in experiences.items() if e["status"] in RAN}
    assert result.exported == len(ran)
    rows = read_csv(out)
    assert len(rows) == result.rows > 0
    with_goals = {i for i, e in ran.items() if e["goals"]}
    assert {int(r["experience_id"]) for r in rows} == with_goals
    requested = {
        int(r.path_params["experience_id"]) for r in fake.requests_for("getExperienceDailyReport")
    }
    assert requested == with_goals
    days = fake.store.REPORT_DAYS
    for ident in with_goals:
        experience = ran[ident]
        mine = [r for r in rows if int(r["experience_id"]) == ident]
        assert len(mine) == days * len(experience["variations"])  # type: ignore[arg-type]
        goal = experience.get("primary_goal") or experience["goals"][0]  # type: ignore[index]
        assert {r["goal_id"] for r in mine} == {str(goal)}  # the goal is named in each row
        for variation in experience["variations"]:  # type: ignore[attr-defined]
            series = sorted(
                (r for r in mine if r["variation_id"] == str(variation["id"])),
                key=lambda r: int(r["timestamp"]),
            )
            assert len({r["date"] for r in series}) == days
            assert all(r["visitors"] and r["conversions"] and r["value"] for r in series)
            assert all(r["conversions"].isdigit() for r in series)  # counts, not 12.0
            # cumulative by default: running totals never go down
            visitors = [int(r["visitors"]) for r in series]
            assert visitors == sorted(visitors)
            stored = fake.store.traffic(experience)[int(variation["id"])]
            assert visitors[-1] == sum(d["visitors"] for d in stored)


def test_bulk_export_doc_lists_the_columns_in_order() -> None:
    """docs/bulk-export.md documents every column, in the order the rows have them."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "bulk-export.md").read_text()
    sections: dict[type[AggregatedRow] | type[DailyRow], str] = {
        AggregatedRow: doc.split("#### Aggregated (`AggregatedRow`)")[1].split("####")[0],
        DailyRow: doc.split("#### Daily (`DailyRow`)")[1].split("##")[0],
    }
    for row_type, text in sections.items():
        columns = re.findall(r"^\| `(\w+)` \| [^|]+ \| [^|]+ \|$", text, re.MULTILINE)
        assert tuple(columns) == row_type.COLUMNS, row_type.__name__


@pytest.mark.anyio
async def test_a_report_token_is_never_written_to_the_checkpoint_or_printed(
    client: ConvertClient, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    canary, other = "CANARY-report-token-7f3a", "OTHER-report-token-91bc"
    out, checkpoint = tmp_path / "out.csv", tmp_path / "out.ckpt"
    caplog.set_level("DEBUG")
    result = await export_reports(
        client,
        account_id=ACCOUNT,
        project_id=SEEDED_PROJECT,
        out=out,
        checkpoint=checkpoint,
        report_options={"report_token": canary},
    )
    assert result.exported
    data = checkpoint.read_bytes()
    assert canary.encode() not in data
    assert b"report_token_sha256" in data  # an identity is still kept, as a hash
    # Another token is another export: refused, with neither token in the message.
    with pytest.raises(CheckpointError, match="report_options differ") as caught:
        await export_reports(
            client,
            account_id=ACCOUNT,
            project_id=SEEDED_PROJECT,
            out=out,
            checkpoint=checkpoint,
            report_options={"report_token": other},
        )
    # A checkpoint written before tokens were hashed holds one in clear: still never shown.
    lines = data.split(b"\n")
    header = json.loads(lines[0])
    header["report_options"] = {"report_token": canary}
    checkpoint.write_bytes(json.dumps(header).encode() + b"\n" + b"\n".join(lines[1:]))
    with pytest.raises(CheckpointError) as caught_old:
        await export_reports(
            client,
            account_id=ACCOUNT,
            project_id=SEEDED_PROJECT,
            out=out,
            checkpoint=checkpoint,
            report_options={"report_token": canary},
        )
    for error in (caught.value, caught_old.value):
        text = str(error) + repr(error.args)
        assert canary not in text
        assert other not in text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert canary not in logged
    assert other not in logged


class RewritingFake(FakeConvert):
    """FakeConvert whose successful replies to ``operation`` pass through :meth:`rewrite`."""

    operation = ""

    def rewrite(self, reply: Any, path_params: dict[str, str]) -> None:
        raise NotImplementedError

    async def _answer(self, request, routed, body, query):  # type: ignore[no-untyped-def]
        answer = await super()._answer(request, routed, body, query)
        if routed.operation != self.operation or answer.status != 200:
            return answer
        reply = json.loads(answer.body)
        self.rewrite(reply, routed.path_params)
        return dataclasses.replace(answer, body=json.dumps(reply).encode())


@pytest.mark.parametrize("report", ["aggregated", "daily"])
@pytest.mark.anyio
async def test_an_export_asks_the_listing_for_the_goals_and_variations_it_needs(
    report: Literal["aggregated", "daily"], tmp_path: Path
) -> None:
    # Against a server that leaves optional fields out (the spec's "Optional Fields", as
    # FakeConvert now does), the daily export read every experience as having no goals and
    # wrote no row ("exported 120 of 120, 0 rows").
    async with FakeConvert() as fake:
        project, ids = big_project(fake, 60)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            out = tmp_path / "rows.csv"
            result = await export_reports(
                client, account_id=ACCOUNT, project_id=project, report=report, out=out
            )
    assert result.ok
    assert result.exported == 60
    rows = read_csv(out)
    # Every experience has rows (a daily report only those that ever ran: not the drafts).
    drafts = {
        e["id"]
        for e in fake.store.items("experiences", account_id=ACCOUNT)
        if e["status"] == "draft"
    }
    expected = set(ids) - drafts if report == "daily" else set(ids)
    assert {int(r["experience_id"]) for r in rows} == expected
    assert all(r["variation_name"] for r in rows)  # the names came with the listing
    listing = fake.requests_for("getExperiencesList")[0]
    assert set(json.loads(listing.body)["include"]) >= {"goals", "variations"}


@pytest.mark.anyio
async def test_a_daily_export_of_experiences_whose_goals_are_unknown_lets_the_server_pick(
    tmp_path: Path,
) -> None:
    # Goals left out of a listing (a server that ignores include) are unknown, not none: the
    # daily report is asked without a goal and the server picks one.
    async with GoalsLeftOut() as fake:
        project, ids = big_project(fake, 3)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            result = await export_reports(
                client, account_id=ACCOUNT, experiences=[(project, i) for i in ids], report="daily"
            )
    assert result.ok
    assert result.rows > 0
    asked = [json.loads(r.body) for r in fake.requests_for("getExperienceDailyReport")]
    assert len(asked) == 3
    assert all("goal" not in body for body in asked)


class GoalsLeftOut(RewritingFake):
    operation = "getExperiencesList"

    def rewrite(self, reply: Any, path_params: dict[str, str]) -> None:
        for experience in reply["data"]:
            experience.pop("goals", None)


class OutOfRangeDay(RewritingFake):
    """Answers one experience's daily report with a day no calendar has."""

    operation = "getExperienceDailyReport"
    broken: int | None = None

    def rewrite(self, reply: Any, path_params: dict[str, str]) -> None:
        if int(path_params["experience_id"]) == self.broken:
            reply["data"]["reportData"]["variations"][0]["stats"][0]["timestamp"] = 10**20


@pytest.mark.anyio
async def test_a_daily_report_with_a_day_no_calendar_has_fails_that_experience_alone() -> None:
    # datetime's OverflowError escaped and ended the whole export.
    async with OutOfRangeDay() as fake:
        project, ids = big_project(fake, 8)
        fake.broken = ids[0]
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            result = await export_reports(
                client, account_id=ACCOUNT, project_id=project, report="daily"
            )
    assert [f.experience_id for f in result.failures] == [ids[0]]
    assert "not a time any date has" in str(result.failures[0].error)
    assert result.exported == 7


@pytest.mark.anyio
async def test_leaving_async_with_after_break_stops_the_export_at_once(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    # The loop's iterator was gone at ``break`` (only a weak reference was kept), so leaving
    # ``async with`` stopped nothing: reports were still fetched, and a re-run at once found
    # the checkpoint "in use by another export".
    project, ids = big_project(fake, 120)
    fake.faults.latency = 0.01
    options = checkpointed(tmp_path, project, "rows.jsonl", concurrency=10)
    async with export_reports(client, **options) as export:
        async for _ in export:
            break
    result = await export_reports(client, **options)  # at once: the checkpoint is free
    assert result.ok
    assert result.exported + result.skipped == len(ids)


class SlowSecondPage(FakeConvert):
    """Answers the experiences list's second page half a second late, noting how many reports
    were asked for by then."""

    reports_before_page_2: int | None = None

    async def _answer(self, request, routed, body, query):  # type: ignore[no-untyped-def]
        answer = await super()._answer(request, routed, body, query)
        if routed.operation == "getExperiencesList" and json.loads(body).get("page") == 2:
            await anyio.sleep(0.5)
            self.reports_before_page_2 = len(self.requests_for(REPORT_OP))
        return answer


@pytest.mark.anyio
async def test_a_listing_page_held_up_holds_back_no_other_pages_experiences() -> None:
    async with SlowSecondPage() as fake:
        project, ids = big_project(fake, 300)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            first = await client.experiences.list(account_id=ACCOUNT, project_id=project)
            per_page = len(first.items)
            assert per_page < 100  # pages 3 onwards hold the rest
            result = await export_reports(
                client, account_id=ACCOUNT, project_id=project, concurrency=10
            )
    assert result.ok
    assert report_calls(fake) == Counter(dict.fromkeys(ids, 1))
    # In page order, only the first page's experiences could have been exported by then.
    assert fake.reports_before_page_2 is not None
    assert fake.reports_before_page_2 > 2 * per_page


@pytest.mark.anyio
async def test_a_listing_page_refused_again_and_again_does_not_abort_the_export(
    fake: FakeConvert,
) -> None:
    # A sliding-log server at its limit refused one listing page four times in a row: the
    # session's own three retries were used up and the whole export failed.
    project, ids = big_project(fake, 120)
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    fast = RetryPolicy(initial_delay=0.001, max_delay=0.002)
    async with ConvertClient(auth, base_url=fake.url, retry=fast) as client:
        fake.faults.fail_next(8, status=429, retry_after="0", operation="getExperiencesList")
        result = await export_reports(client, account_id=ACCOUNT, project_id=project)
        assert result.ok
        assert report_calls(fake) == Counter(dict.fromkeys(ids, 1))
        listed = Counter(r.status for r in fake.requests_for("getExperiencesList"))
        assert listed[429] == 8
        # The budget is the export's max_throttles: past it, the listing's 429 is the error.
        fake.faults.fail_next(6, status=429, retry_after="0", operation="getExperiencesList")
        with pytest.raises(RateLimitError, match=r"gave up after 4 retries \(max_throttles\)"):
            await export_reports(client, account_id=ACCOUNT, project_id=project, max_throttles=4)


@pytest.mark.anyio
async def test_a_report_refused_past_max_throttles_fails_saying_the_budget_ran_out(
    fake: FakeConvert, client: ConvertClient
) -> None:
    project, _ = big_project(fake, 1)
    fake.faults.fail_next(3, status=429, retry_after="0", operation=REPORT_OP)
    result = await export_reports(client, account_id=ACCOUNT, project_id=project, max_throttles=2)
    (failure,) = result.failures
    assert isinstance(failure.error, RateLimitError)
    assert str(failure.error).count("gave up after 2 retries (max_throttles)") == 1
    assert Counter(r.status for r in fake.requests_for(REPORT_OP)) == {429: 3}


@pytest.mark.anyio
async def test_an_export_against_a_fixed_rate_server_sees_few_429s(
    fake: FakeConvert, client: ConvertClient
) -> None:
    project, ids = big_project(fake, 300)
    fake.faults.max_rate = 100  # per one-second window, 429 + Retry-After beyond
    fake.faults.operations = {REPORT_OP}
    result = await export_reports(client, account_id=ACCOUNT, project_id=project, concurrency=20)
    assert result.ok
    assert report_calls(fake) == Counter(dict.fromkeys(ids, 1))
    statuses = Counter(r.status for r in fake.requests_for(REPORT_OP))
    assert statuses[429] >= 1  # the server did enforce its limit ...
    # ... and the limiter settled under it: the first window's overflow, little after it
    # (the old limiter cut by 0.7 per throttled burst and paused everyone per Retry-After).
    assert statuses[429] <= 0.15 * statuses[200]
    assert result.limiter.throttled == statuses[429]
    # (Where the rate ends depends on how the one-second windows fell on this machine: the
    # server's count of refusals is the measure, not the limiter's last value.)


@pytest.mark.anyio
async def test_two_exports_cannot_share_a_checkpoint_at_once(
    fake: FakeConvert, client: ConvertClient, tmp_path: Path
) -> None:
    # Both "succeeded", and the checkpoint then went backwards: never resumable again.
    project, _ = big_project(fake, 20)
    fake.faults.latency = 0.05
    options = checkpointed(tmp_path, project, "out.csv", concurrency=2)
    async with anyio.create_task_group() as group:
        first: list[Any] = []

        async def run_first() -> None:
            first.append(await export_reports(client, **options))

        group.start_soon(run_first)
        await anyio.sleep(0.1)  # the first one is under way
        with pytest.raises(
            CheckpointError, match=rf"in use by another export \(pid {os.getpid()}\)"
        ):
            await export_reports(client, **options)
    assert first[0].exported == 20
    assert len(read_csv(tmp_path / "out.csv")) == 20 * 4
    again = await export_reports(client, **options)  # released once the first one ended
    assert (again.skipped, again.exported) == (20, 0)


class ListsAnExperienceWithoutAnId(RewritingFake):
    operation = "getExperiencesList"

    def rewrite(self, reply: Any, path_params: dict[str, str]) -> None:
        reply["data"][0].pop("id")


@pytest.mark.anyio
async def test_an_experience_listed_without_an_id_is_skipped_not_exported_as_zero(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Every such experience became "experience 0": merged into one, asked for a report of
    # /experiences/0 and written with experience_id 0.
    async with ListsAnExperienceWithoutAnId() as fake:
        project, _ = big_project(fake, 5)
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            result = await export_reports(client, account_id=ACCOUNT, project_id=project)
    assert result.ok
    assert result.exported == 4
    assert 0 not in report_calls(fake)
    assert len(report_calls(fake)) == 4
    assert "listed an experience without an id" in caplog.text
