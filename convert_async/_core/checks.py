"""Checks on what a caller hands the SDK, so bad input becomes a typed error before sending.

Path and query values are percent-encoded (any character is fine once it has a UTF-8 form);
header values travel as they are, so control characters there could split the request.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from yarl import URL

from .errors import ConfigurationError, RequestValidationError
from .redaction import redact_url

__all__ = [
    "as_text",
    "check_base_url",
    "check_credentials",
    "check_header",
    "check_method",
    "check_text",
    "check_url",
    "text_problem",
]

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


def as_text(name: str, value: object) -> str:
    """``value`` as it goes into a path or query string (``true``/``false`` for booleans);
    :class:`RequestValidationError` naming ``name`` when it cannot be sent.

    >>> as_text("page", 2), as_text("archived", False), as_text("q", "a b")
    ('2', 'false', 'a b')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        text = str(value)
    except ValueError as exc:  # an int past Python's 4,300-digit conversion limit
        raise RequestValidationError(name, f"cannot be written out ({exc})") from None
    check_text(name, text)
    return text


#: An HTTP method is a token (RFC 9110 9.1): letters, digits and a few symbols.
_METHOD = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def check_method(method: str) -> str:
    """``method`` upper-cased, if it is an HTTP method token; else RequestValidationError.

    >>> check_method("get")
    'GET'
    """
    if not isinstance(method, str) or _METHOD.fullmatch(method) is None:
        raise RequestValidationError("method", f"{method!a} is not an HTTP method")
    return method.upper()


def check_credentials(owner: str, **values: str) -> None:
    """Raise :class:`ConfigurationError` if a credential is empty or cannot travel in a header
    (a control character would split the request). The message names the argument and never
    shows its value.

    >>> check_credentials("MyAuth", key_id="id", token=" ")
    Traceback (most recent call last):
    ...
    convert_async._core.errors.ConfigurationError: MyAuth: token must be a non-empty string
    """
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{owner}: {name} must be a non-empty string")
        problem = text_problem(value, header=True)
        if problem is not None:
            raise ConfigurationError(f"{owner}: {name} {problem}")


def check_header(name: str, value: str) -> None:
    """Raise :class:`RequestValidationError` if header ``name`` or its ``value`` cannot be sent."""
    if (
        not isinstance(name, str)
        or not name
        or text_problem(name, header=True) is not None
        or ":" in name
    ):
        raise RequestValidationError(repr(name), "is not a valid header name")
    if not isinstance(value, str):
        raise RequestValidationError(name, f"must be a string, not {type(value).__name__}")
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
            URL(url)  # what the request is sent with: it refuses more (a bad IPv6 literal)
        except ValueError as exc:
            problem = f"is not a valid URL ({exc})"
        else:
            if parts.scheme not in ("http", "https") or not parts.hostname:
                problem = "is not an absolute http(s) URL"
            else:
                problem = _host_problem(parts.hostname)
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
    if parts.username is not None or parts.password is not None:
        # Never echoed: the part before "@" is a credential.
        raise ConfigurationError(f"{name}: must not carry a user or password (pass an auth)")
    return url


def _host_problem(host: str) -> str | None:
    """What keeps ``host`` from being looked up (a label over 63 characters), or None."""
    if ":" in host:  # an IPv6 literal, checked by the URL parser
        return None
    try:
        host.encode("idna")
    except UnicodeError as exc:
        return f"has a host name that cannot be looked up ({exc})"
    return None


#: A URL's user and password: from after ``scheme://`` (or the start) to the authority's last
#: "@".
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)?[^/?#]*@")


def _shown(url: str) -> str:
    """``url`` as it may be printed: credential-like query values redacted, characters that
    cannot be printed escaped, and anything before an "@" in the authority (a user and
    password, however malformed the rest) replaced."""
    url = _USERINFO.sub(r"\g<scheme><redacted>@", url, count=1)
    try:
        safe = redact_url(url)
    except ValueError:
        safe = url.split("?", 1)[0]
    return ascii(safe)
