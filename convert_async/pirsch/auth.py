"""Pirsch authentication: an oAuth client exchanging its credentials for access tokens, or a
write-only access key.

:class:`PirschOAuth` is a :class:`~convert_async._core.auth.RefreshingAuth`: the session asks
it to :meth:`~PirschOAuth.prepare` before every attempt, so a token is fetched on first use and
renewed ``refresh_margin`` seconds before ``expires_at``; after a 401 it renews once and the
request is repeated. Concurrent requests share one renewal (a lock, then a second look).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping

from .._core.auth import RawRequest
from .._core.checks import check_credentials
from .._core.codec import decode_json, encode_json
from .._core.errors import APIResponseValidationError, ConfigurationError
from .._core.redaction import REDACTED
from ._operations import OPERATIONS
from .models import AccessToken
from .requests import AccessTokenRequest

__all__ = ["ACCESS_KEY_PREFIX", "PirschAccessKey", "PirschOAuth"]

#: Prefix of Pirsch access keys (write-only, sent as the Bearer token directly).
ACCESS_KEY_PREFIX = "pa_"


class PirschOAuth:
    """Client id + secret, exchanged at ``POST /token`` for a Bearer access token.

    ``refresh_margin`` (seconds) renews the token that long before ``expires_at``; ``clock``
    is injectable for tests. :attr:`token_requests` counts the exchanges made.

    >>> PirschOAuth("a" * 32, "b" * 64)
    PirschOAuth(client_id='aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', client_secret='<redacted>')
    """

    __slots__ = (
        "_clock",
        "_expires_at",
        "_lock",
        "_lock_loop",
        "_secret",
        "_token",
        "client_id",
        "refresh_margin",
        "token_requests",
    )

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_credentials("PirschOAuth", client_id=client_id, client_secret=client_secret)
        if refresh_margin < 0:
            raise ConfigurationError("PirschOAuth: refresh_margin cannot be negative")
        self.client_id = client_id
        self.refresh_margin = refresh_margin
        self.token_requests = 0
        self._secret = client_secret
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @property
    def has_token(self) -> bool:
        """Whether a token is held that is not due for renewal."""
        return self._token is not None and self._clock() < self._expires_at - self.refresh_margin

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """``Authorization: Bearer <access token>`` (after :meth:`prepare` fetched one)."""
        if self._token is None:
            return {}
        return {"Authorization": f"Bearer {self._token}"}

    async def prepare(self, request: RawRequest) -> None:
        """Fetch a token when none is held or the held one is due for renewal."""
        if self.has_token:
            return
        async with self._get_lock():
            if not self.has_token:  # another task may have renewed while this one waited
                await self._fetch(request)

    async def on_unauthorized(self, request: RawRequest, sent: Mapping[str, str]) -> bool:
        """Renew the token after a 401, unless another task already replaced the one sent."""
        async with self._get_lock():
            current = self.headers("GET", "", b"").get("Authorization")
            if current is None or current == sent.get("Authorization"):
                self._token = None
                await self._fetch(request)
        return True

    def invalidate(self) -> None:
        """Forget the held token (the next request fetches a new one)."""
        self._token = None

    async def _fetch(self, request: RawRequest) -> None:
        op = OPERATIONS["get_access_token"]
        body = encode_json(AccessTokenRequest(client_id=self.client_id, client_secret=self._secret))
        self.token_requests += 1
        response = await request(op.http_method, op.path, body, rate_group=op.rate_group)
        token = decode_json(response.body, AccessToken, operation=op.operation)
        if not token.access_token:
            raise APIResponseValidationError(op.operation, "$.access_token", "empty token")
        # Without an expiry the token is used until the server refuses it (401).
        expires = token.expires_at.timestamp() if token.expires_at is not None else float("inf")
        self._token, self._expires_at = token.access_token, expires

    def _get_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    def __repr__(self) -> str:
        return f"PirschOAuth(client_id={self.client_id!r}, client_secret={REDACTED!r})"


class PirschAccessKey:
    """A write-only access key (``pa_...``), sent directly as the Bearer token.

    It may send hits, events and sessions (single and batch) and nothing else: the client
    refuses reads before sending them.

    >>> PirschAccessKey("pa_" + "x" * 45)
    PirschAccessKey(key='<redacted>')
    """

    __slots__ = ("_header",)
    write_only = True

    def __init__(self, key: str) -> None:
        if not key.startswith(ACCESS_KEY_PREFIX) or len(key) <= len(ACCESS_KEY_PREFIX):
            raise ConfigurationError(f"a Pirsch access key starts with {ACCESS_KEY_PREFIX!r}")
        self._header = f"Bearer {key}"

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """``Authorization: Bearer pa_...``."""
        return {"Authorization": self._header}

    def __repr__(self) -> str:
        return f"PirschAccessKey(key={REDACTED!r})"
