"""Blocking clients for scripts, notebooks and sync web apps (Flask, Django).

:class:`ConvertClient` and :class:`TrackingClient` run the async clients on a private event loop
thread: the same methods with the same arguments and the same types, without ``await``; pagers
are plain iterators. Close them (``with`` does) to stop the thread and the connection pool::

    from convert_async.sync import ConvertClient

    with ConvertClient() as client:
        for experience in client.experiences.list(account_id=1, project_id=2):
            print(experience.name)
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

from .. import serving, v2
from .._core._constants import DEFAULT_MAX_CONNECTIONS, DEFAULT_PAGE_CONCURRENCY, USER_AGENT
from .._core.auth import Auth
from .._core.events import SenderStats
from .._core.retry import RetryPolicy
from .._core.session import QueryValue, Timeout
from ._base import Portal, SyncPager
from ._resources import SyncResources

__all__ = ["ConvertClient", "SyncPager", "TrackingClient"]


class ConvertClient(SyncResources):
    """The Convert REST API v2, blocking: :class:`convert_async.ConvertClient` with the same
    arguments, run on a private event loop thread (one per client)."""

    def __init__(
        self,
        auth: Auth | None = None,
        *,
        base_url: str | None = None,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        retry_writes: bool = False,
        page_concurrency: int = DEFAULT_PAGE_CONCURRENCY,
        retry: RetryPolicy | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = USER_AGENT,
    ) -> None:
        self._portal = Portal("convert-async-sync")
        try:
            self._client = v2.ConvertClient(
                auth,
                base_url=base_url,
                timeout=timeout,
                max_retries=max_retries,
                max_connections=max_connections,
                retry_writes=retry_writes,
                page_concurrency=page_concurrency,
                retry=retry,
                verify_ssl=verify_ssl,
                user_agent=user_agent,
            )
        except BaseException:
            self._portal.close()
            raise

    def __repr__(self) -> str:
        return f"sync.{self._client!r}"

    @property
    def base_url(self) -> str:
        """The URL every operation path is relative to."""
        return self._client.base_url

    def open(self) -> Self:
        """Open the connection pool (``with`` does this for you)."""
        self._portal.run(self._client.open())
        return self

    def close(self) -> None:
        """Close the connection pool and stop the loop thread (again: nothing happens)."""
        if self._portal.closed or self._portal.inherited:
            self._portal.close()  # a forked child has nothing of the parent's to close
            return
        try:
            self._portal.run(self._client.aclose())
        finally:
            self._portal.close()

    def __enter__(self) -> Self:
        try:
            return self.open()
        except BaseException:
            self._portal.close()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any endpoint, signed and retried like the typed methods; returns decoded JSON."""
        return self._portal.run(
            self._client.request(method, path, params=params, json=json, headers=headers)
        )


class TrackingClient:
    """Convert's config and tracking API, blocking: :class:`convert_async.TrackingClient` (same
    arguments) on a private event loop thread. ``track_bucketing`` / ``track_conversion`` only
    queue the event, from any thread; the background sender delivers it.

    Example (a Flask or Django app opens one at start-up and closes it at exit)::

        tracker = TrackingClient(sdk_key="...", account_id=1, project_id=2).open()
        tracker.track_conversion("visitor-1", goal_id=3)
        tracker.close()
    """

    def __init__(self, *args: Any, **options: Any) -> None:
        self._portal = Portal("convert-async-tracking")
        try:
            self._client = serving.TrackingClient(*args, **options)
        except BaseException:
            self._portal.close()
            raise
        self.track_bucketing = self._client.track_bucketing
        self.track_conversion = self._client.track_conversion

    def __repr__(self) -> str:
        return f"sync.{self._client!r}"

    def open(self) -> Self:
        """Open the connection pool and start the sender (``with`` does this for you)."""
        try:
            self._portal.run(self._client.open())
        except BaseException:
            self._portal.close()
            raise
        return self

    def close(self, timeout: float | None = None) -> None:
        """Deliver what is queued for up to ``timeout`` seconds (default: the client's
        ``close_timeout``, as leaving ``with`` does), then stop everything (again: nothing
        happens)."""
        if self._portal.closed or self._portal.inherited:
            self._portal.close()  # a forked child has nothing of the parent's to close
            return
        if timeout is None:
            timeout = self._client.close_timeout
        try:
            self._portal.run(self._client.aclose(timeout))
        finally:
            self._portal.close()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def stats(self) -> SenderStats:
        """What the sender did so far (see :class:`convert_async.TrackingClient`)."""
        return self._client.stats

    def fetch_config(
        self,
        environment: str | None = None,
        *,
        low_cache: bool = False,
        debug_token: str | None = None,
        experience_id: str | int | None = None,
    ) -> serving.ProjectConfig:
        """Fetch the project config (see :meth:`convert_async.TrackingClient.fetch_config`)."""
        return self._portal.run(
            self._client.fetch_config(
                environment,
                low_cache=low_cache,
                debug_token=debug_token,
                experience_id=experience_id,
            )
        )

    def send(self, event: serving.TrackingEvent) -> bool:
        """Queue one prepared event; whether it was accepted."""
        return self._portal.run(self._client.send(event))

    def flush(self, timeout: float | None = None) -> bool:
        """Deliver what is queued now; whether everything settled within ``timeout``."""
        return self._portal.run(self._client.flush(timeout))
