"""Pagers: one object that is awaitable (first page) and async-iterable (every item).

Page fan-out uses plain asyncio tasks rather than an anyio task group: a task group cannot stay
open across the ``yield`` of an async generator, and the pager must yield items to its caller
while the next pages download. Every task it starts is cancelled and awaited when iteration
ends, fails or is abandoned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ._constants import DEFAULT_MAX_PAGES, DEFAULT_PAGE_CONCURRENCY
from .codec import Pagination
from .errors import ConfigurationError
from .ratelimit import AdaptiveRateLimiter

__all__ = ["AsyncPager", "Page", "Pagination"]

T = TypeVar("T")

logger = logging.getLogger("convert_async")


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


PageLoader = Callable[[], Page[T]]
"""Decodes a page whose bytes have arrived."""

PageFetcher = Callable[[int], Awaitable[Page[T] | PageLoader[T]]]
"""Fetches page ``n``: returns the page, or a :data:`PageLoader` that decodes it. A loader lets
the pager send the next requests before it spends CPU on decoding."""


def _load(fetched: Page[T] | PageLoader[T]) -> Page[T]:
    return fetched if isinstance(fetched, Page) else fetched()


class AsyncPager(Generic[T]):
    """A paged list endpoint.

    - ``await pager`` fetches the first page (a :class:`Page`);
    - ``async for item in pager`` yields every item of every page, in order;
    - ``async for page in pager.pages()`` yields pages (``ordered=False``: as they arrive);
    - ``await pager.count()`` asks the server for the total without fetching items.

    After the first page says how many pages there are, up to ``concurrency`` of the rest are
    fetched at once; items still come out in server order. A list that does not say (a cursor,
    a bare array) is followed page by page for at most ``max_pages`` pages (as is one whose
    page count is over ``max_pages``: a server's count is no bound); iteration then
    stops with a warning logged. With a ``limiter`` (the client's
    :class:`~convert_async.AdaptiveRateLimiter`, which every page request also takes a token
    from), a throttling reply halves the number of pages in flight; it grows back by one for
    each window of pages fetched without one.

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
        max_pages: int = DEFAULT_MAX_PAGES,
        limiter: AdaptiveRateLimiter | None = None,
    ) -> None:
        if concurrency < 1:
            raise ConfigurationError("concurrency must be at least 1")
        if max_pages < 1:
            raise ConfigurationError("max_pages must be at least 1")
        self._max_pages = max_pages
        self._fetch_page = fetch_page
        self._count = count
        self._concurrency = concurrency
        self._ahead = 2 * concurrency
        self._first_page = first_page
        self._limiter = limiter

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch_one(self._first_page).__await__()

    async def _fetch_one(self, number: int) -> Page[T]:
        return _load(await self._fetch_page(number))

    def __aiter__(self) -> AsyncGenerator[T, None]:
        return self._items()

    def pages(self, *, ordered: bool = True) -> AsyncGenerator[Page[T], None]:
        """Every page, starting with the first; the rest in order, or with ``ordered=False``
        as they arrive, so that one page waiting out a ``Retry-After`` holds back none of
        the others (when the order of the items does not matter, as in a bulk export).

        Example::

            async for page in client.experiences.list(**ids).pages(ordered=False):
                queue_work(page.items)
        """
        return self._pages(ordered=ordered)

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

    async def _pages(self, *, ordered: bool = True) -> AsyncGenerator[Page[T], None]:
        page = await self._fetch_one(self._first_page)
        yield page
        if not page.has_next_page():
            return
        said = page.pagination.pages_count
        if said is not None and page.pagination.current_page is not None:
            # Numbered from the page asked for, not the one the reply names (a reply saying
            # "page 2" to a request for page 1 skipped page 2); and as far as any page says,
            # since a list that grows while it is read says more pages on its later pages.
            done = self._first_page
            allowed = self._first_page + self._max_pages - 1
            while said > done and done < allowed:
                last = min(said, allowed)
                numbers = range(done + 1, last + 1)
                async with contextlib.aclosing(self._fan_out(numbers, ordered=ordered)) as rest:
                    async for page in rest:
                        said = max(said, page.pagination.pages_count or 0)
                        yield page
                done = last
            if said > allowed:
                # A server's word is no bound: a page count of 10**9 was followed as told.
                logger.warning(
                    "a list said it has %d pages; following %d of them (max_pages)",
                    said - self._first_page + 1,
                    self._max_pages,
                )
            return
        number = self._first_page
        while page.has_next_page():
            if number - self._first_page + 1 >= self._max_pages:
                logger.warning(
                    "stopped a list after %d pages (max_pages); it still said more followed",
                    self._max_pages,
                )
                return
            number += 1
            page = await self._fetch_one(number)
            yield page

    async def _fan_out(self, numbers: range, *, ordered: bool) -> AsyncGenerator[Page[T], None]:
        """Fetch ``numbers`` with at most ``concurrency`` in flight, yielding in order (or
        as they arrive).

        A finished request frees its slot at once (not when its page's turn comes), and
        pages are decoded only as they are yielded, so the next requests leave before any
        decoding. At most ``2 x concurrency`` pages are held ahead of the consumer.
        """
        upcoming = iter(numbers)
        window: deque[asyncio.Task[Page[T] | PageLoader[T]]] = deque()
        running = 0
        closed = False
        # Pages allowed in flight: halved by a throttling reply (seen in the limiter's count),
        # grown by one per ``width`` pages fetched without one.
        limiter = self._limiter
        width = self._concurrency
        seen = limiter.throttled if limiter is not None else 0
        clean = 0

        def fill(finished: object = None) -> None:
            nonlocal running, width, seen, clean
            if finished is not None:
                running -= 1
            if limiter is not None:
                throttled = limiter.throttled
                if throttled > seen:
                    seen = throttled
                    width = max(1, width // 2)
                    clean = 0
                elif finished is not None:
                    clean += 1
                    if clean >= width:
                        clean = 0
                        width = min(self._concurrency, width + 1)
            while not closed and running < width and len(window) < self._ahead:
                number = next(upcoming, None)
                if number is None:
                    return
                task = asyncio.ensure_future(self._fetch_page(number))
                task.add_done_callback(fill)
                window.append(task)
                running += 1

        try:
            fill()
            while window:
                if ordered:
                    fetched = await window[0]
                    window.popleft()
                else:
                    await asyncio.wait(window, return_when=asyncio.FIRST_COMPLETED)
                    first = next(task for task in window if task.done())
                    window.remove(first)
                    fetched = first.result()
                fill()
                await asyncio.sleep(0)  # let the requests just started go out first
                yield _load(fetched)
        finally:
            closed = True
            for task in window:
                task.cancel()
            if window:
                await asyncio.gather(*window, return_exceptions=True)
