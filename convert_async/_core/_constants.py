"""Defaults shared by every client, in one place so they are easy to find and document."""

from __future__ import annotations

from .._version import __version__

#: Seconds to establish a TCP/TLS connection.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds to wait between two reads of the response body.
DEFAULT_READ_TIMEOUT = 30.0
#: Seconds for a whole request, connection and body included (one attempt).
DEFAULT_TOTAL_TIMEOUT = 60.0

#: Retries after the first attempt for requests that are safe to repeat.
DEFAULT_MAX_RETRIES = 3
#: First backoff delay in seconds; doubles each retry, with full jitter.
DEFAULT_INITIAL_BACKOFF = 0.5
#: Largest backoff delay in seconds.
DEFAULT_MAX_BACKOFF = 8.0
#: Longest ``Retry-After`` the SDK waits for; a longer one is raised to the caller.
DEFAULT_MAX_RETRY_AFTER = 60.0

#: Largest reply body read into memory (bytes): far above any JSON page or report the APIs
#: send (a 50-item page is tens of KiB), low enough that a runaway body cannot exhaust
#: memory. Downloads written to a file (``to=``) are not held in memory and not capped.
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

#: Connections kept in the pool for one client (shared by ``with_options`` copies).
DEFAULT_MAX_CONNECTIONS = 100

#: Items per page requested by list iterators (the API's maximum).
DEFAULT_PAGE_SIZE = 50
#: Pages fetched at once once the first page has told how many there are. 16 lists 10,000
#: items at 20 ms latency within 1.25x of its floor and 14x faster than a sequential loop
#: (docs/benchmarks.md); lower it with ``page_concurrency=`` for a stricter API.
DEFAULT_PAGE_CONCURRENCY = 16

#: Pages a list without a page count (a cursor, or bare arrays) is followed for at most: a
#: server that always says "more" would otherwise be paged forever. 10,000 pages of 50 items
#: is half a million items; raise it with ``with_options(max_pages=...)``.
DEFAULT_MAX_PAGES = 10_000

USER_AGENT = f"convert-async/{__version__}"
