"""Behaviours many operations share: resolving path parameters, and list / read / create /
update / delete / bulk / clone on a store collection.

Each behaviour is a factory returning a handler ``(fake, call) -> reply``; the per-operation
table in :mod:`._table` picks one for every spec operation that needs nothing of its own.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._store import Obj
from ._call import ApiError, Call, bulk, entity, items

if TYPE_CHECKING:
    from . import FakeConvert

__all__ = [
    "Handler",
    "bulk_delete",
    "bulk_update",
    "clone",
    "create",
    "delete",
    "listing",
    "read",
    "resolve_path",
    "update",
]

Handler = Callable[["FakeConvert", Call], Any]

# Path parameter -> the store collection its value names. Account-scoped collections are looked
# up in the account, project-scoped ones in the project; the rest are global.
_TOP_LEVEL = {"account_id": "accounts", "client_id": "oauth-clients"}
_IN_ACCOUNT = {"project_id": "projects", "key_id": "api-keys"}
_IN_PROJECT = {
    "experience_id": "experiences",
    "experience_key": "experiences",
    "goal_id": "goals",
    "goal_key": "goals",
    "feature_id": "features",
    "feature_key": "features",
    "location_id": "locations",
    "audience_id": "audiences",
    "hypothesis_id": "hypotheses",
    "knowledge_base_id": "knowledge-bases",
    "observation_id": "observations",
    "tag_id": "tags",
    "domain_id": "domains",
    "sdk_key": "sdk-keys",
    "signal_session_id": "signal-sessions",
    "visitor_id": "visitors-data",
    "placeholder_id": "placeholders",
    "image_key": "images",
    "file_key": "files",
    "heatmap_id": "heatmaps",
}
# Parameters naming an object inside another one: (parent parameter, list field on the parent).
_NESTED = {
    "variation_id": ("experience_id", "variations"),
    "section_id": ("experience_id", "sections"),
    "version_id": ("section_id", "versions"),
}
_SINGULAR = {
    "accounts": "Account",
    "projects": "Project",
    "experiences": "Experience",
    "hypotheses": "Hypothesis",
    "knowledge-bases": "Knowledge base",
    "sdk-keys": "SDK key",
    "api-keys": "API key",
    "signal-sessions": "Signal session",
    "visitors-data": "Visitor data item",
    "oauth-clients": "OAuth client",
    "users-accesses": "Collaborator",
}


def singular(collection: str) -> str:
    """Display name of one object of ``collection`` (for messages)."""
    if collection in _SINGULAR:
        return _SINGULAR[collection]
    word = collection[:-1] if collection.endswith("s") else collection
    return word.replace("-", " ").capitalize()


def scope_for(collection: str, call: Call) -> dict[str, int]:
    """The store scope ``collection`` lives in for this request."""
    if collection in _TOP_LEVEL.values() or collection in ("user-sessions", "access-roles"):
        return {}
    if collection in _IN_ACCOUNT.values() or collection == "users-accesses":
        return {"account_id": call.scope["account_id"]}
    return dict(call.scope)


def resolve_path(fake: FakeConvert, call: Call) -> None:
    """Resolve every path parameter to its stored object, left to right (404 when missing)."""
    for name, value in call.params.items():
        if name in _NESTED:
            parent_param, field = _NESTED[name]
            parent = call.obj(parent_param)
            found = _find(_nested_list(parent, field), value)
            what = field[:-1].capitalize()
        elif name == "change_id":
            experience = call.obj("experience_id")
            changes = [c for v in _nested_list(experience, "variations") for c in v["changes"]]
            found, what = _find(changes, value), "Change"
        else:
            collection = {**_TOP_LEVEL, **_IN_ACCOUNT, **_IN_PROJECT}[name]
            found = fake.store.get(collection, value, **scope_for(collection, call))
            what = singular(collection)
            owner = call.objects.get("experience_id")
            if found is not None and owner is not None and "experience_id" in found:
                found = found if found["experience_id"] == owner["id"] else None
        if found is None:
            raise ApiError(404, f"{what} not found")
        call.objects[name] = found
        if name in ("account_id", "project_id"):
            call.scope[name] = int(found["id"])


def _nested_list(parent: Obj, field: str) -> list[Obj]:
    value = parent.get(field)
    return [o for o in value if isinstance(o, dict)] if isinstance(value, list) else []


def _find(objects: Sequence[Obj], ident: str) -> Obj | None:
    return next((o for o in objects if ident in (str(o.get("id")), o.get("key"))), None)


# -- lists --------------------------------------------------------------------------------------

# Body fields that page or order a list, or shape its items, rather than filter it.
_LIST_CONTROLS = frozenset(
    {
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
        "utc_offset",
        "start_time",
        "end_time",
    }
)
# A filter whose name differs from the field it filters on.
_FILTER_FIELDS = {
    "projects": "project",
    "objects": "object",
    "methods": "method",
    "event_types": "event_type",
}
#: ``results_per_page`` when a list request does not say.
DEFAULT_PAGE_SIZE = 30


# Body fields that only page a list: such a request can reuse the previous request's order.
_PAGE_ONLY = frozenset({"page", "results_per_page", "onlyCount", "sort_direction"})


def listing(collection: str) -> Handler:
    """List ``collection``: filtered by the body's list-valued fields (``status``, ``tags``,
    ...), ``search`` and ``only`` / ``except``; sorted by ``sort_by`` / ``sort_direction``;
    paged by ``page`` / ``results_per_page``; ``onlyCount`` answers the pagination alone. A
    list whose body has no paging fields is answered whole."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        scope = scope_for(collection, call)
        body = call.fields()
        if not _PAGE_ONLY.issuperset(body) or _default(fake, call, "sort_by") not in (None, "id"):
            return page_of(fake, call, fake.store.items(collection, **scope))
        # Paging through a long id-ordered list (the bulk case) reuses the order computed for
        # the previous page while the collection's membership is unchanged.
        slot = (collection, tuple(sorted(scope.items())))
        version = fake.store.membership(collection, **scope)
        cached = fake.list_orders.get(slot)
        if cached is None or cached[0] != version:
            ordered = sorted_objects(fake.store.items(collection, **scope), "id", descending=False)
            cached = fake.list_orders[slot] = (version, ordered)
        descending = (
            body.get("sort_direction") or _default(fake, call, "sort_direction")
        ) == "desc"
        return page_of(fake, call, cached[1][::-1] if descending else cached[1], ordered=True)

    return handler


def _default(fake: FakeConvert, call: Call, name: str) -> Any:
    """The default the spec documents for body field ``name`` (None: none)."""
    if call.op.body is None:
        return None
    declared = fake.spec.resolve(call.op.body).properties.get(name)
    return None if declared is None else declared.default


def page_of(
    fake: FakeConvert,
    call: Call,
    found: list[Obj],
    *,
    default_sort: str = "id",
    ordered: bool = False,
) -> Any:
    """``found`` filtered, sorted and paged as the request asks (see :func:`listing`);
    ``ordered``: ``found`` is already the list to page."""
    body = call.fields()
    body_schema = fake.spec.resolve(call.op.body) if call.op.body is not None else None
    declared = body_schema.properties if body_schema is not None else {}

    def given(name: str, fallback: Any) -> Any:
        # The body's value, else the default the spec documents for the field.
        if body.get(name) is not None:
            return body[name]
        default = declared[name].default if name in declared else None
        return fallback if default is None else default

    if not ordered:
        found = filtered(found, body)
        order = str(given("sort_by", default_sort))
        found = sorted_objects(found, order, descending=given("sort_direction", "asc") == "desc")
    if "page" not in declared:
        return items([fake.expanded(call, o) for o in found])
    per_page = int(given("results_per_page", DEFAULT_PAGE_SIZE))
    page = int(body.get("page") or 1)
    pagination = {
        "current_page": page,
        "items_count": len(found),
        "items_per_page": per_page,
        "pages_count": math.ceil(len(found) / per_page) if per_page > 0 else 0,
    }
    if body.get("onlyCount") is True:
        return {"extra": {"pagination": pagination}}
    start = (page - 1) * per_page
    return items([fake.expanded(call, o) for o in found[start : start + per_page]], pagination)


def filtered(found: list[Obj], body: Mapping[str, Any]) -> list[Obj]:
    """Objects matching the list body's ``search``, ``only`` / ``except`` and every other
    list-valued field (an object matches when its same-named field is, or overlaps, one of the
    values; objects without that field are not filtered out)."""
    search = body.get("search")
    if isinstance(search, str) and search:
        needle = search.casefold()
        found = [
            o for o in found if needle in str(o.get("name", o.get("placeholder", ""))).casefold()
        ]
    only, excluded = body.get("only"), body.get("except")
    if isinstance(only, list):
        found = [o for o in found if o.get("id") in only]
    if isinstance(excluded, list):
        found = [o for o in found if o.get("id") not in excluded]
    for name, wanted in body.items():
        if name in _LIST_CONTROLS or not isinstance(wanted, list) or not wanted:
            continue
        field = _FILTER_FIELDS.get(name, name)
        found = [o for o in found if _field_matches(o, field, wanted)]
    return found


def _field_matches(obj: Obj, name: str, wanted: Sequence[Any]) -> bool:
    if name not in obj:
        return True
    value = obj[name]
    if isinstance(value, list):
        return any(v in wanted for v in value)
    return value in wanted


def sorted_objects(found: list[Obj], name: str, *, descending: bool) -> list[Obj]:
    """Order by ``name`` with the id as tie-breaker, so pages never overlap or skip objects."""
    if name == "id":
        # Fast path for the default order (10,000-item lists get paged in a loop): objects are
        # stored in creation order, which is ascending id, so usually no sort is needed.
        with contextlib.suppress(KeyError, TypeError):
            ids = list(map(operator.itemgetter("id"), found))
            if not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
                return sorted(found, key=operator.itemgetter("id"), reverse=descending)
            return found[::-1] if descending else found

    def rank(value: Any) -> tuple[int, Any]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return (0, value)
        if value is None:
            return (2, "")
        return (1, str(value).casefold())

    return sorted(found, key=lambda o: (rank(o.get(name)), rank(o.get("id"))), reverse=descending)


# -- single objects -----------------------------------------------------------------------------


def read() -> Handler:
    """The object the path names."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        return entity(fake.spec, call.op, fake.expanded(call, call.item()))

    return handler


def writable_fields(fake: FakeConvert, call: Call) -> Obj:
    """The body's fields a client may set (read-only ones are the server's to fill)."""
    body = call.fields()
    if call.op.body is None:
        return body
    schema = fake.spec.resolve(call.op.body)
    read_only = {name for name, prop in schema.properties.items() if prop.read_only}
    return {k: copy.deepcopy(v) for k, v in body.items() if k not in read_only | {"id"}}


def create(collection: str) -> Handler:
    """Add an object built from the body to ``collection``."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        scope = scope_for(collection, call)
        obj = fake.store.add(collection, writable_fields(fake, call), **scope)
        fake.stamp(obj, created=True)
        return entity(fake.spec, call.op, obj, f"{singular(collection)} created")

    return handler


def update() -> Handler:
    """Change the object the path names with the body's fields."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        obj = call.item()
        obj.update(writable_fields(fake, call))
        fake.stamp(obj)
        return entity(fake.spec, call.op, fake.expanded(call, obj), "Updated")

    return handler


def delete(collection: str) -> Handler:
    """Remove the object the path names; the reply is a message or (where the spec says so)
    the removed object."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        obj = call.item()
        fake.store.remove(collection, obj, **scope_for(collection, call))
        return entity(fake.spec, call.op, obj, f"{singular(collection)} deleted")

    return handler


def clone(collection: str) -> Handler:
    """Copy the object the path names (a fresh id and key; the body may rename it)."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        source = call.item()
        fields = {k: copy.deepcopy(v) for k, v in source.items() if k != "id"}
        fields["name"] = call.fields().get("name") or f"{source.get('name', '')} (copy)"
        if fields.get("key"):
            fields["key"] = ""  # regenerated from the new name and id
        if collection == "experiences":
            fields.update(status="draft", start_time=None, end_time=None, version=1)
            fields["variations"] = [without_ids(v) for v in source.get("variations") or []]
        obj = fake.store.add(collection, fields, **scope_for(collection, call))
        fake.stamp(obj, created=True)
        return entity(fake.spec, call.op, fake.expanded(call, obj), "Cloned")

    return handler


def without_ids(variation: Obj) -> Obj:
    """A copy of ``variation`` (and its changes) that gets fresh ids when stored."""
    copied = {k: v for k, v in copy.deepcopy(variation).items() if k != "id"}
    if isinstance(copied.get("changes"), list):
        copied["changes"] = [
            {k: v for k, v in c.items() if k != "id"} if isinstance(c, dict) else c
            for c in copied["changes"]
        ]
    return copied


# -- bulk ---------------------------------------------------------------------------------------


def _bulk(collection: str, act: Callable[[FakeConvert, Call, Obj], None], verb: str) -> Handler:
    def handler(fake: FakeConvert, call: Call) -> Any:
        scope = scope_for(collection, call)
        errors: list[Obj] = []
        done = 0
        for ident in call.fields().get("id") or []:
            obj = fake.store.get(collection, ident, **scope)
            if obj is None:
                errors.append({"id": ident, "message": f"{singular(collection)} not found"})
                continue
            act(fake, call, obj)
            done += 1
        return bulk(f"{done} {collection} {verb}", errors)

    return handler


def bulk_update(collection: str) -> Handler:
    """Apply the body's fields (all but ``id``) to every object ``id`` lists."""

    def act(fake: FakeConvert, call: Call, obj: Obj) -> None:
        obj.update({k: v for k, v in call.fields().items() if k != "id"})
        fake.stamp(obj)

    return _bulk(collection, act, "updated")


def bulk_delete(collection: str) -> Handler:
    """Remove every object ``id`` lists."""

    def act(fake: FakeConvert, call: Call, obj: Obj) -> None:
        fake.store.remove(collection, obj, **scope_for(collection, call))

    return _bulk(collection, act, "deleted")
