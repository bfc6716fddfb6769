"""Downloads are written whole or not at all: a reply cut off mid-body leaves the target as it
was (no truncated file that looks finished) and no temporary file behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from convert_async import (
    APIConnectionError,
    APIResponseValidationError,
    ConvertClient,
    RedirectError,
    RequestValidationError,
    SecretKeyAuth,
)
from tests.conftest import ScriptedServer

pytestmark = pytest.mark.anyio
BODY = b"goal,visitors\n" + b"1,100\n" * 200


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
async def file_server() -> AsyncIterator[tuple[str, list[bool]]]:
    """Serves ``/whole.csv`` completely and ``/cut.csv`` with half its promised body."""
    cut_requests: list[bool] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        cut = b"/cut.csv" in request.split(b"\r\n", 1)[0]
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(BODY)}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode() + (BODY[: len(BODY) // 2] if cut else BODY))
        cut_requests.append(cut)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", cut_requests


async def test_a_cut_off_download_leaves_the_target_as_it_was(
    file_server: tuple[str, list[bool]], tmp_path: Path
) -> None:
    base, seen = file_server
    target = tmp_path / "report.csv"
    target.write_bytes(b"the previous report\n")
    auth = SecretKeyAuth("id", "secret")
    async with ConvertClient(auth, base_url=f"{base}/api/v2", max_retries=1) as client:
        with pytest.raises(APIConnectionError):
            await client.reports.download(f"{base}/cut.csv", to=target)
    assert seen == [True, True]  # the first attempt and its retry were both cut off
    assert target.read_bytes() == b"the previous report\n"
    assert _names(tmp_path) == ["report.csv"]


async def test_a_whole_download_replaces_the_target(
    file_server: tuple[str, list[bool]], tmp_path: Path
) -> None:
    base, _ = file_server
    target = tmp_path / "report.csv"
    target.write_bytes(b"the previous report\n")
    async with ConvertClient(SecretKeyAuth("id", "secret"), base_url=f"{base}/api/v2") as client:
        saved = await client.reports.download(f"{base}/whole.csv", to=target)
    assert saved == target
    assert target.read_bytes() == BODY
    assert _names(tmp_path) == ["report.csv"]


@pytest.mark.parametrize("status", [204, 202])
async def test_a_download_answered_without_the_file_raises_and_keeps_the_target(
    server: ScriptedServer, tmp_path: Path, status: int
) -> None:
    """204 No Content (or 202, the file still to come) is no file: never an empty one written
    over the previous report and reported as saved."""
    server.default = lambda request: web.Response(status=status)
    target = tmp_path / "report.csv"
    target.write_bytes(b"the previous report\n")
    async with ConvertClient(SecretKeyAuth("id", "secret"), base_url=server.url) as client:
        with pytest.raises(APIResponseValidationError, match=f"answered {status} instead"):
            await client.reports.download(f"{server.url}/file.csv", to=target)
        with pytest.raises(APIResponseValidationError):
            await client.reports.download(f"{server.url}/file.csv")
    assert target.read_bytes() == b"the previous report\n"
    assert _names(tmp_path) == ["report.csv"]


async def test_a_download_target_that_cannot_be_written_is_refused_before_sending(
    server: ScriptedServer, tmp_path: Path
) -> None:
    async with ConvertClient(SecretKeyAuth("id", "secret"), base_url=server.url) as client:
        with pytest.raises(RequestValidationError, match="does not exist") as caught:
            await client.reports.download(f"{server.url}/f.csv", to=tmp_path / "no" / "f.csv")
        assert caught.value.field == "to"
        with pytest.raises(RequestValidationError, match="is a directory"):
            await client.reports.download(f"{server.url}/f.csv", to=tmp_path)
    assert not server.seen


async def test_a_plain_http_link_is_refused_when_the_api_is_reached_over_https() -> None:
    async with ConvertClient(SecretKeyAuth("id", "secret")) as client:  # https://api.convert.com
        with pytest.raises(RequestValidationError, match="plain-http"):
            await client.reports.download("http://files.example.com/report.csv")


async def test_a_redirect_to_a_json_call_is_an_error_not_an_empty_result(
    server: ScriptedServer,
) -> None:
    server.default = lambda request: web.Response(status=302, headers={"Location": "/elsewhere"})
    async with ConvertClient(SecretKeyAuth("id", "secret"), base_url=server.url) as client:
        for method in ("GET", "POST"):
            with pytest.raises(RedirectError, match="redirect") as caught:
                await client.request(method, "/accounts")
            assert caught.value.status == 302
    assert [seen.method for seen in server.seen] == ["GET", "POST"]


@pytest.mark.anyio
async def test_a_download_the_disk_refuses_raises_an_os_error_naming_the_target(
    server: ScriptedServer, tmp_path: Path
) -> None:
    # The error named the hidden temporary file (or nothing, on a full disk). A name the file
    # system takes but whose ".<name>.<hex>.part" it refuses fails the same way a full disk
    # does: in the middle of the write, after the request went out.
    server.then(lambda request: web.Response(body=b"a,b\n1,2\n"))
    target = tmp_path / ("r" * 240 + ".csv")
    async with ConvertClient(SecretKeyAuth("id", "secret"), base_url=server.url) as client:
        with pytest.raises(OSError, match="File name too long") as caught:
            await client.reports.download(f"{server.url}/f.csv", to=target)
    assert caught.value.filename == str(target)
    assert _names(tmp_path) == []
