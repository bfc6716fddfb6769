"""The client against FakeConvert's injected faults: typed errors, retries, nothing lost."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from convert_async import (
    APIConnectionError,
    APIResponseValidationError,
    AuthenticationError,
    ConvertClient,
    HmacAuth,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    SecretKeyAuth,
)
from convert_async.testing import FakeConvert

ACCOUNT = 1001


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


def client_for(
    fake: FakeConvert, sleep: RecordingSleep | None = None, *, max_retries: int | None = None
) -> ConvertClient:
    policy = RetryPolicy(max_retries=5, sleep=sleep or RecordingSleep())
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    return ConvertClient(auth, base_url=fake.url, retry=policy, max_retries=max_retries)


def first_project(fake: FakeConvert) -> int:
    ids: list[int] = [p["id"] for p in fake.store.items("projects", account_id=ACCOUNT)]
    return min(ids)


@pytest.mark.anyio
async def test_malformed_body_is_a_typed_error(fake_convert: FakeConvert) -> None:
    fake_convert.faults.fail_next(kind="malformed", operation="getProject")
    async with client_for(fake_convert) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.projects.get(account_id=ACCOUNT, project_id=first_project(fake_convert))
    assert caught.value.operation == "get_project"


@pytest.mark.anyio
async def test_truncated_body_is_retried_for_reads(fake_convert: FakeConvert) -> None:
    fake_convert.faults.fail_next(kind="truncated", operation="getProject")
    async with client_for(fake_convert) as client:
        project = await client.projects.get(
            account_id=ACCOUNT, project_id=first_project(fake_convert)
        )
    assert project.id == first_project(fake_convert)
    assert [r.status for r in fake_convert.requests_for("getProject")] == [200, 200]


@pytest.mark.anyio
async def test_truncated_reply_to_a_write_is_not_repeated(fake_convert: FakeConvert) -> None:
    fake_convert.faults.fail_next(kind="truncated", operation="createTag")
    async with client_for(fake_convert) as client:
        with pytest.raises(APIConnectionError):
            await client.tags.create(
                account_id=ACCOUNT, project_id=first_project(fake_convert), name="Q4"
            )
    assert len(fake_convert.requests_for("createTag")) == 1


@pytest.mark.anyio
async def test_429_retry_after_from_the_fake_is_honored(fake_convert: FakeConvert) -> None:
    sleep = RecordingSleep()
    fake_convert.faults.fail_next(2, status=429, retry_after="2", operation="getExperiencesList")
    async with client_for(fake_convert, sleep) as client:
        page = await client.experiences.list(
            account_id=ACCOUNT, project_id=first_project(fake_convert)
        )
    assert page.items
    assert sleep.delays[:2] == [2.0, 2.0]


@pytest.mark.anyio
async def test_listing_survives_a_flaky_server_without_losing_items(
    fake_convert: FakeConvert,
) -> None:
    project_id = first_project(fake_convert)
    fake_convert.store.add_experiences(ACCOUNT, project_id, 2_000)
    stored = fake_convert.store.items("experiences", account_id=ACCOUNT, project_id=project_id)
    faults = fake_convert.faults
    faults.error_rate, faults.rate_limit_rate, faults.drop_rate = 0.15, 0.05, 0.05
    faults.operations = {"getExperiencesList"}
    ids: list[int] = []
    async with client_for(fake_convert, max_retries=10) as client:
        async for e in client.experiences.list(account_id=ACCOUNT, project_id=project_id):
            assert e.id is not None
            ids.append(e.id)
    assert sorted(ids) == sorted(e["id"] for e in stored)
    assert len(ids) == len(set(ids))
    assert any(r.status != 200 for r in fake_convert.requests_for("getExperiencesList"))


@pytest.mark.anyio
async def test_expired_signature_and_wrong_key_are_401(fake_convert: FakeConvert) -> None:
    stale = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET, clock=lambda: 1e9)
    async with ConvertClient(stale, base_url=fake_convert.url) as client:
        with pytest.raises(AuthenticationError, match="xpired"):
            await client.accounts.list()
    async with ConvertClient(
        SecretKeyAuth(FakeConvert.KEY_ID, "wrong"), base_url=fake_convert.url
    ) as client:
        with pytest.raises(AuthenticationError):
            await client.accounts.list()
    async with ConvertClient(
        SecretKeyAuth(FakeConvert.KEY_ID, FakeConvert.KEY_SECRET), base_url=fake_convert.url
    ) as client:
        assert [a.id async for a in client.accounts.list()]


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["../../../accounts", "..", "a/b?c#d", "%2F"])
async def test_hostile_path_values_cannot_change_the_route(
    fake_convert: FakeConvert, key: str
) -> None:
    async with client_for(fake_convert) as client:
        with pytest.raises(NotFoundError):
            await client.experiences.get_by_key(
                account_id=ACCOUNT, project_id=first_project(fake_convert), experience_key=key
            )
    recorded = fake_convert.requests[-1]
    assert recorded.operation == "getExperienceByKey"
    assert recorded.path_params["experience_key"] == key


@pytest.mark.anyio
async def test_max_rate_refuses_requests_over_the_window_with_retry_after(
    fake_convert: FakeConvert,
) -> None:
    fake_convert.faults.max_rate = 1
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake_convert.url, max_retries=0) as client:
        for _ in range(3):
            with contextlib.suppress(RateLimitError):
                await client.accounts.list()
    statuses = [r.status for r in fake_convert.requests]
    assert statuses.count(200) <= 2  # at most one per window (three requests span two)
    assert statuses.count(429) >= 1
    fake_convert.faults.max_rate = None
    async with ConvertClient(auth, base_url=fake_convert.url, max_retries=0) as client:
        await client.accounts.list()


@pytest.mark.anyio
async def test_rate_burst_enforces_max_rate_as_a_leaky_bucket(fake_convert: FakeConvert) -> None:
    """nginx's ``limit_req rate=1r/s burst=3 nodelay``: of a burst of eight, the first and
    three more pass; after a second (one request's worth drains) one more does."""
    fake_convert.faults.max_rate = 1
    fake_convert.faults.rate_burst = 3
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake_convert.url, max_retries=0) as client:

        async def call() -> int:
            try:
                await client.accounts.list()
            except RateLimitError as error:
                waits.append(error.retry_after)
                return 429
            return 200

        waits: list[float | None] = []

        burst = [await call() for _ in range(8)]
        await asyncio.sleep(1.05)
        after = [await call() for _ in range(2)]
    assert burst == [200] * 4 + [429] * 4
    assert after == [200, 429]
    assert waits == [1] * 5
