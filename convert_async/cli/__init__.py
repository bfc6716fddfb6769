"""The ``convert-async`` command line.

::

    convert-async demo
    convert-async projects list [--account ID] [--format table|json|csv]
    convert-async experiences list --project ID [--status S] [--format table|json|csv]
    convert-async reports export --project ID [--experience ID ...] --out FILE [...]

Credentials come from ``--key-id``/``--key-secret``/``--auth`` or from ``CONVERT_API_KEY_ID``,
``CONVERT_API_KEY_SECRET`` and ``CONVERT_AUTH_METHOD``; ``--base-url`` (or
``CONVERT_BASE_URL``) points at another server, e.g. a FakeConvert. A failure prints one
``error: ...`` line on stderr and exits with status 1 (2 for a usage error, 130 when
interrupted); ``--debug`` adds the request log and the traceback, secrets redacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from .._version import __version__
from ..v2.client import ENV_BASE_URL
from ._commands import (
    ENV_ACCOUNT_ID,
    EXPERIENCE_STATUSES,
    experiences_list,
    projects_list,
    reports_export,
)
from ._common import (
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    add_connection_options,
    positive_number,
    report_error,
    secrets_of,
    whole_number,
)
from .demo import run_demo

__all__ = ["main"]

#: The slowest --rate: one request every 100 s (below it an export seems to hang).
MIN_RATE = 0.01

Command = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="convert-async",
        description="Convert Experiences from the command line (asyncio SDK).",
        epilog="Run 'convert-async COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_connection_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run against an embedded fake Convert API: no credentials or network needed",
        description=(
            "Start FakeConvert in-process, list projects and experiences, export the "
            "aggregated report of every experience concurrently and print a summary. "
            f"Ignores the credential flags and {ENV_BASE_URL}."
        ),
    )
    demo.add_argument(
        "--concurrency", type=whole_number(1), default=20, help="reports fetched at once"
    )
    demo.add_argument(
        "--out", type=Path, help="keep the exported CSV here (default: a temporary file)"
    )
    demo.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="log requests"
    )
    demo.set_defaults(run=_demo)

    # -- projects ---------------------------------------------------------------------------
    projects = commands.add_parser("projects", help="projects of your accounts")
    project_commands = projects.add_subparsers(dest="action", required=True, metavar="ACTION")
    plist = project_commands.add_parser(
        "list",
        help="list projects",
        description="List the projects of one account, or of every account the key reaches.",
    )
    _account_option(plist, required=False)
    _format_option(plist)
    add_connection_options(plist, top_level=False)
    plist.set_defaults(run=projects_list)

    # -- experiences ------------------------------------------------------------------------
    experiences = commands.add_parser("experiences", help="experiences of a project")
    experience_commands = experiences.add_subparsers(dest="action", required=True, metavar="ACTION")
    elist = experience_commands.add_parser(
        "list",
        help="list the experiences of a project",
        description="List the experiences of a project, optionally filtered by status.",
    )
    _account_option(elist, required=False)
    elist.add_argument("--project", type=int, required=True, help="project id")
    _status_option(elist)
    _format_option(elist)
    add_connection_options(elist, top_level=False)
    elist.set_defaults(run=experiences_list)

    # -- reports ----------------------------------------------------------------------------
    reports = commands.add_parser("reports", help="experience reports")
    report_commands = reports.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = report_commands.add_parser(
        "export",
        help="export the reports of many experiences to CSV or JSONL",
        description=(
            "Export the aggregated (a row per experience x goal x variation) or daily (a row "
            "per experience x day x variation) report of every experience of the projects, or "
            "of the experiences given, fetching reports concurrently and slowing down when "
            "the API throttles. With --checkpoint, an interrupted export resumes where it "
            "stopped when run again with the same arguments, without duplicate rows."
        ),
    )
    _account_option(export, required=False)
    export.add_argument(
        "--project",
        type=int,
        action="append",
        required=True,
        help="project id (repeat for several projects)",
    )
    export.add_argument(
        "--experience",
        type=int,
        action="append",
        help="only this experience of the project (repeatable; needs one --project)",
    )
    _status_option(export)
    export.add_argument(
        "--report", choices=("aggregated", "daily"), default="aggregated", help="report kind"
    )
    export.add_argument(
        "--format",
        choices=("csv", "jsonl"),
        help="output format (default: from the --out suffix, else csv)",
    )
    export.add_argument("--out", type=Path, required=True, help="output file")
    export.add_argument(
        "--concurrency",
        type=whole_number(1),
        default=10,
        help="reports fetched at once (default: 10)",
    )
    export.add_argument(
        "--checkpoint", type=Path, help="checkpoint file that makes the export resumable"
    )
    export.add_argument(
        "--rate",
        type=positive_number("requests per second", least=MIN_RATE),
        help="start at this many requests per second (default: unlimited until throttled)",
    )
    export.add_argument(
        "--opening-window",
        type=whole_number(1),
        help="while no limit is known, send at most this many at once at first, more as they"
        " are accepted (for a short export against an unknown quota; try 4)",
    )
    add_connection_options(export, top_level=False)
    export.set_defaults(run=reports_export)
    return parser


def _account_option(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument(
        "--account",
        type=int,
        required=required,
        help=f"account id (default: ${ENV_ACCOUNT_ID}, else the key's only account, or the "
        "account holding the project)",
    )


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("table", "json", "csv"),
        default="table",
        help="output format (default: table)",
    )


def _status_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--status",
        action="append",
        choices=EXPERIENCE_STATUSES,
        help="only experiences with this status (repeatable)",
    )


async def _demo(args: argparse.Namespace) -> int:
    return await run_demo(concurrency=args.concurrency, out=args.out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``convert-async``; returns the process exit code."""
    args = _parser().parse_args(argv)
    debug = bool(getattr(args, "debug", False))
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    run: Command = args.run
    terminated: list[bool] = []
    try:
        return _run_until_stopped(run(args), terminated)
    except KeyboardInterrupt:
        # Ctrl-C or SIGTERM: the export was cancelled and left its checkpoint whole.
        return _interrupted(terminated)
    except BrokenPipeError:
        return _closed_pipe()
    except Exception as error:
        if isinstance(error, OSError) and error.errno == errno.EPIPE:
            return _closed_pipe()
        return report_error(error, debug=debug, secrets=secrets_of(args))


def _interrupted(terminated: list[bool]) -> int:
    print("terminated" if terminated else "interrupted", file=sys.stderr)
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED


def _run_until_stopped(command: Coroutine[Any, Any, int], terminated: list[bool]) -> int:
    """Run ``command`` on a new event loop. The first Ctrl-C or SIGTERM cancels it, so an
    export stops with its checkpoint whole (then KeyboardInterrupt is raised here); a second
    one exits at once, which the checkpoint survives as it survives kill -9. (asyncio's own
    second Ctrl-C raised KeyboardInterrupt inside the export's task group and could leave the
    loop spinning on a cancellation it could no longer deliver.)"""
    stops: list[int] = []
    main_task: list[asyncio.Task[int]] = []

    def on_signal(signum: int, frame: object) -> None:
        if signum == signal.SIGTERM:
            terminated.append(True)
        if stops or not main_task:
            if stops:  # the second: go now
                os.write(sys.stderr.fileno(), b"terminated\n" if terminated else b"interrupted\n")
                os._exit(EXIT_TERMINATED if terminated else EXIT_INTERRUPTED)
            raise KeyboardInterrupt  # before the command started: nothing to wind down
        stops.append(signum)
        loop.call_soon_threadsafe(main_task[0].cancel)

    async def guarded() -> int:
        task = asyncio.current_task()
        assert task is not None
        main_task.append(task)
        return await command

    with asyncio.Runner() as runner:
        loop = runner.get_loop()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous[signum] = signal.signal(signum, on_signal)
        try:
            return runner.run(guarded())
        except asyncio.CancelledError:
            if stops:
                raise KeyboardInterrupt from None
            raise
        finally:
            for signum, handler in previous.items():
                # Once stopping, a signal that comes while the exit is reported is ignored.
                signal.signal(signum, signal.SIG_IGN if stops else handler)


def _closed_pipe() -> int:
    """The reader went away (``| head``): stop quietly, as Unix tools do."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush cannot fail
    return 0


if __name__ == "__main__":
    sys.exit(main())
