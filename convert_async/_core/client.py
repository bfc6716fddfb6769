"""The provider-agnostic client: lifecycle, per-client options, and the typed call path.

API clients (Convert v2, v1, Pirsch, giosg) subclass :class:`BaseClient` and hang their
resources off it; resources call :meth:`BaseClient._call` / :meth:`BaseClient._paginate`
with an :class:`~.operation.Operation` and never see aiohttp.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self, TypeVar

import msgspec

from .codec import DataEnvelope, PagedEnvelope, RequestModel, decode_json, encode_json
from .codec import validate_request as _validate
from .errors import APIResponseValidationError
from .operation import Operation
from .pagination import AsyncPager, Page
from .retry import RetryPolicy
from .session import HttpSession, QueryValue, Response, Timeout, build_query

__all__ = ["BaseClient", "ClientOptions"]

T = TypeVar("T")
Body = TypeVar("Body", bound=RequestModel)

_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Settings a ``with_options`` copy may change without touching the shared pool."""

    timeout: Timeout
    retry: RetryPolicy
    retry_writes: bool
    page_concurrency: int


class BaseClient:
    """Owns one :class:`HttpSession` (opened on ``__aenter__``, closed on exit) and the options
    used for every call made through it."""

    def __init__(self, http: HttpSession, options: ClientOptions) -> None:
        self._http = http
        self._options = options
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
        retry_writes: bool | None = None,
        page_concurrency: int | None = None,
    ) -> Self:
        """A client that shares this one's connection pool but uses other options.

        >>> fast = client.with_options(timeout=5, max_retries=0)  # doctest: +SKIP
        """
        options = self._options
        if timeout is not None:
            options = replace(options, timeout=Timeout.of(timeout))
        if max_retries is not None:
            if max_retries < 0:
                raise ValueError("max_retries cannot be negative")
            options = replace(options, retry=replace(options.retry, max_retries=max_retries))
        if retry_writes is not None:
            options = replace(options, retry_writes=retry_writes)
        if page_concurrency is not None:
            if page_concurrency < 1:
                raise ValueError("page_concurrency must be at least 1")
            options = replace(options, page_concurrency=page_concurrency)
        clone = object.__new__(type(self))
        BaseClient.__init__(clone, self._http, options)
        clone._owns_http = False
        return clone

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

        Only GET/HEAD are retried after they may have reached the server (unless the client
        was made with ``retry_writes=True``).

        >>> await client.request("POST", "/accounts/1/projects", json={"page": 2})  # doctest: +SKIP
        """
        method = method.upper()
        body = None if json is None else encode_json(json)
        response = await self._send(
            method,
            self._http.url_for(path, build_query(params)),
            body=body,
            headers=headers,
            retry_safe=method in {"GET", "HEAD"},
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
        headers: Mapping[str, str] | None,
        retry_safe: bool,
    ) -> Response:
        options = self._options
        return await self._http.send(
            method,
            url,
            body=body,
            content_type=_JSON if body is not None else None,
            headers=headers,
            retry_safe=retry_safe or options.retry_writes,
            timeout=options.timeout,
            retry=options.retry,
        )

    async def _call_raw(
        self,
        op: Operation,
        *,
        path: Mapping[str, Any],
        query: Mapping[str, QueryValue] | None = None,
        body: RequestModel | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        payload = None
        if body is not None:
            _validate(body, operation=op.operation)
            payload = encode_json(body)
        url = self._http.url_for(op.render_path(path), build_query(query))
        return await self._send(
            op.http_method, url, body=payload, headers=headers, retry_safe=op.retry_safe
        )

    async def _call(
        self,
        op: Operation,
        response_type: type[T],
        *,
        path: Mapping[str, Any],
        query: Mapping[str, QueryValue] | None = None,
        body: RequestModel | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> T:
        """Send ``op`` and decode its reply into ``response_type`` (unwrapping ``data``)."""
        response = await self._call_raw(op, path=path, query=query, body=body, headers=headers)
        if op.envelope == "data":
            wrapped: DataEnvelope[T] = decode_json(
                response.body,
                DataEnvelope[response_type],  # type: ignore[valid-type]
                operation=op.operation,
            )
            return wrapped.data
        return decode_json(response.body, response_type, operation=op.operation)

    def _paginate(
        self,
        op: Operation,
        item_type: type[T],
        *,
        path: Mapping[str, Any],
        body: Body,
        page_size: int,
        paged_body: Callable[[Body, int, int], Body],
        count_body: Callable[[Body], Body],
    ) -> AsyncPager[T]:
        """A pager over a list operation whose page number and size travel in the body.

        ``paged_body(body, page, size)`` and ``count_body(body)`` build the body of one page
        request and of the count-only request.
        """
        if not op.paginated:
            raise TypeError(f"{op.operation} is not a paginated operation")
        _validate(paged_body(body, 1, page_size), operation=op.operation)
        envelope = PagedEnvelope[item_type]  # type: ignore[valid-type]

        async def fetch(page: int) -> Page[T]:
            response = await self._call_raw(op, path=path, body=paged_body(body, page, page_size))
            decoded: PagedEnvelope[T] = decode_json(response.body, envelope, operation=op.operation)
            return Page(decoded.data, decoded.extra.pagination)

        async def count() -> int:
            response = await self._call_raw(op, path=path, body=count_body(body))
            decoded = decode_json(response.body, PagedEnvelope[msgspec.Raw], operation=op.operation)
            total = decoded.extra.pagination.items_count
            if total is None:
                raise APIResponseValidationError(
                    op.operation, "$.extra.pagination.items_count", "missing from a count reply"
                )
            return total

        return AsyncPager(fetch, count=count, concurrency=self._options.page_concurrency)
