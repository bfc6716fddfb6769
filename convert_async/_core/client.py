"""The provider-agnostic client: lifecycle, per-client options, and the typed call path.

API clients (Convert v2, v1, Pirsch, giosg) subclass :class:`BaseClient` and hang their
resources off it; resources call :meth:`BaseClient._call` / :meth:`BaseClient._paginate`
with an :class:`~.operation.Operation` and never see aiohttp.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, overload
from urllib.parse import urlsplit

import anyio
import msgspec
from msgspec import UNSET

from ._constants import DEFAULT_MAX_PAGES
from .checks import check_header, check_method, check_text, check_url
from .codec import CursorEnvelope, Pagination, RequestModel, decode_json, encode_json
from .codec import validate_request as _validate
from .errors import (
    APIResponseValidationError,
    ConfigurationError,
    RequestValidationError,
)
from .files import one_chunk, write_atomically
from .multipart import encode_multipart
from .operation import Operation
from .pagination import AsyncPager, Page, PageLoader
from .ratelimit import AdaptiveRateLimiter
from .redaction import redact_url
from .retry import RetryPolicy
from .session import FILE_STATUSES, HttpSession, QueryValue, Response, Timeout, build_query

__all__ = ["BaseClient", "ClientOptions", "Envelopes", "KeyedBody", "PagedBody", "RequestBody"]

T = TypeVar("T")

_JSON = "application/json"

RequestBody = RequestModel | Sequence[RequestModel]
"""A request body: one model, or a JSON array of models (batch endpoints)."""


class Envelopes(Protocol):
    """How an API wraps its replies: the payload of an operation flagged ``data``, and one page
    (with where it sits in the list) of a list whose ``page_shape`` is ``"envelope"``."""

    def payload(self, body: bytes, type_: Any, *, operation: str) -> Any:
        """The payload inside ``body``, decoded into ``type_``."""
        ...

    def page(self, body: bytes, item_type: Any, *, operation: str) -> tuple[list[Any], Pagination]:
        """The items of one page and its pagination block."""
        ...

    def count(self, body: bytes, *, operation: str) -> int:
        """The total a count-only request answered."""
        ...


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Settings a ``with_options`` copy may change without touching the shared pool."""

    timeout: Timeout
    retry: RetryPolicy
    retry_writes: bool = False
    page_concurrency: int = 1
    max_pages: int = DEFAULT_MAX_PAGES
    #: Paces every request without a rate group of its own; a 429 slows it down.
    rate_limiter: AdaptiveRateLimiter | None = None

    def __post_init__(self) -> None:
        if self.retry.max_retries < 0:
            raise ConfigurationError("max_retries cannot be negative")
        if self.retry.max_throttles is not None and self.retry.max_throttles < 0:
            raise ConfigurationError("the retry policy's max_throttles cannot be negative")
        if self.page_concurrency < 1:
            raise ConfigurationError("page_concurrency must be at least 1")
        if self.max_pages < 1:
            raise ConfigurationError("max_pages must be at least 1")

    @classmethod
    def build(
        cls,
        *,
        timeout: float | Timeout | None,
        max_retries: int | None,
        retry: RetryPolicy | None,
        retry_writes: bool = False,
        page_concurrency: int = 1,
        max_pages: int = DEFAULT_MAX_PAGES,
        rate_limiter: AdaptiveRateLimiter | None = None,
    ) -> ClientOptions:
        """The options a client constructor's arguments describe (``max_retries`` overrides
        the policy's own)."""
        policy = retry or RetryPolicy()
        if max_retries is not None:
            policy = replace(policy, max_retries=max_retries)
        return cls(
            Timeout.of(timeout),
            policy,
            retry_writes,
            page_concurrency,
            max_pages=max_pages,
            rate_limiter=rate_limiter,
        )


class BaseClient:
    """Owns one :class:`HttpSession` (opened on ``__aenter__``, closed on exit) and the options
    used for every call made through it."""

    def __init__(
        self, http: HttpSession, options: ClientOptions, envelopes: Envelopes | None = None
    ) -> None:
        self._http = http
        self._options = options
        self._envelopes = envelopes
        self._owns_http = True

    async def open(self) -> Self:
        """Open the connection pool (``async with`` does this for you)."""
        await self._http.open()
        return self

    async def aclose(self) -> None:
        """Close the connection pool, if this client owns it."""
        if self._owns_http:
            await self._http.close()

    async def __aenter__(self) -> Self:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def with_options(
        self,
        *,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        retry: RetryPolicy | None = None,
        retry_writes: bool | None = None,
        page_concurrency: int | None = None,
        max_pages: int | None = None,
        rate_limiter: AdaptiveRateLimiter | None = None,
    ) -> Self:
        """A client that shares this one's connection pool but uses other options
        (``retry`` replaces the retry policy, ``max_retries`` then overrides its count;
        ``rate_limiter`` replaces the limiter its requests are paced by).

        ``max_pages`` caps how many pages a list that gives no page count is followed for
        (default 10,000).

        Example::

            fast = client.with_options(timeout=5, max_retries=0)
        """
        current = self._options
        options = ClientOptions.build(
            timeout=current.timeout if timeout is None else timeout,
            max_retries=max_retries,
            retry=current.retry if retry is None else retry,
            retry_writes=current.retry_writes if retry_writes is None else retry_writes,
            page_concurrency=current.page_concurrency
            if page_concurrency is None
            else page_concurrency,
            max_pages=current.max_pages if max_pages is None else max_pages,
            rate_limiter=current.rate_limiter if rate_limiter is None else rate_limiter,
        )
        clone = object.__new__(type(self))
        BaseClient.__init__(clone, self._http, options, self._envelopes)
        clone._owns_http = False
        return clone

    @property
    def rate_limiter(self) -> AdaptiveRateLimiter | None:
        """The limiter this client's requests (and its page fan-out) are paced by."""
        return self._options.rate_limiter

    @property
    def base_url(self) -> str:
        """The URL every operation path is relative to."""
        return self._http.base_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any endpoint, signed and retried like the typed methods; returns decoded JSON.

        Only the retry policy's safe methods (GET, HEAD, OPTIONS) are retried after they may
        have reached the server (unless the client was made with ``retry_writes=True``).

        Example::

            await client.request("POST", "/accounts/1/projects", json={"page": 2})
        """
        method = check_method(method)
        check_text("path", path)
        body = None if json is None else encode_json(json)
        response = await self._send(
            method,
            self._http.url_for(path, build_query(params)),
            body=body,
            content_type=_JSON if body is not None else None,
            headers=headers,
            retry_safe=self._options.retry.is_safe_method(method),
        )
        if not response.body:
            return None
        return decode_json(response.body, Any, operation=f"{method} {path}")

    async def _send(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None,
        content_type: str | None,
        headers: Mapping[str, str] | None,
        retry_safe: bool,
        stream_to: Path | None = None,
        authenticate: bool = True,
        rate_group: str | None = None,
    ) -> Response:
        options = self._options
        return await self._http.send(
            method,
            url,
            body=body,
            content_type=content_type,
            headers=headers,
            retry_safe=retry_safe or options.retry_writes,
            timeout=options.timeout,
            retry=options.retry,
            stream_to=stream_to,
            authenticate=authenticate,
            rate_group=rate_group,
            rate_limiter=options.rate_limiter,
        )

    async def _call_raw(
        self,
        op: Operation,
        arguments: Mapping[str, Any],
        body: RequestBody | None,
        *,
        stream_to: Path | None = None,
    ) -> Response:
        """Send ``op`` with its path, query and header arguments taken from ``arguments``.

        A sequence of models is sent as a JSON array, each item checked like a single body.
        """
        path = op.render_path(arguments)
        query = {
            name: _query_value(arguments[name], array=name in op.array_params)
            for name in op.query_params
            if arguments.get(name, UNSET) is not UNSET
        }
        headers = {
            name: str(arguments[name])
            for name in op.header_params
            if arguments.get(name, UNSET) is not UNSET
        }
        for name, value in headers.items():
            check_header(name, value)
        payload = content_type = None
        if body is not None and not isinstance(body, RequestModel):
            for index, item in enumerate(body):
                _validate_item(item, index, op.operation)
            payload, content_type = encode_json(list(body)), _JSON
        elif body is not None:
            _validate(body, operation=op.operation)
            if op.body_format == "query":
                query.update({name: _query_value(value) for name, value in body.to_query().items()})
            elif op.body_format == "multipart":
                payload, content_type = await encode_multipart(msgspec.structs.asdict(body))
            else:
                payload, content_type = encode_json(body), _JSON
        return await self._send(
            op.http_method,
            self._http.url_for(path, build_query(query), base=op.base),
            body=payload,
            content_type=content_type,
            headers=headers,
            retry_safe=op.retry_safe,
            stream_to=stream_to,
            authenticate=op.auth != "none",
            rate_group=op.rate_group,
        )

    async def _call(
        self,
        op: Operation,
        response_type: type[T],
        arguments: Mapping[str, Any],
        body_type: type[RequestModel] | None = None,
    ) -> T:
        """Call ``op`` with a typed method's ``arguments`` and decode the reply.

        Path, query and header values are picked from ``arguments`` by the names ``op``
        declares; the body is ``body_type`` built from the arguments named like its fields.
        """
        response = await self._call_raw(op, arguments, _build_body(body_type, arguments))
        return self._decode(op, response.body, response_type)

    async def _call_with(
        self,
        op: Operation,
        response_type: type[T],
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> T:
        """Like :meth:`_call`, with a request body the caller built (a filter object, or a
        sequence of models for a JSON array body)."""
        response = await self._call_raw(op, arguments, body)
        return self._decode(op, response.body, response_type)

    @overload
    async def _download(
        self,
        op: Operation,
        arguments: Mapping[str, Any],
        body_type: type[RequestModel] | None = None,
        to: None = None,
    ) -> bytes: ...
    @overload
    async def _download(
        self,
        op: Operation,
        arguments: Mapping[str, Any],
        body_type: type[RequestModel] | None,
        to: str | os.PathLike[str],
    ) -> Path: ...
    async def _download(
        self,
        op: Operation,
        arguments: Mapping[str, Any],
        body_type: type[RequestModel] | None = None,
        to: str | os.PathLike[str] | None = None,
    ) -> bytes | Path:
        """Call ``op`` and return the file it sends, or write it to ``to`` and return that path.

        A raw body is streamed to ``to`` as it arrives; base64 content inside ``data`` is
        decoded first (it has to be parsed whole).
        """
        target = await _download_target(to)
        stream_to = target if op.envelope != "data" else None
        response = await self._call_raw(
            op, arguments, _build_body(body_type, arguments), stream_to=stream_to
        )
        _refuse_no_file(response, op.operation)
        content = self._decode(op, response.body, bytes) if op.envelope == "data" else response.body
        if target is None:
            return content
        if stream_to is None:
            await write_atomically(target, one_chunk(content))
        return target

    async def _fetch_link(self, url: str, to: str | os.PathLike[str] | None = None) -> bytes | Path:
        """GET a download link the API handed out; return its content or stream it to ``to``.

        Credentials go only to the API's own origin: a link elsewhere (a pre-signed storage
        URL) is fetched without them, so no key ever leaves for another host.
        """
        check_url(url)  # a typed error for what urlsplit would refuse with a ValueError
        scheme = urlsplit(url).scheme
        if scheme not in ("http", "https"):
            raise RequestValidationError("url", "must be an http(s) link")
        if scheme == "http" and urlsplit(self._http.base_url).scheme == "https":
            problem = "is a plain-http link while the API is reached over https (refused)"
            raise RequestValidationError("url", problem)
        target = await _download_target(to)
        response = await self._send(
            "GET",
            url,
            body=None,
            content_type=None,
            headers=None,
            retry_safe=True,
            stream_to=target,
            authenticate=_origin(url) == _origin(self._http.base_url),
        )
        _refuse_no_file(response, redact_url(url))
        return response.body if target is None else target

    def _paginate(
        self,
        op: Operation,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body_type: type[PagedBody],
        page_size: int,
    ) -> AsyncPager[T]:
        """A pager over a list operation whose page number and size travel in its request
        model (the body, or the query string for ``body_format="query"``)."""
        return self._paginate_body(
            op, item_type, arguments, _build_body(body_type, arguments), page_size
        )

    def _paginate_body(
        self,
        op: Operation,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: PagedBody,
        page_size: int,
    ) -> AsyncPager[T]:
        """:meth:`_paginate` with a request model the caller built.

        ``op.page_shape`` says how to read a page: the ``"envelope"`` carries its pagination
        block (and can count); a ``"bare"`` array carries nothing, so the list is walked until
        a page comes back shorter than ``page_size``.
        """
        if not op.paginated:
            raise TypeError(f"{op.operation} is not a paginated operation")
        if op.page_shape in ("cursor", "key"):
            raise TypeError(f"{op.operation} is {op.page_shape}-paged: not by page number")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            # The API may accept 0 (it answers no items): a list walked page by page needs one.
            raise RequestValidationError(
                "page_size", f"must be a whole number of at least 1, not {page_size!r}"
            )
        _validate(body.for_page(1, page_size), operation=op.operation)
        if op.page_shape == "bare":
            bare = list[item_type]  # type: ignore[valid-type]
            # Bare pages are walked one by one: the latest body, to tell a server that ignores
            # the page parameters (it answers the same full page forever) from a next page.
            latest: dict[int, bytes] = {}

            async def fetch_bare(page: int) -> PageLoader[T]:
                response = await self._call_raw(op, arguments, body.for_page(page, page_size))
                if latest.get(page - 1) == response.body:
                    raise APIResponseValidationError(
                        op.operation,
                        "$",
                        f"page {page} is page {page - 1} again: the server ignores the page "
                        "parameters (the list was stopped rather than repeated)",
                    )
                latest.clear()
                latest[page] = response.body

                def load() -> Page[T]:
                    items: list[T] = decode_json(response.body, bare, operation=op.operation)
                    return Page(items, Pagination(current_page=page, items_per_page=page_size))

                return load

            return AsyncPager(
                fetch_bare,
                concurrency=self._options.page_concurrency,
                max_pages=self._options.max_pages,
                limiter=self._pager_limiter(op),
            )
        envelopes = self._require_envelopes(op)

        async def fetch(page: int) -> PageLoader[T]:
            response = await self._call_raw(op, arguments, body.for_page(page, page_size))

            def load() -> Page[T]:
                items, pagination = envelopes.page(response.body, item_type, operation=op.operation)
                return Page(items, pagination)

            return load

        async def count() -> int:
            response = await self._call_raw(op, arguments, body.for_count())
            return envelopes.count(response.body, operation=op.operation)

        return AsyncPager(
            fetch,
            count=count,
            concurrency=self._options.page_concurrency,
            max_pages=self._options.max_pages,
            limiter=self._pager_limiter(op),
        )

    def _pager_limiter(self, op: Operation) -> AdaptiveRateLimiter | None:
        """The limiter ``op``'s pages are paced by (the one its throttling replies reach)."""
        if op.rate_group is not None and op.rate_group in self._http.rate_limiters:
            return self._http.rate_limiters[op.rate_group]
        return self._options.rate_limiter

    def _require_envelopes(self, op: Operation) -> Envelopes:
        if self._envelopes is None:
            raise TypeError(f"{op.operation} is wrapped, but this client knows no envelope")
        return self._envelopes

    def _decode(self, op: Operation, body: bytes, response_type: type[T]) -> T:
        if response_type is type(None) and not body.strip():
            return None  # T is None here
        if op.envelope == "data":
            payload: T = self._require_envelopes(op).payload(
                body, response_type, operation=op.operation
            )
            return payload
        return decode_json(body, response_type, operation=op.operation)

    def _list_once(
        self,
        op: Operation,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> AsyncPager[T]:
        """A pager over a list the API returns whole: one page that holds every item, so
        unpaged lists iterate, await and count like paged ones."""
        list_type = list[item_type]  # type: ignore[valid-type]

        async def fetch(page: int) -> Page[T]:
            response = await self._call_raw(op, arguments, body)
            items: list[T] = self._decode(op, response.body, list_type)
            return Page(items, Pagination(current_page=1, pages_count=1, items_count=len(items)))

        async def count() -> int:
            return len((await fetch(1)).items)

        return AsyncPager(fetch, count=count, concurrency=1)

    def _paginate_keyed(
        self,
        op: Operation,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: KeyedBody,
        page_size: int,
        key_field: str,
    ) -> AsyncPager[T]:
        """A pager over a list that pages by item key (``op.page_shape == "key"``).

        Each page after the first asks for the items from the last key of the page before
        (the item's ``key_field``), page after page, until one comes back shorter than
        ``page_size``. Whether the server starts a page at that key or after it, nothing is
        yielded twice: an item that repeats the key is dropped. A server that answers the same
        key again (it ignores the cursor) stops the list with an error rather than a loop.
        """
        if not op.paginated or op.page_shape != "key":
            raise TypeError(f"{op.operation} is not a key-paged operation")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
            raise RequestValidationError(
                "page_size", f"must be a whole number of at least 1, not {page_size!r}"
            )
        _validate(body.from_key(None, page_size), operation=op.operation)
        page_type = list[item_type]  # type: ignore[valid-type]
        cursors: dict[int, str | None] = {1: None}
        followed: set[str] = set()

        async def fetch(page: int) -> Page[T]:
            cursor = cursors[page]
            response = await self._call_raw(op, arguments, body.from_key(cursor, page_size))
            items: list[T] = self._decode(op, response.body, page_type)
            full = len(items) >= page_size
            if full:
                last = getattr(items[-1], key_field)
                if not isinstance(last, str) or not last or last in followed:
                    raise APIResponseValidationError(
                        op.operation,
                        f"$[{len(items) - 1}].{key_field}",
                        f"page {page} ends at {last!r}, a key already followed: the server "
                        "does not move on from it (the list was stopped rather than repeated)",
                    )
                followed.add(last)
                cursors[page + 1] = last
            if cursor is not None and items and getattr(items[0], key_field) == cursor:
                items = items[1:]  # the page began at the cursor, not after it
            return Page(items, Pagination(current_page=page), has_more=full)

        return AsyncPager(fetch, concurrency=1, max_pages=self._options.max_pages)

    def _paginate_cursor(
        self,
        op: Operation,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: RequestModel | None = None,
    ) -> AsyncPager[T]:
        """A pager over a cursor-paged list (``{"next", "previous", "results"}``).

        The first page is ``op`` called with ``arguments``; each further page is the ``next``
        URL the previous page gave, followed until it is null, with the first page's
        authentication and rate group. A ``next`` URL on another origin than the first request
        is refused (it would receive the credentials), and so is one already followed (the
        list would loop forever).
        """
        if not op.paginated or op.page_shape != "cursor":
            raise TypeError(f"{op.operation} is not a cursor-paged operation")
        envelope = CursorEnvelope[item_type]  # type: ignore[valid-type]
        next_urls: dict[int, str] = {}
        followed: set[tuple[str, str, str, str]] = set()
        first_origin = _origin(self._http.url_for(op.render_path(arguments), base=op.base))

        async def fetch(page: int) -> Page[T]:
            if page == 1:
                response = await self._call_raw(op, arguments, body)
            else:
                url = next_urls.get(page)
                if url is None:
                    raise RuntimeError(f"page {page} of {op.operation} has no known cursor")
                try:
                    check_url(url)
                except RequestValidationError as exc:
                    raise APIResponseValidationError(op.operation, "$.next", exc.message) from None
                if _origin(url) != first_origin:
                    raise APIResponseValidationError(
                        op.operation, "$.next", "points to another host; not followed"
                    )
                key = _page_key(url)
                if key in followed:
                    raise APIResponseValidationError(
                        op.operation,
                        "$.next",
                        f"repeats a page already fetched (page {page}); the list would loop",
                    )
                followed.add(key)
                response = await self._send(
                    op.http_method,
                    url,
                    body=None,
                    content_type=None,
                    headers=None,
                    retry_safe=op.retry_safe,
                    authenticate=op.auth != "none",
                    rate_group=op.rate_group,
                )
            decoded: CursorEnvelope[T] = decode_json(
                response.body, envelope, operation=op.operation
            )
            if decoded.next is not None:
                next_urls[page + 1] = decoded.next
            return Page(
                decoded.results,
                Pagination(current_page=page),
                has_more=decoded.next is not None,
                next_url=decoded.next,
            )

        return AsyncPager(fetch, concurrency=1, max_pages=self._options.max_pages)


class KeyedBody(RequestModel):
    """A list filter that pages by item key: each page starts from the last key of the page
    before (a storage listing's ``start_after``)."""

    def from_key(self, key: str | None, size: int) -> Self:
        """This filter, asking for ``size`` items from ``key`` on (None: from where the
        caller's filter starts)."""
        raise NotImplementedError


class PagedBody(RequestModel):
    """A list filter that can ask for one page, or for the count only."""

    def for_page(self, page: int, size: int) -> Self:
        """This filter, asking for page ``page`` of ``size`` items."""
        raise NotImplementedError

    def for_count(self) -> Self:
        """This filter, asking only for the number of matching items."""
        raise NotImplementedError


B = TypeVar("B", bound=RequestModel)


@overload
def _build_body(body_type: type[B], arguments: Mapping[str, Any]) -> B: ...
@overload
def _build_body(body_type: None, arguments: Mapping[str, Any]) -> None: ...
def _build_body(body_type: type[B] | None, arguments: Mapping[str, Any]) -> B | None:
    if body_type is None:
        return None
    names = body_type.__struct_fields__
    return body_type(**{name: arguments[name] for name in names if name in arguments})


def _query_value(value: Any, *, array: bool = False) -> QueryValue:
    """A query argument as sent; an array parameter given one bare value still goes out as
    ``name[]=value`` (the plain ``name=value`` form is refused by APIs that want arrays)."""
    if isinstance(value, str | int | float | bool):
        return [value] if array else value
    return list(value)


def _validate_item(item: RequestModel, index: int, operation: str) -> None:
    try:
        _validate(item, operation=operation)
    except RequestValidationError as error:
        raise RequestValidationError(f"[{index}].{error.field}", error.message) from None


async def _download_target(to: str | os.PathLike[str] | None) -> Path | None:
    """``to`` as a path a download can be written to, checked before anything is sent."""
    if to is None:
        return None
    target = Path(to)
    is_dir, parent_is_dir = await anyio.to_thread.run_sync(
        lambda: (target.is_dir(), target.parent.is_dir())
    )
    if is_dir:
        raise RequestValidationError("to", f"{str(target)!a} is a directory, not a file")
    if not parent_is_dir:
        problem = f"the directory {str(target.parent)!a} does not exist"
        raise RequestValidationError("to", problem)
    return target


def _refuse_no_file(response: Response, what: str) -> None:
    """A download answered 2xx with something other than the file (204 No Content, 202
    Accepted): raise rather than report an empty file as success."""
    if response.status not in FILE_STATUSES:
        message = f"the download answered {response.status} instead of the file (200)"
        raise APIResponseValidationError(what, "$", message)


def _page_key(url: str) -> tuple[str, str, str, str]:
    """What identifies the request a ``next`` URL makes: not its fragment (never sent), nor
    the case of its scheme and host."""
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()
