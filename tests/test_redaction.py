"""A canary secret must never appear in logs, reprs or exception texts."""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback

import pytest
from aiohttp import web

from convert_async import (
    APIConnectionError,
    AuthenticationError,
    ConvertClient,
    HmacAuth,
    RetryPolicy,
    SecretKeyAuth,
    capture_replies,
)
from tests.conftest import ScriptedServer, status_reply

CANARY = "CANARY-7f3a9c-do-not-leak"


def render(error: BaseException) -> str:
    return "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))


@pytest.mark.anyio
@pytest.mark.parametrize(
    "auth", [HmacAuth("app", CANARY), SecretKeyAuth("key", CANARY)], ids=["hmac", "secret_key"]
)
async def test_canary_never_leaks(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, auth: HmacAuth | SecretKeyAuth
) -> None:
    caplog.set_level(logging.DEBUG)
    server.then(status_reply(503), status_reply(401))
    texts = [repr(auth), str(auth)]
    instant = RetryPolicy(sleep=lambda seconds: asyncio.sleep(0))
    async with ConvertClient(auth, base_url=server.url, retry=instant) as client:
        texts += [repr(client), repr(client.with_options(timeout=3))]
        with pytest.raises(AuthenticationError) as unauthorized:
            await client.request("GET", "/accounts", params={"debug_token": CANARY})
        texts.append(render(unauthorized.value))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ConvertClient(auth, base_url=f"http://127.0.0.1:{port}", max_retries=0) as client:
        with pytest.raises(APIConnectionError) as refused:
            await client.request("GET", "/accounts")
        texts.append(render(refused.value))
    texts += [record.getMessage() for record in caplog.records]
    assert any("GET" in record.getMessage() for record in caplog.records)  # logging did happen
    assert server.seen  # and the secret really was used on the wire
    for text in texts:
        assert CANARY not in text


@pytest.mark.anyio
async def test_a_server_echoing_the_authorization_header_does_not_leak_it(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A careless (or hostile) server repeats the credentials it was sent in its error body,
    which becomes the exception's message, its ``body`` and the captured raw reply."""
    caplog.set_level(logging.DEBUG)

    def echo(request: web.Request) -> web.Response:
        said = f"invalid credentials: {request.headers['Authorization']}"
        return web.json_response({"code": 401, "message": said}, status=401)

    server.then(echo)
    async with ConvertClient(SecretKeyAuth("key", CANARY), base_url=server.url) as client:
        with capture_replies() as replies, pytest.raises(AuthenticationError) as unauthorized:
            await client.request("GET", "/accounts")
    error = unauthorized.value
    assert "invalid credentials: <redacted>" in str(error)
    texts = [render(error), repr(error.body), *(repr(reply) for reply in replies)]
    texts += [record.getMessage() for record in caplog.records]
    for text in texts:
        assert CANARY not in text
