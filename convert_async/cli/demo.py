"""``convert-async demo``: the SDK end to end against the embedded fake API."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import ConvertClient, HmacAuth, TrackingClient
from ..testing import FakeConvert
from ..v2.bulk import AggregatedRow, ExportResult, export_reports
from ..v2.models import Experience, Project
from ._commands import summary


@dataclass(slots=True)
class _ExperienceSummary:
    """What the demo prints per experience, folded from its exported rows."""

    visitors: int = 0
    lifts: list[tuple[float, str]] = field(default_factory=list)
    first_goal: int | None = None

    def add(self, row: AggregatedRow) -> None:
        if self.first_goal is None:
            self.first_goal = row.goal_id
        if row.goal_id != self.first_goal:
            return
        self.visitors += row.visitors or 0
        if row.conversion_rate_change is not None and not row.is_baseline:
            name = row.variation_name or str(row.variation_id)
            self.lifts.append((row.conversion_rate_change, name))

    def best_lift(self) -> str:
        if not self.lifts:
            return "-"
        lift, name = max(self.lifts)
        return f"{lift:+.1f}% ({name})"


async def run_demo(*, concurrency: int = 20, out: Path | None = None) -> int:
    """List projects and experiences, bulk-export every aggregated report, summarise."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="convert-async-demo-") as scratch:
        target = out or Path(scratch) / "aggregated-reports.csv"
        async with FakeConvert() as fake:
            auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
            async with ConvertClient(auth, base_url=fake.url) as client:
                account = (await client.accounts.list()).items[0]
                assert account.id is not None
                print(f"Fake Convert API at {fake.url} (HMAC-signed requests)")
                print(f"Account {account.id}: {account.name}")
                projects = [p async for p in client.projects.list(account_id=account.id) if p.id]
                experiences: dict[tuple[int, int], Experience] = {}
                for project in projects:
                    assert project.id is not None
                    async for exp in client.experiences.list(
                        account_id=account.id, project_id=project.id
                    ):
                        if exp.id is not None:
                            experiences[(project.id, exp.id)] = exp

                # Bulk export: every experience's aggregated report, concurrently, to CSV.
                summaries: dict[tuple[int, int], _ExperienceSummary] = {}
                export = export_reports(
                    client,
                    account_id=account.id,
                    project_ids=[p.id for p in projects if p.id is not None],
                    out=target,
                    concurrency=concurrency,
                )
                async for row in export:
                    if isinstance(row, AggregatedRow):
                        key = (row.project_id, row.experience_id)
                        summaries.setdefault(key, _ExperienceSummary()).add(row)
                result = export.result
                assert result is not None

                tracking_line = await _tracking_burst(fake, account.id, projects[0].id or 0)
            api_calls = len(fake.requests)
        _print_tables(projects, experiences, summaries)
        elapsed = time.perf_counter() - started
        print()
        print(summary(result))
        if out is None:
            print("(written to a temporary file; pass --out FILE to keep the CSV)")
        print(tracking_line)
        print(
            f"{len(projects)} projects, {len(experiences)} experiences, "
            f"{result.exported} aggregated reports exported; demo took {elapsed:.2f}s "
            f"({api_calls} API calls)"
        )
    return 0 if _ok(result) else 1


async def _tracking_burst(fake: FakeConvert, account_id: int, project_id: int) -> str:
    """Bucket and convert a burst of visitors through a TrackingClient; one summary line."""
    key = fake.serving.sdk_key(account_id, project_id, with_secret=True)
    visitors = 5_000
    async with TrackingClient(
        key.sdk_key,
        key.secret,
        account_id=account_id,
        project_id=project_id,
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
    ) as tracker:
        config = await tracker.fetch_config()
        # Ids are optional in the serving types; the fake's config always carries them.
        running = [
            (e.id, [v.id for v in e.variations if v.id is not None])
            for e in config.experiences
            if e.id is not None and e.variations
        ]
        goal_id = next((g.id for g in config.goals if g.id is not None), None)
        started = time.perf_counter()
        for n in range(visitors):
            experience_id, variation_ids = running[n % len(running)]
            variation_id = variation_ids[n % len(variation_ids)]
            tracker.track_bucketing(f"visitor-{n}", experience_id, variation_id)
            if n % 4 == 0 and goal_id is not None:
                tracker.track_conversion(f"visitor-{n}", goal_id, revenue=19.99)
        enqueued = time.perf_counter() - started
    stats = tracker.stats
    return (
        f"Tracking: {stats.enqueued:,} events queued in {enqueued * 1000:.0f} ms, "
        f"{stats.sent:,} delivered in {len(fake.serving.batches)} batches "
        f"({stats.failed} failed, {stats.dropped} dropped)"
    )


def _ok(result: ExportResult) -> bool:
    return result.ok and result.exported + result.skipped == result.total


def _print_tables(
    projects: list[Project],
    experiences: dict[tuple[int, int], Experience],
    summaries: dict[tuple[int, int], _ExperienceSummary],
) -> None:
    for project in projects:
        print(f"\n{project.name} (project {project.id})")
        print(f"  {'experience':<38} {'status':<10} {'visitors':>9}  best lift")
        for (project_id, experience_id), exp in experiences.items():
            if project_id != project.id:
                continue
            row = summaries.get((project_id, experience_id), _ExperienceSummary())
            name = (exp.name or exp.key or "")[:38]
            print(f"  {name:<38} {exp.status or '':<10} {row.visitors:>9,}  {row.best_lift()}")
