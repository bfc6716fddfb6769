"""Files written whole or not at all: a download goes to a temporary file beside its target and
is renamed into place only once complete, so a failure (a dropped connection, a full disk, a
cancelled task) never leaves a truncated file that looks like a finished one. And the lock
that keeps two processes from writing the same spool or checkpoint at once."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio

__all__ = ["LockHeld", "lock_for_this_process", "naming", "one_chunk", "write_atomically"]


async def write_atomically(path: Path, chunks: AsyncIterator[bytes]) -> None:
    """Write ``chunks`` to ``path``: all of them, or (on any failure) nothing, leaving whatever
    was at ``path`` before untouched. Blocking file operations run in a worker thread.

    A file operation that fails (a full disk, no permission) raises its OSError naming
    ``path``, not the temporary file; errors of ``chunks`` pass through as they are."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with naming(path, instead_of=partial):
            file = await anyio.open_file(partial, "wb")
        try:
            async for chunk in chunks:
                with naming(path, instead_of=partial):
                    await file.write(chunk)
        finally:
            with naming(path, instead_of=partial):
                await file.aclose()
        with naming(path, instead_of=partial):
            await anyio.to_thread.run_sync(os.replace, partial, path)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, partial)
        raise


@contextlib.contextmanager
def naming(path: Path, *, instead_of: Path | None = None) -> Iterator[None]:
    """Name ``path`` in an OSError raised inside that names no file (a write to a full disk)
    or names ``instead_of`` (a temporary file the caller never heard of)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None or (instead_of is not None and exc.filename == str(instead_of)):
            exc.filename = str(path)
        raise


def _remove(path: Path) -> None:
    # Best effort: the error that stopped the write is the one to tell (a name too long to
    # create is too long to remove as well).
    with contextlib.suppress(OSError):
        path.unlink()


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    """``data`` as the single chunk of a write."""
    yield data


class LockHeld(Exception):
    """Another process holds the lock; ``holder`` is its pid as it wrote it (or "unknown")."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def lock_for_this_process(path: Path) -> int:
    """Open ``path`` (created if missing), lock it exclusively and write this process's pid
    in it; return the descriptor, whose closing releases the lock (as the process's end does,
    however it ends). Raises :class:`LockHeld` if another process holds it, OSError if the
    file cannot be opened or locked."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(
                os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd
