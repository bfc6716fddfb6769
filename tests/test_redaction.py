"""A canary secret must never appear in logs, reprs or exception texts."""

from __future__ import annotations

import asyncio
import logging
import socket
import traceback
from collections.abc import Callable

import pytest
from aiohttp import web

from convert_async import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConvertClient,
    HmacAuth,
    RetryPolicy,
    SecretKeyAuth,
    capture_replies,
)
from convert_async.pirsch import PirschClient
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


@pytest.mark.anyio
async def test_a_credential_echoed_into_a_malformed_status_line_does_not_leak(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # aiohttp quotes the bad status line in its parser error: the secret was in the
    # APIConnectionError's message, its __cause__ and the "retrying" log line.
    caplog.set_level(logging.DEBUG)

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        sent = next(
            line.partition(b":")[2].strip()
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"authorization:")
        )
        writer.write(b"HTTP/1.1 2x0 " + sent + b"\r\nContent-Length: 2\r\n\r\n{}")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    instant = RetryPolicy(max_retries=1, sleep=lambda seconds: asyncio.sleep(0))
    try:
        async with ConvertClient(SecretKeyAuth("key", CANARY), base_url=url, retry=instant) as c:
            with pytest.raises(APIConnectionError, match="Invalid reply") as caught:
                await c.request("GET", "/accounts")
    finally:
        server.close()
        await server.wait_closed()
    texts = [render(caught.value), str(caught.value.__cause__)]
    texts += [record.getMessage() for record in caplog.records]
    assert any("retrying" in text for text in texts)  # the log line that carried it
    assert "<redacted>" in str(caught.value)
    for text in texts:
        assert CANARY not in text


@pytest.mark.anyio
async def test_a_report_token_echoed_in_an_error_does_not_leak(server: ScriptedServer) -> None:
    # Only the auth headers' credentials were scrubbed: the report_token header went through.
    token = f"report-{CANARY}"

    def echo(request: web.Request) -> web.Response:
        said = f"report token {request.headers['report_token']} has expired"
        return web.json_response({"code": 403, "message": said}, status=403)

    server.then(echo)
    async with ConvertClient(HmacAuth("app", "s" * 16), base_url=server.url) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.reports.get_aggregated(
                account_id=1, project_id=2, experience_id=3, report_token=token
            )
    assert server.seen[0].headers["report_token"] == token  # it was sent
    assert "report token <redacted> has expired" in str(caught.value)
    assert CANARY not in render(caught.value) + repr(caught.value.body)


def echoing(how: str) -> Callable[[web.Request], web.Response]:
    """A server that echoes the credential it was sent, the way ``how`` says."""

    def reply(request: web.Request) -> web.Response:
        sent = request.headers["Authorization"]
        if how == "signature":  # the bare hex of an HMAC ``Signature=<hex>``
            said = f"signature {sent.rpartition('=')[2]} does not match"
            return web.json_response({"code": 401, "message": said}, status=401)
        if how == "escaped":  # as PHP's json_encode writes it: "/" as "\/"
            escaped = sent.replace("/", "\\/")
            body = '{"code": 401, "message": "bad token ' + escaped + '"}'
            return web.Response(status=401, body=body, content_type="application/json")
        if how == "header":
            return web.json_response({}, status=403, headers={"X-Debug-Auth": sent})
        secret = sent.rpartition(":")[2]
        return web.json_response({}, status=302, headers={"Location": f"/x?k={secret}"})

    return reply


@pytest.mark.anyio
@pytest.mark.parametrize("how", ["signature", "escaped", "header", "location"])
async def test_no_echo_of_a_credential_reaches_an_error(server: ScriptedServer, how: str) -> None:
    # Each got through: the bare signature (only "Signature=<hex>" was scrubbed), the JSON
    # escaped secret (scrubbed as raw bytes), a header echo and a Location's query (only
    # the body was scrubbed).
    secret = f"{CANARY}/with+slash"
    auth = HmacAuth("app", CANARY) if how == "signature" else SecretKeyAuth("key", secret)
    server.then(echoing(how))
    async with ConvertClient(auth, base_url=server.url, max_retries=0) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.request("GET", "/accounts")
    signature = server.seen[0].headers["Authorization"].rpartition("=")[2]
    error = caught.value
    text = render(error) + repr(error.headers) + repr(getattr(error, "location", None))
    for leaked in (secret, secret.replace("/", "\\/"), signature):
        assert leaked not in text
    assert "<redacted>" in text


@pytest.mark.anyio
async def test_a_token_endpoint_echoing_the_client_secret_does_not_leak_it() -> None:
    # The token request carries no auth headers, so nothing was scrubbed from its error.
    async def token(request: web.Request) -> web.Response:
        sent = await request.json()
        said = f"invalid client credentials: {sent['client_secret']}"
        return web.json_response({"error": [said]}, status=400)

    app = web.Application()
    app.router.add_post("/api/v1/token", token)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with PirschClient(
            "client-id", CANARY, base_url=f"http://127.0.0.1:{port}/api/v1"
        ) as api:
            with pytest.raises(BadRequestError) as caught:
                await api.domains.list()
    finally:
        await runner.cleanup()
    assert CANARY not in render(caught.value)
    assert "<redacted>" in str(caught.value)
