"""The fake Convert REST API v2 server (aiohttp.web) and its :class:`FakeConvert` handle."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import hmac
import itertools
import json
import math
import operator
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl

import msgspec
from aiohttp import web

from ._catalog import BASE_PATH, Field, Operation, RouteMatch, Router, load_catalog
from ._faults import Fault, Faults
from ._store import BASE_TIMESTAMP, FakeStore, Obj

__all__ = ["FakeConvert", "RecordedRequest"]

# Path collections that only scope the ones below them; anything nested deeper than a project
# lives as a list inside its parent object (variations inside an experience, ...).
_SCOPE_COLLECTIONS = ("accounts", "projects")
_LIST_CONTROLS = {
    "page",
    "results_per_page",
    "onlyCount",
    "sort_by",
    "sort_direction",
    "search",
    "only",
    "except",
    "include",
    "expand",
}
_SINGULAR = {
    "hypotheses": "Hypothesis",
    "knowledge-bases": "Knowledge base",
    "change-history": "Change history entry",
    "users-accesses": "Collaborator",
    "sdk-keys": "SDK key",
    "api-keys": "API key",
    "signals": "Signal session",
}
_MALFORMED_BODY = b'{"data": [{"id": 1, "name": "Homepage'
_DAY = 86_400


def _singular(collection: str) -> str:
    if collection in _SINGULAR:
        return _SINGULAR[collection]
    word = collection[:-1] if collection.endswith("s") else collection
    return word.replace("-", " ").capitalize()


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


class _ApiError(Exception):
    """Raised by handlers to answer with a Convert-style error body."""

    def __init__(
        self, status: int, message: str | list[str], parameters: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: Obj = {"code": status, "message": message}
        if parameters is not None:
            self.body["parameters"] = parameters


class _Container:
    """One collection the current request acts on: a store scope, or a list in a parent."""

    def __init__(
        self, store: FakeStore, name: str, scope: Mapping[str, int], parent: Obj | None
    ) -> None:
        self.store = store
        self.name = name
        self.scope = dict(scope)
        self.parent = parent

    def items(self) -> list[Obj]:
        if self.parent is None:
            return self.store.items(self.name, **self.scope)
        value = self.parent.get(self.name)
        return [o for o in value if isinstance(o, dict)] if isinstance(value, list) else []

    def find(self, ident: str) -> Obj | None:
        if self.parent is None:
            return self.store.get(self.name, ident, **self.scope)
        return next((o for o in self.items() if ident in (str(o.get("id")), o.get("key"))), None)

    def create(self, fields: Mapping[str, Any]) -> Obj:
        if self.parent is None:
            return self.store.add(self.name, fields, **self.scope)
        if self.name == "variations":
            obj = self.store.new_variations([dict(fields)])[0]
        else:
            obj = {**copy.deepcopy(dict(fields)), "id": self.store.next_id(self.name)}
        self.parent.setdefault(self.name, []).append(obj)
        return obj

    def remove(self, obj: Obj) -> None:
        if self.parent is None:
            self.store.collection(self.name, **self.scope).pop(obj["id"], None)
        else:
            self.parent[self.name].remove(obj)


@dataclass(slots=True)
class _Call:
    """Everything a handler needs about the request being served."""

    op: Operation
    params: Mapping[str, str]
    body: Any
    query: Mapping[str, list[str]]
    scope: dict[str, int] = field(default_factory=dict)
    parent: Obj | None = None  # object the trailing collection belongs to (None: store scope)
    item: Obj | None = None  # object of the last path parameter
    item_container: _Container | None = None

    def fields(self) -> Obj:
        return dict(self.body) if isinstance(self.body, dict) else {}


class FakeConvert:
    """An in-process fake of the Convert REST API v2, served by aiohttp on a local port.

    Routes come from the packaged operation catalog. Every request is authenticated (HMAC
    request signing or Bearer secret key), recorded in :attr:`requests`, subject to
    :attr:`faults`, and answered from :attr:`store`::

        async with FakeConvert() as fake:
            ...  # point a client at fake.url with fake.APPLICATION_ID / APPLICATION_SECRET
    """

    APPLICATION_ID: ClassVar[str] = "fake-app-id"
    APPLICATION_SECRET: ClassVar[str] = "fake-app-secret"  # noqa: S105 (public test credential)
    KEY_ID: ClassVar[str] = "fake-key-id"
    KEY_SECRET: ClassVar[str] = "fake-key-secret"  # noqa: S105 (public test credential)

    def __init__(
        self,
        *,
        credentials: Mapping[str, str] | None = None,
        secret_keys: Mapping[str, str] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.credentials: dict[str, str] = dict(
            credentials
            if credentials is not None
            else {self.APPLICATION_ID: self.APPLICATION_SECRET}
        )
        self.secret_keys: dict[str, str] = dict(
            secret_keys if secret_keys is not None else {self.KEY_ID: self.KEY_SECRET}
        )
        self.seed = seed
        self.store = FakeStore(seed)
        self.faults = Faults(seed)
        self.requests: list[RecordedRequest] = []
        self.operations: dict[str, Operation] = {op.name: op for op in load_catalog()}
        self._router = Router(list(self.operations.values()))
        self._host = host
        self._port = port
        self._runner: web.ServerRunner | None = None

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving (no-op when already started)."""
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
        """``http://host:port`` of the running server (other fake APIs hang off it later)."""
        if self._runner is None:
            raise RuntimeError("FakeConvert is not started; use 'async with' or await start()")
        return f"http://{self._host}:{self._port}"

    @property
    def url(self) -> str:
        """Base URL of the REST v2 API; every catalog path is relative to it."""
        return self.base_url + BASE_PATH

    def requests_for(self, operation: str) -> list[RecordedRequest]:
        """Recorded requests routed to catalog operation ``operation``."""
        return [r for r in self.requests if r.operation == operation]

    # -- request handling -------------------------------------------------------------------

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        raw_path = request.raw_path
        path, _, query_string = raw_path.partition("?")
        if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
            route = self._router.match(request.method, path[len(BASE_PATH) :] or "/")
        else:
            route = RouteMatch(None, {}, 404)
        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)

        fault = self.faults.draw(route.operation.name if route.operation else None)
        if self.faults.latency > 0:
            await asyncio.sleep(self.faults.latency)
        if fault is not None:
            response, status = await self._inflict(request, fault)
        else:
            try:
                status, payload, headers = self._respond(request, route, body, query)
            except Exception as exc:  # keep the fake answering; surface the bug in the body
                status, payload, headers = 500, {"code": 500, "message": f"Fake error: {exc!r}"}, {}
            response = web.Response(
                status=status,
                body=msgspec.json.encode(payload),
                content_type="application/json",
                headers=headers,
            )
        self.requests.append(
            RecordedRequest(
                operation=route.operation.name if route.operation else None,
                method=request.method,
                raw_path=raw_path,
                path_params=dict(route.path_params),
                query=query,
                headers=dict(request.headers),
                body=body,
                status=status,
            )
        )
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
            return web.Response(body=_MALFORMED_BODY, content_type="application/json"), 200
        if fault.kind == "truncated":
            response = web.StreamResponse(status=200)
            response.content_type = "application/json"
            response.content_length = len(_MALFORMED_BODY) + 512
            await response.prepare(request)
            await response.write(_MALFORMED_BODY)
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
        body = json.dumps({"code": fault.status, "message": message}).encode()
        response = web.Response(
            status=fault.status, body=body, content_type="application/json", headers=headers
        )
        return response, fault.status

    def _respond(
        self,
        request: web.BaseRequest,
        route: RouteMatch,
        raw_body: bytes,
        query: Mapping[str, list[str]],
    ) -> tuple[int, Any, dict[str, str]]:
        op = route.operation
        if op is None:
            message = "Route not found" if route.status == 404 else "Method not allowed"
            return route.status, {"code": route.status, "message": message}, {}
        try:
            self._authenticate(request, raw_body)
            call = _Call(op, route.path_params, self._parse_body(op, raw_body), query)
            self._validate(call)
            self._walk(call)
            payload = getattr(self, f"_do_{op.action}")(call)
        except _ApiError as err:
            return err.status, err.body, {}
        return 200, payload, {}

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes) -> None:
        # Cookie-auth operations accept API-key auth too, so one code path covers everything.
        header = request.headers.get("Authorization", "").strip()
        if header.startswith("Bearer "):
            key_id, sep, secret = header[len("Bearer ") :].strip().partition(":")
            expected = self.secret_keys.get(key_id)
            if not sep or expected is None or not hmac.compare_digest(expected, secret):
                raise _ApiError(401, "Invalid secret key")
            return
        if not header.startswith("Convert-HMAC-SHA256"):
            raise _ApiError(401, "Missing or unsupported Authorization header")
        app_id = request.headers.get("Convert-Application-ID", "")
        app_secret = self.credentials.get(app_id)
        if app_secret is None:
            raise _ApiError(401, "Unknown application")
        expires = request.headers.get("Expires", "").strip()
        if not expires.isdigit():
            raise _ApiError(401, "Missing or invalid Expires header")
        if int(expires) < time.time():
            raise _ApiError(401, "Request signature expired")
        _, _, signature = header.partition("Signature=")
        signature = signature.strip().rstrip(";").strip()
        url = f"{request.scheme}://{request.host}{request.raw_path}"
        message = f"{app_id}\n{expires}\n{url}\n".encode() + body
        expected_sig = hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected_sig, signature):
            raise _ApiError(401, "Invalid signature")

    # -- request parsing and validation -----------------------------------------------------

    @staticmethod
    def _parse_body(op: Operation, raw: bytes) -> Any:
        if (op.body_content_type or "").startswith("multipart/") or not raw.strip():
            return None  # upload contents are not modelled
        try:
            return json.loads(raw)
        except ValueError:
            raise _ApiError(400, "Malformed JSON body") from None

    def _validate(self, call: _Call) -> None:
        """Check query arrays and body fields against the catalog's types and limits."""
        errors: list[str] = []
        params: list[str] = []

        def fail(name: str, message: str) -> None:
            errors.append(f"{name} {message}")
            params.append(name)

        for param in call.op.query_params:
            # The API wants include[]=a; a bare include=a is a documented 422.
            if param.type.startswith("array") and param.name in call.query:
                fail(param.name, "must be an array (use name[]=value)")
        if call.body is not None and call.op.body_fields and not isinstance(call.body, dict):
            raise _ApiError(422, ["body must be a JSON object"], [])
        body = call.fields()
        for spec in call.op.body_fields:
            value = body.get(spec.name)
            if value is None:
                continue
            problem = self._field_problem(spec, value, call.op.paginated)
            if problem:
                fail(spec.name, problem)
        if errors:
            raise _ApiError(422, errors, params)

    @staticmethod
    def _field_problem(spec: Field, value: Any, paginated: bool) -> str | None:
        limits = spec.limits or {}
        low, high = limits.get("minimum"), limits.get("maximum")
        if spec.type.startswith(("integer", "number")):
            is_int = isinstance(value, int) and not isinstance(value, bool)
            numeric = is_int or (isinstance(value, float) and spec.type.startswith("number"))
            if not numeric:
                return f"must be {'an integer' if spec.type.startswith('integer') else 'a number'}"
            if low is not None and high is not None and not low <= value <= high:
                return f"must be between {low} and {high}"
            if low is not None and value < low:
                return f"must be at least {low}"
            if high is not None and value > high:
                return f"must be at most {high}"
        elif spec.type.startswith("array"):
            if not isinstance(value, list):
                return "must be an array"
            if "min_items" in limits and len(value) < limits["min_items"]:
                return f"must contain at least {limits['min_items']} items"
            if "max_items" in limits and len(value) > limits["max_items"]:
                return f"must contain at most {limits['max_items']} items"
        elif spec.type.startswith("string"):
            if not isinstance(value, str):
                return "must be a string"
            if "max_length" in limits and len(value) > limits["max_length"]:
                return f"must be at most {limits['max_length']} characters"
            # Enums are enforced only for list ordering: elsewhere the catalog's enums are
            # partly inferred and would reject requests the real API accepts.
            ordering = paginated and spec.name in ("sort_by", "sort_direction")
            if ordering and spec.enum and value not in spec.enum:
                return f"must be one of {', '.join(spec.enum)}"
        return None

    # -- resolving path parameters ----------------------------------------------------------

    def _walk(self, call: _Call) -> None:
        """Resolve every path parameter to its object (404 when missing), left to right."""
        nested = False
        for collection, param in call.op.pairs:
            container = self._container(call, collection, nested)
            obj = container.find(call.params[param])
            if obj is None:
                raise _ApiError(404, f"{_singular(collection)} not found")
            if collection in _SCOPE_COLLECTIONS and not nested:
                call.scope[param] = int(obj["id"])
            else:
                nested = True
                call.parent = obj
            call.item, call.item_container = obj, container

    def _container(self, call: _Call, name: str, nested: bool | None = None) -> _Container:
        if nested is None:
            nested = call.parent is not None
        return _Container(self.store, name, call.scope, call.parent if nested else None)

    def _target(self, call: _Call) -> _Container:
        """The collection named by the path's trailing literal segment(s)."""
        tail = call.op.tail
        if call.op.action in ("create", "bulk_update", "bulk_delete"):
            tail = tail[:-1]
        return self._container(call, "/".join(tail))

    def _require_item(self, call: _Call) -> tuple[Obj, _Container]:
        if call.item is None or call.item_container is None:
            raise _ApiError(404, "Not found")
        return call.item, call.item_container

    # -- replies ----------------------------------------------------------------------------

    @staticmethod
    def _wrap(op: Operation, obj: Any) -> Any:
        return {"data": obj} if op.envelope.startswith("data") else obj

    @staticmethod
    def _status(op: Operation, message: str, errors: list[Obj] | None = None) -> Obj:
        reply: Obj = {"code": 200, "message": message}
        if "errors" in op.envelope:
            reply["errors"] = errors or []
        if "imported" in op.envelope:
            reply["imported"] = {}
        return reply

    def _shaped(self, call: _Call, obj: Obj, container: _Container, message: str) -> Any:
        """Reply to a write in the shape the catalog gives the operation."""
        if call.op.response_kind == "status":
            return self._status(call.op, message)
        if call.op.response_kind == "list":
            return {"data": container.items()}
        return self._wrap(call.op, self._expand(call, obj))

    def _expand(self, call: _Call, obj: Obj) -> Obj:
        """Replace referenced ids by objects for ``expand[]=goals`` style requests."""
        names = call.query.get("expand[]", [])
        if not names:
            return obj
        result = dict(obj)
        for name in names:
            if name == "project" and isinstance(obj.get("project"), int):
                scope = {k: v for k, v in call.scope.items() if k == "account_id"}
                result["project"] = self.store.get("projects", obj["project"], **scope)
            elif isinstance(obj.get(name), list):
                pool = self.store.collection(name, **call.scope)
                result[name] = [pool.get(i, i) if isinstance(i, int) else i for i in obj[name]]
        return result

    # -- generic actions --------------------------------------------------------------------

    def _do_list(self, call: _Call) -> Any:
        body = call.fields()
        spec = {f.name: f for f in call.op.body_fields}
        per_page = body.get("results_per_page")
        if per_page is None:
            per_page = spec["results_per_page"].default if "results_per_page" in spec else 30
        page = body.get("page") or 1
        items = self._filtered(self._target(call).items(), body)
        sort_by = body.get("sort_by") or (spec["sort_by"].default if "sort_by" in spec else None)
        direction = body.get("sort_direction") or "desc"
        items = _sorted(items, str(sort_by or "id"), descending=direction == "desc")
        total = len(items)
        pagination = {
            "current_page": page,
            "items_count": total,
            "items_per_page": per_page,
            "pages_count": math.ceil(total / per_page) if per_page > 0 else 0,
        }
        if body.get("onlyCount") is True:
            return {"extra": {"pagination": pagination}}
        start = (page - 1) * per_page
        data = [self._expand(call, o) for o in items[start : start + per_page]]
        return {"data": data, "extra": {"pagination": pagination}}

    @staticmethod
    def _filtered(items: list[Obj], body: Mapping[str, Any]) -> list[Obj]:
        search = body.get("search")
        if isinstance(search, str) and search:
            needle = search.casefold()
            items = [o for o in items if needle in str(o.get("name", "")).casefold()]
        only, excluded = body.get("only"), body.get("except")
        if isinstance(only, list):
            items = [o for o in items if o.get("id") in only]
        if isinstance(excluded, list):
            items = [o for o in items if o.get("id") not in excluded]
        # Any other list-valued filter (status, type, tags, goals, ...) keeps objects whose
        # same-named field is one of / overlaps the values; objects without it are unaffected.
        for name, wanted in body.items():
            if name in _LIST_CONTROLS or not isinstance(wanted, list) or not wanted:
                continue
            items = [o for o in items if _field_matches(o, name, wanted)]
        return items

    def _do_collection(self, call: _Call) -> Any:
        return {"data": [self._expand(call, o) for o in self._target(call).items()]}

    def _do_read(self, call: _Call) -> Any:
        obj, _ = self._require_item(call)
        return self._wrap(call.op, self._expand(call, obj))

    def _do_create(self, call: _Call) -> Any:
        container = self._target(call)
        fields = call.fields()
        if call.body is None and (call.op.body_content_type or "").startswith("multipart/"):
            ident = self.store.next_id(container.name)
            key = f"{container.name}/upload-{ident}"
            fields = {"key": key, "url": f"https://cdn.convert.example/{key}", "status": "success"}
        obj = container.create(fields)
        return self._shaped(call, obj, container, f"{_singular(container.name)} created")

    def _do_update(self, call: _Call) -> Any:
        obj, container = self._require_item(call)
        changes = {k: v for k, v in call.fields().items() if k != "id"}
        if container.name == "experiences" and isinstance(changes.get("variations"), list):
            known = {v.get("id"): v for v in obj.get("variations", []) if isinstance(v, dict)}
            merged = [
                {**known.get(v.get("id"), {}), **v} if isinstance(v, dict) else v
                for v in changes["variations"]
            ]
            changes["variations"] = self.store.new_variations(merged)
        obj.update(changes)
        if isinstance(obj.get("version"), int):
            obj["version"] += 1
        return self._shaped(call, obj, container, f"{_singular(container.name)} updated")

    def _do_delete(self, call: _Call) -> Any:
        obj, container = self._require_item(call)
        container.remove(obj)
        return self._shaped(call, obj, container, f"{_singular(container.name)} deleted")

    def _do_clone(self, call: _Call) -> Any:
        obj, container = self._require_item(call)
        fields = copy.deepcopy(obj)
        fields.pop("id", None)
        fields["name"] = f"{obj.get('name', '')} (copy)"
        if fields.get("key"):
            fields["key"] = ""  # regenerated from the new name and id
        if container.name == "experiences":
            fields.update(status="draft", start_time=None, end_time=None, version=1)
            fields["variations"] = [
                {k: v for k, v in var.items() if k != "id"} for var in obj.get("variations", [])
            ]
        clone = container.create(fields)
        return self._shaped(call, clone, container, f"{_singular(container.name)} cloned")

    def _bulk(self, call: _Call, *, delete: bool) -> Any:
        container = self._target(call)
        body = call.fields()
        ids = body.get("id")
        if not isinstance(ids, list) or not ids:
            raise _ApiError(422, ["id must be a non-empty array of ids"], ["id"])
        changes = {k: v for k, v in body.items() if k != "id"}
        errors: list[Obj] = []
        done = 0
        for ident in ids:
            obj = container.find(str(ident))
            if obj is None:
                errors.append({"id": ident, "message": f"{_singular(container.name)} not found"})
            elif delete:
                container.remove(obj)
                done += 1
            else:
                obj.update(changes)
                done += 1
        verb = "deleted" if delete else "updated"
        return self._status(call.op, f"{done} {container.name} {verb}", errors)

    def _do_bulk_update(self, call: _Call) -> Any:
        return self._bulk(call, delete=False)

    def _do_bulk_delete(self, call: _Call) -> Any:
        return self._bulk(call, delete=True)

    def _do_other(self, call: _Call) -> Any:
        """Operations without a generic meaning: a plausible reply of the catalog's shape."""
        op = call.op
        if op.response_kind == "status":
            return self._status(op, "OK")
        if op.response_kind == "list":
            return {"data": []}
        if op.response_kind == "other":
            return {"auth-code": "SUCCESS", "message": "Authenticated", "data": {}}
        if op.response_kind == "file":
            return {"data": ""} if op.envelope != "none" else call.item or {}
        return self._wrap(op, call.fields())

    # -- reports ----------------------------------------------------------------------------

    def _experience(self, call: _Call) -> Obj:
        obj, container = self._require_item(call)
        if container.name != "experiences":
            raise _ApiError(404, "Experience not found")
        return obj

    def _goal_names(self, call: _Call) -> dict[int, str]:
        goals = self.store.collection("goals", **call.scope)
        return {ident: str(goal.get("name", "")) for ident, goal in goals.items()}

    def _do_aggregated_report(self, call: _Call) -> Any:
        exp = self._experience(call)
        body = call.fields()
        goal_ids = body.get("goals") or exp.get("goals") or []
        names = self._goal_names(call)
        variations = [v for v in exp.get("variations", []) if isinstance(v, dict)]
        goals = []
        for goal_id in goal_ids:
            rows = [self._variation_totals(exp["id"], goal_id, v) for v in variations]
            base = next((r for r in rows if r["is_baseline"]), rows[0] if rows else None)
            for row in rows:
                _compare(row, base)
            name = names.get(goal_id, f"Goal {goal_id}")
            goals.append({"goal_id": goal_id, "goal_name": name, "variations": rows})
        return {
            "data": {
                "experience_id": exp["id"],
                "start_time": body.get("start_time", exp.get("start_time")),
                "end_time": body.get("end_time", exp.get("end_time")),
                "utc_offset": body.get("utc_offset", 0),
                "goals": goals,
            }
        }

    def _variation_totals(self, experience_id: int, goal_id: int, variation: Obj) -> Obj:
        # Seeded per (experience, goal, variation) so numbers never depend on which goals or
        # variations were asked for, nor on call order.
        goal_rng = random.Random(f"{self.seed}:{experience_id}:{goal_id}")
        base_rate, order_value = goal_rng.uniform(0.02, 0.12), goal_rng.uniform(25, 140)
        rng = random.Random(f"{self.seed}:{experience_id}:{goal_id}:{variation.get('id')}")
        visitors = rng.randint(1_500, 25_000)
        lift = 1.0 if variation.get("is_baseline") else rng.uniform(0.85, 1.25)
        conversions = round(visitors * base_rate * lift * rng.uniform(0.95, 1.05))
        return {
            "variation_id": variation.get("id"),
            "variation_name": variation.get("name"),
            "is_baseline": bool(variation.get("is_baseline")),
            "visitors": visitors,
            "conversions": conversions,
            "conversion_rate": round(conversions / visitors * 100, 2),
            "revenue": round(conversions * order_value, 2),
            "improvement": None,
            "confidence": None,
        }

    def _do_daily_report(self, call: _Call) -> Any:
        exp = self._experience(call)
        body = call.fields()
        goal_id = (
            body.get("goal") or exp.get("primary_goal") or next(iter(exp.get("goals") or []), None)
        )
        if goal_id is None:
            raise _ApiError(422, ["goal is required for an experience without goals"], ["goal"])
        goal_id = int(goal_id)
        report_type = body.get("report_type") or "cumulative"
        metric = body.get("metric") or "conversion_rate"
        start = exp.get("start_time") or BASE_TIMESTAMP - 14 * _DAY
        start -= start % _DAY
        series = []
        for variation in (v for v in exp.get("variations", []) if isinstance(v, dict)):
            rng = random.Random(f"{self.seed}:{exp['id']}:{goal_id}:{variation.get('id')}:daily")
            rate = rng.uniform(0.02, 0.12)
            daily = []
            for _ in range(14):
                visitors = rng.randint(100, 1_800)
                daily.append((visitors, round(visitors * rate * rng.uniform(0.7, 1.3))))
            series.append((variation.get("id"), daily, rng.uniform(25, 140)))
        days = []
        totals = {vid: [0, 0] for vid, _, _ in series}
        for day in range(14):
            timestamp = start + day * _DAY
            rows = []
            for vid, daily, order_value in series:
                visitors, conversions = daily[day]
                if report_type == "cumulative":
                    totals[vid][0] += visitors
                    totals[vid][1] += conversions
                    visitors, conversions = totals[vid]
                if metric == "conversion_rate":
                    value = round(conversions / visitors * 100, 2)
                else:
                    value = round(conversions * order_value / visitors, 2)
                rows.append(
                    {
                        "variation_id": vid,
                        "visitors": visitors,
                        "conversions": conversions,
                        "value": value,
                    }
                )
            date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
            days.append({"date": date, "timestamp": timestamp, "variations": rows})
        return {
            "data": {
                "experience_id": exp["id"],
                "goal_id": goal_id,
                "report_type": report_type,
                "metric": metric,
                "days": days,
            }
        }

    def _do_report_settings(self, call: _Call) -> Any:
        exp = self._experience(call)
        variations = [v for v in exp.get("variations", []) if isinstance(v, dict)]
        baseline = next((v.get("id") for v in variations if v.get("is_baseline")), None)
        return {
            "data": {
                "experience_id": exp["id"],
                "primary_goal": exp.get("primary_goal"),
                "baseline_variation": baseline,
                "stats_engine": "frequentist",
                "confidence_level": 95,
                "test_type": "two_tails",
                "mab_strategy": "none",
                "primary_metric": "conversion_rate",
                "minimum_detectable_effect": 5,
                "outliers": {"revenue": {"method": "none"}},
            }
        }


def _sorted(items: list[Obj], name: str, descending: bool) -> list[Obj]:
    """Order by ``name`` with the id as tie-breaker, so pages never overlap or skip objects."""
    if name == "id":
        # Fast path for the default order (10,000-item lists get paged in a loop): objects are
        # stored in creation order, which is ascending id, so usually no sort is needed.
        with contextlib.suppress(KeyError, TypeError):
            ids = list(map(operator.itemgetter("id"), items))
            if not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
                return sorted(items, key=operator.itemgetter("id"), reverse=descending)
            return items[::-1] if descending else items

    def rank(value: Any) -> tuple[int, Any]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (0, value)
        if value is None:
            return (2, "")
        return (1, str(value).casefold())

    return sorted(items, key=lambda o: (rank(o.get(name)), rank(o.get("id"))), reverse=descending)


def _field_matches(obj: Obj, name: str, wanted: Sequence[Any]) -> bool:
    if name not in obj:
        return True
    value = obj[name]
    if isinstance(value, list):
        return any(v in wanted for v in value)
    return value in wanted


def _compare(row: Obj, base: Obj | None) -> None:
    """Fill improvement and confidence (one-sided two-proportion z-test) against the base."""
    if base is None or row is base:
        return
    rate, base_rate = row["conversions"] / row["visitors"], base["conversions"] / base["visitors"]
    if base_rate > 0:
        row["improvement"] = round((rate - base_rate) / base_rate * 100, 2)
    spread = math.sqrt(
        rate * (1 - rate) / row["visitors"] + base_rate * (1 - base_rate) / base["visitors"]
    )
    z = (rate - base_rate) / spread if spread > 0 else 0.0
    row["confidence"] = round(50 * (1 + math.erf(z / math.sqrt(2))), 2)
