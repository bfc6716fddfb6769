"""The fake Convert serving API (config + tracking), served by :class:`FakeConvert`.

Routes come from the packaged copy of the serving catalog, not from the client's operation
table, so a client/catalog disagreement shows up as a 404/405. Config is built from the fake's
store (the same projects, experiences, goals... the REST v2 fake serves), SDK keys come from the
store's ``sdk-keys`` collections, and every accepted tracking batch is recorded.

Both serving hosts (config CDN and metrics) live under one prefix, :data:`SERVING_PATH`: point
``config_base_url`` and ``track_base_url`` at ``fake.serving_url``.
"""

from __future__ import annotations

import functools
import hmac
import json
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Annotated, Any, Literal

import msgspec
from aiohttp import web

from ._catalog import Operation, RouteMatch, Router
from ._catalog import _operation as _catalog_operation
from ._store import FakeStore, Obj

__all__ = ["SERVING_PATH", "FakeServing", "SdkKey", "load_serving_catalog"]

#: Prefix of every serving path on the fake; catalog paths are relative to it.
SERVING_PATH = "/serving/v1"

# Only running experiences are served; drafts and paused ones need a valid debug token.
_ALWAYS_VISIBLE = frozenset({"active"})
_DEBUG_VISIBLE = frozenset({"draft", "paused"})
_ARCHIVED = frozenset({"completed", "archived"})


@functools.cache
def load_serving_catalog() -> tuple[Operation, ...]:
    """Load the packaged ``convert-serving-operations.json`` catalog (cached)."""
    text = (
        resources.files("convert_async.testing")
        .joinpath("data/convert-serving-operations.json")
        .read_text(encoding="utf-8")
    )
    return tuple(_catalog_operation(raw) for raw in json.loads(text))


@dataclass(frozen=True, slots=True)
class SdkKey:
    """An SDK key the fake accepts: the key, its secret (None: no secret) and its project."""

    sdk_key: str
    secret: str | None
    account_id: int
    project_id: int
    environment: str | None


class _ServingError(Exception):
    """Answer with the serving API's ``ErrorData {code, message, fields}``."""

    def __init__(self, status: int, message: str, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: Obj = {"code": status, "message": message, "fields": fields or []}


class FakeServing:
    """The serving routes of :class:`~convert_async.testing.FakeConvert` and what they saw.

    ``batches`` holds every accepted tracking payload as sent, ``events`` every event of
    them flattened (``{"visitorId", "eventType", "data"}``) and ``event_count`` their number,
    so tests can count deliveries and duplicates. ``visitor_data`` is what ``/visitor-data``
    answers, keyed by (project id, visitor id). Faults injected with ``fake.faults`` apply here
    too (operation names are the serving catalog's, e.g. ``send_tracking_events_by_sdk_key``)::

        async with FakeConvert() as fake:
            key = fake.serving.sdk_key(1001, project_id)
            async with TrackingClient(key.sdk_key, key.secret, account_id=1001,
                                      project_id=project_id, config_base_url=fake.serving_url,
                                      track_base_url=fake.serving_url) as tracker:
                ...
            assert len(fake.serving.events) == ...
    """

    #: Lifetime of a debug token, as on the real service (24 h).
    DEBUG_TOKEN_TTL = 86_400.0

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.operations: dict[str, Operation] = {op.name: op for op in load_serving_catalog()}
        self._router = Router(list(self.operations.values()))
        self.event_count = 0
        # Accepted bodies are kept as received and decoded into `batches`/`events` when read, so
        # recording costs a high-throughput sender nothing beyond validation.
        self._received: list[bytes] = []
        self._batches: list[dict[str, Any]] = []
        self._events: list[dict[str, Any]] = []
        #: Keep only the latest this many payloads in :attr:`batches` and their events in
        #: :attr:`events` (None: all of them); :attr:`event_count` still counts every event.
        self.max_recorded: int | None = None
        self.visitor_data: dict[tuple[int, str], dict[str, str]] = {}
        self._debug_tokens: dict[str, tuple[int, int, float]] = {}
        self._rng = random.Random(f"serving:{store.seed}")
        for account_id, project_id in self._projects():
            if not self.store.collection("sdk-keys", account_id=account_id, project_id=project_id):
                self._new_key(account_id, project_id, with_secret=True)

    # -- helpers for tests ----------------------------------------------------------------------

    def sdk_key(self, account_id: int, project_id: int, *, with_secret: bool = True) -> SdkKey:
        """An enabled SDK key of the project, with or without a secret (created if needed)."""
        keys = self.store.collection("sdk-keys", account_id=account_id, project_id=project_id)
        for obj in keys.values():
            if obj.get("status", "enabled") == "enabled" and bool(obj.get("sdk_secret")) is (
                with_secret
            ):
                return self._record(obj, account_id, project_id)
        if self.store.get("projects", project_id, account_id=account_id) is None:
            raise KeyError(f"no project {project_id} in account {account_id}")
        obj = self._new_key(account_id, project_id, with_secret)
        return self._record(obj, account_id, project_id)

    def issue_debug_token(
        self, account_id: int, project_id: int, *, ttl: float | None = None
    ) -> str:
        """A debug token that reveals the project's draft and paused experiences."""
        token = "dbg-" + "".join(self._rng.choices("0123456789abcdef", k=24))
        expires = time.time() + (self.DEBUG_TOKEN_TTL if ttl is None else ttl)
        self._debug_tokens[token] = (account_id, project_id, expires)
        return token

    def events_for(self, visitor_id: str) -> list[dict[str, Any]]:
        """Recorded events of one visitor, in arrival order."""
        return [e for e in self.events if e["visitorId"] == visitor_id]

    @property
    def batches(self) -> list[dict[str, Any]]:
        """Every accepted tracking payload, as sent, in arrival order."""
        self._decode_received()
        return self._batches

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event of :attr:`batches`, flattened: ``{"visitorId", "eventType", "data"}``."""
        self._decode_received()
        return self._events

    def clear(self) -> None:
        """Forget recorded batches and events."""
        self.event_count = 0
        self._received.clear()
        self._batches.clear()
        self._events.clear()

    def _decode_received(self) -> None:
        for raw_body in self._received[len(self._batches) :]:
            body: dict[str, Any] = msgspec.json.decode(raw_body)
            self._batches.append(body)
            self._events.extend(
                {"visitorId": visitor["visitorId"], "eventType": e["eventType"], "data": e["data"]}
                for visitor in body["visitors"]
                for e in visitor["events"]
            )

    # -- routing (called by FakeConvert) ---------------------------------------------------------

    @staticmethod
    def owns(path: str) -> bool:
        """Whether a raw request path (no query) is under :data:`SERVING_PATH`."""
        return path == SERVING_PATH or path.startswith(SERVING_PATH + "/")

    def match(self, method: str, path: str) -> RouteMatch:
        """Route a raw request path under :data:`SERVING_PATH`."""
        return self._router.match(method, path[len(SERVING_PATH) :] or "/")

    def serves(self, op: Operation) -> bool:
        """Whether ``op`` is one of the serving operations."""
        return self.operations.get(op.name) is op

    def respond(
        self,
        request: web.BaseRequest,
        route: RouteMatch,
        raw_body: bytes,
        query: Mapping[str, list[str]],
    ) -> tuple[int, Any, dict[str, str]]:
        """Answer one serving request: (status, JSON payload, extra headers)."""
        op = route.operation
        assert op is not None
        params = route.path_params
        try:
            if "sdk_key" in params:
                key = self._authenticate(request, params["sdk_key"])
                account_id, project_id = key.account_id, key.project_id
                default_environment = key.environment
            else:
                account_id, project_id = self._default_project(params)
                default_environment = None
            handler = getattr(self, f"_do_{op.name.removesuffix('_by_sdk_key')}")
            payload = handler(
                request=request,
                account_id=account_id,
                project_id=project_id,
                params=params,
                query=query,
                raw_body=raw_body,
                default_environment=default_environment,
            )
        except _ServingError as err:
            return err.status, err.body, {}
        return 200, payload, {}

    # -- auth -------------------------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, sdk_key: str) -> SdkKey:
        found = self._find_key(sdk_key)
        if found is None:
            raise _ServingError(404, "SDK key not found")
        obj, key = found
        if obj.get("status", "enabled") != "enabled":
            raise _ServingError(403, "SDK key is disabled")
        if key.secret:
            header = request.headers.get("Authorization", "").strip()
            given = header[len("Bearer ") :].strip() if header.startswith("Bearer ") else header
            if not hmac.compare_digest(given.encode(), key.secret.encode()):
                raise _ServingError(401, "Invalid or missing SDK key secret")
        return key

    def _default_project(self, params: Mapping[str, str]) -> tuple[int, int]:
        account, project = params.get("account_id", ""), params.get("project_id", "")
        if not account.isdigit() or not project.isdigit():
            raise _ServingError(404, "Project not found")
        obj = self.store.get("projects", int(project), account_id=int(account))
        if obj is None:
            raise _ServingError(404, "Project not found")
        settings = obj.get("settings") or {}
        if isinstance(settings, dict) and settings.get("disable_default_config"):
            raise _ServingError(403, "Default endpoints are disabled for this project")
        return int(account), int(project)

    def _find_key(self, sdk_key: str) -> tuple[Obj, SdkKey] | None:
        for account_id, project_id in self._projects():
            keys = self.store.collection("sdk-keys", account_id=account_id, project_id=project_id)
            for obj in keys.values():
                if obj.get("sdk_key") == sdk_key:
                    return obj, self._record(obj, account_id, project_id)
        return None

    def _debug_allowed(
        self, request: web.BaseRequest, query: Mapping[str, list[str]], account: int, project: int
    ) -> bool:
        token = request.headers.get("convert-debug-token") or next(
            iter(query.get("debug_token", [])), ""
        )
        grant = self._debug_tokens.get(token)
        return grant is not None and grant[:2] == (account, project) and grant[2] > time.time()

    # -- config -----------------------------------------------------------------------------------

    def _do_get_project_config(
        self,
        *,
        request: web.BaseRequest,
        account_id: int,
        project_id: int,
        query: Mapping[str, list[str]],
        default_environment: str | None,
        **_: Any,
    ) -> Obj:
        scope = {"account_id": account_id, "project_id": project_id}
        project = self.store.get("projects", project_id, account_id=account_id) or {}
        environment = _first(query, "environment") or default_environment
        debug = self._debug_allowed(request, query, account_id, project_id)
        only = _first(query, "exp")
        experiences: list[Obj] = []
        archived: list[str] = []
        for exp in self.store.items("experiences", **scope):
            status = str(exp.get("status", ""))
            if status in _ARCHIVED:
                archived.append(str(exp["id"]))
                continue
            if status not in _ALWAYS_VISIBLE and not (debug and status in _DEBUG_VISIBLE):
                continue
            if environment and environment not in _environments(exp):
                continue
            if only and only not in (str(exp["id"]), exp.get("key")):
                continue
            experiences.append(_experience(exp))
        return {
            "account_id": str(account_id),
            "project": self._project(project, scope),
            "goals": [_goal(g) for g in self.store.items("goals", **scope)],
            "locations": [
                _config_entry(o, "key", "name", "trigger", "rules")
                for o in self.store.items("locations", **scope)
            ],
            "audiences": [
                _config_entry(o, "key", "name", "type", "rules")
                for o in self.store.items("audiences", **scope)
            ],
            "segments": [
                _config_entry(o, "key", "name", "rules")
                for o in self.store.items("segments", **scope)
            ],
            "experiences": experiences,
            "archived_experiences": archived,
            "features": [_feature(o) for o in self.store.items("features", **scope)],
            "is_debug": debug,
        }

    def _project(self, project: Obj, scope: Mapping[str, int]) -> Obj:
        settings = project.get("settings") if isinstance(project.get("settings"), dict) else {}
        assert isinstance(settings, dict)
        environments = project.get("environments") or {"production": "Production"}
        domains = [
            {"tld": str(d.get("url", "")).split("://")[-1], "hosts": None}
            for d in self.store.items("domains", **scope)
        ]
        return {
            "id": str(project.get("id", scope["project_id"])),
            "name": project.get("name"),
            "type": project.get("project_type", "web"),
            "utc_offset": 0,
            "custom_domain": None,
            "domains": domains,
            "global_javascript": project.get("global_javascript"),
            "settings": {
                "allow_crossdomain_tracking": bool(settings.get("allow_crossdomain_tracking")),
                "data_anonymization": bool(settings.get("data_anonymization")),
                "do_not_track": settings.get("do_not_track", "OFF"),
                "global_privacy_control": settings.get("global_privacy_control", "OFF"),
                "include_jquery": settings.get("include_jquery", True),
                "include_jquery_v1": False,
                "disable_spa_functionality": False,
                "do_not_track_referral": False,
                "integrations": {},
                "min_order_value": 0,
                "max_order_value": 0,
                "outliers": {},
                "version": str(settings.get("version", "1")),
            },
            "environments": {
                name: {
                    "label": label if isinstance(label, str) else name.capitalize(),
                    "is_default": name == "production",
                }
                for name, label in environments.items()
            },
        }

    def _do_get_project_settings(self, *, account_id: int, project_id: int, **_: Any) -> Obj:
        project = self.store.get("projects", project_id, account_id=account_id) or {}
        settings = project.get("settings") if isinstance(project.get("settings"), dict) else {}
        assert isinstance(settings, dict)
        return {
            "account_id": str(account_id),
            "project_id": str(project_id),
            "include_jquery": settings.get("include_jquery", True),
            "include_jquery_v1": False,
            "disable_spa_functionality": False,
            "version": str(settings.get("version", "1")),
            "tracking_script": {"current_version": "1.0.0"},
        }

    def _do_get_project_optional_settings(
        self, *, account_id: int, project_id: int, **_: Any
    ) -> Obj:
        return {
            "account_id": str(account_id),
            "project_id": str(project_id),
            "visitor_insights": {
                "enabled": False,
                "obfuscate_text": True,
                "tracking_id": f"vi-{project_id}",
            },
        }

    def _do_get_visitor_data(self, *, project_id: int, params: Mapping[str, str], **_: Any) -> Obj:
        data = self.visitor_data.get((project_id, params["visitor_id"]), {})
        return {"data": dict(data), "default": {}}

    # -- tracking ---------------------------------------------------------------------------------

    def _do_send_tracking_events(
        self, *, account_id: int, project_id: int, raw_body: bytes, **_: Any
    ) -> Obj:
        self.event_count += _validate_payload(raw_body, account_id, project_id)
        self._received.append(raw_body)
        if self.max_recorded is not None and len(self._received) > self.max_recorded:
            self._forget_oldest(len(self._received) - self.max_recorded)
        return {"code": 200, "message": "OK"}

    def _forget_oldest(self, count: int) -> None:
        """Drop the ``count`` oldest payloads and the events they carried."""
        self._decode_received()
        events = sum(
            len(visitor["events"]) for body in self._batches[:count] for visitor in body["visitors"]
        )
        del self._received[:count], self._batches[:count], self._events[:events]

    # -- store access -----------------------------------------------------------------------------

    def _projects(self) -> list[tuple[int, int]]:
        return [
            (account_id, project_id)
            for account_id in list(self.store.collection("accounts"))
            for project_id in list(self.store.collection("projects", account_id=account_id))
        ]

    def _new_key(self, account_id: int, project_id: int, with_secret: bool) -> Obj:
        suffix = "".join(self._rng.choices("0123456789abcdef", k=8))
        fields: Obj = {
            "name": "Serving key" + (" (secret)" if with_secret else ""),
            "sdk_key": f"{account_id}-{project_id}-{suffix}",
            "environment": "production",
            "status": "enabled",
        }
        if with_secret:
            fields["sdk_secret"] = "".join(self._rng.choices("0123456789abcdef", k=32))
        return self.store.add("sdk-keys", fields, account_id=account_id, project_id=project_id)

    @staticmethod
    def _record(obj: Obj, account_id: int, project_id: int) -> SdkKey:
        secret = obj.get("sdk_secret")
        environment = obj.get("environment")
        return SdkKey(
            sdk_key=str(obj["sdk_key"]),
            secret=str(secret) if secret else None,
            account_id=account_id,
            project_id=project_id,
            environment=str(environment) if environment else None,
        )


# -- shaping store objects into the config's shapes ----------------------------------------------


def _first(query: Mapping[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _strs(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _environments(exp: Obj) -> list[str]:
    names = _strs(exp.get("environments"))
    if exp.get("environment"):
        names.append(str(exp["environment"]))
    return names


def _experience(exp: Obj) -> Obj:
    variations = [v for v in exp.get("variations") or [] if isinstance(v, dict)]
    settings = exp.get("settings") if isinstance(exp.get("settings"), dict) else {}
    assert isinstance(settings, dict)
    return {
        "id": str(exp["id"]),
        "name": exp.get("name"),
        "key": exp.get("key"),
        "locations": _strs(exp.get("locations")),
        "site_area": exp.get("site_area"),
        "audiences": _strs(exp.get("audiences")),
        "goals": _strs(exp.get("goals")),
        "status": exp.get("status"),
        "global_js": exp.get("global_js") or "",
        "global_css": exp.get("global_css") or "",
        "type": exp.get("type"),
        "version": exp.get("version", 1),
        "variations": [
            {
                "id": str(v["id"]),
                "name": v.get("name"),
                "key": v.get("key"),
                # Percent in the store; hundredths of a percent on the serving API.
                "traffic_allocation": round(float(v.get("traffic_distribution") or 0) * 100),
                "status": "running" if v.get("status", "running") == "running" else "stopped",
                "changes": [
                    {
                        "id": c.get("id"),
                        "type": c.get("type"),
                        "data": c.get("data") if isinstance(c.get("data"), dict) else {},
                    }
                    for c in v.get("changes") or []
                    if isinstance(c, dict)
                ],
            }
            for v in variations
        ],
        "integrations": exp.get("integrations") or [],
        "environments": _environments(exp),
        "environment": exp.get("environment"),
        "settings": {
            "min_order_value": settings.get("min_order_value", 0),
            "max_order_value": settings.get("max_order_value", 0),
            "outliers": {},
            "matching_options": {"audiences": "any", "locations": "any"},
        },
    }


def _config_entry(obj: Obj, *names: str, **derived: Any) -> Obj:
    """One config entry: the id as a string, the fields ``names`` as stored, then ``derived``."""
    return {"id": str(obj["id"]), **{name: obj.get(name) for name in names}, **derived}


def _goal(goal: Obj) -> Obj:
    rules = goal.get("triggering_rule") or goal.get("rules")
    return _config_entry(goal, "name", "key", "type", "settings", rules=rules)


def _feature(feature: Obj) -> Obj:
    variables = [
        {"key": v.get("key"), "type": v.get("type")}
        for v in feature.get("variables") or []
        if isinstance(v, dict)
    ]
    return _config_entry(feature, "name", "key", variables=variables)


# -- tracking payload validation -----------------------------------------------------------------
# The documented ``SendTrackingEventsRequestData`` as a msgspec schema: decoding a batch checks it
# in one C pass, and the first problem comes back with its JSON path. Unknown fields are allowed,
# as the service allows them; the recorded batch is the body as sent, decoded separately.

_Id = Annotated[str, msgspec.Meta(min_length=1)]
_GoalDataKey = Literal[
    "amount",
    "productsCount",
    "transactionId",
    "customDimension1",
    "customDimension2",
    "customDimension3",
    "customDimension4",
    "customDimension5",
]


class _Wire(msgspec.Struct, rename="camel"):
    """Base of the tracking wire schema (camelCase names)."""


class _WireSegments(_Wire):
    browser: Literal["IE", "CH", "FF", "OP", "SF", "OTH"] | None = None
    devices: (
        list[Literal["ALLPH", "IPH", "OTHPH", "ALLTAB", "IPAD", "OTHTAB", "DESK", "OTHDEV"]] | None
    ) = None
    source: Literal["campaign", "search", "referral", "direct", "ai_tool"] | None = None
    campaign: str | None = None
    visitor_type: Literal["new", "returning"] | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Za-z]{2}$")] | None = None
    custom_segments: list[str] | None = None


class _WireGoalData(_Wire):
    key: _GoalDataKey
    value: int | float | str | list[str]


class _WireBucketingData(_Wire):
    experience_id: _Id
    variation_id: _Id


class _WireConversionData(_Wire):
    goal_id: _Id
    goal_data: list[_WireGoalData] | None = None
    bucketing_data: dict[_Id, _Id] | None = None


class _WireBucketing(_Wire, tag_field="eventType", tag="bucketing"):
    data: _WireBucketingData


class _WireConversion(_Wire, tag_field="eventType", tag="conversion"):
    data: _WireConversionData


class _WireVisitor(_Wire):
    visitor_id: _Id
    events: Annotated[list[_WireBucketing | _WireConversion], msgspec.Meta(min_length=1)]
    segments: _WireSegments | None = None


class _WirePayload(_Wire):
    account_id: _Id
    project_id: _Id
    visitors: Annotated[list[_WireVisitor], msgspec.Meta(min_length=1)]
    enrich_data: bool | None = None
    source: str | None = None


_PAYLOAD_DECODER = msgspec.json.Decoder(_WirePayload)
_MISSING_FIELD = re.compile(r"missing required field `(\w+)`")


def _validate_payload(raw_body: bytes, account_id: int, project_id: int) -> int:
    """The number of events in a valid batch; a 400 :class:`_ServingError` naming the first
    field an invalid one gets wrong."""
    try:
        payload = _PAYLOAD_DECODER.decode(raw_body)
    except msgspec.ValidationError as err:
        # msgspec says "<problem> - at `$.visitors[0].visitorId`" (no " - at" for the root).
        message, _, where = str(err).partition(" - at `$")
        path = where.rstrip("`").lstrip(".")
        if missing := _MISSING_FIELD.search(message):
            path = f"{path}.{missing.group(1)}".lstrip(".")
        path = path or "body"
        raise _ServingError(400, f"{path}: {message}", [path]) from None
    except msgspec.DecodeError:
        raise _ServingError(400, "Body is not valid JSON", ["body"]) from None
    for name, value, expected in (
        ("accountId", payload.account_id, account_id),
        ("projectId", payload.project_id, project_id),
    ):
        if value != str(expected):
            raise _ServingError(400, f"{name} does not match the project addressed", [name])
    return sum(len(visitor.events) for visitor in payload.visitors)
