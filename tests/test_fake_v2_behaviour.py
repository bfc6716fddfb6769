"""What FakeConvert's operations do, over real sockets: request checks, lists, writes, reports,
uploads and the credentials some operations issue.

Requests are raw aiohttp, signed independently (``test_fake_v2_support``); paths are the spec's.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from yarl import URL

from convert_async.testing import FakeConvert, problems
from tests.test_fake_v2_support import (
    ACCOUNT,
    EXPERIENCE,
    FREQUENTIST_EXPERIENCE,
    PROJECT,
    SPEC,
    multipart,
    send,
)

pytestmark = pytest.mark.anyio

P = f"/accounts/{ACCOUNT}/projects/{PROJECT}"


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as started:
        yield started


def stored(fake: FakeConvert, name: str) -> dict[int, Any]:
    return fake.store.collection(name, account_id=ACCOUNT, project_id=PROJECT)


# -- request checks -----------------------------------------------------------------------------

GOAL = {"name": "Signed up", "type": "visits_page"}


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        (f"{P}/goals/add", {**GOAL, "name": 42}, "$.name", "must be a string"),
        (f"{P}/goals/add", {"type": "visits_page"}, "$.name", "is required"),
        (f"{P}/goals/add", {**GOAL, "type": "telepathy"}, "$.type", "must be one of"),
        (f"{P}/goals", {"results_per_page": 51}, "$.results_per_page", "must be at most 50"),
        (f"{P}/goals", {"page": "2"}, "$.page", "must be an integer"),
        (f"{P}/goals/bulk-delete", {"id": []}, "$.id", "must be at least 1 items"),
        (f"{P}/goals/bulk-delete", {"id": list(range(1, 102))}, "$.id", "must be at most 100"),
        (f"{P}/goals/bulk-delete", {"id": [1], "force": True}, "$.force", "is not a known field"),
        (f"{P}/experiences/add", {"name": "x"}, "$.status", "is required"),
        (f"{P}/experiences", {"status": ["running"]}, "$.status[0]", "must be one of"),
        ("/auth", {"requestType": "guess"}, "$.requestType", "must be one of"),
    ],
)
async def test_an_invalid_body_is_a_422_naming_the_field(
    fake: FakeConvert,
    http: aiohttp.ClientSession,
    path: str,
    body: Any,
    field: str,
    message: str,
) -> None:
    status, reply = await send(http, fake, "POST", path, body)
    assert status == 422
    assert field in reply["fields"]
    assert any(m.startswith(f"{field}: {message}") for m in reply["message"]), reply
    assert problems(SPEC, SPEC.schema("ErrorData"), reply) == []


async def test_a_discriminated_union_checks_the_variant_its_tag_names(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    path = f"{P}/experiences/{EXPERIENCE}/aggregated_report"
    body = {"stats_engine_processing": {"stats_type": "bayesian"}}
    status, _ = await send(http, fake, "POST", path, body)
    assert status == 200
    body = {"stats_engine_processing": {"stats_type": "astrology"}}
    status, reply = await send(http, fake, "POST", path, body)
    assert status == 422
    assert reply["fields"] == ["$.stats_engine_processing.stats_type"]


@pytest.mark.parametrize("name", ["include", "expand"])
async def test_a_bare_include_or_expand_is_a_422(
    fake: FakeConvert, http: aiohttp.ClientSession, name: str
) -> None:
    path = f"{P}/experiences/{EXPERIENCE}"
    status, reply = await send(http, fake, "GET", path, query=f"{name}=goals")
    assert status == 422
    assert reply["message"] == [f"$.{name}: The '{name}' parameter must be a array."]
    status, got = await send(http, fake, "GET", path, query=f"{name}[]=goals")
    assert status == 200
    if name == "expand":
        assert all(isinstance(goal, dict) for goal in got["goals"])


async def test_unknown_paths_and_methods_answer_in_the_error_envelope(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    status, reply = await send(http, fake, "GET", f"{P}/no-such-thing")
    assert (status, reply) == (404, {"code": 404, "message": "Route not found"})
    status, reply = await send(http, fake, "DELETE", f"{P}/goals/bulk-delete")
    assert (status, reply["code"]) == (405, 405)
    status, reply = await send(http, fake, "GET", f"{P}/goals/999999")
    assert (status, reply["message"]) == (404, "Goal not found")


async def test_ids_and_keys_share_a_path_and_route_by_shape(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    for collection, name in (("goals", "Goal"), ("features", "Feature")):
        obj = next(iter(stored(fake, collection).values()))
        path = f"{P}/{collection}"
        _, by_id = await send(http, fake, "GET", f"{path}/{obj['id']}")
        _, by_key = await send(http, fake, "GET", f"{path}/{obj['key']}")
        assert by_id["id"] == by_key["id"] == obj["id"]
        assert [r.operation for r in fake.requests[-2:]] == [f"get{name}", f"get{name}ByKey"]


async def test_an_optional_field_the_store_lacks_is_left_out_not_made_up(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    experience = next(e for e in stored(fake, "experiences").values() if not e.get("goals"))
    assert experience.get("primary_goal") is None
    _, reply = await send(http, fake, "GET", f"{P}/experiences/{experience['id']}")
    assert reply["id"] == experience["id"]
    assert "primary_goal" not in reply


async def test_signal_sessions_keep_to_the_time_range(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    sessions = list(stored(fake, "signal-sessions").values())
    starts = sorted(s["session_start_time"] // 1000 for s in sessions)
    middle = starts[len(starts) // 2]
    _, after = await send(http, fake, "POST", f"{P}/signal_sessions", {"start_time": middle})
    _, before = await send(http, fake, "POST", f"{P}/signal_sessions", {"end_time": middle - 1})
    assert after["extra"]["pagination"]["items_count"] == sum(t >= middle for t in starts)
    assert before["extra"]["pagination"]["items_count"] == sum(t < middle for t in starts)
    _, none = await send(http, fake, "POST", f"{P}/signal_sessions", {"start_time": starts[-1] + 1})
    assert none["data"] == []


# -- lists --------------------------------------------------------------------------------------


async def test_paging_counting_and_sorting(fake: FakeConvert, http: aiohttp.ClientSession) -> None:
    for n in range(35):
        fake.store.add("tags", {"name": f"Tag {n:02d}"}, account_id=ACCOUNT, project_id=PROJECT)
    total = len(stored(fake, "tags"))
    status, first = await send(http, fake, "POST", f"{P}/tags", {})
    assert status == 200
    assert len(first["data"]) == 30  # the default page size
    assert first["extra"]["pagination"] == {
        "current_page": 1,
        "items_count": total,
        "items_per_page": 30,
        "pages_count": -(-total // 30),
    }
    _, counted = await send(http, fake, "POST", f"{P}/tags", {"onlyCount": True})
    assert "data" not in counted
    assert counted["extra"]["pagination"]["items_count"] == total

    body = {"page": 2, "results_per_page": 10, "sort_by": "name", "sort_direction": "asc"}
    status, page = await send(http, fake, "POST", f"{P}/goals", body)
    names = sorted((g["name"] for g in stored(fake, "goals").values()), key=str.casefold)
    assert [g["name"] for g in page["data"]] == names[10:20]

    _, newest = await send(http, fake, "POST", f"{P}/goals", {"results_per_page": 2})
    assert [g["id"] for g in newest["data"]] == sorted(stored(fake, "goals"), reverse=True)[:2]


async def test_list_filters_and_search(fake: FakeConvert, http: aiohttp.ClientSession) -> None:
    body = {"status": ["completed"], "type": ["mvt"]}
    _, reply = await send(http, fake, "POST", f"{P}/experiences", body)
    assert reply["data"]
    assert {(e["status"], e["type"]) for e in reply["data"]} == {("completed", "mvt")}
    _, reply = await send(http, fake, "POST", f"{P}/tags", {"search": "priority"})
    assert [t["name"] for t in reply["data"]] == ["High Priority"]


async def test_images_page_by_cursor(fake: FakeConvert, http: aiohttp.ClientSession) -> None:
    _, first = await send(http, fake, "POST", f"{P}/images", {"max_results": 1})
    assert len(first["data"]) == 1
    cursor = first["data"][0]["key"]
    _, rest = await send(http, fake, "POST", f"{P}/images", {"start_from": cursor})
    keys = sorted(i["key"] for i in stored(fake, "images").values())
    assert [i["key"] for i in first["data"] + rest["data"]] == keys


# -- writes -------------------------------------------------------------------------------------


async def test_goal_crud_round_trip(fake: FakeConvert, http: aiohttp.ClientSession) -> None:
    status, created = await send(http, fake, "POST", f"{P}/goals/add", GOAL)
    assert status == 201
    assert created["id"] in stored(fake, "goals")
    item = f"{P}/goals/{created['id']}"
    # A goal update is a oneOf on "type": the tag picks the schema the body is checked against.
    status, reply = await send(http, fake, "POST", f"{item}/update", {"name": "Registered"})
    assert (status, reply["fields"]) == (422, ["$.type"])
    body = {"name": "Registered", "type": "visits_page"}
    status, updated = await send(http, fake, "POST", f"{item}/update", body)
    assert (status, updated["name"]) == (200, "Registered")
    _, got = await send(http, fake, "GET", item)
    assert got["name"] == "Registered"
    status, cloned = await send(http, fake, "POST", f"{item}/clone")
    assert (status, cloned["name"]) == (201, "Registered (copy)")
    status, reply = await send(http, fake, "DELETE", f"{item}/delete")
    assert (status, reply) == (200, {"code": 200, "message": "Goal deleted"})
    assert created["id"] not in stored(fake, "goals")
    status, _ = await send(http, fake, "GET", item)
    assert status == 404


async def test_deleting_a_hypothesis_answers_the_deleted_entity(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    hypothesis = next(iter(stored(fake, "hypotheses").values()))
    path = f"{P}/hypotheses/{hypothesis['id']}/delete"
    status, reply = await send(http, fake, "DELETE", path)
    assert (status, reply["id"], reply["name"]) == (200, hypothesis["id"], hypothesis["name"])
    assert hypothesis["id"] not in stored(fake, "hypotheses")


async def test_status_updates_and_bulk_operations_act_on_the_given_ids(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    base = next(iter(stored(fake, "knowledge-bases")))
    path = f"{P}/knowledge-bases/{base}/update-status"
    status, reply = await send(http, fake, "POST", path, {"status": "archived"})
    assert (status, reply["status"]) == (200, "archived")

    goals = stored(fake, "goals")
    first, second, *_ = sorted(goals)
    body = {"id": [first, 999]}
    status, reply = await send(http, fake, "POST", f"{P}/goals/bulk-delete", body)
    assert status == 200
    assert reply["errors"] == [{"id": 999, "message": "Goal not found"}]
    assert first not in goals
    assert second in goals


async def test_converting_a_proven_hypothesis_makes_a_knowledge_base_entry(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    hypothesis = next(iter(stored(fake, "hypotheses").values()))
    hypothesis["status"] = "draft"
    path = f"{P}/hypotheses/{hypothesis['id']}/convert"
    status, _ = await send(http, fake, "POST", path)
    assert status == 422
    hypothesis["status"] = "proven"
    status, entry = await send(http, fake, "POST", path)
    assert (status, entry["name"]) == (200, hypothesis["name"])
    assert entry["id"] in stored(fake, "knowledge-bases")


async def test_visitors_data_and_placeholders(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    rows = [{"visitor_id": "v-42", "data": {"plan": "pro"}}]
    body = {"source": "crm", "data": rows}
    status, _ = await send(http, fake, "POST", f"{P}/visitors-data/push", body)
    assert status == 201
    status, got = await send(http, fake, "GET", f"{P}/visitors-data/v-42")
    assert (status, got["data"], got["source"]) == (200, {"plan": "pro"}, "crm")

    csv_body, content_type = multipart(
        {"file": ("visitors.csv", b"visitor_id,plan\nv-42,team\nv-43,free\n", "text/csv")}
    )
    status, _ = await send(
        http,
        fake,
        "POST",
        f"{P}/visitors-data/import",
        body=csv_body,
        content_type=content_type,
    )
    assert status == 201
    _, got = await send(http, fake, "GET", f"{P}/visitors-data/v-42")
    assert got["data"] == {"plan": "team"}

    new = {"placeholder": "company", "default_value": "your team"}
    status, created = await send(http, fake, "POST", f"{P}/visitors-data/placeholders/add", new)
    assert (status, created["placeholder"]) == (201, "company")
    path = f"{P}/visitors-data/placeholders/{created['id']}"
    _, got = await send(http, fake, "GET", path)
    assert got["default_value"] == "your team"


# -- reports ------------------------------------------------------------------------------------


async def aggregated(fake: FakeConvert, http: aiohttp.ClientSession, ident: int) -> Any:
    path = f"{P}/experiences/{ident}/aggregated_report"
    status, reply = await send(http, fake, "POST", path, {})
    assert status == 200
    schema = SPEC.operations["getExperienceAggregatedReport"].response
    assert schema is not None
    assert problems(SPEC, schema, reply) == []
    return reply["data"]


async def test_the_aggregated_report_in_both_methodologies(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    frequentist = await aggregated(fake, http, FREQUENTIST_EXPERIENCE)
    bayesian = await aggregated(fake, http, EXPERIENCE)
    assert frequentist["stats_methodology"] == "frequentist"
    assert bayesian["stats_methodology"] == "bayesian"
    for report, score in ((frequentist, "confidence"), (bayesian, "chance_to_win")):
        experience = stored(fake, "experiences")[
            EXPERIENCE if report is bayesian else FREQUENTIST_EXPERIENCE
        ]
        assert [g["goal_id"] for g in report["reportData"]] == experience["goals"]
        for goal in report["reportData"]:
            for row in goal["variations"]:
                assert row["visitors"] > 0
                kinds = {m["metric_type"]: m for m in row["metrics"]}
                assert score in kinds["conversion_rate"]
                # Order value and products per order are plain numbers, no statistics.
                assert set(kinds["average_order_value"]) == {
                    "metric_type",
                    "metric_total",
                    "metric_value",
                    "metric_change",
                }
                rate = kinds["conversion_rate"]["metric_value"]
                assert rate == round(
                    row["conversion_data"]["conversions"] / row["visitors"] * 100, 4
                )


async def test_reports_read_the_stored_days_and_reset_clears_them(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    experience = stored(fake, "experiences")[EXPERIENCE]
    path = f"{P}/experiences/{EXPERIENCE}"
    goal = experience["goals"][0]
    _, daily = await send(http, fake, "POST", f"{path}/daily_report", {"goal": goal})
    days = fake.store.traffic(experience)
    for series in daily["data"]["reportData"]["variations"]:
        assert series["stats"][-1]["visitors"] == sum(d["visitors"] for d in days[series["id"]])
    before = await aggregated(fake, http, EXPERIENCE)
    status, _ = await send(http, fake, "POST", f"{path}/reset_report")
    assert status == 200
    after = await aggregated(fake, http, EXPERIENCE)
    assert before != after
    assert all(v["visitors"] == 0 for g in after["reportData"] for v in g["variations"])


async def test_a_report_export_links_to_a_csv(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    path = f"{P}/experiences/{FREQUENTIST_EXPERIENCE}/export_report"
    status, reply = await send(http, fake, "POST", path, {"report_type": "csv_aggregated"})
    assert status == 200
    async with http.get(reply["data"]["download_url"]) as download:
        assert download.status == 200
        assert download.content_type == "text/csv"
        rows = list(csv.DictReader(io.StringIO(await download.text())))
    report = await aggregated(fake, http, FREQUENTIST_EXPERIENCE)
    assert len(rows) == sum(len(g["variations"]) for g in report["reportData"])


async def test_heatmap_images_are_base64(fake: FakeConvert, http: aiohttp.ClientSession) -> None:
    variation = stored(fake, "experiences")[EXPERIENCE]["variations"][0]
    path = f"{P}/experiences/{EXPERIENCE}/heatmaps/hm-{variation['id']}/background"
    status, reply = await send(http, fake, "POST", path, {"device": "mobile"})
    assert status == 200
    assert reply["data"]["device"] == "mobile"
    assert base64.b64decode(reply["data"]["background"]).startswith(b"\x89PNG")


# -- credentials the API issues -----------------------------------------------------------------


async def test_a_created_api_key_signs_requests_and_stops_when_deleted(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    body = {"name": "Reporting", "auth_type": "secretKey"}
    status, key = await send(http, fake, "POST", f"/accounts/{ACCOUNT}/api-keys/add", body)
    assert status == 201
    bearer = {"Authorization": f"Bearer {key['key_id']}:{key['key_secret']}"}
    url = fake.url + f"{P}/goals"
    async with http.post(url, headers=bearer) as reply:
        assert reply.status == 200
    path = f"/accounts/{ACCOUNT}/api-keys/{key['key_id']}/delete"
    await send(http, fake, "DELETE", path)
    async with http.post(url, headers=bearer) as reply:
        assert reply.status == 401


async def test_an_oauth_token_is_accepted_as_bearer(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    client = next(iter(fake.store.collection("oauth-clients").values()))
    body = {
        "grant_type": "authorization_code",
        "code": "code-from-the-consent-screen",
        "client_id": client["id"],
        "code_verifier": "v" * 43,
    }
    async with http.post(fake.url + "/auth/oauth/token", json=body) as reply:
        assert reply.status == 200
        token = (await reply.json())["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    async with http.get(fake.url + "/accounts", headers=headers) as reply:
        assert reply.status == 200


async def test_a_cookie_session_logs_in_and_out(fake: FakeConvert) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        login = {
            "requestType": "initiatePasswordAuth",
            "username": fake.USERNAME,
            "data": {"password": fake.PASSWORD},
        }
        async with session.post(fake.url + "/auth", json=login) as reply:
            assert reply.status == 200
            assert (await reply.json())["auth-code"] == "SUCCESS"
        # The fake's cookie is Secure; send it back by hand over plain http.
        token = reply.cookies[fake.SESSION_COOKIE].value
        cookie = {"Cookie": f"{fake.SESSION_COOKIE}={token}"}
        async with session.get(fake.url + "/auth/status", headers=cookie) as reply:
            assert reply.status == 200
        async with session.post(fake.url + "/auth/logout", headers=cookie, json={}) as reply:
            assert reply.status == 200
        async with session.get(fake.url + "/auth/status", headers=cookie) as reply:
            assert reply.status == 401


async def test_a_debug_token_is_honoured_by_the_serving_fake(
    fake: FakeConvert, http: aiohttp.ClientSession
) -> None:
    status, reply = await send(http, fake, "GET", f"{P}/generate-debug-token")
    assert status == 200
    token = reply["data"]["value"]
    config = URL(f"{fake.serving_url}/config/{ACCOUNT}/{PROJECT}")
    async with http.get(config) as plain, http.get(config % {"debug_token": token}) as debug:
        shown = {e["id"] for e in (await plain.json())["experiences"]}
        debug_shown = {e["id"] for e in (await debug.json())["experiences"]}
    drafts = {str(e["id"]) for e in stored(fake, "experiences").values() if e["status"] == "draft"}
    assert drafts & debug_shown
    assert not drafts & shown
