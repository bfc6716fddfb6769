"""How Convert wraps its replies: ``{"data": ...}``, and pages with ``extra.pagination``."""

from __future__ import annotations

import functools
from typing import Any, Generic, TypeVar

import msgspec

from .._core.codec import Pagination, decode_json
from .._core.errors import APIResponseValidationError

__all__ = ["CONVERT_ENVELOPES", "ConvertEnvelopes"]

T = TypeVar("T")


class _Data(msgspec.Struct, Generic[T]):
    data: T


class _Extra(msgspec.Struct):
    pagination: Pagination = msgspec.field(default_factory=Pagination)


class _Page(msgspec.Struct, Generic[T]):
    # ``data`` is absent when only the count was asked for.
    data: list[T] = msgspec.field(default_factory=list)
    extra: _Extra = msgspec.field(default_factory=_Extra)


@functools.cache
def _data_of(type_: Any) -> Any:
    return _Data[type_]


@functools.cache
def _page_of(item_type: Any) -> Any:
    return _Page[item_type]


class ConvertEnvelopes:
    """Convert's envelopes (REST v1 and v2), decoded in the same single pass as the payload."""

    def payload(self, body: bytes, type_: Any, *, operation: str) -> Any:
        """``{"data": payload}`` -> ``payload`` as ``type_``."""
        return decode_json(body, _data_of(type_), operation=operation).data

    def page(self, body: bytes, item_type: Any, *, operation: str) -> tuple[list[Any], Pagination]:
        """``{"data": [...], "extra": {"pagination": {...}}}`` -> items and pagination."""
        decoded = decode_json(body, _page_of(item_type), operation=operation)
        return decoded.data, decoded.extra.pagination

    def count(self, body: bytes, *, operation: str) -> int:
        """``extra.pagination.items_count`` of a count-only reply."""
        decoded = decode_json(body, _page_of(msgspec.Raw), operation=operation)
        total: int | None = decoded.extra.pagination.items_count
        if total is None:
            raise APIResponseValidationError(
                operation, "$.extra.pagination.items_count", "missing from a count reply"
            )
        return total


CONVERT_ENVELOPES = ConvertEnvelopes()
