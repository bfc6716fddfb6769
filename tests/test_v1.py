"""Convert REST v1: every catalog operation against ``FakeConvertV1``, body paging, deprecation.

The conformance test is parametrized by the fake's packaged copy of the v1 catalog, not by the
SDK's table, so a missing or misrouted operation fails here (the fake answers 404/405).
"""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import AsyncIterator, Mapping
from importlib import resources
from typing import Any

import pytest

from convert_async import AsyncPager, AuthenticationError, HmacAuth, Page, RequestValidationError
from convert_async.testing import FakeConvert, FakeConvertV1, FakeStore
from convert_async.v1 import OPERATIONS, V2_EQUIVALENTS, ConvertV1Client
from convert_async.v2 import OPERATIONS as V2_OPERATIONS

pytestmark = pytest.mark.anyio

CATALOG: list[dict[str, Any]] = json.loads(
    resources.files("convert_async.testing")
    .joinpath("data/convert-v1-operations.json")
    .read_text(encoding="utf-8")
)
_PAGING = {"page", "results_per_page"}
_SAMPLES: dict[str, Any] = {
    "name": "Spring headline test",
    "goal_name": "Reached checkout",
    "goal_type": "visits_page",
    "audience_name": "Returning visitors",
    "status": "active",
}


def make_client(fake: FakeConvertV1, secret: str | None = None) -> ConvertV1Client:
    with pytest.warns(DeprecationWarning, match="ConvertClient"):
        return ConvertV1Client(
            HmacAuth(fake.APPLICATION_ID, secret or fake.APPLICATION_SECRET),
            base_url=fake.url,
            max_retries=0,
        )


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvertV1]:
    async with FakeConvertV1() as server:
        yield server


@pytest.fixture
async def client(fake: FakeConvertV1) -> AsyncIterator[ConvertV1Client]:
    async with make_client(fake) as api:
        yield api


def _ids(fake: FakeConvertV1) -> dict[str, str]:
    scope = {"account_id": FakeStore.ACCOUNT_ID}
    project_id = min(fake.store.collection("projects", **scope))
    scope["project_id"] = project_id
    experiences = fake.store.collection("experiences", **scope)
    experience = experiences[min(experiences)]

    def first(name: str) -> str:
        return str(min(fake.store.collection(name, **scope)))

    return {
        "project_id": str(project_id),
        "experience_id": str(experience["id"]),
        "variation_id": str(experience["variations"][-1]["id"]),
        "goal_id": first("goals"),
        "hypothesis_id": first("hypotheses"),
        "audience_id": first("audiences"),
    }


# -- conformance ----------------------------------------------------------------------------------


def test_registry_matches_the_catalog() -> None:
    catalog = {entry["operation"]: entry for entry in CATALOG}
    assert set(OPERATIONS) == set(catalog)
    for name, op in OPERATIONS.items():
        assert (op.http_method, op.path) == (catalog[name]["method"], catalog[name]["path"])
        paged = catalog[name]["paginated"]["style"] != "none"
        assert op.paginated is paged, name
        assert op.page_shape == "bare"


def test_every_v1_operation_names_a_real_v2_replacement() -> None:
    assert set(V2_EQUIVALENTS) == set(OPERATIONS)
    assert set(V2_EQUIVALENTS.values()) <= set(V2_OPERATIONS)


#: Body fields the server sets: ids, when an object was made, started or stopped, a snippet.
_SERVER_SET = {
    "id",
    "account_id",
    "goal_id",
    "audience_id",
    "created_at",
    "start_time",
    "end_time",
    "tracking_snippet",  # the code a project's pages load, which the server generates
}


def _plain(name: str) -> str:
    """A name as an argument or as the wire spells it (``scoreMax``, ``score_max``)."""
    return name.replace("_", "").lower()


@pytest.mark.parametrize(
    "entry", [e for e in CATALOG if e["body"]], ids=[e["operation"] for e in CATALOG if e["body"]]
)
def test_every_documented_body_field_is_an_argument(entry: dict[str, Any]) -> None:
    # experiences.create/update could not set the running-time, outlier and visitor limits
    # (minrun ... maxvis) nor update the variations: only the raw request could.
    op = OPERATIONS[entry["operation"]]
    resource = getattr(ConvertV1Client, op.resource).func  # a cached_property of the class
    arguments = {_plain(name) for name in inspect.signature(getattr(resource, op.name)).parameters}
    fields = {field["name"] for field in entry["body"]["fields"]} - _SERVER_SET - _PAGING
    assert not {name for name in fields if _plain(name) not in arguments}


@pytest.mark.parametrize("entry", CATALOG, ids=[e["operation"] for e in CATALOG])
async def test_operation_conforms_to_the_catalog(
    entry: dict[str, Any], fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    op = OPERATIONS[entry["operation"]]
    method = getattr(getattr(client, op.resource), op.name)
    ids = _ids(fake)
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(method).parameters.items():
        if name in ids:
            kwargs[name] = ids[name]
        elif param.default is inspect.Parameter.empty:
            kwargs[name] = _SAMPLES[name]
    result = method(**kwargs)
    if isinstance(result, AsyncPager):
        page = await result
        assert isinstance(page, Page)
        assert page.items, "the seeded project has items in every list"
        decoded: Any = page.items[0]
    else:
        decoded = await result

    recorded = fake.requests_for(entry["operation"])
    assert len(recorded) == 1, [(r.method, r.raw_path, r.status) for r in fake.requests]
    request = recorded[0]
    assert request.status == 200
    assert request.method == entry["method"]
    assert request.raw_path.split("?")[0] == "/api/v1" + op.render_path(kwargs)
    sent = request.json()
    if entry["body"] is None:
        assert sent is None
    else:
        allowed = {field["name"] for field in entry["body"]["fields"]}
        assert isinstance(sent, dict)
        assert set(sent) <= allowed
        assert {k for k in kwargs if k in allowed} <= set(sent) | set(ids)
    if op.paginated:
        assert sent == {"page": 1, "results_per_page": 50}

    hints = typing.get_type_hints(method)
    returned = hints["return"]
    origin = typing.get_origin(returned)
    if origin is AsyncPager:
        (item_type,) = typing.get_args(returned)
        assert isinstance(decoded, item_type)
    elif origin is dict:
        assert isinstance(decoded, dict)
        assert decoded["experience_id"] == ids["experience_id"]
    else:
        assert isinstance(decoded, returned)


# -- pagination -----------------------------------------------------------------------------------


async def test_list_walks_body_pages_until_a_short_page(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    ids = _ids(fake)
    scope = {"account_id": FakeStore.ACCOUNT_ID, "project_id": int(ids["project_id"])}
    fake.store.add_experiences(scope["account_id"], scope["project_id"], 23)
    expected = sorted(fake.store.collection("experiences", **scope))
    assert len(expected) % 10 != 0

    seen = [e.id async for e in client.experiences.list(project_id=ids["project_id"], page_size=10)]

    assert seen == [str(i) for i in expected]
    bodies = [r.json() for r in fake.requests_for("list_experiences")]
    pages = len(expected) // 10 + 1
    assert bodies == [{"page": n, "results_per_page": 10} for n in range(1, pages + 1)]


async def test_a_full_last_page_costs_one_empty_page(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    ids = _ids(fake)
    goals = [g async for g in client.goals.list(project_id=ids["project_id"], page_size=2)]
    assert len(goals) == 4  # the seeded project has four goals
    assert [r.json()["page"] for r in fake.requests_for("list_goals")] == [1, 2, 3]


async def test_pages_and_filters_travel_in_the_body(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    ids = _ids(fake)
    pager = client.experiences.list(
        project_id=ids["project_id"], experience_status=["active"], search="a", page_size=3
    )
    pages = [page async for page in pager.pages()]
    assert all(e.experience_status == "active" for page in pages for e in page.items)
    assert not pages[-1].has_next_page()
    first = fake.requests_for("list_experiences")[0]
    assert first.query == {}
    assert first.json() == {
        "page": 1,
        "results_per_page": 3,
        "experience_status": ["active"],
        "search": "a",
    }


async def test_list_projects_sends_its_page_in_a_signed_get_body(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    projects = [p async for p in client.projects.list(page_size=2)]
    assert [p.name for p in projects][:1] == ["Acme Storefront"]
    requests = fake.requests_for("list_projects")
    assert [r.method for r in requests] == ["GET", "GET"]
    assert requests[1].json() == {"page": 2, "results_per_page": 2}
    assert requests[0].headers["Authorization"].startswith("Convert-HMAC-SHA256 Signature=")


# -- client behaviour -----------------------------------------------------------------------------


async def test_constructing_the_client_warns_and_points_to_v2(fake: FakeConvertV1) -> None:
    with pytest.warns(DeprecationWarning, match="deprecated") as caught:
        ConvertV1Client(HmacAuth("id", "secret"), base_url=fake.url)
    message = str(caught[0].message)
    assert "ConvertClient" in message
    assert "api/v2" in message
    assert caught[0].filename == __file__  # attributed to the caller


async def test_a_wrong_secret_is_rejected_by_the_fake(fake: FakeConvertV1) -> None:
    async with make_client(fake, secret="wrong") as api:
        with pytest.raises(AuthenticationError) as info:
            await api.projects.get(project_id=_ids(fake)["project_id"])
    assert info.value.message == "Invalid signature"


async def test_request_limits_are_checked_before_sending(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    ids = _ids(fake)
    with pytest.raises(RequestValidationError) as info:
        await client.variations.add(
            project_id=ids["project_id"],
            experience_id=ids["experience_id"],
            name="Too big",
            percentage=150,
        )
    assert info.value.field == "percentage"
    with pytest.raises(RequestValidationError):
        client.hypotheses.list(project_id=ids["project_id"], score_max=9)
    assert fake.requests == []


async def test_variations_add_and_delete_round_trip(
    fake: FakeConvertV1, client: ConvertV1Client
) -> None:
    ids = _ids(fake)
    added = await client.variations.add(
        project_id=ids["project_id"], experience_id=ids["experience_id"], name="Green", css="a{}"
    )
    assert added.variations is not None
    new = added.variations[-1].variation
    assert new is not None
    assert (new.name, new.css) == ("Green", "a{}")
    assert new.id is not None
    after = await client.variations.delete(
        project_id=ids["project_id"], experience_id=ids["experience_id"], variation_id=str(new.id)
    )
    assert after.variations is not None
    assert str(new.id) not in {str(v.variation.id) for v in after.variations if v.variation}


async def test_shares_data_with_fake_convert() -> None:
    async with FakeConvert() as v2, FakeConvertV1(store=v2.store) as v1:
        async with make_client(v1) as api:
            project_id = str(min(v2.store.collection("projects", account_id=FakeStore.ACCOUNT_ID)))
            goal = await api.goals.create(
                project_id=project_id, goal_name="Shared goal", goal_type="revenue"
            )
        scope = {"account_id": FakeStore.ACCOUNT_ID, "project_id": int(project_id)}
        stored = v2.store.get("goals", str(goal.goal_id), **scope)
        assert stored is not None
        assert (stored["name"], stored["type"]) == ("Shared goal", "revenue")


async def test_update_sends_only_given_fields(fake: FakeConvertV1, client: ConvertV1Client) -> None:
    ids = _ids(fake)
    updated = await client.goals.update(
        project_id=ids["project_id"], goal_id=ids["goal_id"], goal_name="Renamed"
    )
    assert updated.goal_name == "Renamed"
    body: Mapping[str, Any] = fake.requests_for("update_goal")[0].json()
    assert body == {"goal_id": ids["goal_id"], "goal_name": "Renamed"}
