"""Cookie sessions: log in, keep the session cookie, use it, log out."""

from __future__ import annotations

from typing import Literal

import pytest

from convert_async import AuthenticationError, ConvertClient, CookieAuth, SecretKeyAuth
from convert_async.testing import FakeConvert
from convert_async.v2 import requests
from tests.conftest import ScriptedServer, json_reply


def _password_login(password: str) -> requests.InitiatePasswordAuthRequestData:
    """The body of a password login (``requestType`` = ``initiatePasswordAuth``)."""
    return requests.InitiatePasswordAuthRequestData(
        username=FakeConvert.USERNAME,
        data=requests.PasswordAuthData(username=FakeConvert.USERNAME, password=password),
    )


@pytest.mark.anyio
async def test_login_keeps_the_cookie_and_logout_forgets_it(fake_convert: FakeConvert) -> None:
    auth = CookieAuth()
    async with ConvertClient(auth, base_url=fake_convert.url) as client:
        with pytest.raises(AuthenticationError):
            await client.accounts.list()  # no session yet
        reply = await client.cookie_auth.login(body=_password_login(FakeConvert.PASSWORD))
        assert reply.auth_code == "SUCCESS"
        assert auth.logged_in
        assert [a.id async for a in client.accounts.list()]  # the cookie authenticates
        sent = fake_convert.requests_for("getAccountsList")[-1].headers
        assert sent["Cookie"].startswith(f"{FakeConvert.SESSION_COOKIE}=")
        assert "Authorization" not in sent
        assert (await client.cookie_auth.check_session()).code == 200

        await client.cookie_auth.logout(request_type="currentSession")
        assert not auth.logged_in
        with pytest.raises(AuthenticationError):
            await client.accounts.list()


@pytest.mark.anyio
async def test_wrong_password_opens_no_session(fake_convert: FakeConvert) -> None:
    auth = CookieAuth()
    async with ConvertClient(auth, base_url=fake_convert.url) as client:
        with pytest.raises(AuthenticationError):
            await client.cookie_auth.login(body=_password_login("nope"))
    assert not auth.logged_in


def test_the_session_cookie_is_redacted() -> None:
    auth = CookieAuth()
    auth.observe(["convert_session=s3cr3t-token; Path=/; HttpOnly"])
    assert "s3cr3t-token" not in repr(auth)
    assert auth.headers("GET", "https://x", b"") == {"Cookie": "convert_session=s3cr3t-token"}


@pytest.mark.anyio
async def test_cookies_a_server_sets_are_not_sent_back(server: ScriptedServer) -> None:
    # Only CookieAuth sends a cookie, and only its own: the session keeps no cookie jar.
    # (By host name: a cookie jar would ignore cookies from an IP address anyway.)
    server.default = json_reply({"id": 2, "name": "ok"}, headers={"Set-Cookie": "t=abc; Path=/"})
    base_url = server.url.replace("127.0.0.1", "localhost")
    async with ConvertClient(SecretKeyAuth("k", "s"), base_url=base_url) as client:
        await client.projects.get(account_id=1, project_id=2)
        await client.projects.get(account_id=1, project_id=2)
    assert [seen.headers.get("Cookie") for seen in server.seen] == [None, None]


async def _logged_in(client: ConvertClient) -> None:
    await client.cookie_auth.login(body=_password_login(FakeConvert.PASSWORD))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("request_type", "first_still_in", "second_still_in"),
    [
        ("currentSession", False, True),
        ("otherSessions", True, False),
        ("allSessions", False, False),
    ],
)
async def test_logout_ends_the_sessions_asked_for(
    fake_convert: FakeConvert,
    request_type: Literal["currentSession", "otherSessions", "allSessions"],
    first_still_in: bool,
    second_still_in: bool,
) -> None:
    first, second = CookieAuth(), CookieAuth()
    async with (
        ConvertClient(first, base_url=fake_convert.url) as one,
        ConvertClient(second, base_url=fake_convert.url) as two,
    ):
        await _logged_in(one)
        await _logged_in(two)
        await one.cookie_auth.logout(request_type=request_type)
        for client, still_in in ((one, first_still_in), (two, second_still_in)):
            if still_in:
                assert (await client.accounts.list()).items
            else:
                with pytest.raises(AuthenticationError):
                    await client.accounts.list()
    assert first.logged_in is (request_type == "otherSessions")
