"""Bounded replies and downloads that never report a redirect as an empty success."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from convert_async import ConvertClient, RedirectError, ResponseTooLargeError, SecretKeyAuth
from convert_async._core._constants import DEFAULT_MAX_RESPONSE_BYTES
from tests.conftest import ScriptedServer

AUTH = SecretKeyAuth("k", "s")


def test_the_default_cap_is_64_mib() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 64 * 1024 * 1024
    assert ConvertClient(AUTH)._http.max_response_bytes == DEFAULT_MAX_RESPONSE_BYTES


@pytest.mark.anyio
async def test_a_reply_over_max_response_bytes_is_refused_by_its_length(
    server: ScriptedServer,
) -> None:
    server.then(lambda request: web.Response(body=b"[" + b"1," * 5000 + b"1]"))
    async with ConvertClient(AUTH, base_url=server.url, max_response_bytes=1000) as client:
        with pytest.raises(ResponseTooLargeError, match="announced 10003 bytes") as caught:
            await client.request("GET", "/big")
    assert caught.value.limit == 1000


@pytest.mark.anyio
async def test_a_streamed_reply_over_the_cap_is_cut_off_while_counting(
    server: ScriptedServer,
) -> None:
    async def pieces() -> AsyncIterator[bytes]:
        for _ in range(100):  # sent chunked, no Content-Length: only counting can stop it
            yield b" " * 1000

    def chunked(request: web.Request) -> web.Response:
        return web.Response(body=pieces())

    server.then(chunked)
    async with ConvertClient(AUTH, base_url=server.url, max_response_bytes=5000) as client:
        with pytest.raises(ResponseTooLargeError, match="kept coming"):
            await client.request("GET", "/big")
        server.then(lambda request: web.json_response([1]))
        assert await client.request("GET", "/small") == [1]


@pytest.mark.anyio
@pytest.mark.parametrize("status", [301, 302, 307])
async def test_a_download_link_answering_3xx_is_an_error_not_an_empty_file(
    server: ScriptedServer, tmp_path: Path, status: int
) -> None:
    target = tmp_path / "report.csv"
    server.then(lambda request: web.Response(status=status, headers={"Location": "/elsewhere"}))
    async with ConvertClient(AUTH, base_url=server.url) as client:
        with pytest.raises(RedirectError, match="redirect") as caught:
            await client._fetch_link(server.url + "/file.csv", to=target)
    assert caught.value.status == status
    assert caught.value.location == "/elsewhere"
    assert not target.exists()
    assert len(server.seen) == 1  # not followed
