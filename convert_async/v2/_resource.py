"""The base of every v2 resource: a typed method hands its arguments to the operation."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .._core.codec import RequestModel
from .._core.pagination import AsyncPager
from ._operations import OPERATIONS
from .requests import ListRequest

if TYPE_CHECKING:
    from .client import ConvertClient

T = TypeVar("T")
StrPath = str | os.PathLike[str]


class Resource:
    """A group of operations reached as an attribute of :class:`ConvertClient`.

    Methods pass ``locals()``: the operation table says which arguments are path, query and
    header values, and the body type says which are body fields.
    """

    def __init__(self, client: ConvertClient) -> None:
        self._client = client

    async def _call(
        self,
        operation: str,
        response_type: type[T],
        arguments: Mapping[str, Any],
        body: type[RequestModel] | None = None,
    ) -> T:
        return await self._client._call(OPERATIONS[operation], response_type, arguments, body)

    async def _download(
        self,
        operation: str,
        arguments: Mapping[str, Any],
        body: type[RequestModel] | None = None,
    ) -> bytes:
        return await self._client._download(OPERATIONS[operation], arguments, body)

    async def _save(
        self,
        operation: str,
        arguments: Mapping[str, Any],
        to: StrPath,
        body: type[RequestModel] | None = None,
    ) -> Path:
        return await self._client._download(OPERATIONS[operation], arguments, body, to)

    async def _fetch_link(self, url: str, to: StrPath | None) -> bytes | Path:
        return await self._client._fetch_link(url, to)

    def _list(
        self,
        operation: str,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: type[ListRequest],
    ) -> AsyncPager[T]:
        page_size: int = arguments["page_size"]
        return self._client._paginate(OPERATIONS[operation], item_type, arguments, body, page_size)
