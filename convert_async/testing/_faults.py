"""Fault injection for the fake Convert API: latency, error statuses, drops, broken bodies."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from dataclasses import dataclass
from typing import Literal

__all__ = ["Fault", "FaultKind", "Faults"]

FaultKind = Literal["status", "drop", "malformed", "truncated"]
_KINDS: tuple[FaultKind, ...] = ("status", "drop", "malformed", "truncated")


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault to inflict on a single request."""

    kind: FaultKind
    status: int = 503
    retry_after: str | None = None


@dataclass(slots=True)
class _Queued:
    fault: Fault
    operation: str | None


class Faults:
    """Fault settings of a :class:`~convert_async.testing.FakeConvert`.

    Random faults fire with the configured probabilities (drawn from a ``random.Random(seed)`` of
    their own, so a given request sequence always fails the same way); ``fail_next`` queues
    deterministic faults that take precedence. ``operations`` restricts random faults to those
    operations, named as the fake records them (the spec's operationId for REST v2, the
    catalog name for the other APIs).

    ``max_rate`` makes the fake enforce a rate limit like an API would: at most that many
    requests (of ``operations``, or all) per one-second window, the rest answered 429 with a
    ``Retry-After`` of the whole seconds left in the window (so at least 1). With
    ``rate_burst`` set, ``max_rate`` is enforced as a leaky bucket instead, as nginx's
    ``limit_req rate=max_rate burst=rate_burst nodelay`` does: a request is refused (429,
    ``Retry-After: 1``) when it would put more than ``rate_burst`` requests above the steady
    rate, which drains at ``max_rate`` per second.
    """

    def __init__(self, seed: int = 0) -> None:
        self._seed = seed
        self._queue: deque[_Queued] = deque()
        self.clear()

    def clear(self) -> None:
        """Switch every fault off and drop queued ones (the random sequence restarts too)."""
        self.latency: float = 0.0
        self.error_rate: float = 0.0
        self.error_status: int = 503
        self.rate_limit_rate: float = 0.0
        self.retry_after: str | None = "1"
        self.drop_rate: float = 0.0
        self.malformed_rate: float = 0.0
        self.truncated_rate: float = 0.0
        self.operations: set[str] | None = None
        self.max_rate: int | None = None
        self.rate_burst: int | None = None
        self._excess = 0.0
        self._excess_at = 0.0
        self._window = -1
        self._window_count = 0
        self._queue.clear()
        self._rng = random.Random(self._seed)

    def fail_next(
        self,
        count: int = 1,
        *,
        status: int = 503,
        retry_after: str | None = None,
        kind: FaultKind = "status",
        operation: str | None = None,
    ) -> None:
        """Make the next ``count`` requests (of ``operation``, or any) fail with ``kind``.

        ``status`` and ``retry_after`` apply to ``kind="status"`` (``status=429`` gives a
        rate-limit reply).
        """
        if kind not in _KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {_KINDS}")
        if count < 0:
            raise ValueError("count must be >= 0")
        fault = Fault(kind, status, retry_after)
        self._queue.extend(_Queued(fault, operation) for _ in range(count))

    @property
    def pending(self) -> int:
        """Number of queued ``fail_next`` faults not consumed yet."""
        return len(self._queue)

    def draw(self, operation: str | None) -> Fault | None:
        """Fault for the request about to be served, consuming a queued one first."""
        for queued in self._queue:
            if queued.operation is None or queued.operation == operation:
                self._queue.remove(queued)
                return queued.fault
        if self.operations is not None and operation not in self.operations:
            return None
        if self.max_rate is not None:
            if self.rate_burst is None:
                limited = self._over_rate(self.max_rate)
            else:
                limited = self._over_bucket(self.max_rate, self.rate_burst)
            if limited is not None:
                return limited
        weighted: tuple[tuple[float, Fault], ...] = (
            (self.drop_rate, Fault("drop")),
            (self.truncated_rate, Fault("truncated", 200)),
            (self.malformed_rate, Fault("malformed", 200)),
            (self.rate_limit_rate, Fault("status", 429, self.retry_after)),
            (self.error_rate, Fault("status", self.error_status)),
        )
        if not any(rate > 0 for rate, _ in weighted):
            return None
        # One draw per request against cumulative thresholds keeps the sequence reproducible.
        point = self._rng.random()
        for rate, fault in weighted:
            if point < rate:
                return fault
            point -= rate
        return None

    def _over_bucket(self, rate: int, burst: int) -> Fault | None:
        """A 429 when this request would overflow a leaky bucket draining ``rate`` a second
        (nginx's ``limit_req`` arithmetic: a refused request leaves the bucket as it was)."""
        now = time.monotonic()
        excess = max(0.0, self._excess - (now - self._excess_at) * rate + 1)
        if excess > burst:
            return Fault("status", 429, "1")
        self._excess, self._excess_at = excess, now
        return None

    def _over_rate(self, limit: int) -> Fault | None:
        """A 429 when this request is over ``limit`` in the current one-second window."""
        now = time.monotonic()
        window = math.floor(now)
        if window != self._window:
            self._window, self._window_count = window, 0
        self._window_count += 1
        if self._window_count <= limit:
            return None
        return Fault("status", 429, str(max(1, math.ceil(window + 1 - now))))
