"""Tests of the fake Convert API through raw aiohttp requests (never the SDK client).

Paths, operation names (the spec's operationIds), statuses and reply shapes are Convert's
OpenAPI spec's; ``test_fake_v2_*.py`` cover every operation and the request checks.

Signatures are computed here with hmac/hashlib straight from the documented recipe, so the fake's
verification is checked against an independent implementation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import aiohttp
import pytest
from yarl import URL

from convert_async.testing import FakeConvert, FakeStore

pytestmark = pytest.mark.anyio

ACCOUNT = FakeStore.ACCOUNT_ID
PROJECT = 10001  # first seeded project of the main account
EXPERIENCES = f"/accounts/{ACCOUNT}/projects/{PROJECT}/experiences"


def sign(
    url: str, body: bytes, *, expires: int | None = None, secret: str | None = None
) -> dict[str, str]:
    """Request-signing headers for ``url`` + ``body`` (default application credentials)."""
    app_id = FakeConvert.APPLICATION_ID
    stamp = str(expires if expires is not None else int(time.time()) + 60)
    message = f"{app_id}\n{stamp}\n{url}\n".encode() + body
    key = (secret or FakeConvert.APPLICATION_SECRET).encode()
    signature = hmac.new(key, message, hashlib.sha256).hexdigest()
    return {
        "Convert-Application-ID": app_id,
        "Expires": stamp,
        "Authorization": f"Convert-HMAC-SHA256 Signature={signature}",
    }


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    fake: FakeConvert,
    method: str,
    path: str,
    payload: Any = None,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, Any]:
    """Send a signed request (unless ``headers`` are given) and decode the JSON reply."""
    url = fake.url + path
    data = body if body is not None else (b"" if payload is None else json.dumps(payload).encode())
    sent_headers = headers if headers is not None else sign(url, data)
    if data:
        sent_headers = {**sent_headers, "Content-Type": "application/json"}
    # encoded=True: send the path byte for byte as signed (keeps %2F, no re-quoting).
    async with http.request(method, URL(url, encoded=True), data=data, headers=sent_headers) as r:
        return r.status, await r.json()


def first_experience(fake: FakeConvert) -> dict[str, Any]:
    experiences = fake.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    return experiences[min(experiences)]


# -- authentication -----------------------------------------------------------------------------


async def test_signed_get_and_post_are_accepted(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    exp = first_experience(fake_convert)
    status, got = await call(http, fake_convert, "GET", f"{EXPERIENCES}/{exp['id']}")
    assert status == 200
    assert got["id"] == exp["id"]
    assert got["name"] == exp["name"]

    status, page = await call(http, fake_convert, "POST", EXPERIENCES, {"results_per_page": 5})
    assert status == 200
    assert len(page["data"]) == 5
    assert [r.operation for r in fake_convert.requests] == ["getExperience", "getExperiencesList"]


async def test_tampered_body_is_rejected(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    url = fake_convert.url + EXPERIENCES
    headers = sign(url, b'{"page": 1}')
    status, reply = await call(
        http, fake_convert, "POST", EXPERIENCES, {"page": 2}, headers=headers
    )
    assert (status, reply["code"]) == (401, 401)
    assert "signature" in reply["message"].lower()


async def test_expired_signature_is_rejected(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    url = fake_convert.url + EXPERIENCES
    headers = sign(url, b"", expires=int(time.time()) - 5)
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, headers=headers)
    assert status == 401
    assert "expired" in reply["message"].lower()


async def test_unknown_application_and_wrong_secret(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    url = fake_convert.url + EXPERIENCES
    headers = {**sign(url, b""), "Convert-Application-ID": "someone-else"}
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, headers=headers)
    assert status == 401
    assert "unknown application" in reply["message"].lower()

    headers = sign(url, b"", secret="not-the-secret")
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, headers=headers)
    assert status == 401
    assert "signature" in reply["message"].lower()


async def test_bearer_secret_key(fake_convert: FakeConvert, http: aiohttp.ClientSession) -> None:
    good = {"Authorization": f"Bearer {FakeConvert.KEY_ID}:{FakeConvert.KEY_SECRET}"}
    status, _ = await call(http, fake_convert, "POST", EXPERIENCES, headers=good)
    assert status == 200

    bad = {"Authorization": f"Bearer {FakeConvert.KEY_ID}:wrong"}
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, headers=bad)
    assert (status, reply["code"]) == (401, 401)


# -- lists --------------------------------------------------------------------------------------


async def test_pagination_covers_every_item_once(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    project = fake_convert.store.add("projects", {"name": "Load test"}, account_id=ACCOUNT)
    created = fake_convert.store.add_experiences(ACCOUNT, project["id"], 120)
    path = f"/accounts/{ACCOUNT}/projects/{project['id']}/experiences"

    seen: list[int] = []
    for page in (1, 2, 3):
        body = {"page": page, "results_per_page": 50}
        status, reply = await call(http, fake_convert, "POST", path, body)
        assert status == 200
        assert reply["extra"]["pagination"] == {
            "current_page": page,
            "items_count": 120,
            "items_per_page": 50,
            "pages_count": 3,
        }
        seen += [item["id"] for item in reply["data"]]
    assert len(seen) == 120 == len(set(seen))
    assert seen == sorted((e["id"] for e in created), reverse=True)  # the spec's default: desc

    _, again = await call(http, fake_convert, "POST", path, {"page": 2, "results_per_page": 50})
    assert [item["id"] for item in again["data"]] == seen[50:100]

    _, ascending = await call(http, fake_convert, "POST", path, {"sort_direction": "asc"})
    assert [item["id"] for item in ascending["data"]] == sorted(seen)[:30]  # default page size


async def test_list_filters(fake_convert: FakeConvert, http: aiohttp.ClientSession) -> None:
    exp = first_experience(fake_convert)
    _, reply = await call(http, fake_convert, "POST", EXPERIENCES, {"status": ["active"]})
    assert reply["data"]
    assert {e["status"] for e in reply["data"]} == {"active"}

    needle = exp["name"][2:8].upper()
    _, reply = await call(http, fake_convert, "POST", EXPERIENCES, {"search": needle})
    assert exp["id"] in [e["id"] for e in reply["data"]]
    assert all(needle.lower() in e["name"].lower() for e in reply["data"])

    _, reply = await call(http, fake_convert, "POST", EXPERIENCES, {"only": [exp["id"]]})
    assert [e["id"] for e in reply["data"]] == [exp["id"]]


async def test_only_count_and_page_size_limit(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, {"onlyCount": True})
    assert status == 200
    assert "data" not in reply
    total = len(
        fake_convert.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    )
    assert reply["extra"]["pagination"]["items_count"] == total

    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, {"results_per_page": 51})
    assert status == 422
    assert reply == {
        "code": 422,
        "message": ["$.results_per_page: must be at most 50"],
        "fields": ["$.results_per_page"],
    }


# -- routing ------------------------------------------------------------------------------------


async def test_literal_segments_win_and_keys_route_by_shape(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    base = f"/accounts/{ACCOUNT}/projects/{PROJECT}"
    location_id = min(
        fake_convert.store.collection("locations", account_id=ACCOUNT, project_id=PROJECT)
    )
    status, presets = await call(http, fake_convert, "GET", f"{base}/locations-presets")
    assert status == 200
    assert isinstance(presets["data"], list)
    status, location = await call(http, fake_convert, "GET", f"{base}/locations/{location_id}")
    assert status == 200
    assert location["id"] == location_id

    exp = first_experience(fake_convert)
    status, by_key = await call(http, fake_convert, "GET", f"{EXPERIENCES}/{exp['key']}")
    assert status == 200
    assert by_key["id"] == exp["id"]
    await call(http, fake_convert, "GET", f"{EXPERIENCES}/{exp['id']}")
    assert [r.operation for r in fake_convert.requests] == [
        "getLocationsPresets",
        "getLocation",
        "getExperienceByKey",
        "getExperience",
    ]


async def test_encoded_slash_stays_in_one_segment(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    exp = first_experience(fake_convert)
    exp["key"] = "promo/summer"
    status, got = await call(http, fake_convert, "GET", f"{EXPERIENCES}/promo%2Fsummer")
    assert status == 200
    assert got["id"] == exp["id"]
    recorded = fake_convert.requests_for("getExperienceByKey")[-1]
    assert recorded.path_params["experience_key"] == "promo/summer"
    assert recorded.raw_path.endswith("/experiences/promo%2Fsummer")


async def test_unknown_route_wrong_method_and_bad_json(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    status, reply = await call(http, fake_convert, "GET", "/no/such/route")
    assert (status, reply) == (404, {"code": 404, "message": "Route not found"})
    assert fake_convert.requests[-1].operation is None

    status, reply = await call(http, fake_convert, "DELETE", EXPERIENCES)
    assert status == 405
    assert reply["code"] == 405

    status, reply = await call(http, fake_convert, "POST", EXPERIENCES, body=b"{not json")
    assert (status, reply) == (400, {"code": 400, "message": "Malformed JSON body"})

    exp = first_experience(fake_convert)
    status, reply = await call(
        http, fake_convert, "GET", f"{EXPERIENCES}/{exp['id']}?include=goals"
    )
    assert status == 422
    assert reply["message"] == ["$.include: The 'include' parameter must be a array."]
    assert reply["fields"] == ["$.include"]
    status, _ = await call(http, fake_convert, "GET", f"{EXPERIENCES}/{exp['id']}?include[]=goals")
    assert status == 200


# -- writes -------------------------------------------------------------------------------------


async def test_experience_crud_round_trip(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    new = {
        "name": "Pricing Page: Annual Toggle",
        "type": "a/b",
        "status": "draft",
        "url": "https://www.acme-digital.com/pricing",
    }
    status, created = await call(http, fake_convert, "POST", f"{EXPERIENCES}/add", new)
    assert status == 201
    assert created["name"] == new["name"]
    assert isinstance(created["id"], int)
    assert [v["is_baseline"] for v in created["variations"]] == [True, False]
    item = f"{EXPERIENCES}/{created['id']}"

    status, fetched = await call(http, fake_convert, "GET", item)
    assert (status, fetched) == (200, created)

    status, updated = await call(http, fake_convert, "POST", f"{item}/update", {"status": "active"})
    assert status == 200
    assert updated["status"] == "active"
    assert updated["name"] == new["name"]

    status, reply = await call(http, fake_convert, "DELETE", f"{item}/delete")
    assert status == 200
    assert reply["code"] == 200

    status, reply = await call(http, fake_convert, "GET", item)
    assert (status, reply) == (404, {"code": 404, "message": "Experience not found"})


async def test_clone_and_bulk_operations_touch_exactly_the_given_ids(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    store = fake_convert.store
    experiences = store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    source = first_experience(fake_convert)
    status, clone = await call(http, fake_convert, "POST", f"{EXPERIENCES}/{source['id']}/clone")
    assert status == 201
    assert clone["name"] == source["name"] + " (copy)"
    assert clone["id"] != source["id"]
    assert clone["id"] in experiences

    ids = sorted(experiences)[:3]
    untouched = {i: experiences[i]["status"] for i in sorted(experiences)[3:]}
    body = {"id": ids, "status": "archived"}  # BulkExperienceStatuses: active, paused, archived
    status, reply = await call(http, fake_convert, "POST", f"{EXPERIENCES}/bulk-update", body)
    assert (status, reply["errors"]) == (200, [])
    assert all(experiences[i]["status"] == "archived" for i in ids)
    assert {i: experiences[i]["status"] for i in untouched} == untouched

    body = {"id": [ids[0], 999]}
    status, reply = await call(http, fake_convert, "POST", f"{EXPERIENCES}/bulk-delete", body)
    assert status == 200
    assert [e["id"] for e in reply["errors"]] == [999]
    assert ids[0] not in experiences
    assert ids[1] in experiences


# -- reports ------------------------------------------------------------------------------------


async def test_reports_are_deterministic_per_seed(http: aiohttp.ClientSession) -> None:
    async def reports(seed: int) -> list[Any]:
        async with FakeConvert(seed=seed) as fake:
            exp = next(
                e
                for e in fake.store.collection(
                    "experiences", account_id=ACCOUNT, project_id=PROJECT
                ).values()
                if e["goals"] and e["status"] not in ("draft", "scheduled")
            )
            path = f"{EXPERIENCES}/{exp['id']}"
            results = []
            for suffix in ("aggregated_report", "aggregated_report", "daily_report"):
                status, reply = await call(http, fake, "POST", f"{path}/{suffix}")
                assert status == 200
                results.append(reply["data"])
            return results

    first, second = await reports(7), await reports(7)
    assert first == second
    aggregated, again, daily = first
    assert aggregated == again
    assert aggregated["reportData"]
    baseline = {v["id"] for v in aggregated["variations_data"] if v["is_baseline"]}
    assert len(baseline) == 1
    for goal in aggregated["reportData"]:
        for row in goal["variations"]:
            rate = row["conversion_data"]["conversion_rate"]
            assert rate == round(row["conversion_data"]["conversions"] / row["visitors"] * 100, 4)
    assert all(len(v["stats"]) == 14 for v in daily["reportData"]["variations"])
    assert (await reports(8))[0] != aggregated


# -- faults -------------------------------------------------------------------------------------


async def test_rate_limit_fault_carries_retry_after(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    fake_convert.faults.rate_limit_rate = 1.0
    fake_convert.faults.retry_after = "3"
    url = fake_convert.url + EXPERIENCES
    async with http.post(url, headers=sign(url, b"")) as response:
        assert response.status == 429
        assert response.headers["Retry-After"] == "3"
        assert await response.json() == {"code": 429, "message": "Too many requests"}
    assert fake_convert.requests[-1].status == 429


async def test_dropped_connection(fake_convert: FakeConvert, http: aiohttp.ClientSession) -> None:
    fake_convert.faults.fail_next(kind="drop")
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, fake_convert, "POST", EXPERIENCES)
    assert fake_convert.requests[-1].status == 0
    assert fake_convert.requests[-1].operation == "getExperiencesList"


async def test_truncated_and_malformed_bodies(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    url = fake_convert.url + EXPERIENCES
    fake_convert.faults.fail_next(kind="truncated")
    async with http.post(url, headers=sign(url, b"")) as response:
        assert response.status == 200
        with pytest.raises(aiohttp.ClientPayloadError):
            await response.read()

    fake_convert.faults.fail_next(kind="malformed")
    async with http.post(url, headers=sign(url, b"")) as response:
        assert response.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(await response.read())


async def test_fail_next_is_consumed_once_and_can_target_an_operation(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    exp = first_experience(fake_convert)
    fake_convert.faults.fail_next(status=503, operation="getExperiencesList")
    status, _ = await call(http, fake_convert, "GET", f"{EXPERIENCES}/{exp['id']}")
    assert status == 200  # another operation: the queued fault waits
    status, reply = await call(http, fake_convert, "POST", EXPERIENCES)
    assert (status, reply["code"]) == (503, 503)
    status, _ = await call(http, fake_convert, "POST", EXPERIENCES)
    assert status == 200
    assert [r.status for r in fake_convert.requests_for("getExperiencesList")] == [503, 200]
    assert fake_convert.faults.pending == 0


async def test_random_faults_respect_operation_filter(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    faults = fake_convert.faults
    faults.error_rate, faults.error_status = 1.0, 502
    faults.operations = {"getGoalsList"}
    status, _ = await call(http, fake_convert, "POST", EXPERIENCES)
    assert status == 200
    status, _ = await call(
        http, fake_convert, "POST", f"/accounts/{ACCOUNT}/projects/{PROJECT}/goals"
    )
    assert status == 502
    faults.clear()
    status, _ = await call(
        http, fake_convert, "POST", f"/accounts/{ACCOUNT}/projects/{PROJECT}/goals"
    )
    assert status == 200


# -- uploads and downloads ------------------------------------------------------------------------

FILES = f"/accounts/{ACCOUNT}/projects/{PROJECT}/files"


async def send_form(
    http: aiohttp.ClientSession, fake: FakeConvert, path: str, writer: aiohttp.MultipartWriter
) -> tuple[int, Any]:
    """POST a signed multipart body built by ``writer``."""
    url = fake.url + path
    body = await writer.as_bytes()
    headers = {**sign(url, body), "Content-Type": writer.content_type}
    async with http.post(URL(url, encoded=True), data=body, headers=headers) as r:
        return r.status, await r.json()


def form(**fields: str | tuple[str, bytes]) -> aiohttp.MultipartWriter:
    writer = aiohttp.MultipartWriter("form-data")
    for name, value in fields.items():
        if isinstance(value, tuple):
            part = writer.append(value[1], {"Content-Type": "application/octet-stream"})
            part.set_content_disposition("form-data", name=name, filename=value[0])
        else:
            writer.append(value).set_content_disposition("form-data", name=name)
    return writer


async def test_uploaded_file_is_stored_and_served_base64(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    content = bytes(range(256)) * 4
    status, reply = await send_form(
        http,
        fake_convert,
        f"{FILES}/add",
        form(file_name="report-2025.bin", file=("report-2025.bin", content)),
    )
    assert status == 201
    assert reply["file_size"] == len(content)
    (request,) = fake_convert.requests_for("uploadFile")
    fields = request.form()
    assert fields["file_name"] == "report-2025.bin"
    upload = fields["file"]
    assert not isinstance(upload, str)
    assert (upload.filename, upload.content) == ("report-2025.bin", content)

    key = quote(reply["key"], safe="")
    status, got = await call(http, fake_convert, "GET", f"{FILES}/{key}")
    assert status == 200
    assert base64.b64decode(got["content"]) == content
    assert got["file_name"] == "report-2025.bin"


async def test_upload_without_its_file_or_with_a_broken_form_is_rejected(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    status, reply = await send_form(http, fake_convert, f"{FILES}/add", form(file_name="x.txt"))
    assert status == 422
    assert reply["fields"] == ["$.file"]

    status, reply = await send_form(
        http, fake_convert, f"{FILES}/add", form(file_name="x.txt", file="not a file part")
    )
    assert status == 422
    assert reply["fields"] == ["$.file"]

    url = fake_convert.url + f"{FILES}/add"
    headers = {**sign(url, b"garbage"), "Content-Type": "application/json"}
    async with http.post(URL(url, encoded=True), data=b"garbage", headers=headers) as r:
        assert r.status == 400


async def test_project_export_is_a_raw_json_download(
    fake_convert: FakeConvert, http: aiohttp.ClientSession
) -> None:
    url = fake_convert.url + f"/accounts/{ACCOUNT}/projects/{PROJECT}/export"
    headers = {**sign(url, b"{}"), "Content-Type": "application/json"}
    async with http.post(URL(url, encoded=True), data=b"{}", headers=headers) as r:
        assert r.status == 201
        assert r.content_type == "application/json"
        document = json.loads(await r.read())
    project = fake_convert.store.get("projects", PROJECT, account_id=ACCOUNT)
    assert document["project"] == project
    goals = fake_convert.store.collection("goals", account_id=ACCOUNT, project_id=PROJECT)
    assert sorted(g["id"] for g in document["goals"]) == sorted(goals)
