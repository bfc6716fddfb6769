"""A batched, bounded, retrying, shutdown-safe event sender.

Producers call :meth:`EventSender.offer` (plain, non-blocking) or :meth:`EventSender.put`
(waits for room); a background task forms batches (by count, encoded size and time), encodes
each once into its request body, and hands it to a ``deliver`` coroutine, at most
``max_in_flight`` at once. Failed batches are retried with the core retry policy, split on
413, dropped (and counted) on other 4xx, and, when retries run out or the sender closes,
written to a spool file that the next sender on the same path sends first. Every event ends up
in exactly one counter: sent, failed, spooled or dropped.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

import anyio
import msgspec

from .errors import APIConnectionError, APIStatusError, ClientStateError, RateLimitError
from .retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

__all__ = ["Batch", "EventSender", "OverflowPolicy", "SenderStats"]

logger = logging.getLogger("convert_async.events")

E = TypeVar("E", bound=msgspec.Struct)
OverflowPolicy = Literal["drop_newest", "drop_oldest", "block"]
_POLICIES = ("drop_newest", "drop_oldest", "block")
_LOG_EVERY = 10.0  # seconds between two warnings about the same kind of loss


class SenderStats(msgspec.Struct, frozen=True):
    """A snapshot of the sender's counters.

    ``enqueued`` counts accepted events; each of them ends up ``sent``, ``failed`` (rejected by
    the server, or undeliverable without a spool), ``spooled`` (written to the spool file), or
    ``dropped`` by the overflow policy. ``dropped`` also counts events refused at the door.
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


@dataclass(frozen=True, slots=True)
class Batch(Generic[E]):
    """Events delivered in one request, and ``body``: the request body ``encode`` made of them
    (its length is what ``max_batch_bytes`` bounds)."""

    events: list[E]
    body: bytes


class EventSender(Generic[E]):
    """Queue events and deliver them in batches without ever blocking the caller.

    ``encode(events)`` makes the request body of a batch (default: the events as a JSON array);
    ``deliver(batch)`` sends one request with ``batch.body`` and raises the SDK's
    :class:`APIStatusError` / :class:`APIConnectionError` on failure; it must not retry itself.

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
        name: str = "events",
    ) -> None:
        if overflow not in _POLICIES:
            raise ValueError(f"overflow must be one of {', '.join(_POLICIES)}")
        for label, value in (
            ("max_queue_size", max_queue_size),
            ("batch_size", batch_size),
            ("max_batch_bytes", max_batch_bytes),
            ("max_in_flight", max_in_flight),
        ):
            if value < 1:
                raise ValueError(f"{label} must be at least 1")
        if flush_interval <= 0:
            raise ValueError("flush_interval must be positive")
        self._deliver = deliver
        self._max_queue = max_queue_size
        self._overflow = overflow
        self._batch_size = batch_size
        self._max_batch_bytes = max_batch_bytes
        self._flush_interval = flush_interval
        self._max_in_flight = max_in_flight
        self._retry = retry or RetryPolicy(max_retries=5, max_delay=30.0)
        self._spool = None if spool_path is None else Path(spool_path)
        self._name = name
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(event_type)
        self._encode = encode or self._encoder.encode

        self._queue: deque[E] = deque()
        self._enqueued = self._sent = self._retried = self._dropped = 0
        self._failed = self._spooled = self._evicted = self._in_flight = self._sending = 0
        self._last_warning: dict[str, float] = {}

        self._wakeup = asyncio.Event()
        self._room = asyncio.Event()
        self._progress = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._urgent = 0
        self._accepting = True
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None

    # -- producers ----------------------------------------------------------------------------

    def offer(self, event: E) -> bool:
        """Queue ``event`` without waiting; False when it was dropped (queue full or closed).

        Under ``drop_oldest`` a full queue evicts its oldest event to make room; under
        ``drop_newest`` and ``block`` the new event is refused (use :meth:`put` to wait).
        """
        queue = self._queue
        if not self._accepting:
            self._drop(1, "the sender is closed")
            return False
        if len(queue) >= self._max_queue:
            if self._overflow != "drop_oldest":
                self._drop(1, "the queue is full")
                return False
            queue.popleft()
            self._evicted += 1
            self._drop(1, "the queue is full (oldest evicted)")
        queue.append(event)
        self._enqueued += 1
        if len(queue) >= self._batch_size and not self._wakeup.is_set():
            self._signal()
        return True

    async def put(self, event: E) -> bool:
        """Queue ``event``, waiting for room under the ``block`` policy; False when dropped."""
        if self._overflow == "block":
            while self._accepting and len(self._queue) >= self._max_queue:
                self._room.clear()
                await self._room.wait()
        return self.offer(event)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the background flusher; events spooled by an earlier sender go out first."""
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        if self._spool is not None:
            await anyio.to_thread.run_sync(self._load_spool)
        self._task = asyncio.create_task(self._run(), name=f"convert_async:{self._name}")

    async def flush(self, timeout: float | None = None) -> bool:
        """Send everything queued so far now; True once all of it has settled in time."""
        if self._task is None:
            raise ClientStateError("the event sender is not started (use it inside 'async with')")
        target = self._enqueued
        self._urgent += 1
        self._signal()
        try:
            with anyio.move_on_after(timeout):
                while True:
                    self._progress.clear()  # before the check, so no progress is missed
                    if self._settled_count() >= target:
                        return True
                    await self._progress.wait()
            return False
        finally:
            self._urgent -= 1

    async def aclose(self, timeout: float | None = None) -> None:
        """Stop accepting, deliver what is queued and in flight within ``timeout``.

        Whatever is still undelivered when the timeout expires (or retries give up) is written
        to the spool file when one is configured, otherwise counted as failed.
        """
        self._accepting = False
        self._room.set()
        task, self._task = self._task, None
        if task is None:
            self._abandon(list(self._queue), "the sender was never started")
            self._queue.clear()
            return
        self._stopping = True
        self._signal()
        with anyio.move_on_after(timeout):
            await asyncio.shield(task)
        if not task.done():
            task.cancel()  # in-flight batches are abandoned to the spool by _send
            await asyncio.gather(task, return_exceptions=True)
        if self._queue:
            self._abandon(list(self._queue), "the sender closed before sending them")
            self._queue.clear()

    @property
    def stats(self) -> SenderStats:
        """The counters as they are now."""
        return SenderStats(
            enqueued=self._enqueued,
            sent=self._sent,
            retried=self._retried,
            dropped=self._dropped,
            failed=self._failed,
            spooled=self._spooled,
            queue_depth=len(self._queue),
            in_flight=self._in_flight,
        )

    # -- the flusher --------------------------------------------------------------------------

    async def _run(self) -> None:
        # Plain asyncio tasks and a counter, not an anyio task group and semaphore: this runs
        # once per batch, and those cost several event-loop turns each.
        sends: set[asyncio.Task[None]] = set()
        try:
            while not (self._stopping and not self._queue):
                timed_out = False
                hurry = self._stopping or self._urgent > 0
                if not self._queue or (len(self._queue) < self._batch_size and not hurry):
                    with anyio.move_on_after(self._flush_interval) as waited:
                        await self._wakeup.wait()
                    timed_out = waited.cancelled_caught
                self._wakeup.clear()
                send_partial = timed_out or self._urgent > 0 or self._stopping
                while self._queue and (len(self._queue) >= self._batch_size or send_partial):
                    if self._sending >= self._max_in_flight:
                        self._slot_freed.clear()
                        await self._slot_freed.wait()
                        continue  # the queue may have changed meanwhile: check again
                    batch = self._take_batch()
                    if batch is None:
                        continue  # nothing in it could be encoded
                    self._sending += 1
                    self._in_flight += len(batch.events)
                    send = asyncio.create_task(self._send(batch))
                    sends.add(send)
                    send.add_done_callback(sends.discard)
            if sends:
                await asyncio.wait(sends)
        finally:
            # Cancelled (close timed out): in-flight sends spool their batches as they stop.
            for send in sends:
                send.cancel()
            await asyncio.gather(*sends, return_exceptions=True)

    def _take_batch(self) -> Batch[E] | None:
        queue = self._queue
        count = min(len(queue), self._batch_size)
        events = [queue.popleft() for _ in range(count)]
        self._room.set()
        # The body is encoded once and sent as is; only an oversized batch (rare) is trimmed,
        # in proportion to its overshoot until it fits, and the rest goes back to the front of
        # the queue.
        body = self._encode_or_reject(events)
        while len(events) > 1 and len(body) > self._max_batch_bytes:
            keep = max(1, min(len(events) - 1, len(events) * self._max_batch_bytes // len(body)))
            queue.extendleft(reversed(events[keep:]))
            events = events[:keep]
            body = self._encode_or_reject(events)
        return Batch(events, body) if events else None

    def _encode_or_reject(self, events: list[E]) -> bytes:
        """Encode ``events``; an event that cannot be encoded is removed from the list (see
        :meth:`_without_unencodable`), so one bad event neither stops the sender nor takes
        others along."""
        try:
            return self._encode(events)
        except Exception:
            events[:] = self._without_unencodable(events)
            return self._encode(events)

    def _without_unencodable(self, events: Sequence[E]) -> list[E]:
        """``events`` minus those that cannot be encoded, which are counted as failed."""
        encodable = [event for event in events if self._encodes(event)]
        rejected = len(events) - len(encodable)
        self._failed += rejected
        logger.error("%s: %d events could not be encoded; dropped", self._name, rejected)
        return encodable

    def _encodes(self, event: E) -> bool:
        """Whether ``event`` encodes both in a batch body and as a spool line."""
        try:
            self._encode([event])
            self._encoder.encode(event)
        except Exception:
            return False
        return True

    async def _send(self, batch: Batch[E]) -> None:
        try:
            await self._deliver_with_retries(batch)
        except asyncio.CancelledError:
            self._abandon(batch.events, "the sender closed while they were in flight")
            raise
        finally:
            self._in_flight -= len(batch.events)
            self._sending -= 1
            self._slot_freed.set()
            self._progress.set()

    async def _deliver_with_retries(self, batch: Batch[E]) -> None:
        delays = self._retry.delays()
        events = batch.events
        while True:
            try:
                await self._deliver(batch)
            except APIStatusError as error:
                if error.status == 413 and len(events) > 1:
                    for half in (events[: len(events) // 2], events[len(events) // 2 :]):
                        await self._deliver_with_retries(Batch(half, self._encode(half)))
                    return
                if error.status not in RETRYABLE_STATUSES:
                    self._failed += len(events)
                    self._warn("rejected", f"{len(events)} events rejected: {error}")
                    return
                retry_after = error.retry_after if isinstance(error, RateLimitError) else None
                if retry_after is None:
                    retry_after = parse_retry_after(error.headers.get("Retry-After"))
                delay = _next_delay(self._retry, delays, retry_after)
                if delay is None:
                    self._abandon(events, f"retries gave up: {error}")
                    return
            except APIConnectionError as error:
                delay = _next_delay(self._retry, delays, None)
                if delay is None:
                    self._abandon(events, f"retries gave up: {error}")
                    return
            except Exception:
                logger.exception("%s: delivering a batch raised unexpectedly", self._name)
                self._abandon(events, "delivery raised an unexpected error")
                return
            else:
                self._sent += len(events)
                return
            self._retried += len(events)
            await self._retry.sleep(delay)

    # -- bookkeeping --------------------------------------------------------------------------

    def _settled_count(self) -> int:
        return self._sent + self._failed + self._spooled + self._evicted

    def _signal(self) -> None:
        # Producers may run in worker threads (e.g. sync web handlers); asyncio.Event is not
        # thread-safe, so a wakeup from another thread goes through the loop.
        if self._loop is None or threading.get_ident() == self._loop_thread:
            self._wakeup.set()
        else:
            self._loop.call_soon_threadsafe(self._wakeup.set)

    def _drop(self, count: int, reason: str) -> None:
        self._dropped += count
        self._warn("dropped", f"dropping events: {reason} (dropped so far: {self._dropped})")

    def _abandon(self, events: Sequence[E], reason: str) -> None:
        if not events:
            return
        if self._spool is None:
            self._failed += len(events)
            self._warn("failed", f"{len(events)} events undelivered ({reason}); no spool_path set")
            return
        try:
            lines = b"".join(self._encoder.encode(event) + b"\n" for event in events)
        except Exception:
            events = self._without_unencodable(events)
            lines = b"".join(self._encoder.encode(event) + b"\n" for event in events)
        # A plain append: small, and it must also work while the task is being cancelled.
        with self._spool.open("ab") as file:
            file.write(lines)
        self._spooled += len(events)
        self._warn("spooled", f"{len(events)} events spooled to {self._spool} ({reason})")

    def _load_spool(self) -> None:
        assert self._spool is not None
        if not self._spool.exists():
            return
        lines = self._spool.read_bytes().splitlines()
        events: list[E] = []
        for line in lines:
            try:
                events.append(self._decoder.decode(line))
            except msgspec.DecodeError:
                logger.warning("%s: skipping an unreadable line in %s", self._name, self._spool)
        room = self._max_queue - len(self._queue)
        now, later = events[:room], events[room:]
        self._spool.write_bytes(b"".join(self._encoder.encode(e) + b"\n" for e in later))
        self._queue.extendleft(reversed(now))
        self._enqueued += len(now)
        if now:
            logger.info("%s: re-sending %d spooled events", self._name, len(now))

    def _warn(self, kind: str, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning.get(kind, -_LOG_EVERY) >= _LOG_EVERY:
            self._last_warning[kind] = now
            logger.warning("%s: %s", self._name, message)


def _next_delay(
    policy: RetryPolicy, delays: Iterator[float], retry_after: float | None
) -> float | None:
    backoff_delay = next(delays, None)
    return None if backoff_delay is None else policy.delay_for(backoff_delay, retry_after)
