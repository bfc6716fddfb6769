"""examples/fastapi_app.py under uvicorn: 1,000 requests, a graceful shutdown, 1,000 events."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from convert_async.testing import FakeConvert

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = 1001
REQUESTS = 1_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def wait_until_up(
    session: aiohttp.ClientSession, url: str, server: asyncio.subprocess.Process
) -> None:
    async with asyncio.timeout(20):
        while True:
            if server.returncode is not None:
                raise AssertionError(f"uvicorn exited early with {server.returncode}")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)


@pytest.mark.anyio
async def test_every_request_becomes_one_delivered_event(tmp_path: Path) -> None:
    async with FakeConvert() as fake:
        project = min(p["id"] for p in fake.store.items("projects", account_id=ACCOUNT))
        key = fake.serving.sdk_key(ACCOUNT, project)
        port = free_port()
        env = {
            **os.environ,
            "CONVERT_SDK_KEY": key.sdk_key,
            "CONVERT_SDK_KEY_SECRET": key.secret or "",
            "CONVERT_ACCOUNT_ID": str(ACCOUNT),
            "CONVERT_PROJECT_ID": str(project),
            "CONVERT_CONFIG_BASE_URL": fake.serving_url,
            "CONVERT_TRACK_BASE_URL": fake.serving_url,
            "CONVERT_GOAL_ID": "300",
        }
        log = (tmp_path / "uvicorn.log").open("wb")
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            "fastapi_app:app",
            "--app-dir",
            str(ROOT / "examples"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            connector = aiohttp.TCPConnector(limit=50)
            async with aiohttp.ClientSession(connector=connector) as session:
                await wait_until_up(session, f"{base}/health", server)

                async def purchase(n: int) -> bool:
                    url = f"{base}/purchase/visitor-{n}?amount={n}.5"
                    async with session.post(url) as response:
                        assert response.status == 200
                        tracked: bool = (await response.json())["tracked"]
                        return tracked

                results = await asyncio.gather(*(purchase(n) for n in range(REQUESTS)))
            assert all(results)
            server.send_signal(signal.SIGTERM)  # graceful: the lifespan drains the tracker
            async with asyncio.timeout(20):
                # uvicorn re-raises the signal once its graceful shutdown has finished.
                assert await server.wait() in (0, -signal.SIGTERM)
        finally:
            if server.returncode is None:
                server.kill()
                await server.wait()
            log.close()

    output = (tmp_path / "uvicorn.log").read_text(errors="replace")
    assert "Application shutdown complete" in output, output
    visitors = [e["visitorId"] for e in fake.serving.events]
    assert len(visitors) == REQUESTS, output
    assert set(visitors) == {f"visitor-{n}" for n in range(REQUESTS)}
    assert {e["eventType"] for e in fake.serving.events} == {"conversion"}
    amounts = {e["visitorId"]: e["data"]["goalData"][0] for e in fake.serving.events}
    assert amounts["visitor-7"] == {"key": "amount", "value": 7.5}
    posts = fake.requests_for("send_tracking_events_by_sdk_key")
    assert all(r.status == 200 for r in posts)
    assert len(posts) == len(fake.serving.batches) < REQUESTS  # batched, not one POST per event
