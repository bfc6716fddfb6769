"""When and how long to wait before repeating a request.

This is the only module that uses ``backoff`` (archived upstream): its wait generator and
jitter give the delays, while the loop that sleeps lives in the session so the sleep can be
injected and cancellation is never caught.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import anyio
import backoff

from ._constants import (
    DEFAULT_INITIAL_BACKOFF,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
)

__all__ = ["RetryPolicy", "parse_retry_after"]

#: Statuses that say "try again later" rather than "this request is wrong".
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("soon") is None
    True
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter, honoring ``Retry-After`` up to a cap.

    ``sleep`` is injectable so tests can observe delays without waiting for them.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = DEFAULT_INITIAL_BACKOFF
    max_delay: float = DEFAULT_MAX_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, compare=False)

    def delays(self) -> Iterator[float]:
        """The jittered backoff delays for retry 1, 2, ... (``max_retries`` of them)."""
        waits = backoff.expo(base=2, factor=self.initial_delay, max_value=self.max_delay)
        next(waits)  # backoff's generators yield None first to be primed
        for _ in range(self.max_retries):
            yield backoff.full_jitter(next(waits))

    def delay_for(self, backoff_delay: float, retry_after: float | None) -> float | None:
        """How long to wait before the next attempt, or None to stop retrying.

        A server-requested wait wins over the backoff delay; a wait longer than
        ``max_retry_after`` is not worth holding the caller for, so it ends the retries.
        """
        if retry_after is None:
            return backoff_delay
        if retry_after > self.max_retry_after:
            return None
        return max(retry_after, backoff_delay)
