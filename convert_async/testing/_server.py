"""The fake Convert REST API v2 server (aiohttp.web) and its :class:`FakeConvert` handle."""

from __future__ import annotations

import base64
import contextlib
import copy
import csv
import hashlib
import hmac
import io
import itertools
import json
import math
import operator
import random
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import msgspec
from aiohttp import web

from ._catalog import BASE_PATH, Field, Operation, RouteMatch, Router, load_catalog
from ._loopback import Answer, LoopbackFake, Routed
from ._multipart import FormFile, parse_form
from ._serving import SERVING_PATH, FakeServing
from ._store import BASE_TIMESTAMP, FakeStore, Obj

__all__ = ["FakeConvert"]

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
    "signal_sessions": "Signal session",
}
# Operations that start a cookie session or reset a password: no credentials yet.
_OPEN_OPERATIONS = frozenset(
    {"cookie_login", "cookie_request_password_reset", "cookie_confirm_password_reset"}
)
# Body fields that only page or order a list (no filtering).
_PAGE_ONLY = frozenset({"page", "results_per_page", "onlyCount", "sort_by", "sort_direction"})
_DAY = 86_400
#: Where generated report exports are served from (outside the API, no credentials needed).
DOWNLOAD_PATH = "/downloads/"
_DOWNLOAD_OPERATION = "download_export"
_MAX_DAILY_EXPORT_GOALS = 10
_AGGREGATED_EXPORT_COLUMNS = (
    "goal_id",
    "goal_name",
    "variation_id",
    "variation_name",
    "is_baseline",
    "visitors",
    "conversions",
    "conversion_rate",
    "revenue",
    "improvement",
    "confidence",
)


def _singular(collection: str) -> str:
    if collection in _SINGULAR:
        return _SINGULAR[collection]
    word = collection[:-1] if collection.endswith("s") else collection
    return word.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class _Raw:
    """A reply that is not JSON (a downloaded file)."""

    body: bytes
    content_type: str = "application/octet-stream"


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
        if self.name == "changes" and "variations" in self.parent:
            # A variation's changes are addressed through their experience.
            return [c for v in self._owners() for c in v["changes"] if isinstance(c, dict)]
        value = self.parent.get(self.name)
        return [o for o in value if isinstance(o, dict)] if isinstance(value, list) else []

    def _owners(self) -> list[Obj]:
        """Lists of ``self.name`` objects inside the parent (variations holding changes)."""
        assert self.parent is not None
        owners = self.parent.get("variations") or []
        return [v for v in owners if isinstance(v, dict) and isinstance(v.get("changes"), list)]

    def find(self, ident: str) -> Obj | None:
        if self.parent is None:
            return self.store.get(self.name, ident, **self.scope)
        return next((o for o in self.items() if ident in (str(o.get("id")), o.get("key"))), None)

    def create(self, fields: Mapping[str, Any]) -> Obj:
        if self.parent is None:
            return self.store.add(self.name, fields, **self.scope)
        if self.name == "variations":
            obj = self.store.new_variations([dict(fields)])[0]
        elif self.name in _SHORT_ID_COLLECTIONS:
            obj = copy.deepcopy(dict(fields))
            obj["id"] = str(obj.get("id") or _short_id(self.items()))
        else:
            obj = {**copy.deepcopy(dict(fields)), "id": self.store.next_id(self.name)}
        self.parent.setdefault(self.name, []).append(obj)
        self.normalize(obj)
        return obj

    def normalize(self, obj: Obj) -> None:
        """Give nested objects written by a request the ids they are addressed by."""
        if self.name == "sections":
            _number_versions(obj)
        elif self.name == "variations":
            self.store.number_changes(obj)
        elif self.name == "experiences":
            for variation in obj.get("variations") or []:
                if isinstance(variation, dict):
                    self.store.number_changes(variation)

    def remove(self, obj: Obj) -> None:
        if self.parent is None:
            self.store.collection(self.name, **self.scope).pop(obj["id"], None)
        elif self.name == "changes" and "variations" in self.parent:
            for variation in self._owners():
                if obj in variation["changes"]:
                    variation["changes"].remove(obj)
        else:
            self.parent[self.name].remove(obj)


# Nested collections whose ids are short strings (1-2 characters of 0-9a-z), unique per parent.
_SHORT_ID_COLLECTIONS = ("sections", "versions")


def _short_id(siblings: Sequence[Obj]) -> str:
    taken = {str(o.get("id")) for o in siblings}
    return next(str(n) for n in itertools.count(1) if str(n) not in taken)


def _number_versions(section: Obj) -> None:
    versions = section.get("versions")
    if not isinstance(versions, list):
        return
    for version in versions:
        if isinstance(version, dict) and not version.get("id"):
            version["id"] = _short_id([v for v in versions if isinstance(v, dict)])


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
    response_headers: dict[str, str] = field(default_factory=dict)
    session: str | None = None  # the caller's session cookie, if any

    def fields(self) -> Obj:
        return dict(self.body) if isinstance(self.body, dict) else {}


class FakeConvert(LoopbackFake[RouteMatch]):
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
    #: The one user who can open a cookie session (``client.cookie_auth.login(...)``).
    USERNAME: ClassVar[str] = "owner@acme.example"
    PASSWORD: ClassVar[str] = "fake-password"  # noqa: S105 (public test credential)
    SESSION_COOKIE: ClassVar[str] = "convert_session"

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
        super().__init__(seed=seed, host=host, port=port)
        self.store = FakeStore(seed)
        self._order_cache: dict[tuple[Any, ...], tuple[Any, list[Obj]]] = {}
        self._sessions: set[str] = set()
        self.operations: dict[str, Operation] = {op.name: op for op in load_catalog()}
        self._router = Router(list(self.operations.values()))
        self._serving = FakeServing(self.store)
        #: Generated report exports by download token: (file name, content type, content).
        self.downloads: dict[str, tuple[str, str, bytes]] = {}

    # -- addresses ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the REST v2 API; every catalog path is relative to it."""
        return self.base_url + BASE_PATH

    @property
    def serving_url(self) -> str:
        """Base URL of the serving (config + tracking) API: pass it as both ``config_base_url``
        and ``track_base_url`` of a :class:`~convert_async.TrackingClient`."""
        return self.base_url + SERVING_PATH

    @property
    def serving(self) -> FakeServing:
        """The serving routes: SDK keys, debug tokens and the recorded tracking batches."""
        return self._serving

    # -- the request path -------------------------------------------------------------------

    def _route(self, method: str, path: str, body: bytes) -> Routed[RouteMatch]:
        if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
            route = self._router.match(method, path[len(BASE_PATH) :] or "/")
        elif path.startswith(DOWNLOAD_PATH):
            token = path[len(DOWNLOAD_PATH) :].partition("/")[0]
            return Routed(_DOWNLOAD_OPERATION, {"token": token}, RouteMatch(None, {}, 404))
        elif self._serving.owns(path):
            route = self._serving.match(method, path)
        else:
            route = RouteMatch(None, {}, 404)
        name = route.operation.name if route.operation else None
        return Routed(name, route.path_params, route)

    async def _answer(
        self,
        request: web.BaseRequest,
        routed: Routed[RouteMatch],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answer:
        if routed.operation == _DOWNLOAD_OPERATION:
            return self._download(routed.path_params["token"])
        try:
            status, payload, headers = self._respond(request, routed.target, body, query)
        except Exception as exc:  # keep the fake answering; surface the bug in the body
            status, payload, headers = 500, self._error_payload(500, f"Fake error: {exc!r}"), {}
        if isinstance(payload, _Raw):
            return Answer(status, payload.body, payload.content_type, headers)
        return Answer(status, msgspec.json.encode(payload), headers=headers)

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
        if self._serving.serves(op):
            return self._serving.respond(request, route, raw_body, query)
        try:
            if op.name not in _OPEN_OPERATIONS:
                self._authenticate(request, raw_body)
            content_type = request.headers.get("Content-Type", "")
            call = _Call(op, route.path_params, self._parse_body(op, raw_body, content_type), query)
            call.session = request.cookies.get(self.SESSION_COOKIE)
            self._validate(call)
            self._walk(call)
            # Operations with a behaviour of their own have an ``_op_<name>`` handler; the rest
            # get the generic behaviour of their action.
            handler = getattr(self, f"_op_{op.name}", None) or getattr(self, f"_do_{op.action}")
            payload = handler(call)
        except _ApiError as err:
            return err.status, err.body, {}
        return 200, payload, call.response_headers

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes) -> None:
        # Cookie-auth operations accept API-key auth too, so one code path covers everything;
        # a live session cookie authenticates any operation, as in Convert's own app.
        if request.cookies.get(self.SESSION_COOKIE) in self._sessions:
            return
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
    def _parse_body(op: Operation, raw: bytes, content_type: str = "") -> Any:
        if not raw.strip():
            return None
        if (op.body_content_type or "").startswith("multipart/"):
            try:
                return parse_form(content_type, raw)
            except ValueError as exc:
                raise _ApiError(400, f"Malformed multipart body: {exc}") from None
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
        # Required fields are enforced for uploads only: elsewhere the catalog's "required"
        # is partly inferred, and a missing JSON field just takes the fake's default.
        uploading = (call.op.body_content_type or "").startswith("multipart/")
        for spec in call.op.body_fields:
            if uploading and spec.required and spec.name not in body:
                fail(spec.name, "is required")
                continue
            value = body.get(spec.name)
            if value is None:
                continue
            if isinstance(value, FormFile) or spec.type == "file":
                # An upload: a file part of a multipart form, never a text field.
                if not isinstance(value, FormFile):
                    fail(spec.name, "must be a file")
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
        sort_by = body.get("sort_by") or (spec["sort_by"].default if "sort_by" in spec else None)
        direction = body.get("sort_direction") or "desc"
        items = self._ordered(call, body, str(sort_by or "id"), direction)
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

    def _ordered(self, call: _Call, body: Obj, sort_by: str, direction: str) -> list[Obj]:
        """The filtered, sorted items of a list call.

        Paging through an unfiltered id-ordered list (the bulk case) reuses the order computed
        for the previous page while the collection's membership is unchanged.
        """
        target = self._target(call)
        cacheable = sort_by == "id" and _PAGE_ONLY.issuperset(body) and target.parent is None
        if cacheable:
            slot = (call.op.name, tuple(sorted(target.scope.items())), direction)
            version = self.store.membership(target.name, **target.scope)
            cached = self._order_cache.get(slot)
            if cached is not None and cached[0] == version:
                return cached[1]
        items = self._filtered(target.items(), body)
        items = _sorted(items, sort_by, descending=direction == "desc")
        if cacheable:
            self._order_cache[slot] = (version, items)
        return items

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
        container.normalize(obj)
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
            fields["variations"] = [_without_ids(var) for var in obj.get("variations", [])]
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

    # -- cookie sessions (reserved to Convert's own apps) -------------------------------------

    def _op_cookie_login(self, call: _Call) -> Any:
        body = call.fields()
        data = body.get("data")
        password = data.get("password") if isinstance(data, dict) else None
        if body.get("username") != self.USERNAME or password != self.PASSWORD:
            raise _ApiError(401, "Invalid username or password")
        token = secrets.token_hex(16)
        self._sessions.add(token)
        call.response_headers["Set-Cookie"] = (
            f"{self.SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax"
        )
        user = {"email": self.USERNAME, "firstName": "Ada", "lastName": "Owner"}
        return {"auth-code": "SUCCESS", "message": "Logged in", "data": user}

    def _op_cookie_logout(self, call: _Call) -> Any:
        kind = call.fields().get("requestType") or "currentSession"
        current = {call.session} & self._sessions
        if kind == "allSessions":
            self._sessions.clear()
        elif kind == "otherSessions":
            self._sessions &= current
        else:
            self._sessions -= current
        if kind != "otherSessions":
            call.response_headers["Set-Cookie"] = f"{self.SESSION_COOKIE}=; Path=/; Max-Age=0"
        return {"code": 200, "message": "Logged out"}

    def _op_cookie_check_session(self, call: _Call) -> Any:
        # Reaching here means the request authenticated (a session cookie or an API key).
        return {"code": 200, "message": "Session active"}

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

    # -- operations with a behaviour of their own (``_op_<catalog name>``) ------------------

    def _uploaded(self, call: _Call, name: str) -> FormFile:
        value = call.fields().get(name)
        if not isinstance(value, FormFile):
            raise _ApiError(422, [f"{name} must be a file"], [name])
        return value

    def _stored(self, key: str, what: str) -> Any:
        content = self.store.blobs.get(key)
        if content is None:
            raise _ApiError(404, f"{what} not found")
        return {"data": base64.b64encode(content).decode("ascii")}

    def _op_upload_image(self, call: _Call) -> Any:
        upload = self._uploaded(call, "image")
        name = str(call.fields().get("image_name") or upload.filename)
        obj = self._target(call).create({"name": name, "content_type": upload.content_type})
        key = f"{call.scope['project_id']}/images/{obj['id']}-{_file_name(name)}"
        obj.update(key=key, cdn_url=f"https://cdn.convert.example/{key}", size=len(upload.content))
        self.store.blobs[key] = upload.content
        return {"cdn_url": obj["cdn_url"], "key": key}

    def _op_upload_file(self, call: _Call) -> Any:
        upload = self._uploaded(call, "file")
        name = str(call.fields().get("file_name") or upload.filename)
        obj = self._target(call).create({"file_name": name})
        key = f"{call.scope['project_id']}/files/{obj['id']}-{_file_name(name)}"
        obj.update(
            key=key,
            url=f"https://cdn.convert.example/{key}",
            file_size=len(upload.content),
            mime_type=upload.content_type,
            status="success",
        )
        self.store.blobs[key] = upload.content
        return dict(obj)

    def _op_get_file(self, call: _Call) -> Any:
        obj, _ = self._require_item(call)
        return self._stored(str(obj.get("key")), "File")

    def _op_delete_file(self, call: _Call) -> Any:
        reply = self._do_delete(call)
        self.store.blobs.pop(str(self._require_item(call)[0].get("key")), None)
        return reply

    _op_delete_image = _op_delete_file

    @staticmethod
    def _screenshot_key(variation: Obj) -> str:
        return f"screenshots/variations/{variation['id']}"

    def _op_upload_variation_screenshot(self, call: _Call) -> Any:
        variation, _ = self._require_item(call)
        self.store.blobs[self._screenshot_key(variation)] = self._uploaded(call, "image").content
        return self._stored(self._screenshot_key(variation), "Screenshot")

    def _op_get_variation_screenshot(self, call: _Call) -> Any:
        variation, _ = self._require_item(call)
        return self._stored(self._screenshot_key(variation), "Screenshot")

    # Collections a project export holds, by the name of the export filter that picks them.
    _EXPORTED = (
        ("goals", "goals"),
        ("audiences", "audiences"),
        ("locations", "locations"),
        ("hypotheses", "hypothesis"),
        ("experiences", "experiences"),
    )

    def _op_export_project(self, call: _Call) -> Any:
        project, _ = self._require_item(call)
        body = call.fields()
        document: Obj = {}
        if body.get("includeProject", True) is not False:
            document["project"] = project
        for collection, selector in self._EXPORTED:
            objects = sorted(self.store.items(collection, **call.scope), key=lambda o: o["id"])
            document[collection] = _selected(objects, body.get(selector))
        return _Raw(json.dumps(document).encode(), "application/json")

    def _import_document(self, call: _Call) -> Obj:
        content = self._uploaded(call, "file").content
        try:
            document = json.loads(content)
        except ValueError:
            raise _ApiError(
                422, ["file is not a project export (invalid JSON)"], ["file"]
            ) from None
        if not isinstance(document, dict):
            raise _ApiError(422, ["file is not a project export"], ["file"])
        return document

    def _import_children(self, document: Obj, scope: Mapping[str, int]) -> dict[str, int]:
        """Add the exported goals, audiences, ... to a project; references are renumbered."""
        renamed: dict[str, dict[Any, Any]] = {}
        counts: dict[str, int] = {}
        for collection, _ in self._EXPORTED:
            objects = [o for o in document.get(collection) or [] if isinstance(o, dict)]
            ids = renamed.setdefault(collection, {})
            for obj in objects:
                fields = {k: v for k, v in copy.deepcopy(obj).items() if k not in ("id", "project")}
                if collection == "experiences":
                    for ref in ("goals", "audiences", "locations"):
                        known = renamed.get(ref, {})
                        fields[ref] = [known.get(i, i) for i in fields.get(ref) or []]
                    goal = fields.get("primary_goal")
                    fields["primary_goal"] = renamed["goals"].get(goal, goal)
                    fields["variations"] = [
                        _without_ids(v)
                        for v in fields.get("variations") or []
                        if isinstance(v, dict)
                    ]
                ids[obj.get("id")] = self.store.add(collection, fields, **scope)["id"]
            counts[collection] = len(objects)
        return counts

    def _op_import_project(self, call: _Call) -> Any:
        document = self._import_document(call)
        exported = {name for name, _ in self._EXPORTED}
        given = document.get("project")
        if not isinstance(given, dict):  # a bare project object
            given = {k: v for k, v in document.items() if k not in exported}
        fields = {k: v for k, v in given.items() if k != "id"}
        project = self.store.add("projects", fields, account_id=call.scope["account_id"])
        scope = {"account_id": call.scope["account_id"], "project_id": project["id"]}
        self._import_children(document, scope)
        return self._status(call.op, "Project imported")

    def _op_import_project_data(self, call: _Call) -> Any:
        counts = self._import_children(self._import_document(call), call.scope)
        return {"code": 200, "message": "Project data imported", "imported": counts}

    def _op_create_api_key(self, call: _Call) -> Any:
        key = dict(self._do_create(call))
        key["key_secret"] = secret = f"secret-{key['key_id']}-{self.store.next_id('secrets')}"
        # The new key works: as request-signing credentials, or as a Bearer secret key.
        if key.get("auth_type") == "secretKey":
            self.secret_keys[key["key_id"]] = secret
        else:
            self.credentials[key["key_id"]] = secret
        return key

    def _op_delete_api_key(self, call: _Call) -> Any:
        reply = self._do_delete(call)
        key_id = self._require_item(call)[0].get("key_id")
        self.credentials.pop(str(key_id), None)
        self.secret_keys.pop(str(key_id), None)
        return reply

    def _op_create_sdk_key(self, call: _Call) -> Any:
        key = self._do_create(call)
        if not key.pop("has_secret", False):
            return key
        return {**key, "sdk_secret": f"sdk-secret-{self.store.next_id('secrets')}"}

    def _op_create_project_debug_token(self, call: _Call) -> Any:
        """A token the serving fake honours: the config it serves with it shows drafts."""
        token = self._serving.issue_debug_token(call.scope["account_id"], call.scope["project_id"])
        expiration = int(time.time() + self._serving.DEBUG_TOKEN_TTL)
        return self._wrap(call.op, {"token": token, "expiration": expiration})

    def _op_manage_experience_report_token(self, call: _Call) -> Any:
        experience = self._experience(call)
        body = call.fields()
        action = body.get("token_action")
        if action == "delete":
            experience.pop("report_token", None)
            return {"id": experience["id"], "token": None, "expiration": None}
        current = experience.get("report_token")
        if action == "regenerate" or not isinstance(current, dict):
            hours = int(body.get("token_expiration") or 24)
            serial = self.store.next_id("report-tokens")
            digest = hashlib.sha256(f"{self.seed}:{experience['id']}:{serial}".encode())
            current = {
                "token": digest.hexdigest()[:32],
                "expiration": int(time.time()) + hours * 3600,
            }
            experience["report_token"] = current
        return {"id": experience["id"], **current}

    def _op_convert_variation_to_experience(self, call: _Call) -> Any:
        variation, container = self._require_item(call)
        experience = container.parent
        if experience is None:
            raise _ApiError(404, "Experience not found")
        kind = call.fields().get("experience_type") or "deploy"
        winner = {**_without_ids(variation), "is_baseline": kind == "deploy"}
        variations = [winner]
        if kind != "deploy":
            baseline = next(
                (v for v in experience.get("variations", []) if v.get("is_baseline")), None
            )
            variations = [_without_ids(baseline or {"name": "Original"}), winner]
        fields = {
            k: v
            for k, v in copy.deepcopy(experience).items()
            if k not in ("id", "key", "variations", "sections", "report_token")
        }
        fields.update(
            name=f"{experience.get('name', '')}: {variation.get('name', '')}",
            type=kind,
            status="draft",
            start_time=None,
            end_time=None,
            version=1,
            variations=variations,
        )
        created = self._container(call, "experiences", nested=False).create(fields)
        return self._expand(call, created)

    def _op_convert_hypothesis_to_knowledge_base(self, call: _Call) -> Any:
        hypothesis, _ = self._require_item(call)
        fields = {
            "name": hypothesis.get("name"),
            "summary": hypothesis.get("objective") or "",
            "hypothesis": hypothesis["id"],
        }
        return self.store.add("knowledge-bases", fields, **call.scope)

    def _op_get_domain_by_url(self, call: _Call) -> Any:
        wanted = str(call.fields().get("url") or "").rstrip("/")
        for domain in self.store.items("domains", **call.scope):
            known = str(domain.get("url", "")).rstrip("/")
            if wanted == known or wanted.startswith(known + "/"):
                return domain
        raise _ApiError(404, "Domain not found")

    def _op_verify_domain_tracking_code(self, call: _Call) -> Any:
        domain, _ = self._require_item(call)
        return domain

    def _op_replace_experience_sections(self, call: _Call) -> Any:
        experience = self._experience(call)
        given = call.fields().get("sections") or []
        sections: list[Obj] = []
        for raw in given:
            section = copy.deepcopy(raw) if isinstance(raw, dict) else {}
            section["id"] = str(section.get("id") or _short_id(sections))
            _number_versions(section)
            sections.append(section)
        experience["sections"] = sections
        return {"data": sections}

    def _op_get_experience_traffic_allocation_report(self, call: _Call) -> Any:
        experience = self._experience(call)
        variations = [v for v in experience.get("variations", []) if isinstance(v, dict)]
        start = experience.get("start_time") or BASE_TIMESTAMP - 14 * _DAY
        start -= start % _DAY
        days = []
        for day in range(14 if _has_run(experience) else 0):
            timestamp = start + day * _DAY
            rows = [
                {"variation_id": v["id"], "allocation": v.get("traffic_distribution")}
                for v in variations
            ]
            date = time.strftime("%Y-%m-%d", time.gmtime(timestamp))
            days.append({"date": date, "timestamp": timestamp, "variations": rows})
        return {"data": {"experience_id": experience["id"], "days": days}}

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
        ran = _has_run(exp)
        for goal_id in goal_ids:
            rows = [self._variation_totals(exp["id"], goal_id, v, ran=ran) for v in variations]
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

    def _op_export_experience_report(self, call: _Call) -> Any:
        """Generate the CSV and answer with a link to it (served without credentials, like
        the pre-signed link Convert hands out)."""
        body = call.fields()
        report_type = body.get("report_type") or "csv_aggregated"
        data_type = body.get("data_type") or "non_cumulative"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if report_type == "csv_daily":
            exp = self._experience(call)
            goal_ids = body.get("goals") or exp.get("goals") or []
            if len(goal_ids) > _MAX_DAILY_EXPORT_GOALS:
                raise _ApiError(422, ["at most 10 goals for csv_daily"], ["goals"])
            writer.writerow(["date", "goal_id", "variation_id", "visitors", "conversions", "value"])
            daily_type = "cumulative" if data_type == "cumulative" else "non_cumulative"
            for goal_id in goal_ids:
                daily = replace(call, body={"goal": goal_id, "report_type": daily_type})
                for day in self._do_daily_report(daily)["data"]["days"]:
                    for row in day["variations"]:
                        counts = [row[name] for name in ("visitors", "conversions", "value")]
                        writer.writerow([day["date"], goal_id, row["variation_id"], *counts])
        else:
            writer.writerow(_AGGREGATED_EXPORT_COLUMNS)
            for goal in self._do_aggregated_report(call)["data"]["goals"]:
                for row in goal["variations"]:
                    values = [row[name] for name in _AGGREGATED_EXPORT_COLUMNS[2:]]
                    writer.writerow([goal["goal_id"], goal["goal_name"], *values])
        token = secrets.token_urlsafe(12)
        name = f"experience-{call.params['experience_id']}-{report_type}.csv"
        self.downloads[token] = (name, "text/csv", buffer.getvalue().encode())
        link = f"{self.base_url}{DOWNLOAD_PATH}{token}/{name}"
        expiration = int(time.time()) + 3600
        return self._wrap(
            call.op,
            {
                "url": link,
                "report_type": report_type,
                "data_type": data_type,
                "expiration": expiration,
            },
        )

    def _download(self, token: str) -> Answer:
        if token not in self.downloads:
            return Answer(404, msgspec.json.encode({"code": 404, "message": "Link not found"}))
        name, content_type, content = self.downloads[token]
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Answer(200, content, content_type, disposition)

    def _variation_totals(
        self, experience_id: int, goal_id: int, variation: Obj, *, ran: bool = True
    ) -> Obj:
        # Seeded per (experience, goal, variation) so numbers never depend on which goals or
        # variations were asked for, nor on call order.
        goal_rng = random.Random(f"{self.seed}:{experience_id}:{goal_id}")
        base_rate, order_value = goal_rng.uniform(0.02, 0.12), goal_rng.uniform(25, 140)
        rng = random.Random(f"{self.seed}:{experience_id}:{goal_id}:{variation.get('id')}")
        visitors = rng.randint(1_500, 25_000) if ran else 0
        lift = 1.0 if variation.get("is_baseline") else rng.uniform(0.85, 1.25)
        conversions = round(visitors * base_rate * lift * rng.uniform(0.95, 1.05))
        return {
            "variation_id": variation.get("id"),
            "variation_name": variation.get("name"),
            "is_baseline": bool(variation.get("is_baseline")),
            "visitors": visitors,
            "conversions": conversions,
            "conversion_rate": round(conversions / visitors * 100, 2) if visitors else 0.0,
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
        for day in range(14 if _has_run(exp) else 0):  # a draft has no days to report
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


def _has_run(experience: Obj) -> bool:
    """Whether an experience ever received traffic (a draft or a scheduled one did not)."""
    return experience.get("status") not in ("draft", "scheduled")


def _without_ids(variation: Obj) -> Obj:
    """A copy of ``variation`` (and its changes) that gets fresh ids when stored."""
    copied = {k: v for k, v in copy.deepcopy(variation).items() if k != "id"}
    if isinstance(copied.get("changes"), list):
        copied["changes"] = [
            {k: v for k, v in c.items() if k != "id"} if isinstance(c, dict) else c
            for c in copied["changes"]
        ]
    return copied


def _file_name(name: str) -> str:
    """``name`` made safe for a storage key (letters, digits, ``.``, ``_`` and ``-``)."""
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name).strip("-") or "file"


def _selected(objects: list[Obj], selection: Any) -> list[Obj]:
    """Objects picked by an export filter: ``{"include": [ids]}`` or ``{"exclude": [ids]}``."""
    if not isinstance(selection, dict):
        return objects
    include, exclude = selection.get("include"), selection.get("exclude")
    if isinstance(include, list):
        objects = [o for o in objects if o.get("id") in include]
    if isinstance(exclude, list):
        objects = [o for o in objects if o.get("id") not in exclude]
    return objects


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
    if base is None or row is base or not row["visitors"] or not base["visitors"]:
        return
    rate, base_rate = row["conversions"] / row["visitors"], base["conversions"] / base["visitors"]
    if base_rate > 0:
        row["improvement"] = round((rate - base_rate) / base_rate * 100, 2)
    spread = math.sqrt(
        rate * (1 - rate) / row["visitors"] + base_rate * (1 - base_rate) / base["visitors"]
    )
    z = (rate - base_rate) / spread if spread > 0 else 0.0
    row["confidence"] = round(50 * (1 + math.erf(z / math.sqrt(2))), 2)
