"""``PirschClient``: the async client for the Pirsch analytics API."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping
from functools import cached_property
from types import MappingProxyType
from typing import Any

import msgspec

from .._core._constants import DEFAULT_MAX_CONNECTIONS, USER_AGENT
from .._core.auth import Auth
from .._core.client import BaseClient, ClientOptions
from .._core.errors import ConfigurationError
from .._core.ratelimit import AdaptiveRateLimiter
from .._core.retry import RetryPolicy
from .._core.session import ErrorDetails, HttpSession, QueryValue, Timeout
from ._operations import ACCESS_KEY_OPERATIONS, OPERATIONS
from .auth import PirschAccessKey, PirschOAuth
from .resources import (
    AccessLinks,
    Clients,
    ConversionGoals,
    Domains,
    EmailReports,
    Events,
    Hits,
    Members,
    PirschAccessModeError,
    Sessions,
    Statistics,
    Tokens,
)
from .sender import PirschSender

__all__ = [
    "DEFAULT_BASE_URL",
    "ENV_ACCESS_KEY",
    "ENV_CLIENT_ID",
    "ENV_CLIENT_SECRET",
    "PirschClient",
    "parse_pirsch_error",
]

DEFAULT_BASE_URL = "https://api.pirsch.io/api/v1"
ENV_CLIENT_ID = "PIRSCH_CLIENT_ID"
ENV_CLIENT_SECRET = "PIRSCH_CLIENT_SECRET"  # noqa: S105 - a variable name, not a secret
ENV_ACCESS_KEY = "PIRSCH_ACCESS_KEY"
ENV_BASE_URL = "PIRSCH_BASE_URL"
#: Pirsch's documented quotas, ``(requests, seconds)`` by rate group of the operation table.
PIRSCH_RATE_LIMITS: Mapping[str, tuple[int, float]] = MappingProxyType(
    {"security": (10, 60.0), "config": (60, 60.0)}
)

_WRITE_ROUTES = frozenset(
    (OPERATIONS[name].http_method, OPERATIONS[name].path) for name in ACCESS_KEY_OPERATIONS
)


class _PirschErrorBody(msgspec.Struct):
    validation: dict[str, str] | None = None
    error: list[str] | str | None = None
    context: dict[str, Any] | None = None


def parse_pirsch_error(body: bytes) -> ErrorDetails:
    """Pirsch error bodies: ``{"validation": {field: message}, "error": [message]}``.

    ``message`` joins the errors and the field messages; ``parameters`` names the invalid
    fields; ``errors`` lists ``{"field", "message"}`` for each of them.

    >>> details = parse_pirsch_error(b'{"validation": {"hostname": "required"}, "error": []}')
    >>> details.parameters, details.message
    (['hostname'], 'hostname: required')
    """
    try:
        parsed = msgspec.json.decode(body, type=_PirschErrorBody)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return ErrorDetails()
    errors = [parsed.error] if isinstance(parsed.error, str) else list(parsed.error or [])
    validation = parsed.validation or {}
    parts = errors + [f"{name}: {text}" for name, text in validation.items()]
    return ErrorDetails(
        message="; ".join(parts) or None,
        parameters=list(validation),
        errors=[{"field": name, "message": text} for name, text in validation.items()],
    )


def _auth(
    auth: Auth | None,
    client_id: str | None,
    client_secret: str | None,
    access_key: str | None,
    refresh_margin: float,
    environ: Mapping[str, str],
) -> Auth:
    given = sum(x is not None for x in (auth, access_key)) + (client_id is not None)
    if given > 1:
        raise ConfigurationError("pass one of auth, client_id/client_secret or access_key")
    if auth is not None:
        return auth
    if access_key is not None:
        return PirschAccessKey(access_key)
    if client_id is not None:
        if not client_secret:
            raise ConfigurationError("client_id needs its client_secret")
        return PirschOAuth(client_id, client_secret, refresh_margin=refresh_margin)
    env_id, env_secret = environ.get(ENV_CLIENT_ID), environ.get(ENV_CLIENT_SECRET)
    if env_id and env_secret:
        return PirschOAuth(env_id, env_secret, refresh_margin=refresh_margin)
    env_key = environ.get(ENV_ACCESS_KEY)
    if env_key:
        return PirschAccessKey(env_key)
    raise ConfigurationError(
        f"no credentials: pass client_id/client_secret or access_key, or set {ENV_CLIENT_ID} "
        f"and {ENV_CLIENT_SECRET} (or {ENV_ACCESS_KEY})"
    )


class PirschClient(BaseClient):
    """Async client for the Pirsch analytics API.

    With an oAuth client (``client_id`` + ``client_secret``) the client exchanges them for an
    access token on first use, renews it before ``expires_at`` and once after a 401, sharing one
    renewal between concurrent requests. With an access key (``access_key="pa_..."``) it can
    only send hits, events and sessions; anything else raises
    :class:`~convert_async.pirsch.PirschAccessModeError` before sending::

        async with PirschClient(client_id="...", client_secret="...") as pirsch:
            f = StatisticsFilter(domain_id="...", from_=date(2024, 5, 1), to=date(2024, 5, 31))
            async for page in pirsch.statistics.pages(f):
                print(page.path, page.visitors)

    Without arguments the credentials come from ``PIRSCH_CLIENT_ID`` / ``PIRSCH_CLIENT_SECRET``
    (or ``PIRSCH_ACCESS_KEY``), and ``PIRSCH_BASE_URL`` overrides the default base URL (to point
    a program at :class:`~convert_async.testing.FakePirsch`). Pirsch's documented quotas are
    kept on the client side: ``rate_limits`` maps each quota (``"security"``: the token
    exchange, ``"config"``: domain management) to ``(requests, seconds)``, by default 10 and 60
    a minute; pass ``{}`` to turn them off. Each quota has an
    :class:`~convert_async.AdaptiveRateLimiter` (see :attr:`rate_limiters`) that also obeys
    ``X-RateLimit-Remaining`` / ``X-RateLimit-Reset`` and slows down on 429; statistics and
    tracking are not limited. :meth:`sender` makes a batched hit/event sender. The other options
    are those of :class:`~convert_async.ConvertClient`.
    """

    def __init__(
        self,
        client_id: str | None = None,
        client_secret: str | None = None,
        *,
        access_key: str | None = None,
        auth: Auth | None = None,
        base_url: str | None = None,
        refresh_margin: float = 60.0,
        rate_limits: Mapping[str, tuple[int, float]] = PIRSCH_RATE_LIMITS,
        timeout: float | Timeout | None = None,
        max_retries: int | None = None,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        retry_writes: bool = False,
        page_concurrency: int = 1,
        retry: RetryPolicy | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = USER_AGENT,
    ) -> None:
        http = HttpSession(
            base_url=base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            auth=_auth(auth, client_id, client_secret, access_key, refresh_margin, os.environ),
            max_connections=max_connections,
            user_agent=user_agent,
            verify_ssl=verify_ssl,
            error_parser=parse_pirsch_error,
            rate_limiters={
                group: AdaptiveRateLimiter.per_period(requests, seconds)
                for group, (requests, seconds) in rate_limits.items()
            },
        )
        options = ClientOptions.build(
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            retry_writes=retry_writes,
            page_concurrency=page_concurrency,
        )
        super().__init__(http, options)

    @property
    def auth(self) -> Auth | None:
        """The auth strategy (:class:`PirschOAuth`, :class:`PirschAccessKey`, or yours)."""
        return self._http.auth

    @property
    def rate_limiters(self) -> Mapping[str, AdaptiveRateLimiter]:
        """The limiter of each quota, by name (``"security"``, ``"config"``), for stats."""
        return self._http.rate_limiters

    @property
    def write_only(self) -> bool:
        """True with an access key: only hits, events and sessions may be sent."""
        return bool(getattr(self._http.auth, "write_only", False))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, QueryValue] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Call any endpoint with the client's credentials (see
        :meth:`BaseClient.request <convert_async._core.client.BaseClient.request>`); with an
        access key only the tracking endpoints are allowed."""
        if self.write_only and (method.upper(), path.split("?")[0]) not in _WRITE_ROUTES:
            raise PirschAccessModeError(
                f"{method.upper()} {path} needs an oAuth client: an access key can only send "
                "hits, events and sessions"
            )
        return await super().request(method, path, params=params, json=json, headers=headers)

    def sender(self, **options: Any) -> PirschSender:
        """A batched, non-blocking hit/event sender posting to ``/hit/batch`` and
        ``/event/batch`` through this client (see :class:`PirschSender` for ``options``)."""
        return PirschSender(self, **options)

    def __repr__(self) -> str:
        return f"PirschClient(base_url={self.base_url!r}, auth={self._http.auth!r})"

    tokens = cached_property(Tokens)
    hits = cached_property(Hits)
    events = cached_property(Events)
    sessions = cached_property(Sessions)
    statistics = cached_property(Statistics)
    domains = cached_property(Domains)
    access_links = cached_property(AccessLinks)
    members = cached_property(Members)
    clients = cached_property(Clients)
    email_reports = cached_property(EmailReports)
    conversion_goals = cached_property(ConversionGoals)
