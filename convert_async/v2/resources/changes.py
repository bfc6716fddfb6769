"""Version Changes: 2 operations."""

from __future__ import annotations

from typing import Any

from .._resource import Resource
from ..models import ExperienceChange
from ..requests import UpdateVariationChangeRequest

__all__ = ["Changes"]


class Changes(Resource):
    """Version Changes."""

    async def get(
        self, *, account_id: int, project_id: int, experience_id: int, change_id: int
    ) -> ExperienceChange:
        """Get details of a specific change in a variation."""
        return await self._call("get_variation_change", ExperienceChange, locals())

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        change_id: int,
        type: str,
        data: dict[str, Any],
    ) -> ExperienceChange:
        """Update a specific change in a variation."""
        return await self._call(
            "update_variation_change", ExperienceChange, locals(), body=UpdateVariationChangeRequest
        )
