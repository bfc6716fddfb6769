"""What every fake server shares: a loopback aiohttp server, the request log and faults.

A fake subclasses :class:`LoopbackFake` and supplies two things: :meth:`~LoopbackFake._route`
(which operation a method and path name) and :meth:`~LoopbackFake._answer` (the reply to a
request that no fault hit). Recording, injected latency and the faults themselves (5xx, 429
with ``Retry-After``, dropped connections, malformed and truncated bodies) happen here once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar
from urllib.parse import parse_qsl

from aiohttp import web

from ._faults import Fault, Faults
from ._multipart import FormValue, parse_form

__all__ = ["Answer", "LoopbackFake", "RecordedRequest", "Routed"]

RouteT = TypeVar("RouteT")


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the fake received, as it arrived, plus the status it answered with.

    ``raw_path`` is the request target exactly as sent (percent-encoding and query string kept);
    ``path_params`` holds the decoded values of the matched template's parameters; ``query``
    maps each query key (e.g. ``"include[]"``) to its values in order. ``status`` is 0 when the
    connection was dropped without a response.
    """

    operation: str | None
    method: str
    raw_path: str
    path_params: Mapping[str, str]
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        """The request body decoded as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body.strip() else None

    def form(self) -> dict[str, FormValue]:
        """The fields of a multipart/form-data body: text as ``str``, files as ``FormFile``."""
        content_type = next((v for k, v in self.headers.items() if k.lower() == "content-type"), "")
        return parse_form(content_type, self.body)


@dataclass(frozen=True, slots=True)
class Routed(Generic[RouteT]):
    """Where a request goes: its operation (``None`` when nothing matched) and its parameters.

    ``target`` is whatever the fake needs to answer it (its own route object).
    """

    operation: str | None
    path_params: Mapping[str, str]
    target: RouteT


@dataclass(frozen=True, slots=True)
class Answer:
    """A reply: status, body bytes, content type (``None`` for no body) and headers."""

    status: int
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


class LoopbackFake(Generic[RouteT]):
    """Lifecycle, request log and fault injection of one fake API on ``host:port``."""

    #: What a "malformed" or "truncated" fault sends: the start of a plausible JSON reply.
    MALFORMED_BODY: ClassVar[bytes] = b'{"data": [{"id": 1, "name": "Homepage'

    def __init__(self, *, seed: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        self.seed = seed
        #: Fault injection: latency, error rates, 429 with Retry-After, dropped connections.
        self.faults = Faults(seed)
        #: Every request received, in arrival order, with the status it was answered with.
        self.requests: list[RecordedRequest] = []
        #: Keep only the latest this many in :attr:`requests` (None: all of them). A fake that
        #: serves for hours, as ``python -m convert_async.testing`` does, would otherwise grow
        #: without end.
        self.max_recorded: int | None = None
        #: When True, a request hit by a fault is handled first and only its response is lost
        #: (the client cannot tell whether it arrived; a retry then delivers it twice).
        self.faults_after_processing = False
        self._host = host
        self._port = port
        self._runner: web.ServerRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on ``host:port`` (port 0 picks a free one); no-op when started."""
        if self._runner is not None:
            return
        runner = web.ServerRunner(web.Server(self._handle))
        await runner.setup()
        try:
            await web.TCPSite(runner, self._host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def close(self) -> None:
        """Stop serving and close open connections (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._runner is None:
            raise RuntimeError(f"{type(self).__name__} is not started; use 'async with'")
        return f"http://{self._host}:{self._port}"

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """Recorded requests routed to ``operation``."""
        return [r for r in self.requests if r.operation == operation]

    # -- what a fake supplies ---------------------------------------------------------------

    def _route(self, method: str, path: str, body: bytes) -> Routed[RouteT]:
        """The operation ``method`` and ``path`` (query string removed) name."""
        raise NotImplementedError

    async def _answer(
        self,
        request: web.BaseRequest,
        routed: Routed[RouteT],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answer:
        """The reply to a request no fault hit; errors are replies too, never exceptions."""
        raise NotImplementedError

    def _error_payload(self, status: int, message: str) -> Any:
        """The API's error body for ``status`` (used for injected faults)."""
        return {"code": status, "message": message}

    # -- the request path -------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        path, _, query_string = request.raw_path.partition("?")
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        routed = self._route(request.method, path, body)

        # Injected latency is the time from arrival to the reply, processing included: like
        # an API with workers to spare, a burst of requests is not answered one after another.
        due = asyncio.get_running_loop().time() + self.faults.latency
        fault = self.faults.draw(routed.operation)
        response: web.StreamResponse
        if fault is None:
            answer = await self._answer(request, routed, body, query)
            await _sleep_until(due)
            status = answer.status
            if answer.content_type is None:
                response = web.Response(status=status, headers=answer.headers)
            else:
                response = web.Response(
                    status=status,
                    body=answer.body,
                    content_type=answer.content_type,
                    headers=answer.headers,
                )
        else:
            if self.faults_after_processing and routed.operation is not None:
                await self._answer(request, routed, body, query)
            await _sleep_until(due)
            response, status = await self._inflict(request, fault)
        self.requests.append(
            RecordedRequest(
                operation=routed.operation,
                method=request.method,
                raw_path=request.raw_path,
                path_params=dict(routed.path_params),
                query=query,
                headers=dict(request.headers),
                body=body,
                status=status,
            )
        )
        if self.max_recorded is not None and len(self.requests) > self.max_recorded:
            del self.requests[: len(self.requests) - self.max_recorded]
        return response

    async def _inflict(
        self, request: web.BaseRequest, fault: Fault
    ) -> tuple[web.StreamResponse, int]:
        if fault.kind == "drop":
            # Closing the transport first makes aiohttp's write of the response fail quietly,
            # so the client sees the connection end without a status line.
            request.protocol.force_close()
            return web.Response(status=fault.status), 0
        if fault.kind == "malformed":
            return web.Response(body=self.MALFORMED_BODY, content_type="application/json"), 200
        if fault.kind == "truncated":
            response = web.StreamResponse(status=200)
            response.content_type = "application/json"
            response.content_length = len(self.MALFORMED_BODY) + 512
            await response.prepare(request)
            await response.write(self.MALFORMED_BODY)
            request.protocol.force_close()
            return response, 200
        if fault.status == 429:
            message = "Too many requests"
        else:
            try:
                message = HTTPStatus(fault.status).phrase
            except ValueError:
                message = "Injected fault"
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        body = json.dumps(self._error_payload(fault.status, message)).encode()
        response = web.Response(
            status=fault.status, body=body, content_type="application/json", headers=headers
        )
        return response, fault.status


async def _sleep_until(deadline: float) -> None:
    delay = deadline - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)
