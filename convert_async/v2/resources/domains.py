"""Domains: 8 operations."""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import UNSET, UnsetType

from ..._core._constants import DEFAULT_PAGE_SIZE
from ..._core.pagination import AsyncPager
from .._resource import Resource
from ..models import BulkStatusReply, Domain, StatusReply
from ..requests import (
    BulkIdsRequest,
    CreateDomainRequest,
    GetDomainByUrlRequest,
    ListDomainsRequest,
    UpdateDomainRequest,
    VerifyDomainTrackingCodeRequest,
)

__all__ = ["Domains"]


class Domains(Resource):
    """Domains."""

    def list(
        self,
        *,
        account_id: int,
        project_id: int,
        only: Sequence[int] | UnsetType | None = UNSET,
        except_: Sequence[int] | UnsetType = UNSET,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncPager[Domain]:
        """List domains associated with a project."""
        return self._list("list_domains", Domain, locals(), body=ListDomainsRequest)

    async def get(self, *, account_id: int, project_id: int, domain_id: int) -> Domain:
        """Get details for a specific domain in a project."""
        return await self._call("get_domain", Domain, locals())

    async def get_by_url(
        self, *, account_id: int, project_id: int, url: str | UnsetType = UNSET
    ) -> Domain:
        """Get domain details by its URL."""
        return await self._call("get_domain_by_url", Domain, locals(), body=GetDomainByUrlRequest)

    async def verify_tracking_code(
        self, *, account_id: int, project_id: int, domain_id: int, url: str | UnsetType = UNSET
    ) -> Domain:
        """Verify Convert tracking code installation on a domain."""
        return await self._call(
            "verify_domain_tracking_code", Domain, locals(), body=VerifyDomainTrackingCodeRequest
        )

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        url: str,
        code_installed: bool | UnsetType = UNSET,
    ) -> Domain:
        """Add a new domain to a project."""
        return await self._call("create_domain", Domain, locals(), body=CreateDomainRequest)

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        domain_id: int,
        url: str | UnsetType = UNSET,
        code_installed: bool | UnsetType = UNSET,
    ) -> Domain:
        """Update an existing domain in a project."""
        return await self._call("update_domain", Domain, locals(), body=UpdateDomainRequest)

    async def delete(self, *, account_id: int, project_id: int, domain_id: int) -> StatusReply:
        """Remove a domain from a project."""
        return await self._call("delete_domain", StatusReply, locals())

    async def bulk_delete(
        self, *, account_id: int, project_id: int, id: Sequence[int]
    ) -> BulkStatusReply:
        """Remove multiple domains from a project."""
        return await self._call(
            "bulk_delete_domains", BulkStatusReply, locals(), body=BulkIdsRequest
        )
