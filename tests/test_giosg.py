"""giosg Experiments: every catalog operation against ``FakeGiosg``, cursor pagination, the
seed's validation rules (checked before sending), both auth schemes and the reporting host."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any

import pytest

from convert_async import (
    APIResponseValidationError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    RequestValidationError,
)
from convert_async.giosg import (
    OPERATIONS,
    Experiment,
    ExperimentGroup,
    GiosgBearerAuth,
    GiosgClient,
    GiosgTokenAuth,
    GroupGoalRule,
    parse_giosg_error,
)
from convert_async.testing import FakeGiosg
from tests.conftest import ScriptedServer, json_reply

pytestmark = pytest.mark.anyio

CATALOG: list[dict[str, Any]] = json.loads(
    resources.files("convert_async.testing")
    .joinpath("data/giosg-experiments-operations.json")
    .read_text(encoding="utf-8")
)
ORG = FakeGiosg.ORGANIZATION_ID
LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
GROUPS = [
    ExperimentGroup(name="A", percentage=90, group_type="control", treatment={"name": "Rule-A"}),
    ExperimentGroup(name="B", percentage=10, group_type="user_defined"),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeGiosg]:
    async with FakeGiosg() as server:
        yield server


@pytest.fixture
async def client(fake: FakeGiosg) -> AsyncIterator[GiosgClient]:
    async with GiosgClient(
        token=fake.TOKEN, base_url=fake.url, reporting_base_url=fake.reporting_url
    ) as api:
        yield api


def _published(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "organization_id": ORG,
        "is_draft": False,
        "name": "Hello experiment",
        "goal_id": FakeGiosg.GOAL_ID,
        "groups": GROUPS,
        "room_ids": [],
        "starts_at": LATER,
        "ends_at": LATER + dt.timedelta(days=14),
        "group_reset_interval": "full",
    }
    fields.update(overrides)
    return fields


# -- conformance ----------------------------------------------------------------------------------


def test_registry_matches_the_catalog() -> None:
    catalog = {entry["operation"]: entry for entry in CATALOG}
    assert set(OPERATIONS) == set(catalog)
    for name, op in OPERATIONS.items():
        entry = catalog[name]
        assert (op.http_method, op.path) == (entry["method"], entry["path"])
        assert op.paginated is (entry["paginated"]["style"] == "cursor")
        assert (op.base == "reporting") is ("reporting" in entry["base_url"])


async def _call(name: str, client: GiosgClient, fake: FakeGiosg) -> Any:
    experiments = client.experiments
    first = next(iter(fake.experiments[ORG]))
    if name == "list_experiments":
        return await experiments.list(organization_id=ORG)
    if name == "get_experiment":
        return await experiments.get(organization_id=ORG, experiment_id=first)
    if name == "create_experiment":
        return await experiments.create(**_published())
    if name == "update_experiment":
        future = next(
            i for i, e in fake.experiments[ORG].items() if e["starts_at"] > e["created_at"]
        )
        return await experiments.update(experiment_id=future, **_published(name="Renamed"))
    if name == "delete_experiment":
        return await experiments.delete(organization_id=ORG, experiment_id=first)
    assert name == "get_experiment_weekly_results"
    return await experiments.get_weekly_results(
        organization_id=ORG,
        experiment_id=first,
        start_date=dt.date(2024, 3, 4),
        end_date=dt.date(2024, 3, 17),
        group_goal_rule_ids=[GroupGoalRule(group_id="g1", goal_id="o1", rule_id="r1")],
        control_group_goal_rule_id=GroupGoalRule(group_id="g0", goal_id="o1", rule_id="r1"),
    )


@pytest.mark.parametrize("entry", CATALOG, ids=[e["operation"] for e in CATALOG])
async def test_operation_conforms_to_the_catalog(
    entry: dict[str, Any], fake: FakeGiosg, client: GiosgClient
) -> None:
    result = await _call(entry["operation"], client, fake)
    recorded = fake.requests_for(entry["operation"])
    assert len(recorded) == 1, [(r.method, r.raw_path, r.status) for r in fake.requests]
    request = recorded[0]
    assert request.method == entry["method"]
    prefix = "/api/reporting/v3" if "reporting" in entry["base_url"] else "/api/v5"
    assert request.raw_path.startswith(prefix + "/orgs/" + ORG + "/experiments")
    assert request.headers["Authorization"] == f"Token {fake.TOKEN}"
    assert request.headers["Accept"] == "application/json"
    sent = request.json()
    if entry["body"] is None:
        assert sent is None
    else:
        allowed = {field["name"] for field in entry["body"]["fields"]}
        required = {field["name"] for field in entry["body"]["fields"] if field["required"]}
        assert required <= set(sent) <= allowed
    expected_status = {"create_experiment": 201, "delete_experiment": 204}
    assert request.status == expected_status.get(entry["operation"], 200)
    kind = entry["response"]["kind"]
    if entry["operation"] == "list_experiments":
        assert all(isinstance(item, Experiment) for item in result.items)
    elif kind == "status":
        assert result is None
    elif entry["operation"] == "get_experiment_weekly_results":
        assert {row["week"] for row in result["results"]} == {"2024-03-04", "2024-03-11"}
    else:
        assert isinstance(result, Experiment)
        assert result.id in fake.experiments[ORG]


async def test_create_sends_the_seed_payload_and_decodes_the_reply(
    fake: FakeGiosg, client: GiosgClient
) -> None:
    created = await client.experiments.create(**_published())
    body = fake.requests_for("create_experiment")[0].json()
    assert body["groups"][0] == {
        "name": "A",
        "percentage": 90,
        "group_type": "control",
        "treatment": {"name": "Rule-A"},
    }
    assert body["starts_at"].endswith(("Z", "+00:00"))
    assert created.groups is not None
    assert [(g.name, g.percentage, g.order) for g in created.groups] == [("A", 90, 0), ("B", 10, 1)]
    assert created.goal is not None
    assert created.goal.id == FakeGiosg.GOAL_ID


# -- cursor pagination ----------------------------------------------------------------------------


async def test_list_follows_next_links_over_several_pages(
    fake: FakeGiosg, client: GiosgClient
) -> None:
    names = [e.name async for e in client.experiments.list(organization_id=ORG)]
    assert names == [e["name"] for e in fake.experiments[ORG].values()]
    assert len(names) == 7
    requests = fake.requests_for("list_experiments")
    assert len(requests) == 3  # pages of 3, 3 and 1
    assert "cursor" not in requests[0].query
    assert all("cursor" in r.query for r in requests[1:])


async def test_pages_report_whether_another_follows(fake: FakeGiosg, client: GiosgClient) -> None:
    pages = [page async for page in client.experiments.list(organization_id=ORG).pages()]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert [p.has_next_page() for p in pages] == [True, True, False]
    assert pages[0].next_url is not None
    assert pages[0].next_url.startswith(fake.url)
    first = await client.experiments.list(organization_id=ORG)
    assert [e.id for e in first.items] == [e.id for e in pages[0].items]


async def test_breaking_out_stops_fetching(fake: FakeGiosg, client: GiosgClient) -> None:
    async for _ in client.experiments.list(organization_id=ORG):
        break
    assert len(fake.requests_for("list_experiments")) == 1


async def test_a_next_link_to_another_host_is_not_followed(server: ScriptedServer) -> None:
    page = {"next": "https://elsewhere.example/api/v5/orgs/x?cursor=2", "results": [{"id": "1"}]}
    server.then(json_reply(page))
    async with GiosgClient(token="t", base_url=server.url) as api:
        seen = []
        with pytest.raises(APIResponseValidationError) as info:
            async for experiment in api.experiments.list(organization_id=ORG):
                seen.append(experiment.id)
    assert seen == ["1"]
    assert info.value.field == "$.next"
    assert len(server.seen) == 1


# -- validation before sending --------------------------------------------------------------------

_BAD_CREATES: list[tuple[dict[str, Any], str]] = [
    ({"groups": [ExperimentGroup(name="A", percentage=60, group_type="control")]}, "groups"),
    ({"goal_id": None}, "goal_id"),
    ({"room_ids": None}, "room_ids"),
    ({"starts_at": None}, "starts_at"),
    ({"name": None}, "name"),
    ({"groups": [ExperimentGroup(name="A", percentage=100)]}, "groups[0].group_type"),
    ({"group_reset_interval": "2w"}, "group_reset_interval"),
    ({"starts_at": dt.datetime(2030, 1, 1)}, "starts_at"),  # no time zone
    ({"ends_at": LATER - dt.timedelta(days=1)}, "ends_at"),
    (
        {"groups": [ExperimentGroup(name="A", percentage=101, group_type=None)]},
        "groups[0].percentage",
    ),
    (
        {"groups": [ExperimentGroup(name="A", percentage=100, group_type="winner")]},  # type: ignore[arg-type]
        "groups[0].group_type",
    ),
]


@pytest.mark.parametrize(("change", "field"), _BAD_CREATES, ids=[f for _, f in _BAD_CREATES])
async def test_invalid_create_is_refused_before_sending(
    change: dict[str, Any], field: str, fake: FakeGiosg, client: GiosgClient
) -> None:
    fields = _published(**change)
    for name in [k for k, v in change.items() if v is None]:
        del fields[name]
    with pytest.raises(RequestValidationError) as info:
        await client.experiments.create(**fields)
    assert info.value.field == field
    assert fake.requests == []


async def test_a_draft_needs_only_is_draft(fake: FakeGiosg, client: GiosgClient) -> None:
    draft = await client.experiments.create(organization_id=ORG, is_draft=True)
    assert draft.is_draft is True
    assert fake.requests_for("create_experiment")[0].json() == {"is_draft": True}


async def test_update_of_a_published_experiment_needs_name_and_groups(
    fake: FakeGiosg, client: GiosgClient
) -> None:
    experiment_id = next(iter(fake.experiments[ORG]))
    with pytest.raises(RequestValidationError) as info:
        await client.experiments.update(
            organization_id=ORG, experiment_id=experiment_id, is_draft=False, groups=GROUPS
        )
    assert info.value.field == "name"
    assert fake.requests == []


# -- server-side rules, errors, auth --------------------------------------------------------------


async def test_started_experiment_keeps_read_only_fields(
    fake: FakeGiosg, client: GiosgClient
) -> None:
    # Seeded "Experiment 3" started yesterday and runs for two weeks.
    started = next(e for e in fake.experiments[ORG].values() if e["name"] == "Experiment 3")
    updated = await client.experiments.update(
        organization_id=ORG,
        experiment_id=started["id"],
        is_draft=False,
        name="Renamed while running",
        groups=[ExperimentGroup(name="A", percentage=50), ExperimentGroup(name="B", percentage=50)],
        goal_id="11111111-2222-4333-8444-555555555555",
    )
    assert updated.name == "Renamed while running"
    assert updated.goal_id == FakeGiosg.GOAL_ID  # read-only once started


async def test_server_errors_are_parsed_from_drf_bodies(
    fake: FakeGiosg, client: GiosgClient
) -> None:
    ended = next(iter(fake.experiments[ORG].values()))
    ended["ends_at"] = "2020-01-01T00:00:00.000Z"
    with pytest.raises(BadRequestError) as info:
        await client.experiments.update(
            organization_id=ORG, experiment_id=ended["id"], is_draft=False, name="x", groups=GROUPS
        )
    assert info.value.message == "Experiment has ended and cannot be updated."
    with pytest.raises(NotFoundError):
        await client.experiments.get(organization_id=ORG, experiment_id="missing")


def test_field_errors_become_parameters() -> None:
    details = parse_giosg_error(b'{"name": ["This field is required."], "non_field_errors": ["x"]}')
    assert details.parameters == ["name"]
    assert details.message == "name: This field is required.; non_field_errors: x"
    assert parse_giosg_error(b"<html>").message is None


async def test_bearer_tokens_and_wrong_tokens(fake: FakeGiosg) -> None:
    async with GiosgClient(GiosgBearerAuth(fake.BEARER_TOKEN), base_url=fake.url) as api:
        first = await api.experiments.list(organization_id=ORG)
    assert first.items
    assert fake.requests[-1].headers["Authorization"] == f"Bearer {fake.BEARER_TOKEN}"
    async with GiosgClient(GiosgTokenAuth("wrong"), base_url=fake.url) as api:
        with pytest.raises(AuthenticationError) as info:
            await api.experiments.get(organization_id=ORG, experiment_id="x")
    assert "credentials" in (info.value.message or "")
    assert "wrong" not in repr(GiosgTokenAuth("wrong"))


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIOSG_API_TOKEN", "from-env")
    client = GiosgClient()
    assert client._http.auth is not None
    assert client._http.auth.headers("GET", "", b"") == {"Authorization": "Token from-env"}
    with pytest.raises(ConfigurationError, match="either"):
        GiosgClient(GiosgTokenAuth("a"), token="b")
    monkeypatch.delenv("GIOSG_API_TOKEN")
    with pytest.raises(ConfigurationError, match="no credentials"):
        GiosgClient()


async def test_weekly_results_use_the_reporting_host(fake: FakeGiosg) -> None:
    async with GiosgClient(token=fake.TOKEN, base_url=fake.url) as api:
        assert api.reporting_base_url == "https://api.giosg.com/api/reporting/v3"
    async with GiosgClient(
        token=fake.TOKEN, base_url=fake.url, reporting_base_url=fake.reporting_url
    ) as api:
        with pytest.raises(RequestValidationError) as info:
            await api.experiments.get_weekly_results(
                organization_id=ORG,
                experiment_id="x",
                start_date=dt.date(2024, 3, 10),
                end_date=dt.date(2024, 3, 1),
                group_goal_rule_ids=[GroupGoalRule(group_id="g", goal_id="o", rule_id="r")],
            )
        assert info.value.field == "end_date"
    assert fake.requests == []


async def test_base_urls_come_from_the_environment(
    fake: FakeGiosg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIOSG_BASE_URL", fake.url)
    monkeypatch.setenv("GIOSG_REPORTING_BASE_URL", fake.reporting_url)
    async with GiosgClient(token=fake.TOKEN) as api:
        assert api.base_url == fake.url
        assert api._http.url_for("/x", base="reporting").startswith(fake.reporting_url)
