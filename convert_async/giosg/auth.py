"""giosg authentication: a user API token (``Token``) or an OAuth2 access token (``Bearer``).

giosg's Reporting API (the experiments' weekly results) takes API tokens only: "You need to
authenticate using API tokens when using reporting APIs" and "Authorization: Token <api_key>"
(docs.giosg.com/api_reference/reporting/http_api/general). A Bearer token is refused there
before anything is sent (:class:`GiosgReportingAuthError`).
"""

from __future__ import annotations

from typing import ClassVar

from .._core.checks import check_credentials
from .._core.errors import ConvertError
from .._core.redaction import REDACTED

__all__ = ["REPORTING_AUTH_DOCS", "GiosgBearerAuth", "GiosgReportingAuthError", "GiosgTokenAuth"]

REPORTING_AUTH_DOCS = "https://docs.giosg.com/api_reference/reporting/http_api/general"
"""giosg's Reporting API page that requires API tokens (``Authorization: Token ...``)."""


class GiosgReportingAuthError(ConvertError, PermissionError):
    """A Reporting API call (weekly results) with an OAuth2 Bearer token: giosg's reporting
    docs require a user API token (``Authorization: Token ...``). Raised before sending."""


class GiosgTokenAuth:
    """A giosg user API token: ``Authorization: Token <token>``.

    Create one in Console > Settings > Company > Access tokens; it carries the permissions of
    the user who created it.

    >>> GiosgTokenAuth("abc").headers("GET", "https://service.giosg.com/api/v5/x", b"")
    {'Authorization': 'Token abc'}
    """

    __slots__ = ("_header",)
    SCHEME: ClassVar[str] = "Token"

    def __init__(self, token: str) -> None:
        check_credentials(type(self).__name__, token=token)
        self._header = f"{self.SCHEME} {token.strip()}"

    def headers(self, method: str, url: str, body: bytes) -> dict[str, str]:
        """The ``Authorization`` header (the same for every request)."""
        return {"Authorization": self._header}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token={REDACTED!r})"


class GiosgBearerAuth(GiosgTokenAuth):
    """An OAuth2 / OpenID Connect access token: ``Authorization: Bearer <token>``.

    Good for the Experiments API; the Reporting API (weekly results) needs a
    :class:`GiosgTokenAuth` API token instead (giosg's reporting docs).

    >>> GiosgBearerAuth("abc").headers("GET", "https://service.giosg.com/api/v5/x", b"")
    {'Authorization': 'Bearer abc'}
    """

    __slots__ = ()
    SCHEME: ClassVar[str] = "Bearer"
