"""Every v2 reply type against Convert's own OpenAPI spec: samples built from the spec's schemas.

Driven by the spec file: for each operation, its response schema gives samples (every property
filled; only required ones with nullable ones null), and the type the SDK method declares must
decode them. A full sample must come back field for field (names, renames, tags, nesting), a
new field or a new enum value must not break decoding, and no input at all may raise anything
but :class:`APIResponseValidationError`.
"""

from __future__ import annotations

import contextlib
import inspect
import re
import typing
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convert_async import APIResponseValidationError, AsyncPager, ConvertClient, SecretKeyAuth
from convert_async._core.codec import decode_json
from convert_async.testing._openapi import Schema, SpecOperation, load_spec
from convert_async.testing._schema_check import sample
from convert_async.v2 import OPERATIONS, models

SPEC = load_spec()
_SAME_PARAMETER = {"{placeholderId}": "{placeholder_id}", "{id}": "{client_id}"}
SDK_BY_PATH = {(op.http_method, op.path): op for op in OPERATIONS.values()}
CLIENT = ConvertClient(SecretKeyAuth("key-id", "key-secret"), base_url="https://example.test")


def _sdk_path(path: str) -> str:
    return re.sub(r"\{\w+\}", lambda found: _SAME_PARAMETER.get(found[0], found[0]), path)


def _json_operations() -> list[str]:
    return sorted(
        op.operation_id
        for op in SPEC.operations.values()
        if op.response is not None and op.response_content_type == "application/json"
    )


def reply_type(spec_op: SpecOperation) -> tuple[Any, bool]:
    """The type the SDK method for ``spec_op`` decodes its payload into, and whether the reply
    wraps that payload in ``{"data": ...}``."""
    op = SDK_BY_PATH[(spec_op.method, _sdk_path(spec_op.path))]
    method: Callable[..., Any] = getattr(getattr(CLIENT, op.resource), op.name)
    module = inspect.getmodule(method)
    hints = typing.get_type_hints(method, globalns=vars(module))
    declared = hints["return"]
    if typing.get_origin(declared) is AsyncPager:
        item: Any = typing.get_args(declared)[0]
        declared = list[item]
    return declared, op.envelope == "data"


def payload_schema(spec_op: SpecOperation, wrapped: bool) -> Schema:
    assert spec_op.response is not None
    schema = SPEC.resolve(spec_op.response)
    return SPEC.resolve(schema.properties["data"]) if wrapped else schema


def _with_unknown_fields(schema: Schema, value: Any) -> Any:
    """``value`` with a field no schema declares added to every object with properties in it
    (not to maps, whose keys are data, and not inside unions, whose variants differ)."""
    schema = SPEC.resolve(schema)
    if schema.kind == "object" and schema.properties and isinstance(value, dict):
        known = {
            name: _with_unknown_fields(schema.properties[name], item)
            if name in schema.properties
            else item
            for name, item in value.items()
        }
        return {**known, "added_later": [1]}
    if schema.kind == "array" and schema.items is not None and isinstance(value, list):
        return [_with_unknown_fields(schema.items, item) for item in value]
    return value


def _decode(value: Any, declared: Any) -> Any:
    return decode_json(msgspec.json.encode(value), declared, operation="test")


@pytest.mark.parametrize("operation_id", _json_operations())
def test_full_sample_decodes_field_for_field(operation_id: str) -> None:
    spec_op = SPEC.operations[operation_id]
    declared, wrapped = reply_type(spec_op)
    for seed in range(3):
        schema = payload_schema(spec_op, wrapped)
        value = sample(SPEC, schema, mode="full", seed=seed)
        decoded = _decode(_with_unknown_fields(schema, value), declared)
        assert _without_nulls(msgspec.to_builtins(decoded)) == _without_nulls(value)


@pytest.mark.parametrize("operation_id", _json_operations())
def test_minimal_sample_with_nulls_decodes(operation_id: str) -> None:
    spec_op = SPEC.operations[operation_id]
    declared, wrapped = reply_type(spec_op)
    value = sample(SPEC, payload_schema(spec_op, wrapped), mode="minimal")
    decoded = _decode(value, declared)
    assert _without_nulls(msgspec.to_builtins(decoded)) == _without_nulls(value)


def _without_nulls(value: Any) -> Any:
    """``value`` without its null fields: a null optional field reads as the default and is not
    encoded again, a null required one is encoded as null; both mean the same."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def _enum_paths(schema: Schema, value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Where ``value`` holds a value of a (non-discriminating) enum of ``schema``."""
    schema = SPEC.resolve(schema)
    found: list[tuple[Any, ...]] = []
    if schema.kind == "enum" and isinstance(value, str):
        found.append(path)
    elif schema.kind == "object" and isinstance(value, dict):
        for name, prop in schema.properties.items():
            if name in value:
                found += _enum_paths(prop, value[name], (*path, name))
    elif schema.kind == "array" and isinstance(value, list) and value and schema.items:
        found += _enum_paths(schema.items, value[0], (*path, 0))
    return found


@pytest.mark.parametrize("operation_id", _json_operations())
def test_a_new_enum_value_still_decodes(operation_id: str) -> None:
    spec_op = SPEC.operations[operation_id]
    declared, wrapped = reply_type(spec_op)
    schema = payload_schema(spec_op, wrapped)
    value = sample(SPEC, schema, mode="full")
    for path in _enum_paths(schema, value):
        target = value
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = "added_in_a_later_release"
    _decode(value, declared)


def test_every_spec_reply_is_covered() -> None:
    covered = _json_operations()
    assert len(covered) == 188  # exportProject answers a file (download/json), returned as bytes
    export = SPEC.operations["exportProject"]
    assert reply_type(export)[0] is bytes


def test_tagged_unions_read_their_tag() -> None:
    report = _decode(
        {"stats_methodology": "bayesian", "reportData": [{"goal_id": 1, "variations": []}]},
        models.ExperienceAggregatedReport,
    )
    assert isinstance(report, models.ExperienceAggregatedReportBayesian)
    assert report.stats_methodology == "bayesian"
    assert report.report_data is not None
    assert report.report_data[0].goal_id == 1
    goal = _decode({"type": "code_trigger", "id": 3, "name": "Signup"}, models.Goal)
    assert isinstance(goal, models.NoSettingsGoalCodeTrigger)
    assert (goal.type, goal.id) == ("code_trigger", 3)


def test_an_unknown_tag_is_a_validation_error_naming_the_field() -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        _decode({"stats_methodology": "sequential"}, models.ExperienceAggregatedReport)
    assert "stats_methodology" in str(caught.value)


_REPLY_TYPES = sorted({repr(reply_type(SPEC.operations[op])[0]) for op in _json_operations()})
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(operation_id=st.sampled_from(_json_operations()), value=_JSON)
def test_arbitrary_input_decodes_or_raises_validation_error(operation_id: str, value: Any) -> None:
    declared, _ = reply_type(SPEC.operations[operation_id])
    with contextlib.suppress(APIResponseValidationError):  # any other exception fails
        _decode(value, declared)
