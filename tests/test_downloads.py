"""Downloads are written whole or not at all: a reply cut off mid-body leaves the target as it
was (no truncated file that looks finished) and no temporary file behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from convert_async import APIConnectionError, ConvertClient, SecretKeyAuth

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
