"""Every operation of the Convert v2 catalog, called through the SDK against ``FakeConvert``.

The test is parametrized by the *catalog* (the packaged operation JSON), not by the SDK's own
table, so an operation the SDK lacks fails here. Each call is built from the catalog alone:
path parameters name objects that exist in the fake (created through the SDK first where the
fake seeds none), every required body field gets a valid sample, and the request the fake
recorded is checked against the catalog's method, path template and field names.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import re
import typing
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import quote

import msgspec
import pytest

from convert_async import AsyncPager, ConvertClient, HmacAuth, Page
from convert_async.testing import FakeConvert, FakeStore, RecordedRequest
from convert_async.v2 import OPERATIONS

pytestmark = pytest.mark.anyio

CATALOG: list[dict[str, Any]] = json.loads(
    resources.files("convert_async.testing")
    .joinpath("data/convert-v2-operations.json")
    .read_text(encoding="utf-8")
)
BASE_PATH = "/api/v2"

# Paging controls of list bodies: the pager sets them, they are never keyword arguments.
_PAGING = {"page", "results_per_page", "onlyCount"}
# Catalog names whose snake_case is not mechanical.
_KWARG_NAMES = {"referrerURLs": "referrer_urls", "openAI_Key": "open_ai_key"}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def kwarg_name(name: str) -> str:
    """The Python keyword argument for catalog field ``name`` (``firstName`` -> ``first_name``)."""
    if name in _KWARG_NAMES:
        return _KWARG_NAMES[name]
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return "except_" if snake == "except" else snake


def _fields(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list((entry.get("body") or {}).get("fields") or [])


def _is_multipart(entry: Mapping[str, Any]) -> bool:
    return str((entry.get("body") or {}).get("content_type")).startswith("multipart/")


# -- the world the calls run in -------------------------------------------------------------------


@dataclass
class World:
    """A fresh fake, a client pointed at it, and path parameter values of seeded objects."""

    fake: FakeConvert
    client: ConvertClient
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def scope(self) -> dict[str, int]:
        return {"account_id": self.params["account_id"], "project_id": self.params["project_id"]}

    def ids(self, collection: str) -> list[int]:
        return sorted(self.fake.store.collection(collection, **self.scope))


def seeded_params(store: FakeStore) -> dict[str, Any]:
    """Path parameter values naming seeded objects of the main account's first project."""
    account_id = FakeStore.ACCOUNT_ID
    project_id = min(store.collection("projects", account_id=account_id))
    scope = {"account_id": account_id, "project_id": project_id}

    def first(name: str) -> dict[str, Any]:
        objects = store.collection(name, **scope)
        return objects[min(objects)]

    experiences = store.collection("experiences", **scope)
    experience = next(
        experiences[i]
        for i in sorted(experiences)
        if experiences[i]["status"] != "draft" and experiences[i]["goals"]
    )
    variation = next(v for v in experience["variations"] if not v["is_baseline"])
    feature = first("features")
    goal = first("goals")
    api_key = next(iter(store.collection("api-keys", account_id=account_id).values()))
    sdk_key = next(iter(store.collection("sdk-keys", **scope).values()))
    return {
        "account_id": account_id,
        "project_id": project_id,
        "experience_id": experience["id"],
        "experience_key": experience["key"],
        "variation_id": variation["id"],
        "goal_id": goal["id"],
        "goal_key": goal["key"],
        "hypothesis_id": first("hypotheses")["id"],
        "knowledge_base_id": first("knowledge-bases")["id"],
        "observation_id": first("observations")["id"],
        "location_id": first("locations")["id"],
        "audience_id": first("audiences")["id"],
        "domain_id": first("domains")["id"],
        "tag_id": first("tags")["id"],
        "feature_id": feature["id"],
        "feature_key": feature["key"],
        "key_id": api_key["key_id"],
        "sdk_key": sdk_key["sdk_key"],
    }


@pytest.fixture
async def world(fake_convert: FakeConvert) -> AsyncIterator[World]:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake_convert.url) as client:
        yield World(fake_convert, client, seeded_params(fake_convert.store))


# -- objects the fake does not seed, created through the SDK first --------------------------------


async def _section(w: World) -> dict[str, Any]:
    p = w.params
    sections = await w.client.sections.create(
        account_id=p["account_id"],
        project_id=p["project_id"],
        experience_id=p["experience_id"],
        name="Hero area",
        versions=[{"name": "Control"}],
    )
    return {"section_id": str(sections[-1].id)}


async def _section_version(w: World) -> dict[str, Any]:
    p = w.params
    section = await _section(w)
    version = await w.client.versions.create(
        account_id=p["account_id"],
        project_id=p["project_id"],
        experience_id=p["experience_id"],
        section_id=section["section_id"],
        name="Bold headline",
    )
    return {**section, "version_id": str(version.id)}


async def _change(w: World) -> dict[str, Any]:
    p = w.params
    variation = await w.client.variations.update(
        account_id=p["account_id"],
        project_id=p["project_id"],
        experience_id=p["experience_id"],
        variation_id=p["variation_id"],
        changes=[{"type": "customCode", "data": {"js": "console.log(1)", "css": ""}}],
    )
    assert variation.changes
    return {"change_id": variation.changes[-1].id}


async def _image(w: World) -> dict[str, Any]:
    p = w.params
    image = await w.client.images.upload(
        account_id=p["account_id"], project_id=p["project_id"], image_name="hero.png", image=PNG
    )
    return {"image_key": image.key}


async def _file(w: World) -> dict[str, Any]:
    p = w.params
    uploaded = await w.client.files.upload(
        account_id=p["account_id"], project_id=p["project_id"], file_name="notes.txt", file=b"hi"
    )
    return {"file_key": uploaded.key}


async def _screenshot(w: World) -> dict[str, Any]:
    p = w.params
    await w.client.variations.upload_screenshot(
        account_id=p["account_id"],
        project_id=p["project_id"],
        experience_id=p["experience_id"],
        variation_id=p["variation_id"],
        image=PNG,
    )
    return {}


async def _signal_session(w: World) -> dict[str, Any]:
    # The API has no way to create a recorded visitor session: seed one (string id) in the store.
    session = {"id": "5f3a9c", "recordingId": "rec-5f3a9c", "start_time": 1_748_000_000}
    w.fake.store.collection("signal_sessions", **w.scope)[1] = session
    return {"signal_session_id": session["id"]}


SETUP: dict[str, Callable[[World], Awaitable[dict[str, Any]]]] = {
    "update_experience_section": _section,
    "create_section_version": _section,
    "update_section_version": _section_version,
    "delete_section_version": _section_version,
    "get_variation_change": _change,
    "update_variation_change": _change,
    "delete_image": _image,
    "get_file": _file,
    "delete_file": _file,
    "get_variation_screenshot": _screenshot,
    "list_signal_sessions": _signal_session,
    "delete_signal_session": _signal_session,
}

# -- sample body values ---------------------------------------------------------------------------

# Values the generic sampler cannot guess (realistic shapes the fake or the SDK types need).
_BODY_SAMPLES: dict[str, dict[str, Any]] = {
    "create_sub_account": {"billing": {"plan": "Pro"}, "userEmail": "owner@example.com"},
    "invite_collaborator": {
        "email": "new.colleague@example.com",
        "accesses": [{"role": "edit", "projects": []}],
    },
    "generate_ai_text_variations": {"parameters": {"tone": "friendly"}},
    "create_goal": {"triggering_rule": None, "type": "visits_page"},
    "create_location": {"rules": {"OR": [{"AND": [{"OR_WHEN": []}]}]}},
    "create_audience": {"rules": None},
    "create_hypothesis": {
        "prioritization_score_type": "PIE",
        "prioritization_score_attributes": {"potential": 5, "importance": 7, "ease": 3},
    },
    "create_feature": {"variables": [{"key": "enabled", "type": "boolean"}]},
    "create_experience_section": {"versions": [{"name": "Control"}]},
    "update_experience_section": {"versions": [{"name": "Control"}]},
    "update_variation_change": {"type": "customCode", "data": {"js": "void 0", "css": ""}},
    "create_sdk_key": {"environment": "production"},
    "cookie_login": {
        "requestType": "initiatePasswordAuth",
        "username": FakeConvert.USERNAME,
        "data": {"password": FakeConvert.PASSWORD},
    },
    "get_domain_by_url": {"url": lambda w: _seeded_domain_url(w) + "/pricing"},
}


def _seeded_domain_url(w: World) -> str:
    domains = w.fake.store.collection("domains", **w.scope)
    return str(domains[min(domains)]["url"])


# Sample strings for the patterns the catalog states.
_PATTERN_SAMPLES = {"^[0-9a-z]{1,2}$": "z9", "^(http|https)://": "https://www.example.org/"}


def _sample(w: World, entry: Mapping[str, Any], spec: Mapping[str, Any]) -> Any:
    name, kind = spec["name"], str(spec.get("type") or "any")
    limits = spec.get("limits") or {}
    enum = spec.get("enum")
    min_items = int(limits.get("min_items", 0))
    if kind == "file" or (_is_multipart(entry) and name in ("file", "image")):
        if name == "file" and entry["operation"].startswith("import_project"):
            return json.dumps({"name": "Imported project", "project_type": "web"}).encode()
        return PNG
    if enum:
        value = enum[0]
        return [value] if kind.startswith("array") else value
    if kind.startswith("array<integer"):
        if name == "id":
            collection = entry["path"].split("/")[-2]
            pool = (
                w.ids(collection)
                if collection != "projects"
                else sorted(w.fake.store.collection("projects", account_id=w.params["account_id"]))
            )
            return pool[:2]
        return []
    if kind.startswith("array<object"):
        return [{}] * min_items
    if kind.startswith("array"):
        return ["sample"] * min_items
    if kind.startswith(("integer", "number")):
        if name.endswith("_time"):
            return 1_748_000_000
        value = max(1, limits.get("minimum", 1))
        return min(value, limits["maximum"]) if "maximum" in limits else value
    if kind.startswith("boolean"):
        return True
    if kind.startswith("object"):
        return {}
    if "pattern" in limits:
        return _PATTERN_SAMPLES[limits["pattern"]]
    if "email" in name.lower():
        return "someone@example.com"
    if name == "url":
        return "https://www.example.org/"
    text = f"Sample {name}"
    return text[: int(limits.get("max_length", len(text)))]


@dataclass
class Call:
    """Keyword arguments for one SDK call, and what they should put on the wire."""

    kwargs: dict[str, Any]
    body_fields: set[str]  # catalog names of the body fields passed
    query: dict[str, list[str]]  # expected query string, key -> values
    headers: dict[str, str] = field(default_factory=dict)  # expected extra headers


def build_call(w: World, entry: Mapping[str, Any]) -> Call:
    """Path parameters, every required body field, the optional body fields whose valid values
    the catalog tells, and one value of every query parameter with an enum."""
    call = Call({p["name"]: w.params[p["name"]] for p in entry["path_params"]}, set(), {})
    overrides = _BODY_SAMPLES.get(entry["operation"], {})
    for spec in _fields(entry):
        name = spec["name"]
        if name in _PAGING and entry.get("paginated"):
            continue
        if name in overrides:
            value = overrides[name]
            value = value(w) if callable(value) else value
        elif spec.get("required") or _easy_optional(spec):
            value = _sample(w, entry, spec)
        else:
            continue
        call.kwargs[kwarg_name(name)] = value
        call.body_fields.add(name)
    for param in entry["query_params"]:
        name, enum = param["name"], param.get("enum")
        if str(param.get("type")).startswith("array") and enum:
            call.kwargs[kwarg_name(name)] = [enum[0]]
            call.query[f"{name}[]"] = [enum[0]]
        elif param.get("type") == "boolean":
            call.kwargs[kwarg_name(name)] = True
            call.query[name] = ["true"]
        elif enum:
            call.kwargs[kwarg_name(name)] = enum[0]
            call.query[name] = [enum[0]]
    for header in entry["header_params"]:
        call.kwargs[kwarg_name(header["name"])] = call.headers[header["name"]] = "token-123"
    return call


def _easy_optional(spec: Mapping[str, Any]) -> bool:
    """An optional field whose valid values the catalog tells (a known type, or an enum)."""
    return bool(spec.get("enum")) or str(spec.get("type")) not in ("any", "unknown")


# -- checks on what was sent ----------------------------------------------------------------------


def sent_field_names(request: RecordedRequest) -> set[str]:
    """Top-level JSON keys, or multipart field names, of the recorded request body."""
    if not request.body:
        return set()
    content_type = request.headers.get("Content-Type", "")
    if content_type.startswith("multipart/"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.body)
        assert message.is_multipart()
        return {
            str(part.get_param("name", header="content-disposition"))
            for part in message.iter_parts()
        }
    body = request.json()
    assert isinstance(body, dict), f"body is not a JSON object: {body!r}"
    return set(body)


def expected_path(entry: Mapping[str, Any], params: Mapping[str, Any]) -> str:
    encoded = {p["name"]: quote(str(params[p["name"]]), safe="") for p in entry["path_params"]}
    return BASE_PATH + entry["path"].format_map(encoded)


async def check_result(result: Any, expected: Any) -> None:
    origin = typing.get_origin(expected) or expected
    if origin is AsyncPager:
        (item_type,) = typing.get_args(expected)
        assert isinstance(result, AsyncPager)
        page = await result
        assert isinstance(page, Page)
        assert all(isinstance(item, item_type) for item in page.items)
    elif origin is list:
        (item_type,) = typing.get_args(expected)
        assert isinstance(result, list)
        assert all(isinstance(item, item_type) for item in result)
    elif bytes in typing.get_args(expected):
        assert isinstance(result, bytes)  # ``bytes | Path``: bytes unless ``to=`` is given
    else:
        assert isinstance(origin, type)
        assert isinstance(result, origin), f"{type(result).__name__} is not {origin.__name__}"
        if issubclass(origin, msgspec.Struct):
            msgspec.json.encode(result)  # a decoded reply re-encodes cleanly


@pytest.mark.parametrize("entry", CATALOG, ids=[e["operation"] for e in CATALOG])
async def test_operation_conforms_to_catalog(world: World, entry: dict[str, Any]) -> None:
    name = entry["operation"]
    assert name in OPERATIONS, f"the SDK has no operation {name!r}"
    op = OPERATIONS[name]
    assert (op.http_method, op.path) == (entry["method"], entry["path"])
    assert op.paginated == bool(entry.get("paginated"))
    assert (op.body_format == "multipart") == _is_multipart(entry)
    assert set(op.query_params) == {q["name"] for q in entry["query_params"]}
    assert set(op.header_params) == {h["name"] for h in entry["header_params"]}
    assert (op.auth == "cookie") == (entry.get("auth") == "cookie")
    if entry["response"]["envelope"] != "unknown":
        assert (op.envelope == "data") == (entry["response"]["envelope"] == "data")
    resource = getattr(world.client, op.resource)
    method = getattr(resource, op.name)
    expected_type = typing.get_type_hints(getattr(type(resource), op.name))["return"]

    if name in SETUP:
        world.params.update(await SETUP[name](world))
    call = build_call(world, entry)
    before = len(world.fake.requests)

    result = method(**call.kwargs)
    if not isinstance(result, AsyncPager):
        result = await result
    await check_result(result, expected_type)  # awaits a pager: its first page only

    sent = world.fake.requests[before:]
    assert len(sent) == 1, [r.raw_path for r in sent]
    (request,) = sent
    assert request.operation == name
    assert request.status == 200, request.body
    assert request.method == entry["method"]
    path = request.raw_path.partition("?")[0]
    assert path == expected_path(entry, call.kwargs)
    assert request.query == call.query
    for header, value in call.headers.items():
        assert request.headers.get(header) == value

    allowed = {f["name"] for f in _fields(entry)}
    required = {f["name"] for f in _fields(entry) if f.get("required")}
    names = sent_field_names(request)
    assert names <= allowed, f"fields not in the catalog: {sorted(names - allowed)}"
    assert required <= names, f"required fields not sent: {sorted(required - names)}"
    # Every argument given arrived under its catalog name (a paged list adds its page fields).
    assert names - _PAGING == call.body_fields
    if entry.get("paginated"):
        assert {"page", "results_per_page"} <= names
    if _is_multipart(entry):
        assert request.headers["Content-Type"].startswith("multipart/form-data")
