"""Convert's authentication strategies: request signing, secret key and session cookies.

Shared by REST v1, REST v2 and the tracking client. The session calls ``headers`` once per
attempt with the exact URL and body bytes it is about to send, so a signature always covers
what goes on the wire.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from http.cookies import CookieError, SimpleCookie

from .._core.checks import check_credentials
from .._core.errors import ConfigurationError
from .._core.redaction import REDACTED

__all__ = ["CookieAuth", "HmacAuth", "SecretKeyAuth"]


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
        check_credentials("HmacAuth", application_id=application_id, secret=secret)
        if expires_in <= 0:
            raise ConfigurationError("HmacAuth: expires_in must be a positive number of seconds")
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
        check_credentials("SecretKeyAuth", key_id=key_id, key_secret=key_secret)
        self.key_id = key_id
        self._header = f"Bearer {key_id}:{key_secret}"

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        return {"Authorization": self._header}

    def __repr__(self) -> str:
        return f"SecretKeyAuth(key_id={self.key_id!r}, key_secret={REDACTED!r})"


class CookieAuth:
    """Session-cookie authentication, as used by Convert's own apps.

    The API reserves cookie sessions for Convert's first-party clients; everyone else should use
    an API key (:class:`HmacAuth` or :class:`SecretKeyAuth`). The strategy starts logged out,
    keeps the cookies the server sets (``client.cookie_auth.login(...)``) and forgets the ones it
    expires (``client.cookie_auth.logout()``).

    >>> auth = CookieAuth()
    >>> auth.observe(["session=abc; Path=/; HttpOnly"])
    >>> auth.logged_in, auth
    (True, CookieAuth(cookies=['session']))
    """

    __slots__ = ("_cookies",)

    def __init__(self) -> None:
        self._cookies: dict[str, str] = {}

    @property
    def logged_in(self) -> bool:
        """Whether a session cookie is held."""
        return bool(self._cookies)

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        if not self._cookies:
            return {}
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in self._cookies.items())}

    def observe(self, set_cookie_headers: Iterable[str]) -> None:
        for header in set_cookie_headers:
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(header)
            except CookieError:
                continue
            for name, morsel in jar.items():
                if not morsel.value or morsel["max-age"] in {"0", "-1"}:
                    self._cookies.pop(name, None)
                else:
                    self._cookies[name] = morsel.value

    def clear(self) -> None:
        """Forget the session (log out locally)."""
        self._cookies.clear()

    def __repr__(self) -> str:
        return f"CookieAuth(cookies={sorted(self._cookies)})"
