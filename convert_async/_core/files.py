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

__all__ = ["LockHeld", "lock_for_this_process", "one_chunk", "write_atomically"]


async def write_atomically(path: Path, chunks: AsyncIterator[bytes]) -> None:
    """Write ``chunks`` to ``path``: all of them, or (on any failure) nothing, leaving whatever
    was at ``path`` before untouched. Blocking file operations run in a worker thread.

    A file operation that fails (a full disk, no permission) raises its OSError naming
    ``path``, not the temporary file; errors of ``chunks`` pass through as they are."""
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        with _naming(path):
            file = await anyio.open_file(partial, "wb")
        try:
            async for chunk in chunks:
                with _naming(path):
                    await file.write(chunk)
        finally:
            with _naming(path):
                await file.aclose()
        with _naming(path):
            await anyio.to_thread.run_sync(os.replace, partial, path)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_remove, partial)
        raise


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        if exc.errno is None:
            raise
        raise type(exc)(exc.errno, exc.strerror, str(path)) from exc


def _remove(path: Path) -> None:
    with contextlib.suppress(
        OSError
    ):  # never written, or not ours to remove: the first error tells
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
