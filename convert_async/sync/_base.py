"""The machinery of the blocking client: a private event loop on its own thread (the portal),
and blocking views of resources and pagers that run the async ones there."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

from .._core.errors import ClientStateError
from .._core.pagination import AsyncPager, Page
from ..v2._extras import ExportLink, ReportsExtras
from ..v2._resource import StrPath

__all__ = ["Portal", "SyncPager", "SyncReportsExtras", "SyncResource"]

T = TypeVar("T")
R = TypeVar("R")
ReportsT = TypeVar("ReportsT", bound=ReportsExtras)


class Portal:
    """An event loop running on a daemon thread of its own; :meth:`run` hands it a coroutine
    and blocks until the result (or the exception) comes back.

    Every call of a blocking client goes through one portal, so its connection pool and its
    background tasks live on one loop whatever thread the caller is on.
    """

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the portal's loop and wait for it."""
        if self._loop.is_closed():
            coroutine.close()
            raise ClientStateError("the client is closed")
        if threading.get_ident() == self._thread.ident:
            coroutine.close()
            raise ClientStateError("a blocking client cannot be called from its own event loop")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # e.g. KeyboardInterrupt in the caller: stop the work too
            raise

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran."""
        return self._loop.is_closed()

    def close(self) -> None:
        """Stop the loop and its thread (after the client was closed on it)."""
        if self._loop.is_closed():
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        # Iterators left unfinished (a list abandoned mid-way) stop their page fetching here.
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()


class SyncPager(Generic[T]):
    """A blocking :class:`~convert_async.AsyncPager`: iterate it for every item (pages are still
    fetched concurrently in the background), :meth:`first_page` for one page, :meth:`pages` for
    pages, :meth:`count` for the total.

    Example::

        for experience in client.experiences.list(account_id=1, project_id=2):
            print(experience.name)
    """

    def __init__(self, portal: Portal, pager: AsyncPager[T]) -> None:
        self._portal = portal
        self._pager = pager

    def first_page(self) -> Page[T]:
        """The first page (what ``await pager`` gives in async code)."""

        async def first() -> Page[T]:
            return await self._pager

        return self._portal.run(first())

    def pages(self) -> Iterator[Page[T]]:
        """Every page, in order; leaving the loop early stops the fetching."""
        pages = self._pager.pages()

        async def step() -> Page[T] | None:
            try:
                return await anext(pages)
            except StopAsyncIteration:
                return None

        try:
            while (page := self._portal.run(step())) is not None:
                yield page
        finally:
            # Left unfinished until after the client closed: closing it shut the pages down.
            if not self._portal.closed:
                self._portal.run(pages.aclose())

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def count(self) -> int:
        """The total number of items the list would yield."""
        return self._portal.run(self._pager.count())


class SyncResource(Generic[R]):
    """A blocking view of one async resource: each method runs the async one on the portal."""

    def __init__(self, portal: Portal, resource: R) -> None:
        self._portal = portal
        self._resource = resource

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self._portal.run(coroutine)

    def _pager(self, pager: AsyncPager[T]) -> SyncPager[T]:
        return SyncPager(self._portal, pager)


class SyncReportsExtras(SyncResource[ReportsT]):
    """The hand-written report methods, blocking."""

    @overload
    def download(self, export: ExportLink | str, *, to: None = None) -> bytes: ...
    @overload
    def download(self, export: ExportLink | str, *, to: StrPath) -> Path: ...
    def download(self, export: ExportLink | str, *, to: StrPath | None = None) -> bytes | Path:
        """Fetch the file an export points to: its bytes, or with ``to=path`` written there."""
        if to is None:
            return self._run(self._resource.download(export))
        return self._run(self._resource.download(export, to=to))
