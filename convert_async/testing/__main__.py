"""Run the fake Convert API standalone: ``python -m convert_async.testing [--port N]``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from ._v2 import FakeConvert


async def _serve(host: str, port: int, seed: int) -> None:
    async with FakeConvert(host=host, port=port, seed=seed) as fake:
        print(f"Fake Convert REST API v2 at {fake.url}")
        print(f"  HMAC:   application id {fake.APPLICATION_ID}, secret {fake.APPLICATION_SECRET}")
        print(f"  Bearer: Authorization: Bearer {fake.KEY_ID}:{fake.KEY_SECRET}")
        print(f"  Seeded account {fake.store.ACCOUNT_ID}; press Ctrl-C to stop.", flush=True)
        await asyncio.Event().wait()  # serve until cancelled by Ctrl-C


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m convert_async.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # show aiohttp access logs
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.host, args.port, args.seed))


if __name__ == "__main__":
    main()
