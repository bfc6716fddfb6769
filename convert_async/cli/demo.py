"""``convert-async demo``: the SDK end to end against the embedded fake API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from .. import ConvertClient, HmacAuth
from ..testing import FakeConvert
from ..v2.models import AggregatedReport, Experience, Project


@dataclass(frozen=True, slots=True)
class _Row:
    project: Project
    experience: Experience
    report: AggregatedReport


def _best_lift(report: AggregatedReport) -> str:
    lifts = [
        (v.improvement, v.variation_name or str(v.variation_id))
        for goal in report.goals[:1]
        for v in goal.variations
        if v.improvement is not None
    ]
    if not lifts:
        return "-"
    lift, name = max(lifts)
    return f"{lift:+.1f}% ({name})"


def _visitors(report: AggregatedReport) -> int:
    return sum(v.visitors for v in report.goals[0].variations) if report.goals else 0


async def run_demo(*, concurrency: int = 20) -> int:
    """List projects and experiences, export every aggregated report concurrently, summarise."""
    started = time.perf_counter()
    async with FakeConvert() as fake:
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=fake.url) as client:
            accounts = await client.accounts.list()
            account = accounts[0]
            print(f"Fake Convert API at {fake.url} (HMAC-signed requests)")
            print(f"Account {account.id}: {account.name}")
            projects = [p async for p in client.projects.list(account_id=account.id)]
            experiences = {
                project.id: [
                    e
                    async for e in client.experiences.list(
                        account_id=account.id, project_id=project.id
                    )
                ]
                for project in projects
            }
            limit = asyncio.Semaphore(concurrency)

            async def export(project: Project, experience: Experience) -> _Row:
                async with limit:
                    report = await client.reports.get_aggregated(
                        account_id=account.id,
                        project_id=project.id,
                        experience_id=experience.id,
                    )
                return _Row(project, experience, report)

            rows = await asyncio.gather(
                *(export(p, e) for p in projects for e in experiences[p.id])
            )
    elapsed = time.perf_counter() - started
    for project in projects:
        print(f"\n{project.name} (project {project.id})")
        print(f"  {'experience':<38} {'status':<10} {'visitors':>9}  best lift")
        for row in rows:
            if row.project.id == project.id:
                name = (row.experience.name or row.experience.key or "")[:38]
                print(
                    f"  {name:<38} {row.experience.status or '':<10} "
                    f"{_visitors(row.report):>9,}  {_best_lift(row.report)}"
                )
    print(
        f"\n{len(projects)} projects, {len(rows)} experiences, {len(rows)} aggregated reports "
        f"exported in {elapsed:.2f}s ({len(fake.requests)} API calls)"
    )
    return 0
