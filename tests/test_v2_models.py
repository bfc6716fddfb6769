"""Decoding of the v2 response models: realistic samples, tolerance and fuzzing.

Every class in ``convert_async.v2.models.__all__`` needs a sample below (a test fails when one
is missing), shaped like the API reference's sample or schema for it.
"""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convert_async import APIResponseValidationError
from convert_async._core.codec import ResponseModel, decode_json
from convert_async.v2 import models

MODEL_NAMES = sorted(models.__all__)
MODELS: list[type[ResponseModel]] = [getattr(models, name) for name in MODEL_NAMES]

# One realistic reply per model, in wire names (camelCase / "auth-code" where the API uses them).
SAMPLES: dict[str, dict[str, Any]] = {
    "AccessRole": {"name": "publish", "permissions": {"experiences": ["read", "publish"]}},
    "Account": {
        "id": 100123,
        "name": "Acme Digital",
        "accountType": "main",
        "accessRole": "owner",
        "access_all_projects": True,
        "limitsAndCapabilities": {"max_projects": 10},
    },
    "AggregatedReport": {
        "experience_id": 1001,
        "start_time": 1_700_000_000,
        "utc_offset": 7200,
        "goals": [
            {
                "goal_id": 11,
                "goal_name": "Purchase",
                "variations": [
                    {"variation_id": 501, "is_baseline": True, "visitors": 1200},
                    {"variation_id": 502, "visitors": 1180, "conversion_rate": 4.25},
                ],
            }
        ],
    },
    "AiTextVariations": {
        "variations": ["Start your free trial", "Try it free today"],
        "content": "Sign up now",
        "principle_class": "cialdini",
    },
    "ApiKey": {
        "name": "Nightly sync",
        "auth_type": "requestSigning",
        "projects": [2001, 2002],
        "key_id": "app-123",
        "key_secret": "s3cr3t",
    },
    "Audience": {
        "id": 301,
        "name": "Mobile visitors",
        "status": "active",
        "type": "transient",
        "preset": False,
        "rules": {"OR": [{"AND": [{"OR_WHEN": [{"rule_type": "device"}]}]}]},
    },
    "AudiencePreset": {"id": 1, "name": "All Visitors", "preset": True, "type": "permanent"},
    "BillingPlan": {
        "id": "growth",
        "name": "Growth",
        "limitsAndCapabilities": {"tested_visitors": 100000},
    },
    "BillingSetupUser": {
        "user_id": "u-42",
        "email": "dana@example.com",
        "first_name": "Dana",
        "last_name": "Whitfield",
    },
    "BulkStatusReply": {
        "code": 200,
        "message": "Done with errors",
        "errors": [{"id": 7, "message": "Not found"}],
    },
    "CdnImage": {"cdn_url": "https://cdn.example.com/p/hero.jpg", "key": "p/hero.jpg"},
    "ChangeHistoryEntry": {
        "id": 5000001,
        "timestamp": 1_700_000_000,
        "event": "update",
        "object": "experience",
        "object_id": 1001,
        "method": "api",
        "project_id": 2001,
        "user": {"name": "Dana Whitfield"},
    },
    "Collaborator": {
        "user_id": "u-42",
        "email": "dana@example.com",
        "first_name": "Dana",
        "accesses": [{"project": 2001, "role": "edit"}],
    },
    "CookieAuthReply": {
        "auth-code": "NEW_PASSWORD_REQUIRED",
        "message": "Set a new password",
        "data": {"sessionToken": "tok"},
    },
    "DailyReport": {
        "experience_id": 1001,
        "goal_id": 11,
        "report_type": "cumulative",
        "days": [
            {
                "date": "2024-03-01",
                "timestamp": 1_709_251_200,
                "variations": [{"variation_id": 501, "visitors": 90, "value": 3.5}],
            }
        ],
    },
    "DailyReportDay": {
        "date": "2024-03-01",
        "timestamp": 1_709_251_200,
        "variations": [{"variation_id": 501, "visitors": 90, "conversions": 4}],
    },
    "DailyReportVariation": {"variation_id": 501, "visitors": 90, "conversions": 4, "value": 4.4},
    "DebugToken": {"token": "dbg-abc", "expiration": 1_700_003_600},
    "Domain": {"id": 800001, "url": "https://www.example.com", "code_installed": True},
    "Experience": {
        "id": 1001,
        "project": 2001,
        "name": "Homepage headline",
        "key": "homepage-headline",
        "status": "active",
        "type": "a/b",
        "traffic_distribution": 100,
        "goals": [11, {"id": 12, "name": "Signup"}],
        "variations": [{"id": 501, "name": "Original", "is_baseline": True}],
        "environments": ["production"],
    },
    "ExperienceChange": {
        "id": 9001,
        "type": "customCode",
        "data": {"js": "console.log(1)", "css": ""},
    },
    "ExperienceSection": {
        "id": "s1",
        "name": "Headline",
        "versions": ["v1", {"id": "v2", "name": "Bold", "changes": [9001]}],
    },
    "Feature": {
        "id": 4001,
        "name": "New checkout",
        "key": "new_checkout",
        "status": "active",
        "variables": [{"key": "enabled", "type": "boolean"}],
    },
    "Goal": {
        "id": 11,
        "name": "Purchase",
        "key": "purchase",
        "is_system": False,
        "status": "active",
        "type": "revenue",
        "triggering_rule": {"OR": []},
    },
    "Hypothesis": {
        "id": 601,
        "name": "Green CTA",
        "project": 2001,
        "status": "applied",
        "start_date": "2024-01-15",
        "prioritization_score_type": "PIE",
        "experiences": [1001, {"id": 1002, "name": "CTA colour"}],
        "tags": [71],
    },
    "ImportResult": {"code": 200, "message": "Imported", "imported": {"goals": 3, "audiences": 1}},
    "KnowledgeBase": {
        "id": 701,
        "name": "Green CTA lifted signups",
        "project": 2001,
        "status": "active",
        "summary": "Proven",
        "updated_at": 1_700_000_000,
        "experiences": [1001],
    },
    "LiveDataEntry": {
        "event_type": "conversion",
        "timestamp": 1_700_000_000,
        "project": 2001,
        "experience_id": 1001,
        "goal_id": 11,
        "revenue": 49.9,
    },
    "Location": {
        "id": 401,
        "name": "Product pages",
        "status": "active",
        "selected_default": True,
        "rules": {"OR": []},
        "trigger": {"type": "upon_run"},
    },
    "LocationPreset": {"id": 1, "name": "All Pages", "preset": True},
    "MfaSecret": {"mfa_secret": "JBSWY3DPEHPK3PXP"},
    "Observation": {
        "id": 801,
        "name": "Drop-off on pricing page",
        "project": 2001,
        "status": "active",
        "created_at": 1_700_000_000,
        "tags": [71, {"id": 72, "name": "Pricing"}],
    },
    "PartnerStatus": {"email": "partner@example.com", "allowed": True, "alreadyGranted": False},
    "PaymentMethodSetup": {"client_secret": "seti_123_secret_456"},
    "Project": {
        "id": 2001,
        "name": "Main site",
        "project_type": "web",
        "status": "active",
        "accessRole": "owner",
        "account_id": 100123,
        "default_goals": [11, {"id": 12, "name": "Signup"}],
        "domains": [{"id": 800001, "url": "https://www.example.com"}],
        "environments": {"production": {"label": "Production", "is_default": True}},
    },
    "RawDataExport": {"status": "queued", "message": "The link will be emailed"},
    "ReportDataDeletion": {"event_type": "conversion", "goals": [11], "count": 42},
    "ReportExport": {
        "url": "https://files.example.com/report.csv",
        "report_type": "csv_aggregated",
    },
    "ReportGoal": {"goal_id": 11, "goal_name": "Purchase", "variations": [{"variation_id": 501}]},
    "ReportSettings": {
        "experience_id": 1001,
        "stats_engine": "frequentist",
        "confidence_level": 95,
        "outliers": {"revenue": {"method": "none"}},
    },
    "ReportToken": {"id": 1001, "token": "rpt-abc", "expiration": 1_700_086_400},
    "ReportVariation": {
        "variation_id": 501,
        "variation_name": "Original",
        "visitors": 1200,
        "conversions": 48,
        "conversion_rate": 4.0,
    },
    "SdkKey": {
        "name": "Production backend",
        "sdk_key": "100123-2001-prod",
        "sdk_secret": "abc12*****123",
        "environment": "production",
        "status": "enabled",
    },
    "SectionVersion": {"id": "v1", "name": "Original", "changes": [9001], "variations": [501]},
    "SignalSession": {
        "id": "sig-9f8e",
        "recordingId": "rec-1",
        "duration": 73.5,
        "pageCount": 4,
        "entryPage": "https://www.example.com/",
        "device": "mobile",
    },
    "StatusReply": {"code": 200, "message": "Deleted"},
    "Tag": {"id": 71, "name": "Q3 campaigns", "description": "Summer push"},
    "TrafficAllocationDay": {
        "date": "2024-03-01",
        "timestamp": 1_709_251_200,
        "variations": [{"variation_id": 501, "allocation": 62.5}],
    },
    "TrafficAllocationReport": {
        "experience_id": 1001,
        "days": [{"date": "2024-03-01", "variations": [{"variation_id": 502, "allocation": 37.5}]}],
    },
    "TrafficAllocationVariation": {"variation_id": 501, "allocation": 62.5},
    "UploadedFile": {
        "url": "https://files.example.com/p/brief.pdf",
        "key": "p/brief.pdf",
        "file_name": "brief.pdf",
        "file_size": 10240,
        "status": "success",
    },
    "UploadedImage": {"cdn_url": "https://cdn.example.com/p/hero.jpg", "key": "p/hero.jpg"},
    "User": {
        "profileData": {"email": "dana@example.com"},
        "preferences": {"theme": "dark"},
        "isSudo": False,
        "mfa_backup_codes": [["1234", "5678"]],
    },
    "Variation": {
        "id": 501,
        "name": "Original",
        "is_baseline": True,
        "traffic_distribution": 50.5,
        "status": "running",
        "changes": [9001, {"id": 9002, "type": "customCode"}],
    },
}

# Enum-like fields (wire names) per model: a value the SDK has never seen must still decode.
ENUM_FIELDS: dict[str, list[str]] = {
    "Account": ["accountType", "accessRole"],
    "AccessRole": ["name"],
    "ApiKey": ["auth_type"],
    "Audience": ["status", "type"],
    "AudiencePreset": ["type"],
    "ChangeHistoryEntry": ["event", "object", "method"],
    "CookieAuthReply": ["auth-code"],
    "DailyReport": ["report_type"],
    "Experience": ["status", "type"],
    "ExperienceChange": ["type"],
    "Feature": ["status"],
    "Goal": ["status", "type"],
    "Hypothesis": ["status", "prioritization_score_type"],
    "KnowledgeBase": ["status"],
    "LiveDataEntry": ["event_type"],
    "Location": ["status"],
    "Observation": ["status"],
    "Project": ["project_type", "status", "accessRole"],
    "RawDataExport": ["status"],
    "ReportDataDeletion": ["event_type"],
    "ReportExport": ["report_type"],
    "ReportSettings": ["stats_engine"],
    "SdkKey": ["status"],
    "UploadedFile": ["status"],
    "Variation": ["status"],
}

# Models for real entities: their id is required.
REQUIRES_ID = [
    "Account",
    "Audience",
    "Domain",
    "Experience",
    "ExperienceChange",
    "ExperienceSection",
    "Feature",
    "Goal",
    "Hypothesis",
    "KnowledgeBase",
    "Location",
    "Observation",
    "Project",
    "ReportToken",
    "SectionVersion",
    "SignalSession",
    "Tag",
    "Variation",
]


def _decode(value: Any, type_: Any) -> Any:
    return decode_json(msgspec.json.encode(value), type_, operation="test")


def _list_of(model: type[ResponseModel]) -> Any:
    """``list[model]`` for a model only known at run time."""
    return list.__class_getitem__(model)


def _outcome(payload: bytes, type_: Any, operation: str) -> Any:
    """The decoded value, or the APIResponseValidationError raised; anything else propagates."""
    try:
        return decode_json(payload, type_, operation=operation)
    except APIResponseValidationError as exc:
        return exc


def _wire(obj: Any) -> Any:
    """The decoded object back in wire form (renamed fields under their API names)."""
    return msgspec.to_builtins(obj)


def test_every_export_is_a_response_model() -> None:
    for name in models.__all__:
        cls = getattr(models, name)
        assert isinstance(cls, type), name
        assert issubclass(cls, msgspec.Struct), name
        assert issubclass(cls, ResponseModel), name


def test_every_model_has_a_sample() -> None:
    assert sorted(SAMPLES) == MODEL_NAMES


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sample_decodes_to_its_values(name: str) -> None:
    model = getattr(models, name)
    sample = SAMPLES[name]
    decoded = _decode(sample, model)
    assert isinstance(decoded, model)
    wire = _wire(decoded)
    for key, value in sample.items():
        assert wire.get(key) == value, key


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_sample_decodes_inside_a_list(name: str) -> None:
    model = getattr(models, name)
    decoded = _decode([SAMPLES[name], SAMPLES[name]], _list_of(model))
    assert len(decoded) == 2
    assert all(isinstance(item, model) for item in decoded)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_unknown_fields_and_enum_values_still_decode(name: str) -> None:
    model = getattr(models, name)
    sample = copy.deepcopy(SAMPLES[name])
    sample["field_added_next_year"] = {"nested": [1, "two", None]}
    for field in ENUM_FIELDS.get(name, []):
        sample[field] = "value_added_next_year"
    wire = _wire(_decode(sample, model))
    assert "field_added_next_year" not in wire
    for field in ENUM_FIELDS.get(name, []):
        assert wire[field] == "value_added_next_year"


@pytest.mark.parametrize("name", REQUIRES_ID)
def test_entities_require_an_id(name: str) -> None:
    sample = {k: v for k, v in SAMPLES[name].items() if k != "id"}
    with pytest.raises(APIResponseValidationError):
        _decode(sample, getattr(models, name))


def test_renamed_fields_read_under_python_names() -> None:
    auth = _decode(SAMPLES["CookieAuthReply"], models.CookieAuthReply)
    assert auth.auth_code == "NEW_PASSWORD_REQUIRED"
    user = _decode(SAMPLES["User"], models.User)
    assert user.is_sudo is False
    assert user.profile_data == {"email": "dana@example.com"}
    partner = _decode(SAMPLES["PartnerStatus"], models.PartnerStatus)
    assert partner.already_granted is False
    entry = _decode(SAMPLES["ChangeHistoryEntry"], models.ChangeHistoryEntry)
    assert entry.object_type == "experience"
    session = _decode(SAMPLES["SignalSession"], models.SignalSession)
    assert (session.recording_id, session.page_count) == ("rec-1", 4)


def test_expandable_references_decode_as_ids_or_objects() -> None:
    exp = _decode(SAMPLES["Experience"], models.Experience)
    assert exp.goals is not None
    assert exp.goals[0] == 11
    assert isinstance(exp.goals[1], models.Goal)
    assert exp.goals[1].name == "Signup"
    expanded = _decode({"id": 1, "project": {"id": 2001, "name": "Main"}}, models.Experience)
    assert isinstance(expanded.project, models.Project)
    section = _decode(SAMPLES["ExperienceSection"], models.ExperienceSection)
    assert section.versions is not None
    assert section.versions[0] == "v1"
    assert isinstance(section.versions[1], models.SectionVersion)


def test_status_message_may_be_a_list() -> None:
    reply = _decode({"code": 422, "message": ["bad include"]}, models.StatusReply)
    assert reply.message == ["bad include"]
    bulk = _decode({"code": 200, "message": "OK"}, models.BulkStatusReply)
    assert bulk.errors == []


# -- fuzzing ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=8,
)


def _mutated_sample(name: str) -> st.SearchStrategy[Any]:
    """The model's sample with one field (maybe the id) swapped for an arbitrary value."""
    sample = SAMPLES[name]
    keys = [*sorted(sample), "id"]

    def swap(key: str, value: Any) -> dict[str, Any]:
        mutated = copy.deepcopy(sample)
        mutated[key] = value
        return mutated

    return st.builds(swap, st.sampled_from(keys), json_values)


def _payloads(name: str, as_list: bool) -> st.SearchStrategy[bytes]:
    documents: st.SearchStrategy[Any] = json_values | _mutated_sample(name)
    if as_list:
        documents = documents | st.lists(_mutated_sample(name), max_size=3)
    return documents.map(msgspec.json.encode) | st.binary(max_size=64)


FUZZ_CASES = [(name, as_list) for name in MODEL_NAMES for as_list in (False, True)]


@pytest.mark.parametrize(
    ("name", "as_list"),
    FUZZ_CASES,
    ids=[f"{name}-{'list' if as_list else 'one'}" for name, as_list in FUZZ_CASES],
)
def test_arbitrary_input_decodes_or_raises_validation_error(name: str, as_list: bool) -> None:
    model = getattr(models, name)
    target: Any = _list_of(model) if as_list else model

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(_payloads(name, as_list))
    def check(payload: bytes) -> None:
        result = _outcome(payload, target, f"fuzz_{name}")
        if isinstance(result, APIResponseValidationError):
            assert result.operation == f"fuzz_{name}"
        elif as_list:
            assert all(isinstance(item, model) for item in result)
        else:
            assert isinstance(result, model)

    check()
