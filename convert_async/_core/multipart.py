"""multipart/form-data bodies for uploads, encoded once so the signature covers the exact bytes."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
import anyio

from .codec import encode_json

__all__ = ["Upload", "encode_multipart"]

Upload = bytes | os.PathLike[str] | tuple[str, bytes] | tuple[str, bytes, str]
"""A file to upload: raw bytes, a path (read without blocking the loop), ``(filename, bytes)``
or ``(filename, bytes, content_type)``."""


async def _file_part(name: str, value: Upload) -> tuple[bytes, str, str]:
    if isinstance(value, bytes):
        return value, name, "application/octet-stream"
    if isinstance(value, tuple):
        filename, content = value[0], value[1]
        content_type = value[2] if len(value) == 3 else None
        guessed = mimetypes.guess_type(filename)[0]
        return content, filename, content_type or guessed or "application/octet-stream"
    path = Path(value)
    content = await anyio.Path(path).read_bytes()
    return content, path.name, mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _is_upload(value: object) -> bool:
    return isinstance(value, bytes | os.PathLike | tuple)


async def encode_multipart(fields: Mapping[str, Any]) -> tuple[bytes, str]:
    """Encode form fields and files; returns ``(body, content_type)``.

    Files are :data:`Upload` values; objects and lists are sent as JSON text, scalars as text.
    """
    writer = aiohttp.MultipartWriter("form-data")
    for name, value in fields.items():
        if _is_upload(value):
            content, filename, content_type = await _file_part(name, value)
            part = writer.append(content, {"Content-Type": content_type})
            part.set_content_disposition("form-data", name=name, filename=filename)
            continue
        if isinstance(value, dict | list):
            text = encode_json(value).decode()
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        part = writer.append(text)
        part.set_content_disposition("form-data", name=name)
    return await writer.as_bytes(), writer.content_type
