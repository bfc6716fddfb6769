"""JSON encoding and typed decoding with msgspec.

Decoders are built once per type and cached: building one walks the whole type tree, decoding
with it is a single pass over the bytes straight into Structs.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Generic, TypeVar

import msgspec

from .errors import APIResponseValidationError, RequestValidationError

__all__ = [
    "CursorEnvelope",
    "RequestModel",
    "ResponseModel",
    "check_encoded_size",
    "decode_json",
    "encode_json",
    "validate_request",
]

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder()
_PATH_IN_MESSAGE = re.compile(r" - at `(?P<path>[^`]+)`$")


class ResponseModel(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of every decoded response object.

    Unknown fields are ignored (the API grows); enum-like fields are typed ``str`` so a new value
    never breaks decoding.
    """


class RequestModel(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Base of every request body: fields left at their default (``UNSET``) are not sent."""

    def validate_fields(self) -> None:
        """Rules that span several fields (checked before sending, after the ``Meta`` limits).

        Raise :class:`RequestValidationError` naming the field; the default checks nothing.
        """

    def to_query(self) -> dict[str, Any]:
        """The fields as query parameters, for operations that send this model in the query
        string: scalars and lists of scalars, keyed by their wire names."""
        built = msgspec.to_builtins(self)
        assert isinstance(built, dict)
        return {name: value for name, value in built.items() if value is not None}


class Pagination(ResponseModel):
    """Where a page sits in the whole list."""

    current_page: int | None = None
    items_count: int | None = None
    items_per_page: int | None = None
    pages_count: int | None = None


@functools.cache
def _decoder(type_: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(type_)


def encode_json(value: object) -> bytes:
    """Encode ``value`` (Structs, dicts, lists, ...) to compact JSON bytes.

    A value JSON cannot carry (a lone surrogate in a string, an object msgspec has no form
    for) raises :class:`RequestValidationError`.
    """
    encoded = _encode(value, "body")
    if b"null" in encoded:  # msgspec writes NaN and infinities as null: find any
        where = _non_finite(msgspec.to_builtins(value), "body")
        if where is not None:
            raise RequestValidationError(where, "NaN and infinity have no JSON form")
    return encoded


def check_encoded_size(value: object, *, field: str, limit: int) -> None:
    """Raise :class:`RequestValidationError` (naming ``field``) unless ``value`` encodes as
    JSON in at most ``limit`` bytes: an event refused when it is queued, rather than failing
    later in a batch or a spool. (NaN is not looked for: callers check their numbers.)"""
    size = len(_encode(value, field))
    if size > limit:
        raise RequestValidationError(
            field, f"is {size:,} bytes as JSON; at most {limit:,} are accepted"
        )


def _encode(value: object, field: str) -> bytes:
    """``value`` as JSON; what JSON cannot carry is a :class:`RequestValidationError`."""
    try:
        return _ENCODER.encode(value)
    except UnicodeEncodeError as exc:
        problem = f"a string holds a lone surrogate (U+{ord(exc.object[exc.start]):04X}), "
        raise RequestValidationError(field, problem + "which has no UTF-8 form") from None
    except (TypeError, OverflowError, ValueError) as exc:  # ValueError: an int too long
        raise RequestValidationError(field, f"cannot be sent as JSON: {exc}") from None
    except RecursionError:
        problem = "is nested too deeply to send as JSON (or contains itself)"
        raise RequestValidationError(field, problem) from None


def _non_finite(value: object, path: str) -> str | None:
    """The path of the first NaN or infinite number in ``value`` (builtins), or None."""
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        where = _non_finite(item, f"{path}.{key}" if isinstance(key, str) else f"{path}[{key}]")
        if where is not None:
            return where
    return None


def decode_json(data: bytes, type_: type[T], *, operation: str) -> T:
    """Decode ``data`` into ``type_`` or raise :class:`APIResponseValidationError`.

    >>> decode_json(b'{"a": 1}', dict[str, int], operation="demo")
    {'a': 1}
    """
    try:
        result: T = _decoder(type_).decode(data)  # type: ignore[arg-type]
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _PATH_IN_MESSAGE.search(text)
        field = match.group("path") if match else "$"
        message = text[: match.start()] if match else text
        raise APIResponseValidationError(operation, field, message) from None
    except msgspec.DecodeError as exc:
        raise APIResponseValidationError(operation, "$", _undecodable(data, exc)) from None
    except UnicodeDecodeError as exc:  # msgspec before 0.19 raised it for invalid UTF-8
        raise APIResponseValidationError(operation, "$", _not_utf8(exc)) from None
    except RecursionError:
        raise APIResponseValidationError(
            operation, "$", "body is nested too deeply to decode"
        ) from None
    return result


def _undecodable(data: bytes, exc: msgspec.DecodeError) -> str:
    """What is wrong with a body msgspec could not decode (newer msgspec versions report
    invalid UTF-8 as a DecodeError without the offset: it is found again on this error path)."""
    if "UTF-8" in str(exc):
        try:
            bytes(data).decode("utf-8")
        except UnicodeDecodeError as utf8:
            return _not_utf8(utf8)
    return f"body is not valid JSON ({exc})"


def _not_utf8(exc: UnicodeDecodeError) -> str:
    return f"body is not valid UTF-8 (byte {exc.start}: {exc.reason})"


class CursorEnvelope(msgspec.Struct, Generic[T]):
    """``{"next": url, "previous": url, "results": [...]}``: one page of a cursor-paged list."""

    results: list[T] = msgspec.field(default_factory=list)
    next: str | None = None
    previous: str | None = None


def validate_request(body: msgspec.Struct, *, operation: str) -> None:
    """Check a request body against the limits declared on its Struct (``Meta``), then its
    cross-field rules (:meth:`RequestModel.validate_fields`).

    msgspec checks constraints only while decoding, so the body is converted once through
    builtins; a violation becomes a :class:`RequestValidationError` naming the field.
    """
    try:
        converted = msgspec.convert(msgspec.to_builtins(body), type(body))
    except TypeError as exc:  # a value JSON has no form for (msgspec names its type)
        raise RequestValidationError(operation, f"cannot be sent: {exc}") from None
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _PATH_IN_MESSAGE.search(text)
        field = match.group("path").removeprefix("$.") if match else operation
        message = text[: match.start()] if match else text
        raise RequestValidationError(field, message) from None
    if isinstance(converted, RequestModel):
        # On the converted copy: nested values given as plain dicts are Structs there.
        converted.validate_fields()
