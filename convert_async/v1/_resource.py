"""The base of every v1 resource: a typed method hands its arguments to its operation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._core.codec import RequestModel
from .._core.pagination import AsyncPager
from ._operations import OPERATIONS
from .requests import ListRequest

if TYPE_CHECKING:
    from .client import ConvertV1Client

T = TypeVar("T")


class Resource:
    """A group of v1 operations reached as an attribute of :class:`ConvertV1Client`."""

    def __init__(self, client: ConvertV1Client) -> None:
        self._client = client

    async def _call(
        self,
        operation: str,
        response_type: type[T],
        arguments: Mapping[str, Any],
        body: type[RequestModel] | None = None,
    ) -> T:
        return await self._client._call(OPERATIONS[operation], response_type, arguments, body)

    def _list(
        self,
        operation: str,
        item_type: type[T],
        arguments: Mapping[str, Any],
        body: type[ListRequest],
    ) -> AsyncPager[T]:
        page_size: int = arguments["page_size"]
        return self._client._paginate(OPERATIONS[operation], item_type, arguments, body, page_size)
