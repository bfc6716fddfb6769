"""Run FakeConvert's serving API over TLS in its own process, for the tracking benchmark.

``python -m benchmarks._serving_process CERT KEY`` serves FakeConvert with the certificate
``CERT`` (PEM, for 127.0.0.1) and prints one JSON line: the HTTPS serving URL, account,
project, goal, SDK key and secret, and the plain-HTTP URL of a small control app. The control
app answers ``GET /count`` with the number of tracking events the fake recorded, ``GET /last``
with the last of them, and ``POST /clear`` forgets them. Serves until stdin closes.

The official ``convert-python-sdk`` refuses any non-HTTPS URL, so the fake's handler is served
over TLS and both clients use that: ``serving_url`` for ours (config and tracking) and for the
official SDK's ``track_base_url``; ``origin`` is the official SDK's config ``base_url`` (its
``/api/v1/config/{sdk_key}`` route is mapped onto the fake's ``/serving/v1/config/{sdk_key}``).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import ssl
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from convert_async.testing import FakeConvert
from convert_async.testing._serving import SERVING_PATH

ACCOUNT_ID = 1001
HOST = "127.0.0.1"
OFFICIAL_CONFIG_PREFIX = "/api/v1/config/"


@dataclass(frozen=True)
class ServingServer:
    origin: str  # https://127.0.0.1:PORT (the official SDK's config base URL)
    serving_url: str  # https://127.0.0.1:PORT/serving/v1
    account_id: int
    project_id: int
    goal_id: int
    goal_key: str
    sdk_key: str
    secret: str
    control_url: str  # http://127.0.0.1:PORT (GET /count, GET /last, POST /clear)
    cafile: str  # the self-signed certificate to trust
    pid: int  # the fake's process, to read its CPU time

    def cpu_seconds(self) -> float | None:
        """CPU time the fake's process has used so far (Linux ``/proc``; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (``openssl`` CLI), valid for a day."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    command = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
    subprocess.run(  # noqa: S603 - fixed arguments, openssl from PATH
        [
            *command.split(),
            *("-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def _serve(cert: str, key: str) -> None:
    # The fake keeps every recorded event (and request) in its heap; with the cyclic GC on, its
    # full collections get slower as a run records 100,000 events and double the fake's cost per
    # event. The recorded data is acyclic (refcounting frees it on /clear), so collect only
    # between runs, when /clear is called.
    gc.disable()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    async with FakeConvert() as fake:
        project = fake.store.add("projects", {"name": "Tracking benchmark"}, account_id=ACCOUNT_ID)
        scope = {"account_id": ACCOUNT_ID, "project_id": project["id"]}
        goal = fake.store.add("goals", {"name": "Purchase", "key": "purchase"}, **scope)
        sdk_key = fake.serving.sdk_key(ACCOUNT_ID, project["id"], with_secret=True)
        handle = fake._handle  # FakeConvert has no TLS option: serve its handler ourselves

        async def tls_front(request: web.BaseRequest) -> web.StreamResponse:
            # The official SDK fetches config from {base_url}/api/v1/config/{sdk_key}; the fake
            # serves it at /serving/v1/config/{sdk_key}. Everything else passes through as is.
            if request.raw_path.startswith(OFFICIAL_CONFIG_PREFIX):
                rest = request.raw_path[len(OFFICIAL_CONFIG_PREFIX) :]
                request = request.clone(rel_url=f"{SERVING_PATH}/config/{rest}")
            return await handle(request)

        tls_runner = web.ServerRunner(web.Server(tls_front), access_log=None)
        await tls_runner.setup()
        await web.TCPSite(tls_runner, HOST, 0, ssl_context=context).start()
        tls_port = tls_runner.addresses[0][1]

        async def count(_: web.Request) -> web.Response:
            return web.json_response({"events": fake.serving.event_count})

        async def last(_: web.Request) -> web.Response:
            events = fake.serving.events
            return web.json_response(events[-1] if events else None)

        async def clear(_: web.Request) -> web.Response:
            fake.serving.clear()
            fake.requests.clear()  # FakeConvert's request log grows with every batch too
            gc.collect()
            return web.json_response({"events": 0})

        control = web.Application()
        control.router.add_get("/count", count)
        control.router.add_get("/last", last)
        control.router.add_post("/clear", clear)
        control_runner = web.AppRunner(control, access_log=None)
        await control_runner.setup()
        await web.TCPSite(control_runner, HOST, 0).start()
        control_port = control_runner.addresses[0][1]
        try:
            info = {
                "origin": f"https://{HOST}:{tls_port}",
                "serving_url": f"https://{HOST}:{tls_port}{SERVING_PATH}",
                "account_id": ACCOUNT_ID,
                "project_id": project["id"],
                "goal_id": goal["id"],
                "goal_key": goal["key"],
                "sdk_key": sdk_key.sdk_key,
                "secret": sdk_key.secret,
                "control_url": f"http://{HOST}:{control_port}",
                "cafile": cert,
                "pid": os.getpid(),
            }
            print(json.dumps(info), flush=True)
            await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
        finally:
            await control_runner.cleanup()
            await tls_runner.cleanup()


@contextmanager
def serving_server() -> Iterator[ServingServer]:
    """Start the TLS fake in a subprocess, with a fresh self-signed certificate; stop it on exit."""
    with tempfile.TemporaryDirectory(prefix="convert-bench-tls-") as tmp:
        cert, key = make_certificate(Path(tmp))
        command = [sys.executable, "-m", "benchmarks._serving_process", str(cert), str(key)]
        with subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        ) as proc:
            assert proc.stdout is not None
            assert proc.stdin is not None
            info: dict[str, Any] = json.loads(proc.stdout.readline())
            try:
                yield ServingServer(**info)
            finally:
                proc.stdin.close()
                proc.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(_serve(sys.argv[1], sys.argv[2]))
