"""The raw replies behind any calls, next to the parsed values they gave.

::

    with capture_replies() as replies:
        experience = await client.experiences.get(account_id=1, project_id=2, experience_id=3)
    reply = replies[-1]
    print(reply.status, reply.headers["Content-Type"], len(reply.body))

The capture follows the calls made in the ``with`` block, including the page requests a pager
fans out (tasks started inside the block see it), and nothing made outside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["RawReply", "capture_replies"]


@dataclass(frozen=True, slots=True)
class RawReply:
    """One reply as it came: the request's method and (redacted) URL, status, headers, body."""

    method: str
    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


_CAPTURE: ContextVar[list[RawReply] | None] = ContextVar("convert_async_replies", default=None)


@contextlib.contextmanager
def capture_replies() -> Iterator[list[RawReply]]:
    """Collect the final reply of every request made in the block (retried attempts are not
    repeated: the reply the call's result came from, or its error)."""
    replies: list[RawReply] = []
    token = _CAPTURE.set(replies)
    try:
        yield replies
    finally:
        _CAPTURE.reset(token)


def record(reply: RawReply) -> None:
    """Keep ``reply`` when a capture is active (the session calls this)."""
    replies = _CAPTURE.get()
    if replies is not None:
        replies.append(reply)


def capturing() -> bool:
    """Whether a capture is active here (so the session builds a :class:`RawReply` only then)."""
    return _CAPTURE.get() is not None
