"""``FakeGiosg``: an in-process fake of the giosg Experiments API and its weekly results.

Experiments live in memory per organization; lists are cursor-paged with a small page size and
full ``next`` URLs; create answers 201 and delete 204; the seed's rules (required fields when
not a draft, percentages adding up to 100, enums, read-only fields once started, no update after
the end) are enforced with DRF-style error bodies. The Reporting API lives under
``/api/reporting/v3`` on the same server (:attr:`FakeGiosg.reporting_url`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from aiohttp import web

from ._base import CatalogFake, FakeAPIError, FakeCall, Reply

__all__ = ["FakeGiosg"]

Obj = dict[str, Any]
_GROUP_TYPES = ("control", "user_defined", "target_algorithm", "target_random", None)
_INTERVALS = ("full", "1w", "1d")
_READ_ONLY_WHEN_STARTED = ("goal_id", "room_ids", "starts_at", "group_reset_interval")


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def _parse_time(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise FakeAPIError(400, "Invalid request", {name: "Datetime has wrong format."})
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FakeAPIError(400, "Invalid request", {name: "Datetime has wrong format."}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


#: Operations on giosg's Reporting API, which takes API tokens only.
_REPORTING_OPERATIONS = frozenset({"get_experiment_weekly_results"})


class FakeGiosg(CatalogFake):
    """A fake giosg API on 127.0.0.1.

    ``async with FakeGiosg() as fake:`` then use
    ``GiosgClient(token=fake.TOKEN, base_url=fake.url, reporting_base_url=fake.reporting_url)``
    (``GiosgBearerAuth(fake.BEARER_TOKEN)`` for the OAuth scheme). The organization
    :attr:`ORGANIZATION_ID` starts with ``seed_experiments`` experiments; :attr:`page_size`
    items per list page; :attr:`faults` and :attr:`requests` as in the other fakes.
    """

    CATALOG: ClassVar[str] = "giosg-experiments-operations.json"
    ORGANIZATION_ID: ClassVar[str] = "aabefa3e-1c8e-4690-99e4-2683c77d4ff0"
    TOKEN: ClassVar[str] = "fake-giosg-api-token"  # noqa: S105 (public test credential)
    BEARER_TOKEN: ClassVar[str] = "fake-giosg-oauth-token"  # noqa: S105 (public test credential)
    USER_ID: ClassVar[str] = "97abf1ee-6308-11e7-9d09-00163ec04961"
    GOAL_ID: ClassVar[str] = "0a534844-869a-11e9-8dcc-27f1dd2d9764"

    def __init__(
        self,
        *,
        page_size: int = 3,
        seed_experiments: int = 7,
        tokens: set[str] | None = None,
        bearer_tokens: set[str] | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(seed=seed, host=host, port=port)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self.page_size = page_size
        self.tokens = set(tokens) if tokens is not None else {self.TOKEN}
        self.bearer_tokens = (
            set(bearer_tokens) if bearer_tokens is not None else {self.BEARER_TOKEN}
        )
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._rng = random.Random(seed)
        #: Experiments by organization id, then by experiment id (insertion order is list order).
        self.experiments: dict[str, dict[str, Obj]] = {self.ORGANIZATION_ID: {}}
        for index in range(seed_experiments):
            self._seed_experiment(index)

    @property
    def url(self) -> str:
        """Base URL of the Experiments API (``/api/v5``)."""
        return self.base_url + "/api/v5"

    @property
    def reporting_url(self) -> str:
        """Base URL of the Reporting API (``/api/reporting/v3``)."""
        return self.base_url + "/api/reporting/v3"

    def new_id(self) -> str:
        """A fresh lower-case UUID (deterministic for a given seed)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    # -- hooks ------------------------------------------------------------------------------

    def _authenticate(self, request: web.BaseRequest, body: bytes, operation: str) -> None:
        scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
        if scheme == "Bearer" and operation in _REPORTING_OPERATIONS:
            # giosg's reporting docs: "You need to authenticate using API tokens when using
            # reporting APIs" (Authorization: Token <api_key>).
            raise FakeAPIError(
                401, "The Reporting API needs an API token (Authorization: Token <api_key>)."
            )
        valid = (
            self.tokens
            if scheme == "Token"
            else self.bearer_tokens
            if scheme == "Bearer"
            else set()
        )
        if not any(hmac.compare_digest(token.strip(), known) for known in valid):
            raise FakeAPIError(401, "Authentication credentials were not provided or are invalid.")

    def _error_payload(
        self, status: int, message: str, fields: Mapping[str, str] | None = None
    ) -> Any:
        if fields:
            return {name: [text] for name, text in fields.items()}
        return {"detail": message}

    # -- data -------------------------------------------------------------------------------

    def _user(self) -> Obj:
        return {
            "id": self.USER_ID,
            "first_name": "John",
            "last_name": "Doe",
            "full_name": "John Doe",
            "organization_id": self.ORGANIZATION_ID,
            "is_bot": False,
        }

    def _seed_experiment(self, index: int) -> None:
        now = self.clock()
        starts = now + dt.timedelta(days=index - 3)
        fields: Obj = {
            "is_draft": index % 4 == 3,
            "name": f"Experiment {index + 1}",
            "goal_id": self.GOAL_ID,
            "room_ids": [],
            "starts_at": _iso(starts),
            "ends_at": _iso(starts + dt.timedelta(days=14)),
            "group_reset_interval": "full",
            "groups": [
                {"name": "A", "percentage": 50, "group_type": "control", "treatment": {}},
                {"name": "B", "percentage": 50, "group_type": "user_defined", "treatment": {}},
            ],
        }
        self._store(self.ORGANIZATION_ID, fields)

    def _groups(self, given: list[Obj], existing: list[Obj] | None = None) -> list[Obj]:
        now = _iso(self.clock())
        groups = []
        for order, group in enumerate(given):
            previous = existing[order] if existing and order < len(existing) else None
            groups.append(
                {
                    "id": previous["id"] if previous else self.new_id(),
                    "created_at": previous["created_at"] if previous else now,
                    "updated_at": now,
                    "order": order,
                    "name": group.get("name"),
                    "percentage": group.get("percentage"),
                    "group_type": group.get("group_type"),
                    "treatment": group.get("treatment", {}),
                }
            )
        return groups

    def _store(self, organization_id: str, fields: Obj) -> Obj:
        now = _iso(self.clock())
        ident = self.new_id()
        experiment: Obj = {
            "id": ident,
            "is_draft": fields["is_draft"],
            "created_at": now,
            "created_by_user": self._user(),
            "created_by_user_id": self.USER_ID,
            "updated_at": now,
            "updated_by_user": self._user(),
            "updated_by_user_id": self.USER_ID,
            "organization_id": organization_id,
            "organization": {"id": organization_id, "name": "Company Inc."},
            "goal_id": fields.get("goal_id"),
            "goal": None,
            "groups": self._groups(list(fields.get("groups") or [])),
            "name": fields.get("name"),
            "starts_at": fields.get("starts_at"),
            "ends_at": fields.get("ends_at"),
            "group_reset_interval": fields.get("group_reset_interval", "full"),
            "rooms": [{"id": room} for room in fields.get("room_ids") or []],
            "room_ids": list(fields.get("room_ids") or []),
        }
        if experiment["goal_id"]:
            experiment["goal"] = {
                "id": experiment["goal_id"],
                "name": "Reached checkout page",
                "organization": experiment["organization"],
                "organization_id": organization_id,
            }
        self.experiments.setdefault(organization_id, {})[ident] = experiment
        return experiment

    def _organization(self, call: FakeCall) -> dict[str, Obj]:
        organization = self.experiments.get(call.params["organization_id"])
        if organization is None:
            raise FakeAPIError(403, "You do not have access to this organization.")
        return organization

    def _experiment(self, call: FakeCall) -> Obj:
        found = self._organization(call).get(call.params["experiment_id"])
        if found is None:
            raise FakeAPIError(404, "Not found.")
        return found

    def _check(self, body: Obj, *, creating: bool, existing: Obj | None = None) -> None:
        problems: dict[str, str] = {}
        started = existing is not None and self._started(existing)
        if not body.get("is_draft"):
            required = ["name", "groups"]
            if creating or not started:
                required += ["goal_id", "room_ids", "starts_at"]
            problems.update({n: "This field is required." for n in required if n not in body})
        groups = body.get("groups")
        if isinstance(groups, list):
            for index, group in enumerate(groups):
                if not isinstance(group, dict):
                    problems[f"groups[{index}]"] = "Must be an object."
                    continue
                for name in ("name", "percentage") + (("group_type",) if creating else ()):
                    if name not in group:
                        problems[f"groups[{index}].{name}"] = "This field is required."
                if group.get("group_type") not in _GROUP_TYPES:
                    problems[f"groups[{index}].group_type"] = "Not a valid choice."
                percentage = group.get("percentage")
                if "percentage" in group and (
                    not isinstance(percentage, int) or isinstance(percentage, bool)
                ):
                    problems[f"groups[{index}].percentage"] = "A valid integer is required."
            if groups and not problems:
                total = sum(int(g["percentage"]) for g in groups)
                if total != 100:
                    problems["groups"] = f"Group percentages must add up to 100, not {total}."
        if "group_reset_interval" in body and body["group_reset_interval"] not in _INTERVALS:
            problems["group_reset_interval"] = "Not a valid choice."
        times = {n: _parse_time(body[n], n) for n in ("starts_at", "ends_at") if body.get(n)}
        if "starts_at" in times and "ends_at" in times and times["ends_at"] <= times["starts_at"]:
            problems["ends_at"] = "Must be after starts_at."
        if problems:
            raise FakeAPIError(400, "Invalid request", problems)

    def _started(self, experiment: Obj) -> bool:
        starts = experiment.get("starts_at")
        return (
            not experiment.get("is_draft")
            and bool(starts)
            and _parse_time(starts, "starts_at") <= self.clock()
        )

    def _ended(self, experiment: Obj) -> bool:
        ends = experiment.get("ends_at")
        return bool(ends) and _parse_time(ends, "ends_at") <= self.clock()

    # -- handlers ---------------------------------------------------------------------------

    def _op_list_experiments(self, call: FakeCall) -> Any:
        experiments = list(self._organization(call).values())
        cursor = call.arg("cursor")
        offset = 0
        if cursor:
            try:
                offset = int(base64.urlsafe_b64decode(cursor.encode()).decode())
            except ValueError:
                raise FakeAPIError(400, "Invalid cursor") from None
        page = experiments[offset : offset + self.page_size]
        base = f"{self.url}/orgs/{call.params['organization_id']}/experiments"

        def link(to: int) -> str:
            token = base64.urlsafe_b64encode(str(to).encode()).decode()
            return f"{base}?cursor={token}"

        after = offset + self.page_size
        return {
            "next": link(after) if after < len(experiments) else None,
            "previous": link(max(0, offset - self.page_size)) if offset > 0 else None,
            "results": page,
        }

    def _op_get_experiment(self, call: FakeCall) -> Any:
        return self._experiment(call)

    def _op_create_experiment(self, call: FakeCall) -> Any:
        body = call.fields()
        self._organization(call)
        self._check(body, creating=True)
        return Reply(self._store(call.params["organization_id"], body), status=201)

    def _op_update_experiment(self, call: FakeCall) -> Any:
        experiment = self._experiment(call)
        body = call.fields()
        if self._ended(experiment) and not experiment.get("is_draft"):
            raise FakeAPIError(400, "Experiment has ended and cannot be updated.")
        if not experiment.get("is_draft") and body.get("is_draft"):
            raise FakeAPIError(400, "Invalid request", {"is_draft": "Cannot go back to draft."})
        self._check(body, creating=False, existing=experiment)
        started = self._started(experiment)
        for name in ("is_draft", "name", "goal_id", "room_ids", "starts_at", "ends_at"):
            if name in body and not (started and name in _READ_ONLY_WHEN_STARTED):
                experiment[name] = body[name]
        if "group_reset_interval" in body and not started:
            experiment["group_reset_interval"] = body["group_reset_interval"]
        if "groups" in body:
            groups = self._groups(body["groups"], experiment["groups"])
            if started:  # group type and treatment are read-only once started
                for group, before in zip(groups, experiment["groups"], strict=False):
                    group["group_type"] = before["group_type"]
                    group["treatment"] = before["treatment"]
            experiment["groups"] = groups
        experiment["rooms"] = [{"id": room} for room in experiment["room_ids"] or []]
        experiment["updated_at"] = _iso(self.clock())
        return experiment

    def _op_delete_experiment(self, call: FakeCall) -> Any:
        experiment = self._experiment(call)
        del self._organization(call)[experiment["id"]]
        return Reply(None, status=204)

    def _op_get_experiment_weekly_results(self, call: FakeCall) -> Any:
        experiment = self._experiment(call)
        body = call.fields()
        try:
            start = dt.date.fromisoformat(body["start_date"])
            end = dt.date.fromisoformat(body["end_date"])
        except (TypeError, ValueError):
            raise FakeAPIError(400, "Invalid request", {"start_date": "Invalid date."}) from None
        rows = []
        week = start - dt.timedelta(days=start.weekday())
        while week <= end:
            for combo in body.get("group_goal_rule_ids") or []:
                key = f"{experiment['id']}:{combo}:{week}".encode()
                digest = hashlib.sha256(key).digest()
                visitors = 100 + int.from_bytes(digest[:2], "big") % 900
                conversions = visitors * (2 + digest[2] % 15) // 100
                rows.append(
                    {
                        **combo,
                        "week": week.isoformat(),
                        "visitors": visitors,
                        "conversions": conversions,
                    }
                )
            week += dt.timedelta(days=7)
        return {"experiment_id": experiment["id"], "results": rows}
