"""``ConvertClient``: the async client for the Convert REST API v2."""

from __future__ import annotations

import os
import ssl
from collections.abc import Mapping

from .._convert import CONVERT_ENVELOPES, HmacAuth, SecretKeyAuth, parse_convert_error
from .._core._constants import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_PAGE_CONCURRENCY,
    USER_AGENT,
)
from .._core.auth import Auth
from .._core.client import BaseClient, ClientOptions
from .._core.errors import ConfigurationError
from .._core.ratelimit import AdaptiveRateLimiter
from .._core.retry import RetryPolicy
from .._core.session import HttpSession, Timeout
from ._client_resources import ResourceAttributes

__all__ = ["DEFAULT_BASE_URL", "ConvertClient", "auth_from_env"]

DEFAULT_BASE_URL = "https://api.convert.com/api/v2"

ENV_KEY_ID = "CONVERT_API_KEY_ID"
ENV_KEY_SECRET = "CONVERT_API_KEY_SECRET"  # noqa: S105 - a variable name, not a secret
ENV_AUTH_METHOD = "CONVERT_AUTH_METHOD"
ENV_BASE_URL = "CONVERT_BASE_URL"


def auth_from_env(environ: Mapping[str, str] | None = None) -> Auth:
    """Credentials from the environment.

    ``CONVERT_API_KEY_ID`` and ``CONVERT_API_KEY_SECRET`` hold the API key;
    ``CONVERT_AUTH_METHOD`` is ``hmac`` (request signing, the default) or ``secret_key``
    (``Authorization: Bearer ID:SECRET``), matching the key's ``auth_type``.
    """
    env = os.environ if environ is None else environ
    key_id, secret = env.get(ENV_KEY_ID, ""), env.get(ENV_KEY_SECRET, "")
    if not key_id or not secret:
        raise ConfigurationError(
            f"no credentials: pass auth=HmacAuth(...) or SecretKeyAuth(...), "
            f"or set {ENV_KEY_ID} and {ENV_KEY_SECRET}"
        )
    method = env.get(ENV_AUTH_METHOD, "hmac").strip().lower()
    if method == "hmac":
        return HmacAuth(key_id, secret)
    if method == "secret_key":
        return SecretKeyAuth(key_id, secret)
    raise ConfigurationError(f"{ENV_AUTH_METHOD} must be 'hmac' or 'secret_key', not {method!r}")


class ConvertClient(ResourceAttributes, BaseClient):
    """Async client for the Convert REST API v2.

    One connection pool per client, opened by ``async with`` and closed on exit::

        async with ConvertClient(auth=HmacAuth(app_id, secret)) as client:
            async for exp in client.experiences.list(account_id=1, project_id=2):
                print(exp.name)

    With ``auth=None`` the credentials come from the environment (see :func:`auth_from_env`),
    and ``CONVERT_BASE_URL`` overrides the default base URL.

    ``timeout`` is seconds per attempt (or a :class:`Timeout`); ``max_retries`` bounds
    retries of requests that are safe to repeat (default 3); ``retry_writes=True`` also
    retries writes (only if your writes are idempotent); ``page_concurrency`` bounds pages
    fetched at once by list iterators; ``rate_limiter`` paces every request (default: a fresh
    :class:`AdaptiveRateLimiter`, unlimited until the first 429, shared by the page fan-out,
    ``with_options`` copies and :func:`export_reports`); ``retry`` replaces the whole retry
    policy (e.g. to inject a sleep in tests).
    """

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
        rate_limiter: AdaptiveRateLimiter | None = None,
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = USER_AGENT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        http = HttpSession(
            base_url=base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            auth=auth if auth is not None else auth_from_env(),
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            user_agent=user_agent,
            verify_ssl=verify_ssl,
            error_parser=parse_convert_error,
        )
        options = ClientOptions.build(
            timeout=timeout,
            max_retries=max_retries,
            retry=retry,
            retry_writes=retry_writes,
            page_concurrency=page_concurrency,
            rate_limiter=rate_limiter if rate_limiter is not None else AdaptiveRateLimiter(),
        )
        super().__init__(http, options, CONVERT_ENVELOPES)

    def __repr__(self) -> str:
        return f"ConvertClient(base_url={self.base_url!r}, auth={self._http.auth!r})"
