"""The API commands: ``projects list``, ``experiences list``, ``reports export``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import msgspec

from .._core.errors import NotFoundError
from .._core.ratelimit import AdaptiveRateLimiter
from ..v2.bulk import ExportResult, OutputFormat, _format_from_suffix, export_reports
from ..v2.client import ConvertClient
from ..v2.models import Project
from ._common import EXIT_ERROR, CliError, UsageError, make_client
from ._output import Progress, print_records

__all__ = ["ENV_ACCOUNT_ID", "experiences_list", "projects_list", "reports_export"]

ENV_ACCOUNT_ID = "CONVERT_ACCOUNT_ID"

PROJECT_COLUMNS = ("account_id", "id", "name", "project_type", "status")
EXPERIENCE_COLUMNS = ("id", "name", "status", "type", "start_time", "end_time")
EXPERIENCE_STATUSES = ("draft", "active", "paused", "completed", "scheduled", "archived", "deleted")


def account_from(args: argparse.Namespace) -> int | None:
    """``--account``, else ``$CONVERT_ACCOUNT_ID``, else None (resolved from the API)."""
    if args.account is not None:
        return int(args.account)
    value = os.environ.get(ENV_ACCOUNT_ID, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise CliError(f"{ENV_ACCOUNT_ID} must be a number, not {value!r}")
    return int(value)


async def resolve_account(client: ConvertClient, account: int | None, project: int | None) -> int:
    """The account to use: the one given, the only one the key reaches, or the project's."""
    if account is not None:
        return account
    accounts = await account_ids(client)
    if len(accounts) == 1:
        return accounts[0]
    if not accounts:
        raise CliError("this key has access to no account")
    if project is not None:
        for candidate in accounts:
            try:
                await client.projects.get(account_id=candidate, project_id=project)
            except NotFoundError:
                continue
            return candidate
        ids = ", ".join(map(str, accounts))
        raise CliError(f"project {project} not found in any account of this key ({ids})")
    ids = ", ".join(map(str, accounts))
    raise CliError(f"this key reaches several accounts ({ids}): pass --account")


async def account_ids(client: ConvertClient) -> list[int]:
    """The ids of every account the key reaches."""
    return [account.id async for account in client.accounts.list() if account.id is not None]


async def check_project(client: ConvertClient, account: int, project: int) -> None:
    """Fail with a clear message when ``project`` is not in ``account``."""
    try:
        await client.projects.get(account_id=account, project_id=project)
    except NotFoundError as error:
        detail = f" ({error.message})" if error.message else ""
        raise CliError(f"project {project} not found in account {account}{detail}") from None


async def projects_list(args: argparse.Namespace) -> int:
    async with make_client(args) as client:
        account = account_from(args)
        if account is not None:
            accounts = [account]
        else:
            accounts = await account_ids(client)
        projects: list[Project] = []
        for account_id in accounts:
            try:
                found = [p async for p in client.projects.list(account_id=account_id)]
            except NotFoundError:
                raise CliError(f"account {account_id} not found") from None
            # The list does not always say which account a project belongs to.
            projects.extend(p if p.account_id else _with_account(p, account_id) for p in found)
    print_records(projects, PROJECT_COLUMNS, args.format, title="Projects")
    return 0


def _with_account(project: Project, account_id: int) -> Project:
    return msgspec.structs.replace(project, account_id=account_id)


async def experiences_list(args: argparse.Namespace) -> int:
    async with make_client(args) as client:
        account = await resolve_account(client, account_from(args), args.project)
        await check_project(client, account, args.project)
        experiences = [
            e
            async for e in client.experiences.list(
                account_id=account, project_id=args.project, status=args.status or None
            )
        ]
    print_records(experiences, EXPERIENCE_COLUMNS, args.format, title="Experiences")
    return 0


async def reports_export(args: argparse.Namespace) -> int:
    projects: list[int] = args.project
    if args.experience and len(projects) != 1:
        raise UsageError("--experience needs exactly one --project")
    if args.checkpoint is not None and args.checkpoint.resolve() == args.out.resolve():
        raise UsageError("--checkpoint cannot be the --out file: pass another path")
    fmt: OutputFormat | None = args.format
    if args.out.suffix:
        try:
            named = _format_from_suffix(args.out)
        except ValueError:
            raise UsageError(
                f"--out {args.out.name}: the export writes .csv or .jsonl/.ndjson files"
            ) from None
        if fmt is not None and fmt != named:
            raise UsageError(f"--out {args.out.name} does not match --format {fmt}")
        fmt = named
    fmt = fmt or "csv"  # a name without a suffix
    limiter = AdaptiveRateLimiter(
        rate=args.rate,
        min_rate=min(0.5, args.rate or 0.5),
        opening_window=args.opening_window,
    )
    async with make_client(args) as client:
        account = await resolve_account(client, account_from(args), projects[0])
        for project in projects:
            await check_project(client, account, project)
        selection: dict[str, Any]
        if args.experience:
            selection = {"experiences": [(projects[0], e) for e in args.experience]}
        else:
            selection = {"project_ids": projects, "status": args.status or None}
        with Progress(f"{args.report} reports", limiter=limiter) as progress:
            result = await export_reports(
                client,
                account_id=account,
                report=args.report,
                out=args.out,
                format=fmt,
                checkpoint=args.checkpoint,
                concurrency=args.concurrency,
                rate_limiter=limiter,
                on_progress=progress.update,
                **selection,
            )
    print(summary(result))
    if result.failures:
        for failure in result.failures[:20]:
            print(f"failed: {failure}", file=sys.stderr)
        if len(result.failures) > 20:
            print(f"failed: ... and {len(result.failures) - 20} more", file=sys.stderr)
        hint = " (re-run with the same --checkpoint to retry them)" if args.checkpoint else ""
        print(
            f"error: {len(result.failures)} of {result.total} experiences failed{hint}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return 0


def summary(result: ExportResult) -> str:
    """One paragraph about an export, for people."""
    stats = result.limiter
    skipped = f", {result.skipped} already done (checkpoint)" if result.skipped else ""
    where = f" to {result.output}" if result.output else ""
    throttling = "no throttling"
    if stats.throttled:
        throttling = (
            f"{stats.throttled} throttled replies, rate limit lowered to "
            f"{stats.lowest_rate:.1f} req/s"
        )
    return (
        f"Exported {result.exported} of {result.total} experiences ({result.rows} rows){where} "
        f"in {result.elapsed:.2f}s{skipped}; {len(result.failures)} failed; {throttling}"
    )
