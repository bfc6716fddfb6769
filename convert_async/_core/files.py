"""Files written whole or not at all: a download goes to a temporary file beside its target and
is renamed into place only once complete, so a failure (a dropped connection, a full disk, a
cancelled task) never leaves a truncated file that looks like a finished one."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import anyio

__all__ = ["one_chunk", "write_atomically"]


async def write_atomically(path: Path, chunks: AsyncIterator[bytes]) -> None:
    """Write ``chunks`` to ``path``: all of them, or (on any failure) nothing, leaving whatever
    was at ``path`` before untouched. Blocking file operations run in a worker thread."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        async with await anyio.open_file(partial, "wb") as file:
            async for chunk in chunks:
                await file.write(chunk)
        await anyio.to_thread.run_sync(os.replace, partial, path)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, partial)
        raise


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    """``data`` as the single chunk of a write."""
    yield data
