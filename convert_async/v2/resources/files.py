"""Files: 3 operations."""

from __future__ import annotations

from ..._core.multipart import Upload
from .._resource import Resource
from ..models import StatusReply, UploadedFile
from ..requests import UploadFileRequest

__all__ = ["Files"]


class Files(Resource):
    """Files."""

    async def upload(
        self, *, account_id: int, project_id: int, file_name: str, file: Upload
    ) -> UploadedFile:
        """Upload a generic file to project storage."""
        return await self._call("upload_file", UploadedFile, locals(), body=UploadFileRequest)

    async def get(self, *, account_id: int, project_id: int, file_key: str) -> bytes:
        """Get content of an uploaded file."""
        return await self._download("get_file", locals())

    async def delete(self, *, account_id: int, project_id: int, file_key: str) -> StatusReply:
        """Delete an uploaded file from project storage."""
        return await self._call("delete_file", StatusReply, locals())
