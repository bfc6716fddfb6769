"""``problems()`` and ``sample()`` over every schema of Convert's spec."""

from __future__ import annotations

import pytest

from convert_async.testing import problems, sample
from convert_async.testing._openapi import Schema, load_spec
from convert_async.testing._schema_check import conform

SPEC = load_spec()
NAMES = sorted(SPEC.names())


@pytest.mark.parametrize("mode", ["full", "minimal"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_component_sample_is_valid_and_already_conforms(mode: str, seed: int) -> None:
    for name in NAMES:
        schema = SPEC.schema(name)
        value = sample(SPEC, schema, mode=mode, seed=seed)  # type: ignore[arg-type]
        assert problems(SPEC, schema, value) == [], name
        assert conform(SPEC, schema, value) == value, name


def test_full_fills_every_property_and_minimal_only_the_required_ones() -> None:
    schema = SPEC.schema("OAuthClientData")
    full = sample(SPEC, schema, mode="full")
    minimal = sample(SPEC, schema, mode="minimal")
    assert set(full) == set(SPEC.resolve(schema).properties)
    assert set(minimal) == set(schema.required) == {"callback_url", "embedded", "id", "name"}
    nullable = SPEC.schema("Tag")  # description is nullable and not required
    assert "description" not in sample(SPEC, nullable, mode="minimal")
    assert sample(SPEC, Schema("string", nullable=True), mode="minimal") is None


def test_seeds_pick_different_variants_of_a_discriminated_union() -> None:
    report = SPEC.schema("ExperienceAggregatedReport")
    kinds = {sample(SPEC, report, seed=seed)["stats_methodology"] for seed in range(4)}
    assert kinds == {"frequentist", "bayesian"}


def test_problems_names_each_broken_rule() -> None:
    goal = SPEC.schema("Goal")
    valid = sample(SPEC, goal, mode="minimal")
    assert problems(SPEC, goal, valid) == []
    assert problems(SPEC, goal, {**valid, "type": "telepathy"})[0].startswith("$.type: must be")
    assert problems(SPEC, goal, {**valid, "name": 1}) == ["$.name: must be a string"]
    assert problems(SPEC, goal, {**valid, "id": None}) == ["$.id: must not be null"]
    bulk = SPEC.schema("BulkDeleteGoalRequestData")
    assert problems(SPEC, bulk, {}) == ["$.id: is required"]
    assert problems(SPEC, bulk, {"id": [1], "x": 1}) == ["$.x: is not a known field"]
    assert problems(SPEC, bulk, {"id": ["1"]}) == ["$.id[0]: must be an integer"]
    assert problems(SPEC, bulk, {"id": list(range(101))}) == ["$.id: must be at most 100 items"]
    pagination = SPEC.schema("Pagination")
    assert problems(SPEC, pagination, [], "$.extra") == ["$.extra: must be an object"]


def test_conform_fills_required_fields_and_drops_unknown_ones_of_closed_objects() -> None:
    oauth = SPEC.schema("OAuthClientData")
    fitted = conform(SPEC, oauth, {"id": "c1", "name": 5, "extra": True})
    assert problems(SPEC, oauth, fitted) == []
    assert fitted["id"] == "c1"
    assert fitted["extra"] is True  # open object: unknown fields stay
    closed = SPEC.schema("BulkEntityError")
    assert conform(SPEC, closed, {"id": 3, "message": "m", "x": 1}) == {"id": 3, "message": "m"}
