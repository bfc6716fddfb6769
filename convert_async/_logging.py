"""``CONVERT_ASYNC_LOG=debug|info``: turn the SDK's logs on without touching the program.

The SDK logs under the ``convert_async`` logger (and its children: ``convert_async.events``,
``convert_async.serving``, ``convert_async.cli``): each retry with its reason and delay, each
throttling pause, renewed credentials, and at ``debug`` every request with its status and time.
URLs and headers are redacted. Without the variable nothing is configured, as a library should.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings
from collections.abc import Mapping

__all__ = ["ENV_LOG", "configure_from_environment"]

ENV_LOG = "CONVERT_ASYNC_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler this module adds (so configuring twice adds it once)."""


def configure_from_environment(environ: Mapping[str, str] | None = None) -> None:
    """Send the ``convert_async`` logs to stderr at the level ``CONVERT_ASYNC_LOG`` names."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_LOG, "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        warnings.warn(
            f"{ENV_LOG}={value!r} is not one of {sorted(_LEVELS)}; logging left as it is",
            stacklevel=2,
        )
        return
    logger = logging.getLogger("convert_async")
    if not any(isinstance(handler, _Handler) for handler in logger.handlers):
        handler = _Handler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
