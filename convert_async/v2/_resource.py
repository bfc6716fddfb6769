"""The base of every v2 resource: a typed method hands its arguments to the operation."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

from .._core.client import KeyedBody, PagedBody, RequestBody
from .._core.pagination import AsyncPager
from ._operations import OPERATIONS

if TYPE_CHECKING:
    from .client import ConvertClient

T = TypeVar("T")
StrPath = str | os.PathLike[str]


class Resource:
    """A group of operations reached as an attribute of :class:`ConvertClient`.

    Generated methods name every argument: ``arguments`` holds the path, query and header
    values by their wire names, ``body`` the request body they built.
    """

    def __init__(self, client: ConvertClient) -> None:
        self._client = client

    @overload
    async def _call(
        self,
        operation: str,
        response_type: type[T],
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> T: ...
    @overload
    async def _call(
        self,
        operation: str,
        response_type: object,
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> Any: ...
    async def _call(
        self,
        operation: str,
        response_type: Any,
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> Any:
        return await self._client._call_with(OPERATIONS[operation], response_type, arguments, body)

    async def _raw(
        self, operation: str, arguments: Mapping[str, Any], body: RequestBody | None
    ) -> bytes:
        """The reply's body exactly as it came: a file the API answers with, not JSON."""
        response = await self._client._call_raw(OPERATIONS[operation], arguments, body)
        return response.body

    async def _fetch_link(self, url: str, to: StrPath | None) -> bytes | Path:
        return await self._client._fetch_link(url, to)

    @overload
    def _list(
        self,
        operation: str,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: PagedBody,
        page_size: int,
    ) -> AsyncPager[T]: ...
    @overload
    def _list(
        self,
        operation: str,
        item_type: object,
        arguments: Mapping[str, Any],
        body: PagedBody,
        page_size: int,
    ) -> AsyncPager[Any]: ...
    def _list(
        self,
        operation: str,
        item_type: Any,
        arguments: Mapping[str, Any],
        body: PagedBody,
        page_size: int,
    ) -> AsyncPager[Any]:
        op = OPERATIONS[operation]
        return self._client._paginate_body(op, item_type, arguments, body, page_size)

    @overload
    def _list_keyed(
        self,
        operation: str,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: KeyedBody,
        page_size: int,
        key_field: str,
    ) -> AsyncPager[T]: ...
    @overload
    def _list_keyed(
        self,
        operation: str,
        item_type: object,
        arguments: Mapping[str, Any],
        body: KeyedBody,
        page_size: int,
        key_field: str,
    ) -> AsyncPager[Any]: ...
    def _list_keyed(
        self,
        operation: str,
        item_type: Any,
        arguments: Mapping[str, Any],
        body: KeyedBody,
        page_size: int,
        key_field: str,
    ) -> AsyncPager[Any]:
        op = OPERATIONS[operation]
        return self._client._paginate_keyed(op, item_type, arguments, body, page_size, key_field)

    @overload
    def _list_once(
        self,
        operation: str,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> AsyncPager[T]: ...
    @overload
    def _list_once(
        self,
        operation: str,
        item_type: object,
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> AsyncPager[Any]: ...
    def _list_once(
        self,
        operation: str,
        item_type: Any,
        arguments: Mapping[str, Any],
        body: RequestBody | None,
    ) -> AsyncPager[Any]:
        return self._client._list_once(OPERATIONS[operation], item_type, arguments, body)
