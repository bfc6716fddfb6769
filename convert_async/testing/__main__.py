"""Run the fake Convert APIs standalone, to try the CLI, an app or a script against them.

``python -m convert_async.testing [--port N] [--latency S] [--error-rate P] [--rate-limit-rate P]
[--max-rate N [--rate-burst B]] [--experiences N]`` prints every URL (REST v2, config and
tracking) and the credentials to use, as environment variables ready to paste, then serves
until Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from ._v2 import FakeConvert

ACCOUNT_ID = 1001


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be a probability between 0 and 1")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


async def _serve(args: argparse.Namespace) -> None:
    async with FakeConvert(host=args.host, port=args.port, seed=args.seed) as fake:
        fake.faults.latency = args.latency
        fake.faults.error_rate = args.error_rate
        fake.faults.rate_limit_rate = args.rate_limit_rate
        fake.faults.max_rate = args.max_rate
        fake.faults.rate_burst = args.rate_burst
        # It serves until Ctrl-C: keep what a session of poking at it wants, not every request.
        fake.max_recorded = fake.serving.max_recorded = 10_000
        project = min(p["id"] for p in fake.store.items("projects", account_id=ACCOUNT_ID))
        if args.experiences:
            fake.store.add_experiences(ACCOUNT_ID, project, args.experiences)
        key = fake.serving.sdk_key(ACCOUNT_ID, project)
        print(f"Fake Convert APIs (account {ACCOUNT_ID}, project {project}); Ctrl-C stops them.")
        print(f"  REST v2:             {fake.url}")
        print(f"  config and tracking: {fake.serving_url}")
        print("For the CLI and the clients (HMAC request signing):")
        print(f"  export CONVERT_BASE_URL={fake.url}")
        print(f"  export CONVERT_API_KEY_ID={fake.APPLICATION_ID}")
        print(f"  export CONVERT_API_KEY_SECRET={fake.APPLICATION_SECRET}")
        print(f"  (secret key instead: Authorization: Bearer {fake.KEY_ID}:{fake.KEY_SECRET})")
        print("For TrackingClient:")
        print(f"  sdk_key={key.sdk_key!r}, sdk_key_secret={key.secret!r},")
        print(f"  config_base_url={fake.serving_url!r}, track_base_url={fake.serving_url!r}")
        print(flush=True)
        await asyncio.Event().wait()  # serve until cancelled by Ctrl-C


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m convert_async.testing",
        description="Serve the fake Convert APIs (REST v2, config and tracking) on loopback.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    parser.add_argument(
        "--latency", type=_seconds, default=0.0, help="seconds added to every reply"
    )
    parser.add_argument(
        "--error-rate", type=_rate, default=0.0, help="share of requests answered 503"
    )
    parser.add_argument(
        "--rate-limit-rate",
        type=_rate,
        default=0.0,
        help="share of requests answered 429 with Retry-After: 1",
    )
    parser.add_argument(
        "--max-rate",
        type=_positive,
        default=None,
        help="requests allowed per one-second window, the rest answered 429 + Retry-After",
    )
    parser.add_argument(
        "--rate-burst",
        type=_positive,
        default=None,
        help="with --max-rate: enforce it as a leaky bucket with this burst (nginx limit_req)",
    )
    parser.add_argument(
        "--experiences",
        type=_count,
        default=0,
        help="experiences to add to the first project (to try paging and exports at scale)",
    )
    args = parser.parse_args(argv)
    if args.rate_burst is not None and args.max_rate is None:
        parser.error("--rate-burst needs --max-rate")
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # show aiohttp access logs
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
