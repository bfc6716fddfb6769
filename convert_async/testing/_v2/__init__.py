"""The fake Convert REST API v2, driven by Convert's own OpenAPI spec.

Every one of the spec's operations is routed from its method and path template
(:mod:`._routing`), authenticated, checked against the operation's body schema and query
parameters (422 in Convert's error envelope, naming the field), answered by the behaviour the
per-operation table gives it (:mod:`._table`) from the seeded store, and its reply is fitted to
the operation's response schema with the spec's success status.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import msgspec
from aiohttp import web

from .._catalog import RouteMatch as ServingRoute
from .._loopback import Answer, LoopbackFake, Routed
from .._multipart import FormFile, parse_form
from .._openapi import Spec, SpecOperation, load_spec
from .._schema_check import FitCache, conform, problems
from .._serving import SERVING_PATH, FakeServing
from .._store import BASE_TIMESTAMP, FakeStore, Obj
from ._call import ApiError, Call, Raw
from ._generic import resolve_path
from ._routing import BASE_PATH, RouteMatch, SpecRouter
from ._table import BEHAVIOURS, OPEN_OPERATIONS

__all__ = ["FakeConvert"]

_DOWNLOAD_OPERATION = "download_export"
# Names in an ``expand`` request -> the collection the ids in that field point into.
_EXPANDABLE = {
    "goals": "goals",
    "audiences": "audiences",
    "locations": "locations",
    "tags": "tags",
    "features": "features",
    "hypotheses": "hypotheses",
}


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a request goes: a REST v2 route, a serving route or an export download."""

    api: RouteMatch | None = None
    serving: ServingRoute | None = None
    download: str | None = None


class FakeConvert(LoopbackFake[_Target]):
    """An in-process fake of the Convert REST API v2, served by aiohttp on a local port.

    Routes, request checks and reply shapes come from Convert's OpenAPI spec (packaged in
    ``convert_async/testing/data``). Every request is authenticated (HMAC request signing, a
    Bearer secret key, an OAuth token or a cookie session), recorded in :attr:`requests`,
    subject to :attr:`faults`, and answered from :attr:`store`::

        async with FakeConvert() as fake:
            ...  # point a client at fake.url with fake.APPLICATION_ID / APPLICATION_SECRET
    """

    APPLICATION_ID: ClassVar[str] = "fake-app-id"
    APPLICATION_SECRET: ClassVar[str] = "fake-app-secret"  # noqa: S105 (public test credential)
    KEY_ID: ClassVar[str] = "fake-key-id"
    KEY_SECRET: ClassVar[str] = "fake-key-secret"  # noqa: S105 (public test credential)
    #: The one user who can open a cookie session (``doAuth``).
    USERNAME: ClassVar[str] = "owner@acme.example"
    PASSWORD: ClassVar[str] = "fake-password"  # noqa: S105 (public test credential)
    SESSION_COOKIE: ClassVar[str] = "convert_session"
    #: Where generated report exports are served from (outside the API, no credentials).
    DOWNLOAD_PATH: ClassVar[str] = "/downloads/"
    #: A 1x1 PNG: what screenshots and heatmaps show when nothing was uploaded.
    PNG: ClassVar[bytes] = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )

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
        #: The spec the fake serves.
        self.spec: Spec = load_spec()
        #: The spec's operations by operationId.
        self.operations: dict[str, SpecOperation] = dict(self.spec.operations)
        self.store = FakeStore(seed)
        self._router = SpecRouter(self.operations.values())
        self._serving = FakeServing(self.store)
        self._fitted: FitCache = {}
        self._optional: dict[str, frozenset[str]] = {}
        #: Generated report exports by download token: (file name, content type, content).
        self.downloads: dict[str, tuple[str, str, bytes]] = {}
        # Id order of long lists by (collection, scope): (membership fingerprint, objects).
        self.list_orders: dict[tuple[str, Any], tuple[Any, list[Obj]]] = {}
        #: Raw-data export jobs by job id.
        self.raw_exports: dict[str, Obj] = {}
        #: Open cookie sessions, OAuth tokens and password reset codes.
        self.sessions: set[str] = set()
        self.oauth_tokens: set[str] = set()
        self.reset_codes: set[str] = set()
        self.password = self.PASSWORD
        self.pending_email: str | None = None
        #: The current user (``getUserData``).
        self.user: Obj = {
            "profileData": {
                "email": self.USERNAME,
                "firstName": "Ada",
                "lastName": "Owner",
                "login_provider": "convert",
                "user_id": "u-1001-1",
            },
            "preferences": {
                "editorSettings": {},
                "displaySettings": {},
                "generalSettings": {"lastOpenAccount": FakeStore.ACCOUNT_ID},
                "mfaEnabled": False,
            },
            "isSudo": False,
            "mfa_backup_codes": [],
        }

    # -- addresses ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Base URL of the REST v2 API; every spec path is relative to it."""
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

    # -- helpers for handlers ---------------------------------------------------------------

    def stamp(self, obj: Obj, *, created: bool = False) -> None:
        """Record a write on ``obj``: its modification time, and version where it has one."""
        now = max(int(time.time()), BASE_TIMESTAMP)
        if created and "created_at" not in obj:
            obj["created_at"] = now
        if "updated_at" in obj or "modified_at" in obj or created:
            obj["updated_at"] = now
        if isinstance(obj.get("version"), int | float) and not created:
            obj["version"] += 1

    def expanded(self, call: Call, obj: Obj) -> Obj:
        """``obj`` as the request asks for it: the optional fields it does not ``include``
        left out (the spec's "Optional Fields": not returned by default), the referenced ids
        it asks to ``expand`` replaced by objects."""
        optional = self._optional_fields(call.op)
        if optional:
            included = set(call.include())
            obj = {k: v for k, v in obj.items() if k not in optional or k in included}
        names = call.expand()
        if not names:
            return obj
        result = dict(obj)
        for name in names:
            if name == "project" and isinstance(obj.get("project"), int):
                scope = {"account_id": call.scope["account_id"]}
                result["project"] = self.store.get("projects", obj["project"], **scope)
            elif name in _EXPANDABLE and isinstance(obj.get(name), list):
                pool = self.store.collection(_EXPANDABLE[name], **call.scope)
                result[name] = [pool.get(i, i) if isinstance(i, int) else i for i in obj[name]]
        return result

    def _optional_fields(self, op: SpecOperation) -> frozenset[str]:
        """The top-level fields ``op``'s ``include`` parameter names (none when it has none)."""
        known = self._optional.get(op.operation_id)
        if known is None:
            schemas = [schema for name, schema in op.query_params if name.startswith("include")]
            if op.body is not None:
                body = self.spec.resolve(op.body)
                if "include" in body.properties:
                    schemas.append(body.properties["include"])
            names: set[str] = set()
            for schema in schemas:
                items = self.spec.resolve(schema).items
                if items is not None:
                    enum = self.spec.resolve(items).enum
                    names.update(str(n) for n in enum if "." not in str(n))
            known = self._optional[op.operation_id] = frozenset(names)
        return known

    # -- the request path -------------------------------------------------------------------

    def _route(self, method: str, path: str, body: bytes) -> Routed[_Target]:
        if path == BASE_PATH or path.startswith(BASE_PATH + "/"):
            route = self._router.match(method, path[len(BASE_PATH) :] or "/")
            name = route.operation.operation_id if route.operation else None
            return Routed(name, route.path_params, _Target(api=route))
        if path.startswith(self.DOWNLOAD_PATH):
            token = path[len(self.DOWNLOAD_PATH) :].partition("/")[0]
            return Routed(_DOWNLOAD_OPERATION, {"token": token}, _Target(download=token))
        if self._serving.owns(path):
            serving = self._serving.match(method, path)
            name = serving.operation.name if serving.operation else None
            return Routed(name, serving.path_params, _Target(serving=serving))
        return Routed(None, {}, _Target(api=RouteMatch(None, {}, 404)))

    async def _answer(
        self,
        request: web.BaseRequest,
        routed: Routed[_Target],
        body: bytes,
        query: Mapping[str, list[str]],
    ) -> Answer:
        target = routed.target
        if target.download is not None:
            return self._download(target.download)
        try:
            if target.serving is not None:
                if target.serving.operation is None:
                    status = target.serving.status
                    payload: Any = {"code": status, "message": "Route not found"}
                    headers: dict[str, str] = {}
                else:
                    status, payload, headers = self._serving.respond(
                        request, target.serving, body, query
                    )
            else:
                assert target.api is not None
                status, payload, headers = self._respond(request, target.api, body, query)
        except Exception as exc:  # keep the fake answering; surface the bug in the body
            status, payload, headers = 500, self._error_payload(500, f"Fake error: {exc!r}"), {}
        if isinstance(payload, Raw):
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
        try:
            if op.operation_id not in OPEN_OPERATIONS:
                self._authenticate(request, raw_body)
            content_type = request.headers.get("Content-Type", "")
            body = self._parse_body(op, raw_body, content_type)
            call = Call(op, route.path_params, body, query)
            call.session = request.cookies.get(self.SESSION_COOKIE)
            self._validate(call)
            resolve_path(self, call)
            payload = BEHAVIOURS[op.operation_id](self, call)
        except ApiError as err:
            return err.status, err.body, {}
        if isinstance(payload, Raw) or op.response is None:
            return op.status, payload, call.response_headers
        fitted = conform(self.spec, op.response, payload, self._fitted)
        return op.status, fitted, call.response_headers

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes) -> None:
        # A live session cookie authenticates any operation, as in Convert's own app; the
        # cookie-auth operations accept API credentials too, so one code path covers all.
        if request.cookies.get(self.SESSION_COOKIE) in self.sessions:
            return
        header = request.headers.get("Authorization", "").strip()
        if header.startswith("Bearer "):
            token = header[len("Bearer ") :].strip()
            if token in self.oauth_tokens:
                return
            key_id, sep, secret = token.partition(":")
            expected = self.secret_keys.get(key_id)
            if not sep or expected is None or not hmac.compare_digest(expected, secret):
                raise ApiError(401, "Invalid secret key")
            return
        if not header.startswith("Convert-HMAC-SHA256"):
            raise ApiError(401, "Missing or unsupported Authorization header")
        app_id = request.headers.get("Convert-Application-ID", "")
        app_secret = self.credentials.get(app_id)
        if app_secret is None:
            raise ApiError(401, "Unknown application")
        expires = request.headers.get("Expires", "").strip()
        if not expires.isdigit():
            raise ApiError(401, "Missing or invalid Expires header")
        if int(expires) < time.time():
            raise ApiError(401, "Request signature expired")
        signature = header.partition("Signature=")[2].strip().rstrip(";").strip()
        url = f"{request.scheme}://{request.host}{request.raw_path}"
        message = f"{app_id}\n{expires}\n{url}\n".encode() + body
        expected_sig = hmac.new(app_secret.encode(), message, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected_sig, signature):
            raise ApiError(401, "Invalid signature")

    # -- request checks ----------------------------------------------------------------------

    @staticmethod
    def _parse_body(op: SpecOperation, raw: bytes, content_type: str) -> Any:
        if not raw.strip():
            return None
        if (op.body_content_type or "").startswith("multipart/"):
            try:
                return parse_form(content_type, raw)
            except ValueError as exc:
                raise ApiError(400, f"Malformed multipart body: {exc}") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise ApiError(400, "Malformed JSON body") from None

    def _validate(self, call: Call) -> None:
        """Query arrays and the body against the spec; 422 naming every bad field."""
        found: list[str] = []
        for name, schema in call.op.query_params:
            # The API wants include[]=a; a bare include=a is a documented 422.
            if schema.kind == "array" and name in call.query:
                found.append(f"$.{name}: The '{name}' parameter must be a array.")
        if call.op.body is not None:
            body = call.body
            if (call.op.body_content_type or "").startswith("multipart/"):
                body = self._form_for_check(call)
            if body is None and not call.op.body_required:
                body = {}
            found += problems(self.spec, call.op.body, body)
        if found:
            fields = [problem.partition(":")[0] for problem in found]
            raise ApiError(422, found, fields)

    def _form_for_check(self, call: Call) -> Any:
        """A multipart body as the schema sees it: a file part must be a file (format
        ``binary`` or ``json``); it is checked here and then stands in as a string."""
        if not isinstance(call.body, dict):
            return call.body
        schema = self.spec.resolve(call.op.body) if call.op.body is not None else None
        view: dict[str, Any] = {}
        for name, value in call.body.items():
            declared = schema.properties.get(name) if schema is not None else None
            is_file = declared is not None and declared.format in ("binary", "json")
            if is_file and not isinstance(value, FormFile):
                view[name] = None  # reported as "must not be null": a text part is no file
            else:
                view[name] = value.filename if isinstance(value, FormFile) else value
        return view

    # -- downloads ---------------------------------------------------------------------------

    def _download(self, token: str) -> Answer:
        if token not in self.downloads:
            return Answer(404, msgspec.json.encode({"code": 404, "message": "Link not found"}))
        name, content_type, content = self.downloads[token]
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Answer(200, content, content_type, disposition)
