"""Section Versions: 3 operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import SectionVersion, StatusReply
from ..requests import CreateSectionVersionRequest, UpdateSectionVersionRequest

__all__ = ["Versions"]


class Versions(Resource):
    """Section Versions."""

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        section_id: str,
        id: str | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        changes: Sequence[dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[Literal["changes"]] | UnsetType = UNSET,
        expand: Sequence[Literal["changes"]] | UnsetType = UNSET,
    ) -> SectionVersion:
        """Add a new version to an MVT section."""
        return await self._call(
            "create_section_version", SectionVersion, locals(), body=CreateSectionVersionRequest
        )

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        section_id: str,
        version_id: str,
        id: str | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        changes: Sequence[Any] | UnsetType = UNSET,
        include: Sequence[Literal["changes"]] | UnsetType = UNSET,
        expand: Sequence[Literal["changes"]] | UnsetType = UNSET,
    ) -> SectionVersion:
        """Update a version within an MVT section."""
        return await self._call(
            "update_section_version", SectionVersion, locals(), body=UpdateSectionVersionRequest
        )

    async def delete(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        section_id: str,
        version_id: str,
    ) -> StatusReply:
        """Delete a version from an MVT section."""
        return await self._call("delete_section_version", StatusReply, locals())
