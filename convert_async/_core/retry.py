"""The one retry policy: what may be repeated, how long to wait, and what a server's wait means.

Every place that repeats a request asks this module: the session (:mod:`.session`), the event
sender (:mod:`.events`) and the bulk export (``convert_async.v2.bulk``). None of them decides
on its own which statuses are transient, how long to back off, or whether a ``Retry-After`` is
worth waiting for.

What is safe to repeat
    A request that never left (no connection could be had: pool wait timeout, refused or failed
    connect) is always safe to repeat: the server never saw it. Once it may have reached the
    server, only requests marked repeatable are sent again: the methods in
    :data:`SAFE_METHODS` (GET, HEAD, OPTIONS: RFC 9110 "safe", they change nothing) and the
    operations that only read although they are POSTs (lists, reports; ``Operation.retry_safe``).
    PUT and DELETE are *not* treated as repeatable although RFC 9110 calls them idempotent: a
    repeated DELETE answers 404 for an item the first attempt deleted, and the APIs' PUTs bump
    change history and trigger webhooks, so the caller would see an error or a side effect for
    a request that worked. The caller opts in with ``retry_writes=True``.

How long to wait
    Exponential backoff with full jitter (a uniform wait between 0 and
    ``min(max_delay, initial_delay * 2**n)``), at most ``max_retries`` times. A server's
    ``Retry-After`` (seconds or an HTTP date) wins when longer, up to ``max_retry_after``; a
    longer one fails the request at once with the delay in the error, and never pauses a rate
    limiter (other work is not held on one reply's word).

The policy was built on ``backoff``'s ``expo`` and ``full_jitter``; that project is archived
upstream, and those two helpers are the few lines of :meth:`RetryPolicy.delays`, so the
dependency was dropped.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field

import anyio

from ._constants import (
    DEFAULT_INITIAL_BACKOFF,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER,
)
from .errors import APIStatusError, RateLimitError
from .ratelimit import AdaptiveRateLimiter

__all__ = [
    "RETRYABLE_STATUSES",
    "SAFE_METHODS",
    "Attempts",
    "RetryPolicy",
    "parse_retry_after",
    "retry_after_of",
]

#: Statuses that say "try again later" rather than "this request is wrong".
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

#: Methods repeated after they may have reached the server (see the module docstring for why
#: PUT and DELETE are not among them).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    An absurd number (``1e999``) is infinite, which every cap refuses; nonsense is ignored.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    >>> parse_retry_after("soon") is None, parse_retry_after("nan") is None
    (True, True)
    """
    if not value:
        return None
    value = value.strip()
    try:
        if "_" in value:  # float() reads "1_0" as 10; no server means that
            raise ValueError(value)
        seconds = float(value)
    except ValueError:
        pass
    else:
        return None if math.isnan(seconds) else max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def retry_after_of(error: APIStatusError) -> float | None:
    """The wait the server asked for in the reply behind ``error``, if any."""
    if isinstance(error, RateLimitError) and error.retry_after is not None:
        return error.retry_after
    return parse_retry_after(_header(error.headers, "Retry-After"))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    # The error keeps the reply's headers as a plain dict: look the name up case-insensitively.
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter, honoring ``Retry-After`` up to a cap.

    ``max_retry_after`` also caps how long a rate limiter may be paused on a server's word.
    ``max_throttles``, when set, is a budget of its own for 429s (a request is retried after
    that many of them whatever ``max_retries`` says, and they do not use ``max_retries`` up):
    work that must get through a throttling server, such as a bulk export's listing, keeps
    trying while other errors still fail after ``max_retries``.
    ``sleep`` is injectable so tests can observe delays without waiting for them.
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = DEFAULT_INITIAL_BACKOFF
    max_delay: float = DEFAULT_MAX_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER
    max_throttles: int | None = None
    sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, compare=False)

    def delays(self, count: int | None = None) -> Iterator[float]:
        """The jittered backoff delays for retry 1, 2, ... (``count`` of them, by default
        ``max_retries``)."""
        for retry in range(self.max_retries if count is None else count):
            ceiling = min(self.max_delay, self.initial_delay * 2.0 ** min(retry, 64))
            yield random.uniform(0.0, ceiling)  # jitter, not cryptography: random is enough

    def attempts(self) -> Attempts:
        """A fresh retry budget for one request."""
        return Attempts(self)

    def is_safe_method(self, method: str) -> bool:
        """Whether ``method`` may be repeated after it may have reached the server."""
        return method.upper() in SAFE_METHODS

    def is_transient(self, error: APIStatusError) -> bool:
        """Whether ``error``'s status says "try again later" rather than "this is wrong"."""
        return error.status in RETRYABLE_STATUSES

    def over_cap(self, wait: float | None) -> bool:
        """Whether a server-requested wait is longer than this policy will honour."""
        return wait is not None and not wait <= self.max_retry_after

    def refuses_wait(self, error: APIStatusError) -> bool:
        """Whether ``error``'s reply asks for a wait over the cap; if so, its message says so
        (a 429 also carries the delay in ``retry_after``)."""
        wait = retry_after_of(error)
        if wait is None or not self.over_cap(wait):
            return False
        asked = f"{wait:g}s" if math.isfinite(wait) else "beyond any number of seconds"
        cap = self.max_retry_after
        add_note(error, f"Retry-After {asked} is over the {cap:g}s cap, not waited")
        return True

    async def wait_throttled(self, wait: float, limiter: AdaptiveRateLimiter | None) -> None:
        """Wait out a throttled request's ``wait`` (its ``Retry-After``) before it goes again.

        While ``limiter`` holds every caller with a pause it probes (the server's window is
        used up), the request waits in the limiter's queue instead: the pause stands for this
        ``Retry-After`` and ends early only when a probe is accepted. A request refused before
        such a pause began waits its own ``Retry-After``, or until the pause ends early
        (:meth:`AdaptiveRateLimiter.reopened`). Waiting on their own clocks, the requests of a
        refused burst would all leave at about the same deadline, in a burst again.
        """
        if limiter is not None and limiter.probing():
            return
        if wait <= 0:
            return
        if limiter is None:
            await self.sleep(wait)
            return
        async with anyio.create_task_group() as group:

            async def wait_out() -> None:
                await self.sleep(wait)
                group.cancel_scope.cancel()

            group.start_soon(wait_out)
            await limiter.reopened()  # the window that refused it is open again: go, paced
            group.cancel_scope.cancel()

    def limiter_pause(self, wait: float | None) -> float | None:
        """How long a shared rate limiter may be paused for a 429's ``Retry-After``: not at
        all past the cap (that one request fails; other work goes on)."""
        return None if wait is None or self.over_cap(wait) else wait

    def quota_pause(self, reset: float) -> float:
        """How long a shared rate limiter may be paused until an exhausted quota resets: at
        most the cap; a request sent before the reset learns the rest from its 429."""
        return min(reset, self.max_retry_after)


class Attempts:
    """One request's retry budget: each failed attempt asks it whether, and after how long,
    to try again (None: stop and raise)."""

    __slots__ = ("_delays", "_throttle_delays", "policy")

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self._delays = policy.delays()
        throttles = policy.max_throttles
        self._throttle_delays = self._delays if throttles is None else policy.delays(throttles)

    def after_failure(
        self, *, sent: bool, repeatable: bool, retryable: bool = True
    ) -> float | None:
        """After an attempt that got no reply: ``sent`` says whether it may have reached the
        server, ``retryable`` whether the failure is transient (a TLS failure is not)."""
        if not retryable or (sent and not repeatable):
            return None
        return next(self._delays, None)

    def after_status(self, error: APIStatusError, *, repeatable: bool) -> float | None:
        """After an error reply; a ``Retry-After`` over the cap ends the retries
        (:meth:`RetryPolicy.refuses_wait`)."""
        if self.policy.refuses_wait(error):
            return None
        wait = retry_after_of(error)
        if not repeatable or not self.policy.is_transient(error):
            return None
        throttled = error.status == 429 and self.policy.max_throttles is not None
        delays = self._throttle_delays if throttled else self._delays
        backoff_delay = next(delays, None)
        if backoff_delay is None:
            if throttled:
                gave_up(error, "max_throttles", self.policy.max_throttles or 0)
            else:
                gave_up(error, "max_retries", self.policy.max_retries)
            return None
        return backoff_delay if wait is None else max(wait, backoff_delay)


def add_note(error: Exception, note: str) -> None:
    """Append ``note`` to ``error``'s message, once (the session and then an export may both
    say it)."""
    if note not in str(error):
        error.args = (f"{error}; {note}",)


def gave_up(error: Exception, budget: str, retries: int) -> None:
    """Say in ``error``'s message that its retry budget ran out (``budget`` names the setting,
    e.g. ``max_retries``), so that a 429 that ends an export does not read as a lone refusal.
    With no retries allowed there is nothing to say (the caller may be retrying itself)."""
    if retries:
        add_note(error, f"gave up after {retries} retries ({budget})")
