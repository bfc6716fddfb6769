"""What every ``convert-async`` command shares: credentials, the client, and error messages."""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import sys
import traceback
from collections.abc import Callable, Iterable

from .._core.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConvertError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from .._core.redaction import REDACTED, SHORTEST_SECRET
from ..v2.bulk import CheckpointError
from ..v2.client import (
    ENV_AUTH_METHOD,
    ENV_BASE_URL,
    ENV_KEY_ID,
    ENV_KEY_SECRET,
    ConvertClient,
    auth_from_env,
)

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "CliError",
    "add_connection_options",
    "describe_error",
    "make_client",
    "report_error",
]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM

logger = logging.getLogger("convert_async.cli")


class CliError(Exception):
    """A failure already phrased for the user (printed as ``error: <message>``)."""


class UsageError(CliError):
    """Arguments that cannot work together (exit status 2, like argparse's own errors)."""


def whole_number(least: int) -> Callable[[str], int]:
    """An argparse type for a whole number of at least ``least``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least}, not {text!r}")
        return value

    return parse


def positive_number(unit: str, least: float = 0.0) -> Callable[[str], float]:
    """An argparse type for a finite number above zero (and at least ``least``), in ``unit``
    (argparse turns its error into a usage error, exit status 2)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be a positive number of {unit}, not {text!r}")
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least:g} {unit}, not {text!r}")
        return value

    return parse


def add_connection_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    """The credential and connection flags, accepted before or after the command name.

    At command level the defaults are suppressed so a flag given before the command is not
    overwritten by the command's default.
    """

    def default(value: object) -> object:
        return value if top_level else argparse.SUPPRESS

    group = parser.add_argument_group("connection")
    group.add_argument(
        "--key-id",
        default=default(None),
        help=f"API key id (default: ${ENV_KEY_ID})",
    )
    group.add_argument(
        "--key-secret",
        default=default(None),
        help=f"API key secret (default: ${ENV_KEY_SECRET}; prefer the variable: flags are "
        "visible to other local users)",
    )
    group.add_argument(
        "--auth",
        choices=("hmac", "secret_key"),
        default=default(None),
        help=f"how the key authenticates: request signing or Bearer (default: "
        f"${ENV_AUTH_METHOD}, else hmac)",
    )
    group.add_argument(
        "--base-url",
        default=default(None),
        help=f"API base URL, e.g. a FakeConvert's (default: ${ENV_BASE_URL}, else the Convert API)",
    )
    group.add_argument(
        "--timeout",
        type=positive_number("seconds"),
        default=default(None),
        help="seconds per request attempt (default: 60)",
    )
    group.add_argument(
        "--max-retries",
        type=whole_number(0),
        default=default(None),
        help="retries of failed requests that are safe to repeat (default: 3)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log every request and show error details (secrets redacted)",
    )


def secrets_of(args: argparse.Namespace) -> list[str]:
    """Every secret the command may hold, to scrub from anything printed."""
    values = [getattr(args, "key_secret", None), os.environ.get(ENV_KEY_SECRET)]
    return [v for v in values if v]


def make_client(args: argparse.Namespace) -> ConvertClient:
    """A client from the flags, falling back on the environment variables."""
    env = dict(os.environ)
    for flag, name in (
        ("key_id", ENV_KEY_ID),
        ("key_secret", ENV_KEY_SECRET),
        ("auth", ENV_AUTH_METHOD),
    ):
        value = getattr(args, flag, None)
        if value:
            env[name] = value
    try:
        auth = auth_from_env(env)
    except ConvertError as exc:
        raise CliError(
            f"{exc}"
            if "no credentials" not in str(exc)
            else "no credentials: pass --key-id and "
            f"--key-secret, or set {ENV_KEY_ID} and {ENV_KEY_SECRET}"
        ) from None
    except ValueError as exc:
        raise CliError(f"invalid credentials: {exc}") from None
    base_url = getattr(args, "base_url", None) or env.get(ENV_BASE_URL) or None
    client = ConvertClient(
        auth,
        base_url=base_url,
        timeout=getattr(args, "timeout", None),
        max_retries=getattr(args, "max_retries", None),
    )
    logger.debug("client: %r", client)
    return client


def describe_error(error: BaseException) -> str:
    """One line saying what went wrong and, when it helps, what to do about it."""
    if isinstance(error, CliError | CheckpointError):
        return str(error)
    if isinstance(error, AuthenticationError):
        return (
            f"authentication failed ({_status_text(error)}): check --key-id/--key-secret "
            f"(or {ENV_KEY_ID}/{ENV_KEY_SECRET}) and --auth"
        )
    if isinstance(error, PermissionDeniedError):
        return f"permission denied ({_status_text(error)}): the key may not access this"
    if isinstance(error, NotFoundError):
        return f"not found ({_status_text(error)})"
    if isinstance(error, RateLimitError):
        return f"rate limited by the API ({_status_text(error)}): try again later"
    if isinstance(error, APIStatusError):
        return f"the API answered {error.status} ({_status_text(error)})"
    if isinstance(error, APITimeoutError):
        return f"the API did not answer in time ({error.method} {error.url})"
    if isinstance(error, APIConnectionError):
        return f"cannot reach the API: {error}"
    if isinstance(error, ConvertError):
        return str(error)
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        return f"file error{where}: {error.strerror or error}"
    return f"unexpected {type(error).__name__}: {error} (run with --debug for details)"


def _status_text(error: APIStatusError) -> str:
    message = error.message or "no message"
    return f"{error.status} {message}, {error.method} {error.url}"


def report_error(error: BaseException, *, debug: bool, secrets: Iterable[str]) -> int:
    """Print ``error`` as one line on stderr (with the traceback under ``--debug``)."""
    if debug:
        details = "".join(traceback.format_exception(error))
        print(_scrub(details, secrets), file=sys.stderr, end="")
    print(f"error: {_scrub(describe_error(error), secrets)}", file=sys.stderr)
    return EXIT_USAGE if isinstance(error, UsageError) else EXIT_ERROR


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= SHORTEST_SECRET:
            text = text.replace(secret, REDACTED)
        else:
            # A short secret ("x") would match inside any word: only where it stands alone.
            alone = rf"(?<![A-Za-z0-9_]){re.escape(secret)}(?![A-Za-z0-9_])"
            text = re.sub(alone, REDACTED, text)
    return text
