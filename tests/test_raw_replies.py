"""``capture_replies()``: the raw reply (status, headers, body) behind any call."""

from __future__ import annotations

import json

import pytest

from convert_async import ConvertClient, HmacAuth, NotFoundError, RawReply, capture_replies
from convert_async.testing import FakeConvert

pytestmark = pytest.mark.anyio
ACCOUNT, PROJECT = 1001, 10001


async def test_a_call_and_its_raw_reply(fake_convert: FakeConvert) -> None:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    async with ConvertClient(auth, base_url=fake_convert.url) as client:
        with capture_replies() as replies:
            tag = await client.tags.create(account_id=ACCOUNT, project_id=PROJECT, name="raw")
        assert len(replies) == 1
        reply = replies[0]
        assert isinstance(reply, RawReply)
        assert (reply.method, reply.status) == ("POST", 201)
        assert reply.url.endswith(f"/accounts/{ACCOUNT}/projects/{PROJECT}/tags/add")
        assert reply.headers["Content-Type"].startswith("application/json")
        assert json.loads(reply.body)["id"] == tag.id
        # Outside the block nothing is kept.
        await client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=tag.id or 0)
        assert len(replies) == 1


async def test_pages_fanned_out_and_error_replies_are_captured(fake_convert: FakeConvert) -> None:
    auth = HmacAuth(FakeConvert.APPLICATION_ID, FakeConvert.APPLICATION_SECRET)
    stored = fake_convert.store.collection("experiences", account_id=ACCOUNT, project_id=PROJECT)
    async with ConvertClient(auth, base_url=fake_convert.url, page_concurrency=4) as client:
        with capture_replies() as replies:
            listed = [
                e
                async for e in client.experiences.list(
                    account_id=ACCOUNT, project_id=PROJECT, page_size=2
                )
            ]
            with pytest.raises(NotFoundError):
                await client.tags.get(account_id=ACCOUNT, project_id=PROJECT, tag_id=999_999)
    pages = -(-len(stored) // 2)
    assert len(listed) == len(stored)
    assert [r.status for r in replies] == [200] * pages + [404]
    assert json.loads(replies[-1].body)["code"] == 404
