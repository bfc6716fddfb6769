"""Redaction of secrets in anything that may be printed: URLs, headers, reprs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "<redacted>"

_SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "report_token"})
_SENSITIVE_QUERY_WORDS = ("token", "secret", "password", "signature", "auth", "key")
#: Shorter pieces of a credential would match ordinary text: reply bodies keep them, the CLI
#: scrubs them only where they stand alone.
SHORTEST_SECRET = 8


def redact_url(url: str) -> str:
    """Replace the values of query parameters that look like credentials.

    >>> redact_url("https://h/x?page=2&debug_token=abc")
    'https://h/x?page=2&debug_token=%3Credacted%3E'
    """
    try:
        parts = urlsplit(url)
    except ValueError:  # no URL (a server's Location can hold anything): keep no query
        base, question, _ = url.partition("?")
        return base + (f"?{REDACTED}" if question else "")
    if not parts.query:
        return url
    pairs = [
        (name, REDACTED if any(w in name.lower() for w in _SENSITIVE_QUERY_WORDS) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit(parts._replace(query=urlencode(pairs)))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with credential-carrying values replaced."""
    return {
        name: REDACTED if name.lower() in _SENSITIVE_HEADERS else value
        for name, value in headers.items()
    }


def credential_pieces(sent: Mapping[str, str], secrets: Iterable[str] = ()) -> list[str]:
    """The strings of the ``sent`` headers' credentials (and of ``secrets``) a reply could
    echo, longest first:
    each whole value, the credential without its scheme, its secret half ("key_id:secret"),
    the values of its ``name=value`` parts (an HMAC ``Signature=<hex>``), and each of those as
    JSON writes it (``/`` as ``\\/``, as PHP's ``json_encode`` does). A server may echo an
    ``Authorization`` header back in an error, which then ends up in an exception message
    and in logs.

    >>> credential_pieces({"Authorization": "Bearer kid:s3cr3t/value"})[-1]
    's3cr3t/value'
    """
    pieces: set[str] = set()
    for name, value in sent.items():
        if name.lower() not in _SENSITIVE_HEADERS:
            continue
        credential = value.partition(" ")[2] or value  # without the scheme ("Bearer")
        pieces.update((value, credential, credential.rpartition(":")[2]))
        for part in re.split(r"[\s,;]+", credential):
            pieces.add(part.partition("=")[2])
    pieces.update(secrets)
    found = {p for p in pieces if len(p) >= SHORTEST_SECRET}
    escaped = {json.dumps(p)[1:-1] for p in found} | {p.replace("/", "\\/") for p in found}
    return sorted(found | escaped, key=lambda piece: (-len(piece), piece))
