"""``export_reports`` against rate limiters written apart from FakeConvert's own.

A reverse proxy (its own process, aiohttp.web) in front of FakeConvert enforces ``RATE``
requests per second the way common API gateways do, and answers the excess 429 with
``Retry-After`` (whole seconds, at least 1), either at once or after ``LATENCY`` (as a remote
server's 429 would come back):

- ``fixed``: a counter per one-second window;
- ``sliding``: the requests of the trailing second (a sliding log);
- ``leaky``: nginx's ``limit_req rate=RATE burst=RATE/10 nodelay``.

Accepted requests cost ``LATENCY`` in all. The client signs with a secret key (Bearer): an HMAC
signature covers the host, which the proxy changes. Reported per server, as counted by the
proxy: the share of the limit sustained over the export (goal >= 90%) and the share of requests
answered 429 (goal <= 5%).

``python -m benchmarks.rate_limit_servers`` (``--rate``, ``--reports``, ``--latency`` for other
runs: a short export, ``--rate 100 --reports 400 --latency 0.005``, pays the opening's cost on
far fewer requests; ``--opening-window 4`` opens few requests at a time while no limit is known)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import math
import subprocess
import sys
import time

import aiohttp
from aiohttp import web

from benchmarks._fake_process import fake_server
from convert_async import AdaptiveRateLimiter, ConvertClient, SecretKeyAuth
from convert_async.testing import FakeConvert
from convert_async.v2 import export_reports

RATE = 200
REPORTS = 4_000
CONCURRENCY = 50
LATENCY = 0.05
SERVERS = [("fixed", 0.0), ("fixed", LATENCY), ("sliding", 0.0), ("sliding", LATENCY)]
SERVERS += [("leaky", 0.0), ("leaky", LATENCY)]


class Limiter:
    """Decides, per request, whether it is over the limit (and for how long, in seconds)."""

    def __init__(self, kind: str, rate: int, burst: int) -> None:
        self.kind, self.rate, self.burst = kind, rate, burst
        self.window, self.count = -1, 0
        self.log: collections.deque[float] = collections.deque()
        self.excess, self.excess_at = 0.0, 0.0

    def refuse(self, now: float) -> int | None:
        if self.kind == "fixed":
            window = math.floor(now)
            if window != self.window:
                self.window, self.count = window, 0
            self.count += 1
            return None if self.count <= self.rate else max(1, math.ceil(window + 1 - now))
        if self.kind == "sliding":
            while self.log and self.log[0] <= now - 1:
                self.log.popleft()
            if len(self.log) >= self.rate:
                return max(1, math.ceil(self.log[0] + 1 - now))
            self.log.append(now)
            return None
        excess = max(0.0, self.excess - (now - self.excess_at) * self.rate + 1)
        if excess > self.burst:
            return 1
        self.excess, self.excess_at = excess, now
        return None


async def serve_proxy(
    upstream: str, kind: str, refusal_delay: float, rate: int, burst: int
) -> None:
    limiter = Limiter(kind, rate, burst)
    counts = {"accepted": 0, "refused": 0}
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

    async def handle(request: web.Request) -> web.StreamResponse:
        wait = limiter.refuse(time.monotonic())
        if wait is not None:
            counts["refused"] += 1
            await asyncio.sleep(refusal_delay)
            return web.json_response(
                {"code": 429, "message": "Too Many Requests"},
                status=429,
                headers={"Retry-After": str(wait)},
            )
        counts["accepted"] += 1
        headers = {
            k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")
        }
        async with session.request(
            request.method, upstream + request.path_qs, data=await request.read(), headers=headers
        ) as reply:
            body = await reply.read()
            return web.Response(status=reply.status, body=body, content_type=reply.content_type)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    print(json.dumps({"url": f"http://127.0.0.1:{port}"}), flush=True)
    await asyncio.to_thread(sys.stdin.read)  # until the parent closes our stdin
    print(json.dumps(counts), flush=True)
    await session.close()
    await runner.cleanup()


async def export(
    url: str, account_id: int, project_id: int, reports: int, opening_window: int | None
) -> float:
    auth = SecretKeyAuth(FakeConvert.KEY_ID, FakeConvert.KEY_SECRET)
    limiter = AdaptiveRateLimiter(opening_window=opening_window)
    async with ConvertClient(auth, base_url=url, rate_limiter=limiter) as client:
        started = time.perf_counter()
        result = await export_reports(
            client, account_id=account_id, project_id=project_id, concurrency=CONCURRENCY
        )
        elapsed = time.perf_counter() - started
    assert result.ok, result.failures[:3]
    assert result.exported == reports, result
    return elapsed


def run(
    kind: str,
    refusal_delay: float,
    rate: int = RATE,
    reports: int = REPORTS,
    latency: float = LATENCY,
    opening_window: int | None = None,
) -> tuple[float, float]:
    """One export through a ``kind`` proxy: (share of the limit sustained, share refused)."""
    # Accepted requests cost ``latency`` in all: the proxy adds only what refusals wait.
    with fake_server(experiences=reports, latency=latency, goals=2) as server:
        command = [sys.executable, "-m", "benchmarks.rate_limit_servers", "--proxy"]
        command += [server.url, kind, str(refusal_delay), str(rate), str(max(1, rate // 10))]
        with subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        ) as proxy:
            assert proxy.stdin is not None
            assert proxy.stdout is not None
            url = json.loads(proxy.stdout.readline())["url"]
            exported = export(url, server.account_id, server.project_id, reports, opening_window)
            elapsed = asyncio.run(exported)
            proxy.stdin.close()
            counts = json.loads(proxy.stdout.readline())
    accepted, refused = counts["accepted"], counts["refused"]
    return accepted / elapsed / rate, refused / (accepted + refused)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.rate_limit_servers")
    parser.add_argument("--rate", type=int, default=RATE, help="requests per second allowed")
    parser.add_argument("--reports", type=int, default=REPORTS)
    parser.add_argument("--latency", type=float, default=LATENCY, help="seconds per request")
    parser.add_argument(
        "--opening-window", type=int, default=None, help="AdaptiveRateLimiter(opening_window=N)"
    )
    args = parser.parse_args(argv)
    rate, reports, latency, window = args.rate, args.reports, args.latency, args.opening_window
    print(
        f"export_reports, {reports:,} reports at concurrency {CONCURRENCY}, through a proxy "
        f"allowing {rate} req/s ({latency * 1000:.0f} ms per accepted request), "
        f"opening_window={window}"
    )
    for kind, delay in SERVERS:
        refusal_delay = latency if delay else 0.0
        sustained, refused = run(kind, refusal_delay, rate, reports, latency, window)
        when = "at once" if refusal_delay == 0 else f"after {refusal_delay * 1000:.0f} ms"
        burst = f" (burst {max(1, rate // 10)})" if kind == "leaky" else ""
        label = f"{kind}{burst}, 429 {when}"
        print(
            f"  {label:<36} sustained {sustained:4.0%} of the limit (goal >= 90%), "
            f"{refused:5.1%} answered 429 (goal <= 5%)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--proxy"]:
        upstream, kind, delay, rate, burst = sys.argv[2:7]
        asyncio.run(serve_proxy(upstream, kind, float(delay), int(rate), int(burst)))
    else:
        main(sys.argv[1:])
