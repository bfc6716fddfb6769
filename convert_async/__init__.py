"""convert_async: an asyncio SDK for the Convert Experiences APIs.

>>> from convert_async import ConvertClient, HmacAuth
"""

from typing import TYPE_CHECKING, Any

from ._convert import CookieAuth, HmacAuth, SecretKeyAuth
from ._core.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientStateError,
    ConfigurationError,
    ConflictError,
    ConvertError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestValidationError,
    ResponseTooLargeError,
    UnprocessableEntityError,
)
from ._core.pagination import AsyncPager, Page
from ._core.ratelimit import AdaptiveRateLimiter, RateLimiterStats
from ._core.replies import RawReply, capture_replies
from ._core.retry import RetryPolicy
from ._core.session import Timeout
from ._logging import configure_from_environment
from ._version import __version__
from .v2 import ConvertClient

if TYPE_CHECKING:
    from .serving import TrackingClient

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AdaptiveRateLimiter",
    "AsyncPager",
    "AuthenticationError",
    "BadRequestError",
    "ClientStateError",
    "ConfigurationError",
    "ConflictError",
    "ConvertClient",
    "ConvertError",
    "CookieAuth",
    "HmacAuth",
    "InternalServerError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiterStats",
    "RawReply",
    "RedirectError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "SecretKeyAuth",
    "Timeout",
    "TrackingClient",
    "UnprocessableEntityError",
    "__version__",
    "capture_replies",
]


def __getattr__(name: str) -> Any:
    # The tracking client (and its config models) loads when first used.
    if name == "TrackingClient":
        from .serving import TrackingClient

        return TrackingClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


configure_from_environment()
