"""Rendering for the command line: tables, JSON, CSV, and export progress.

``rich`` (the optional ``cli`` extra) draws tables and the progress bar on a terminal; without
it, or when the output is not a terminal, plain text is written instead.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TextIO

import msgspec

from .._core.ratelimit import AdaptiveRateLimiter

__all__ = ["Progress", "has_rich", "print_records"]


def has_rich() -> bool:
    """Whether the optional ``rich`` package is installed."""
    return importlib.util.find_spec("rich") is not None


def print_records(
    records: Sequence[Any],
    columns: Sequence[str],
    fmt: str,
    *,
    title: str | None = None,
    stream: TextIO | None = None,
) -> None:
    """Print msgspec Structs as a table (``columns``), JSON (whole objects) or CSV."""
    out = stream or sys.stdout
    if fmt == "json":
        out.write(msgspec.json.format(msgspec.json.encode(list(records)), indent=2).decode())
        out.write("\n")
        return
    as_time = fmt != "csv"  # CSV keeps the API's epoch seconds for programs; tables read ISO
    rows = [
        [_cell(getattr(record, name, None), name if as_time else "") for name in columns]
        for record in records
    ]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return
    if out.isatty() and has_rich():
        _rich_table(rows, columns, title, out)
        return
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(columns)]
    out.write("  ".join(name.ljust(w) for name, w in zip(columns, widths, strict=True)).rstrip())
    out.write("\n")
    for row in rows:
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _cell(value: Any, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if column.endswith("_time") and isinstance(value, int | float):
        # Convert's times are epoch seconds: people read ISO 8601 (UTC).
        return datetime.fromtimestamp(value, tz=UTC).isoformat(timespec="seconds")
    return str(value)


def _rich_table(
    rows: list[list[str]], columns: Sequence[str], title: str | None, out: TextIO
) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for name in columns:
        table.add_column(name, justify="right" if name.endswith("id") else "left")
    for row in rows:
        table.add_row(*row)
    Console(file=out).print(table)


class Progress:
    """Export progress: a rich progress bar on a terminal, else a plain line now and then.

    Used as a context manager; :meth:`update` is the ``on_progress`` callback of
    :func:`~convert_async.v2.export_reports`. With the export's ``limiter``, the line also says
    how many replies were throttled and the rate requests are sent at.
    """

    def __init__(
        self,
        label: str,
        *,
        stream: TextIO | None = None,
        interval: float = 2.0,
        limiter: AdaptiveRateLimiter | None = None,
    ) -> None:
        self.label = label
        self.limiter = limiter
        self.stream = stream or sys.stderr
        self.interval = interval
        self._bar: Any = None
        self._task: Any = None
        self._last_print = -math.inf
        self._last: tuple[int, int, int] | None = None
        self._printed: tuple[int, int, int] | None = None

    def __enter__(self) -> Self:
        if self.stream.isatty() and has_rich():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import (
                Progress as RichProgress,
            )

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[failed]} failed"),
                TextColumn("{task.fields[throttling]}"),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(file=self.stream),
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(
                self.label, total=None, failed=0, throttling=self._throttling()
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self._last is not None and self._last != self._printed and exc is None:
            self._print(*self._last)

    def update(self, done: int, total: int, failed: int) -> None:
        """Record that ``done`` of ``total`` experiences are finished, ``failed`` of them badly."""
        previous, self._last = self._last, (done, total, failed)
        if self._bar is not None:
            self._bar.update(
                self._task,
                completed=done,
                total=total,
                failed=failed,
                throttling=self._throttling(),
            )
            return
        if previous is None or time.monotonic() - self._last_print >= self.interval:
            self._print(done, total, failed)

    def _print(self, done: int, total: int, failed: int) -> None:
        self._last_print = time.monotonic()
        self._printed = (done, total, failed)
        percent = f" ({done / total:.0%})" if total else ""
        throttling = self._throttling()
        extra = f", {throttling}" if throttling else ""
        self.stream.write(f"{self.label}: {done}/{total}{percent}, {failed} failed{extra}\n")
        self.stream.flush()

    def _throttling(self) -> str:
        """``"3 throttled, 41.5 req/s"``: throttled replies so far and the current rate (or
        the measured one while the limiter is not limiting)."""
        if self.limiter is None:
            return ""
        stats = self.limiter.stats
        rate = stats.rate if math.isfinite(stats.rate) else stats.measured_rate
        shown = "unlimited" if rate is None else f"{rate:.1f} req/s"
        if math.isfinite(stats.rate):
            shown = f"limit {shown}"
        return f"{stats.throttled} throttled, {shown}"
