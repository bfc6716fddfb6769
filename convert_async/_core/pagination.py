"""Pagers: one object that is awaitable (first page) and async-iterable (every item).

Page fan-out uses plain asyncio tasks rather than an anyio task group: a task group cannot stay
open across the ``yield`` of an async generator, and the pager must yield items to its caller
while the next pages download. Every task it starts is cancelled and awaited when iteration
ends, fails or is abandoned.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._constants import DEFAULT_PAGE_CONCURRENCY
from .codec import Pagination

__all__ = ["AsyncPager", "Page", "Pagination"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and the pagination block that came with them.

    ``has_more`` is set by lists that say themselves whether another page follows (a cursor's
    ``next`` link, kept in ``next_url``); None means "judge by the pagination block".
    """

    items: list[T]
    pagination: Pagination
    has_more: bool | None = None
    next_url: str | None = None

    def has_next_page(self) -> bool:
        """Whether another page follows: as the list says when it says so, by ``pages_count``
        when known, else a full page."""
        if self.has_more is not None:
            return self.has_more
        info = self.pagination
        if info.pages_count is not None and info.current_page is not None:
            return info.current_page < info.pages_count
        return bool(self.items) and (
            info.items_per_page is None or len(self.items) >= info.items_per_page
        )


PageFetcher = Callable[[int], Awaitable[Page[T]]]


class AsyncPager(Generic[T]):
    """A paged list endpoint.

    - ``await pager`` fetches the first page (a :class:`Page`);
    - ``async for item in pager`` yields every item of every page, in order;
    - ``async for page in pager.pages()`` yields pages;
    - ``await pager.count()`` asks the server for the total without fetching items.

    After the first page says how many pages there are, up to ``concurrency`` of the rest are
    fetched at once; items still come out in server order.

    Example::

        async def show(client):
            async for exp in client.experiences.list(account_id=1, project_id=2):
                print(exp.name)
    """

    def __init__(
        self,
        fetch_page: PageFetcher[T],
        *,
        count: Callable[[], Awaitable[int]] | None = None,
        concurrency: int = DEFAULT_PAGE_CONCURRENCY,
        first_page: int = 1,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._fetch_page = fetch_page
        self._count = count
        self._concurrency = concurrency
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch_page(self._first_page).__await__()

    def __aiter__(self) -> AsyncGenerator[T, None]:
        return self._items()

    def pages(self) -> AsyncGenerator[Page[T], None]:
        """Every page, in order, starting with the first."""
        return self._pages()

    async def count(self) -> int:
        """The total number of items the list would yield."""
        if self._count is None:
            raise NotImplementedError("this list endpoint cannot count without fetching")
        return await self._count()

    async def _items(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self._pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def _pages(self) -> AsyncGenerator[Page[T], None]:
        page = await self._fetch_page(self._first_page)
        yield page
        if not page.has_next_page():
            return
        last = page.pagination.pages_count
        if last is not None and page.pagination.current_page is not None:
            numbers = range(page.pagination.current_page + 1, last + 1)
            async with contextlib.aclosing(self._fan_out(numbers)) as rest:
                async for page in rest:
                    yield page
            return
        number = self._first_page
        while page.has_next_page():
            number += 1
            page = await self._fetch_page(number)
            yield page

    async def _fan_out(self, numbers: range) -> AsyncGenerator[Page[T], None]:
        """Fetch ``numbers`` with at most ``concurrency`` in flight, yielding in order."""
        upcoming = iter(numbers)
        in_flight: deque[asyncio.Task[Page[T]]] = deque()

        def start_next() -> None:
            number = next(upcoming, None)
            if number is not None:
                in_flight.append(asyncio.ensure_future(self._fetch_page(number)))

        try:
            for _ in range(self._concurrency):
                start_next()
            while in_flight:
                page = await in_flight.popleft()
                start_next()
                yield page
        finally:
            for task in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
