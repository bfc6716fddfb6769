"""Experience Sections: 4 operations."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from msgspec import UNSET, UnsetType

from .._resource import Resource
from ..models import ExperienceSection
from ..requests import (
    CreateExperienceSectionRequest,
    ListExperienceSectionsInclude,
    ReplaceExperienceSectionsRequest,
    UpdateExperienceSectionRequest,
)

__all__ = ["Sections"]


class Sections(Resource):
    """Experience Sections."""

    async def list(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        include: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
        expand: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
    ) -> builtins.list[ExperienceSection]:
        """List sections of a multivariate (MVT) experience."""
        return await self._call("list_experience_sections", list[ExperienceSection], locals())

    async def create(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        versions: Sequence[dict[str, Any]],
        id: str | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        include: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
        expand: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
    ) -> builtins.list[ExperienceSection]:
        """Add a new section to an MVT experience."""
        return await self._call(
            "create_experience_section",
            list[ExperienceSection],
            locals(),
            body=CreateExperienceSectionRequest,
        )

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        section_id: str,
        versions: Sequence[dict[str, Any]],
        id: str | UnsetType = UNSET,
        name: str | UnsetType = UNSET,
        include: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
        expand: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
    ) -> builtins.list[ExperienceSection]:
        """Update an existing section in an MVT experience."""
        return await self._call(
            "update_experience_section",
            list[ExperienceSection],
            locals(),
            body=UpdateExperienceSectionRequest,
        )

    async def replace(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        sections: Sequence[dict[str, Any]] | UnsetType = UNSET,
        include: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
        expand: Sequence[ListExperienceSectionsInclude] | UnsetType = UNSET,
    ) -> builtins.list[ExperienceSection]:
        """Update all sections for an MVT experience."""
        return await self._call(
            "replace_experience_sections",
            list[ExperienceSection],
            locals(),
            body=ReplaceExperienceSectionsRequest,
        )
