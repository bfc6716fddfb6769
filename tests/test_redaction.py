"""A canary secret must never appear in logs, reprs or exception texts."""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback

import pytest

from convert_async import (
    APIConnectionError,
    AuthenticationError,
    ConvertClient,
    HmacAuth,
    RetryPolicy,
    SecretKeyAuth,
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
