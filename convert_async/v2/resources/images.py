"""Cdn Images: 3 operations."""

from __future__ import annotations

import builtins

from msgspec import UNSET, UnsetType

from ..._core.multipart import Upload
from .._resource import Resource
from ..models import CdnImage, StatusReply, UploadedImage
from ..requests import ListImagesRequest, UploadImageRequest, read_upload

__all__ = ["Images"]


class Images(Resource):
    """Cdn Images."""

    async def list(
        self,
        *,
        account_id: int,
        project_id: int,
        start_from: str | UnsetType = UNSET,
        max_results: int | UnsetType | None = UNSET,
    ) -> builtins.list[CdnImage]:
        """List uploaded images for a project."""
        return await self._call("list_images", list[CdnImage], locals(), body=ListImagesRequest)

    async def upload(
        self, *, account_id: int, project_id: int, image_name: str, image: Upload
    ) -> UploadedImage:
        """Upload an image to the project's CDN storage."""
        arguments = {**locals(), "image": await read_upload(image)}
        return await self._call("upload_image", UploadedImage, arguments, body=UploadImageRequest)

    async def delete(self, *, account_id: int, project_id: int, image_key: str) -> StatusReply:
        """Delete an image from the project's CDN storage."""
        return await self._call("delete_image", StatusReply, locals())
