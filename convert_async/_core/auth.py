"""Authentication strategies: each turns (method, URL, body) into the headers to send.

The session calls :meth:`Auth.headers` once per attempt with the exact URL and body bytes it
is about to send, so a signature always covers what goes on the wire.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .redaction import REDACTED

__all__ = ["Auth", "HmacAuth", "SecretKeyAuth"]


@runtime_checkable
class Auth(Protocol):
    """Anything that can authenticate a request by adding headers."""

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """Headers that authenticate this exact request."""
        ...


class HmacAuth:
    """Convert request signing (HMAC-SHA256), as described in the API's "Request Signing".

    The string signed is ``application_id \\n expires \\n url \\n body``; ``url`` is the full URL
    sent (query string included) and ``body`` the exact bytes sent (empty without a body).

    >>> auth = HmacAuth("my-app-id", "my-secret", expires_in=60)
    >>> sorted(auth.headers("GET", "https://api.convert.com/api/v2/accounts", b""))
    ['Authorization', 'Convert-Application-ID', 'Expires']
    """

    __slots__ = ("_clock", "_secret", "application_id", "expires_in")

    def __init__(
        self,
        application_id: str,
        secret: str,
        *,
        expires_in: int = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not application_id or not secret:
            raise ValueError("HmacAuth needs a non-empty application_id and secret")
        if expires_in <= 0:
            raise ValueError("expires_in must be a positive number of seconds")
        self.application_id = application_id
        self.expires_in = expires_in
        self._secret = secret.encode()
        self._clock = clock

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        expires = str(int(self._clock()) + self.expires_in)
        sign_string = b"\n".join(
            (self.application_id.encode(), expires.encode(), url.encode(), body)
        )
        signature = hmac.new(self._secret, sign_string, hashlib.sha256).hexdigest()
        return {
            "Convert-Application-ID": self.application_id,
            "Expires": expires,
            "Authorization": f"Convert-HMAC-SHA256 Signature={signature}",
        }

    def __repr__(self) -> str:
        return (
            f"HmacAuth(application_id={self.application_id!r}, secret={REDACTED!r}, "
            f"expires_in={self.expires_in})"
        )


class SecretKeyAuth:
    """Convert secret-key authentication: ``Authorization: Bearer KEY_ID:KEY_SECRET``.

    >>> SecretKeyAuth("key-id", "key-secret")
    SecretKeyAuth(key_id='key-id', key_secret='<redacted>')
    """

    __slots__ = ("_header", "key_id")

    def __init__(self, key_id: str, key_secret: str) -> None:
        if not key_id or not key_secret:
            raise ValueError("SecretKeyAuth needs a non-empty key_id and key_secret")
        self.key_id = key_id
        self._header = f"Bearer {key_id}:{key_secret}"

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        return {"Authorization": self._header}

    def __repr__(self) -> str:
        return f"SecretKeyAuth(key_id={self.key_id!r}, key_secret={REDACTED!r})"
