"""The thin base every v2 resource builds on: look up the operation, call, decode."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .._core.codec import RequestModel
from .._core.pagination import AsyncPager
from .._core.session import QueryValue
from ._operations import OPERATIONS
from .requests import ListRequest

if TYPE_CHECKING:
    from .client import ConvertClient

T = TypeVar("T")
L = TypeVar("L", bound=ListRequest)


def fields(**values: Any) -> dict[str, Any]:
    """The keyword arguments that were actually given (None means "not given")."""
    return {name: value for name, value in values.items() if value is not None}


class Resource:
    """A group of operations reached as an attribute of :class:`ConvertClient`."""

    def __init__(self, client: ConvertClient) -> None:
        self._client = client

    async def _call(
        self,
        operation: str,
        response_type: type[T],
        *,
        path: Mapping[str, Any],
        query: Mapping[str, QueryValue] | None = None,
        body: RequestModel | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> T:
        return await self._client._call(
            OPERATIONS[operation],
            response_type,
            path=path,
            query=query,
            body=body,
            headers=headers,
        )

    def _list(
        self,
        operation: str,
        item_type: type[T],
        *,
        path: Mapping[str, Any],
        body: L,
        page_size: int,
    ) -> AsyncPager[T]:
        return self._client._paginate(
            OPERATIONS[operation],
            item_type,
            path=path,
            body=body,
            page_size=page_size,
            paged_body=type(body).for_page,
            count_body=type(body).for_count,
        )
