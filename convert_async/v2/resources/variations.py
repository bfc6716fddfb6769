"""Experience Variations: 5 operations."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, overload

from msgspec import UNSET, UnsetType

from ..._core.multipart import Upload
from .._resource import Resource, StrPath
from ..models import Experience, StatusReply, Variation
from ..requests import (
    ConvertVariationToExperienceRequest,
    UpdateVariationRequest,
    UploadVariationScreenshotRequest,
    read_upload,
)

__all__ = ["Variations"]


class Variations(Resource):
    """Experience Variations."""

    async def update(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        name: str | UnsetType = UNSET,
        description: str | UnsetType | None = UNSET,
        is_baseline: bool | UnsetType = UNSET,
        traffic_distribution: float | UnsetType = UNSET,
        key: str | UnsetType = UNSET,
        status: Literal["stopped", "running"] | UnsetType = UNSET,
        changes: Sequence[Any] | UnsetType = UNSET,
    ) -> Variation:
        """Update an experience variation."""
        return await self._call(
            "update_variation", Variation, locals(), body=UpdateVariationRequest
        )

    async def delete(
        self, *, account_id: int, project_id: int, experience_id: int, variation_id: int
    ) -> StatusReply:
        """Delete an experience variation."""
        return await self._call("delete_variation", StatusReply, locals())

    @overload
    async def get_screenshot(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        size: Literal["thumb"] | UnsetType = UNSET,
        force_download: bool | UnsetType = UNSET,
        to: None = None,
    ) -> bytes: ...
    @overload
    async def get_screenshot(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        size: Literal["thumb"] | UnsetType = UNSET,
        force_download: bool | UnsetType = UNSET,
        to: StrPath,
    ) -> Path: ...
    async def get_screenshot(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        size: Literal["thumb"] | UnsetType = UNSET,
        force_download: bool | UnsetType = UNSET,
        to: StrPath | None = None,
    ) -> bytes | Path:
        """Get screenshot for an experience variation; with ``to=path`` it is written there."""
        if to is None:
            return await self._download("get_variation_screenshot", locals())
        return await self._save("get_variation_screenshot", locals(), to)

    async def upload_screenshot(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        image: Upload,
        size: Literal["thumb"] | UnsetType = UNSET,
        force_download: bool | UnsetType = UNSET,
    ) -> bytes:
        """Upload a screenshot for an experience variation."""
        arguments = {**locals(), "image": await read_upload(image)}
        return await self._download(
            "upload_variation_screenshot", arguments, body=UploadVariationScreenshotRequest
        )

    async def convert_to_experience(
        self,
        *,
        account_id: int,
        project_id: int,
        experience_id: int,
        variation_id: int,
        experience_type: Literal["a/b", "deploy"] | UnsetType = UNSET,
    ) -> Experience:
        """Convert a winning variation into a new experience (Deploy or A/B)."""
        return await self._call(
            "convert_variation_to_experience",
            Experience,
            locals(),
            body=ConvertVariationToExperienceRequest,
        )
