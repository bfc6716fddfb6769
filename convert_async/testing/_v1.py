"""``FakeConvertV1``: an in-process fake of the deprecated Convert REST API v1.

It serves the 25 operations of its own copy of the v1 catalog over the same kind of data as
:class:`~convert_async.testing.FakeConvert` (pass ``store=fake_convert.store`` to share it):
v1 views of the main account's projects, experiences, goals, hypotheses and audiences, with
string ids, bare JSON replies, and lists paged by ``page`` / ``results_per_page`` in the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, ClassVar

from aiohttp import web

from ._base import CatalogFake, FakeAPIError, FakeCall, verify_convert_hmac
from ._store import FakeStore

__all__ = ["FakeConvertV1"]

Obj = dict[str, Any]

# (v1 field, store field) pairs per collection; other v1 fields are stored under their v1 name.
_RENAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "projects": (),
    "experiences": (
        ("experience_description", "description"),
        ("experience_type", "type"),
        ("experience_status", "status"),
    ),
    "goals": (("goal_name", "name"), ("goal_type", "type")),
    "hypotheses": (),
    "audiences": (("audience_name", "name"), ("audience_type", "type"), ("firing_rule", "rules")),
}
_ID_FIELD = {"goals": "goal_id", "audiences": "audience_id"}
_V1_FIELDS: dict[str, tuple[str, ...]] = {
    "projects": (
        "name",
        "status",
        "tracking_snippet",
        "created_at",
        "reporting_settings",
        "include_jquery",
        "allow_crossdomain_tracking",
        "data_anonymization",
        "websites",
        "global_javascript",
    ),
    "experiences": (
        "name",
        "start_time",
        "end_time",
        "global_js",
        "editor_url",
        "keep_winner",
        "stop_looser",
        "minrun",
        "maxrun",
        "minordv",
        "maxordv",
        "minconv",
        "minvis",
        "maxvis",
        "confidence",
        "site_area",
    ),
    "goals": ("description", "triggering_rule", "dom_interaction"),
    "hypotheses": (
        "name",
        "objective",
        "prioritization_score",
        "prioritization_score_type",
        "prioritization_score_attributes",
        "status",
        "start_date",
        "end_date",
        "tags",
        "summary",
        "created_at",
    ),
    "audiences": ("description",),
}


def _stored_variation(item: Any) -> Obj:
    """One item of a v1 ``variations[]`` (``{"variation": {...}, "percentage"}``) as stored;
    a flat item (the variation's own fields) is refused, as the v1 reference nests it."""
    if not isinstance(item, dict) or not isinstance(item.get("variation"), dict):
        raise FakeAPIError(
            400,
            "Invalid request",
            {"variations": 'each item is {"variation": {...}, "percentage": ...}'},
        )
    variation = {k: v for k, v in item["variation"].items() if k != "percentage"}
    share = item.get("percentage", item["variation"].get("percentage"))
    return {**variation, "traffic_distribution": share}


class FakeConvertV1(CatalogFake):
    """A fake Convert REST API v1 on 127.0.0.1, checking HMAC request signing.

    ``async with FakeConvertV1() as fake:`` then point a
    :class:`~convert_async.v1.ConvertV1Client` at ``fake.url`` with
    ``HmacAuth(fake.APPLICATION_ID, fake.APPLICATION_SECRET)``. ``store`` shares data with a
    :class:`~convert_async.testing.FakeConvert` (its main account is the v1 account);
    :attr:`faults` injects failures and :attr:`requests` records every request.
    """

    CATALOG: ClassVar[str] = "convert-v1-operations.json"
    APPLICATION_ID: ClassVar[str] = "fake-app-id"
    APPLICATION_SECRET: ClassVar[str] = "fake-app-secret"  # noqa: S105 (public test credential)
    #: ``results_per_page`` when a list body does not say.
    DEFAULT_PAGE_SIZE: ClassVar[int] = 50

    def __init__(
        self,
        *,
        store: FakeStore | None = None,
        credentials: Mapping[str, str] | None = None,
        account_id: int = FakeStore.ACCOUNT_ID,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(seed=seed, host=host, port=port)
        self.store = store if store is not None else FakeStore(seed)
        self.account_id = account_id
        self.credentials: dict[str, str] = dict(
            credentials
            if credentials is not None
            else {self.APPLICATION_ID: self.APPLICATION_SECRET}
        )

    @property
    def url(self) -> str:
        """Base URL of the v1 API (every catalog path is relative to it)."""
        return self.base_url + "/api/v1"

    # -- hooks ------------------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes, operation: str) -> None:
        problem = verify_convert_hmac(request, body, self.credentials)
        if problem is not None:
            raise FakeAPIError(401, problem)

    def _error_payload(
        self, status: int, message: str, fields: Mapping[str, str] | None = None
    ) -> Any:
        payload: Obj = {"code": status, "message": message}
        if fields:
            payload["parameters"] = sorted(fields)
            payload["errors"] = [{"field": k, "message": v} for k, v in fields.items()]
        return payload

    # -- data access ------------------------------------------------------------------------

    def _project_id(self, call: FakeCall) -> int:
        raw = call.params["project_id"]
        if (
            not raw.isdigit()
            or self.store.get("projects", int(raw), account_id=self.account_id) is None
        ):
            raise FakeAPIError(404, "Project not found")
        return int(raw)

    def _scope(self, call: FakeCall) -> dict[str, int]:
        return {"account_id": self.account_id, "project_id": self._project_id(call)}

    def _find(self, collection: str, call: FakeCall, param: str) -> Obj:
        raw = call.params[param]
        found = self.store.get(collection, int(raw), **self._scope(call)) if raw.isdigit() else None
        if found is None:
            raise FakeAPIError(404, f"{collection[:-1].capitalize()} not found")
        return found

    @staticmethod
    def _view(collection: str, obj: Obj, account_id: int) -> Obj:
        view: Obj = {_ID_FIELD.get(collection, "id"): str(obj["id"])}
        for v1_name, store_name in _RENAMES[collection]:
            if store_name in obj:
                view[v1_name] = obj[store_name]
        for name in _V1_FIELDS[collection]:
            if name in obj:
                view[name] = obj[name]
        if collection == "projects":
            view["account_id"] = str(account_id)
        elif collection == "hypotheses":
            view["id"] = obj["id"]
            view["project_id"] = obj.get("project")
        elif collection == "experiences":
            view["goals"] = [{"goal_id": str(g)} for g in obj.get("goals") or []]
            view["audiences"] = [{"audience_id": str(a)} for a in obj.get("audiences") or []]
            # Nested as the v1 reference gives it: {"variation": {...}, "percentage"}.
            view["variations"] = [
                {
                    "variation": {
                        "id": str(v["id"]),
                        "name": v.get("name"),
                        "url": v.get("url"),
                        "percentage": v.get("traffic_distribution"),
                        **{k: v[k] for k in ("js", "customjs", "css") if k in v},
                    },
                    "percentage": v.get("traffic_distribution"),
                }
                for v in obj.get("variations") or []
            ]
        return view

    @staticmethod
    def _stored_fields(collection: str, body: Obj) -> Obj:
        renames = dict(_RENAMES[collection])
        skip = {"id", _ID_FIELD.get(collection, "id"), "account_id", "goals", "audiences"}
        skip |= {"variations"}
        return {renames.get(k, k): v for k, v in body.items() if k not in skip}

    def _list(self, collection: str, call: FakeCall, items: list[Obj]) -> list[Obj]:
        body = call.fields()
        page = body.get("page", 1)
        size = body.get("results_per_page", self.DEFAULT_PAGE_SIZE)
        if not isinstance(page, int) or page < 1:
            raise FakeAPIError(400, "Invalid page", {"page": "must be an integer >= 1"})
        if not isinstance(size, int) or size < 1:
            raise FakeAPIError(
                400, "Invalid results_per_page", {"results_per_page": "must be >= 1"}
            )
        search = body.get("search")
        if isinstance(search, str) and search:
            items = [o for o in items if search.lower() in str(o.get("name", "")).lower()]
        items = sorted(items, key=lambda o: int(o["id"]))
        start = (page - 1) * size
        return [self._view(collection, o, self.account_id) for o in items[start : start + size]]

    def _create(self, collection: str, call: FakeCall) -> Obj:
        obj = self.store.add(
            collection, self._stored_fields(collection, call.fields()), **self._scope(call)
        )
        return self._view(collection, obj, self.account_id)

    def _update(self, collection: str, call: FakeCall, param: str) -> Obj:
        obj = self._find(collection, call, param)
        obj.update(self._stored_fields(collection, call.fields()))
        return self._view(collection, obj, self.account_id)

    # -- projects ---------------------------------------------------------------------------

    def _op_list_projects(self, call: FakeCall) -> Any:
        return self._list(
            "projects", call, self.store.items("projects", account_id=self.account_id)
        )

    def _op_get_project(self, call: FakeCall) -> Any:
        obj = self.store.get("projects", self._project_id(call), account_id=self.account_id)
        assert obj is not None
        return self._view("projects", obj, self.account_id)

    def _op_create_project(self, call: FakeCall) -> Any:
        fields = self._stored_fields("projects", call.fields())
        obj = self.store.add("projects", fields, account_id=self.account_id)
        obj.setdefault("tracking_snippet", f"//cdn.convertexperiments.com/js/{obj['id']}.js")
        return self._view("projects", obj, self.account_id)

    def _op_update_project(self, call: FakeCall) -> Any:
        obj = self.store.get("projects", self._project_id(call), account_id=self.account_id)
        assert obj is not None
        obj.update(self._stored_fields("projects", call.fields()))
        return self._view("projects", obj, self.account_id)

    # -- experiences and variations ---------------------------------------------------------

    def _op_list_experiences(self, call: FakeCall) -> Any:
        body = call.fields()
        items = self.store.items("experiences", **self._scope(call))
        if body.get("experience_status"):
            items = [o for o in items if o.get("status") in body["experience_status"]]
        if body.get("experience_types"):
            items = [o for o in items if o.get("type") in body["experience_types"]]
        return self._list("experiences", call, items)

    def _op_get_experience(self, call: FakeCall) -> Any:
        return self._view(
            "experiences", self._find("experiences", call, "experience_id"), self.account_id
        )

    def _op_create_experience(self, call: FakeCall) -> Any:
        fields = self._stored_fields("experiences", call.fields())
        variations = call.fields().get("variations")
        if isinstance(variations, list) and variations:
            fields["variations"] = [_stored_variation(item) for item in variations]
        obj = self.store.add("experiences", fields, **self._scope(call))
        return self._view("experiences", obj, self.account_id)

    def _op_update_experience(self, call: FakeCall) -> Any:
        return self._update("experiences", call, "experience_id")

    def _op_add_variation(self, call: FakeCall) -> Any:
        experience = self._find("experiences", call, "experience_id")
        fields = {k: v for k, v in call.fields().items() if k != "id"}
        if "percentage" in fields:
            fields["traffic_distribution"] = fields.pop("percentage")
        variation = self.store.new_variations([fields])[0]
        variation["is_baseline"] = False
        experience.setdefault("variations", []).append(variation)
        return self._view("experiences", experience, self.account_id)

    def _op_delete_variation(self, call: FakeCall) -> Any:
        experience = self._find("experiences", call, "experience_id")
        wanted = call.params["variation_id"]
        variations = experience.get("variations") or []
        match = next((v for v in variations if str(v["id"]) == wanted), None)
        if match is None:
            raise FakeAPIError(404, "Variation not found")
        variations.remove(match)
        return self._view("experiences", experience, self.account_id)

    # -- goals, hypotheses, audiences -------------------------------------------------------

    def _op_list_goals(self, call: FakeCall) -> Any:
        return self._list("goals", call, self.store.items("goals", **self._scope(call)))

    def _op_get_goal(self, call: FakeCall) -> Any:
        return self._view("goals", self._find("goals", call, "goal_id"), self.account_id)

    def _op_create_goal(self, call: FakeCall) -> Any:
        return self._create("goals", call)

    def _op_update_goal(self, call: FakeCall) -> Any:
        return self._update("goals", call, "goal_id")

    def _op_list_hypotheses(self, call: FakeCall) -> Any:
        body = call.fields()
        items = self.store.items("hypotheses", **self._scope(call))
        if body.get("status"):
            items = [o for o in items if o.get("status") in body["status"]]
        return self._list("hypotheses", call, items)

    def _op_get_hypothesis(self, call: FakeCall) -> Any:
        obj = self._find("hypotheses", call, "hypothesis_id")
        return self._view("hypotheses", obj, self.account_id)

    def _op_create_hypothesis(self, call: FakeCall) -> Any:
        return self._create("hypotheses", call)

    def _op_update_hypothesis(self, call: FakeCall) -> Any:
        return self._update("hypotheses", call, "hypothesis_id")

    def _op_update_hypothesis_status(self, call: FakeCall) -> Any:
        return self._update("hypotheses", call, "hypothesis_id")

    def _op_list_audiences(self, call: FakeCall) -> Any:
        return self._list("audiences", call, self.store.items("audiences", **self._scope(call)))

    def _op_get_audience(self, call: FakeCall) -> Any:
        return self._view(
            "audiences", self._find("audiences", call, "audience_id"), self.account_id
        )

    def _op_create_audience(self, call: FakeCall) -> Any:
        return self._create("audiences", call)

    def _op_update_audience(self, call: FakeCall) -> Any:
        return self._update("audiences", call, "audience_id")

    # -- reports ----------------------------------------------------------------------------

    def _report(self, call: FakeCall, goal_ids: list[str]) -> Obj:
        experience = self._find("experiences", call, "experience_id")
        rows = []
        for variation in experience.get("variations") or []:
            for goal_id in goal_ids:
                digest = hashlib.sha256(f"{variation['id']}:{goal_id}".encode()).digest()
                visitors = 500 + int.from_bytes(digest[:2], "big") % 1500
                conversions = visitors * (5 + digest[2] % 20) // 100
                rows.append(
                    {
                        "variation_id": str(variation["id"]),
                        "goal_id": goal_id,
                        "visitors": visitors,
                        "conversions": conversions,
                        "conversion_rate": round(conversions / visitors * 100, 2),
                    }
                )
        body = call.fields()
        return {
            "experience_id": str(experience["id"]),
            "start_timestamp": body.get("start_timestamp"),
            "end_timestamp": body.get("end_timestamp"),
            "rows": rows,
        }

    def _op_get_goal_report(self, call: FakeCall) -> Any:
        return self._report(call, [call.params["goal_id"]])

    def _op_get_experience_report(self, call: FakeCall) -> Any:
        experience = self._find("experiences", call, "experience_id")
        return self._report(call, [str(g) for g in experience.get("goals") or []])
