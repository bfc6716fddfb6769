"""The ``convert-async`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from ..v2.client import ENV_BASE_URL
from .demo import run_demo

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convert-async",
        description="Convert Experiences from the command line (asyncio SDK).",
    )
    parser.add_argument("--debug", action="store_true", help="log requests (secrets redacted)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="run against an embedded fake Convert API: no credentials or network needed",
        description=(
            "Start FakeConvert in-process, list projects and experiences, export the "
            "aggregated report of every experience concurrently and print a summary. "
            f"Ignores {ENV_BASE_URL}."
        ),
    )
    demo.add_argument("--concurrency", type=int, default=20, help="reports fetched at once")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``convert-async``; returns the process exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command == "demo":
            return asyncio.run(run_demo(concurrency=args.concurrency))
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
