"""TrackingClient against FakeConvert's serving routes: config, tracking payloads, auth, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import msgspec
import pytest

from convert_async import (
    ClientStateError,
    ConfigurationError,
    ConvertClient,
    RequestValidationError,
    RetryPolicy,
    SecretKeyAuth,
    TrackingClient,
)
from convert_async.serving import (
    OPERATIONS,
    EventData,
    GoalDataItem,
    ProjectConfig,
    TrackingEvent,
    VisitorSegments,
)
from convert_async.testing import FakeConvert
from convert_async.testing._serving import load_serving_catalog

ACCOUNT = 1001


async def _no_wait(_: float) -> None:
    await asyncio.sleep(0)


FAST_RETRY = RetryPolicy(max_retries=3, sleep=_no_wait)


@pytest.fixture
async def fake() -> AsyncIterator[FakeConvert]:
    async with FakeConvert() as server:
        yield server


def project_of(fake: FakeConvert) -> int:
    ids: list[int] = [p["id"] for p in fake.store.items("projects", account_id=ACCOUNT)]
    return min(ids)


def tracker_for(
    fake: FakeConvert, *, with_key: bool = True, with_secret: bool = True, **options: Any
) -> TrackingClient:
    project = project_of(fake)
    sdk_key = secret = None
    if with_key:
        key = fake.serving.sdk_key(ACCOUNT, project, with_secret=with_secret)
        sdk_key, secret = key.sdk_key, key.secret
    options.setdefault("retry", FAST_RETRY)
    return TrackingClient(
        sdk_key,
        secret,
        account_id=ACCOUNT,
        project_id=project,
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
        **options,
    )


def experiences_by_status(fake: FakeConvert, *statuses: str) -> set[str]:
    items = fake.store.items("experiences", account_id=ACCOUNT, project_id=project_of(fake))
    return {str(e["id"]) for e in items if e["status"] in statuses}


# -- operation table -------------------------------------------------------------------------------


def test_operation_table_matches_the_catalog() -> None:
    catalog = {op.name: op for op in load_serving_catalog()}
    assert set(OPERATIONS) == set(catalog)
    for name, op in OPERATIONS.items():
        assert (op.http_method, op.path) == (catalog[name].method, catalog[name].path)
        assert op.base == ("track" if op.path.startswith(("/track", "/visitor-data")) else "config")


def test_track_url_gets_the_project_id_and_secrets_stay_out_of_repr() -> None:
    tracker = TrackingClient("key-1", "top-secret", account_id=1, project_id=42)
    assert tracker.track_base_url == "https://42.metrics.convertexperiments.com/v1"
    assert tracker.config_base_url == "https://cdn-4.convertexperiments.com/api/v1"
    assert "top-secret" not in repr(tracker)
    assert "<redacted>" in repr(tracker)


def test_events_round_trip_through_json_for_the_spool() -> None:
    event = TrackingEvent(
        visitor_id="v1",
        event_type="conversion",
        data=EventData(
            goal_id="7",
            goal_data=[
                GoalDataItem(key="amount", value=12.5),
                GoalDataItem(key="productsCount", value=2),
                GoalDataItem(key="customDimension1", value=["a", "b"]),
            ],
            bucketing_data={"1": "2"},
        ),
        segments=VisitorSegments(devices=["DESK"], country="FR"),
    )
    assert msgspec.json.decode(msgspec.json.encode(event), type=TrackingEvent) == event


def test_tracking_client_is_not_a_rest_client() -> None:
    # It owns its session and queue: no with_options copies that would share (and break) them.
    assert not hasattr(TrackingClient(account_id=1, project_id=2), "with_options")


@pytest.mark.parametrize(
    "project_id", ["evil.example/x#", "", "0", "12a", "١٢", -3, 0, True, None, [1], 1.5]
)
def test_ids_are_checked_before_they_reach_a_host_name(project_id: Any) -> None:
    with pytest.raises(RequestValidationError, match="project_id"):
        TrackingClient("key", "secret", account_id=1, project_id=project_id)
    with pytest.raises(RequestValidationError, match="account_id"):
        TrackingClient("key", "secret", account_id=project_id, project_id=1)


@pytest.mark.anyio
async def test_tracking_on_a_client_that_is_not_running_raises(fake: FakeConvert) -> None:
    tracker = tracker_for(fake)
    with pytest.raises(ClientStateError, match="not running"):
        tracker.track_bucketing("v1", 1, 2)  # the lifespan that opens it was forgotten
    async with tracker:
        assert tracker.track_bucketing("v1", 1, 2)
    with pytest.raises(ClientStateError, match="not running"):
        tracker.track_conversion("v1", 3)
    assert tracker.stats.sent == 1


# -- config ----------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_config_by_sdk_key_decodes_into_project_config(fake: FakeConvert) -> None:
    async with tracker_for(fake) as tracker:
        config = await tracker.fetch_config()
    assert isinstance(config, ProjectConfig)
    assert tracker.config is config
    assert config.account_id == str(ACCOUNT)
    assert config.project.id == str(project_of(fake))
    assert {e.id for e in config.experiences} == experiences_by_status(fake, "active")
    assert set(config.archived_experiences) == experiences_by_status(fake, "completed")
    assert config.goals
    assert config.locations
    assert config.audiences
    assert config.features
    assert all(e.status == "active" and e.variations for e in config.experiences)
    total = sum(v.traffic_allocation or 0 for v in config.experiences[0].variations)
    assert total == pytest.approx(10_000, abs=2)
    assert config.is_debug is False

    [request] = fake.requests_for("get_project_config_by_sdk_key")
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake))
    assert request.path_params == {"sdk_key": key.sdk_key}
    assert request.headers["Authorization"] == f"Bearer {key.secret}"
    assert request.headers["User-Agent"] == "ConvertAgent/1.0"
    assert request.query == {}


@pytest.mark.anyio
async def test_config_by_account_and_project_sends_no_credentials(fake: FakeConvert) -> None:
    async with tracker_for(fake, with_key=False) as tracker:
        config = await tracker.fetch_config()
        settings = await tracker.get_project_settings()
        optional = await tracker.get_project_optional_settings()
    assert {e.id for e in config.experiences} == experiences_by_status(fake, "active")
    [request] = fake.requests_for("get_project_config")
    assert request.path_params == {
        "account_id": str(ACCOUNT),
        "project_id": str(project_of(fake)),
    }
    assert "Authorization" not in request.headers
    assert settings.project_id == str(project_of(fake))
    assert optional.visitor_insights is not None


@pytest.mark.anyio
async def test_environment_filters_experiences(fake: FakeConvert) -> None:
    staged = sorted(experiences_by_status(fake, "active"))[0]
    exp = fake.store.get(
        "experiences", int(staged), account_id=ACCOUNT, project_id=project_of(fake)
    )
    assert exp is not None
    exp["environment"] = "staging"
    async with tracker_for(fake, environment="production") as tracker:
        production = await tracker.fetch_config()
        staging = await tracker.fetch_config("staging")
    assert staged not in {e.id for e in production.experiences}
    assert [e.id for e in staging.experiences] == [staged]
    requests = fake.requests_for("get_project_config_by_sdk_key")
    assert [r.query["environment"] for r in requests] == [["production"], ["staging"]]


@pytest.mark.anyio
async def test_a_debug_token_made_through_the_rest_api_works_for_config(
    fake: FakeConvert,
) -> None:
    auth = SecretKeyAuth(FakeConvert.KEY_ID, FakeConvert.KEY_SECRET)
    async with ConvertClient(auth, base_url=fake.url) as api:
        issued = await api.projects.create_debug_token(
            account_id=ACCOUNT, project_id=project_of(fake)
        )
    assert issued.value
    assert issued.ttl
    async with tracker_for(fake) as tracker:
        debug = await tracker.fetch_config(debug_token=issued.value)
    drafts = experiences_by_status(fake, "draft", "paused")
    assert drafts
    assert drafts <= {e.id for e in debug.experiences}


@pytest.mark.anyio
async def test_debug_token_reveals_drafts_and_travels_as_header_and_query(
    fake: FakeConvert,
) -> None:
    token = fake.serving.issue_debug_token(ACCOUNT, project_of(fake))
    async with tracker_for(fake) as tracker:
        plain = await tracker.fetch_config()
        debug = await tracker.fetch_config(debug_token=token)
        wrong = await tracker.fetch_config(debug_token="not-a-token")
    drafts = experiences_by_status(fake, "draft", "paused")
    assert drafts
    assert not drafts & {e.id for e in plain.experiences}
    assert {e.id for e in debug.experiences} == drafts | experiences_by_status(fake, "active")
    assert debug.is_debug is True
    assert not drafts & {e.id for e in wrong.experiences}

    first, second, _ = fake.requests_for("get_project_config_by_sdk_key")
    assert "convert-debug-token" not in first.headers
    assert second.headers["convert-debug-token"] == token
    assert second.query["debug_token"] == [token]
    assert second.query["_conv_low_cache"] == ["1"]  # a debug token bypasses the CDN cache


@pytest.mark.anyio
async def test_client_debug_token_is_the_default(fake: FakeConvert) -> None:
    token = fake.serving.issue_debug_token(ACCOUNT, project_of(fake))
    async with tracker_for(fake, debug_token=token) as tracker:
        config = await tracker.fetch_config()
    assert config.is_debug
    assert token not in repr(tracker)


@pytest.mark.anyio
async def test_low_cache_flag_and_single_experience(fake: FakeConvert) -> None:
    wanted = sorted(experiences_by_status(fake, "active"))[0]
    async with tracker_for(fake) as tracker:
        full = await tracker.fetch_config()
        await tracker.fetch_config(low_cache=True)
        single = await tracker.fetch_config(experience_id=wanted)
    assert [e.id for e in single.experiences] == [wanted]
    assert tracker.config is not single  # a one-experience config never replaces the full one
    assert tracker.config is not None
    assert tracker.config.experiences == full.experiences
    default, low, one = fake.requests_for("get_project_config_by_sdk_key")
    assert "_conv_low_cache" not in default.query
    assert low.query["_conv_low_cache"] == ["1"]
    assert one.query["exp"] == [wanted]


@pytest.mark.anyio
async def test_visitor_data_by_key_and_by_project(fake: FakeConvert) -> None:
    fake.serving.visitor_data[(project_of(fake), "v-1")] = {"country": "US"}
    async with tracker_for(fake) as by_key, tracker_for(fake, with_key=False) as by_project:
        assert (await by_key.get_visitor_data("v-1")).data == {"country": "US"}
        assert (await by_project.get_visitor_data("v-1")).data == {"country": "US"}
    assert len(fake.requests_for("get_visitor_data_by_sdk_key")) == 1
    assert len(fake.requests_for("get_visitor_data")) == 1


@pytest.mark.anyio
async def test_background_refresh_keeps_the_last_good_config(fake: FakeConvert) -> None:
    async with tracker_for(fake, config_refresh_interval=0.02, max_retries=0) as tracker:
        await wait_for(lambda: tracker.config is not None)
        good = tracker.config
        fake.faults.fail_next(3, status=503, operation="get_project_config_by_sdk_key")
        await wait_for(lambda: tracker.config_error is not None)
        assert tracker.config is good
        assert tracker.config_error is not None
        assert "503" in str(tracker.config_error)
        await wait_for(lambda: fake.faults.pending == 0 and tracker.config_error is None)
        assert tracker.config is not None
        assert tracker.config is not good  # refreshed again once the server recovered
    statuses = [r.status for r in fake.requests_for("get_project_config_by_sdk_key")]
    assert statuses.count(503) == 3


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition not met in time")


# -- tracking --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_tracking_payload_shape(fake: FakeConvert) -> None:
    project = str(project_of(fake))
    segments = VisitorSegments(country="US", visitor_type="new", custom_segments=["9"])
    async with tracker_for(fake) as tracker:
        assert tracker.track_bucketing("v1", 100, "200")
        assert tracker.track_conversion("v2", "300", revenue=49.99, products_count=2)
        assert tracker.track_bucketing("v2", "101", "201", segments=segments)
        assert tracker.track_conversion(
            "v1",
            "301",
            transaction_id="t-1",
            goal_data={"customDimension1": "blue"},
            bucketing={100: 200},
        )
        assert await tracker.flush(timeout=5)
        assert tracker.stats.sent == 4

    [batch] = fake.serving.batches
    assert batch == {
        "accountId": str(ACCOUNT),
        "projectId": project,
        "enrichData": True,
        "source": "js-sdk",
        "visitors": [
            {
                "visitorId": "v1",
                "events": [
                    {
                        "eventType": "bucketing",
                        "data": {"experienceId": "100", "variationId": "200"},
                    },
                    {
                        "eventType": "conversion",
                        "data": {
                            "goalId": "301",
                            "goalData": [
                                {"key": "transactionId", "value": "t-1"},
                                {"key": "customDimension1", "value": "blue"},
                            ],
                            "bucketingData": {"100": "200"},
                        },
                    },
                ],
            },
            {
                "visitorId": "v2",
                "events": [
                    {
                        "eventType": "conversion",
                        "data": {
                            "goalId": "300",
                            "goalData": [
                                {"key": "amount", "value": 49.99},
                                {"key": "productsCount", "value": 2},
                            ],
                        },
                    },
                    {
                        "eventType": "bucketing",
                        "data": {"experienceId": "101", "variationId": "201"},
                    },
                ],
                "segments": {"visitorType": "new", "country": "US", "customSegments": ["9"]},
            },
        ],
    }
    assert [e["visitorId"] for e in fake.serving.events] == ["v1", "v1", "v2", "v2"]
    [request] = fake.requests_for("send_tracking_events_by_sdk_key")
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake))
    assert request.method == "POST"
    assert request.path_params == {"sdk_key": key.sdk_key}
    assert request.headers["Authorization"] == f"Bearer {key.secret}"
    assert request.headers["User-Agent"] == "ConvertAgent/1.0"
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.anyio
async def test_no_authorization_header_without_a_secret(fake: FakeConvert) -> None:
    async with (
        tracker_for(fake, with_secret=False) as keyed,
        tracker_for(fake, with_key=False, enrich_data=False, source="python-sdk") as default,
    ):
        keyed.track_bucketing("v1", "1", "2")
        default.track_bucketing("v2", "1", "2")
        assert await keyed.flush(timeout=5)
        assert await default.flush(timeout=5)
    [by_key] = fake.requests_for("send_tracking_events_by_sdk_key")
    [by_project] = fake.requests_for("send_tracking_events")
    assert "Authorization" not in by_key.headers
    assert "Authorization" not in by_project.headers
    assert by_project.path_params == {
        "account_id": str(ACCOUNT),
        "project_id": str(project_of(fake)),
    }
    assert by_project.json()["enrichData"] is False
    assert by_project.json()["source"] == "python-sdk"
    assert len(fake.serving.events) == 2


@pytest.mark.anyio
async def test_wrong_secret_fails_the_batch_without_retrying(fake: FakeConvert) -> None:
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake))
    tracker = TrackingClient(
        key.sdk_key,
        "wrong-secret",
        account_id=ACCOUNT,
        project_id=project_of(fake),
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
        retry=FAST_RETRY,
    )
    async with tracker:
        for n in range(3):
            tracker.track_conversion(f"v{n}", "300")
        assert await tracker.flush(timeout=5)
        stats = tracker.stats
    assert (stats.enqueued, stats.sent, stats.failed, stats.retried) == (3, 0, 3, 0)
    [request] = fake.requests_for("send_tracking_events_by_sdk_key")
    assert request.status == 401
    assert fake.serving.batches == []


@pytest.mark.anyio
async def test_server_errors_are_retried_and_delivered_once(fake: FakeConvert) -> None:
    fake.faults.fail_next(2, status=503, operation="send_tracking_events_by_sdk_key")
    async with tracker_for(fake) as tracker:
        for n in range(10):
            tracker.track_bucketing(f"v{n}", "1", "2")
        assert await tracker.flush(timeout=5)
        stats = tracker.stats
    assert (stats.sent, stats.failed, stats.retried) == (10, 0, 20)
    assert len(fake.serving.events) == 10
    statuses = [r.status for r in fake.requests_for("send_tracking_events_by_sdk_key")]
    assert statuses == [503, 503, 200]


@pytest.mark.anyio
async def test_send_queues_a_ready_made_event_and_batches_by_size(fake: FakeConvert) -> None:
    async with tracker_for(fake, batch_size=5, flush_interval=60) as tracker:
        for n in range(10):
            event = TrackingEvent(
                visitor_id=f"v{n % 3}", event_type="conversion", data=EventData(goal_id="7")
            )
            assert await tracker.send(event)
        await wait_for(lambda: tracker.stats.sent == 10)
    assert [sum(len(v["events"]) for v in b["visitors"]) for b in fake.serving.batches] == [5, 5]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("event", "field"),
    [
        (TrackingEvent(visitor_id="v", event_type="purchase", data=EventData()), "event_type"),
        (TrackingEvent(visitor_id="v", event_type="conversion", data=EventData()), "goal_id"),
        (
            TrackingEvent(
                visitor_id="v", event_type="bucketing", data=EventData(experience_id="1")
            ),
            "variation_id",
        ),
        (
            TrackingEvent(visitor_id="v", event_type="conversion", data=EventData(goal_id=7)),  # type: ignore[arg-type]
            "goalId",
        ),
        (
            TrackingEvent(
                visitor_id="v",
                event_type="conversion",
                data=EventData(goal_id=object()),  # type: ignore[arg-type]
            ),
            "send_tracking_events",
        ),
        (
            TrackingEvent(
                visitor_id="v",
                event_type="conversion",
                data=EventData(goal_id="7", goal_data=[GoalDataItem(key="colour", value="red")]),
            ),
            "colour",
        ),
        (
            TrackingEvent(visitor_id="", event_type="conversion", data=EventData(goal_id="7")),
            "visitor_id",
        ),
    ],
)
async def test_send_refuses_an_event_the_api_would_reject(
    fake: FakeConvert, event: TrackingEvent, field: str
) -> None:
    async with tracker_for(fake) as tracker:
        with pytest.raises(RequestValidationError, match=field):
            await tracker.send(event)
        assert tracker.stats.enqueued == 0


@pytest.mark.anyio
async def test_max_batch_bytes_bounds_the_request_body(fake: FakeConvert) -> None:
    async with tracker_for(fake, max_batch_bytes=1_500, flush_interval=60) as tracker:
        for n in range(40):
            tracker.track_conversion(f"visitor-{n}", "7", revenue=n + 0.5)
        assert await tracker.flush(timeout=5)
    bodies = [r.body for r in fake.requests_for("send_tracking_events_by_sdk_key")]
    assert len(bodies) > 2
    assert all(len(body) <= 1_500 for body in bodies)
    assert max(len(body) for body in bodies) > 1_000  # trimmed to fit, not cut to pieces
    assert [e["visitorId"] for e in fake.serving.events] == [f"visitor-{n}" for n in range(40)]


@pytest.mark.anyio
async def test_conversion_arguments_are_checked(fake: FakeConvert) -> None:
    async with tracker_for(fake) as tracker:
        with pytest.raises(RequestValidationError, match=r"goal_data\.color"):
            tracker.track_conversion("v1", "300", goal_data={"color": "blue"})
        with pytest.raises(RequestValidationError, match="revenue"):
            tracker.track_conversion("v1", "300", revenue=float("nan"))
        with pytest.raises(RequestValidationError, match=r"goal_data\.amount"):
            tracker.track_conversion("v1", "300", revenue=1.0, goal_data={"amount": 2})
        with pytest.raises(RequestValidationError, match="visitor_id"):
            tracker.track_bucketing("", "1", "2")
        wrong: list[tuple[dict[str, Any], str]] = [
            ({"revenue": "12"}, "revenue"),
            ({"revenue": True}, "revenue"),
            ({"products_count": "3"}, "products_count"),
            ({"products_count": 2.5}, "products_count"),
            ({"transaction_id": ["t"]}, "transaction_id"),
            ({"goal_data": {"customDimension1": object()}}, r"goal_data\.customDimension1"),
            ({"goal_data": {"customDimension2": [1, 2]}}, r"goal_data\.customDimension2"),
            ({"goal_data": {"customDimension3": float("inf")}}, r"goal_data\.customDimension3"),
            ({"bucketing": {"1": None}}, "bucketing"),
            ({"bucketing": [1, 2]}, "bucketing"),
            ({"segments": {"country": "US"}}, "segments"),
            ({"segments": VisitorSegments(devices="DESK")}, "devices"),  # type: ignore[arg-type]
            # Values outside the documented lists were queued, and would fail their batch.
            ({"segments": VisitorSegments(browser="Chrome")}, "browser"),  # type: ignore[arg-type]
            ({"segments": VisitorSegments(devices=["PHONE"])}, r"devices\[0\]"),  # type: ignore[list-item]
            ({"segments": VisitorSegments(source="email")}, "source"),  # type: ignore[arg-type]
            ({"segments": VisitorSegments(visitor_type="old")}, "visitorType"),  # type: ignore[arg-type]
            ({"segments": VisitorSegments(country="USA")}, "country"),
        ]
        for arguments, field in wrong:
            with pytest.raises(RequestValidationError, match=field):
                tracker.track_conversion("v1", "300", **arguments)
        for goal in (None, "abc", "1.5", 0):
            with pytest.raises(RequestValidationError, match="goal_id"):
                tracker.track_conversion("v1", goal)  # type: ignore[arg-type]
        with pytest.raises(RequestValidationError, match="country"):
            tracker.track_bucketing("v1", 1, 2, segments=VisitorSegments(country=7))  # type: ignore[arg-type]
        assert tracker.stats.enqueued == 0


@pytest.mark.anyio
async def test_an_event_that_could_be_neither_sent_nor_kept_is_refused_at_the_door(
    fake: FakeConvert,
) -> None:
    # Each of these was accepted, then failed later: a lone surrogate in a spill took the
    # whole spill with it, an event over the spool's line limit was read back as damage, and
    # huge numbers or wrong shapes raised ValueError, OverflowError or AttributeError.
    async with tracker_for(fake, flush_interval=60) as tracker:
        with pytest.raises(RequestValidationError, match="lone surrogate"):
            tracker.track_bucketing("bad\ud800", 1, 2)
        big = {"customDimension1": "x" * 1_100_000}
        with pytest.raises(RequestValidationError, match="bytes as JSON; at most 1,048,575"):
            tracker.track_conversion("v1", "300", goal_data=big)
        wrong: list[tuple[dict[str, Any], str]] = [
            ({"goal_id": 10**5000}, "goal_id"),
            ({"goal_id": "9" * 5000}, "goal_id"),
            ({"transaction_id": 10**5000}, "transaction_id"),
            ({"revenue": 10**400}, "revenue"),
            ({"goal_data": [("amount", 1)]}, "goal_data"),
            ({"goal_data": {"customDimension1": "\udfff"}}, "lone surrogate"),
        ]
        for arguments, field in wrong:
            arguments.setdefault("goal_id", "300")
            with pytest.raises(RequestValidationError, match=field):
                tracker.track_conversion("v1", **arguments)
        with pytest.raises(RequestValidationError, match="experience_id"):
            tracker.track_bucketing("v1", 10**5000, 2)
        loose = EventData(goal_id="7", goal_data=[{"key": "amount", "value": 1}])  # type: ignore[list-item]
        with pytest.raises(RequestValidationError, match="GoalDataItem"):
            await tracker.send(TrackingEvent(visitor_id="v", event_type="conversion", data=loose))
        # An int transaction id is taken, as its digits.
        assert tracker.track_conversion("v1", "300", transaction_id=12345)  # type: ignore[arg-type]
        assert tracker.stats.enqueued == 1
        assert await tracker.flush(timeout=5)
    assert tracker.stats.sent == 1
    for options in ({"source": "js-sdk\ud800"}, {"source": 7}, {"enrich_data": "yes"}):
        with pytest.raises(ConfigurationError):
            tracker_for(fake, **options)


@pytest.mark.anyio
async def test_one_bad_event_never_fails_a_batch(fake: FakeConvert) -> None:
    async with tracker_for(fake, batch_size=100, flush_interval=60) as tracker:
        for n in range(100):
            segments = VisitorSegments(country="US") if n != 50 else "not segments"
            try:
                tracker.track_bucketing(f"v{n}", 1, 2, segments=segments)  # type: ignore[arg-type]
            except RequestValidationError:
                assert n == 50
        assert await tracker.flush(timeout=5)
        stats = tracker.stats
    assert (stats.enqueued, stats.sent, stats.failed) == (99, 99, 0)
    assert len(fake.serving.events) == 99


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("event", "field"),
    [
        ({"eventType": "purchase", "data": {}}, "visitors[0].events[0].eventType"),
        (
            {"eventType": "bucketing", "data": {"experienceId": "1"}},
            "visitors[0].events[0].data.variationId",
        ),
        (
            {"eventType": "conversion", "data": {"goalId": "2", "goalData": [{"key": "x"}]}},
            "visitors[0].events[0].data.goalData[0].key",
        ),
        (
            {"eventType": "conversion", "data": {"goalId": "2", "goalData": [{"key": "amount"}]}},
            "visitors[0].events[0].data.goalData[0].value",
        ),
        ({"eventType": "conversion", "data": {"goalId": ""}}, "visitors[0].events[0].data.goalId"),
    ],
)
async def test_fake_rejects_malformed_payloads_with_error_data(
    fake: FakeConvert, event: dict[str, Any], field: str
) -> None:
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake), with_secret=False)
    body: dict[str, Any] = {
        "accountId": str(ACCOUNT),
        "projectId": str(project_of(fake)),
        "visitors": [{"visitorId": "v1", "events": [event]}],
    }
    async with aiohttp.ClientSession() as session:
        url = f"{fake.serving_url}/track/{key.sdk_key}"
        async with session.post(url, data=json.dumps(body)) as response:
            assert response.status == 400
            error = await response.json()
        async with session.post(url, data=b"{not json") as response:
            assert response.status == 400
            assert (await response.json())["fields"] == ["body"]
        body["projectId"] = "0"
        body["visitors"][0]["events"] = [{"eventType": "conversion", "data": {"goalId": "2"}}]
        async with session.post(url, data=json.dumps(body)) as response:
            assert response.status == 400
            assert (await response.json())["fields"] == ["projectId"]
    assert error["code"] == 400
    assert error["fields"] == [field]
    assert field in error["message"]
    assert fake.serving.batches == []


@pytest.mark.anyio
async def test_fake_auth_and_unknown_keys(fake: FakeConvert) -> None:
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake))
    async with aiohttp.ClientSession() as session:
        url = f"{fake.serving_url}/config/{key.sdk_key}"
        async with session.get(url) as response:
            assert response.status == 401
        async with session.get(url, headers={"Authorization": key.secret or ""}) as response:
            assert response.status == 200  # the spec's raw apiKey form is accepted too
        async with session.get(f"{fake.serving_url}/config/no-such-key") as response:
            assert response.status == 404
        async with session.get(f"{fake.serving_url}/config/{ACCOUNT}/1") as response:
            assert response.status == 404


@pytest.mark.anyio
async def test_a_fake_that_serves_for_hours_keeps_only_its_latest_records(
    fake: FakeConvert,
) -> None:
    """``python -m convert_async.testing`` serves until Ctrl-C: with ``max_recorded`` set, the
    request log and the tracking payloads keep the latest ones only, and the events with
    them, while ``event_count`` still counts every event."""
    fake.max_recorded = 3
    fake.serving.max_recorded = 2
    async with tracker_for(fake) as tracker:
        for n in range(4):
            for _ in range(n + 1):  # payload n carries n + 1 events
                tracker.track_bucketing(f"v{n}", "1", "2")
            assert await tracker.flush(timeout=5)
    sent = fake.requests_for("send_tracking_events_by_sdk_key")
    assert len(fake.requests) == 3
    assert fake.requests[-1] is sent[-1]
    assert [b["visitors"][0]["visitorId"] for b in fake.serving.batches] == ["v2", "v3"]
    assert [e["visitorId"] for e in fake.serving.events] == ["v2"] * 3 + ["v3"] * 4
    assert fake.serving.event_count == 1 + 2 + 3 + 4


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("segments", "field"),
    [
        ({"browser": "Chrome"}, "visitors[0].segments.browser"),
        ({"devices": ["DESK", "PHONE"]}, "visitors[0].segments.devices[1]"),
        ({"visitorType": "old"}, "visitors[0].segments.visitorType"),
        ({"country": "USA"}, "visitors[0].segments.country"),
    ],
)
async def test_fake_rejects_segment_values_outside_the_documented_lists(
    fake: FakeConvert, segments: dict[str, Any], field: str
) -> None:
    key = fake.serving.sdk_key(ACCOUNT, project_of(fake), with_secret=False)
    event = {"eventType": "conversion", "data": {"goalId": "2"}}
    visitor = {"visitorId": "v1", "events": [event], "segments": segments}
    body = {"accountId": str(ACCOUNT), "projectId": str(project_of(fake)), "visitors": [visitor]}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.serving_url}/track/{key.sdk_key}", json=body) as response,
    ):
        assert response.status == 400
        assert (await response.json())["fields"] == [field]
    assert fake.serving.batches == []
