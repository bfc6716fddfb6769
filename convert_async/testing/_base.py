"""The shared base of the catalog-driven fakes of the other APIs (Convert v1, Pirsch, giosg).

Each fake routes from its own packaged copy of an operation catalog (never from the client's
tables), records every request, applies :class:`~convert_async.testing.Faults`, checks bodies
and query strings against the catalog's required fields, types and enums, and answers through
the handler a subclass defines for each catalog operation (``_op_<operation>``).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from aiohttp import web

from ._faults import Fault, Faults
from ._server import RecordedRequest

__all__ = [
    "CatalogFake",
    "CatalogRouter",
    "FakeAPIError",
    "FakeCall",
    "Reply",
    "load_catalog_file",
    "verify_convert_hmac",
]

Obj = dict[str, Any]
_MALFORMED_BODY = b'{"results": [{"id": "1", "name": "Homepage'


@functools.cache
def load_catalog_file(name: str) -> tuple[Mapping[str, Any], ...]:
    """The packaged catalog ``data/<name>`` (a JSON array of operations), cached."""
    text = resources.files("convert_async.testing").joinpath(f"data/{name}").read_text("utf-8")
    return tuple(json.loads(text))


def catalog_prefix(entry: Mapping[str, Any]) -> str:
    """The path prefix of an operation's ``base_url`` (``/api/v1`` for ``https://h/api/v1``)."""
    return urlsplit(str(entry["base_url"])).path.rstrip("/")


@dataclass(frozen=True, slots=True)
class _Route:
    entry: Mapping[str, Any]
    pattern: re.Pattern[str]
    params: tuple[str, ...]
    literals: int


class CatalogRouter:
    """Matches raw request paths (percent-encoding kept) against catalog path templates.

    Several operations may share a method and path (Pirsch's create and update client); all of
    them are returned and the fake picks one from the request.
    """

    def __init__(self, entries: Sequence[Mapping[str, Any]]) -> None:
        self._routes: list[_Route] = []
        for entry in entries:
            full = catalog_prefix(entry) + str(entry["path"])
            segments = full.strip("/").split("/")
            params = tuple(s[1:-1] for s in segments if s.startswith("{"))
            regex = "/".join("([^/]+)" if s.startswith("{") else re.escape(s) for s in segments)
            literals = sum(not s.startswith("{") for s in segments)
            self._routes.append(_Route(entry, re.compile(f"/{regex}/?"), params, literals))

    def match(
        self, method: str, raw_path: str
    ) -> tuple[list[Mapping[str, Any]], dict[str, str], int]:
        """``(operations, path params, status)``: status 404/405 when nothing matched."""
        found: list[tuple[_Route, dict[str, str]]] = []
        path_known = False
        for route in self._routes:
            hit = route.pattern.fullmatch(raw_path)
            if hit is None:
                continue
            path_known = True
            if str(route.entry["method"]).upper() != method.upper():
                continue
            found.append((route, dict(zip(route.params, hit.groups(), strict=True))))
        if not found:
            return [], {}, 405 if path_known else 404
        best = max(route.literals for route, _ in found)
        chosen = [(r, p) for r, p in found if r.literals == best]
        params = {k: unquote(v) for k, v in chosen[0][1].items()}
        return [route.entry for route, _ in chosen], params, 200


class FakeAPIError(Exception):
    """Raised by handlers: answer with ``status`` and the fake's error body for ``message``
    (``fields`` maps field names to messages, for validation errors)."""

    def __init__(self, status: int, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})


@dataclass(slots=True)
class FakeCall:
    """The request being served: its operation, decoded path params, query, JSON body."""

    operation: str
    entry: Mapping[str, Any]
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    headers: Mapping[str, str]

    def arg(self, name: str) -> str | None:
        """The first value of query parameter ``name``."""
        values = self.query.get(name)
        return values[0] if values else None

    def fields(self) -> Obj:
        """The body as a dict (empty when it is not an object)."""
        return dict(self.body) if isinstance(self.body, dict) else {}


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler answers: a status, a JSON payload (None: empty body) and headers."""

    payload: Any = None
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)


_TYPE_CHECKS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "object": (dict,),
}


def _type_problem(spec: Mapping[str, Any], value: Any) -> str | None:
    kind = str(spec.get("type", "any")).split(" ")[0]
    if value is None:
        return None
    if kind.startswith("array"):
        if not isinstance(value, list):
            return "must be an array"
        enum = spec.get("enum")
        if enum and any(item not in enum for item in value):
            return f"items must be one of {', '.join(map(str, enum))}"
        return None
    expected = _TYPE_CHECKS.get(kind)
    if expected is not None:
        if isinstance(value, bool) and bool not in expected:
            return f"must be of type {kind}"
        if not isinstance(value, expected):
            return f"must be of type {kind}"
    enum = spec.get("enum")
    if enum and value not in enum:
        return f"must be one of {', '.join(map(str, enum))}"
    return None


def catalog_problems(entry: Mapping[str, Any], body: Any, query: Mapping[str, list[str]]) -> Obj:
    """Field -> message for every catalog rule the request breaks (required, type, enum).

    Only top-level body fields are checked (nested ``a[].b`` rules are the handlers' job); a
    ``top_level: "array"`` body is checked item by item (``[index].field``).
    """
    problems: Obj = {}
    for spec in entry.get("query_params") or ():
        name = spec["name"]
        if "{" in name:
            continue
        if spec.get("required") and not query.get(name):
            problems[name] = "is required"
        elif spec.get("enum") and query.get(name) and query[name][0] not in spec["enum"]:
            problems[name] = f"must be one of {', '.join(map(str, spec['enum']))}"
    schema = entry.get("body")
    if not schema:
        return problems
    specs = [f for f in schema.get("fields") or () if "." not in f["name"] and "[" not in f["name"]]
    if body is None:
        if schema.get("required"):
            problems["body"] = "is required"
        return problems
    if schema.get("top_level") == "array":
        if not isinstance(body, list):
            problems["body"] = "must be a JSON array"
            return problems
        items = [(f"[{index}].", item) for index, item in enumerate(body)]
    else:
        items = [("", body)]
    for prefix, item in items:
        if not isinstance(item, dict):
            problems[prefix.rstrip(".") or "body"] = "must be a JSON object"
            continue
        for spec in specs:
            name = spec["name"]
            if name not in item:
                if spec.get("required"):
                    problems[prefix + name] = "is required"
                continue
            problem = _type_problem(spec, item[name])
            if problem is not None:
                problems[prefix + name] = problem
    return problems


def verify_convert_hmac(
    request: web.BaseRequest, body: bytes, credentials: Mapping[str, str]
) -> str | None:
    """Check Convert request signing; None when valid, else the reason it is not."""
    header = request.headers.get("Authorization", "").strip()
    if not header.startswith("Convert-HMAC-SHA256"):
        return "Missing or unsupported Authorization header"
    app_id = request.headers.get("Convert-Application-ID", "")
    secret = credentials.get(app_id)
    if secret is None:
        return "Unknown application"
    expires = request.headers.get("Expires", "").strip()
    if not expires.isdigit():
        return "Missing or invalid Expires header"
    if int(expires) < time.time():
        return "Request signature expired"
    signature = header.partition("Signature=")[2].strip().rstrip(";").strip()
    url = f"{request.scheme}://{request.host}{request.raw_path}"
    message = f"{app_id}\n{expires}\n{url}\n".encode() + body
    expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "Invalid signature"
    return None


class CatalogFake:
    """Lifecycle, routing, recording, validation and fault injection of one fake API.

    Subclasses set :attr:`CATALOG` (a file in ``convert_async/testing/data``), implement
    :meth:`_authenticate`, :meth:`_error_payload` and one ``_op_<operation>`` handler per
    catalog operation (handlers may be plain or ``async``), and may override :meth:`_select`
    when two operations share a method and path.
    """

    CATALOG: ClassVar[str]

    def __init__(self, *, seed: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        self.seed = seed
        self.faults = Faults(seed)
        #: Every request received, in arrival order, with the status it was answered with.
        self.requests: list[RecordedRequest] = []
        #: The fake's own copy of the catalog, by operation name.
        self.operations: dict[str, Mapping[str, Any]] = {
            str(entry["operation"]): entry for entry in load_catalog_file(self.CATALOG)
        }
        self._router = CatalogRouter(list(self.operations.values()))
        #: When True, a request hit by a fault is handled first and only its response is lost
        #: (the client cannot tell whether it arrived; a retry then delivers it twice).
        self.faults_after_processing = False
        self._host = host
        self._port = port
        self._runner: web.ServerRunner | None = None
        missing = [name for name in self.operations if not hasattr(self, f"_op_{name}")]
        if missing:
            raise TypeError(f"{type(self).__name__} has no handler for {', '.join(missing)}")

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

    def url_for_base(self, catalog_base_url: str) -> str:
        """The local URL standing in for a catalog ``base_url`` (same path, this host)."""
        return self.base_url + urlsplit(catalog_base_url).path.rstrip("/")

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """Recorded requests routed to catalog operation ``operation``."""
        return [r for r in self.requests if r.operation == operation]

    # -- hooks for subclasses ---------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes, operation: str) -> None:
        """Raise :class:`FakeAPIError` (401/403) unless the request may call ``operation``."""
        raise NotImplementedError

    def _error_payload(self, status: int, message: str, fields: Mapping[str, str]) -> Any:
        """The API's error body."""
        raise NotImplementedError

    def _select(self, entries: Sequence[Mapping[str, Any]], body: Any) -> Mapping[str, Any]:
        """Pick one of several operations sharing a method and path (default: the first)."""
        return entries[0]

    # -- request handling -------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        raw = await request.read()
        raw_path, _, query_string = request.raw_path.partition("?")
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        entries, params, route_status = self._router.match(request.method, raw_path)
        body: Any = None
        parse_error: str | None = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                parse_error = "Malformed JSON body"
        entry = self._select(entries, body) if entries else None
        name = str(entry["operation"]) if entry is not None else None

        fault = self.faults.draw(name)
        if self.faults.latency > 0:
            await asyncio.sleep(self.faults.latency)
        if fault is not None:
            if self.faults_after_processing and entry is not None and name is not None:
                await self._serve(request, entry, name, params, query, body, raw, parse_error)
            response, status = await self._inflict(request, fault)
        else:
            reply = await self._serve(
                request, entry, name, params, query, body, raw, parse_error, route_status
            )
            status = reply.status
            if reply.payload is None:
                response = web.Response(status=status, headers=reply.headers)
            else:
                response = web.Response(
                    status=status,
                    body=json.dumps(reply.payload).encode(),
                    content_type="application/json",
                    headers=reply.headers,
                )
        self.requests.append(
            RecordedRequest(
                operation=name,
                method=request.method,
                raw_path=request.raw_path,
                path_params=params,
                query=query,
                headers=dict(request.headers),
                body=raw,
                status=status,
            )
        )
        return response

    async def _serve(
        self,
        request: web.BaseRequest,
        entry: Mapping[str, Any] | None,
        name: str | None,
        params: dict[str, str],
        query: dict[str, list[str]],
        body: Any,
        raw: bytes,
        parse_error: str | None,
        route_status: int = 200,
    ) -> Reply:
        """Authenticate, validate and answer one request (errors become error replies)."""
        try:
            if entry is None or name is None:
                message = "Route not found" if route_status == 404 else "Method not allowed"
                raise FakeAPIError(route_status, message)
            self._authenticate(request, raw, name)
            if parse_error is not None:
                raise FakeAPIError(400, parse_error)
            problems = catalog_problems(entry, body, query)
            if problems:
                raise FakeAPIError(400, "Invalid request", problems)
            call = FakeCall(name, entry, params, query, body, request.headers)
            result = getattr(self, f"_op_{name}")(call)
            if asyncio.iscoroutine(result):
                result = await result
            return result if isinstance(result, Reply) else Reply(result)
        except FakeAPIError as error:
            return Reply(
                self._error_payload(error.status, error.message, error.fields), error.status
            )
        except Exception as exc:  # keep answering; surface the bug in the body
            return Reply(self._error_payload(500, f"Fake error: {exc!r}", {}), 500)

    async def _inflict(
        self, request: web.BaseRequest, fault: Fault
    ) -> tuple[web.StreamResponse, int]:
        if fault.kind == "drop":
            request.protocol.force_close()
            return web.Response(status=fault.status), 0
        if fault.kind == "malformed":
            return web.Response(body=_MALFORMED_BODY, content_type="application/json"), 200
        if fault.kind == "truncated":
            response = web.StreamResponse(status=200)
            response.content_type = "application/json"
            response.content_length = len(_MALFORMED_BODY) + 512
            await response.prepare(request)
            await response.write(_MALFORMED_BODY)
            request.protocol.force_close()
            return response, 200
        message = "Too many requests" if fault.status == 429 else "Injected fault"
        headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
        body = json.dumps(self._error_payload(fault.status, message, {})).encode()
        response = web.Response(
            status=fault.status, body=body, content_type="application/json", headers=headers
        )
        return response, fault.status
