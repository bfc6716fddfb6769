"""Files: 3 operations."""

from __future__ import annotations

from pathlib import Path
from typing import overload

from ..._core.multipart import Upload
from .._resource import Resource, StrPath
from ..models import StatusReply, UploadedFile
from ..requests import UploadFileRequest, read_upload

__all__ = ["Files"]


class Files(Resource):
    """Files."""

    async def upload(
        self, *, account_id: int, project_id: int, file_name: str, file: Upload
    ) -> UploadedFile:
        """Upload a generic file to project storage."""
        arguments = {**locals(), "file": await read_upload(file)}
        return await self._call("upload_file", UploadedFile, arguments, body=UploadFileRequest)

    @overload
    async def get(
        self, *, account_id: int, project_id: int, file_key: str, to: None = None
    ) -> bytes: ...
    @overload
    async def get(
        self, *, account_id: int, project_id: int, file_key: str, to: StrPath
    ) -> Path: ...
    async def get(
        self, *, account_id: int, project_id: int, file_key: str, to: StrPath | None = None
    ) -> bytes | Path:
        """Get content of an uploaded file; with ``to=path`` it is written to that file."""
        if to is None:
            return await self._download("get_file", locals())
        return await self._save("get_file", locals(), to)

    async def delete(self, *, account_id: int, project_id: int, file_key: str) -> StatusReply:
        """Delete an uploaded file from project storage."""
        return await self._call("delete_file", StatusReply, locals())
