"""Tracking delivery guarantees end to end: TrackingClient -> EventSender -> FakeConvert."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from convert_async import RequestValidationError, RetryPolicy, TrackingClient
from convert_async.serving import EventData, TrackingEvent
from convert_async.testing import FakeConvert

ACCOUNT = 1001


async def _no_wait(_: float) -> None:
    await asyncio.sleep(0)


def tracker(fake: FakeConvert, **options: object) -> TrackingClient:
    project = min(p["id"] for p in fake.store.items("projects", account_id=ACCOUNT))
    key = fake.serving.sdk_key(ACCOUNT, project, with_secret=True)
    options.setdefault("retry", RetryPolicy(max_retries=50, max_delay=0.01, sleep=_no_wait))
    return TrackingClient(
        key.sdk_key,
        key.secret,
        account_id=ACCOUNT,
        project_id=project,
        config_base_url=fake.serving_url,
        track_base_url=fake.serving_url,
        **options,  # type: ignore[arg-type]
    )


def bucketing(n: int) -> TrackingEvent:
    return TrackingEvent(
        visitor_id=f"v{n}",
        event_type="bucketing",
        data=EventData(experience_id="1", variation_id="2"),
    )


def delivered(fake: FakeConvert) -> Counter[str]:
    return Counter(e["visitorId"] for e in fake.serving.events)


@pytest.mark.anyio
async def test_100k_events_through_a_faulty_server_all_arrive(fake_convert: FakeConvert) -> None:
    faults = fake_convert.faults
    faults.operations = {"send_tracking_events_by_sdk_key"}
    faults.error_rate, faults.rate_limit_rate, faults.drop_rate = 0.2, 0.05, 0.05
    faults.retry_after = "0"
    bound, total = 2_000, 100_000
    deepest = 0
    client = tracker(
        fake_convert, batch_size=500, max_queue_size=bound, overflow="block", flush_interval=0.05
    )
    async with client:
        for n in range(total):
            assert await client.send(bucketing(n))
            deepest = max(deepest, client.stats.queue_depth)
        assert await client.flush(timeout=60)
    stats = client.stats
    counts = delivered(fake_convert)
    duplicates = sum(counts.values()) - len(counts)
    print(f"\n100k events: {stats}; duplicates delivered: {duplicates}")
    assert deepest <= bound  # memory stays bounded
    assert stats.enqueued == total
    assert stats.sent == total
    assert (stats.failed, stats.dropped, stats.spooled) == (0, 0, 0)
    assert stats.retried > 0  # the faults really happened
    assert set(counts) == {f"v{n}" for n in range(total)}  # every accepted event, at least once
    # Only a dropped connection can duplicate: the server may have stored a batch it never
    # answered. Each duplicate must come from such a drop.
    dropped_batches = sum(
        1 for r in fake_convert.requests_for("send_tracking_events_by_sdk_key") if r.status == 0
    )
    assert duplicates <= dropped_batches * 500


@pytest.mark.anyio
async def test_server_down_at_close_then_the_next_client_delivers_the_spool(
    fake_convert: FakeConvert, tmp_path: Path
) -> None:
    spool = tmp_path / "tracking.spool"
    fake_convert.faults.operations = {"send_tracking_events_by_sdk_key"}
    fake_convert.faults.error_rate = 1.0  # the tracking endpoint is down
    first = tracker(
        fake_convert, spool_path=spool, retry=RetryPolicy(max_retries=2, sleep=_no_wait)
    )
    async with first:
        for n in range(250):
            assert first.track_bucketing(f"v{n}", 1, 2)
    assert first.stats.spooled == 250
    assert delivered(fake_convert) == Counter()

    fake_convert.faults.error_rate = 0.0  # back up
    second = tracker(fake_convert, spool_path=spool)
    async with second:
        second.track_conversion("late", 7)
    counts = delivered(fake_convert)
    assert set(counts) == {f"v{n}" for n in range(250)} | {"late"}
    assert second.stats.sent == 251
    assert list(spool.glob("seg-*")) == []  # every segment deleted once its events were sent


@pytest.mark.anyio
@pytest.mark.parametrize("status", [400, 302])
async def test_a_rejected_batch_is_not_retried_and_later_batches_still_go(
    fake_convert: FakeConvert, status: int
) -> None:
    """A 400, or a 3xx (redirects are not followed: nothing was delivered), fails that batch:
    counted and reported, never settled as sent."""
    fake_convert.faults.fail_next(status=status, operation="send_tracking_events_by_sdk_key")
    client = tracker(fake_convert, batch_size=10, max_in_flight=1)
    async with client:
        for n in range(30):
            client.track_bucketing(f"v{n}", 1, 2)
    stats = client.stats
    assert (stats.failed, stats.sent, stats.retried) == (10, 20, 0)
    assert len(fake_convert.requests_for("send_tracking_events_by_sdk_key")) == 3
    assert len(delivered(fake_convert)) == 20


@pytest.mark.anyio
async def test_a_close_timeout_that_is_no_number_of_seconds_is_refused_at_once() -> None:
    async with FakeConvert() as fake:
        with pytest.raises(RequestValidationError, match="close_timeout: must be None or a number"):
            tracker(fake, close_timeout=-1)
