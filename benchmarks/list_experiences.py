"""List 10,000 experiences (200 pages of 50) from FakeConvert with 20 ms injected latency.

Compares, in one run against the same server process:
  (a) a sequential synchronous loop with ``requests``, one page after another (today's scripts);
  (b) a plain aiohttp loop fetching page after page;
  (c) convert_async's pager (``async for`` over the list, concurrent page fetching).
Prints the times and ratios, and the floor ``ceil(pages / concurrency) x latency``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import math
import time

import aiohttp
import requests

from benchmarks._fake_process import FakeServer, fake_server
from convert_async import ConvertClient, HmacAuth
from convert_async._core._constants import DEFAULT_PAGE_CONCURRENCY
from convert_async.testing import FakeConvert

ITEMS = 10_000
PAGE_SIZE = 50
LATENCY = 0.02
APP_ID, SECRET = FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET


def signed_headers(url: str, body: bytes) -> dict[str, str]:
    """What a hand-written script does: the signing recipe from the API reference."""
    expires = str(int(time.time()) + 60)
    message = b"\n".join((APP_ID.encode(), expires.encode(), url.encode(), body))
    signature = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    return {
        "Convert-Application-ID": APP_ID,
        "Expires": expires,
        "Authorization": f"Convert-HMAC-SHA256 Signature={signature}",
        "Content-Type": "application/json",
    }


def list_url(server: FakeServer) -> str:
    return f"{server.url}/accounts/{server.account_id}/projects/{server.project_id}/experiences"


def sequential_requests(server: FakeServer) -> int:
    url, seen, page = list_url(server), 0, 1
    with requests.Session() as session:
        while True:
            body = json.dumps({"page": page, "results_per_page": PAGE_SIZE}).encode()
            reply = session.post(url, data=body, headers=signed_headers(url, body), timeout=30)
            reply.raise_for_status()
            payload = reply.json()
            seen += len(payload["data"])
            if page >= payload["extra"]["pagination"]["pages_count"]:
                return seen
            page += 1


async def sequential_aiohttp(server: FakeServer) -> int:
    url, seen, page = list_url(server), 0, 1
    async with aiohttp.ClientSession() as session:
        while True:
            body = json.dumps({"page": page, "results_per_page": PAGE_SIZE}).encode()
            async with session.post(url, data=body, headers=signed_headers(url, body)) as reply:
                reply.raise_for_status()
                payload = await reply.json()
            seen += len(payload["data"])
            if page >= payload["extra"]["pagination"]["pages_count"]:
                return seen
            page += 1


async def with_convert_async(
    server: FakeServer, concurrency: int = DEFAULT_PAGE_CONCURRENCY
) -> int:
    auth = HmacAuth(APP_ID, SECRET)
    async with ConvertClient(auth, base_url=server.url, page_concurrency=concurrency) as client:
        pager = client.experiences.list(account_id=server.account_id, project_id=server.project_id)
        return sum([1 async for _ in pager])


def timed(label: str, run: object) -> float:
    started = time.perf_counter()
    count = asyncio.run(run) if asyncio.iscoroutine(run) else run()  # type: ignore[operator]
    elapsed = time.perf_counter() - started
    assert count == ITEMS, f"{label} saw {count} items"
    print(f"  {label:<34} {elapsed * 1000:8.0f} ms")
    return elapsed


def main() -> dict[str, float]:
    pages = math.ceil(ITEMS / PAGE_SIZE)
    floor = math.ceil(pages / DEFAULT_PAGE_CONCURRENCY) * LATENCY
    print(f"List {ITEMS:,} experiences, {pages} pages, {LATENCY * 1000:.0f} ms latency per request")
    with fake_server(experiences=ITEMS, latency=LATENCY) as server:
        ours = min(timed("convert_async (async for)", with_convert_async(server)) for _ in range(3))
        at_10 = min(
            timed("convert_async, page_concurrency=10", with_convert_async(server, 10))
            for _ in range(3)
        )
        plain = timed("aiohttp, page after page", sequential_aiohttp(server))
        sync = timed("requests, page after page", lambda: sequential_requests(server))
    results = {
        "speedup_vs_requests": sync / ours,
        "speedup_vs_aiohttp_loop": plain / ours,
        "ratio_to_floor": ours / floor,
    }
    concurrency = DEFAULT_PAGE_CONCURRENCY
    print(f"  floor ceil({pages}/{concurrency}) x {LATENCY * 1000:.0f} ms = {floor * 1000:.0f} ms")
    speedup = results["speedup_vs_requests"]
    print(f"  convert_async is {speedup:.1f}x faster than requests (goal >= 10x)")
    print(
        f"  convert_async is {results['speedup_vs_aiohttp_loop']:.1f}x faster than the aiohttp loop"
    )
    print(f"  convert_async / floor = {results['ratio_to_floor']:.2f} (goal <= 1.5)")
    floor_10 = math.ceil(pages / 10) * LATENCY
    print(
        f"  at page_concurrency=10: {sync / at_10:.1f}x faster than requests, "
        f"{at_10 / floor_10:.2f} x its floor of {floor_10 * 1000:.0f} ms"
    )
    return results


if __name__ == "__main__":
    main()
