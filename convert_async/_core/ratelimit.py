"""A client-side rate limiter that learns the server's limit from its throttling replies.

The limiter is a token bucket whose fill rate moves with the server's answers, in the spirit of
TCP CUBIC congestion control (and of the AWS SDKs' "adaptive" retry mode):

- every request first takes a token (:meth:`AdaptiveRateLimiter.acquire`), waiting when the
  bucket is empty, so requests leave at most at the current rate; through
  :meth:`~AdaptiveRateLimiter.slot` it also holds a slot until its reply, and with an
  ``opening_window`` few slots open at first while unlimited, more as replies are accepted and
  as time passes: an unknown quota refuses every request in flight when it runs out;
- a throttling reply (HTTP 429) calls :meth:`~AdaptiveRateLimiter.on_throttled`: the rate is
  cut multiplicatively (``beta``), but never below 95% of what the server accepted over the
  last second, and the bucket is emptied. An unlimited limiter ignores scattered 429s (few,
  and a small share of the last second's replies and requests sent, and not five in a
  row). A lone 429 does not pause anyone: the throttled request waits its own
  ``Retry-After`` while the others go on (an unlimited limiter holds new requests only until
  one in flight is accepted, at most a quarter second). Only when most recent replies are
  refusals (a quota window is used up) are all callers paused for the ``Retry-After``, and
  never longer than ``max_pause`` (the opening's pause ends once a request sent after the
  refusals began is accepted). Once limiting, a ``Retry-After`` of one second pauses callers
  only after eight refusals in a row (in the order the requests were sent: a reply to one
  sent before the run began does not end it); that pause, like the opening's, lets a probe through
  now and then and ends when one is accepted. While such a pause holds (:meth:`probing`), the
  refused requests can wait in the queue rather than on their own ``Retry-After``, and those
  refused before it began can stop waiting when it ends early (:meth:`reopened`): the burst
  goes again paced (no tokens are saved up while such a pause holds), as soon as the server
  takes requests;
- successes call :meth:`~AdaptiveRateLimiter.on_success`: the rate grows back along a cubic
  curve - quickly at first, flattening as it nears the rate that was throttled, then probing
  beyond it (up to ``max_rate``). After an opening whose burst was refused while still in
  flight (a token bucket's burst, not its rate), the first cut is only a guess: the rate then
  doubles every eighth of a second while callers wait for tokens, until the next 429. So it
  does when the opening's pause ends at its first probe (a bucket has room again that soon).

It knows nothing about HTTP or Convert: any code that can tell "throttled" from "fine" can use
it. One limiter is meant to be shared by every task that calls the same API.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import anyio

from .errors import ConfigurationError

logger = logging.getLogger("convert_async.ratelimit")

__all__ = ["AdaptiveRateLimiter", "RateLimiterStats"]

#: How long the measured request rate is averaged over before it is smoothed in (seconds).
_MEASURE_WINDOW = 0.5
#: The window over which accepted (not throttled) replies are counted (seconds).
_ACCEPT_WINDOW = 1.0
#: A cut never goes below this share of the rate the server accepted over the last second.
_ACCEPT_FLOOR = 0.95
#: Within the first second of use, fewer accepted replies than this give no accepted rate.
_ACCEPT_SAMPLES = 10
#: An unlimited limiter starts limiting at a 429 only when at least this many replies of the
#: last second were refusals, and more than the share below. A server over its limit refuses
#: a growing share of what it is sent; a few scattered 429s (a busy shard, a noisy neighbour)
#: say nothing about the rate: those requests wait their own Retry-After, the others go on.
#: Once limiting, every 429 to a request sent since the last cut cuts again.
_CUT_REFUSALS = 5
_CUT_SHARE = 0.2
#: The first cut reads the server's rate off the opening only when the requests it has replies
#: for were sent over at least this long after the first refused one (seconds): requests sent
#: all at once show a burst the server allowed, not a rate.
_OPENING_SPAN = 0.02
#: How often callers held by the opening's pause look whether it ended early (seconds).
_OPENING_CHECK = 0.02
#: During the opening's pause for a ``Retry-After`` of one second, one request goes this long
#: after it began (seconds), then after twice as long each time, to learn whether it is over:
#: a used-up quota answers "Retry-After: 1" however soon its window starts anew (a token
#: bucket has room again after a few milliseconds). An accepted probe ends the pause; a
#: refused one costs one 429 (at most three in a one-second pause) and nothing else.
_OPENING_PROBE = 0.1
#: After a 429 while unlimited, with other requests in flight, nobody else gets a token until
#: one of those is accepted, or for this long (seconds). If the server's window is used up,
#: what else is sent while the limiter counts enough refusals to tell is refused too (in a
#: test at 20 req/s, four of the opening's thirteen 429s); scattered 429s hold callers only
#: until the next success, a small share of one round trip.
_HOLD_AFTER_REFUSAL = 0.25
#: Once limiting, this many refusals in a row (no success between them) pause every caller
#: for the ``Retry-After`` even when it is one second, probed as the opening's pause is: a
#: sliding log that accepted a second's quota in a fraction of one refuses everything until
#: that burst slides out (0.7 s of refusals at the cut rate, 30 of them at 50 req/s).
_WALL_REFUSALS = 8
#: A run of this many refusals ended by an accepted request sent before the opening's pause
#: began is a fixed window starting anew just then, not a bucket: requests sent one by one to
#: a bucket that drains are accepted one in a few among its refusals (a probe, sent after a
#: pause, is accepted after a run in both cases).
_WINDOW_RUN = 16
#: Weight of the latest reply in the running share of refusals.
_REFUSAL_WEIGHT = 0.2
#: Above this running share of refusals, a ``Retry-After`` pauses every caller.
_REFUSAL_PAUSE = 0.5
#: Once limiting, a ``Retry-After`` of at most this pauses nobody, even when most replies are
#: refusals: one second is the least the header can say, so it bounds the wait rather than
#: measures it (a fixed window that resets in 20 ms, a leaky bucket with room in 5 ms, still
#: answer "1"). The rate is cut instead; the refused requests wait their own Retry-After. An
#: unlimited limiter does pause: its opening burst used up the server's window.
_SHORTEST_PAUSE = 1.0
#: After the first cut, while callers wait for tokens and nothing is refused, the rate doubles
#: this often (seconds) until the next cut. An opening burst cannot tell a fixed window's
#: quota from a token bucket's burst: a bucket draining 200 a second with room for 20 looks,
#: for its first 50 ms, like a window of 30 a second, and a cubic climb from there would take
#: eight seconds to find the real rate.
_STARTUP_DOUBLING = 0.125
#: The window the cut that ends the startup growth counts accepted replies over (seconds).
_STARTUP_WINDOW = 0.25
#: During the startup growth, a 429 to a request sent this soon after the cut (seconds) says
#: nothing about the guessed rate: the server is still draining the opening's burst.
_STARTUP_GRACE = 0.125
#: A climb back to the throttled rate takes at least as long as this many requests at that
#: rate: each probe past it costs a refusal, which at 20 req/s and a climb of two seconds
#: would be 2.5% of all requests; over 200 requests it is 0.5% at any rate.
_CLIMB_REQUESTS = 200.0
#: While unlimited, requests taken through :meth:`AdaptiveRateLimiter.slot` can start few at a
#: time (``opening_window``, e.g. 4) and the window grows by one for every ``_OPENING_GROWTH``
#: accepted. An unknown quota is met by every request in flight when it runs out, and all of
#: them are refused: at concurrency 50, 50 refusals however small the quota (36% of the 429s
#: of a 5 s export at 20 req/s, in the simulation). Growing by a share of what was accepted
#: keeps that overshoot a share of the quota; a window that doubles every round trip (TCP's
#: slow start) overshoots by up to the quota itself.
_OPENING_GROWTH = 20
#: ... and at least doubles this often (seconds), so that slow replies do not stretch the ramp:
#: at 50 ms a round trip, growth by accepted replies alone reaches 50 in flight after 2.5 s.
#: A quarter second keeps the window narrow for about the second a quota window lasts (a tenth
#: opened it before a fixed window straddled by the opening ran out, and 16% of a short
#: export's requests were refused); it costs a clean export at 50 ms a request about 0.5 s,
#: which is why the window is off by default.
_OPENING_DOUBLING = 0.25
#: A first cut read off fewer accepted replies than this (or than were ever in flight at once)
#: is only a guess, which the startup growth doubles: with few requests in flight at first,
#: a token bucket's burst (5, at 50 req/s) can be used up by 9 accepted of an opening, whose
#: rate (18 req/s, held back by the hold after a 429) a cubic climb takes 16 s to leave.
_GUESS_BELOW = 30
#: The longest pause a limiter takes by default (seconds).
DEFAULT_MAX_PAUSE = 30.0


@dataclass(frozen=True, slots=True)
class RateLimiterStats:
    """A snapshot of an :class:`AdaptiveRateLimiter`.

    ``rate`` is the current fill rate in requests per second (``inf`` while unlimited);
    ``lowest_rate`` the lowest it has been; ``throttled`` how many throttling replies were
    reported and ``rate_cuts`` how many of them cut the rate (replies to requests sent before
    the last cut do not cut it again); ``acquired`` the tokens handed out; ``waits`` how many
    :meth:`~AdaptiveRateLimiter.acquire` calls had to wait and ``total_wait`` the seconds they
    waited in all; ``measured_rate`` the recent rate of acquisitions.
    """

    rate: float
    lowest_rate: float
    throttled: int
    rate_cuts: int
    acquired: int
    waits: int
    total_wait: float
    measured_rate: float | None
    pauses: int = 0


class AdaptiveRateLimiter:
    """A token bucket whose rate drops when the server throttles and recovers afterwards.

    ``rate`` is the starting rate in requests per second; ``None`` (the default) starts
    unlimited and only begins limiting at the first throttling reply, from the rate that was
    measured when it came. ``burst`` is the bucket size (default: a tenth of a second's worth
    of requests, at least 1). The rate never goes below ``min_rate`` nor above ``max_rate``
    (default: the starting rate, or unlimited when that is ``None``). ``beta`` is the factor a
    throttle multiplies the rate by; ``scale`` sets how fast the cubic recovery climbs, as a
    share of the throttled rate per second cubed (0.01: back from a 0.7 cut in about 3 s at any
    rate, then probing 1% above it after one more second, 8% after two). A climb never takes
    less time than 200 requests at the throttled rate: at 20 req/s a probe past the limit every
    two seconds would cost 2.5% of the requests in refusals.
    ``max_pause`` caps every pause (:meth:`pause`, and a ``Retry-After`` while most replies
    are refusals); a longer ``Retry-After`` pauses nobody.
    ``opening_window`` (off by default): while unlimited, at most this many requests taken
    through :meth:`slot` await a reply at once, one more for every 20 accepted, and at least
    twice as many every quarter second (full concurrency 50 after about 900 accepted requests,
    or 0.9 s). A server's unknown quota refuses every request in flight when it runs out: at
    concurrency 50, 50 refusals however small the quota. ``opening_window=4`` keeps those a
    small share of the quota, for a short export against a server whose limit is not known;
    it costs about half a second once when replies take 50 ms and there is no limit.
    ``clock`` and ``sleep`` can be injected for tests.

    Example::

        limiter = AdaptiveRateLimiter(rate=20, min_rate=1)
        async def call_api():
            sent_at = await limiter.acquire()
            try:
                result = await do_request()
            except TooManyRequests as exc:
                limiter.on_throttled(exc.retry_after, sent_at=sent_at)
                raise
            limiter.on_success(sent_at=sent_at)
            return result
    """

    def __init__(
        self,
        rate: float | None = None,
        *,
        burst: float | None = None,
        min_rate: float = 0.5,
        max_rate: float | None = None,
        beta: float = 0.7,
        scale: float = 0.01,
        max_pause: float = DEFAULT_MAX_PAUSE,
        opening_window: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ConfigurationError("rate must be positive (or None for unlimited)")
        if min_rate <= 0:
            raise ConfigurationError("min_rate must be positive")
        if not 0 < beta < 1:
            raise ConfigurationError("beta must be between 0 and 1")
        if scale <= 0:
            raise ConfigurationError("scale must be positive")
        if not max_pause >= 0:
            raise ConfigurationError("max_pause cannot be negative")
        if opening_window is not None and (
            isinstance(opening_window, bool)
            or not isinstance(opening_window, int)
            or opening_window < 1
        ):
            raise ConfigurationError("opening_window must be a whole number of at least 1, or None")
        if burst is not None and burst < 1:
            raise ConfigurationError("burst must be at least 1")
        ceiling = max_rate if max_rate is not None else (rate if rate is not None else math.inf)
        if ceiling < min_rate:
            raise ConfigurationError("max_rate cannot be below min_rate")
        start = math.inf if rate is None else min(max(rate, min_rate), ceiling)
        self.min_rate = min_rate
        self.max_rate = ceiling
        self.beta = beta
        self.scale = scale
        self.max_pause = max_pause
        self._opening_window = opening_window
        self._burst = burst
        self._clock = clock
        self._sleep = sleep
        now = clock()
        self._rate = start
        self._lowest = start
        # Cubic recovery state: the rate that was throttled and when the curve gets back to
        # it. Before any throttle the curve sits on its plateau at the starting rate.
        self._peak = start
        self._plateau_at = now
        self._curve_scale = scale  # ``scale``, or less where a climb is stretched
        self._accepted: deque[float] = deque()
        self._first_request = math.inf  # when acquire() first handed out a token
        self._successes = 0
        self._most_in_flight = 0  # the most requests awaiting a reply while unlimited
        self._refused: deque[float] = deque()
        self._accepted_sent: deque[float] = deque()  # send times of accepted requests
        self._last_refused_sent = -math.inf  # send time of the latest refused request
        self._first_refused_sent = math.inf  # send time of the first refused request
        self._provisional = False  # the first cut, until replies to what was sent before it
        self._startup = False  # from the first cut to the next: the rate is a guess
        self._grown_at = now  # when the startup growth was last applied
        self._growth_ended = -math.inf  # when the latest startup growth was cut short
        self._refusals = 0.0
        self._pauses = 0
        self._last_cut = -math.inf
        self._tokens = self._capacity()
        self._refilled_at = now
        self._paused_until = -math.inf
        self._opening_pause = math.nan  # the end of the pause the opening took (NaN: none)
        self._wall_pause = math.nan  # the end of a pause a run of refusals took (NaN: none)
        self._refused_run = 0  # refusals since a success of a request sent after them
        self._run_from = math.inf  # when the first request of that run was sent
        self._probes_from = math.inf  # when the latest probed pause began
        self._next_probe = math.inf
        self._probe_gap = _OPENING_PROBE
        self._lock = anyio.Lock()
        self._slot_lock = anyio.Lock()  # callers waiting for room in the opening's window
        self._busy = 0  # slots taken and not yet released
        self._slot_freed = anyio.Event()
        self._held_until = -math.inf  # see _HOLD_AFTER_REFUSAL
        self._hold_ended = anyio.Event()
        self._reopened = anyio.Event()  # set when a pause ends early: see reopened()
        self._throttled = 0
        self._cuts = 0
        self._acquired = 0
        self._waits = 0
        self._total_wait = 0.0
        self._measured: float | None = None
        self._window_start = now
        self._window_count = 0
        # Requests sent in the measuring window before this one, and when it started.
        self._previous_count = 0
        self._previous_start = -math.inf

    def __repr__(self) -> str:
        return f"AdaptiveRateLimiter(rate={self._rate:.3g}, throttled={self._throttled})"

    @property
    def rate(self) -> float:
        """The current rate in requests per second (``inf`` while unlimited)."""
        return self._rate

    @property
    def stats(self) -> RateLimiterStats:
        """A snapshot of the limiter's rate and counters."""
        return RateLimiterStats(
            rate=self._rate,
            lowest_rate=self._lowest,
            throttled=self._throttled,
            rate_cuts=self._cuts,
            acquired=self._acquired,
            waits=self._waits,
            total_wait=self._total_wait,
            measured_rate=self._measured,
            pauses=self._pauses,
        )

    @property
    def throttled(self) -> int:
        """How many throttling replies were reported (cheaper than :attr:`stats`)."""
        return self._throttled

    async def acquire(self) -> float:
        """Wait for a token; return the clock time it was granted.

        Pass the returned time to :meth:`on_throttled` as ``sent_at`` so that the throttling
        replies to a burst sent before a cut only cut the rate once. Waiters are served in
        arrival order.
        """
        if not self._lock.locked():
            # Nobody waiting: a token at hand is taken without the queue, whose lock would
            # hold every other caller for a turn of the event loop.
            now = self._clock()
            if now >= max(self._paused_until, self._held_until) and self._take_token(now):
                return now
        async with self._lock:
            waited = False
            started = self._clock()
            while True:
                now = self._clock()
                pause = self._paused_until - now
                if pause > 0:
                    waited = True
                    if self._in_probed_pause(now):
                        if now >= self._next_probe:
                            self._probe_gap *= 2
                            self._next_probe = now + self._probe_gap
                            break
                        # It may end early (on_success), and a probe is due.
                        pause = min(pause, _OPENING_CHECK, self._next_probe - now)
                    await self._sleep(pause)
                    continue
                if math.isinf(self._rate):
                    if now < self._held_until:
                        waited = True
                        await self._wait(self._hold_ended, self._held_until - now)
                        continue
                    break
                self._refill(now)
                if self._tokens >= 1 - 1e-9:  # rounding must not leave a waiter spinning
                    break
                waited = True
                await self._sleep((1 - self._tokens) / self._rate)
            now = self._clock()
            if not math.isinf(self._rate):
                self._tokens = max(0.0, self._tokens - 1)
            if waited:
                self._waits += 1
                self._total_wait += max(0.0, now - started)
            self._acquired += 1
            self._measure(now)
            return now

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[float]:
        """Take a token (:meth:`acquire`) for one request, and hold a slot until its reply.

        With an ``opening_window``, while the limiter is unlimited, few slots are taken at
        once (one more for every 20 replies accepted, twice as many every quarter second): a
        server with an unknown quota refuses every request in flight when it runs out. Once
        limiting, the rate paces what goes and slots do not wait. Report the reply
        (:meth:`on_success`, :meth:`on_throttled`) inside the block, and leave it before
        waiting out a ``Retry-After``: a slot is held until the reply, not through retries.
        :meth:`acquire` alone takes no slot.

        Example::

            async with limiter.slot() as sent_at:
                reply = await do_request()
                limiter.on_success(sent_at=sent_at)
        """
        if self._slot_lock.locked() or self._window_full():
            async with self._slot_lock:  # in arrival order
                while self._window_full():
                    await self._wait(self._slot_freed, self._until_window_grows())
        self._busy += 1
        try:
            yield await self.acquire()
        finally:
            self._busy -= 1
            if self._slot_lock.locked():  # someone waits for room (they hold the lock)
                self._slot_freed.set()
                self._slot_freed = anyio.Event()

    def _until_window_grows(self) -> float:
        """Seconds until the opening's window doubles past the slots taken (see slot())."""
        opening = self._opening_window or 1
        grows_at = self._first_request + _OPENING_DOUBLING * math.log2((self._busy + 1) / opening)
        return max(grows_at - self._clock(), 0.001) if math.isfinite(grows_at) else math.inf

    def _window_full(self) -> bool:
        """Whether, while unlimited, the opening's window of slots is taken (see slot())."""
        opening = self._opening_window
        if opening is None or self._busy < opening or not math.isinf(self._rate):
            return False
        if self._busy < opening + self._successes // _OPENING_GROWTH:
            return False
        started = self._first_request
        if math.isinf(started):
            return True
        doublings = (self._clock() - started) / _OPENING_DOUBLING
        return self._busy >= math.floor(opening * 2 ** min(doublings, 30.0) + 1e-9)

    async def _wait(self, event: anyio.Event, seconds: float) -> None:
        """Wait until ``event`` is set, or for ``seconds`` on the limiter's clock."""
        async with anyio.create_task_group() as group:

            async def expire() -> None:
                await self._sleep(seconds)
                group.cancel_scope.cancel()

            if not math.isinf(seconds):
                group.start_soon(expire)
            await event.wait()
            group.cancel_scope.cancel()

    def _end_hold(self) -> None:
        """Let callers held after a 429 go (a reply was accepted, or the rate now paces)."""
        if self._held_until > -math.inf:
            self._held_until = -math.inf
            self._hold_ended.set()
            self._hold_ended = anyio.Event()

    def _take_token(self, now: float) -> bool:
        """Hand out a token at ``now`` if there is one (always, while unlimited)."""
        if math.isinf(self._rate):
            in_flight = self._acquired + 1 - self._successes - self._throttled
            self._most_in_flight = max(self._most_in_flight, in_flight)
        else:
            self._refill(now)
            if self._tokens < 1 - 1e-9:  # rounding must not leave a waiter spinning
                return False
            self._tokens = max(0.0, self._tokens - 1)
        self._acquired += 1
        self._measure(now)
        return True

    def on_success(self, *, sent_at: float | None = None) -> None:
        """Report a request that was not throttled: the rate climbs back along the curve.

        ``sent_at`` (what :meth:`acquire` returned for it) lets the first cut be corrected by
        the replies to requests sent before it, which say what the server accepted then."""
        now = self._clock()
        self._successes += 1
        run = self._refused_run
        if sent_at is None or sent_at >= self._run_from:
            # Only a request sent after the run began ends it: the replies to those sent
            # before it, still on their way, say nothing about what the server takes now.
            self._refused_run, self._run_from = 0, math.inf
        self._end_hold()
        self._refusals *= 1 - _REFUSAL_WEIGHT
        if sent_at is not None and sent_at >= self._probes_from and self._in_wall_pause(now):
            self._reopen()  # an accepted probe: the server takes requests again
        accepted = self._accepted
        while accepted and accepted[0] < now - _ACCEPT_WINDOW:
            accepted.popleft()
        accepted.append(now)
        if sent_at is not None and (math.isinf(self._rate) or self._provisional):
            sent = self._accepted_sent
            sent.append(sent_at)
            while sent and sent[0] < now - 2 * _ACCEPT_WINDOW:
                sent.popleft()
            if self._provisional:
                if sent_at > self._first_refused_sent + _OPENING_SPAN and self._in_opening_pause(
                    now
                ):
                    # Accepted although sent well after the server began refusing: no used-up
                    # window holds everyone back (a bucket drains, a window started anew). The
                    # pause is void: the accepted rate counts the opening's replies again.
                    self._reopen()
                    if sent_at >= self._probes_from + 2 * _OPENING_PROBE:
                        # The pause held past its first probes: a window used up by fewer
                        # requests than were in flight (a bucket has room again sooner). Its
                        # quota is the rate: no guess to grow.
                        self._startup = False
                    elif sent_at >= self._probes_from or run < _WINDOW_RUN:
                        # Room again by the first probe: a bucket that drains, whose burst
                        # the opening took (a fixed window seldom starts anew that soon). The
                        # cut is a guess: grow.
                        self._startup = True
                if sent_at >= self._last_cut:
                    self._end_provisional()
                else:
                    self._refine(now)
        if math.isinf(self._rate):
            return
        target = self._peak * (1 + self._curve_scale * (now - self._plateau_at) ** 3)
        if self._startup and not self._provisional:
            if self._lock.locked():  # callers are waiting: the rate, not demand, is the limit
                # A gap between replies is no proof that callers waited all through it.
                step = min(now - self._grown_at, _STARTUP_DOUBLING / 2)
                target = max(target, self._rate * 2 ** (step / _STARTUP_DOUBLING))
            self._grown_at = now
        if target > self._rate:
            self._refill(now)
            self._rate = min(target, self.max_rate)

    def on_throttled(
        self, retry_after: float | None = None, *, sent_at: float | None = None
    ) -> None:
        """Report a throttling reply: cut the rate (and maybe pause everyone, see below).

        With ``sent_at`` (the value :meth:`acquire` returned for the throttled request), a
        reply to a request sent before the last cut is counted and nothing more (no cut, no
        pause): those requests left at the old rate, so they say nothing about the new one.
        An unlimited limiter starts limiting only when at least 5 of the last second's replies
        were refusals, and more than 20% of its replies and of the requests sent in it, or
        when five came in a row: scattered 429s are not a rate. The cut is
        ``beta`` times the rate requests were sent at, but not below 95% of the replies the
        server accepted over the last second (random 429s do not drive the rate down to the
        floor) nor above them (at the first throttle the rate lands on the server's limit).
        Once limiting, one cut never takes the rate below ``beta`` times what it was.

        ``retry_after`` is the throttled request's own wait: it pauses every caller only when
        most recent replies were refusals (the server's window is used up, so every request
        would be refused), and then for at most ``max_pause`` seconds; a longer one pauses
        nobody (the request that got it fails or waits on its own), nor does a ``Retry-After``
        of one second once the limiter is limiting (the least the header can say), unless
        eight refusals came in a row: then probes 0.1, 0.3 and 0.7 s in may end it early.
        """
        now = self._clock()
        self._throttled += 1
        self._refused_run += 1
        self._run_from = min(self._run_from, sent_at if sent_at is not None else -math.inf)
        if math.isinf(self._rate) and self._acquired > self._successes + self._throttled:
            self._held_until = now + _HOLD_AFTER_REFUSAL
        if sent_at is not None and sent_at >= self._probes_from and self._in_probed_pause(now):
            return  # a probe: the quota is still used up, as the pause assumes
        if sent_at is not None and (math.isinf(self._rate) or self._provisional):
            self._last_refused_sent = max(self._last_refused_sent, sent_at)
        grace = _STARTUP_GRACE if self._startup else 0.0
        if sent_at is not None and sent_at < self._last_cut + grace:
            # Sent at the rate before the last cut (often one of a run refused at the end of
            # the server's window): it says nothing about the new rate, only about the opening,
            # and about a window used up, which a run of refusals shows whatever their rate.
            if self._provisional:
                self._refine(now)
            elif retry_after is not None and self._at_wall(retry_after, now):
                self._pause_for_window(retry_after, now)
            return
        self._refused.append(now)
        if sent_at is not None:
            if math.isinf(self._rate):
                first = self._first_refused_sent
                if not sent_at - _ACCEPT_WINDOW < first <= sent_at:  # none, or long ago
                    self._first_refused_sent = sent_at
            elif sent_at >= self._last_cut:
                self._end_provisional()
        self._refusals = self._refusals * (1 - _REFUSAL_WEIGHT) + _REFUSAL_WEIGHT
        scattered = math.isinf(self._rate) and self._scattered(now)
        # Most recent replies refused: a used-up window. While the refusals are scattered
        # among the last second's, it takes a run of five (a 429 answered at once outruns the
        # successes sent before it: three of 5% random 429s often come back together).
        exhausted = self._refusals > _REFUSAL_PAUSE and (
            not scattered or self._refused_run >= _CUT_REFUSALS
        )
        if scattered and len(self._accepted) < _ACCEPT_SAMPLES:
            # Hardly anything accepted yet: refusals answered at once outrun the successes of
            # the same burst, so a run of them shows no used-up window until they are more
            # than scattered among the requests sent.
            return
        if (
            exhausted
            and retry_after is not None
            and retry_after <= self.max_pause
            and now >= self._paused_until
            and (
                retry_after > _SHORTEST_PAUSE
                or math.isinf(self._rate)
                or self._at_wall(retry_after, now)
            )
        ):
            # The window is used up: pause, and re-cut to what the whole last second took.
            self._pause_for_window(retry_after, now)
        elif scattered:
            return
        base = self._rate
        if math.isinf(base):
            base = self._measured if self._measured is not None else self._recent_rate(now)
        if self._measured is not None and not self._lock.locked():
            # Nobody waits for a token: requests leave slower than the rate allows, so cut
            # from what they leave at. (With callers waiting, the rate is what leaves, and the
            # measured rate lags behind a climb.)
            base = min(base, max(self._measured, self.min_rate))
        # The cut that ends the startup growth, and those of the second after it, read the
        # server's rate off the last quarter second: over a whole one, a rate that doubled
        # twice in it reads as half the limit, or a bucket's room the growth took as a rate.
        growing = self._startup and not self._provisional
        if growing:
            self._growth_ended = now
        recent = growing or now < self._growth_ended + _ACCEPT_WINDOW
        window = _STARTUP_WINDOW if recent else _ACCEPT_WINDOW
        accepted = self._accepted_rate(now, whole_window=exhausted, window=window)
        peak = base if accepted is None else min(base, accepted)
        rate = peak * self.beta
        if accepted is not None:
            rate = min(max(rate, accepted * _ACCEPT_FLOOR), peak)
        if not math.isinf(self._rate) and rate < self._rate * self.beta:
            # One cut is one step of ``beta``: a measured or accepted rate from a second in
            # which the limiter itself held requests back (it was just raised) is no limit;
            # if the rate is still too high, the next 429 cuts again.
            rate = self._rate * self.beta
            peak = max(peak, rate)
        self._startup = False
        if math.isinf(self._rate) and not math.isinf(self._first_refused_sent):
            # The first cut: corrected by the replies still to come for what was sent before it.
            self._provisional = True
            # Fewer accepted than were ever in flight at once (or than _GUESS_BELOW): the
            # opening burst met the server's burst allowance, which says nothing about its rate.
            self._startup = self._successes < max(self._most_in_flight, _GUESS_BELOW)
            opening = self._opening_estimate(now)
            if opening is not None:
                peak, rate = opening, opening * _ACCEPT_FLOOR
        self._last_cut = now
        self._cuts += 1
        self._set_curve(now, rate, peak)
        logger.info("throttled: rate limit cut to %.2f requests/s", self._rate)
        if self._paused_until > now:  # paced from the pause's end: see _pause_for_window
            self._tokens, self._refilled_at = 1.0, self._paused_until
        else:
            self._tokens, self._refilled_at = 0.0, now
        self._end_hold()  # limiting now: the rate paces what goes

    def _at_wall(self, retry_after: float, now: float) -> bool:
        """Whether a run of refusals, once limiting, shows a used-up window worth a pause."""
        return (
            self._in_refusal_run() and retry_after <= self.max_pause and now >= self._paused_until
        )

    def _in_refusal_run(self) -> bool:
        """Whether, once limiting, the latest refusals are a run long enough to show a wall."""
        return (
            not math.isinf(self._rate)
            and not self._provisional
            and self._refused_run >= _WALL_REFUSALS
        )

    def _pause_for_window(self, retry_after: float, now: float) -> None:
        """Pause every caller for a used-up window's ``Retry-After``, probed when it is the
        least the header can say."""
        self.pause(retry_after)
        # What leaves after the pause leaves paced (one at once, then at the rate), not as a
        # burst of the tokens saved up while nothing went: a sliding log would refuse that
        # burst's echo a second later. (A quota reset the server announces, :meth:`pause`,
        # keeps its burst.)
        self._tokens = 1.0
        self._refilled_at = self._paused_until
        if math.isinf(self._rate):
            self._opening_pause = self._paused_until
        elif self._in_refusal_run():
            self._wall_pause = self._paused_until
        if retry_after <= _SHORTEST_PAUSE:  # the least the header says: a bound
            self._probes_from = now
            self._next_probe = now + _OPENING_PROBE
            self._probe_gap = _OPENING_PROBE

    def probing(self) -> bool:
        """Whether every caller is held by a pause that probes the server: a used-up window
        that answered the least ``Retry-After`` the header can say, which ends as soon as a
        probe is accepted.

        A throttled request can then wait in :meth:`acquire` rather than on its own
        ``Retry-After``: it leaves when the window is open again, paced with the others (or
        as the next probe), instead of at its own deadline in a burst with the rest.
        """
        return self._in_probed_pause(self._clock())

    async def reopened(self) -> None:
        """Return when a pause ends early because the server accepted a request sent during
        it (a probe, or a request sent after the opening's refusals began).

        The requests refused before that pause began can stop waiting out their own
        ``Retry-After`` then: the window that refused them is open again.
        """
        await self._reopened.wait()

    def _reopen(self) -> None:
        self._paused_until = -math.inf
        self._refilled_at = min(self._refilled_at, self._clock())  # see _pause_for_window
        self._reopened.set()
        self._reopened = anyio.Event()

    def _in_wall_pause(self, now: float) -> bool:
        """Whether callers are held by a pause a run of refusals took once limiting."""
        return now < self._paused_until == self._wall_pause

    def _in_probed_pause(self, now: float) -> bool:
        """Whether callers are held by a pause that probes the server and may end early."""
        return self._in_opening_pause(now) or self._in_wall_pause(now)

    def _in_opening_pause(self, now: float) -> bool:
        """Whether callers are held by the pause the opening took (the one that may end
        early), while the first cut is still provisional."""
        return self._provisional and now < self._paused_until == self._opening_pause

    def _opening_estimate(self, now: float) -> float | None:
        """The server's rate as the opening burst shows it: what it accepted over the last
        second (a fixed window's quota), or the rate it accepted requests sent between the
        first and the latest refused one (a token bucket's drain rate), whichever is more.

        Only requests sent while refusals went on count for the second: a fixed window that
        starts anew after its refusals accepts a whole quota at once, which is no rate. When
        every refused request left at once with the accepted ones, only the first count is
        there: the burst the server allowed, a low guess that the startup growth doubles back
        up from (a high one would cost a refusal for every request over the limit)."""
        accepted = self._accepted
        while accepted and accepted[0] < now - _ACCEPT_WINDOW:
            accepted.popleft()
        whole = len(accepted) / _ACCEPT_WINDOW
        # Strictly after the first refused one: the accepted requests sent with it, at the same
        # instant, were the server's burst allowance.
        first, last = self._first_refused_sent, self._last_refused_sent
        span = last - first
        if span < _OPENING_SPAN:
            return whole if whole > 0 else None
        between = sum(1 for at in self._accepted_sent if first < at <= last)
        slope = between / span if between >= 3 else 0.0
        best = max(whole, slope)
        return best if best > 0 else None

    def _refine(self, now: float) -> None:
        """Re-estimate the first cut as replies to requests sent before it come in."""
        estimate = self._opening_estimate(now)
        if estimate is not None:
            self._refill(now)
            self._set_curve(now, estimate * _ACCEPT_FLOOR, estimate)

    def _end_provisional(self) -> None:
        """A reply to a request sent after the first cut: the opening is over."""
        self._provisional = False
        if self._paused_until == self._opening_pause:
            self._startup = False  # the opening's pause ran its course: a window, as above
        self._grown_at = self._clock()
        self._accepted_sent.clear()

    def _set_curve(self, now: float, rate: float, peak: float) -> None:
        """Go on at ``rate``, on a cubic curve back to ``peak`` (both within the bounds)."""
        peak = min(max(peak, self.min_rate), self.max_rate)
        rate = min(max(rate, self.min_rate), peak)
        self._peak = peak
        # Every climb past the peak costs about one refusal: at a low rate, the climb is
        # stretched over ``_CLIMB_REQUESTS`` so that those stay a small share of the requests.
        climb = float(math.cbrt((1 - rate / peak) / self.scale))
        self._curve_scale = self.scale
        if rate < peak and climb < _CLIMB_REQUESTS / peak:
            climb = _CLIMB_REQUESTS / peak
            self._curve_scale = (1 - rate / peak) / climb**3
        self._plateau_at = now + climb
        self._rate = rate
        self._lowest = min(self._lowest, rate)

    def pause(self, seconds: float) -> None:
        """Hold every caller of :meth:`acquire` for ``seconds`` (at most ``max_pause``)
        without changing the rate (e.g. until a server-announced quota window resets)."""
        if not seconds > 0:
            return
        until = self._clock() + min(seconds, self.max_pause)
        if until > self._paused_until:
            self._paused_until = until
            self._pauses += 1
            logger.info(
                "rate limiter paused for %.2fs (asked %.2fs)", until - self._clock(), seconds
            )

    @classmethod
    def per_period(cls, requests: int, period: float) -> AdaptiveRateLimiter:
        """A limiter for a documented quota of ``requests`` per ``period`` seconds.

        The bucket holds the whole quota (a burst of ``requests`` goes out at once) and
        refills at ``requests / period``; throttling replies still cut the rate.

        >>> AdaptiveRateLimiter.per_period(60, 60).rate
        1.0
        """
        if requests < 1 or period <= 0:
            raise ConfigurationError("a quota needs at least one request per positive period")
        rate = requests / period
        return cls(
            rate,
            burst=requests,
            min_rate=rate / 10,
            max_rate=rate,
            max_pause=max(DEFAULT_MAX_PAUSE, period),
        )

    # -- internals --------------------------------------------------------------------------

    def _capacity(self) -> float:
        if self._burst is not None:
            return self._burst
        if math.isinf(self._rate):
            return 1.0
        return max(1.0, self._rate / 10)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._refilled_at)
        self._refilled_at = max(self._refilled_at, now)  # a pause's end: nothing before it
        if math.isinf(self._rate):
            return
        self._tokens = min(self._capacity(), self._tokens + elapsed * self._rate)

    def _measure(self, now: float) -> None:
        self._first_request = min(self._first_request, now)
        if self._window_start < self._paused_until <= now:
            # Measured afresh from the pause's end: a second of nothing sent is not a demand
            # of zero, and the next cut would start from it.
            self._window_start = self._paused_until
            self._window_count = self._previous_count = 0
        self._window_count += 1
        elapsed = now - self._window_start
        if elapsed < _MEASURE_WINDOW:
            return
        current = self._window_count / elapsed
        previous = self._measured
        self._measured = current if previous is None else 0.5 * previous + 0.5 * current
        self._previous_count, self._previous_start = self._window_count, self._window_start
        self._window_start = now
        self._window_count = 0

    def _accepted_rate(
        self, now: float, *, whole_window: bool, window: float = _ACCEPT_WINDOW
    ) -> float | None:
        """Replies accepted per second over the last second, or since the first request or
        the end of the last pause when that is less (but at least a tenth of a second); None
        when none were, or too few to tell within such a first second (a server that refuses
        at once while its accepted replies are still on their way would otherwise read as
        accepting one a second).

        ``whole_window`` counts over the whole second in any case: when the server's window
        is used up, it may have accepted a window's worth in a fraction of a second, which
        says nothing about the rate it keeps up. A high estimate only lets the cut follow
        ``beta``. ``window`` shortens the last second to its latest part."""
        paused_until = self._paused_until
        since = max(self._first_request, paused_until if paused_until <= now else -math.inf)
        accepted = self._accepted
        while accepted and accepted[0] < max(now - _ACCEPT_WINDOW, since):
            accepted.popleft()
        young = now - since < _ACCEPT_WINDOW
        if not accepted or (young and len(accepted) < _ACCEPT_SAMPLES):
            return None
        count = len(accepted)
        if window < _ACCEPT_WINDOW:
            count = sum(1 for at in accepted if at >= now - window)
        span = window
        if not whole_window:
            # Within a second of the start or a pause, count from the first reply since then:
            # the replies to what left at the start come a round trip later.
            start = max(since, accepted[0]) if young else since
            span = min(span, max(now - start, window / 10))
        return count / span if count else None

    def _scattered(self, now: float) -> bool:
        """Whether the refusals of the last second are too few to say the rate is too high."""
        refused, accepted = self._refused, self._accepted
        for times in (refused, accepted):
            while times and times[0] < now - _ACCEPT_WINDOW:
                times.popleft()
        count = len(refused)
        replies = count + len(accepted)
        # Count the requests sent over the last second too, whose replies are still to come
        # or are never reported (a caller may report only its 429s): a 429 answered at once
        # comes back before the successes sent with it, and while the opening sends few at a
        # time, five such among a second's first replies are no used-up window.
        replies = max(replies, self._sent_recently(now))
        return count < _CUT_REFUSALS or count <= _CUT_SHARE * replies

    def _sent_recently(self, now: float) -> int:
        """About how many requests were sent over the last second: those of the current
        measuring window and of the one before it, each while it began within the second (a
        window's requests leave within half a second of its start, but for the last)."""
        since = now - _ACCEPT_WINDOW
        current = self._window_count if self._window_start > since else 0
        previous = self._previous_count if self._previous_start > since else 0
        return current + previous

    def _recent_rate(self, now: float) -> float:
        """Requests per second in the current (unfinished) measuring window."""
        elapsed = max(now - self._window_start, _MEASURE_WINDOW / 10)
        return max(self._window_count / elapsed, self.min_rate)
