"""``PirschSender``: batched, non-blocking delivery of hits and events to Pirsch.

Built on the core :class:`~convert_async._core.events.EventSender` (bounded queue, overflow
policy, flush by size / bytes / interval, retries with backoff honouring ``Retry-After``,
split on 413, a crash-safe spool): one sender posts hits to ``/hit/batch``, another events to
``/event/batch``. Each item gets the ``time`` it was offered (when the request reached your
server). Batches go out one at a time by default (``max_in_flight=1``) because Pirsch needs
batches in time order.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Self

import msgspec
from msgspec import UNSET, UnsetType

from .._core.codec import check_encoded_size, validate_request
from .._core.events import (
    Batch,
    EventSender,
    OverflowPolicy,
    SenderStats,
    check_wait,
    uncancellable,
)
from .._core.operation import Operation
from .._core.retry import RetryPolicy
from .._core.session import Response
from .._core.spool import MAX_EVENT_BYTES
from .requests import BatchEvent, BatchHit, Event, Hit
from .tracking import hit_from_headers

if TYPE_CHECKING:
    from .client import PirschClient

__all__ = ["PirschSender", "PirschSenderStats"]


class PirschSenderStats(msgspec.Struct, frozen=True):
    """Counters of both queues, plus requests skipped because of ``DNT: 1``."""

    hits: SenderStats
    events: SenderStats
    dnt_skipped: int

    @property
    def sent(self) -> int:
        """Hits and events delivered."""
        return self.hits.sent + self.events.sent

    @property
    def enqueued(self) -> int:
        """Hits and events accepted."""
        return self.hits.enqueued + self.events.enqueued


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PirschSender:
    """Queue hits and events and deliver them in batches without blocking the caller.

    ``offer_hit`` / ``offer_event`` / ``track_request`` are plain ``def`` and return whether
    the item was accepted; they raise :class:`~convert_async.ClientStateError` unless the
    sender is running. Every accepted item ends up sent, failed (rejected by Pirsch), spooled
    (``spool_path``: the folders ``<path>.hits`` and ``<path>.events``, kept on disk until
    delivered and re-sent by the next sender) or dropped, and is counted in :attr:`stats`::

        async with pirsch.sender() as sender:
            sender.track_request(url, ip, request.headers)  # skipped when DNT is 1
            await sender.flush(timeout=5)

    The queue options are those of the core event sender; ``retry`` defaults to 5 retries
    with backoff up to 30 s; ``clock`` gives the ``time`` stamped on items.
    """

    def __init__(
        self,
        client: PirschClient,
        *,
        batch_size: int = 100,
        max_batch_bytes: int = 512_000,
        flush_interval: float = 1.0,
        max_queue_size: int = 10_000,
        overflow: OverflowPolicy = "drop_newest",
        max_in_flight: int = 1,
        retry: RetryPolicy | None = None,
        spool_path: str | os.PathLike[str] | None = None,
        close_timeout: float | None = 10.0,
        clock: Callable[[], dt.datetime] = _now,
    ) -> None:
        # Each batch is one attempt at the HTTP level; the event sender owns the retries.
        self._client = client.with_options(max_retries=0)
        self._hits_operation = client.hits._operation("send_hits_batch")
        self._events_operation = client.events._operation("send_events_batch")
        self._clock = clock
        check_wait(close_timeout, "close_timeout")
        self.close_timeout = close_timeout
        self._dnt_skipped = 0
        options = {
            "max_queue_size": max_queue_size,
            "overflow": overflow,
            "batch_size": batch_size,
            "max_batch_bytes": max_batch_bytes,
            "flush_interval": flush_interval,
            "max_in_flight": max_in_flight,
            "retry": retry,
        }
        spool = None if spool_path is None else os.fspath(spool_path)
        self._hits: EventSender[BatchHit] = EventSender(
            self._deliver_hits,
            event_type=BatchHit,
            spool_path=None if spool is None else spool + ".hits",
            check=_check_hit,
            name="convert_async.pirsch.hits",
            **options,  # type: ignore[arg-type]
        )
        self._events: EventSender[BatchEvent] = EventSender(
            self._deliver_events,
            event_type=BatchEvent,
            spool_path=None if spool is None else spool + ".events",
            check=_check_event,
            name="convert_async.pirsch.events",
            **options,  # type: ignore[arg-type]
        )

    # -- producers ----------------------------------------------------------------------------

    def offer_hit(self, hit: Hit, *, time: dt.datetime | None = None) -> bool:
        """Queue a hit (stamped with ``time``, default now); False when it was dropped.

        Raises :class:`~convert_async.RequestValidationError` for a hit the API would refuse
        (checked here: queued, it would fail its whole batch).
        """
        fields = msgspec.structs.asdict(hit)
        batch_hit = BatchHit(**fields, time=time or self._clock())
        _check_hit(batch_hit)
        return self._hits.offer(batch_hit)

    def offer_event(self, event: Event, *, time: dt.datetime | None = None) -> bool:
        """Queue an event (stamped with ``time``, default now); False when it was dropped.

        Raises :class:`~convert_async.RequestValidationError` like :meth:`offer_hit`.
        """
        fields = msgspec.structs.asdict(event)
        batch_event = BatchEvent(**fields, time=time or self._clock())
        _check_event(batch_event)
        return self._events.offer(batch_event)

    def track_request(
        self,
        url: str,
        ip: str,
        headers: Mapping[str, str],
        *,
        title: str | UnsetType = UNSET,
        referrer: str | UnsetType = UNSET,
    ) -> bool:
        """Queue a hit built from a request's headers; False (and nothing queued) when the
        request carries ``DNT: 1`` or the hit was dropped."""
        hit = hit_from_headers(url, ip, headers, title=title, referrer=referrer)
        if hit is None:
            self._dnt_skipped += 1
            return False
        return self.offer_hit(hit)

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start both background flushers (``async with`` does it); if the second cannot
        start (say its spool is held by another process), the first is closed again."""
        await self._hits.start()
        try:
            await self._events.start()
        except BaseException:
            await uncancellable(self._hits.aclose(0))
            raise

    async def flush(self, timeout: float | None = None) -> bool:
        """Send everything queued so far; True once all of it settled within ``timeout``
        seconds in total (both queues are flushed at once)."""
        hits, events = await asyncio.gather(self._hits.flush(timeout), self._events.flush(timeout))
        return hits and events

    async def aclose(self, timeout: float | None = None) -> None:
        """Stop accepting and deliver what is queued within ``timeout`` seconds in total (both
        queues close at once), then spool or count the rest as failed. Cancel-safe like the
        core sender's close."""
        await uncancellable(
            asyncio.gather(self._hits.aclose(timeout), self._events.aclose(timeout))
        )

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose(self.close_timeout)

    @property
    def stats(self) -> PirschSenderStats:
        """The counters of both queues as they are now."""
        return PirschSenderStats(self._hits.stats, self._events.stats, self._dnt_skipped)

    # -- delivery -----------------------------------------------------------------------------

    # Each batch body was encoded once by the sender and every item checked when offered, so
    # the body is posted as is rather than through the resources (which check and encode).

    async def _deliver_hits(self, batch: Batch[BatchHit]) -> None:
        await self._post(self._hits_operation, batch.body)

    async def _deliver_events(self, batch: Batch[BatchEvent]) -> None:
        await self._post(self._events_operation, batch.body)

    async def _post(self, op: Operation, body: bytes) -> Response:
        return await self._client._send(
            op.http_method,
            self._client._http.url_for(op.path, base=op.base),
            body=body,
            content_type="application/json",
            headers=None,
            retry_safe=op.retry_safe,
            authenticate=op.auth != "none",
            rate_group=op.rate_group,
        )


def _check_hit(hit: BatchHit) -> None:
    validate_request(hit, operation="send_hits_batch")
    # Refused now, not in its batch or its spool line: a lone surrogate, a megabyte of meta.
    check_encoded_size(hit, field="hit", limit=MAX_EVENT_BYTES)


def _check_event(event: BatchEvent) -> None:
    validate_request(event, operation="send_events_batch")
    check_encoded_size(event, field="event", limit=MAX_EVENT_BYTES)
