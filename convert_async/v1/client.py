"""``ConvertV1Client``: the async client for the deprecated Convert REST API v1."""

from __future__ import annotations

import os
import ssl
import warnings
from functools import cached_property

from .._convert import CONVERT_ENVELOPES, parse_convert_error
from .._core._constants import DEFAULT_MAX_CONNECTIONS, DEFAULT_PAGE_CONCURRENCY, USER_AGENT
from .._core.auth import Auth
from .._core.client import BaseClient, ClientOptions
from .._core.retry import RetryPolicy
from .._core.session import HttpSession, Timeout
from ..v2.client import auth_from_env
from .resources import Audiences, Experiences, Goals, Hypotheses, Projects, Reports, Variations

__all__ = ["DEFAULT_BASE_URL", "ENV_BASE_URL", "ConvertV1Client"]

DEFAULT_BASE_URL = "https://api.convert.com/api/v1"
ENV_BASE_URL = "CONVERT_V1_BASE_URL"

_DEPRECATION = (
    "the Convert REST API v1 is deprecated and will be phased out: use "
    "convert_async.ConvertClient (API v2, https://api.convert.com/api/v2) instead; "
    "convert_async.v1.V2_EQUIVALENTS maps each v1 operation to its v2 replacement"
)


class ConvertV1Client(BaseClient):
    """Async client for the deprecated Convert REST API v1.

    Constructing it emits a :class:`DeprecationWarning`: new code should use
    :class:`~convert_async.ConvertClient` (v2); ``convert_async.v1.V2_EQUIVALENTS`` names the
    v2 operation replacing each v1 one. Requests are signed like v2 (:class:`~convert_async.
    HmacAuth`); ids are strings::

        async with ConvertV1Client(auth=HmacAuth(app_id, secret)) as client:
            async for experience in client.experiences.list(project_id="10025986"):
                print(experience.name)

    With ``auth=None`` the credentials come from the same environment variables as
    :class:`~convert_async.ConvertClient` (``CONVERT_API_KEY_ID`` / ``CONVERT_API_KEY_SECRET``);
    ``CONVERT_V1_BASE_URL`` overrides the base URL. The other options are those of
    :class:`~convert_async.ConvertClient`.
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
        verify_ssl: bool | ssl.SSLContext = True,
        user_agent: str = USER_AGENT,
    ) -> None:
        warnings.warn(_DEPRECATION, DeprecationWarning, stacklevel=2)
        http = HttpSession(
            base_url=base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL,
            auth=auth if auth is not None else auth_from_env(),
            max_connections=max_connections,
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
        )
        super().__init__(http, options, CONVERT_ENVELOPES)

    def __repr__(self) -> str:
        return f"ConvertV1Client(base_url={self.base_url!r}, auth={self._http.auth!r})"

    projects = cached_property(Projects)
    experiences = cached_property(Experiences)
    variations = cached_property(Variations)
    goals = cached_property(Goals)
    hypotheses = cached_property(Hypotheses)
    audiences = cached_property(Audiences)
    reports = cached_property(Reports)
