"""Bulk report exports: many experiences' reports, fetched concurrently, streamed to a file.

::

    async with ConvertClient(auth) as client:
        result = await export_reports(
            client, account_id=1, project_id=2, status=["active"], out="reports.csv",
            checkpoint="reports.ckpt", concurrency=20,
        )
        for failure in result.failures:
            print(failure.experience_id, failure.error)

        async for row in export_reports(client, account_id=1, project_ids=[2, 3]):
            ...  # AggregatedRow objects, without a file

How it works: the selected experiences are listed (ids and names only) and each gets a task as
the pages arrive; at most ``concurrency`` of them have a request in flight (an experience
waiting out a ``Retry-After`` holds no slot). Each request first takes a token from an
:class:`~convert_async._core.ratelimit.AdaptiveRateLimiter`, and a 429 slows that limiter down
instead of being retried blindly by the session. One writer task appends each experience's
rows to the output in one write, flushes and fsyncs them, then records the experience and the
output's new length in the checkpoint. A re-run with the same checkpoint truncates the output
to the last recorded length (dropping rows of experiences that were written but not recorded),
skips the recorded experiences and exports the rest, so nothing is lost or written twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import errno
import hashlib
import inspect
import io
import logging
import math
import os
import stat
import time
import weakref
from collections.abc import (
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Literal, Self, TypeAlias, cast

import anyio
import msgspec
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .._core.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    ConvertError,
    RateLimitError,
    RequestValidationError,
)
from .._core.files import LockHeld, lock_for_this_process, naming
from .._core.ratelimit import AdaptiveRateLimiter, RateLimiterStats
from .._core.retry import gave_up
from .models import (
    Experience,
    ExperienceAggregatedGoalBayesianVariationsItem,
    ExperienceAggregatedGoalReportFrequentistVariationsItem,
    ExperienceAggregatedMetricBayesianConversionRate,
    ExperienceAggregatedMetricFrequentistConversionRate,
    ExperienceAggregatedMetricReportBayesian,
    ExperienceAggregatedMetricReportFrequentist,
    ExperienceAggregatedReport,
    ExperienceDailyReport,
    ExperienceVariationObject,
)

if TYPE_CHECKING:
    from .client import ConvertClient
    from .requests import ExperienceStatuses

__all__ = [
    "AggregatedRow",
    "BulkExport",
    "CheckpointError",
    "DailyRow",
    "ExportFailure",
    "ExportResult",
    "ReportRow",
    "export_reports",
]

ReportKind: TypeAlias = Literal["aggregated", "daily"]
OutputFormat: TypeAlias = Literal["csv", "jsonl"]
ProgressCallback: TypeAlias = Callable[[int, int, int], object]
StrPath: TypeAlias = str | os.PathLike[str]

#: Throttling replies tolerated for one experience before it is reported as failed.
DEFAULT_MAX_THROTTLES = 10
_ONLY_CHUNK = 100  # the list endpoints accept at most 100 ids in ``only``
logger = logging.getLogger("convert_async.bulk")

_LOOKUP_CONCURRENCY = 10
#: Experiences begun at once per request slot: the others wait out a Retry-After meanwhile.
_BEGUN_PER_SLOT = 4
_CHECKPOINT_VERSION = 1


class AggregatedRow(msgspec.Struct, frozen=True, kw_only=True):
    """One experience x goal x variation of an aggregated report (a CSV/JSONL row).

    Figures come from the report's ``conversion_rate`` metric when it has one, else from the
    variation's ``conversion_data``. ``confidence`` is filled by frequentist reports and
    ``chance_to_win`` by bayesian ones; ``conversion_rate_change`` is the change against the
    baseline, in percent.
    """

    COLUMNS: ClassVar[tuple[str, ...]]

    account_id: int
    project_id: int
    experience_id: int
    experience_name: str | None
    stats_methodology: str
    goal_id: int | None
    variation_id: int | None
    variation_name: str | None
    is_baseline: bool | None
    visitors: int | None
    conversions: int | None
    conversion_rate: float | None
    conversion_rate_change: float | None
    confidence: float | None
    chance_to_win: float | None
    statistically_significant: bool | None
    srm: bool | None
    srm_pvalue: float | None


class DailyRow(msgspec.Struct, frozen=True, kw_only=True):
    """One experience x day x variation of a daily report (a CSV/JSONL row).

    ``value`` is the day's figure of the requested ``metric``; ``visitors`` and ``conversions``
    (the report's ``totals``) are running totals when ``report_type="cumulative"``.
    """

    COLUMNS: ClassVar[tuple[str, ...]]

    account_id: int
    project_id: int
    experience_id: int
    experience_name: str | None
    goal_id: int | None
    report_type: str | None
    metric: str | None
    date: str | None
    timestamp: int | None
    variation_id: int | None
    variation_name: str | None
    is_baseline: bool | None
    visitors: int | None
    conversions: float | None
    value: float | None


AggregatedRow.COLUMNS = AggregatedRow.__struct_fields__
DailyRow.COLUMNS = DailyRow.__struct_fields__

ReportRow: TypeAlias = AggregatedRow | DailyRow
ReportReply: TypeAlias = ExperienceAggregatedReport | ExperienceDailyReport


class CheckpointError(ConvertError):
    """The checkpoint file cannot be used to resume this export (mismatch or damage)."""


@dataclass(frozen=True, slots=True)
class ExportFailure:
    """An experience whose report could not be exported, and why."""

    project_id: int
    experience_id: int
    experience_name: str | None
    error: ConvertError

    def __str__(self) -> str:
        return f"experience {self.experience_id} (project {self.project_id}): {self.error}"


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export did.

    ``total`` experiences were selected; ``exported`` of them were written by this run and
    ``skipped`` had already been written by an earlier run (checkpoint); ``failures`` lists the
    others with their errors (they are not in the checkpoint, so a re-run tries them again).
    ``rows`` counts the rows this run produced; ``limiter`` is the rate limiter's final stats.
    """

    total: int
    exported: int
    skipped: int
    rows: int
    failures: tuple[ExportFailure, ...]
    elapsed: float
    limiter: RateLimiterStats
    output: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every selected experience is in the output."""
        return not self.failures


@dataclass(frozen=True, slots=True)
class _Target:
    project_id: int
    experience_id: int
    name: str | None = None
    variations: tuple[tuple[int | None, str | None, bool | None], ...] = ()
    #: The experience's goal ids, primary goal first; None when it was not listed.
    goals: tuple[int, ...] | None = None

    @property
    def key(self) -> tuple[int, int]:
        return (self.project_id, self.experience_id)


@dataclass(slots=True)
class _Outcome:
    target: _Target
    rows: list[ReportRow] = field(default_factory=list)
    payload: bytes = b""
    error: ConvertError | None = None


#: The report methods' parameters the export fills in itself, per experience.
_SELECTED_PARAMETERS = frozenset({"account_id", "project_id", "experience_id"})


def export_reports(
    client: ConvertClient,
    *,
    account_id: int,
    project_id: int | None = None,
    project_ids: Sequence[int] | None = None,
    experiences: Sequence[tuple[int, int]] | None = None,
    status: Sequence[ExperienceStatuses | str] | None = None,
    report: ReportKind = "aggregated",
    report_options: Mapping[str, Any] | None = None,
    out: StrPath | None = None,
    format: OutputFormat | None = None,
    checkpoint: StrPath | None = None,
    concurrency: int = 10,
    rate_limiter: AdaptiveRateLimiter | None = None,
    on_progress: ProgressCallback | None = None,
    max_throttles: int = DEFAULT_MAX_THROTTLES,
) -> BulkExport:
    """Export the aggregated or daily report of many experiences.

    Select the experiences with exactly one of: ``project_id`` (every experience of that
    project), ``project_ids`` (every experience of each), or ``experiences`` (explicit
    ``(project_id, experience_id)`` pairs); ``status`` filters the project selections (e.g.
    ``["active", "paused"]``). ``report`` is ``"aggregated"`` (a row per experience x goal x
    variation, :class:`AggregatedRow`) or ``"daily"`` (a row per experience x day x variation,
    :class:`DailyRow`); ``report_options`` are passed to ``client.reports.get_aggregated`` /
    ``get_daily`` (``start_time``, ``end_time``, ``goals``, ``goal``, ``metric`` ...).

    With ``out``, rows are appended to that file as CSV or JSONL (``format``, else from the
    suffix: ``.csv``, ``.jsonl``/``.ndjson``). With ``checkpoint`` too, the export is
    resumable: a re-run with the same checkpoint and output skips the experiences already
    written and never duplicates a row, whatever point the earlier run was interrupted at.

    At most ``concurrency`` reports are fetched at once, paced by ``rate_limiter`` (by default
    the client's own :class:`AdaptiveRateLimiter`, unlimited until the first 429; pass one to
    start at a known rate). A 429 slows the limiter down and that experience alone is tried
    again after its ``Retry-After`` (up to ``max_throttles`` times) while the others go on at
    the lowered rate; a ``Retry-After`` over the client's ``max_retry_after`` fails that
    experience at once with a :class:`RateLimitError` that says so. Connection errors and 5xx
    are retried with the client's retry policy. ``on_progress(done, total, failed)`` is
    called as experiences finish (``done`` counts finished experiences, failed ones included,
    and those skipped from the checkpoint; ``total`` counts the experiences listed so far, so
    it can grow until the listing is complete, and the last call has the final numbers). An
    experience that fails is collected in :attr:`ExportResult.failures`; only a failure to
    list the experiences (unknown project, bad credentials), a 401, or ``report_options``
    that the API would reject for every experience abort the export.

    The returned :class:`BulkExport` runs when awaited (returns an :class:`ExportResult`) or
    iterated with ``async for`` (yields the rows as they are written; :attr:`BulkExport.result`
    is set at the end). Rows come in completion order, one experience's rows together.
    """
    selections = sum(x is not None for x in (project_id, project_ids, experiences))
    if selections != 1:
        raise RequestValidationError(
            "project_id", "pass exactly one of project_id, project_ids or experiences"
        )
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise RequestValidationError(
            "concurrency", f"must be a whole number of at least 1, not {concurrency!r}"
        )
    if isinstance(max_throttles, bool) or not isinstance(max_throttles, int) or max_throttles < 0:
        raise RequestValidationError(
            "max_throttles", f"must be a whole number of at least 0, not {max_throttles!r}"
        )
    if report not in ("aggregated", "daily"):
        raise RequestValidationError("report", f"must be 'aggregated' or 'daily', not {report!r}")
    if report_options:
        method = client.reports.get_daily if report == "daily" else client.reports.get_aggregated
        known = set(inspect.signature(method).parameters) - _SELECTED_PARAMETERS
        unknown = sorted(set(report_options) - known)
        if unknown:
            raise RequestValidationError(
                "report_options",
                f"{', '.join(map(repr, unknown))} not an option of the "
                f"{report} report (options: {', '.join(sorted(known))})",
            )
    if checkpoint is not None and out is None:
        raise RequestValidationError("checkpoint", "needs an output file (out=...)")
    if checkpoint is not None and Path(checkpoint).resolve() == Path(out or "").resolve():
        raise RequestValidationError("checkpoint", "cannot be the output file: pass another path")
    path = Path(out) if out is not None else None
    fmt = format
    if path is not None and fmt is None:
        fmt = _format_from_suffix(path)
    if fmt is not None and fmt not in ("csv", "jsonl"):
        raise RequestValidationError("format", f"must be 'csv' or 'jsonl', not {fmt!r}")
    if project_id is not None:
        projects: list[int] | None = [project_id]
    elif project_ids is not None:
        projects = list(dict.fromkeys(project_ids))
    else:
        projects = None
    pairs = None if experiences is None else list(dict.fromkeys((p, e) for p, e in experiences))
    return BulkExport(
        client,
        account_id=account_id,
        projects=projects,
        pairs=pairs,
        status=list(status) if status else None,
        report=report,
        report_options=dict(report_options or {}),
        out=path,
        fmt=fmt or "jsonl",
        checkpoint=Path(checkpoint) if checkpoint is not None else None,
        concurrency=concurrency,
        limiter=rate_limiter or client.rate_limiter or AdaptiveRateLimiter(),
        on_progress=on_progress,
        max_throttles=max_throttles,
    )


def _format_from_suffix(path: Path) -> OutputFormat:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise RequestValidationError(
        "format", f"cannot tell the format of {path.name!r}: pass format='csv' or 'jsonl'"
    )


class BulkExport:
    """A bulk export, made by :func:`export_reports`; run it once, either way:

    - ``result = await export`` runs it to the end and returns the :class:`ExportResult`;
    - ``async for row in export`` yields each row once it is written (to ``out`` if one was
      given); :attr:`result` is set when the loop finishes. To leave the loop early, use
      ``async with export_reports(...) as export:`` around it (or call :meth:`aclose`): the
      export stops at once, and the checkpoint stays consistent so a re-run can finish it.
    """

    def __init__(
        self,
        client: ConvertClient,
        *,
        account_id: int,
        projects: list[int] | None,
        pairs: list[tuple[int, int]] | None,
        status: list[Any] | None,
        report: ReportKind,
        report_options: dict[str, Any],
        out: Path | None,
        fmt: OutputFormat,
        checkpoint: Path | None,
        concurrency: int,
        limiter: AdaptiveRateLimiter,
        on_progress: ProgressCallback | None,
        max_throttles: int,
    ) -> None:
        # Report calls go through a copy without session retries, paced by the limiter (the
        # session takes its tokens and reports every 429 to it); this module retries itself.
        self._fetch_client = client.with_options(max_retries=0, rate_limiter=limiter)
        self._retry = client._options.retry
        # Listing is part of the export: paced by the same limiter, its pages fan out as wide
        # as the reports do and keep trying through 429s as long as a report would (a page
        # refused four times would otherwise abort the export).
        self._list_client = client.with_options(
            page_concurrency=max(client._options.page_concurrency, concurrency),
            rate_limiter=limiter,
            retry=replace(self._retry, max_throttles=max(max_throttles, self._retry.max_retries)),
        )
        self.account_id = account_id
        self._projects = projects
        self._pairs = pairs
        self._status = status
        self.report: ReportKind = report
        self._report_options = report_options
        self.out = out
        self.format: OutputFormat = fmt
        self.checkpoint = checkpoint
        self.concurrency = concurrency
        self.rate_limiter = limiter
        self._on_progress = on_progress
        self._max_throttles = max_throttles
        self._started = False
        self._iterator: weakref.ref[AsyncGenerator[ReportRow, None]] | None = None
        self._producer: asyncio.Future[ExportResult] | None = None
        self.result: ExportResult | None = None

    def __await__(self) -> Generator[Any, None, ExportResult]:
        return self._run(None).__await__()

    def __aiter__(self) -> AsyncIterator[ReportRow]:
        iterator = self._iterate()
        self._iterator = weakref.ref(iterator)
        return iterator

    async def aclose(self) -> None:
        """Stop an ``async for`` over this export that was left early (``break``).

        Rows already written stay written and recorded; the rest is not fetched. Without
        this, the export stops when the abandoned loop is garbage-collected.
        """
        iterator = self._iterator() if self._iterator is not None else None
        if iterator is not None:
            await iterator.aclose()
        task = self._producer
        if task is not None and not task.done():
            # The loop dropped its iterator at ``break`` and its finalizer has not run yet:
            # stop the export here, not a moment after the caller moved on.
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- running ----------------------------------------------------------------------------

    def _start(self) -> None:
        if self._started:
            raise RuntimeError("a BulkExport runs once: call export_reports(...) again")
        self._started = True

    async def _iterate(self) -> AsyncGenerator[ReportRow, None]:
        self._start()
        send, receive = anyio.create_memory_object_stream[ReportRow](max_buffer_size=256)

        async def produce() -> ExportResult:
            async with send:
                return await self._run(send.send, started=True)

        # A plain task, not a task group: a task group cannot stay open across this
        # generator's yields (the caller's code would run inside its cancel scope).
        task = self._producer = asyncio.ensure_future(produce())
        try:
            async with receive:
                async for row in receive:
                    yield row
            await task
        finally:
            if not task.done():
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _run(
        self, emit: Callable[[ReportRow], Awaitable[None]] | None, *, started: bool = False
    ) -> ExportResult:
        if not started:
            self._start()
        began = time.perf_counter()
        sink = None
        done_keys: set[tuple[int, int]] = set()
        if self.out is not None:
            sink = _Sink(self.out, self.format, self.report, self.checkpoint, self._identity())
            done_keys = await anyio.to_thread.run_sync(sink.open)
        state = _State()
        try:
            await self._export(done_keys, sink, emit, state)
        except BaseException:
            if sink is not None:
                # The buffered rows a failed write left behind fail again on close (a full
                # disk): that must not hide the error that stopped the export.
                with contextlib.suppress(OSError):
                    await anyio.to_thread.run_sync(sink.close)
            raise
        if sink is not None:
            await anyio.to_thread.run_sync(sink.close)
        self.result = ExportResult(
            total=state.total,
            exported=state.exported,
            skipped=state.skipped,
            rows=state.rows,
            failures=tuple(state.failures),
            elapsed=time.perf_counter() - began,
            limiter=self.rate_limiter.stats,
            output=self.out,
        )
        return self.result

    async def _export(
        self,
        done_keys: set[tuple[int, int]],
        sink: _Sink | None,
        emit: Callable[[ReportRow], Awaitable[None]] | None,
        state: _State,
    ) -> None:
        # One task per experience, at most ``_BEGUN_PER_SLOT * concurrency`` begun at once;
        # only ``concurrency`` of them hold a request slot. An experience waiting out its
        # Retry-After holds no slot, so 5% of 429s do not idle a third of the slots.
        slots = anyio.Semaphore(self.concurrency)
        begun = anyio.Semaphore(self.concurrency * _BEGUN_PER_SLOT)
        results_send, results_receive = anyio.create_memory_object_stream[_Outcome](
            self.concurrency
        )
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._write, results_receive, sink, emit, state)
                async with (
                    results_send,
                    contextlib.aclosing(self._new_targets(done_keys, state)) as targets,
                ):
                    async for target in targets:
                        await begun.acquire()
                        group.start_soon(self._work, target, slots, begun, results_send.clone())
        except BaseExceptionGroup as group_error:
            raise _unwrap(group_error) from None

    async def _new_targets(
        self, done_keys: set[tuple[int, int]], state: _State
    ) -> AsyncGenerator[_Target, None]:
        """The selected experiences as the listing pages arrive, each once, without those the
        checkpoint has."""
        seen: set[tuple[int, int]] = set()
        async with contextlib.aclosing(self._targets()) as targets:
            async for target in targets:
                if target.key in seen:
                    continue
                seen.add(target.key)
                state.total += 1
                if target.key in done_keys:
                    state.skipped += 1
                    state.done += 1
                    continue
                yield target
        self._progress(state)

    async def _work(
        self,
        target: _Target,
        slots: anyio.Semaphore,
        begun: anyio.Semaphore,
        results: MemoryObjectSendStream[_Outcome],
    ) -> None:
        async with results:
            try:
                try:
                    rows = await self._fetch(target, slots)
                except (AuthenticationError, RequestValidationError):
                    raise  # every other call would fail the same way
                except ConvertError as error:
                    outcome = _Outcome(target, error=error)
                else:
                    payload = _encode(rows, self.format, self.report) if self.out else b""
                    outcome = _Outcome(target, rows, payload)
                await results.send(outcome)
            finally:
                begun.release()

    async def _write(
        self,
        results: MemoryObjectReceiveStream[_Outcome],
        sink: _Sink | None,
        emit: Callable[[ReportRow], Awaitable[None]] | None,
        state: _State,
    ) -> None:
        async with results:
            async for first in results:
                batch = [first]
                # Group commit: everything already finished goes out in one write and fsync.
                while True:
                    try:
                        batch.append(results.receive_nowait())
                    except (anyio.WouldBlock, anyio.EndOfStream):
                        break
                written = [o for o in batch if o.error is None]
                if sink is not None and written:
                    entries = [(o.target.key, o.payload, len(o.rows)) for o in written]
                    await anyio.to_thread.run_sync(sink.commit, entries)
                for outcome in batch:
                    state.done += 1
                    if outcome.error is not None:
                        t = outcome.target
                        failure = ExportFailure(
                            t.project_id, t.experience_id, t.name, outcome.error
                        )
                        state.failures.append(failure)
                    else:
                        state.exported += 1
                        state.rows += len(outcome.rows)
                    self._progress(state)
                if emit is not None:
                    for outcome in written:
                        for row in outcome.rows:
                            await emit(row)

    def _progress(self, state: _State) -> None:
        if self._on_progress is not None:
            self._on_progress(state.done, state.total, len(state.failures))

    # -- one experience ---------------------------------------------------------------------

    async def _fetch(self, target: _Target, slots: anyio.Semaphore) -> list[ReportRow]:
        # The session takes a token from the limiter before each attempt and reports the
        # reply to it; here only this experience's own retries are decided, by the policy,
        # and waited for without a request slot.
        policy = self._retry
        attempts = policy.attempts()
        throttles = 0
        while True:
            try:
                async with slots:
                    report = await self._call(target)
            except RateLimitError as error:
                throttles += 1
                # A Retry-After over the policy's cap fails this experience alone; the other
                # experiences go on at the limiter's rate.
                if policy.refuses_wait(error):
                    raise
                if throttles > self._max_throttles:
                    gave_up(error, "max_throttles", self._max_throttles)
                    raise
                # Only this experience waits (in the limiter's queue while it probes a
                # used-up window).
                await policy.wait_throttled(error.retry_after or 0.0, self.rate_limiter)
                continue
            except APIStatusError as error:
                delay = attempts.after_status(error, repeatable=True)
                if delay is None:
                    raise
                await policy.sleep(delay)
                continue
            except APIConnectionError:
                delay = attempts.after_failure(sent=True, repeatable=True)
                if delay is None:
                    raise
                await policy.sleep(delay)
                continue
            return self._rows(target, report)

    async def _call(self, target: _Target) -> ReportReply | None:
        reports = self._fetch_client.reports
        account, project, experience = self.account_id, target.project_id, target.experience_id
        options = self._report_options
        if self.report == "daily":
            goal = _daily_goal(target, options)
            if goal is _NO_GOAL:
                # A daily report is one goal's: an experience without goals has none.
                logger.warning(
                    "experience %d (project %d) has no goals: no daily report for it",
                    experience,
                    project,
                )
                return None
            if goal is not None:
                options = {**options, "goal": goal}
            return await reports.get_daily(
                account_id=account, project_id=project, experience_id=experience, **options
            )
        return await reports.get_aggregated(
            account_id=account, project_id=project, experience_id=experience, **options
        )

    def _rows(self, target: _Target, report: ReportReply | None) -> list[ReportRow]:
        if report is None:
            return []
        names = {vid: (name, baseline) for vid, name, baseline in target.variations}
        for known in report.variations_data or ():
            names[known.id] = (known.name, known.is_baseline)
        if isinstance(report, ExperienceDailyReport):
            return self._daily_rows(target, report, names)
        rows: list[ReportRow] = []
        for goal in report.report_data or ():
            for variation in goal.variations or ():
                name, baseline = names.get(variation.id, (None, None))
                figures = _conversion_figures(variation)
                rows.append(
                    AggregatedRow(
                        account_id=self.account_id,
                        project_id=target.project_id,
                        experience_id=target.experience_id,
                        experience_name=target.name,
                        stats_methodology=report.stats_methodology,
                        goal_id=goal.goal_id,
                        variation_id=variation.id,
                        variation_name=name,
                        is_baseline=baseline,
                        visitors=variation.visitors,
                        srm=goal.srm,
                        srm_pvalue=goal.srm_pvalue,
                        **figures,
                    )
                )
        return rows

    def _daily_rows(
        self,
        target: _Target,
        report: ExperienceDailyReport,
        names: Mapping[int | None, tuple[str | None, bool | None]],
    ) -> list[ReportRow]:
        options = self._report_options
        goal = _daily_goal(target, options)
        goal_id = None if goal is None or goal is _NO_GOAL else int(goal)
        rows: list[ReportRow] = []
        variations = report.report_data.variations if report.report_data else None
        for variation in variations or ():
            variation_id = None if variation.id is None else int(variation.id)
            name, baseline = names.get(variation_id, (None, None))
            for point in variation.stats or ():
                stamp = None if point.timestamp is None else int(point.timestamp)
                rows.append(
                    DailyRow(
                        account_id=self.account_id,
                        project_id=target.project_id,
                        experience_id=target.experience_id,
                        experience_name=target.name,
                        goal_id=goal_id,
                        report_type=options.get("report_type"),
                        metric=options.get("metric"),
                        date=None if stamp is None else _utc_date(stamp),
                        timestamp=stamp,
                        variation_id=variation_id,
                        variation_name=name,
                        is_baseline=baseline,
                        visitors=None if point.visitors is None else int(point.visitors),
                        conversions=_whole(point.totals),
                        value=point.value,
                    )
                )
        return rows

    # -- selection --------------------------------------------------------------------------

    async def _targets(self) -> AsyncGenerator[_Target, None]:
        """The selected experiences, as their listing pages arrive."""
        if self._projects is not None:
            status = cast("list[ExperienceStatuses] | None", self._status)
            for project in self._projects:
                pager = self._list_client.experiences.list(
                    account_id=self.account_id, project_id=project, status=status, **_LISTED
                )
                # As the pages arrive: a page refused (429) holds back none of the others.
                async with contextlib.aclosing(pager.pages(ordered=False)) as pages:
                    async for page in pages:
                        for exp in page.items:
                            if exp.id is None:
                                # No report can be asked for it (they were all "experience 0").
                                logger.warning(
                                    "project %d listed an experience without an id: skipped",
                                    project,
                                )
                                continue
                            yield _target(project, exp)
            return
        pairs = self._pairs or []
        known = await self._lookup(pairs)
        # An id the list did not return is still tried: its report call says what is wrong.
        for project, experience in pairs:
            yield known.get((project, experience)) or _Target(project, experience)

    async def _lookup(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], _Target]:
        """Names (and variation names) of the given experiences, 100 ids per list request."""
        by_project: dict[int, list[int]] = {}
        for project, experience in pairs:
            by_project.setdefault(project, []).append(experience)
        known: dict[tuple[int, int], _Target] = {}
        lookups = anyio.CapacityLimiter(_LOOKUP_CONCURRENCY)

        async def lookup(project: int, ids: list[int]) -> None:
            async with lookups:
                pager = self._list_client.experiences.list(
                    account_id=self.account_id, project_id=project, only=ids, **_LISTED
                )
                async for exp in pager:
                    if exp.id is not None:
                        known[(project, exp.id)] = _target(project, exp)

        try:
            async with anyio.create_task_group() as group:
                for project, ids in by_project.items():
                    for start in range(0, len(ids), _ONLY_CHUNK):
                        group.start_soon(lookup, project, ids[start : start + _ONLY_CHUNK])
        except BaseExceptionGroup as group_error:
            raise _unwrap(group_error) from None
        return known

    def _identity(self) -> dict[str, Any]:
        """What a checkpoint must match to be resumed by this export."""
        assert self.out is not None
        options = msgspec.json.decode(msgspec.json.encode(self._report_options))
        token = options.pop("report_token", None)
        if token is not None:
            # The checkpoint must tell tokens apart, never hold one: keep only its hash.
            options["report_token_sha256"] = hashlib.sha256(str(token).encode()).hexdigest()
        return {
            "output": str(self.out.resolve()),
            "format": self.format,
            "report": self.report,
            "account_id": self.account_id,
            "selection": {
                "projects": self._projects,
                "experiences": None if self._pairs is None else [list(p) for p in self._pairs],
                "status": None if self._status is None else [str(x) for x in self._status],
            },
            "report_options": options,
        }


@dataclass(slots=True)
class _State:
    total: int = 0
    skipped: int = 0
    done: int = 0
    exported: int = 0
    rows: int = 0
    failures: list[ExportFailure] = field(default_factory=list)


#: What the export asks the listing for: goals and variations are optional fields, which the
#: API leaves out unless included (the variations expanded, for their names).
_LISTED: dict[str, Any] = {"include": ["goals", "variations"], "expand": ["variations"]}


def _target(project_id: int, exp: Experience) -> _Target:
    variations = tuple(
        (v.id, v.name, v.is_baseline)
        for v in exp.variations or ()
        if isinstance(v, ExperienceVariationObject)
    )
    if exp.goals is None:  # left out of the reply: unknown, the server picks the goal
        return _Target(project_id, exp.id or 0, exp.name, variations)
    goals = [g if isinstance(g, int) else g.id for g in exp.goals]
    # The primary goal first, when it is one of the experience's goals.
    ordered = sorted((g for g in goals if g is not None), key=lambda g: g != exp.primary_goal)
    return _Target(project_id, exp.id or 0, exp.name, variations, tuple(ordered))


_NO_GOAL: Any = object()


def _daily_goal(target: _Target, options: Mapping[str, Any]) -> Any:
    """The goal a daily report of ``target`` is asked for: the ``goal`` option, else the
    experience's primary (or first) goal; ``_NO_GOAL`` for a listed experience without goals,
    ``None`` when its goals are unknown (the server picks)."""
    if options.get("goal") is not None:
        return options["goal"]
    if target.goals is None:
        return None
    return target.goals[0] if target.goals else _NO_GOAL


def _utc_date(timestamp: int) -> str:
    try:
        return datetime.fromtimestamp(timestamp, tz=UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):  # 1e20, -1e15: no day a calendar has
        raise APIResponseValidationError(
            "getExperienceDailyReport",
            "$.reportData.variations[].stats[].timestamp",
            f"{timestamp!r} is not a time any date has",
        ) from None


_Metric = ExperienceAggregatedMetricReportFrequentist | ExperienceAggregatedMetricReportBayesian


def _conversion_figures(
    variation: ExperienceAggregatedGoalReportFrequentistVariationsItem
    | ExperienceAggregatedGoalBayesianVariationsItem,
) -> dict[str, Any]:
    """The conversion-rate columns of one variation: from its ``conversion_rate`` metric, the
    current form, falling back to the deprecated ``conversion_data`` block."""
    data = variation.conversion_data
    metric: _Metric | None = next(
        (m for m in variation.metrics or () if m.metric_type == "conversion_rate"), None
    )
    figures: dict[str, Any] = {
        "conversions": data.conversions if data else None,
        "conversion_rate": data.conversion_rate if data else None,
        "conversion_rate_change": data.conversion_rate_change if data else None,
        "confidence": data.confidence if data else None,
        "chance_to_win": None,
        "statistically_significant": data.statistically_significant if data else None,
    }
    if metric is not None:
        figures["conversion_rate"] = _first(metric.metric_value, figures["conversion_rate"])
        figures["conversion_rate_change"] = _first(
            metric.metric_change, figures["conversion_rate_change"]
        )
        figures["conversions"] = _first(metric.metric_total, figures["conversions"])
        if isinstance(metric, ExperienceAggregatedMetricFrequentistConversionRate):
            figures["confidence"] = _first(metric.confidence, figures["confidence"])
            figures["statistically_significant"] = _first(
                metric.statistically_significant, figures["statistically_significant"]
            )
        elif isinstance(metric, ExperienceAggregatedMetricBayesianConversionRate):
            figures["chance_to_win"] = metric.chance_to_win
    return figures


def _whole(value: float | None) -> float | None:
    """A count the spec types as ``number``, written as ``12`` rather than ``12.0``."""
    if value is not None and math.isfinite(value) and value == int(value):
        return int(value)
    return value


def _first(value: Any, fallback: Any) -> Any:
    return fallback if value is None else value


def _unwrap(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error to raise for a failed task group: its one real error when there is one."""
    leaves: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            leaves.append(error)

    walk(group)
    real = [e for e in leaves if not isinstance(e, anyio.get_cancelled_exc_class())]
    if len(real) >= 1 and all(isinstance(e, Exception) for e in real):
        return real[0]
    return group


# -- encoding -------------------------------------------------------------------------------


def _columns(report: ReportKind) -> tuple[str, ...]:
    return AggregatedRow.COLUMNS if report == "aggregated" else DailyRow.COLUMNS


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is float and not math.isfinite(value):
        return ""
    return value


def _encode(rows: Sequence[ReportRow], fmt: OutputFormat, report: ReportKind) -> bytes:
    if fmt == "jsonl":
        return b"".join(msgspec.json.encode(row) + b"\n" for row in rows)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    astuple = msgspec.structs.astuple
    writer.writerows([[_csv_value(value) for value in astuple(row)] for row in rows])
    return buffer.getvalue().encode()


def _csv_header(report: ReportKind) -> bytes:
    return (",".join(_columns(report)) + "\n").encode()


# -- output and checkpoint ------------------------------------------------------------------


class _Sink:
    """The output file and its checkpoint; blocking methods, run in a worker thread.

    Checkpoint format (JSON lines): a header naming the export, then one line per written
    experience with the output's length right after its rows. The output is only ever
    appended to, and its rows are fsynced before their checkpoint line is, so the last
    complete checkpoint line always describes a prefix of the output.
    """

    def __init__(
        self,
        out: Path,
        fmt: OutputFormat,
        report: ReportKind,
        checkpoint: Path | None,
        identity: dict[str, Any],
    ) -> None:
        self.out = out
        self.fmt = fmt
        self.report = report
        self.checkpoint = checkpoint
        self.identity = identity
        self._file: BinaryIO | None = None
        self._log: BinaryIO | None = None
        self._lock: int | None = None
        self._offset = 0

    def open(self) -> set[tuple[int, int]]:
        """Open (resume or start) the output; return the experiences already written."""
        try:
            return self._open()
        except BaseException:
            with contextlib.suppress(OSError):  # the error that stopped it is the one to tell
                self.close()
            raise

    def _open(self) -> set[tuple[int, int]]:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        if self.checkpoint is not None:
            self._lock = _lock(self.checkpoint)
            resumed = self._resume(self.checkpoint)
            if resumed is not None:
                return resumed
        self._file = open(self.out, "wb")  # noqa: SIM115 - closed in close()
        header = _csv_header(self.report) if self.fmt == "csv" else b""
        self._write_output(header)
        if self.checkpoint is not None:
            self.checkpoint.parent.mkdir(parents=True, exist_ok=True)
            self._log = open(self.checkpoint, "wb")  # noqa: SIM115 - closed in close()
            line = {"checkpoint": _CHECKPOINT_VERSION, **self.identity, "offset": self._offset}
            self._append_log([line])
            _fsync_dir(self.checkpoint.parent)
        return set()

    def _resume(self, checkpoint: Path) -> set[tuple[int, int]] | None:
        try:
            if not stat.S_ISREG(checkpoint.stat().st_mode):
                # /dev/zero would be read forever, a FIFO block the export.
                raise CheckpointError(f"{checkpoint} is not a regular file")
            data = checkpoint.read_bytes()
        except FileNotFoundError:
            return None
        lines = data.split(b"\n")
        complete, torn = lines[:-1], lines[-1]  # text after the last newline never finished
        if not complete:
            return None  # not even the header made it to disk: start over
        try:
            header = msgspec.json.decode(complete[0])
        except msgspec.DecodeError:
            raise CheckpointError(f"{checkpoint} is not a convert-async checkpoint") from None
        if not isinstance(header, dict) or header.get("checkpoint") != _CHECKPOINT_VERSION:
            raise CheckpointError(f"{checkpoint} is not a convert-async checkpoint")
        for name, value in self.identity.items():
            if header.get(name) != value:
                # report_options may hold a token (an older checkpoint kept it in clear):
                # name what differs, never print its values.
                change = (
                    "report_options differ"
                    if name == "report_options"
                    else f"{name} was {header.get(name)!r}, now {value!r}"
                )
                raise CheckpointError(
                    f"{checkpoint} belongs to another export ({change}): use another "
                    "checkpoint file or delete it"
                )
        offset = header.get("offset")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise CheckpointError(f"{checkpoint}: line 1 is damaged")
        done: set[tuple[int, int]] = set()
        for number, raw in enumerate(complete[1:], start=2):
            try:
                entry = msgspec.json.decode(raw)
                key = (int(entry["project_id"]), int(entry["experience_id"]))
                entry_offset = int(entry["offset"])
            except (msgspec.DecodeError, KeyError, TypeError, ValueError):
                raise CheckpointError(f"{checkpoint}: line {number} is damaged") from None
            if entry_offset < offset:
                raise CheckpointError(f"{checkpoint}: line {number} goes backwards")
            done.add(key)
            offset = entry_offset
        try:
            size = self.out.stat().st_size
        except FileNotFoundError:
            raise CheckpointError(
                f"{self.out} is missing but {checkpoint} says {len(done)} experiences were "
                "written to it: delete the checkpoint to start over"
            ) from None
        if size < offset:
            raise CheckpointError(
                f"{self.out} is shorter ({size} bytes) than {checkpoint} records ({offset}): "
                "delete the checkpoint to start over"
            )
        if torn:
            # Drop a checkpoint line cut short by a crash so appends start on a fresh line.
            with open(checkpoint, "r+b") as log:
                log.truncate(len(data) - len(torn))
                _fsync(log)
        # Rows written after the last checkpoint line belong to experiences that will be
        # exported again: cut them off.
        file = self._file = open(self.out, "r+b")  # noqa: SIM115 - closed in close()
        file.truncate(offset)
        file.seek(offset)
        _fsync(file)
        self._offset = offset
        self._log = open(checkpoint, "ab")  # noqa: SIM115 - closed in close()
        return done

    def commit(self, entries: list[tuple[tuple[int, int], bytes, int]]) -> None:
        """Append the rows of finished experiences, then record them in the checkpoint."""
        start = self._offset
        self._write_output(b"".join(payload for _, payload, _ in entries))
        if self._log is None:
            return
        lines = []
        offset = start
        for (project_id, experience_id), payload, rows in entries:
            offset += len(payload)
            lines.append(
                {
                    "project_id": project_id,
                    "experience_id": experience_id,
                    "offset": offset,
                    "rows": rows,
                }
            )
        self._append_log(lines)

    def close(self) -> None:
        file, self._file = self._file, None
        log, self._log = self._log, None
        lock, self._lock = self._lock, None
        try:
            if file is not None:
                with naming(self.out), file:
                    _fsync(file)
        finally:
            if log is not None:
                log.close()
            if lock is not None:
                os.close(lock)  # releases the lock

    def _write_output(self, data: bytes) -> None:
        assert self._file is not None
        if data:
            with naming(self.out):
                self._file.write(data)
                self._file.flush()
                if self.checkpoint is not None:
                    _sync_fd(self._file.fileno())
        self._offset += len(data)

    def _append_log(self, lines: list[dict[str, Any]]) -> None:
        assert self._log is not None
        assert self.checkpoint is not None
        with naming(self.checkpoint):
            self._log.write(b"".join(msgspec.json.encode(line) + b"\n" for line in lines))
            _fsync(self._log)


def _lock(checkpoint: Path) -> int:
    """Lock ``checkpoint`` for this export (a ``.lock`` file beside it): two exports appending
    to one output and checkpoint at once leave a checkpoint that can never be resumed."""
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    path = checkpoint.with_name(checkpoint.name + ".lock")
    try:
        with naming(path):
            return lock_for_this_process(path)
    except LockHeld as held:
        raise CheckpointError(
            f"{checkpoint} is in use by another export (pid {held.holder}): wait for it to end"
        ) from None


def _fsync(file: BinaryIO) -> None:
    file.flush()
    _sync_fd(file.fileno())


def _sync_fd(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError as exc:
        # A pipe or a device (--out /dev/stdout) has nothing to sync: the rows are written.
        if exc.errno != errno.EINVAL:
            raise


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
