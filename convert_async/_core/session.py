"""The one path every request takes: build the URL, encode once, sign, send, retry, classify.

This module and :mod:`.retry` are the only places that know about aiohttp and backoff.
"""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
import anyio
from multidict import CIMultiDictProxy
from yarl import URL

from ._constants import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    USER_AGENT,
)
from .auth import Auth, RawRequest, RefreshingAuth, ResponseObserver
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientStateError,
    RateLimitError,
    status_error_class,
)
from .ratelimit import AdaptiveRateLimiter
from .redaction import redact_headers, redact_url
from .retry import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

__all__ = [
    "ErrorDetails",
    "ErrorParser",
    "HttpSession",
    "QueryValue",
    "Response",
    "Timeout",
    "build_query",
    "no_error_details",
]

logger = logging.getLogger("convert_async")

_CHUNK = 64 * 1024
# An X-RateLimit-Reset above this is a Unix time (2001-09-09), below it a number of seconds.
_UNIX_TIME_FLOOR = 1_000_000_000
# Never hold a quota longer than this on the server's word (seconds).
_MAX_QUOTA_PAUSE = 300.0

QueryValue = str | int | float | bool | Sequence[str | int | float] | None


@dataclass(frozen=True, slots=True)
class Timeout:
    """Per-attempt timeouts in seconds: ``connect`` to open a connection, ``read`` between two
    reads of the body, ``total`` for the whole attempt. None disables that limit."""

    total: float | None = DEFAULT_TOTAL_TIMEOUT
    connect: float | None = DEFAULT_CONNECT_TIMEOUT
    read: float | None = DEFAULT_READ_TIMEOUT

    @classmethod
    def of(cls, value: float | Timeout | None) -> Timeout:
        """Accept a plain number (total seconds) wherever a Timeout is expected."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls()
        return cls(total=value, connect=min(value, DEFAULT_CONNECT_TIMEOUT), read=value)

    def _aiohttp(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self.total, connect=self.connect, sock_read=self.read)


@dataclass(frozen=True, slots=True)
class Response:
    """A complete HTTP response: the body is fully read before the connection is released."""

    status: int
    headers: CIMultiDictProxy[str]
    body: bytes


@dataclass(frozen=True, slots=True)
class ErrorDetails:
    """What an API's error body says, in the fields :class:`APIStatusError` carries."""

    code: int | None = None
    message: str | None = None
    parameters: list[str] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)


ErrorParser = Callable[[bytes], ErrorDetails]
"""Reads an error response body (any bytes, maybe not JSON) into :class:`ErrorDetails`."""


def no_error_details(body: bytes) -> ErrorDetails:
    """The default error parser: an API whose error body the session cannot read."""
    return ErrorDetails()


def build_query(params: Mapping[str, QueryValue] | None, *, list_suffix: str = "[]") -> str:
    """Encode query parameters; lists repeat as ``name[]=a&name[]=b``; None is left out.

    >>> build_query({"include": ["a", "b"], "page": 2, "q": "x y", "skip": None})
    'include[]=a&include[]=b&page=2&q=x%20y'
    """
    if not params:
        return ""
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, str | int | float | bool):
            pairs.append((name, _scalar(value)))
        else:
            pairs.extend((name + list_suffix, _scalar(item)) for item in value)
    return "&".join(f"{quote(name, safe='[]')}={quote(value, safe='')}" for name, value in pairs)


def _scalar(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _AttemptFailed(Exception):
    """An attempt ended without a response; ``reached_server`` says whether it may have arrived."""

    def __init__(self, error: APIConnectionError, *, reached_server: bool, retryable: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.reached_server = reached_server
        self.retryable = retryable


class HttpSession:
    """One aiohttp ``ClientSession`` with a bounded connection pool, shared by a client and all
    of its ``with_options`` copies. Opened and closed by the client that owns it."""

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth | None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        user_agent: str = USER_AGENT,
        verify_ssl: bool | ssl.SSLContext = True,
        default_headers: Mapping[str, str] | None = None,
        error_parser: ErrorParser = no_error_details,
        base_urls: Mapping[str, str] | None = None,
        rate_limiters: Mapping[str, AdaptiveRateLimiter] | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self.base_url = base_url.rstrip("/")
        #: Other base URLs by name, for operations served from another host (``Operation.base``).
        self.base_urls = {name: url.rstrip("/") for name, url in (base_urls or {}).items()}
        self.error_parser = error_parser
        #: One limiter per server-side quota (``Operation.rate_group``), shared by every copy.
        self.rate_limiters: Mapping[str, AdaptiveRateLimiter] = dict(rate_limiters or {})
        self.auth = auth
        self.max_connections = max_connections
        self._ssl: bool | ssl.SSLContext = verify_ssl
        self._headers = {"User-Agent": user_agent, "Accept": "application/json"}
        self._headers.update(default_headers or {})
        self._session: aiohttp.ClientSession | None = None

    @property
    def auth(self) -> Auth | None:
        """The auth strategy applied to every request."""
        return self._auth

    @auth.setter
    def auth(self, auth: Auth | None) -> None:
        # Protocol isinstance checks are slow; look the optional hooks up once, not per request.
        self._auth = auth
        self._refreshing = auth if isinstance(auth, RefreshingAuth) else None
        self._observer = auth if isinstance(auth, ResponseObserver) else None

    @property
    def is_open(self) -> bool:
        """True between :meth:`open` and :meth:`close`."""
        return self._session is not None and not self._session.closed

    async def open(self) -> None:
        """Create the connection pool; idempotent."""
        if self.is_open:
            return
        connector = aiohttp.TCPConnector(limit=self.max_connections, ssl=self._ssl)
        # URLs are encoded by us and signed as-is; aiohttp must not re-quote them. No cookie
        # jar: no ambient state rides along between requests; an auth strategy that needs a
        # session cookie keeps it itself (ResponseObserver).
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._headers,
            requote_redirect_url=False,
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def close(self) -> None:
        """Close the pool and every connection in it; idempotent."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def url_for(self, path: str, query: str = "", *, base: str | None = None) -> str:
        """The absolute URL for ``path`` (relative to the base URL, or to the other base URL
        named ``base``, or already absolute)."""
        if path.startswith(("http://", "https://")):
            url = path
        elif base is None:
            url = self.base_url + path
        else:
            try:
                url = self.base_urls[base] + path
            except KeyError:
                raise ValueError(f"no base URL named {base!r} is configured") from None
        return f"{url}?{query}" if query else url

    async def send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: Mapping[str, str] | None = None,
        retry_safe: bool,
        timeout: Timeout,
        retry: RetryPolicy,
        stream_to: Path | None = None,
        authenticate: bool = True,
        rate_group: str | None = None,
        rate_limiter: AdaptiveRateLimiter | None = None,
    ) -> Response:
        """Send one request, retrying per ``retry``; return a 2xx/3xx response or raise.

        ``retry_safe`` says whether the request may be repeated once it may have reached the
        server; a request that never left (connection refused) is always safe to repeat.
        With ``stream_to``, a successful body is written to that file as it arrives (and the
        returned ``body`` is empty); a retry rewrites the file from the start.
        ``authenticate=False`` sends the request without the auth strategy's headers.
        With a limiter for ``rate_group``, every attempt first takes a token from it; a 429
        slows it down and an exhausted quota (``X-RateLimit-Remaining: 0``) pauses it until
        ``X-RateLimit-Reset``.

        A :class:`~.auth.RefreshingAuth` strategy is prepared before every attempt, and after a
        401 it may renew its credentials for one more attempt (not counted as a retry).
        """
        session = self._session
        if session is None or session.closed:
            raise ClientStateError(
                "the client is not open: use it inside 'async with' (or await client.open())"
            )
        auth = self.auth if authenticate else None
        refreshing = self._refreshing if authenticate else None
        raw_request = self._raw_requester(timeout, retry) if refreshing is not None else None
        limiter = self.rate_limiters.get(rate_group) if rate_group is not None else None
        if limiter is None:
            limiter = rate_limiter  # the client's own, for requests of no rate group
        reauthenticated = False
        delays = retry.delays()
        attempt = 0
        while True:
            attempt += 1
            auth_headers: dict[str, str] = {}
            if auth is not None:
                if refreshing is not None and raw_request is not None:
                    await refreshing.prepare(raw_request)
                # Signed per attempt: a retry gets a fresh Expires over the same URL and bytes.
                auth_headers = auth.headers(method, url, body or b"")
            sent_at = await limiter.acquire() if limiter is not None else 0.0
            try:
                response = await self._attempt(
                    session,
                    method,
                    url,
                    body,
                    content_type,
                    headers,
                    auth_headers,
                    timeout,
                    attempt,
                    stream_to,
                )
            except _AttemptFailed as failure:
                may_retry = failure.retryable and (retry_safe or not failure.reached_server)
                delay = next(delays, None) if may_retry else None
                if delay is None:
                    raise failure.error from failure.__cause__
                logger.info("retrying %s %s in %.2fs: %s", method, redact_url(url), delay, failure)
                await retry.sleep(delay)
                continue
            if limiter is not None:
                _report_quota(limiter, response, sent_at)
            if response.status < 400:
                return response
            if (
                response.status == 401
                and refreshing is not None
                and raw_request is not None
                and not reauthenticated
            ):
                reauthenticated = True
                if await refreshing.on_unauthorized(raw_request, auth_headers):
                    logger.info("renewed credentials after 401 on %s %s", method, redact_url(url))
                    continue
            error = _status_error(response, method, url, self.error_parser)
            if retry_safe and response.status in RETRYABLE_STATUSES:
                backoff_delay = next(delays, None)
                retry_after = error.retry_after if isinstance(error, RateLimitError) else None
                if retry_after is None:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                delay = (
                    retry.delay_for(backoff_delay, retry_after)
                    if backoff_delay is not None
                    else None
                )
                if delay is not None:
                    logger.info(
                        "retrying %s %s in %.2fs after HTTP %d",
                        method,
                        redact_url(url),
                        delay,
                        response.status,
                    )
                    await retry.sleep(delay)
                    continue
            raise error

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        method: str,
        url: str,
        body: bytes | None,
        content_type: str | None,
        extra_headers: Mapping[str, str] | None,
        auth_headers: Mapping[str, str],
        timeout: Timeout,
        attempt: int,
        stream_to: Path | None,
    ) -> Response:
        headers = dict(extra_headers or {})
        if content_type is not None:
            headers["Content-Type"] = content_type
        headers.update(auth_headers)
        started = time.perf_counter()
        safe_url = redact_url(url)
        try:
            async with session.request(
                method,
                URL(url, encoded=True),
                data=body,
                headers=headers,
                timeout=timeout._aiohttp(),
                allow_redirects=False,
            ) as resp:
                if self._observer is not None:
                    self._observer.observe(resp.headers.getall("Set-Cookie", ()))
                if stream_to is not None and resp.status < 400:
                    await _stream(resp, stream_to)
                    payload = b""
                else:
                    payload = await resp.read()
                response = Response(resp.status, resp.headers, payload)
        except aiohttp.InvalidURL:
            error = APIConnectionError(method, safe_url, "Invalid URL")
            raise _AttemptFailed(error, reached_server=False, retryable=False) from None
        except aiohttp.ClientSSLError as exc:
            error = APIConnectionError(method, safe_url, f"TLS error: {type(exc).__name__}")
            raise _AttemptFailed(error, reached_server=False, retryable=False) from None
        except aiohttp.ConnectionTimeoutError:
            error = APITimeoutError(method, safe_url)
            raise _AttemptFailed(error, reached_server=False, retryable=True) from None
        except TimeoutError:
            error = APITimeoutError(method, safe_url)
            raise _AttemptFailed(error, reached_server=True, retryable=True) from None
        except aiohttp.ClientConnectorError as exc:
            error = APIConnectionError(method, safe_url, f"Cannot connect: {exc.strerror or exc}")
            raise _AttemptFailed(error, reached_server=False, retryable=True) from None
        except aiohttp.ClientError as exc:
            error = APIConnectionError(method, safe_url, f"Connection error: {type(exc).__name__}")
            raise _AttemptFailed(error, reached_server=True, retryable=True) from None
        logger.debug(
            "%s %s -> %d in %.1f ms (attempt %d)",
            method,
            safe_url,
            response.status,
            (time.perf_counter() - started) * 1000,
            attempt,
        )
        return response

    def _raw_requester(self, timeout: Timeout, retry: RetryPolicy) -> RawRequest:
        async def raw_request(
            method: str, path: str, json_body: bytes | None, *, rate_group: str | None = None
        ) -> Response:
            return await self.send(
                method,
                self.url_for(path),
                body=json_body,
                content_type="application/json" if json_body is not None else None,
                retry_safe=True,
                timeout=timeout,
                retry=retry,
                authenticate=False,
                rate_group=rate_group,
            )

        return raw_request


def _report_quota(limiter: AdaptiveRateLimiter, response: Response, sent_at: float) -> None:
    """Tell ``limiter`` how the server counted this request against its quota."""
    if response.status == 429:
        limiter.on_throttled(
            parse_retry_after(response.headers.get("Retry-After")), sent_at=sent_at
        )
        return
    limiter.on_success()
    if response.headers.get("X-RateLimit-Remaining", "").strip() == "0":
        reset = _reset_delay(response.headers.get("X-RateLimit-Reset", ""))
        if reset is not None:
            limiter.pause(reset)


def _reset_delay(value: str) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` value: a Unix time, or a number of seconds."""
    try:
        number = float(value)
    except ValueError:
        return None
    if number > _UNIX_TIME_FLOOR:
        number -= time.time()
    return min(max(number, 0.0), _MAX_QUOTA_PAUSE)


async def _stream(resp: aiohttp.ClientResponse, path: Path) -> None:
    async with await anyio.open_file(path, "wb") as file:
        async for chunk in resp.content.iter_chunked(_CHUNK):
            await file.write(chunk)


def _status_error(
    response: Response, method: str, url: str, parser: ErrorParser = no_error_details
) -> APIStatusError:
    try:
        parsed = parser(response.body)
    except Exception:  # a parser must never hide the status error itself
        logger.exception("the error body parser failed on %s %s", method, redact_url(url))
        parsed = ErrorDetails()
    cls = status_error_class(response.status)
    error = cls(
        status=response.status,
        method=method,
        url=redact_url(url),
        code=parsed.code,
        message=parsed.message,
        parameters=parsed.parameters,
        errors=parsed.errors,
        headers=redact_headers(response.headers),
        body=response.body[:2048],
    )
    if isinstance(error, RateLimitError):
        error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
    return error
