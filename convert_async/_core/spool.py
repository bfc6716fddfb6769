"""The event sender's spool: a write-ahead store of events in segment files.

A spool is a folder holding ``lock`` and segment files ``seg-000001.jsonl``, ... of one JSON
event per line. Events are appended as the sender accepts them; a segment is deleted only once
every event in it has been settled (sent, or failed for good), so an event written here stays
on disk until the server has taken it, whatever kills the process. See docs/tracking.md.

:class:`Spool` does blocking file I/O and is not thread-safe: the event sender calls it from one
dedicated writer thread only, so the event loop never waits on the disk.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, Protocol, TypeVar

import msgspec

from .errors import ConvertError
from .files import LockHeld, lock_for_this_process

__all__ = ["SEGMENT_EVENTS", "SEGMENT_SECONDS", "Chunk", "Spool", "SpoolError"]

logger = logging.getLogger("convert_async.events")

#: A segment is closed and the next one started once it holds this many events and has been
#: written to for this long. Smaller segments are deleted sooner after their events are sent,
#: so fewer are sent twice after a crash; but each costs a file creation (up to a millisecond on
#: some file systems), so a busy sender fills a segment for at least ``SEGMENT_SECONDS``.
SEGMENT_EVENTS = 1_000
SEGMENT_SECONDS = 0.1
#: A line longer than this is damage, not an event (it is skipped without being held in memory).
MAX_LINE_BYTES = 1 << 20
#: The longest event (as JSON) a spool line holds: senders refuse longer ones when queued.
MAX_EVENT_BYTES = MAX_LINE_BYTES - 1
_SEGMENT_NAME = re.compile(r"seg-(\d{6,})\.jsonl")

T = TypeVar("T")
Kind = Literal["journal", "spill", "defer"]


class SpoolError(ConvertError):
    """The spool cannot be used: its folder is missing or not writable, or another process
    holds it."""


class _Written(Protocol):
    """What :meth:`Spool.journal` writes: a batch of events, told where they went."""

    events: Sequence[msgspec.Struct]
    segment: int | None


@dataclass(slots=True)
class Chunk(Generic[T]):
    """Events read back from one segment. ``accepted`` tells whether this sender accepted
    them already (spilled on overflow) or they come from an earlier run."""

    segment: int
    events: list[T]
    accepted: bool


@dataclass(slots=True)
class _Segment:
    number: int
    path: Path
    size: int = 0  # bytes on disk
    read: int = 0  # bytes whose events are in memory (or were skipped as damaged)
    events: int = 0  # events written by this run
    pending: int = 0  # events in memory (or in flight) not settled yet
    kept: int = 0  # events left for the next run (retries gave up)
    lines_read: int = 0  # lines read back by this run (events and damaged lines)
    accepted: bool = False  # unread events were accepted by this run (spilled), not inherited
    deferred: bool = False  # events kept for the next run: never read back by this one
    fd: int | None = field(default=None, repr=False)
    started: float = 0.0  # time.monotonic() of its creation by this run

    @property
    def done(self) -> bool:
        return self.read >= self.size and self.pending == 0 and self.kept == 0 and not self.deferred


class Spool:
    """An open, locked spool folder. Every method blocks on the disk: call them from the
    sender's writer thread."""

    def __init__(self, path: Path, lock_fd: int, segments: list[_Segment]) -> None:
        self.path = path
        self._lock_fd: int | None = lock_fd
        self._segments: dict[int, _Segment] = {s.number: s for s in segments}
        self._next = max(self._segments, default=0) + 1
        self._active: dict[Kind, _Segment] = {}
        self._encoder = msgspec.json.Encoder()

    # -- opening and closing -------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Spool:
        """Open (creating it if needed, but not its parent) and lock the spool folder ``path``.

        Raises :class:`SpoolError` with the reason when it cannot be used.
        """
        folder = Path(path)
        try:
            folder.mkdir(exist_ok=True)
        except FileNotFoundError:
            raise SpoolError(
                f"cannot create the spool folder {folder}: {folder.parent} does not exist"
            ) from None
        except FileExistsError:
            raise SpoolError(f"spool_path {folder} is a file; it must name a folder") from None
        except PermissionError:
            raise SpoolError(f"no permission to create the spool folder {folder}") from None
        except (OSError, ValueError) as error:  # not a folder on the way, a name too long, NUL
            reason = getattr(error, "strerror", None) or error
            raise SpoolError(f"cannot create the spool folder {folder!r}: {reason}") from None
        if not folder.is_dir():
            raise SpoolError(f"spool_path {folder} is a file; it must name a folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise SpoolError(f"no permission to write in the spool folder {folder}")
        lock_path = folder / "lock"
        try:
            lock_fd = lock_for_this_process(lock_path)
        except LockHeld as held:
            raise SpoolError(
                f"the spool {folder} is in use by another process (pid {held.holder}); "
                "give each process its own spool_path"
            ) from None
        except OSError as error:
            raise SpoolError(f"cannot lock {lock_path}: {error.strerror}") from None
        try:
            segments = [
                _Segment(int(match.group(1)), entry, size=entry.stat().st_size)
                for entry in sorted(folder.iterdir())
                if (match := _SEGMENT_NAME.fullmatch(entry.name))
            ]
        except OSError as error:
            os.close(lock_fd)  # closing the only descriptor releases the lock
            raise SpoolError(f"cannot read the spool folder {folder}: {error}") from None
        segments.sort(key=lambda s: s.number)
        return cls(folder, lock_fd, segments)

    def close(self) -> int:
        """Sync what was written, delete the settled segments and release the lock.

        Returns how many events this run spilled and never read back (they stay on disk).
        """
        unread = self.unread_accepted()
        for segment in list(self._active.values()):
            self._retire(segment, sync=True)
        for segment in list(self._segments.values()):
            self._delete_if_done(segment)
        self._sync_folder()
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the lock
            self._lock_fd = None
        return unread

    def forget(self) -> None:
        """Drop every file descriptor without touching the files or the lock (in a forked
        child: the lock belongs to the parent, whose descriptors these are too)."""
        for segment in self._segments.values():
            if segment.fd is not None:
                os.close(segment.fd)
                segment.fd = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- writing -------------------------------------------------------------------------------

    def journal(self, batches: Iterable[_Written], lines: Iterable[bytes]) -> None:
        """Write each batch's events (already in memory, about to be sent; ``lines`` are their
        spool lines, encoded by the caller) and set its ``segment``. A batch whose write fails
        keeps ``segment=None``; the error is raised once the batches before it are recorded."""
        for batch, encoded in zip(batches, lines, strict=True):
            segment = self._append("journal", encoded, len(batch.events))
            segment.read = segment.size  # in memory already: never read back in this run
            segment.pending += len(batch.events)
            batch.segment = segment.number

    def spill(self, lines: bytes, count: int) -> None:
        """Write ``count`` events (their spool ``lines``, encoded by the caller) accepted while
        the memory queue was full; they are read back later."""
        self._append("spill", lines, count).accepted = True

    def defer(self, lines: bytes, count: int) -> None:
        """Write ``count`` events (their spool ``lines``) for the next run only (the sender is
        closing)."""
        self._append("defer", lines, count).deferred = True

    def settle(self, settled: dict[int, int], kept: dict[int, int]) -> None:
        """Record events settled (``settled``: sent or failed for good) or left for the next run
        (``kept``), by segment; delete segments left with nothing to send."""
        for number, count in settled.items():
            self._segments[number].pending -= count
        for number, count in kept.items():
            segment = self._segments[number]
            segment.pending -= count
            segment.kept += count
        for number in settled:
            segment = self._segments[number]
            if segment.fd is not None and segment.done:
                # Every event of the current segment is settled: close it now rather than at
                # the next write, so a sender that goes quiet leaves nothing sent on disk to
                # be sent again after a crash. This costs a new file at most once per
                # settlement round (every 50 ms): a busy sender always has a batch in flight.
                self._retire(segment)
            else:
                self._delete_if_done(segment)

    def _append(self, kind: Kind, lines: bytes, count: int) -> _Segment:
        segment = self._active.get(kind)
        if segment is None or self._full(segment):
            if segment is not None:
                # No fsync here: a page-cache write already survives kill -9, and syncing every
                # segment would stall the sender behind the disk (see docs/tracking.md).
                self._retire(segment)
            segment = self._start_segment(kind)
        fd = segment.fd
        assert fd is not None
        try:
            written = 0
            while written < len(lines):
                written += os.write(fd, lines[written:])
        except OSError:
            # Cut a torn tail off so the next append starts on a fresh line; if even that
            # fails, no more writes go to this segment.
            try:
                os.ftruncate(fd, segment.size)
            except OSError:
                self._retire(segment)
            raise
        segment.size += len(lines)
        segment.events += count
        return segment

    @staticmethod
    def _full(segment: _Segment) -> bool:
        return (
            segment.events >= SEGMENT_EVENTS
            and time.monotonic() - segment.started >= SEGMENT_SECONDS
        )

    def _start_segment(self, kind: Kind) -> _Segment:
        number = self._next
        self._next += 1
        path = self.path / f"seg-{number:06d}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        segment = _Segment(number, path, fd=fd, started=time.monotonic())
        self._segments[number] = segment
        self._active[kind] = segment
        return segment

    def _retire(self, segment: _Segment, *, sync: bool = False) -> None:
        """No more writes to ``segment``: close it (after an fsync when ``sync``)."""
        for kind, active in list(self._active.items()):
            if active is segment:
                del self._active[kind]
        if segment.fd is not None:
            if sync:
                try:
                    os.fsync(segment.fd)
                except OSError as error:
                    logger.warning("cannot sync %s: %s", segment.path, error)
            os.close(segment.fd)
            segment.fd = None
        self._delete_if_done(segment)

    def _delete_if_done(self, segment: _Segment) -> None:
        if segment.fd is not None or not segment.done:
            return
        try:
            segment.path.unlink(missing_ok=True)
        except OSError as error:
            logger.warning("cannot delete the settled spool segment %s: %s", segment.path, error)
            return
        del self._segments[segment.number]

    def _sync_folder(self) -> None:
        # A new or deleted file survives a power cut only once its folder entry is synced.
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    # -- reading back --------------------------------------------------------------------------

    def unread_accepted(self) -> int:
        """Events this run spilled that are still waiting on disk."""
        return sum(s.events - s.lines_read for s in self._segments.values() if s.accepted)

    def has_unread(self) -> bool:
        """Whether some segment holds events to read back in this run."""
        return any(s.read < s.size and not s.deferred for s in self._segments.values())

    def read(self, limit: int, decode: Callable[[bytes], T]) -> tuple[list[Chunk[T]], int, int]:
        """Read up to ``limit`` events back, oldest segment first.

        Returns the chunks read, how many lines were damaged (torn, not JSON, invalid UTF-8,
        the wrong shape, or refused by ``decode``; skipped) and of those how many this run had
        accepted. Damaged lines are never fatal.
        """
        chunks: list[Chunk[T]] = []
        damaged = damaged_accepted = 0
        for segment in sorted(self._segments.values(), key=lambda s: s.number):
            if limit <= 0:
                break
            if segment.deferred or segment.read >= segment.size:
                continue
            events, bad = self._read_segment(segment, limit, decode)
            limit -= len(events)
            damaged += bad
            if segment.accepted:
                damaged_accepted += bad
            if events:
                segment.pending += len(events)
                chunks.append(Chunk(segment.number, events, segment.accepted))
            self._delete_if_done(segment)
        return chunks, damaged, damaged_accepted

    def _read_segment(
        self, segment: _Segment, limit: int, decode: Callable[[bytes], T]
    ) -> tuple[list[T], int]:
        events: list[T] = []
        damaged = 0
        try:
            file = segment.path.open("rb")
        except OSError as error:
            logger.error("cannot read the spool segment %s (%s); skipping it", segment.path, error)
            segment.read = segment.size
            return events, 0
        with file:
            file.seek(segment.read)
            while len(events) < limit and segment.read < segment.size:
                line = file.readline(MAX_LINE_BYTES + 1)
                if not line:
                    segment.read = segment.size  # the file is shorter than we knew
                    break
                segment.read += len(line)
                segment.lines_read += 1
                if not line.endswith(b"\n"):
                    if len(line) > MAX_LINE_BYTES:  # too long to be an event: skip the rest
                        while (more := file.readline(MAX_LINE_BYTES)) and not more.endswith(b"\n"):
                            segment.read += len(more)
                        segment.read += len(more)
                    damaged += 1  # or a line torn by a crash while it was written
                    continue
                try:
                    events.append(decode(line))
                except (msgspec.DecodeError, ValueError):  # ValueError: invalid UTF-8
                    damaged += 1
        return events, damaged
