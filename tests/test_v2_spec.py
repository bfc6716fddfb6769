"""The v2 operation table against Convert's own OpenAPI spec (the packaged evidence files).

Driven by the spec file, never by the SDK's table: every SDK operation must be a spec operation
with the same method, path and query/header parameter names. Path parameter names are
compared after the one normalisation the SDK makes (the spec spells the placeholder id two
ways, and the OAuth client id two ways).
"""

from __future__ import annotations

import inspect
import json
import re
from importlib import resources
from typing import Any

import msgspec
import pytest

from convert_async import ConvertClient, HmacAuth
from convert_async.testing import FakeConvert
from convert_async.testing._openapi import load_spec
from convert_async.v2 import OPERATIONS, requests

pytestmark = pytest.mark.anyio

SPEC: list[dict[str, Any]] = json.loads(
    resources.files("convert_async.testing")
    .joinpath("data/convert-v2-openapi.json")
    .read_text(encoding="utf-8")
)["operations"]


_SAME_PARAMETER = {"{placeholderId}": "{placeholder_id}", "{id}": "{client_id}"}


def _shape(path: str) -> str:
    return re.sub(r"\{\w+\}", lambda found: _SAME_PARAMETER.get(found[0], found[0]), path)


SPEC_BY_SHAPE = {(op["method"], _shape(op["path"])): op for op in SPEC}


def test_spec_file_is_the_whole_spec() -> None:
    assert len(SPEC) == 189
    assert len(SPEC_BY_SHAPE) == 189  # no two operations share a method and path


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_sdk_operation_is_a_spec_operation(name: str) -> None:
    op = OPERATIONS[name]
    spec = SPEC_BY_SHAPE.get((op.http_method, _shape(op.path)))
    assert spec is not None, f"{name}: {op.http_method} {op.path} is not in Convert's spec"
    query = {p.partition("[")[0] for p in spec["params"] if "[q" in p}
    headers = {p.partition("[")[0] for p in spec["params"] if p.endswith("[h]")}
    assert set(op.query_params) == query
    assert set(op.header_params) == headers
    arrays = {p.partition("[")[0] for p in spec["params"] if "[q:array]" in p}
    assert set(op.array_params) == arrays


def test_sdk_covers_distinct_spec_operations() -> None:
    matched = [SPEC_BY_SHAPE[(o.http_method, _shape(o.path))] for o in OPERATIONS.values()]
    assert len({op["operationId"] for op in matched}) == len(OPERATIONS)


async def test_bare_include_string_is_sent_as_an_array() -> None:
    async with FakeConvert() as fake:
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth=auth, base_url=fake.url) as client:
            account = (await client.accounts.list()).items[0].id
            assert account is not None
            await client.accounts.get(account_id=account, include="stats")
        sent = fake.requests_for("getAccountDetails")[-1]
    assert sent.query == {"include[]": ["stats"]}
    assert sent.status == 200


def test_every_spec_operation_has_exactly_one_sdk_operation() -> None:
    shapes = [(op.http_method, _shape(op.path)) for op in OPERATIONS.values()]
    assert len(OPERATIONS) == len(SPEC) == 189
    assert sorted(shapes) == sorted(SPEC_BY_SHAPE)


def _sdk_method(spec_op: dict[str, Any]) -> Any:
    sdk = next(
        op
        for op in OPERATIONS.values()
        if (op.http_method, _shape(op.path)) == (spec_op["method"], _shape(spec_op["path"]))
    )
    client = ConvertClient(HmacAuth("app", "secret"), base_url="https://example.test")
    return getattr(getattr(client, sdk.resource), sdk.name)


_OBJECT_BODIES = sorted(
    op.operation_id
    for op in load_spec().operations.values()
    if op.body is not None and load_spec().resolve(op.body).kind == "object"
)


@pytest.mark.parametrize("operation_id", _OBJECT_BODIES)
def test_request_struct_fields_are_the_body_schema_writable_properties(operation_id: str) -> None:
    spec = load_spec()
    spec_op = spec.operations[operation_id]
    assert spec_op.body is not None
    method = _sdk_method(next(op for op in SPEC if op["operationId"] == operation_id))
    built = re.findall(r"requests\.(\w+)\(", inspect.getsource(method))
    assert len(built) == 1, f"{operation_id}: the method should build exactly one body"
    struct = getattr(requests, built[0])
    wire = {field.encode_name for field in msgspec.structs.fields(struct)}
    assert wire == set(spec.resolve(spec_op.body).writable())
    # Every keyword the method takes is a path, query or header parameter or a body field.
    keywords = set(inspect.signature(method).parameters)
    params = {p.partition("[")[0] for p in spec.operations[operation_id].header_params}
    params |= {name for name, _ in spec_op.path_params} | {"placeholder_id", "client_id"}
    params |= {name for name, _ in spec_op.query_params} | {"page_size"}
    body_fields = {field.name for field in msgspec.structs.fields(struct)}
    assert keywords <= params | body_fields | {f"{name}_" for name in body_fields}


def test_every_list_method_returns_a_pager() -> None:
    client = ConvertClient(HmacAuth("app", "secret"), base_url="https://example.test")
    listed = 0
    for op in OPERATIONS.values():
        if op.name.startswith("list"):
            method = getattr(getattr(client, op.resource), op.name)
            assert inspect.signature(method).return_annotation.startswith("AsyncPager["), op.name
            listed += 1
    assert listed >= 30
