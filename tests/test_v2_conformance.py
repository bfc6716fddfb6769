"""Every operation of Convert's OpenAPI spec, called through the SDK against ``FakeConvert``.

The test is parametrized by the *spec* (the packaged ``convert-v2-openapi.json``), never by the
SDK's own table, so an operation the SDK lacks, or sends to the wrong place, fails here:

1. the spec operation must map, by HTTP method and path alone, to exactly one SDK operation
   whose parameters are the spec's, and that operation must be a method of ``ConvertClient``;
2. the method is called with path parameters naming seeded objects and a body built from the
   spec's *minimal* sample of the body schema (wire names mapped to the method's keywords);
3. the request the fake recorded must carry the spec's method, a path of the spec's template,
   query and header names the spec declares, a body the spec's schema accepts, and be answered
   with the spec's success status, which the SDK must decode without error.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import types
import typing
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
import pytest

from convert_async import AsyncPager, ConvertClient, CookieAuth, HmacAuth, Page
from convert_async._core.operation import Operation
from convert_async.testing import FakeConvert, RecordedRequest
from convert_async.testing._multipart import FormFile
from convert_async.testing._openapi import SpecOperation
from convert_async.testing._schema_check import problems, sample
from convert_async.v2 import OPERATIONS
from convert_async.v2.requests import AuthRequestData
from tests.test_fake_v2_support import ACCOUNT, PROJECT, SPEC, path_values

pytestmark = pytest.mark.anyio

BASE_PATH = "/api/v2"
#: Path parameters the spec spells two ways; the SDK uses the second spelling throughout.
SPEC_SPELLINGS = {"placeholderId": "placeholder_id", "id": "client_id"}
#: Body fields the pager sets on every page request; they are never keyword arguments.
PAGING_FIELDS = {"page", "results_per_page", "onlyCount"}
#: Spec tags whose operations belong to a signed-in user: they run over a cookie session.
SESSION_TAGS = {"Cookie Authentication", "User"}
#: Operations that need no credentials at all (they open a session or reset a password).
OPEN_OPERATIONS = {"doAuth", "requestForgotPassword", "confirmPasswordReset"}

_CSV = b"visitor_id,plan\nvisitor-new-1,pro\n"
_EXPORT = json.dumps({"project": {"name": "Imported"}, "goals": [{"id": 1, "name": "G"}]})


# -- mapping a spec operation to the SDK ----------------------------------------------------------


def sdk_path(spec_path: str) -> str:
    """``spec_path`` with the spec's alternative parameter spellings unified."""
    for spec_name, name in SPEC_SPELLINGS.items():
        spec_path = spec_path.replace("{" + spec_name + "}", "{" + name + "}")
    return spec_path


def sdk_operation(op: SpecOperation) -> Operation:
    """The one SDK operation with ``op``'s HTTP method and path."""
    found = [
        row
        for row in OPERATIONS.values()
        if row.http_method == op.method and row.path == sdk_path(op.path)
    ]
    assert len(found) == 1, f"{op.method} {op.path}: SDK operations {[r.operation for r in found]}"
    return found[0]


def test_the_sdk_has_no_operation_the_spec_lacks() -> None:
    spec_routes = {(op.method, sdk_path(op.path)) for op in SPEC.operations.values()}
    extra = [r.operation for r in OPERATIONS.values() if (r.http_method, r.path) not in spec_routes]
    assert extra == []
    assert len(SPEC.operations) == len(OPERATIONS) == 189


def _key(name: str) -> str:
    """A name compared across spellings: ``firstName`` ~ ``first_name``; ``except_`` too."""
    return name.replace("_", "").lower()


def keyword_for(method: Callable[..., Any], wire_name: str) -> str:
    """The keyword argument of ``method`` that carries the wire field/parameter ``wire_name``."""
    names = [p for p in inspect.signature(method).parameters if _key(p) == _key(wire_name)]
    assert len(names) == 1, f"no keyword argument of {method.__qualname__} for {wire_name!r}"
    return names[0]


def _without_unset(hint: Any) -> Any:
    """``hint`` without ``UnsetType`` (the "not given" marker is no value to convert to)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        kept = [arg for arg in typing.get_args(hint) if arg is not msgspec.UnsetType]
        return kept[0] if len(kept) == 1 else typing.Union[tuple(kept)]  # noqa: UP007
    return hint


def as_argument(value: Any, hint: Any) -> Any:
    """A JSON sample value as the keyword argument typed ``hint`` takes it (Structs, enums)."""
    return msgspec.convert(value, _without_unset(hint), strict=False)


# -- the world a call runs in ---------------------------------------------------------------------


def _first(fake: FakeConvert, name: str, **scope: int) -> dict[str, Any]:
    return fake.store.items(name, **scope)[0]


def _reset_code(fake: FakeConvert) -> dict[str, Any]:
    fake.reset_codes.add("reset-code")
    return {"code": "reset-code", "newPassword": "n3w-pass", "confirmNewPassword": "n3w-pass"}


def _email_code(fake: FakeConvert) -> dict[str, Any]:
    fake.pending_email = "new.owner@acme.example"
    return {"code": "123456"}


def _proven_hypothesis(fake: FakeConvert) -> dict[str, Any]:
    _first(fake, "hypotheses", account_id=ACCOUNT, project_id=PROJECT)["status"] = "proven"
    return {}


def _collaborator(fake: FakeConvert) -> dict[str, Any]:
    return {"email": _first(fake, "users-accesses", account_id=ACCOUNT)["email"]}


#: Operations that need more than seeded ids: a step on the fake (a code it issued, a state an
#: object must be in) and body fields (wire names) laid over the minimal sample.
SETUP: dict[str, Callable[[FakeConvert], dict[str, Any]]] = {
    "doAuth": lambda fake: {
        "requestType": "initiatePasswordAuth",
        "username": fake.USERNAME,
        "data": {"password": fake.PASSWORD},
    },
    "confirmPasswordReset": _reset_code,
    "confirmEmail": _email_code,
    "requestOauthToken": lambda fake: {
        "grant_type": "authorization_code",
        "code": "auth-code",
        "client_id": _first(fake, "oauth-clients")["id"],
        "code_verifier": "v" * 43,
    },
    "revokeUserSession": lambda fake: {"sid": _first(fake, "user-sessions")["sid"]},
    "updateAccountUserAccesses": _collaborator,
    "deleteAccountUserAccesses": _collaborator,
    "getDomainByUrl": lambda fake: {
        "url": _first(fake, "domains", account_id=ACCOUNT, project_id=PROJECT)["url"] + "/cart"
    },
    "convertHypothesis": _proven_hypothesis,
}

#: Files for upload fields, by operation (every other upload is a PNG).
UPLOADS: dict[str, Any] = {
    "importProject": ("export.json", _EXPORT.encode(), "application/json"),
    "importProjectData": ("export.json", _EXPORT.encode(), "application/json"),
    "importVisitorsDataCsv": ("visitors.csv", _CSV, "text/csv"),
}


def upload_fields(op: SpecOperation) -> set[str]:
    """The body fields of ``op`` that are files (format ``binary``, or a ``json`` document)."""
    if op.body is None:
        return set()
    properties = SPEC.resolve(op.body).properties
    return {name for name, prop in properties.items() if prop.format in ("binary", "json")}


def request_body(fake: FakeConvert, op: SpecOperation) -> dict[str, Any] | None:
    """The body to send, by wire names: the spec's minimal sample plus what SETUP adds."""
    overrides = SETUP[op.operation_id](fake) if op.operation_id in SETUP else {}
    if op.body is None:
        return None
    body = sample(SPEC, op.body, mode="minimal") or {}  # a nullable body samples as null
    assert isinstance(body, dict), f"{op.operation_id}: body sample {body!r}"
    for name in upload_fields(op):
        body[name] = UPLOADS.get(op.operation_id, FakeConvert.PNG)
    return {**body, **overrides}


@dataclass
class Call:
    """Keyword arguments for one SDK call, and what they should put on the wire."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # path parameter values, spec names
    body_fields: set[str] = field(default_factory=set)  # wire names of the body fields given


def build_call(fake: FakeConvert, op: SpecOperation, method: Callable[..., Any]) -> Call:
    """Seeded ids for the path, a value for every query and header parameter, and the body."""
    hints = typing.get_type_hints(method)
    call = Call(paths=path_values(fake, op))
    for name, value in call.paths.items():
        keyword = keyword_for(method, SPEC_SPELLINGS.get(name, name))
        call.kwargs[keyword] = as_argument(value, hints[keyword])
    for name, schema in op.query_params:
        keyword = keyword_for(method, name)
        array = schema.kind == "array"
        call.kwargs[keyword] = ["expand-me"] if array else _scalar(hints[keyword])
    for name in op.header_params:
        call.kwargs[keyword_for(method, name)] = "report-token-123"
    body = request_body(fake, op)
    if body is None:
        return call
    call.body_fields = set(body) - PAGING_FIELDS
    if "body" in inspect.signature(method).parameters:  # a union body: one argument
        call.kwargs["body"] = as_argument(body, hints["body"])
        return call
    uploads = upload_fields(op)
    for name in call.body_fields:
        keyword = keyword_for(method, name)
        value = body[name]
        call.kwargs[keyword] = value if name in uploads else as_argument(value, hints[keyword])
    return call


def _scalar(hint: Any) -> Any:
    """A value of a scalar query parameter typed ``hint`` (its first literal, else a string)."""
    for arg in typing.get_args(_without_unset(hint)) or (hint,):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)[0]
        if arg is bool:
            return True
    return "text"


@contextlib.asynccontextmanager
async def client_for(fake: FakeConvert, op: SpecOperation) -> AsyncIterator[ConvertClient]:
    """A client for ``op``: a signed-in cookie session for a user's own operations, else HMAC."""
    if op.tag in SESSION_TAGS and op.operation_id not in OPEN_OPERATIONS:
        async with ConvertClient(CookieAuth(), base_url=fake.url) as client:
            login = msgspec.convert(SETUP["doAuth"](fake), AuthRequestData)
            await client.cookie_auth.login(body=login)
            yield client
        return
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake.url) as client:
        yield client


# -- checks on what was sent and what came back ---------------------------------------------------


def path_pattern(op: SpecOperation) -> re.Pattern[str]:
    """The spec's path template as a regular expression over the raw request path."""
    parts = re.split(r"({\w+})", op.path)
    regex = "".join("[^/?#]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(re.escape(BASE_PATH) + regex)


def sent_body(op: SpecOperation, request: RecordedRequest) -> Any:
    """The recorded body as the spec's schema sees it: a file part stands in as its file name,
    a text part where the spec wants a file as null (which the schema rejects)."""
    if not (op.body_content_type or "").startswith("multipart/"):
        return request.json()
    uploads = upload_fields(op)
    view: dict[str, Any] = {}
    for name, value in request.form().items():
        if isinstance(value, FormFile):
            view[name] = value.filename
        else:
            view[name] = None if name in uploads else value
    return view


def is_instance(value: Any, hint: Any) -> bool:
    """Whether ``value`` is of type ``hint`` (classes, unions, lists, ``Any``)."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(is_instance(value, arg) for arg in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (list, typing.get_origin(list[int])):
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and all(is_instance(v, item) for v in value)
    return isinstance(value, origin or hint)


async def check_result(result: Any, hint: Any) -> None:
    """The SDK decoded the reply into the type its method declares."""
    if typing.get_origin(hint) is AsyncPager:
        (item_type,) = typing.get_args(hint)
        page = await result  # the first page only
        assert isinstance(page, Page)
        assert all(is_instance(item, item_type) for item in page.items)
        return
    assert is_instance(result, hint), f"{type(result).__name__} is not {hint}"
    if isinstance(result, msgspec.Struct):
        msgspec.json.encode(result)  # a decoded reply re-encodes cleanly


@pytest.mark.parametrize("operation_id", sorted(SPEC.operations))
async def test_operation_conforms_to_the_spec(fake_convert: FakeConvert, operation_id: str) -> None:
    fake = fake_convert
    op = SPEC.operations[operation_id]

    # 1. exactly one SDK operation with the spec's method and path, and the spec's parameters
    row = sdk_operation(op)
    assert row.path_params == tuple(SPEC_SPELLINGS.get(n, n) for n, _ in op.path_params)
    assert set(row.query_params) == {name for name, _ in op.query_params}
    assert set(row.array_params) == {n for n, s in op.query_params if s.kind == "array"}
    assert set(row.header_params) == set(op.header_params)
    multipart = (op.body_content_type or "").startswith("multipart/")
    assert (row.body_format == "multipart") == multipart
    body_schema = SPEC.resolve(op.body) if op.body is not None else None
    fields = set(body_schema.properties) if body_schema is not None else set()
    by_number, by_key = (
        {"page", "results_per_page"} <= fields,
        {"start_from", "max_results"} <= fields,
    )
    assert row.paginated == (by_number or by_key)
    assert (row.page_shape == "key") == by_key
    async with client_for(fake, op) as client:
        method = getattr(getattr(client, row.resource), row.name)
        assert callable(method)

        # 2. call it with seeded ids and the spec's minimal body
        call = build_call(fake, op, method)
        before = len(fake.requests_for(operation_id))
        result = method(**call.kwargs)
        if inspect.isawaitable(result) and not isinstance(result, AsyncPager):
            result = await result
        await check_result(result, typing.get_type_hints(method)["return"])

    # 3. what the fake recorded
    sent = fake.requests_for(operation_id)[before:]
    assert len(sent) == 1, [r.raw_path for r in fake.requests]
    (request,) = sent
    assert request.status == op.status, request.body
    assert request.method == op.method
    path, _, _ = request.raw_path.partition("?")
    assert path_pattern(op).fullmatch(path), path
    assert {SPEC_SPELLINGS.get(k, k): v for k, v in call.paths.items()} == {
        SPEC_SPELLINGS.get(k, k): v for k, v in request.path_params.items()
    }
    spec_query = {name: schema.kind == "array" for name, schema in op.query_params}
    for key in request.query:
        name = key.removesuffix("[]")
        assert name in spec_query, f"query parameter {key!r} is not in the spec"
        assert key.endswith("[]") == spec_query[name], f"{key!r}: array-ness differs"
    assert {k.removesuffix("[]") for k in request.query} == set(spec_query)  # all given arrived
    for name in op.header_params:
        assert request.headers.get(name) == "report-token-123"
    if op.body is None:
        assert not request.body.strip()
    else:
        body = sent_body(op, request)
        if body is None and not op.body_required:
            body = {}
        assert problems(SPEC, op.body, body) == []
        sent_fields = set(body) if isinstance(body, dict) else set()
        assert call.body_fields <= sent_fields, "given body fields did not arrive"
        declared = SPEC.resolve(op.body).properties
        if declared:
            unknown = sent_fields - set(declared)
            assert not unknown, f"fields not in the spec's body schema: {sorted(unknown)}"
        if row.paginated:
            pager_sets = (
                {"max_results"} if row.page_shape == "key" else {"page", "results_per_page"}
            )
            assert pager_sets <= sent_fields
        if multipart:
            assert request.headers["Content-Type"].startswith("multipart/form-data")
