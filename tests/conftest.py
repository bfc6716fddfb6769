"""Shared fixtures: the anyio backend and a scriptable recording server on 127.0.0.1."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

# The SDK's own fixture, opted into as a user would (the plugin does not load itself).
pytest_plugins = ["convert_async.testing.pytest_plugin"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    url: str  # scheme://host + raw path and query, exactly as sent
    raw_path: str
    headers: dict[str, str]
    body: bytes


Reply = Callable[[web.Request], Any]


@dataclass
class ScriptedServer:
    """Answers each request with the next scripted reply (then with ``default``)."""

    url: str = ""
    seen: list[Seen] = field(default_factory=list)
    script: list[Reply] = field(default_factory=list)
    default: Reply = field(default_factory=lambda: json_reply({"ok": True}))

    def then(self, *replies: Reply) -> None:
        self.script.extend(replies)


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    def reply(request: web.Request) -> web.Response:
        return web.Response(
            status=status,
            body=json.dumps(payload).encode(),
            content_type="application/json",
            headers=headers,
        )

    return reply


def status_reply(status: int, headers: dict[str, str] | None = None) -> Reply:
    return json_reply({"code": status, "message": f"status {status}"}, status, headers)


def drop_connection(request: web.Request) -> web.Response:
    assert request.transport is not None
    request.transport.close()
    raise web.HTTPInternalServerError  # never reaches the client: the socket is gone


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    state = ScriptedServer()

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        state.seen.append(
            Seen(
                request.method,
                f"{request.scheme}://{request.host}{request.raw_path}",
                request.raw_path,
                dict(request.headers),
                body,
            )
        )
        reply = state.script.pop(0) if state.script else state.default
        result = reply(request)
        if inspect.isawaitable(result):  # a reply may wait (e.g. to hold a connection busy)
            result = await result
        assert isinstance(result, web.StreamResponse)
        return result

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    state.url = f"http://127.0.0.1:{port}/api/v2"
    try:
        yield state
    finally:
        await runner.cleanup()
