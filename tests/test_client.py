"""Client lifecycle, options, path encoding and response validation."""

from __future__ import annotations

import pytest

from convert_async import (
    APIResponseValidationError,
    ClientStateError,
    ConvertClient,
    RequestValidationError,
    SecretKeyAuth,
)
from tests.conftest import ScriptedServer, json_reply

AUTH = SecretKeyAuth("k", "s")


@pytest.mark.anyio
async def test_using_a_client_outside_async_with_is_a_clear_error(server: ScriptedServer) -> None:
    client = ConvertClient(AUTH, base_url=server.url)
    with pytest.raises(ClientStateError, match="async with"):
        await client.accounts.list()
    async with client:
        await client.request("GET", "/accounts")
    with pytest.raises(ClientStateError):
        await client.request("GET", "/accounts")
    assert len(server.seen) == 1


@pytest.mark.anyio
async def test_with_options_shares_the_pool_and_does_not_close_it(server: ScriptedServer) -> None:
    async with ConvertClient(AUTH, base_url=server.url) as client:
        quick = client.with_options(timeout=2, max_retries=0)
        assert quick._http is client._http
        assert quick.experiences is not client.experiences
        await quick.aclose()
        await client.request("GET", "/accounts")  # still open
        await quick.request("GET", "/accounts")
    assert len(server.seen) == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        ("a/b", "a%2Fb"),
        ("x?y=1", "x%3Fy%3D1"),
        ("frag#ment", "frag%23ment"),
        ("..", "%2E%2E"),
        ("../../../accounts", "..%2F..%2F..%2Faccounts"),
        ("100%", "100%25"),
    ],
)
async def test_path_parameters_stay_one_segment(
    server: ScriptedServer, key: str, encoded: str
) -> None:
    server.then(json_reply({"id": 1}))
    async with ConvertClient(AUTH, base_url=server.url) as client:
        await client.experiences.get_by_key(account_id=1, project_id=2, experience_key=key)
    assert server.seen[-1].raw_path == f"/api/v2/accounts/1/projects/2/experiences/{encoded}"


@pytest.mark.anyio
async def test_missing_path_parameter_fails_before_sending(server: ScriptedServer) -> None:
    async with ConvertClient(AUTH, base_url=server.url) as client:
        with pytest.raises(RequestValidationError, match="experience_key"):
            await client.experiences.get_by_key(account_id=1, project_id=2, experience_key="")
    assert server.seen == []


@pytest.mark.anyio
async def test_out_of_range_filters_fail_before_sending(server: ScriptedServer) -> None:
    async with ConvertClient(AUTH, base_url=server.url) as client:
        with pytest.raises(RequestValidationError) as caught:
            client.experiences.list(account_id=1, project_id=2, page_size=51)
        assert caught.value.field == "results_per_page"
        with pytest.raises(RequestValidationError) as caught:
            client.experiences.list(account_id=1, project_id=2, only=list(range(101)))
        assert caught.value.field == "only"
        with pytest.raises(RequestValidationError) as caught:
            await client.reports.get_aggregated(
                account_id=1, project_id=2, experience_id=3, utc_offset=99999
            )
        assert caught.value.field == "utc_offset"
    assert server.seen == []


@pytest.mark.anyio
async def test_a_reply_that_does_not_fit_names_operation_and_field(server: ScriptedServer) -> None:
    server.then(json_reply({"id": "not-a-number"}), json_reply({"data": [{"name": "no id"}]}))
    async with ConvertClient(AUTH, base_url=server.url) as client:
        with pytest.raises(APIResponseValidationError) as caught:
            await client.projects.get(account_id=1, project_id=2)
        assert caught.value.operation == "get_project"
        assert caught.value.field == "$.id"
        with pytest.raises(APIResponseValidationError) as caught:
            await client.accounts.list()
        assert caught.value.operation == "list_accounts"
        assert caught.value.field == "$.data[0]"


@pytest.mark.anyio
async def test_unknown_fields_and_enum_values_still_decode(server: ScriptedServer) -> None:
    server.then(json_reply({"id": 5, "status": "brand_new_status", "future_field": {"x": [1]}}))
    async with ConvertClient(AUTH, base_url=server.url) as client:
        experience = await client.experiences.get(account_id=1, project_id=2, experience_id=5)
    assert experience.status == "brand_new_status"
