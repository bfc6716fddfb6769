"""``CONVERT_ASYNC_LOG`` turns the SDK's logs on: a retry shows its reason and delay, redacted."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import asyncio
from aiohttp import web
from convert_async import ConvertClient, SecretKeyAuth, RetryPolicy

async def main():
    replies = [503, 200]
    async def handle(request):
        return web.json_response({"data": []}, status=replies.pop(0))
    app = web.Application()
    app.router.add_get("/api/v2/accounts", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    auth = SecretKeyAuth("key-id", "canary-secret-4711")
    async def no_wait(_): pass
    async with ConvertClient(auth, base_url=f"http://127.0.0.1:{port}/api/v2",
                             retry=RetryPolicy(sleep=no_wait)) as client:
        await client.accounts.list()
    await runner.cleanup()

asyncio.run(main())
"""


def _run(level: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CONVERT_ASYNC_LOG"}
    if level is not None:
        env["CONVERT_ASYNC_LOG"] = level
    return subprocess.run(  # noqa: S603 - this interpreter, the script above
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )


def test_info_logs_each_retry_with_its_reason_and_delay() -> None:
    run = _run("info")
    assert run.returncode == 0, run.stderr
    assert "retrying GET http://127.0.0.1:" in run.stderr
    assert "after HTTP 503" in run.stderr
    assert "canary-secret-4711" not in run.stderr


def test_debug_adds_every_request_and_nothing_without_the_variable() -> None:
    debug = _run("debug")
    assert "-> 200 in" in debug.stderr
    assert _run(None).stderr == ""
    noisy = _run("verbose")
    assert "CONVERT_ASYNC_LOG='verbose' is not one of" in noisy.stderr
