"""Hand-written behaviour the generated request bodies build on."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, Self

import anyio
import msgspec
from msgspec import UNSET

from .._core.client import KeyedBody, PagedBody
from .._core.errors import RequestValidationError
from .._core.multipart import Upload

__all__ = ["FileContent", "KeyedRequest", "PagedRequest", "read_upload"]

FileContent = bytes | tuple[Any, ...]
"""A file as an upload body holds it: bytes, or ``(filename, bytes[, content_type])``.

Not :data:`~convert_async._core.multipart.Upload` itself: msgspec can check neither a path nor a
union of two tuple shapes, so upload methods read a path first (:func:`read_upload`)."""


async def read_upload(value: Upload) -> FileContent:
    """``value`` ready for an upload body: a path is read (without blocking the loop) into
    ``(filename, bytes, content_type)``; bytes and tuples are returned as they are."""
    if isinstance(value, bytes | tuple):
        return value
    path = Path(value)
    content = await anyio.Path(path).read_bytes()
    return path.name, content, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class PagedRequest(PagedBody):
    """A list body with the spec's paging fields (``page``, ``results_per_page`` and, on most
    lists, ``onlyCount``): the pager sets them, callers never do."""

    def for_page(self, page: int, size: int) -> Self:
        """This filter, asking for page ``page`` of ``size`` items."""
        changes: dict[str, Any] = {"page": page, "results_per_page": size}
        if "only_count" in self.__struct_fields__:
            changes["only_count"] = UNSET
        return msgspec.structs.replace(self, **changes)

    def for_count(self) -> Self:
        """This filter, asking only for the number of matching items."""
        if "only_count" not in self.__struct_fields__:
            raise RequestValidationError(
                "onlyCount", "this list cannot count on the server; iterate it instead"
            )
        return msgspec.structs.replace(self, page=UNSET, results_per_page=UNSET, only_count=True)


class KeyedRequest(KeyedBody):
    """A list body paged by item key (``start_from``, ``max_results``): the pager sets
    ``max_results`` and, after the first page, ``start_from``; the caller's ``start_from``,
    if any, is where the first page starts."""

    def from_key(self, key: str | None, size: int) -> Self:
        """This filter, asking for ``size`` items from ``key`` on."""
        changes: dict[str, Any] = {"max_results": size}
        if key is not None:
            changes["start_from"] = key
        return msgspec.structs.replace(self, **changes)
