"""Issue 15: Pirsch, giosg, Convert v1 and the serving types against their public references.

Each test names the reference it follows; each runs the client against its fake over loopback
sockets, and also talks to the fake directly where the fake's own behaviour is the point.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import msgspec
import pytest

from convert_async import HmacAuth, RequestValidationError
from convert_async.giosg import (
    GiosgBearerAuth,
    GiosgClient,
    GiosgReportingAuthError,
    GroupGoalRule,
)
from convert_async.pirsch import Hit, PirschClient, SessionKeepAlive, hit_from_headers
from convert_async.serving.models import ProjectConfig
from convert_async.testing import FakeConvertV1, FakeGiosg, FakePirsch, FakeStore
from convert_async.v1 import OPERATIONS as V1_OPERATIONS
from convert_async.v1 import ConvertV1Client
from convert_async.v1.models import Experience

pytestmark = pytest.mark.anyio

#: The 2022 seed's proxy fields, absent from Pirsch's current reference and Go/JS SDKs.
SEED_ONLY_HIT_FIELDS = ("cf_connecting_ip", "x_forwarded_for", "forwarded", "x_real_ip", "dnt")


@pytest.fixture
async def pirsch() -> AsyncIterator[tuple[FakePirsch, PirschClient]]:
    async with (
        FakePirsch() as fake,
        PirschClient(fake.CLIENT_ID, fake.CLIENT_SECRET, base_url=fake.url) as api,
    ):
        yield fake, api


# -- Pirsch e-mail reports: interval 0 is a daily report ----------------------------------------


async def test_pirsch_daily_email_report_is_created_and_kept(
    pirsch: tuple[FakePirsch, PirschClient],
) -> None:
    # pirsch-analytics/docs docs/api-sdks/api-v1.md, "Creating Email Reports":
    # "interval": 1, // weeks or 0 for daily
    fake, api = pirsch
    created = await api.email_reports.create(
        domain_id=fake.DOMAIN_ID,
        emails=["ops@example.com"],
        interval=0,
        start_date=dt.date(2026, 2, 16),
        link_to="public",
        top_events=True,
    )
    assert [r.interval for r in created] == [0]
    sent = fake.requests_for("create_email_reports")[-1].json()
    assert sent["interval"] == 0
    assert (sent["start_date"], sent["link_to"], sent["top_events"]) == (
        "2026-02-16",
        "public",
        True,
    )
    report = created[0]
    assert report.id is not None
    assert report.def_time is not None
    assert report.next_report is not None
    assert report.next_report - report.def_time < dt.timedelta(days=2)  # daily, not weekly
    weekly = await api.email_reports.update(id=report.id, interval=2)
    assert weekly.interval == 2
    assert weekly.link_to == "public"
    daily = await api.email_reports.update(id=report.id, interval=0)
    assert daily.interval == 0
    with pytest.raises(RequestValidationError) as info:
        await api.email_reports.update(id=report.id, interval=-1)
    assert info.value.field == "interval"
    assert len(fake.requests_for("update_email_report")) == 2


# -- Pirsch conversion goals: path_pattern and/or event fields ----------------------------------


async def test_pirsch_event_goal_without_path_pattern(
    pirsch: tuple[FakePirsch, PirschClient],
) -> None:
    # api-v1.md, "Creating a Conversion Goal": "Either the path_pattern and/or event fields
    # must be set", with event_name, event_meta_key/value, custom metric fields and tags.
    fake, api = pirsch
    goal = await api.conversion_goals.create(
        domain_id=fake.DOMAIN_ID,
        name="Paid in USD",
        event_name="Purchase",
        event_meta_key="currency",
        event_meta_value="USD",
        custom_metric_key="amount",
        custom_metric_type="float",
        custom_metric_total_goal=346,
        tags=["blog", "author=John"],
    )
    sent = fake.requests_for("create_conversion_goal")[-1].json()
    assert "path_pattern" not in sent
    assert sent["tags"] == ["blog", "author=John"]
    assert (goal.event_name, goal.event_meta_key, goal.event_meta_value) == (
        "Purchase",
        "currency",
        "USD",
    )
    assert (goal.custom_metric_key, goal.custom_metric_type) == ("amount", "float")
    assert goal.custom_metric_total_goal == 346
    assert goal.path_pattern is None
    assert goal.tags == ["blog", "author=John"]
    assert goal.id is not None
    listed = await api.conversion_goals.list(domain_id=fake.DOMAIN_ID, search="usd")
    assert [g.event_name for g in listed] == ["Purchase"]
    updated = await api.conversion_goals.update(
        id=goal.id, domain_id=fake.DOMAIN_ID, name="Checkout", path_pattern="/checkout/**"
    )
    assert (updated.path_pattern, updated.event_name) == ("/checkout/**", None)


async def test_pirsch_goal_needs_a_path_pattern_or_an_event(
    pirsch: tuple[FakePirsch, PirschClient],
) -> None:
    fake, api = pirsch
    with pytest.raises(RequestValidationError) as info:
        await api.conversion_goals.create(domain_id=fake.DOMAIN_ID, name="Nothing")
    assert info.value.field == "path_pattern"
    assert fake.requests_for("create_conversion_goal") == []
    # The fake enforces the same rule on a raw request.
    token = (
        await api.tokens.create(client_id=fake.CLIENT_ID, client_secret=fake.CLIENT_SECRET)
    ).access_token
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            fake.url + "/goal",
            json={"domain_id": fake.DOMAIN_ID, "name": "Nothing", "path_pattern": None},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        assert response.status == 400
        assert "path_pattern" in (await response.json())["validation"]


# -- Pirsch hit fields: those of the current reference ------------------------------------------


def test_pirsch_hit_has_only_the_current_reference_fields() -> None:
    # api-v1.md "Sending Page Views" and pirsch-go-sdk pkg/types.go PageView: no proxy fields.
    for model in (Hit, SessionKeepAlive):
        assert not set(SEED_ONLY_HIT_FIELDS) & set(model.__struct_fields__), model
    with pytest.raises(TypeError):
        Hit(url="https://e.x/", ip="1.2.3.4", user_agent="UA", x_forwarded_for="5.6.7.8")  # type: ignore[call-arg]
    hit = hit_from_headers(
        "https://example.com/",
        "203.0.113.9",
        {
            "User-Agent": "UA",
            "X-Forwarded-For": "198.51.100.4",
            "Forwarded": "for=198.51.100.5",
            "CF-Connecting-IP": "198.51.100.6",
            "X-Real-IP": "198.51.100.7",
            "Sec-CH-UA-Platform": '"Linux"',
        },
    )
    assert hit is not None
    body = json.loads(msgspec.json.encode(hit))
    assert body == {
        "url": "https://example.com/",
        "ip": "203.0.113.9",
        "user_agent": "UA",
        "sec_ch_ua_platform": '"Linux"',
    }


async def test_pirsch_fake_ignores_the_seed_only_hit_fields(
    pirsch: tuple[FakePirsch, PirschClient],
) -> None:
    fake, api = pirsch
    await api.hits.send(Hit(url="https://example.com/", ip="203.0.113.9", user_agent="UA"))
    extra = dict.fromkeys(SEED_ONLY_HIT_FIELDS, "198.51.100.4")
    async with aiohttp.ClientSession() as http:
        for path, body in (
            ("/hit", {"url": "https://example.com/x", "ip": "1.2.3.4", "user_agent": "UA"}),
            ("/session", {"ip": "1.2.3.4", "user_agent": "UA"}),
        ):
            async with http.post(
                fake.url + path,
                json={**body, **extra},
                headers={"Authorization": f"Bearer {fake.ACCESS_KEY}"},
            ) as response:
                assert response.status == 200, await response.text()
    assert [h["url"] for h in fake.hits] == ["https://example.com/", "https://example.com/x"]
    for recorded in (*fake.hits, *fake.sessions):
        assert not set(SEED_ONLY_HIT_FIELDS) & set(recorded), recorded


# -- Convert v1: nested variations[] and the trailing slash of /projects/ -----------------------


def _v1_client(fake: FakeConvertV1) -> ConvertV1Client:
    with pytest.warns(DeprecationWarning, match="ConvertClient"):
        return ConvertV1Client(
            HmacAuth(fake.APPLICATION_ID, fake.APPLICATION_SECRET), base_url=fake.url
        )


def _v1_ids(fake: FakeConvertV1) -> tuple[str, str]:
    scope = {"account_id": FakeStore.ACCOUNT_ID}
    project_id = min(fake.store.collection("projects", **scope))
    experiences = fake.store.collection("experiences", **scope, project_id=project_id)
    return str(project_id), str(min(experiences))


async def test_v1_variations_are_nested_and_round_trip() -> None:
    # Seed convert-api-v1.txt: "variations": [{"variation": {"name", "id", "url", "js",
    # "customjs", "css", "percentage"}, "percentage"}]
    async with FakeConvertV1() as fake:
        project_id, experience_id = _v1_ids(fake)
        async with _v1_client(fake) as client:
            experience = await client.experiences.get(
                project_id=project_id, experience_id=experience_id
            )
            url = f"{fake.url}/experiences/get/{project_id}/{experience_id}"
            auth = HmacAuth(fake.APPLICATION_ID, fake.APPLICATION_SECRET)
            async with (
                aiohttp.ClientSession() as http,
                http.get(url, headers=auth.headers("GET", url, b"")) as response,
            ):
                wire = await response.json()
            assert wire["variations"]
            assert all("variation" in v for v in wire["variations"])
            assert experience.variations
            first = experience.variations[0]
            assert first.variation is not None
            assert first.variation.id is not None
            assert first.variation.name == wire["variations"][0]["variation"]["name"]
            assert first.percentage == wire["variations"][0]["percentage"]
            # Decoded and encoded again: the same JSON (nothing dropped).
            again = msgspec.json.decode(msgspec.json.encode(experience), type=Experience)
            assert again == experience
            created = await client.experiences.create(
                project_id=project_id,
                name="Nested",
                variations=[
                    {"variation": {"name": "Original", "url": "https://e.x/"}, "percentage": 50},
                    {"variation": {"name": "Green", "css": "a{}"}, "percentage": 50},
                ],
            )
    sent = fake.requests_for("create_experience")[-1].json()
    assert sent["variations"][1] == {"variation": {"name": "Green", "css": "a{}"}, "percentage": 50}
    assert created.variations is not None
    names = [(v.variation.name if v.variation else None, v.percentage) for v in created.variations]
    assert names == [("Original", 50), ("Green", 50)]


async def test_v1_fake_refuses_flat_variations() -> None:
    async with FakeConvertV1() as fake:
        project_id, _ = _v1_ids(fake)
        url = f"{fake.url}/experiences/add/{project_id}"
        body = json.dumps({"name": "Flat", "variations": [{"name": "A", "percentage": 100}]})
        auth = HmacAuth(fake.APPLICATION_ID, fake.APPLICATION_SECRET)
        headers = {**auth.headers("POST", url, body.encode()), "Content-Type": "application/json"}
        async with (
            aiohttp.ClientSession() as http,
            http.post(url, data=body, headers=headers) as response,
        ):
            assert response.status == 400
            assert "variations" in await response.text()


async def test_v1_list_projects_requests_and_signs_the_trailing_slash() -> None:
    # Convert's support article "Convert API authorization using Python" and its v1 Express
    # sample sign and GET https://api.convert.com/api/v1/projects/ (with the slash).
    assert V1_OPERATIONS["list_projects"].path == "/projects/"
    async with FakeConvertV1() as fake:
        async with _v1_client(fake) as client:
            projects = [p async for p in client.projects.list()]
        assert projects
        request = fake.requests_for("list_projects")[-1]
        assert request.raw_path == "/api/v1/projects/"
        assert request.status == 200  # the fake checked the HMAC over that exact URL
        # No public source shows whether the server refuses "/projects" without the slash,
        # so the fake still routes it (docs/coverage.md says so); the SDK sends the slash.


# -- giosg: the Reporting API takes API tokens only ---------------------------------------------


async def test_giosg_reporting_refuses_bearer_auth_clearly() -> None:
    # docs.giosg.com/api_reference/reporting/http_api/general: "You need to authenticate
    # using API tokens when using reporting APIs" (Authorization: Token <api_key>).
    results: dict[str, Any] = {
        "organization_id": FakeGiosg.ORGANIZATION_ID,
        "experiment_id": "b0a1d32b-e82c-11e4-b081-6c4008adf7e8",
        "start_date": dt.date(2024, 3, 4),
        "end_date": dt.date(2024, 3, 17),
        "group_goal_rule_ids": [GroupGoalRule(group_id="g1", goal_id="o1", rule_id="r1")],
    }
    async with FakeGiosg() as fake:
        async with GiosgClient(
            GiosgBearerAuth(fake.BEARER_TOKEN),
            base_url=fake.url,
            reporting_base_url=fake.reporting_url,
        ) as api:
            listed = await api.experiments.list(organization_id=fake.ORGANIZATION_ID)
            assert listed.items  # Bearer is fine on the Experiments API
            with pytest.raises(GiosgReportingAuthError, match="API token") as info:
                await api.experiments.get_weekly_results(**results)
            assert isinstance(info.value, PermissionError)
            assert "docs.giosg.com" in str(info.value)
        assert fake.requests_for("get_experiment_weekly_results") == []
        # The fake refuses a Bearer token on the reporting endpoint itself.
        url = (
            f"{fake.reporting_url}/orgs/{fake.ORGANIZATION_ID}/experiments/"
            f"{results['experiment_id']}/weekly"
        )
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                url,
                json={"start_date": "2024-03-04", "end_date": "2024-03-17"},
                headers={"Authorization": f"Bearer {fake.BEARER_TOKEN}"},
            ) as response,
        ):
            assert response.status == 401
            assert "API token" in (await response.json())["detail"]


# -- Serving: ids are optional in the references ------------------------------------------------


def test_serving_config_decodes_objects_without_ids() -> None:
    # Seed convert-tracking-config-api.txt marks no response field required, and Convert's
    # generated types (javascript-sdk packages/types/src/config/types.gen.ts) have id?: string.
    config = msgspec.json.decode(
        b'{"account_id": "1", "project": {"name": "P"}, "goals": [{"key": "g"}],'
        b' "experiences": [{"key": "e", "variations": [{"key": "v"}]}],'
        b' "audiences": [{"key": "a"}], "locations": [{"key": "l"}], "segments": [{"key": "s"}],'
        b' "features": [{"key": "f"}]}',
        type=ProjectConfig,
    )
    assert config.project is not None
    assert config.project.id is None
    assert config.experiences[0].id is None
    assert config.experiences[0].variations[0].id is None
    assert config.goals[0].key == "g"
    assert config.goals[0].id is None
