"""Checks on what a caller hands the SDK, so bad input becomes a typed error before sending.

Path and query values are percent-encoded (any character is fine once it has a UTF-8 form);
header values travel as they are, so control characters there could split the request.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import ConfigurationError, RequestValidationError
from .redaction import redact_url

__all__ = ["check_base_url", "check_header", "check_text", "check_url", "text_problem"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 controls except horizontal tab, and DEL: never valid in a header value (RFC 9110 5.5).
_HEADER_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
# Whitespace and controls cannot appear raw in a URL on the wire.
_URL_CONTROL = re.compile("[\x00-\x20\x7f]")


def text_problem(value: str, *, header: bool = False) -> str | None:
    """What makes ``value`` unsendable, or None.

    >>> text_problem("a\\ud800")
    'contains a lone surrogate (U+D800) at index 1, which has no UTF-8 form'
    >>> text_problem("a\\r\\nb", header=True)
    'contains a control character (U+000D) at index 1, not allowed in a header'
    """
    found = _SURROGATE.search(value)
    if found is not None:
        return (
            f"contains a lone surrogate (U+{ord(found.group()):04X}) at index {found.start()}, "
            "which has no UTF-8 form"
        )
    if header:
        found = _HEADER_CONTROL.search(value)
        if found is not None:
            return (
                f"contains a control character (U+{ord(found.group()):04X}) at index "
                f"{found.start()}, not allowed in a header"
            )
    return None


def check_text(name: str, value: str) -> None:
    """Raise :class:`RequestValidationError` naming ``name`` if ``value`` cannot be sent in a
    path or query string."""
    problem = text_problem(value)
    if problem is not None:
        raise RequestValidationError(name, problem)


def check_header(name: str, value: str) -> None:
    """Raise :class:`RequestValidationError` if header ``name`` or its ``value`` cannot be sent."""
    if not name or text_problem(name, header=True) is not None or ":" in name:
        raise RequestValidationError(repr(name), "is not a valid header name")
    problem = text_problem(value, header=True)
    if problem is not None:
        raise RequestValidationError(name, problem)


def check_url(url: str) -> None:
    """Raise :class:`RequestValidationError` if ``url`` cannot go on the wire as it is."""
    problem = text_problem(url)
    if problem is None:
        found = _URL_CONTROL.search(url)
        if found is not None:
            problem = (
                f"contains a space or control character (U+{ord(found.group()):04X}) at "
                f"index {found.start()}"
            )
    if problem is None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError as exc:
            problem = f"is not a valid URL ({exc})"
        else:
            if parts.scheme not in ("http", "https") or not parts.hostname:
                problem = "is not an absolute http(s) URL"
    if problem is not None:
        raise RequestValidationError("url", f"{_shown(url)} {problem}")


def check_base_url(name: str, url: str) -> str:
    """``url`` if it is a usable base URL (absolute http(s), a host, nothing after the path),
    else raise :class:`ConfigurationError` saying what is wrong."""
    try:
        check_url(url)
        parts = urlsplit(url)
    except RequestValidationError as exc:
        raise ConfigurationError(f"{name}: {exc.message}") from None
    if parts.query or parts.fragment:
        raise ConfigurationError(f"{name}: {_shown(url)} must not have a query or fragment")
    return url


def _shown(url: str) -> str:
    """``url`` as it may be printed: credential-like query values redacted, characters that
    cannot be printed escaped."""
    try:
        safe = redact_url(url)
    except ValueError:
        safe = url.split("?", 1)[0]
    return ascii(safe)
