"""Optional OpenTelemetry spans: one client span per HTTP attempt, with the HTTP semantic
conventions (``http.request.method``, ``url.full`` (redacted), ``server.address``,
``server.port``, ``http.response.status_code``, ``error.type``).

Off by default. Install the ``otel`` extra (``opentelemetry-api``) and set
``CONVERT_ASYNC_OTEL=1``; the spans go to whatever tracer provider the program configured.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ENV_OTEL", "RequestSpan", "request_span", "tracing_enabled"]

ENV_OTEL = "CONVERT_ASYNC_OTEL"


def tracing_enabled() -> bool:
    """Whether ``CONVERT_ASYNC_OTEL`` asks for spans and OpenTelemetry can be imported."""
    if os.environ.get(ENV_OTEL, "").strip().lower() not in {"1", "true", "yes", "on"}:
        return False
    try:
        import opentelemetry.trace  # noqa: F401
    except ImportError:
        return False
    return True


class RequestSpan:
    """What an attempt reports to its span (a no-op when tracing is off)."""

    def __init__(self, span: Any = None) -> None:
        self._span = span

    def report(self, outcome: int | BaseException) -> None:
        """The attempt's reply status, or the error that left it without one (4xx, 5xx and
        errors mark the span as failed)."""
        if self._span is None:
            return
        from opentelemetry.trace import Status, StatusCode

        if isinstance(outcome, BaseException):
            self._span.set_attribute("error.type", type(outcome).__name__)
            self._span.set_status(Status(StatusCode.ERROR, str(outcome)))
            return
        self._span.set_attribute("http.response.status_code", outcome)
        if outcome >= 400:
            self._span.set_attribute("error.type", str(outcome))
            self._span.set_status(Status(StatusCode.ERROR))


@contextlib.contextmanager
def request_span(method: str, redacted_url: str, enabled: bool) -> Iterator[RequestSpan]:
    """A client span around one attempt of ``method redacted_url`` when ``enabled``."""
    if not enabled:
        yield RequestSpan()
        return
    from opentelemetry import trace

    parts = urlsplit(redacted_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    attributes: dict[str, str | int] = {
        "http.request.method": method,
        "url.full": redacted_url,
        "server.address": parts.hostname or "",
        "server.port": port,
    }
    tracer = trace.get_tracer("convert_async")
    with tracer.start_as_current_span(
        method, kind=trace.SpanKind.CLIENT, attributes=attributes
    ) as span:
        yield RequestSpan(span)
