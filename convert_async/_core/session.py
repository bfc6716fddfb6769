"""The one path every request takes: build the URL, encode once, sign, send, retry, classify.

This module is the only place that knows about aiohttp; :mod:`.retry` decides every repeat.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from ._constants import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    USER_AGENT,
)
from .auth import Auth, RawRequest, RefreshingAuth, ResponseObserver
from .checks import as_text, check_base_url, check_header, check_text, check_url
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientStateError,
    ConfigurationError,
    RateLimitError,
    RedirectError,
    RequestValidationError,
    ResponseTooLargeError,
    status_error_class,
)
from .files import write_atomically
from .ratelimit import AdaptiveRateLimiter
from .redaction import REDACTED, credential_pieces, redact_headers, redact_url
from .replies import RawReply, capturing, record
from .retry import RetryPolicy, parse_retry_after
from .tracing import request_span, tracing_enabled

__all__ = [
    "FILE_STATUSES",
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

QueryValue = str | int | float | bool | Sequence[str | int | float] | None

#: The statuses whose body is the file a download asked for (``stream_to``): not 204 or 205
#: (no content by definition), nor 202 (accepted, the file still to come) or 206 (a part).
FILE_STATUSES = frozenset({200, 203})


def _check_seconds(name: str, value: object) -> None:
    """A timeout is None (no limit) or a positive finite number of seconds: checked when it
    is set, not when the first request meets aiohttp (an infinite one overflowed deep inside
    the event loop, NaN timed out at once, zero or less meant no limit)."""
    if value is None:
        return
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (math.isfinite(value) and value > 0)
    ):
        raise ConfigurationError(
            f"timeout {name} must be a positive number of seconds, or None for no limit, "
            f"not {value!r}"
        )


@dataclass(frozen=True, slots=True)
class Timeout:
    """Per-attempt timeouts in seconds: ``connect`` to open a connection, ``read`` between two
    reads of the body, ``total`` for the whole attempt. None disables that limit."""

    total: float | None = DEFAULT_TOTAL_TIMEOUT
    connect: float | None = DEFAULT_CONNECT_TIMEOUT
    read: float | None = DEFAULT_READ_TIMEOUT

    def __post_init__(self) -> None:
        for name in ("total", "connect", "read"):
            _check_seconds(name, getattr(self, name))

    @classmethod
    def of(cls, value: float | Timeout | None) -> Timeout:
        """Accept a plain number (total seconds) wherever a Timeout is expected."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            return cls()
        _check_seconds("total", value)
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
        check_text(name, name)
        if isinstance(value, str | int | float | bool):
            key, items = name, [value]
        elif isinstance(value, Sequence):
            key, items = name + list_suffix, list(value)
        else:
            raise RequestValidationError(name, f"cannot be sent in a query: {type(value).__name__}")
        for item in items:
            if not isinstance(item, str | int | float | bool):
                problem = f"cannot be sent in a query: a list item is a {type(item).__name__}"
                raise RequestValidationError(name, problem)
            # A typed error naming the argument, not quote()'s or str()'s.
            pairs.append((key, as_text(name, item)))
    return "&".join(f"{quote(name, safe='[]')}={quote(value, safe='')}" for name, value in pairs)


@dataclass(frozen=True, slots=True)
class _Failure:
    """An attempt that ended without a response; ``sent`` says whether it may have arrived."""

    error: APIConnectionError
    sent: bool
    retryable: bool


class _Progress:
    """How far one attempt got, as aiohttp's tracing reports it."""

    __slots__ = ("sent",)

    def __init__(self) -> None:
        self.sent = False


async def _on_headers_sent(
    session: aiohttp.ClientSession,
    context: Any,
    params: aiohttp.TraceRequestHeadersSentParams,
) -> None:
    # From here on the server may have the request: only a repeatable one is sent again.
    # Before it (waiting for a pooled connection, connecting, TLS) nothing has left.
    progress = context.trace_request_ctx
    if isinstance(progress, _Progress):
        progress.sent = True


def _tracing() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()
    trace.on_request_headers_sent.append(_on_headers_sent)
    return trace


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
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if max_response_bytes < 1:
            raise ConfigurationError("max_response_bytes must be at least 1")
        #: Largest reply body read into memory; a longer one raises ResponseTooLargeError.
        self.max_response_bytes = max_response_bytes
        if max_connections < 1:
            raise ConfigurationError("max_connections must be at least 1")
        self.base_url = check_base_url("base_url", base_url).rstrip("/")
        #: Other base URLs by name, for operations served from another host (``Operation.base``).
        self.base_urls = {
            name: check_base_url(f"base URL {name!r}", url).rstrip("/")
            for name, url in (base_urls or {}).items()
        }
        self.error_parser = error_parser
        #: One OpenTelemetry client span per attempt (``CONVERT_ASYNC_OTEL=1``, ``otel`` extra).
        self.tracing = tracing_enabled()
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
            trace_configs=[_tracing()],
        )
        # aiohttp re-sends GET/HEAD/OPTIONS/TRACE/PUT/DELETE once by itself when a kept-alive
        # connection drops after the request went out (RFC 9112 9.3.1 allows it for
        # idempotent methods). A PUT or DELETE may then reach the server twice, unseen by the
        # retry policy, which is the only one to decide what is repeated. There is no public
        # switch; this attribute is the one its own tests use (tests/test_resends.py fails
        # if a release ignores it).
        self._session._retry_connection = False

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
        secrets: Sequence[str] = (),
    ) -> Response:
        """Send one request, retrying per ``retry``; return a 2xx/3xx response or raise.

        ``retry_safe`` says whether the request may be repeated once it may have reached the
        server; a request that never left (connection refused) is always safe to repeat.
        With ``stream_to``, a successful body is written to that file as it arrives (and the
        returned ``body`` is empty); a retry rewrites the file from the start.
        ``authenticate=False`` sends the request without the auth strategy's headers.
        ``secrets`` (a token request's client secret) are scrubbed from an error reply like
        the credentials of the auth headers and of ``headers`` (a ``report_token``).
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
        # Refused here, as a typed error, rather than by aiohttp or the encoder mid-attempt.
        check_url(url)
        for name, value in (headers or {}).items():
            check_header(name, value)
        auth = self.auth if authenticate else None
        refreshing = self._refreshing if authenticate else None
        raw_request = self._raw_requester(timeout, retry) if refreshing is not None else None
        limiter = self.rate_limiters.get(rate_group) if rate_group is not None else None
        if limiter is None:
            limiter = rate_limiter  # the client's own, for requests of no rate group
        reauthenticated = False
        attempts = retry.attempts()
        attempt = 0
        while True:
            attempt += 1
            if refreshing is not None and raw_request is not None:
                await refreshing.prepare(raw_request)
            # The limiter's slot is held until the reply is reported, not while a retry waits.
            slot = limiter.slot() if limiter is not None else contextlib.nullcontext(0.0)
            async with slot as sent_at:
                # Signed once the limiter lets the request go, per attempt: a signature with a
                # short life (HMAC ``Expires``) must not age in the limiter's queue, and a
                # retry gets a fresh one over the same URL and bytes.
                auth_headers = auth.headers(method, url, body or b"") if auth is not None else {}
                for name, value in auth_headers.items():
                    check_header(name, value)  # a token a server handed out may hold anything
                sent_headers = {**(headers or {}), **auth_headers}  # what a reply may echo
                if session.closed:  # closed while this request waited (a retry, the limiter)
                    raise ClientStateError(
                        f"the client was closed before {method} {redact_url(url)} could be "
                        f"sent (attempt {attempt})"
                    )
                with request_span(method, redact_url(url), self.tracing) as span:
                    outcome = await self._attempt(
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
                    span.report(outcome.status if isinstance(outcome, Response) else outcome.error)
                if limiter is not None and isinstance(outcome, Response):
                    _report_quota(limiter, outcome, sent_at, retry)
            if isinstance(outcome, _Failure):
                # Scrubbed of every credential piece: a server that echoes the Authorization
                # header into a malformed status line puts it into aiohttp's messages.
                _scrub_chain(outcome.error, credential_pieces(sent_headers, secrets))
                delay = attempts.after_failure(
                    sent=outcome.sent, repeatable=retry_safe, retryable=outcome.retryable
                )
                if delay is None:
                    raise outcome.error
                logger.info(
                    "retrying %s %s in %.2fs: %s", method, redact_url(url), delay, outcome.error
                )
                await retry.sleep(delay)
                continue
            response = outcome
            if response.status < 300:
                _capture(method, url, response)
                return response
            pieces = credential_pieces(sent_headers, secrets)
            if pieces:  # a server may echo what it was sent: never into an error
                response = _without(pieces, response)
            if response.status < 400:
                # Redirects are not followed (no credential goes where the API did not send
                # it): a 3xx is an error, never its empty body reported as the result.
                _capture(method, url, response)
                raise _redirect_error(response, method, url)
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
            delay = attempts.after_status(error, repeatable=retry_safe)
            if delay is None:
                _capture(method, url, response)
                raise error
            logger.info(
                "retrying %s %s in %.2fs after HTTP %d",
                method,
                redact_url(url),
                delay,
                response.status,
            )
            if response.status == 429:
                await retry.wait_throttled(delay, limiter)
            else:
                await retry.sleep(delay)

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
    ) -> Response | _Failure:
        headers = dict(extra_headers or {})
        if content_type is not None:
            headers["Content-Type"] = content_type
        headers.update(auth_headers)
        started = time.perf_counter()
        safe_url = redact_url(url)
        progress = _Progress()
        try:
            async with session.request(
                method,
                URL(url, encoded=True),
                data=body,
                headers=headers,
                timeout=timeout._aiohttp(),
                allow_redirects=False,
                trace_request_ctx=progress,
            ) as resp:
                if self._observer is not None:
                    self._observer.observe(resp.headers.getall("Set-Cookie", ()))
                if stream_to is not None and resp.status in FILE_STATUSES:
                    await _stream(resp, stream_to)
                    payload = b""
                else:
                    payload = await _read_bounded(resp, method, safe_url, self.max_response_bytes)
                response = Response(resp.status, resp.headers, payload)
        except aiohttp.InvalidURL as exc:
            error = APIConnectionError(method, safe_url, "Invalid URL")
            return _failed(error, exc, sent=False, retryable=False)
        except aiohttp.ClientSSLError as exc:
            error = APIConnectionError(method, safe_url, _tls_failure(exc))
            return _failed(error, exc, sent=False, retryable=False)
        except TimeoutError as exc:  # aiohttp's ConnectionTimeoutError included
            return _failed(APITimeoutError(method, safe_url), exc, sent=progress.sent)
        except aiohttp.ClientConnectorError as exc:
            error = APIConnectionError(method, safe_url, f"Cannot connect: {exc.strerror or exc}")
            return _failed(error, exc, sent=progress.sent)
        except aiohttp.ClientResponseError as exc:
            reason = f"Invalid reply: {type(exc).__name__}: {exc.message}"
            return _failed(APIConnectionError(method, safe_url, reason), exc, sent=True)
        except aiohttp.ClientError as exc:
            reason = f"Connection error: {type(exc).__name__}: {exc}"
            error = APIConnectionError(method, safe_url, reason)
            return _failed(error, exc, sent=progress.sent)
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
                secrets=_strings_of(json_body),
            )

        return raw_request


def _strings_of(json_body: bytes | None) -> tuple[str, ...]:
    """The strings a raw (token) request sends, a client secret among them."""
    try:
        sent = json.loads(json_body) if json_body else None
    except ValueError:
        return ()
    return tuple(v for v in sent.values() if isinstance(v, str)) if isinstance(sent, dict) else ()


def _without(pieces: Sequence[str], response: Response) -> Response:
    """``response`` with every credential piece replaced, in the body and header values."""
    body = response.body
    for piece in pieces:
        body = body.replace(piece.encode(), REDACTED.encode())

    def scrub(text: str) -> str:
        for piece in pieces:
            text = text.replace(piece, REDACTED)
        return text

    headers = CIMultiDict((name, scrub(value)) for name, value in response.headers.items())
    return Response(response.status, CIMultiDictProxy(headers), body)


def _failed(
    error: APIConnectionError, cause: BaseException, *, sent: bool, retryable: bool = True
) -> _Failure:
    """``error`` caused by ``cause`` (as ``raise error from cause`` would chain it); the
    sender scrubs the chain (:func:`_scrub_chain`) before anyone sees it."""
    error.__cause__ = cause
    return _Failure(error, sent=sent, retryable=retryable)


def _scrub_chain(exc: BaseException, pieces: Sequence[str]) -> None:
    """Remove what aiohttp keeps of the request from ``exc`` and its chain: a
    ``ClientResponseError`` holds the request's headers (``Authorization``, signatures) in
    ``request_info`` and its ``args``, and earlier responses in ``history``; and replace each
    credential piece in every message of the chain (a reply's raw status line is quoted in
    aiohttp's parser errors)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    pending: list[BaseException] = []
    while current is not None or pending:
        if current is None:
            current = pending.pop()
        if id(current) not in seen:
            seen.add(id(current))
            if isinstance(current, aiohttp.ClientResponseError):
                info = _redacted_info(current.request_info)
                current.request_info = info
                current.history = ()
                current.args = (info, ())
            elif isinstance(current, aiohttp.InvalidURL):
                current.args = (redact_url(str(current.url)), *current.args[1:])
            if pieces:
                current.args = tuple(_scrub_text(arg, pieces) for arg in current.args)
                message = getattr(current, "message", None)
                if isinstance(message, str):
                    with contextlib.suppress(AttributeError):  # a read-only property
                        current.message = _scrub_text(message, pieces)  # type: ignore[attr-defined]
            for linked in (current.__cause__, current.__context__):
                if linked is not None:
                    pending.append(linked)
        current = None


def _scrub_text(value: object, pieces: Sequence[str]) -> object:
    """``value`` with each of ``pieces`` replaced, when it is text."""
    if isinstance(value, str):
        for piece in pieces:
            value = value.replace(piece, REDACTED)
    return value


def _redacted_info(info: aiohttp.RequestInfo) -> aiohttp.RequestInfo:
    headers = CIMultiDictProxy(CIMultiDict(redact_headers(info.headers)))
    return aiohttp.RequestInfo(
        URL(redact_url(str(info.url)), encoded=True),
        info.method,
        headers,
        URL(redact_url(str(info.real_url)), encoded=True),
    )


def _tls_failure(exc: aiohttp.ClientSSLError) -> str:
    """What failed in a TLS handshake, and with which host."""
    where = f"{exc.host}:{exc.port}" if isinstance(exc, aiohttp.ClientConnectorError) else "?"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        cert = exc.certificate_error
        reason = getattr(cert, "verify_message", None) or getattr(cert, "reason", None) or cert
        return f"TLS error with {where}: certificate not accepted: {reason}"
    cause = exc.os_error if isinstance(exc, aiohttp.ClientConnectorError) else exc
    reason = getattr(cause, "reason", None) or getattr(cause, "strerror", None) or cause
    return f"TLS error with {where}: {reason}"


def _report_quota(
    limiter: AdaptiveRateLimiter, response: Response, sent_at: float, retry: RetryPolicy
) -> None:
    """Tell ``limiter`` how the server counted this request against its quota; the policy caps
    how long it may be paused (a wait over the cap fails only this request)."""
    if response.status == 429:
        wait = parse_retry_after(response.headers.get("Retry-After"))
        if retry.over_cap(wait):
            # A quota gone for longer than anything waits: that request fails, and neither
            # the rate nor a pause of the others follows from it (other work may be fine).
            return
        limiter.on_throttled(retry.limiter_pause(wait), sent_at=sent_at)
        return
    limiter.on_success(sent_at=sent_at)
    if response.headers.get("X-RateLimit-Remaining", "").strip() == "0":
        reset = _reset_delay(response.headers.get("X-RateLimit-Reset", ""))
        if reset is not None:
            limiter.pause(retry.quota_pause(reset))


def _reset_delay(value: str) -> float | None:
    """Seconds until an ``X-RateLimit-Reset`` value: a Unix time, or a number of seconds."""
    try:
        number = float(value)
    except ValueError:
        return None
    if number > _UNIX_TIME_FLOOR:
        number -= time.time()
    return max(number, 0.0)


async def _read_bounded(
    resp: aiohttp.ClientResponse, method: str, safe_url: str, limit: int
) -> bytes:
    """The whole body, refused up front by its Content-Length or as soon as it passes
    ``limit`` while counting (so an oversized reply is never buffered whole)."""
    announced = resp.content_length
    if announced is not None and announced > limit:
        raise ResponseTooLargeError(method, safe_url, limit=limit, size=announced)
    chunks: list[bytes] = []
    received = 0
    async for chunk in resp.content.iter_chunked(_CHUNK):
        received += len(chunk)
        if received > limit:
            raise ResponseTooLargeError(method, safe_url, limit=limit, size=None)
        chunks.append(chunk)
    return b"".join(chunks)


def _capture(method: str, url: str, response: Response) -> None:
    if capturing():
        headers = redact_headers(response.headers)
        record(RawReply(method, redact_url(url), response.status, headers, response.body))


async def _stream(resp: aiohttp.ClientResponse, path: Path) -> None:
    await write_atomically(path, resp.content.iter_chunked(_CHUNK))


def _redirect_error(response: Response, method: str, url: str) -> RedirectError:
    error = RedirectError(
        status=response.status,
        method=method,
        url=redact_url(url),
        message="the server answered with a redirect, which is not followed",
        headers=redact_headers(response.headers),
    )
    location = response.headers.get("Location")
    error.location = redact_url(location) if location is not None else None
    return error


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
