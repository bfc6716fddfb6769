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
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit

from aiohttp import web

from ._loopback import Answer, LoopbackFake, Routed

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


@dataclass(frozen=True, slots=True)
class _CatalogRoute:
    """A routed request: its catalog entry (None: no route), parsed body and parse problem."""

    entry: Mapping[str, Any] | None
    status: int
    body: Any
    parse_error: str | None


class CatalogFake(LoopbackFake[_CatalogRoute]):
    """Routing, validation and answering of one fake API driven by its catalog.

    Subclasses set :attr:`CATALOG` (a file in ``convert_async/testing/data``), implement
    :meth:`_authenticate`, :meth:`_error_payload` and one ``_op_<operation>`` handler per
    catalog operation (handlers may be plain or ``async``), and may override :meth:`_select`
    when two operations share a method and path.
    """

    CATALOG: ClassVar[str]
    MALFORMED_BODY = b'{"results": [{"id": "1", "name": "Homepage'

    def __init__(self, *, seed: int = 0, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(seed=seed, host=host, port=port)
        #: The fake's own copy of the catalog, by operation name.
        self.operations: dict[str, Mapping[str, Any]] = {
            str(entry["operation"]): entry for entry in load_catalog_file(self.CATALOG)
        }
        self._router = CatalogRouter(list(self.operations.values()))
        missing = [name for name in self.operations if not hasattr(self, f"_op_{name}")]
        if missing:
            raise TypeError(f"{type(self).__name__} has no handler for {', '.join(missing)}")

    def url_for_base(self, catalog_base_url: str) -> str:
        """The local URL standing in for a catalog ``base_url`` (same path, this host)."""
        return self.base_url + urlsplit(catalog_base_url).path.rstrip("/")

    # -- hooks for subclasses ---------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes, operation: str) -> None:
        """Raise :class:`FakeAPIError` (401/403) unless the request may call ``operation``."""
        raise NotImplementedError

    def _error_payload(
        self, status: int, message: str, fields: Mapping[str, str] | None = None
    ) -> Any:
        """The API's error body for ``message`` (and per-field ``fields``)."""
        raise NotImplementedError

    def _select(self, entries: Sequence[Mapping[str, Any]], body: Any) -> Mapping[str, Any]:
        """The operation meant when several share a method and path (default: the first)."""
        return entries[0]

    # -- the request path -------------------------------------------------------------------

    def _route(self, method: str, path: str, body: bytes) -> Routed[_CatalogRoute]:
        entries, params, status = self._router.match(method, path)
        parsed: Any = None
        parse_error: str | None = None
        if body.strip():
            try:
                parsed = json.loads(body)
            except ValueError:
                parse_error = "Malformed JSON body"
        entry = self._select(entries, parsed) if entries else None
        name = str(entry["operation"]) if entry is not None else None
        return Routed(name, params, _CatalogRoute(entry, status, parsed, parse_error))

    async def _answer(
        self,
        request: web.BaseRequest,
        routed: Routed[_CatalogRoute],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answer:
        reply = await self._reply(request, routed, body, query)
        if reply.payload is None:
            return Answer(reply.status, content_type=None, headers=reply.headers)
        return Answer(reply.status, json.dumps(reply.payload).encode(), headers=reply.headers)

    async def _reply(
        self,
        request: web.BaseRequest,
        routed: Routed[_CatalogRoute],
        raw: bytes,
        query: Mapping[str, list[str]],
    ) -> Reply:
        """Authenticate, validate and answer one request (errors become error replies)."""
        route, name = routed.target, routed.operation
        try:
            if route.entry is None or name is None:
                message = "Route not found" if route.status == 404 else "Method not allowed"
                raise FakeAPIError(route.status, message)
            self._authenticate(request, raw, name)
            if route.parse_error is not None:
                raise FakeAPIError(400, route.parse_error)
            problems = catalog_problems(route.entry, route.body, query)
            if problems:
                raise FakeAPIError(400, "Invalid request", problems)
            call = FakeCall(
                name,
                route.entry,
                dict(routed.path_params),
                dict(query),
                route.body,
                request.headers,
            )
            result = getattr(self, f"_op_{name}")(call)
            if asyncio.iscoroutine(result):
                result = await result
            return result if isinstance(result, Reply) else Reply(result)
        except FakeAPIError as error:
            return Reply(
                self._error_payload(error.status, error.message, error.fields), error.status
            )
        except Exception as exc:  # keep answering; surface the bug in the body
            return Reply(self._error_payload(500, f"Fake error: {exc!r}"), 500)
