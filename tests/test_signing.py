"""Request signing, checked against the API reference's recipe computed here by hand."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from convert_async import ConvertClient, HmacAuth, SecretKeyAuth
from tests.conftest import ScriptedServer, json_reply

APP_ID = "app-123"
SECRET = "s3cr3t-value"
NOW = 1_700_000_000.0


def expected_signature(app_id: str, expires: str, url: str, body: str) -> str:
    """The reference's recipe: HMAC-SHA256 over id \\n expires \\n URL \\n body, in hex."""
    sign_string = app_id + "\n" + expires + "\n" + url + "\n" + body
    return hmac.new(SECRET.encode(), sign_string.encode(), hashlib.sha256).hexdigest()


def client_for(server: ScriptedServer) -> ConvertClient:
    return ConvertClient(
        HmacAuth(APP_ID, SECRET, expires_in=90, clock=lambda: NOW), base_url=server.url
    )


def assert_signed(server: ScriptedServer, body: str) -> None:
    seen = server.seen[-1]
    assert seen.headers["Convert-Application-ID"] == APP_ID
    assert seen.headers["Expires"] == str(int(NOW) + 90)
    assert seen.body.decode() == body
    signature = expected_signature(APP_ID, seen.headers["Expires"], seen.url, body)
    assert seen.headers["Authorization"] == f"Convert-HMAC-SHA256 Signature={signature}"


@pytest.mark.anyio
async def test_get_is_signed_over_the_full_url_and_empty_body(server: ScriptedServer) -> None:
    server.then(json_reply({"id": 7, "name": "Shop"}))
    async with client_for(server) as client:
        project = await client.projects.get(account_id=1, project_id=7)
    assert project.name == "Shop"
    assert server.seen[-1].url == f"{server.url}/accounts/1/projects/7"
    assert_signed(server, "")


@pytest.mark.anyio
async def test_post_signature_covers_the_exact_body_bytes_sent(server: ScriptedServer) -> None:
    server.then(json_reply({"data": {"stats_methodology": "frequentist", "reportData": []}}))
    async with client_for(server) as client:
        await client.reports.get_aggregated(
            account_id=1, project_id=2, experience_id=3, goals=[10, 11], utc_offset=-18000
        )
    sent = server.seen[-1].body.decode()
    assert json.loads(sent) == {"goals": [10, 11], "utc_offset": -18000}
    assert_signed(server, sent)


@pytest.mark.anyio
async def test_query_string_is_part_of_the_signed_url(server: ScriptedServer) -> None:
    server.then(json_reply({"id": 3, "key": "hero test"}))
    async with client_for(server) as client:
        await client.experiences.get(
            account_id=1, project_id=2, experience_id=3, include=["variations", "goals"]
        )
    seen = server.seen[-1]
    assert seen.raw_path.endswith("/experiences/3?include[]=variations&include[]=goals")
    assert_signed(server, "")


@pytest.mark.anyio
async def test_escape_hatch_request_is_signed_like_typed_calls(server: ScriptedServer) -> None:
    server.then(json_reply({"data": []}))
    async with client_for(server) as client:
        reply = await client.request(
            "POST", "/accounts/1/projects", json={"search": "café", "page": 2}, params={"x": 1}
        )
    assert reply == {"data": []}
    seen = server.seen[-1]
    assert seen.url.endswith("/accounts/1/projects?x=1")
    assert_signed(server, seen.body.decode())


@pytest.mark.anyio
async def test_secret_key_auth_sends_bearer_id_and_secret(server: ScriptedServer) -> None:
    async with ConvertClient(SecretKeyAuth("key-1", "key-secret"), base_url=server.url) as client:
        await client.request("GET", "/accounts")
    headers = server.seen[-1].headers
    assert headers["Authorization"] == "Bearer key-1:key-secret"
    assert "Convert-Application-ID" not in headers


@pytest.mark.anyio
async def test_every_request_names_the_sdk_in_its_user_agent(server: ScriptedServer) -> None:
    async with client_for(server) as client:
        await client.request("GET", "/accounts")
    assert server.seen[-1].headers["User-Agent"].startswith("convert-async/")


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERT_API_KEY_ID", "env-id")
    monkeypatch.setenv("CONVERT_API_KEY_SECRET", "env-secret")
    assert "HmacAuth(application_id='env-id'" in repr(ConvertClient())
    monkeypatch.setenv("CONVERT_AUTH_METHOD", "secret_key")
    assert "SecretKeyAuth(key_id='env-id'" in repr(ConvertClient())


def test_missing_credentials_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from convert_async import ConvertError

    monkeypatch.delenv("CONVERT_API_KEY_ID", raising=False)
    monkeypatch.delenv("CONVERT_API_KEY_SECRET", raising=False)
    with pytest.raises(ConvertError, match="CONVERT_API_KEY_ID"):
        ConvertClient()
