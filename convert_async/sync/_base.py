"""The machinery of the blocking client: a private event loop on its own thread (the portal),
and blocking views of resources and pagers that run the async ones there."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
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
    background tasks live on one loop whatever thread the caller is on. A portal belongs to
    the process that made it: a forked child has no copy of its thread.
    """

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._pid = os.getpid()
        self._closing = False
        self._thread = threading.Thread(target=self._loop.run_forever, name=name, daemon=True)
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run ``coroutine`` on the portal's loop and wait for it."""
        problem = self._unusable()
        if problem is not None:
            coroutine.close()
            raise ClientStateError(problem)
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result()
        except concurrent.futures.CancelledError:
            if self._closing:  # another thread closed the client while this call ran
                raise ClientStateError(
                    "the client was closed while this call was running"
                ) from None
            raise
        except BaseException:
            future.cancel()  # e.g. KeyboardInterrupt in the caller: stop the work too
            raise

    def _unusable(self) -> str | None:
        """Why no call can run on this portal now, or None."""
        if self.inherited:
            return (
                "this blocking client was opened in the parent of a fork: its thread is not "
                "in this process (open a new client in the child, e.g. in gunicorn's post_fork)"
            )
        if self._closing or self._loop.is_closed():
            return "the client is closed"
        if threading.get_ident() == self._thread.ident:
            return "a blocking client cannot be called from its own event loop"
        return None

    @property
    def inherited(self) -> bool:
        """Whether this process is a forked child of the one that made the portal."""
        return os.getpid() != self._pid

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran (or began)."""
        return self._closing or self._loop.is_closed()

    def close(self) -> None:
        """Stop the loop and its thread (after the client was closed on it). Calls still
        running on it from other threads are cancelled and raise :class:`ClientStateError`."""
        if self.closed:
            return
        self._closing = True
        if self.inherited:
            return  # a forked child: the loop's thread is the parent's, nothing runs it here
        # On the portal's own thread: the caller's thread may be running a loop of its own (a
        # notebook), where this loop cannot run.
        asyncio.run_coroutine_threadsafe(_wind_down(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


async def _wind_down() -> None:
    """Cancel what still runs on this loop (calls from other threads) and stop iterators left
    unfinished (a list abandoned mid-way stops its page fetching here)."""
    current = asyncio.current_task()
    running = [task for task in asyncio.all_tasks() if task is not current]
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    await asyncio.get_running_loop().shutdown_asyncgens()


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
            # Left unfinished until after the client closed: closing it shut the pages down
            # (and in a forked child there is nothing of the parent's to stop).
            if not self._portal.closed and not self._portal.inherited:
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
