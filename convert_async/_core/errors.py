"""The exception hierarchy: one base class, transport errors, status errors per HTTP status.

Every message and attribute is built from redacted data: no secret can leak through an exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStateError",
    "ConfigurationError",
    "ConflictError",
    "ConvertError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "UnprocessableEntityError",
]


class ConvertError(Exception):
    """Base class of every error raised by convert_async."""


class ClientStateError(ConvertError, RuntimeError):
    """The client was used outside ``async with`` (or after it was closed)."""


class ConfigurationError(ConvertError, ValueError):
    """A client was given settings it cannot work with (a malformed ``base_url``, a limit
    below its minimum). Raised by the constructor, before anything is sent."""


class RequestValidationError(ConvertError, ValueError):
    """Arguments were rejected before any request was sent.

    ``field`` names the offending argument or body field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class APIResponseValidationError(ConvertError):
    """The server answered, but the body does not fit the expected shape.

    ``operation`` is the operation that was called and ``field`` the JSON path that did not fit
    (``$`` when the body is not JSON at all).
    """

    def __init__(self, operation: str, field: str, message: str) -> None:
        super().__init__(f"{operation}: invalid response at {field}: {message}")
        self.operation = operation
        self.field = field
        self.message = message


class ResponseTooLargeError(APIResponseValidationError):
    """The reply is longer than the client's ``max_response_bytes``; it was not read whole.

    ``limit`` is the cap in bytes; ``size`` the announced ``Content-Length`` when the server
    sent one (None when the reply was cut off while counting).
    """

    def __init__(self, method: str, url: str, *, limit: int, size: int | None) -> None:
        told = f"announced {size} bytes" if size is not None else "kept coming"
        super().__init__(
            f"{method} {url}",
            "$",
            f"reply {told}, over max_response_bytes ({limit}): not read; raise the limit "
            "with max_response_bytes= or stream it to a file",
        )
        self.limit = limit
        self.size = size


class APIConnectionError(ConvertError):
    """The request failed before a complete response arrived (refused, reset, truncated)."""

    def __init__(self, method: str, url: str, message: str = "Connection error") -> None:
        super().__init__(f"{message} ({method} {url})")
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout."""

    def __init__(self, method: str, url: str) -> None:
        super().__init__(method, url, "Request timed out")


class APIStatusError(ConvertError):
    """The server answered with a 4xx or 5xx status.

    ``code``, ``message``, ``parameters`` (the fields the error names) and ``errors`` come from
    the API's error body, as its client's error parser reads it.
    """

    status: int

    def __init__(
        self,
        *,
        status: int,
        method: str,
        url: str,
        code: int | None = None,
        message: str | None = None,
        parameters: Sequence[str] = (),
        errors: Sequence[Any] = (),
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> None:
        detail = message or "no error message"
        super().__init__(f"{status} {detail} ({method} {url})")
        self.status = status
        self.method = method
        self.url = url
        self.code = code
        self.message = message
        self.parameters = list(parameters)
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.body = body


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: missing, wrong or expired credentials or signature."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422: the API rejected a parameter (see ``parameters``)."""


class RateLimitError(APIStatusError):
    """429. ``retry_after`` is the server's requested wait in seconds, when it sent one."""

    retry_after: float | None = None


class RedirectError(APIStatusError):
    """A 3xx that was not followed: a redirect on a call that does not expect one, or a
    download link whose redirect is unsafe (to plain http, a loop, too many hops).

    ``location`` is where the server pointed (credential-like query values redacted).
    """

    location: str | None = None


class InternalServerError(APIStatusError):
    """5xx."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    """The exception class for an HTTP status (``APIStatusError`` for unlisted 4xx)."""
    if status >= 500:
        return InternalServerError
    return _STATUS_ERRORS.get(status, APIStatusError)
