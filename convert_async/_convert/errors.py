"""Convert's error body, as every Convert API answers it."""

from __future__ import annotations

from typing import Any

import msgspec

from .._core.session import ErrorDetails

__all__ = ["parse_convert_error"]


class _ErrorBody(msgspec.Struct):
    code: int | None = None
    message: str | list[str] | None = None
    fields: str | list[str] | None = None
    parameters: list[str] = []
    errors: list[Any] = []


def _joined(value: str | list[str] | None) -> str | None:
    return "; ".join(value) if isinstance(value, list) else value


def parse_convert_error(body: bytes) -> ErrorDetails:
    """Convert's error body (the spec's ``ErrorData``): ``{"code": 422, "message": "..." |
    [...], "fields": "..." | [...]}``, plus the ``parameters`` and ``errors`` lists older
    replies carry; anything else gives empty details.

    >>> details = parse_convert_error(b'{"code": 422, "message": ["bad"], "fields": ["name"]}')
    >>> details.message, details.parameters
    ('bad', ['name'])
    """
    try:
        parsed = msgspec.json.decode(body, type=_ErrorBody)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError, RecursionError):
        return ErrorDetails()
    fields = parsed.fields
    named = [fields] if isinstance(fields, str) else list(fields or ())
    return ErrorDetails(
        parsed.code, _joined(parsed.message), named + parsed.parameters, parsed.errors
    )
