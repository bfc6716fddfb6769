"""Every operation of Convert's spec against FakeConvert, over a real socket.

For each of the 189 operations a request is built from the spec alone (its method, its path
template filled with ids of seeded objects, a sample of its body schema), and the reply must
carry the spec's success status and validate against the operation's response schema.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from convert_async.testing import FakeConvert
from convert_async.testing._schema_check import problems
from convert_async.testing._v2._table import BEHAVIOURS
from tests.test_fake_v2_support import SPEC, request_body, send, spec_path

pytestmark = pytest.mark.anyio


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def test_the_behaviour_table_names_exactly_the_spec_operations() -> None:
    assert set(BEHAVIOURS) == set(SPEC.operations)
    assert len(SPEC.operations) == 189


@pytest.mark.parametrize("operation_id", sorted(SPEC.operations))
async def test_operation_answers_with_its_spec_status_and_schema(
    operation_id: str, http: aiohttp.ClientSession
) -> None:
    op = SPEC.operations[operation_id]
    async with FakeConvert() as fake:
        body, content_type = request_body(fake, op)
        status, reply = await send(
            http, fake, op.method, spec_path(fake, op), body=body, content_type=content_type
        )
        assert fake.requests[-1].operation == operation_id
    assert status == op.status, reply
    assert op.response is not None
    if op.response_content_type == "application/json":
        assert problems(SPEC, op.response, reply) == []
