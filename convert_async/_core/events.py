"""A batched, bounded, retrying, crash-safe event sender.

Producers call :meth:`EventSender.offer` (plain, non-blocking, from any thread) or
:meth:`EventSender.put` (waits for room); a background task forms batches (by count, encoded
size and time), encodes each once into its request body, and hands it to a ``deliver``
coroutine, at most ``max_in_flight`` at once. Failed batches are retried with the core retry
policy, split on 413, and failed (counted) on other 4xx.

With a spool (:mod:`._spool`), every batch is written to disk before it is sent and stays
there until it is settled, so a killed process loses nothing it had written; the next sender
on the same folder sends it. Every accepted event ends up in exactly one counter: sent, failed,
spooled or dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import threading
import time
import warnings
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

import msgspec

from .errors import (
    APIConnectionError,
    APIStatusError,
    ClientStateError,
    ConfigurationError,
    RequestValidationError,
)
from .retry import RetryPolicy
from .spool import MAX_LINE_BYTES, Chunk, Spool, SpoolError

__all__ = ["Batch", "EventSender", "OverflowPolicy", "SenderStats", "SpoolError", "uncancellable"]

logger = logging.getLogger("convert_async.events")

E = TypeVar("E", bound=msgspec.Struct)
T = TypeVar("T")
OverflowPolicy = Literal["drop_newest", "drop_oldest", "block", "spool"]
_POLICIES = ("drop_newest", "drop_oldest", "block", "spool")
_LOG_EVERY = 10.0  # seconds between two warnings about the same kind of loss
# Settled events are reported to the spool (to delete finished segments) at most this often:
# one hand-off to the writer thread per settled batch cost more than the spool's writes.
_SETTLE_EVERY = 0.05
_State = Literal["new", "running", "closing", "closed"]


class SenderStats(msgspec.Struct, frozen=True):
    """A snapshot of the sender's counters.

    ``enqueued`` counts accepted events (and events read back from an earlier run's spool);
    once the sender is closed each of them is in exactly one of ``sent``, ``failed`` (rejected
    by the server, or undeliverable without a spool), ``spooled`` (left on disk for the next
    sender) or ``dropped`` (evicted by ``drop_oldest``). ``refused`` counts events turned away
    at the door (``offer`` returned False); ``damaged`` counts unreadable spool lines skipped.
    ``retried`` counts event re-sends, so it can exceed the number of events.
    """

    enqueued: int
    sent: int
    retried: int
    dropped: int
    failed: int
    spooled: int
    queue_depth: int
    in_flight: int
    refused: int = 0
    damaged: int = 0


@dataclass(slots=True, eq=False)
class Batch(Generic[E]):
    """Events delivered in one request, and ``body``: the request body ``encode`` made of them
    (its length is what ``max_batch_bytes`` bounds). ``segment`` is the spool segment holding
    them, if any; ``settled`` how many of them (from the front) have been settled."""

    events: list[E]
    body: bytes
    segment: int | None = None
    settled: int = field(default=0)


_LIVE: weakref.WeakSet[EventSender[Any]] = weakref.WeakSet()


def _reset_after_fork() -> None:
    for sender in list(_LIVE):
        sender._forget_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


class EventSender(Generic[E]):
    """Queue events and deliver them in batches without ever blocking the caller.

    ``encode(events)`` makes the request body of a batch (default: the events as a JSON array);
    ``deliver(batch)`` sends one request with ``batch.body`` and raises the SDK's
    :class:`APIStatusError` / :class:`APIConnectionError` on failure; it must not retry itself.
    ``check(event)`` (optional) raises ``ValueError`` for an event read back from the spool
    that the API would refuse; such lines are skipped and counted as damaged.

    Example::

        async def post_batch(batch: Batch[MyEvent]) -> None:
            await session.post(url, data=batch.body)

        sender = EventSender(post_batch, event_type=MyEvent)
        await sender.start()
        sender.offer(MyEvent(...))
        # -> True
        await sender.aclose(timeout=5)
    """

    def __init__(
        self,
        deliver: Callable[[Batch[E]], Awaitable[None]],
        *,
        event_type: type[E],
        encode: Callable[[Sequence[E]], bytes] | None = None,
        max_queue_size: int = 10_000,
        overflow: OverflowPolicy = "drop_newest",
        batch_size: int = 100,
        max_batch_bytes: int = 256_000,
        flush_interval: float = 1.0,
        max_in_flight: int = 4,
        retry: RetryPolicy | None = None,
        spool_path: str | os.PathLike[str] | None = None,
        check: Callable[[E], None] | None = None,
        name: str = "events",
    ) -> None:
        if overflow not in _POLICIES:
            raise ConfigurationError(f"overflow must be one of {', '.join(_POLICIES)}")
        if spool_path is not None and not isinstance(spool_path, str | os.PathLike):
            raise ConfigurationError(f"spool_path must be a path, not {spool_path!r}")
        if overflow == "spool" and spool_path is None:
            raise ConfigurationError('overflow="spool" needs a spool_path to spill events to')
        for label, value in (
            ("max_queue_size", max_queue_size),
            ("batch_size", batch_size),
            ("max_batch_bytes", max_batch_bytes),
            ("max_in_flight", max_in_flight),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"{label} must be a whole number of at least 1")
        if isinstance(flush_interval, bool) or not (
            isinstance(flush_interval, int | float) and 0 < flush_interval < math.inf
        ):
            raise ConfigurationError("flush_interval must be a positive number of seconds")
        self._deliver = deliver
        self._max_queue = max_queue_size
        self._overflow = overflow
        self._batch_size = batch_size
        self._max_batch_bytes = max_batch_bytes
        self._flush_interval = flush_interval
        self._max_in_flight = max_in_flight
        self._retry = retry or RetryPolicy(max_retries=5, max_delay=30.0)
        self._spool_path = None if spool_path is None else Path(spool_path)
        self._check = check
        self._name = name
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(event_type)
        self._encode = encode or self._encoder.encode
        self._last_warning: dict[str, float] = {}
        self._reset()
        _LIVE.add(self)

    def _reset(self) -> None:
        """The state of a sender that was never started."""
        # Producers append to _queue (or _spill_queue) from any thread, one atomic append
        # each; only the flusher, on the event loop, takes events out.
        self._queue: deque[E] = deque()
        self._spill_queue: deque[E] = deque()
        self._ready: deque[Batch[E]] = deque()  # formed (and written), waiting for a slot
        self._ready_events = 0
        self._cancelled: list[Batch[E]] = []  # batches whose send was cancelled
        # Each send in flight and its batch, until the send's own clean-up removes it (a task
        # cancelled before its first step never runs it: the close accounts for those).
        self._sends: dict[asyncio.Task[None], Batch[E]] = {}
        self._lock = threading.Lock()  # the slow paths of offer() vs the flusher's takes
        self._taken = self._spill_taken = self._loaded = 0
        self._spill_back = 0  # spilled events read back into batches, or lost on the way
        self._sent = self._retried = self._evicted = self._failed = self._spooled = 0
        self._refused = self._damaged = self._in_flight = 0
        self._to_settle: dict[int, int] = {}
        self._to_keep: dict[int, int] = {}
        self._settle_scheduled = False
        self._store: Spool | None = None
        self._writer: ThreadPoolExecutor | None = None
        self._backlog = False
        self._wakeup = asyncio.Event()
        self._room = asyncio.Event()
        self._progress = asyncio.Event()
        self._urgent = 0
        self._partial_deadline: float | None = None
        self._state: _State = "new"
        self._stopping = False
        self._aborting = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    # -- producers ----------------------------------------------------------------------------

    def offer(self, event: E) -> bool:
        """Queue ``event`` without waiting; False when it was refused (queue full, or closing).

        Safe from any thread. When the queue is full: ``drop_newest`` and ``block`` refuse the
        new event (use :meth:`put` to wait), ``drop_oldest`` evicts the oldest event not yet
        written to the spool, ``spool`` writes the new event to the spool. Raises
        :class:`ClientStateError` when the sender is not running (before :meth:`start` or after
        :meth:`aclose`).
        """
        if self._state != "running":
            return self._offer_when_stopped()
        queue = self._queue
        if len(queue) + self._ready_events >= self._max_queue:
            return self._offer_when_full(event)
        queue.append(event)
        if len(queue) >= self._batch_size and not self._wakeup.is_set():
            self._signal(self._wakeup)
        return True

    async def put(self, event: E) -> bool:
        """Queue ``event``, waiting for room under the ``block`` policy; False when refused."""
        if self._overflow == "block":
            while self._state == "running" and self._depth_in_memory() >= self._max_queue:
                self._room.clear()
                await self._room.wait()
        return self.offer(event)

    def _offer_when_stopped(self) -> bool:
        if self._state == "closing":
            self._refuse("the sender is closing")
            return False
        raise ClientStateError(
            f"{self._name}: the sender is not running; events are accepted between start "
            "and close (use the client inside 'async with', e.g. in your app's lifespan)"
        )

    def _offer_when_full(self, event: E) -> bool:
        if self._overflow == "spool":
            self._spill_queue.append(event)
            if not self._wakeup.is_set():
                self._signal(self._wakeup)
            return True
        if self._overflow != "drop_oldest":
            self._refuse("the queue is full")
            return False
        with self._lock:
            if self._queue:
                self._queue.popleft()
                self._evicted += 1
                evicted = True
            else:
                evicted = False
            self._queue.append(event)
        if evicted:
            self._warn(
                "dropped", f"the queue is full: oldest event dropped ({self._evicted} so far)"
            )
            self._signal(self._progress)
        return True

    def _refuse(self, reason: str) -> None:
        with self._lock:
            self._refused += 1
        self._warn("refused", f"refusing events: {reason} (refused so far: {self._refused})")

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Open the spool (events an earlier sender left there go out first) and start the
        background flusher.

        Raises :class:`SpoolError` when the spool folder cannot be used (missing parent
        folder, no permission, or another process holds it); nothing stays open then.
        """
        if self._state != "new":
            raise ClientStateError(f"{self._name}: the sender was already started")
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        if self._spool_path is not None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix=f"{self._name}-spool")
            try:
                await uncancellable(self._open_spool(self._spool_path))
            except BaseException:
                await uncancellable(self._close_spool())
                raise
        self._state = "running"
        self._task = asyncio.create_task(self._run(), name=f"convert_async:{self._name}")

    async def _open_spool(self, path: Path) -> None:
        self._store = await self._in_writer(Spool.open, path)
        self._backlog = self._store.has_unread()

    async def flush(self, timeout: float | None = None) -> bool:
        """Send everything accepted so far now; True once all of it has settled (sent, failed,
        spooled or dropped) within ``timeout`` seconds."""
        check_wait(timeout)
        if self._state != "running":
            raise ClientStateError(f"{self._name}: the sender is not running")
        target = self._enqueued()
        # Counts alone would let later events that settle first stand in for earlier ones
        # still in flight: the batches holding what was accepted before the call must settle.
        queued = self._taken + self._evicted + len(self._queue)
        spilled = self._spill_taken + len(self._spill_queue)
        holding = self._unsettled_batches()
        batched = False
        self._urgent += 1
        self._signal(self._wakeup)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    self._progress.clear()  # before the check, so no progress is missed
                    taken = self._taken + self._evicted
                    if not batched and taken >= queued and self._spill_back >= spilled:
                        # The queued ones are in these, and so are the spilled ones once read
                        # back from the spool (in the order they were spilled).
                        holding += self._unsettled_batches()
                        batched = True
                    if (
                        self._settled() >= target
                        and batched
                        and all(batch.settled >= len(batch.events) for batch in holding)
                    ):
                        return True
                    await self._progress.wait()
        except TimeoutError:
            return False
        finally:
            self._urgent -= 1

    async def aclose(self, timeout: float | None = None) -> None:
        """Stop accepting and deliver what is queued and in flight within ``timeout`` seconds
        (None: until retries give up).

        Whatever is still undelivered then stays in (or is written to) the spool when one is
        configured, otherwise it is counted as failed. Cancel-safe: a cancelled close still
        stops the sender and spools what is left before the cancellation goes on.
        """
        check_wait(timeout)
        if self._state == "new":
            self._state = "closed"
            return
        task = self._task
        if task is None:
            return
        if self._state == "running":
            self._state = "closing"
            self._stopping = True
            self._room.set()
            self._signal(self._wakeup)
        try:
            await asyncio.wait([task], timeout=timeout)
        finally:
            if not task.done():
                self._abort()
            try:
                await uncancellable(asyncio.wait([task]))
            finally:
                # Also when cancelled again meanwhile: the flusher has ended either way.
                self._state = "closed"
        if not task.cancelled():
            task.exception()  # retrieved (the flusher logged it), so asyncio does not warn

    @property
    def stats(self) -> SenderStats:
        """The counters as they are now."""
        return SenderStats(
            enqueued=self._enqueued(),
            sent=self._sent,
            retried=self._retried,
            dropped=self._evicted,
            failed=self._failed,
            spooled=self._spooled,
            queue_depth=self._depth_in_memory() + len(self._spill_queue),
            in_flight=self._in_flight,
            refused=self._refused,
            damaged=self._damaged,
        )

    def __del__(self) -> None:
        # A sender dropped while running (its loop gone without aclose) takes its queue along.
        if getattr(self, "_state", "closed") in ("running", "closing"):
            queued = self._depth_in_memory() + len(self._spill_queue)
            if queued:
                warnings.warn(
                    f"{self._name}: event sender collected with {queued} events still queued; "
                    "close it (async with / aclose) so they are delivered or spooled",
                    ResourceWarning,
                    source=self,
                    stacklevel=1,
                )

    def _forget_after_fork(self) -> None:
        """In a forked child: start over empty (the queue, the flusher, the spool and its lock
        belong to the parent)."""
        if self._store is not None:
            self._store.forget()
        self._reset()

    # -- the flusher --------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._flush_until_stopped()
        except GeneratorExit:  # the loop was closed without aclose: nothing can run any more
            raise
        except BaseException as error:  # cancelled (the loop shuts down without aclose), a bug
            if self._state == "running":
                # Nothing takes events out any more: refuse new ones (counted) rather than
                # accept them into a queue nobody drains.
                self._state = "closing"
            if not isinstance(error, asyncio.CancelledError):
                logger.error("%s: the flusher failed", self._name, exc_info=error)
            self._abort()
            await uncancellable(self._finish())
            raise
        await uncancellable(self._finish())

    async def _flush_until_stopped(self) -> None:
        while not self._aborting and not (self._stopping and self._drained()):
            await self._wait_for_work()
            if self._aborting:
                break
            if self._spill_queue:
                await self._spill()
            await self._form_batches()
            if self._backlog:
                await self._read_backlog()
            self._dispatch()

    def _drained(self) -> bool:
        return not (self._queue or self._spill_queue or self._ready or self._sends or self._backlog)

    def _work_now(self, now: float) -> bool:
        queue = self._queue
        if self._aborting or self._spill_queue or len(queue) >= self._batch_size:
            return True
        if queue and (self._stopping or self._urgent or self._partial_due(now)):
            return True
        if self._ready and len(self._sends) < self._max_in_flight:
            return True
        if self._backlog and self._room_in_memory() > 0:
            return True
        return self._stopping and self._drained()

    def _partial_due(self, now: float) -> bool:
        if self._partial_deadline is None:
            self._partial_deadline = now + self._flush_interval
        return now >= self._partial_deadline

    async def _wait_for_work(self) -> None:
        now = time.monotonic()
        if self._work_now(now):
            return
        self._wakeup.clear()
        if self._work_now(now):  # re-checked after clearing, so no wakeup is lost
            return
        deadline = self._partial_deadline if self._queue else None
        delay = self._flush_interval if deadline is None else max(0.0, deadline - now)
        try:
            async with asyncio.timeout(delay):
                await self._wakeup.wait()
        except TimeoutError:
            pass

    async def _form_batches(self) -> None:
        """Move queued events into batches (full ones; all when hurrying), writing them to
        the spool first when there is one."""
        queue = self._queue
        hurry = self._stopping or self._urgent > 0 or self._partial_due(time.monotonic())
        with self._lock:
            count = len(queue) if hurry else len(queue) // self._batch_size * self._batch_size
            events = [queue.popleft() for _ in range(count)]
        if not queue:
            self._partial_deadline = None
        if not events:
            return
        self._taken += len(events)
        self._ready_events += len(events)
        batches = self._split(events)
        self._ready.extend(batches)
        if self._store is not None and batches:
            try:
                # Encoded here, not in the writer thread: the thread then only waits on the
                # disk (without the GIL) instead of taking turns with the event loop.
                lines = [self._encoder.encode_lines(batch.events) for batch in batches]
                await self._in_writer(self._store.journal, batches, lines)
            except Exception as error:
                unwritten = sum(len(b.events) for b in batches if b.segment is None)
                self._warn(
                    "spool",
                    f"could not write {unwritten} events to the spool ({error}); sending them "
                    "without a copy on disk",
                )

    def _split(self, events: list[E]) -> list[Batch[E]]:
        """``events`` as batches of at most ``batch_size`` events and ``max_batch_bytes``
        bytes, each body encoded once. Events that cannot be encoded are counted failed."""
        batches: list[Batch[E]] = []
        pending = deque(events)
        while pending:
            taken = [pending.popleft() for _ in range(min(len(pending), self._batch_size))]
            body = self._encode_or_reject(taken)
            # Only an oversized batch (rare) is trimmed, in proportion to its overshoot until
            # it fits; the rest starts the next batch.
            while len(taken) > 1 and len(body) > self._max_batch_bytes:
                keep = max(1, min(len(taken) - 1, len(taken) * self._max_batch_bytes // len(body)))
                pending.extendleft(reversed(taken[keep:]))
                del taken[keep:]
                body = self._encode_or_reject(taken)
            if taken:
                batches.append(Batch(taken, body))
        return batches

    def _encode_or_reject(self, events: list[E]) -> bytes:
        """Encode ``events``; an event that cannot be encoded is removed from the list and
        counted as failed, so one bad event neither stops the sender nor takes others along."""
        try:
            return self._encode(events)
        except Exception:
            encodable = [event for event in events if self._encodes(event)]
            body = b""
            if encodable:
                try:
                    body = self._encode(encodable)
                except Exception:  # no event is to blame: every batch body fails
                    encodable = []
            rejected = len(events) - len(encodable)
            events[:] = encodable
            self._failed += rejected
            self._ready_events -= rejected
            self._progress.set()
            logger.error("%s: %d events could not be encoded; dropped", self._name, rejected)
            return body

    def _spool_lines(self, events: list[E]) -> bytes:
        """The spool lines of ``events``. An event that cannot be encoded, or whose line the
        spool would read back as damage (over its line limit), is removed from the list and
        counted as failed: one such event takes no other along."""
        try:
            lines = self._encoder.encode_lines(events)
        except Exception:
            lines = b""
        if lines and (
            len(lines) <= MAX_LINE_BYTES  # every line fits when all of them do
            or max(map(len, lines.split(b"\n"))) < MAX_LINE_BYTES
        ):
            return lines
        kept: list[E] = []
        pieces: list[bytes] = []
        for event in events:
            line = self._spool_line(event)
            if line is not None and len(line) <= MAX_LINE_BYTES:
                kept.append(event)
                pieces.append(line)
        if rejected := len(events) - len(kept):
            self._failed += rejected
            self._progress.set()
            logger.error(
                "%s: %d events cannot be written to the spool (not encodable, or over %d "
                "bytes); dropped",
                self._name,
                rejected,
                MAX_LINE_BYTES,
            )
        events[:] = kept
        return b"".join(pieces)

    def _spool_line(self, event: E) -> bytes | None:
        """``event``'s spool line, or None when it cannot be encoded."""
        try:
            return self._encoder.encode_lines([event])
        except Exception:
            return None

    def _encodes(self, event: E) -> bool:
        """Whether ``event`` encodes both in a batch body and as a spool line."""
        try:
            self._encode([event])
            self._encoder.encode(event)
        except Exception:
            return False
        return True

    async def _spill(self) -> None:
        """Write the events that found the queue full to the spool, to be read back later."""
        assert self._store is not None
        with self._lock:
            events = [self._spill_queue.popleft() for _ in range(len(self._spill_queue))]
        self._spill_taken += len(events)
        taken = len(events)
        lines = self._spool_lines(events)
        self._spill_back += taken - len(events)  # refused: counted failed, never read back
        if not events:
            return
        try:
            await self._in_writer(self._store.spill, lines, len(events))
        except Exception as error:
            self._spill_back += len(events)
            self._failed += len(events)
            self._progress.set()
            logger.error(
                "%s: %d events lost: spool write failed (%s)", self._name, len(events), error
            )
        else:
            self._backlog = True

    def _room_in_memory(self) -> int:
        return self._max_queue - self._depth_in_memory()

    async def _read_backlog(self) -> None:
        """Read spooled events back as the memory queue has room for them."""
        assert self._store is not None
        room = self._room_in_memory()
        if room <= 0:
            return
        chunks, damaged, damaged_accepted, self._backlog = await self._in_writer(
            self._read_in_writer, self._store, room
        )
        if damaged:
            self._damaged += damaged
            self._failed += damaged_accepted  # written by this run: accepted, now lost
            self._spill_back += damaged_accepted
            self._progress.set()  # they are settled: a flush may be waiting on them
            self._warn("damaged", f"skipped {damaged} unreadable lines in {self._spool_path}")
        for chunk in chunks:
            if chunk.accepted:
                self._spill_back += len(chunk.events)
            else:
                self._loaded += len(chunk.events)
            self._ready_events += len(chunk.events)
            count = len(chunk.events)
            batches = self._split(chunk.events)
            for batch in batches:
                batch.segment = chunk.segment
            rejected = count - sum(len(b.events) for b in batches)
            if rejected:
                self._add(self._to_settle, chunk.segment, rejected)
            self._ready.extend(batches)
        if chunks:
            logger.info(
                "%s: re-sending %d spooled events", self._name, sum(len(c.events) for c in chunks)
            )

    def _read_in_writer(self, store: Spool, room: int) -> tuple[list[Chunk[E]], int, int, bool]:
        chunks, damaged, damaged_accepted = store.read(room, self._decode_line)
        return chunks, damaged, damaged_accepted, store.has_unread()

    def _decode_line(self, line: bytes) -> E:
        event = self._decoder.decode(line)
        if self._check is not None:
            self._check(event)
        return event

    def _dispatch(self) -> None:
        while self._ready and len(self._sends) < self._max_in_flight:
            batch = self._ready.popleft()
            self._ready_events -= len(batch.events)
            self._in_flight += len(batch.events)
            self._sends[asyncio.create_task(self._send(batch))] = batch
        self._room.set()

    async def _send(self, batch: Batch[E]) -> None:
        try:
            await self._deliver_with_retries(batch, batch)
        except asyncio.CancelledError:
            self._cancelled.append(batch)
            raise
        finally:
            # Here rather than in a done callback, so the flusher this wakes sees the free slot.
            self._sends.pop(asyncio.current_task(), None)  # type: ignore[arg-type]
            self._in_flight -= len(batch.events)
            self._wakeup.set()
            self._progress.set()

    async def _deliver_with_retries(self, batch: Batch[E], part: Batch[E]) -> None:
        """Deliver ``part`` of ``batch`` (all of it, or a piece after a 413), settling its
        events in ``batch`` as they go."""
        attempts = self._retry.attempts()
        events = part.events
        while True:
            try:
                await self._deliver(part)
            except APIStatusError as error:
                if error.status == 413 and len(events) > 1:
                    for half in (events[: len(events) // 2], events[len(events) // 2 :]):
                        piece = Batch(half, self._encode(half), batch.segment)
                        await self._deliver_with_retries(batch, piece)
                    return
                # Batches are repeated after they may have arrived (the sender's contract:
                # a tracking event counted twice costs less than one lost).
                delay = attempts.after_status(error, repeatable=True)
                if delay is None and not self._retry.is_transient(error):
                    self._settle(batch, len(events), "failed")
                    self._warn("rejected", f"{len(events)} events rejected: {error}")
                    return
                if delay is None:
                    self._give_up(batch, len(events), f"retries gave up: {error}")
                    return
            except APIConnectionError as error:
                delay = attempts.after_failure(sent=True, repeatable=True)
                if delay is None:
                    self._give_up(batch, len(events), f"retries gave up: {error}")
                    return
            except Exception:
                logger.exception("%s: delivering a batch raised unexpectedly", self._name)
                self._give_up(batch, len(events), "delivery raised an unexpected error")
                return
            else:
                self._settle(batch, len(events), "sent")
                return
            self._retried += len(events)
            await self._retry.sleep(delay)

    def _give_up(self, batch: Batch[E], count: int, reason: str) -> None:
        if batch.segment is None:
            self._settle(batch, count, "failed")
            self._warn("failed", f"{count} events undelivered ({reason}); not in a spool")
        else:
            self._settle(batch, count, "spooled")
            self._warn("spooled", f"{count} events left in the spool for the next run ({reason})")

    # -- closing ------------------------------------------------------------------------------

    def _abort(self) -> None:
        """Stop now: cancel the sends in flight; the flusher spools the rest as it ends."""
        self._aborting = True
        for send in self._sends:
            send.cancel()
        self._wakeup.set()

    async def _finish(self) -> None:
        """The flusher's last step: account for every event not settled yet, and close the
        spool. Runs to its end even when the flusher is cancelled."""
        self._abort()
        if self._sends:
            await asyncio.wait(set(self._sends))
        for batch in self._sends.values():  # cancelled before they began
            self._in_flight -= len(batch.events)
            self._cancelled.append(batch)
        self._sends.clear()
        if self._writer is not None:
            # A spool write the flusher was waiting on when cancelled may still be running;
            # once it is done, every batch knows whether it is on disk.
            await self._in_writer(lambda: None)
        leftovers: list[E] = []
        rests: dict[int, int] = {}  # segment -> events of a partly sent batch, written again
        for batch in [*self._cancelled, *self._ready]:
            unsettled = len(batch.events) - batch.settled
            if batch.segment is not None and batch.settled == 0:  # on disk: it stays there
                self._settle(batch, unsettled, "spooled")
                continue
            # Part of it was sent (a 413 split was cut short): only the rest is written again,
            # so the next run does not send the first part twice.
            leftovers.extend(batch.events[batch.settled :])
            if batch.segment is not None:
                self._add(rests, batch.segment, unsettled)
            batch.settled = len(batch.events)
        self._ready.clear()
        self._cancelled.clear()
        self._ready_events = 0
        with self._lock:
            leftovers += self._queue
            leftovers += self._spill_queue
            self._taken += len(self._queue)
            self._spill_taken += len(self._spill_queue)
            self._queue.clear()
            self._spill_queue.clear()
        store = self._store
        lines = self._spool_lines(leftovers) if store is not None and leftovers else b""
        if store is not None and leftovers:
            try:
                await self._in_writer(store.defer, lines, len(leftovers))
            except Exception as error:
                # The rests of partly sent batches are still in their own segments: kept there
                # for the next run (their sent part may go again: at least once), not lost.
                kept = sum(rests.values())
                for segment, count in rests.items():
                    self._add(self._to_keep, segment, count)
                lost = len(leftovers) - kept
                logger.error("%s: %d events lost: spool write failed (%s)", self._name, lost, error)
                self._failed += lost
                self._spooled += kept
            else:
                for segment, count in rests.items():
                    self._add(self._to_settle, segment, count)
                self._spooled += len(leftovers)
        elif leftovers:
            self._failed += len(leftovers)
            self._warn("failed", f"{len(leftovers)} events undelivered at close; no spool_path set")
        self._room.set()
        self._progress.set()
        await self._close_spool()

    async def _close_spool(self) -> None:
        store, writer = self._store, self._writer
        try:
            if store is not None:
                self._submit_settlements(store)
                self._spooled += await self._in_writer(store.close)
                if self._spooled:
                    logger.info(
                        "%s: %d events spooled to %s", self._name, self._spooled, store.path
                    )
        except Exception:
            logger.exception("%s: closing the spool failed", self._name)
        finally:
            self._store = self._writer = None
            if writer is not None:
                writer.shutdown(wait=False)

    # -- bookkeeping --------------------------------------------------------------------------

    def _unsettled_batches(self) -> list[Batch[E]]:
        return [*self._ready, *self._sends.values()]

    def _enqueued(self) -> int:
        return (
            self._taken
            + len(self._queue)
            + self._evicted
            + self._spill_taken
            + len(self._spill_queue)
            + self._loaded
        )

    def _settled(self) -> int:
        return self._sent + self._failed + self._spooled + self._evicted

    def _depth_in_memory(self) -> int:
        return len(self._queue) + self._ready_events

    def _settle(self, batch: Batch[E], count: int, outcome: str) -> None:
        batch.settled += count
        if outcome == "sent":
            self._sent += count
        elif outcome == "failed":
            self._failed += count
        else:
            self._spooled += count
        if batch.segment is not None:
            kept = outcome == "spooled"
            self._add(self._to_keep if kept else self._to_settle, batch.segment, count)
        self._progress.set()

    def _add(self, counts: dict[int, int], segment: int, count: int) -> None:
        counts[segment] = counts.get(segment, 0) + count
        if not self._settle_scheduled and self._loop is not None and self._store is not None:
            self._settle_scheduled = True
            self._loop.call_later(_SETTLE_EVERY, self._submit_settlements, self._store)

    def _submit_settlements(self, store: Spool) -> None:
        self._settle_scheduled = False
        settled, kept = self._to_settle, self._to_keep
        if not (settled or kept) or self._writer is None:
            return
        self._to_settle, self._to_keep = {}, {}
        future = self._writer.submit(store.settle, settled, kept)
        future.add_done_callback(self._log_failure)

    def _log_failure(self, future: Any) -> None:
        if (error := future.exception()) is not None:
            logger.error("%s: spool bookkeeping failed: %s", self._name, error)

    async def _in_writer(self, function: Callable[..., T], *args: Any) -> T:
        # One writer thread per sender: spool calls run one at a time, in the order made.
        assert self._writer is not None
        return await asyncio.get_running_loop().run_in_executor(self._writer, function, *args)

    def _signal(self, event: asyncio.Event) -> None:
        # Producers may run in worker threads (e.g. sync web handlers); asyncio.Event is not
        # thread-safe, so a wakeup from another thread goes through the loop.
        loop = self._loop
        if loop is None or threading.get_ident() == self._loop_thread:
            event.set()
        else:
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(event.set)

    def _warn(self, kind: str, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning.get(kind, -_LOG_EVERY) >= _LOG_EVERY:
            self._last_warning[kind] = now
            logger.warning("%s: %s", self._name, message)


def check_wait(timeout: float | None, name: str = "timeout") -> None:
    """A wait is None (no limit) or a number of seconds, 0 included (do not wait): NaN would
    act as 0 in asyncio, a negative number as 0 too; neither says what the caller meant."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout >= 0:
        raise RequestValidationError(
            name, f"must be None or a number of seconds >= 0, not {timeout!r}"
        )


async def uncancellable(awaitable: Coroutine[Any, Any, T] | asyncio.Future[T]) -> T:
    """Await ``awaitable`` to its end even if the caller is cancelled meanwhile; that
    cancellation is raised afterwards."""
    future = asyncio.ensure_future(awaitable)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(future)
        except asyncio.CancelledError:
            if future.done():
                raise
            cancelled = True
            continue
        if cancelled:
            raise asyncio.CancelledError
        return result
