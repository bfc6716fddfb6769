"""``GiosgClient``: the async client for the giosg Experiments API."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import msgspec

from .._core._constants import DEFAULT_MAX_CONNECTIONS, USER_AGENT
from .._core.auth import Auth
from .._core.client import BaseClient, ClientOptions
from .._core.errors import ConfigurationError
from .._core.retry import RetryPolicy
from .._core.session import ErrorDetails, HttpSession, Timeout
from ._operations import REPORTING
from .auth import GiosgTokenAuth
from .resources import Experiments

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_REPORTING_BASE_URL",
    "ENV_TOKEN",
    "GiosgClient",
    "parse_giosg_error",
]

DEFAULT_BASE_URL = "https://service.giosg.com/api/v5"
DEFAULT_REPORTING_BASE_URL = "https://api.giosg.com/api/reporting/v3"
ENV_TOKEN = "GIOSG_API_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_BASE_URL = "GIOSG_BASE_URL"
ENV_REPORTING_BASE_URL = "GIOSG_REPORTING_BASE_URL"


def parse_giosg_error(body: bytes) -> ErrorDetails:
    """giosg error bodies: ``{"detail": "..."}`` or field errors ``{"field": ["msg", ...]}``.

    >>> parse_giosg_error(b'{"name": ["This field is required."]}').parameters
    ['name']
    """
    try:
        parsed = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return ErrorDetails()
    if not isinstance(parsed, dict):
        return ErrorDetails()
    detail = parsed.get("detail")
    if isinstance(detail, str):
        return ErrorDetails(message=detail)
    fields: dict[str, str] = {}
    for name, value in parsed.items():
        messages = value if isinstance(value, list) else [value]
        fields[str(name)] = "; ".join(str(m) for m in messages)
    message = "; ".join(f"{name}: {text}" for name, text in fields.items()) or None
    parameters = [name for name in fields if name != "non_field_errors"]
    errors: list[Any] = [{"field": name, "message": text} for name, text in fields.items()]
    return ErrorDetails(message=message, parameters=parameters, errors=errors)


def _auth(auth: Auth | None, token: str | None, environ: Mapping[str, str]) -> Auth:
    if auth is not None and token is not None:
        raise ConfigurationError("pass either auth or token, not both")
    if auth is not None:
        return auth
    token = token or environ.get(ENV_TOKEN)
    if not token:
        raise ConfigurationError(
            f"no credentials: pass token=..., auth=GiosgTokenAuth(...) / GiosgBearerAuth(...), "
            f"or set {ENV_TOKEN}"
        )
    return GiosgTokenAuth(token)


class GiosgClient(BaseClient):
    """Async client for the giosg Experiments API (and its Reporting API results).

    ::

        async with GiosgClient(token="...") as giosg:
            async for experiment in giosg.experiments.list(organization_id=org_id):
                print(experiment.name)

    ``token`` is a user API token (``Authorization: Token ...``); for an OAuth2 access token
    pass ``auth=GiosgBearerAuth(token)``. With neither, ``GIOSG_API_TOKEN`` is read.
    ``base_url`` serves the experiments and ``reporting_base_url`` the weekly results (another
    host); ``GIOSG_BASE_URL`` and ``GIOSG_REPORTING_BASE_URL`` override their defaults. The other
    options are those of :class:`~convert_async.ConvertClient`.
    """

    def __init__(
        self,
        auth: Auth | None = None,
        *,
        token: str | None = None,
        base_url: str | None = None,
        reporting_base_url: str | None = None,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        retry_writes: bool = False,
        retry: RetryPolicy | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = USER_AGENT,
    ) -> None:
        env = os.environ
        reporting = reporting_base_url or env.get(ENV_REPORTING_BASE_URL)
        http = HttpSession(
            base_url=base_url or env.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            auth=_auth(auth, token, env),
            max_connections=max_connections,
            user_agent=user_agent,
            verify_ssl=verify_ssl,
            error_parser=parse_giosg_error,
            base_urls={REPORTING: reporting or DEFAULT_REPORTING_BASE_URL},
        )
        options = ClientOptions.build(
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            retry_writes=retry_writes,
            page_concurrency=1,
        )
        super().__init__(http, options)

    @property
    def reporting_base_url(self) -> str:
        """The Reporting API base URL (weekly results)."""
        return self._http.base_urls[REPORTING]

    def __repr__(self) -> str:
        return (
            f"GiosgClient(base_url={self.base_url!r}, "
            f"reporting_base_url={self.reporting_base_url!r}, auth={self._http.auth!r})"
        )

    experiments = cached_property(Experiments)
