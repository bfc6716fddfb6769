"""What an authentication strategy is: something that turns (method, URL, body) into headers.

The session calls :meth:`Auth.headers` once per attempt with the exact URL and body bytes it
is about to send, so a signature always covers what goes on the wire.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .session import Response

__all__ = ["Auth", "RawRequest", "RefreshingAuth", "ResponseObserver"]


class RawRequest(Protocol):
    """An unauthenticated request through the client's session (same pool, timeout and retry
    policy), for auth strategies that must talk to the API themselves, e.g. to exchange
    credentials for a token. ``rate_group`` names the quota the request counts against."""

    def __call__(
        self, method: str, path: str, json_body: bytes | None, *, rate_group: str | None = None
    ) -> Awaitable[Response]: ...


@runtime_checkable
class Auth(Protocol):
    """Anything that can authenticate a request by adding headers."""

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """Headers that authenticate this exact request."""
        ...


@runtime_checkable
class ResponseObserver(Protocol):
    """An auth strategy that learns from responses (e.g. a session cookie being set)."""

    def observe(self, set_cookie_headers: Iterable[str]) -> None:
        """Called with every ``Set-Cookie`` header of every response."""
        ...


@runtime_checkable
class RefreshingAuth(Protocol):
    """An auth strategy holding credentials that must be fetched and renewed (access tokens).

    The session awaits :meth:`prepare` before every attempt (before :meth:`Auth.headers`), and
    :meth:`on_unauthorized` after a 401; when that returns True the request is repeated once
    with fresh credentials (a 401 means the server did not act on it, so this is safe for
    writes too).
    """

    async def prepare(self, request: RawRequest) -> None:
        """Make sure usable credentials are held (fetch or refresh them if needed)."""
        ...

    async def on_unauthorized(self, request: RawRequest, sent: Mapping[str, str]) -> bool:
        """The server answered 401 to a request sent with headers ``sent``: renew the
        credentials and return True to repeat the request once, or False to give up."""
        ...
