"""Round trips through the SDK against ``FakeConvert``: create, read, update, delete, clone,
bulk changes, list filters, reports, uploads and downloads.

Expected values come from what the test itself sent or read back through the SDK, never from
the fake's internals.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypedDict, TypeVar, overload

import msgspec
import pytest

from convert_async import (
    AuthenticationError,
    ConvertClient,
    HmacAuth,
    NotFoundError,
    RequestValidationError,
    SecretKeyAuth,
)
from convert_async.testing import FakeConvert, FakeStore, RecordedRequest
from convert_async.testing._multipart import FormFile
from convert_async.v2 import models, requests

pytestmark = pytest.mark.anyio

ACCOUNT = FakeStore.ACCOUNT_ID
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"\r\n--boundary-lookalike\r\n"

T = TypeVar("T")


class AccountScope(TypedDict):
    account_id: int


class ProjectScope(TypedDict):
    account_id: int
    project_id: int


Scope = AccountScope | ProjectScope


def known(value: T | None) -> T:
    """``value``, a field the server always fills in (the spec leaves most fields optional)."""
    assert value is not None
    return value


@dataclass
class Env:
    fake: FakeConvert
    client: ConvertClient
    project_id: int

    @overload
    def scope(self, level: Literal["project"] = ...) -> ProjectScope: ...
    @overload
    def scope(self, level: str) -> Scope: ...
    def scope(self, level: str = "project") -> Scope:
        if level == "account":
            return {"account_id": ACCOUNT}
        return {"account_id": ACCOUNT, "project_id": self.project_id}


@pytest.fixture
async def env(fake_convert: FakeConvert) -> AsyncIterator[Env]:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake_convert.url) as client:
        projects = await client.projects.list(account_id=ACCOUNT)
        yield Env(fake_convert, client, min(known(p.id) for p in projects.items))


def last_request(env: Env, operation: str) -> RecordedRequest:
    requests = env.fake.requests_for(operation)
    assert requests, f"no {operation} request was sent"
    return requests[-1]


async def list_all(resource: Any, **scope: Any) -> dict[int, Any]:
    return {item.id: item async for item in resource.list(**scope)}


def holds(actual: Any, expected: Any) -> bool:
    """``actual`` (a reply field) carries ``expected`` (what was sent): equal scalars and lists
    of the same length; a sent object's fields all present and holding (the reply may add
    fields the server fills in)."""
    actual = msgspec.to_builtins(actual)
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            name in actual and holds(actual[name], value) for name, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(holds(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


# -- create / get / update / delete ---------------------------------------------------------------


@dataclass(frozen=True)
class Crud:
    resource: str
    id_param: str
    create: dict[str, Any]
    update: dict[str, Any]
    update_method: str = "update"
    level: str = "project"
    bulk_update: dict[str, Any] = field(default_factory=dict)
    #: The request union a body is converted to, where the method takes ``body=`` (a oneOf
    #: in the spec) rather than keyword arguments.
    create_body: Any = None
    update_body: Any = None
    #: The discriminator an update body needs to pick its variant (sent, not asserted on).
    update_tag: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.resource

    async def create_with(self, resource: Any, scope: Scope, fields: dict[str, Any]) -> Any:
        if self.create_body is None:
            return await resource.create(**scope, **fields)
        return await resource.create(**scope, body=msgspec.convert(fields, self.create_body))

    async def update_with(
        self, resource: Any, scope: Scope, ident: dict[str, Any], fields: dict[str, Any]
    ) -> Any:
        method = getattr(resource, self.update_method)
        if self.update_body is None:
            return await method(**scope, **ident, **fields)
        body = msgspec.convert({**self.update_tag, **fields}, self.update_body)
        return await method(**scope, **ident, body=body)


CRUD = [
    Crud(
        "experiences",
        "experience_id",
        create={
            "name": "Checkout: Trust Badges",
            "status": "draft",
            "type": "a/b",
            "url": "https://www.acme-digital.com/checkout",
        },
        update={"name": "Checkout: Trust Badges v2", "description": "Badges above the fold"},
        bulk_update={"status": "archived"},
    ),
    Crud(
        "goals",
        "goal_id",
        create={
            "name": "Clicked Buy Now",
            "type": "clicks_element",
            "settings": {"selector": "#buy-now"},
            "triggering_rule": None,
            "description": "Main CTA on product pages",
        },
        update={"name": "Clicked Buy Now (all pages)", "status": "archived"},
        bulk_update={"status": "archived"},
        create_body=requests.CreateGoalRequestData,
        update_body=requests.UpdateGoalRequestData,
        update_tag={"type": "clicks_element"},
    ),
    Crud(
        "hypotheses",
        "hypothesis_id",
        create={
            "name": "Trust badges lift checkout completion",
            "status": "draft",
            "prioritization_score_type": "PIE",
            "prioritization_score_attributes": {"potential": 3, "importance": 4, "ease": 5},
        },
        update={"objective": "Reduce checkout anxiety", "status": "applied"},
        bulk_update={"status": "archived"},
        create_body=requests.CreateHypothesisRequestData,
        update_body=requests.UpdateHypothesisRequestData,
        update_tag={"prioritization_score_type": "PIE"},
    ),
    Crud(
        "knowledge_bases",
        "knowledge_base_id",
        create={"name": "Badges work on mobile", "summary": "Seen in three tests."},
        update={"status": "archived"},
        update_method="update_status",
        bulk_update={"status": "archived"},
    ),
    Crud(
        "observations",
        "observation_id",
        create={"name": "Users hesitate at payment", "description": "Heatmaps show dwell."},
        update={"name": "Users hesitate at the payment step", "status": "archived"},
        bulk_update={"status": "archived"},
    ),
    Crud(
        "locations",
        "location_id",
        create={
            "name": "Blog",
            "rules": {
                "OR": [
                    {
                        "AND": [
                            {
                                "OR_WHEN": [
                                    {
                                        "rule_type": "url",
                                        "matching": {"match_type": "contains"},
                                        "value": "/blog",
                                    }
                                ]
                            }
                        ]
                    }
                ]
            },
        },
        update={"name": "Blog and news", "description": "Editorial pages"},
        bulk_update={"status": "archived"},
    ),
    Crud(
        "audiences",
        "audience_id",
        create={"name": "Tablet users", "type": "transient", "rules": None},
        update={"name": "Tablet and phone users", "type": "permanent"},
        bulk_update={"status": "archived"},
        create_body=requests.CreateAudienceRequestData,
        update_body=requests.UpdateAudienceRequestData,
    ),
    Crud(
        "domains",
        "domain_id",
        create={"url": "https://blog.acme-digital.com"},
        update={"url": "https://news.acme-digital.com", "code_installed": True},
    ),
    Crud(
        "tags",
        "tag_id",
        create={"name": "Pricing"},
        update={"name": "Pricing Q4", "description": "Pricing page work"},
    ),
    Crud(
        "features",
        "feature_id",
        create={
            "name": "Dark mode",
            "key": "dark_mode",
            "variables": [{"key": "enabled", "type": "boolean", "default_value": False}],
        },
        update={"name": "Dark theme", "status": "archived"},
        bulk_update={"status": "archived"},
    ),
    Crud(
        "projects",
        "project_id",
        create={"name": "Acme Careers", "project_type": "web"},
        update={"name": "Acme Careers Site"},
        level="account",
        bulk_update={"settings": {"tracking_script": {"current_version": "2.4.1"}}},
    ),
]


def _scope_for(env: Env, case: Crud) -> Scope:
    return env.scope(case.level)


@pytest.mark.parametrize("case", CRUD, ids=lambda c: c.id)
async def test_create_get_update_delete(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = _scope_for(env, case)

    created = await case.create_with(resource, scope, case.create)
    for name, value in case.create.items():
        assert holds(getattr(created, name), value), name
    ident = {case.id_param: created.id}
    assert await resource.get(**scope, **ident) == created

    updated = await case.update_with(resource, scope, ident, case.update)
    assert updated.id == created.id
    for name, value in case.update.items():
        assert not holds(getattr(created, name), value), f"{name} was already {value!r}"
        assert holds(getattr(updated, name), value), name
    fetched = await resource.get(**scope, **ident)
    assert fetched == updated
    untouched = {k: v for k, v in case.create.items() if k not in case.update}
    for name, value in untouched.items():
        assert holds(getattr(fetched, name), value), name

    await resource.delete(**scope, **ident)
    with pytest.raises(NotFoundError):
        await resource.get(**scope, **ident)
    with pytest.raises(NotFoundError):
        await resource.delete(**scope, **ident)


async def test_sdk_key_round_trip(env: Env) -> None:
    keys = env.client.sdk_keys
    scope = env.scope()
    created = await keys.create(**scope, name="Staging", environment="staging", has_secret=True)
    assert created.sdk_key
    assert created.sdk_secret
    assert (created.name, created.environment) == ("Staging", "staging")
    listed = {k.sdk_key: k async for k in keys.list(**scope)}
    assert listed[created.sdk_key].name == "Staging"
    shown_later = listed[created.sdk_key].sdk_secret
    assert shown_later  # the key still has a secret ...
    assert shown_later != created.sdk_secret  # ... but only the creation shows it in full
    assert "*****" in shown_later

    updated = await keys.update(**scope, sdk_key=created.sdk_key, name="Staging EU")
    assert updated.name == "Staging EU"
    assert updated.sdk_secret != created.sdk_secret
    listed = {k.sdk_key: k async for k in keys.list(**scope)}
    assert listed[created.sdk_key].name == "Staging EU"

    await keys.delete(**scope, sdk_key=created.sdk_key)
    assert created.sdk_key not in {k.sdk_key async for k in keys.list(**scope)}
    with pytest.raises(NotFoundError):
        await keys.update(**scope, sdk_key=created.sdk_key, name="Gone")


async def test_api_key_round_trip_and_the_new_key_authenticates(env: Env) -> None:
    keys = env.client.api_keys
    created = await keys.create(account_id=ACCOUNT, name="Nightly export", auth_type="secretKey")
    assert created.key_id
    assert created.key_secret
    listed = {k.key_id: k async for k in keys.list(account_id=ACCOUNT)}
    assert listed[created.key_id].name == "Nightly export"
    shown_later = listed[created.key_id].key_secret
    assert shown_later  # masked: only the creation shows the secret in full
    assert shown_later != created.key_secret

    bearer = SecretKeyAuth(created.key_id, created.key_secret)
    async with ConvertClient(bearer, base_url=env.fake.url) as other:
        account = await other.accounts.get(account_id=ACCOUNT)
        assert account.id == ACCOUNT

        await keys.delete(account_id=ACCOUNT, key_id=created.key_id)
        assert created.key_id not in {k.key_id async for k in keys.list(account_id=ACCOUNT)}
        with pytest.raises(AuthenticationError):
            await other.accounts.get(account_id=ACCOUNT)
    with pytest.raises(NotFoundError):
        await keys.delete(account_id=ACCOUNT, key_id=created.key_id)


# -- clone ----------------------------------------------------------------------------------------

CLONABLE = [c for c in CRUD if c.resource in ("experiences", "goals", "locations", "audiences")]


@pytest.mark.parametrize("case", CLONABLE, ids=lambda c: c.id)
async def test_clone_copies_fields_under_a_new_id(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = env.scope()
    original = await case.create_with(resource, scope, case.create)

    clone = await resource.clone(**scope, **{case.id_param: original.id})
    assert clone.id != original.id
    assert original.name in clone.name
    ignored = {"id", "name", "key", "variations"}
    copied = {k: v for k, v in msgspec.structs.asdict(clone).items() if k not in ignored}
    source = {k: v for k, v in msgspec.structs.asdict(original).items() if k not in ignored}
    assert copied == source
    assert await resource.get(**scope, **{case.id_param: clone.id}) == clone
    assert await resource.get(**scope, **{case.id_param: original.id}) == original


async def test_experience_clone_copies_variations_with_new_ids(env: Env) -> None:
    scope = env.scope()
    drafts = await env.client.experiences.list(**scope, status=["draft"])
    original = await env.client.experiences.get(
        **scope, experience_id=known(drafts.items[0].id), include=["variations"]
    )
    clone = await env.client.experiences.clone(
        **scope, experience_id=known(original.id), include=["variations"]
    )
    assert original.variations
    assert clone.variations
    clone_variations = expanded_variations(clone)
    original_variations = expanded_variations(original)
    assert [(v.name, v.traffic_distribution, v.is_baseline) for v in clone_variations] == [
        (v.name, v.traffic_distribution, v.is_baseline) for v in original_variations
    ]
    assert not {v.id for v in clone_variations} & {v.id for v in original_variations}


def expanded_variations(experience: models.Experience) -> list[models.ExperienceVariationObject]:
    """The experience's variations as objects (the reply expands them on ``include``)."""
    variations = experience.variations or []
    assert all(isinstance(v, models.ExperienceVariationObject) for v in variations)
    return [v for v in variations if isinstance(v, models.ExperienceVariationObject)]


# -- bulk update / delete -------------------------------------------------------------------------


async def _at_least_three(env: Env, case: Crud) -> dict[int, Any]:
    resource = getattr(env.client, case.resource)
    scope = _scope_for(env, case)
    objects = await list_all(resource, **scope)
    for n in range(3 - len(objects)):
        fields = dict(case.create)
        if "name" in fields:
            fields["name"] = f"{fields['name']} {n}"
        if "key" in fields:
            fields["key"] = f"{fields['key']}_{n}"
        await case.create_with(resource, scope, fields)
    return await list_all(resource, **scope)


@pytest.mark.parametrize("case", [c for c in CRUD if c.bulk_update], ids=lambda c: c.id)
async def test_bulk_update_touches_exactly_the_given_ids(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = _scope_for(env, case)
    before = await _at_least_three(env, case)
    chosen = sorted(before)[:2]
    for ident in chosen:
        for name, value in case.bulk_update.items():
            assert not holds(getattr(before[ident], name), value)

    reply = await resource.bulk_update(**scope, id=[*chosen, 987_654_321], **case.bulk_update)
    assert reply.errors is not None
    assert [e.id for e in reply.errors] == [987_654_321]

    after = await list_all(resource, **scope)
    assert set(after) == set(before)
    for ident, obj in after.items():
        if ident in chosen:
            for name, value in case.bulk_update.items():
                assert holds(getattr(obj, name), value), name
        else:
            assert obj == before[ident]


BULK_DELETE = [c for c in CRUD if c.resource not in ("projects",)]


@pytest.mark.parametrize("case", BULK_DELETE, ids=lambda c: c.id)
async def test_bulk_delete_removes_exactly_the_given_ids(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = env.scope()
    before = await _at_least_three(env, case)
    chosen = sorted(before)[-2:]

    reply = await resource.bulk_delete(**scope, id=chosen)
    assert reply.errors == []

    after = await list_all(resource, **scope)
    assert set(after) == set(before) - set(chosen)
    assert all(after[i] == before[i] for i in after)
    with pytest.raises(NotFoundError):
        await resource.get(**scope, **{case.id_param: chosen[0]})


# -- list filters ---------------------------------------------------------------------------------

FILTERABLE = [
    c
    for c in CRUD
    if c.resource
    in ("experiences", "goals", "hypotheses", "knowledge_bases", "observations", "locations")
]


@pytest.mark.parametrize("case", FILTERABLE, ids=lambda c: c.id)
async def test_list_filters_by_status(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = env.scope()
    objects = await _at_least_three(env, case)
    # Make sure two statuses are present: archive one object.
    archived = sorted(objects)[0]
    await resource.bulk_update(**scope, id=[archived], status="archived")
    objects = await list_all(resource, **scope)
    statuses = {o.status for o in objects.values()}
    assert len(statuses) > 1

    for status in statuses:
        found = await list_all(resource, **scope, status=[status])
        assert set(found) == {i for i, o in objects.items() if o.status == status}
    assert archived in await list_all(resource, **scope, status=["archived"])


@pytest.mark.parametrize("case", FILTERABLE, ids=lambda c: c.id)
async def test_list_filters_by_search(env: Env, case: Crud) -> None:
    resource = getattr(env.client, case.resource)
    scope = env.scope()
    objects = await _at_least_three(env, case)
    wanted = objects[sorted(objects)[-1]].name
    term = wanted.split()[-1].upper()  # matching ignores case

    found = await list_all(resource, **scope, search=term)
    assert set(found) == {i for i, o in objects.items() if term.lower() in o.name.lower()}
    assert sorted(objects)[-1] in found
    assert await list_all(resource, **scope, search="no object is named like this") == {}


# -- reports --------------------------------------------------------------------------------------


async def _experience_with_goals(env: Env, status: str) -> Any:
    scope = env.scope()
    listed = env.client.experiences
    experiences = await list_all(listed, **scope, status=[status], include=["goals", "variations"])
    return next(e for e in experiences.values() if e.goals)


def goal_ids(experience: models.Experience) -> list[int]:
    """The experience's goals by id (whether or not the reply expanded them)."""
    found = [g if isinstance(g, int) else g.id for g in experience.goals or []]
    assert all(isinstance(g, int) for g in found)
    return [g for g in found if isinstance(g, int)]


def report_rows(report: models.ExperienceAggregatedReport) -> list[tuple[Any, ...]]:
    """(goal id, variation id, visitors, conversions) for every goal x variation."""
    return [
        (
            goal.goal_id,
            row.id,
            row.visitors,
            row.conversion_data.conversions if row.conversion_data else None,
        )
        for goal in report.report_data or []
        for row in goal.variations or []
    ]


def daily_points(daily: models.ExperienceDailyReport) -> list[tuple[int, int, int]]:
    """(day timestamp, variation id, visitors) for every data point of a daily report."""
    series = daily.report_data.variations if daily.report_data else None
    return [
        (int(point.timestamp or 0), int(variation.id or 0), int(point.visitors or 0))
        for variation in series or []
        for point in variation.stats or []
    ]


async def test_an_optional_field_comes_back_only_when_included(env: Env) -> None:
    """The spec's "Optional Fields" are left out of a reply unless the request includes them
    (a real server did so, and an export that counted on an experience's goals wrote no row)."""
    projects = env.client.projects
    created = await projects.create(account_id=ACCOUNT, name="Acme Careers", project_type="web")
    assert created.id is not None
    script = "window.acme = 1;"
    updated = await projects.update(
        account_id=ACCOUNT, project_id=created.id, global_javascript=script
    )
    assert updated.global_javascript is None  # not asked for
    # getProject has no optional fields: all of it.
    fetched = await projects.get(account_id=ACCOUNT, project_id=created.id)
    assert fetched.global_javascript == script
    listed = await list_all(env.client.experiences, **env.scope())
    assert all(e.goals is None and e.variations is None for e in listed.values())
    included = await list_all(env.client.experiences, **env.scope(), include=["goals"])
    assert any(e.goals for e in included.values())
    assert all(e.variations is None for e in included.values())


async def test_reports_are_deterministic_per_experience(env: Env) -> None:
    scope = env.scope()
    reports = env.client.reports
    experience = await _experience_with_goals(env, "active")
    ident = {"experience_id": experience.id}

    first = await reports.get_aggregated(**scope, **ident)
    assert first.report_data
    assert all(g.variations for g in first.report_data)
    rows = report_rows(first)
    assert all(visitors > 0 for _, _, visitors, _ in rows)
    assert await reports.get_aggregated(**scope, **ident) == first
    daily = await reports.get_daily(**scope, **ident)
    assert daily_points(daily)
    assert await reports.get_daily(**scope, **ident) == daily

    # Another experience has numbers of its own.
    others = await list_all(
        env.client.experiences, **scope, status=["active", "paused"], include=["goals"]
    )
    other = next(e for e in others.values() if e.goals and e.id != experience.id)
    report = await reports.get_aggregated(**scope, experience_id=other.id)
    assert [r[2] for r in report_rows(report)] != [r[2] for r in rows]


async def test_a_report_export_link_downloads_the_csv_of_the_report(env: Env) -> None:
    scope = env.scope()
    experience = await _experience_with_goals(env, "active")
    ident = {"experience_id": experience.id}
    export = await env.client.reports.export(**scope, **ident, report_type="csv_aggregated")
    assert export.download_url
    assert export.expire_at

    content = await env.client.reports.download(export=export)
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    report = await env.client.reports.get_aggregated(**scope, **ident)
    got = [
        (int(r["goal_id"]), int(r["variation_id"]), int(r["visitors"]), int(r["conversions"]))
        for r in rows
    ]
    assert got == report_rows(report)


async def test_a_daily_export_streams_to_a_file(env: Env, tmp_path: Path) -> None:
    scope = env.scope()
    experience = await _experience_with_goals(env, "active")
    ident = {"experience_id": experience.id}
    goals = goal_ids(experience)
    export = await env.client.reports.export(
        **scope, **ident, report_type="csv_daily", data_type="cumulative", goals=goals
    )
    target = tmp_path / "daily.csv"
    assert await env.client.reports.download(export=export, to=target) == target
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    goal = goals[0]
    daily = await env.client.reports.get_daily(
        **scope, **ident, goal=goal, report_type="cumulative"
    )
    expected = daily_points(daily)
    assert expected
    got = [
        (int(float(r["timestamp"])), int(r["variation_id"]), int(float(r["visitors"])))
        for r in rows
        if int(r["goal_id"]) == goal
    ]
    assert got == expected
    assert {int(r["goal_id"]) for r in rows} == set(goals)


async def test_credentials_go_only_to_links_on_the_api_host(env: Env) -> None:
    scope = env.scope()
    experience = await _experience_with_goals(env, "active")
    export = await env.client.reports.export(**scope, experience_id=experience.id)
    await env.client.reports.download(export=export)
    assert "Authorization" in last_request(env, "download_export").headers  # same host

    # The same API reached under another host name: the link is now foreign.
    other_host = env.fake.url.replace("127.0.0.1", "localhost")
    auth = SecretKeyAuth(FakeConvert.KEY_ID, FakeConvert.KEY_SECRET)
    async with ConvertClient(auth, base_url=other_host) as client:
        export = await client.reports.export(**scope, experience_id=experience.id)
        assert export.download_url
        assert export.download_url.startswith("http://127.0.0.1")
        await client.reports.download(export=export)
    sent = last_request(env, "download_export")
    assert sent.status == 200
    assert "Authorization" not in sent.headers
    assert FakeConvert.KEY_SECRET not in json.dumps(dict(sent.headers))


async def test_bad_download_links_fail_clearly(env: Env) -> None:
    with pytest.raises(RequestValidationError, match="url"):
        await env.client.reports.download(export="ftp://example.com/report.csv")
    with pytest.raises(RequestValidationError, match="export"):
        await env.client.reports.download(
            export=models.ExportExperienceReportReply(download_url=None)
        )
    with pytest.raises(NotFoundError):
        await env.client.reports.download(
            export=env.fake.base_url + "/downloads/missing/report.csv"
        )


async def test_a_fresh_fake_with_the_same_seed_reports_the_same_numbers(env: Env) -> None:
    scope = env.scope()
    experience = await _experience_with_goals(env, "completed")
    report = await env.client.reports.get_aggregated(**scope, experience_id=experience.id)
    assert report_rows(report)
    async with FakeConvert(seed=env.fake.seed) as again:
        auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
        async with ConvertClient(auth, base_url=again.url) as client:
            same = await client.reports.get_aggregated(**scope, experience_id=experience.id)
    assert same == report


async def test_a_draft_experience_reports_no_visitors(env: Env) -> None:
    scope = env.scope()
    goals = sorted(await list_all(env.client.goals, **scope))[:2]
    draft = await env.client.experiences.create(
        **scope,
        name="Cart: Free Shipping Bar",
        status="draft",
        type="a/b",
        url="https://www.acme-digital.com/cart",
        goals=goals,
    )
    report = await env.client.reports.get_aggregated(**scope, experience_id=known(draft.id))
    assert [g.goal_id for g in report.report_data or []] == goals
    rows = report_rows(report)
    assert rows
    assert all(visitors == 0 and conversions == 0 for _, _, visitors, conversions in rows)
    daily = await env.client.reports.get_daily(
        **scope, experience_id=known(draft.id), goal=goals[0]
    )
    assert sum(visitors for _, _, visitors in daily_points(daily)) == 0


# -- uploads and downloads ------------------------------------------------------------------------


async def file_content(files: Any, **where: Any) -> bytes:
    """An uploaded file's bytes: ``getFile`` answers its details with the content base64."""
    got = await files.get(**where)
    assert got.content is not None
    return base64.b64decode(got.content)


def form_of(request: RecordedRequest) -> dict[str, Any]:
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    return request.form()


async def test_file_upload_then_download_returns_the_bytes(env: Env, tmp_path: Path) -> None:
    scope = env.scope()
    files = env.client.files
    uploaded = await files.upload(**scope, file_name="terms.pdf", file=("terms.pdf", PNG))
    form = form_of(last_request(env, "uploadFile"))
    assert form["file_name"] == "terms.pdf"
    assert isinstance(form["file"], FormFile)
    assert form["file"].content == PNG
    assert uploaded.key
    assert uploaded.file_size == len(PNG)
    assert await file_content(files, **scope, file_key=uploaded.key) == PNG

    path = tmp_path / "notes.txt"
    path.write_bytes(b"line one\nline two\n")
    from_path = await files.upload(**scope, file_name="notes.txt", file=path)
    form = form_of(last_request(env, "uploadFile"))
    assert isinstance(form["file"], FormFile)
    assert (form["file"].filename, form["file"].content_type) == ("notes.txt", "text/plain")
    assert await file_content(files, **scope, file_key=from_path.key) == path.read_bytes()
    assert await file_content(files, **scope, file_key=uploaded.key) == PNG

    await files.delete(**scope, file_key=uploaded.key)
    with pytest.raises(NotFoundError):
        await files.get(**scope, file_key=uploaded.key)


async def test_image_upload_list_and_delete(env: Env) -> None:
    scope = env.scope()
    images = env.client.images
    uploaded = await images.upload(**scope, image_name="hero.png", image=PNG)
    form = form_of(last_request(env, "uploadCdnImage"))
    assert form["image_name"] == "hero.png"
    assert isinstance(form["image"], FormFile)
    assert form["image"].content == PNG
    assert uploaded.key
    assert uploaded.cdn_url

    listed = {i.key: i async for i in images.list(**scope)}
    assert listed[uploaded.key].cdn_url == uploaded.cdn_url
    await images.delete(**scope, image_key=uploaded.key)
    assert uploaded.key not in {i.key async for i in images.list(**scope)}


async def test_variation_screenshot_upload_then_download(env: Env) -> None:
    scope = env.scope()
    experience = await _experience_with_goals(env, "active")
    first, second = (v.id for v in experience.variations[:2])
    ident = {**scope, "experience_id": experience.id}

    echoed = await env.client.variations.upload_screenshot(**ident, variation_id=first, image=PNG)
    form = form_of(last_request(env, "uploadExperienceVariationScreenshot"))
    assert isinstance(form["image"], FormFile)
    assert form["image"].content == PNG
    assert base64.b64decode(echoed) == PNG  # the screenshot comes back base64
    shown = await env.client.variations.get_screenshot(**ident, variation_id=first)
    assert base64.b64decode(shown) == PNG
    with pytest.raises(NotFoundError):  # never uploaded
        await env.client.variations.get_screenshot(**ident, variation_id=second)


async def test_project_export_then_import(env: Env) -> None:
    projects = env.client.projects
    scope = env.scope()
    exported = await projects.export(**scope)
    document = json.loads(exported)

    project = await projects.get(**scope)
    assert document["project"]["id"] == project.id
    assert document["project"]["name"] == project.name
    goals = await list_all(env.client.goals, **scope)
    assert sorted(g["id"] for g in document["goals"]) == sorted(goals)
    experiences = await list_all(env.client.experiences, **scope)
    assert sorted(e["id"] for e in document["experiences"]) == sorted(experiences)

    before = await list_all(projects, account_id=ACCOUNT)
    reply = await projects.import_project(account_id=ACCOUNT, file=("export.json", exported))
    assert reply.code == 201  # the spec's success status for importProject
    form = form_of(last_request(env, "importProject"))
    assert isinstance(form["file"], FormFile)
    assert form["file"].content == exported

    after = await list_all(projects, account_id=ACCOUNT)
    (new_id,) = set(after) - set(before)
    assert after[new_id].name == project.name
    imported_goals = await list_all(env.client.goals, account_id=ACCOUNT, project_id=new_id)
    assert sorted(g.name for g in imported_goals.values()) == sorted(g.name for g in goals.values())
    assert await projects.export(account_id=ACCOUNT, project_id=new_id) != exported


async def test_project_import_data_reports_what_came_in(env: Env) -> None:
    projects = env.client.projects
    source = env.scope()
    exported = await projects.export(**source, goals=requests.ProjectExportObject(include=[]))
    document = json.loads(exported)
    assert document["goals"] == []

    target = await projects.create(account_id=ACCOUNT, name="Acme Staging")
    result = await projects.import_data(
        account_id=ACCOUNT, project_id=known(target.id), file=exported
    )
    assert result.code == 201  # the spec's success status for importProjectData
    assert result.imported is not None
    for collection in ("goals", "audiences", "locations", "experiences"):
        new_ids = getattr(result.imported, collection) or []
        assert len(new_ids) == len(document[collection]), collection
    copied = await list_all(env.client.experiences, account_id=ACCOUNT, project_id=target.id)
    assert sorted(copied) == sorted(result.imported.experiences or [])  # the ids it reports
    assert sorted(e.name for e in copied.values()) == sorted(
        e["name"] for e in document["experiences"]
    )
