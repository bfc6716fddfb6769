"""Cookie sessions, OAuth and the current user.

Operations with a behaviour of their own: each acts on the store (or on the fake's sessions and
credentials) the way the operation's summary says; the server then fits the reply to the spec's
response schema.
"""

from __future__ import annotations

import base64
import secrets
import time
from typing import TYPE_CHECKING, Any

from ._call import ApiError, Call, success

if TYPE_CHECKING:
    from . import FakeConvert


def do_auth(fake: FakeConvert, call: Call) -> Any:
    """``doAuth``: a password login opens a cookie session."""
    body = call.fields()
    data = body["data"] if isinstance(body.get("data"), dict) else {}
    if body.get("requestType") != "initiatePasswordAuth":
        return {"auth-code": "ERROR", "message": "No login in progress", "data": fake.user}
    if body.get("username") != fake.USERNAME or data.get("password") != fake.password:
        raise ApiError(401, "Invalid username or password")
    token = secrets.token_hex(16)
    fake.sessions.add(token)
    call.response_headers["Set-Cookie"] = (
        f"{fake.SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Lax"
    )
    return {"auth-code": "SUCCESS", "message": "Logged in", "data": fake.user}


def forgot_password(fake: FakeConvert, call: Call) -> Any:
    """``requestForgotPassword``: issue a reset code (kept in ``fake.reset_codes``)."""
    if call.fields().get("username") == fake.USERNAME:
        fake.reset_codes.add(secrets.token_hex(4))
    # The same answer for unknown users, so the endpoint does not reveal who has an account.
    return success(200, "If the user exists, a reset code was sent")


def confirm_password_reset(fake: FakeConvert, call: Call) -> Any:
    """``confirmPasswordReset``: a valid reset code sets the new password."""
    body = call.fields()
    if body.get("code") not in fake.reset_codes:
        raise ApiError(422, ["$.code: invalid or expired reset code"], ["$.code"])
    if body.get("newPassword") != body.get("confirmNewPassword"):
        raise ApiError(422, ["$.confirmNewPassword: does not match"], ["$.confirmNewPassword"])
    fake.reset_codes.discard(str(body["code"]))
    fake.password = str(body["newPassword"])
    return {"auth-code": "SUCCESS", "message": "Password changed", "data": fake.user}


def logout(fake: FakeConvert, call: Call) -> Any:
    """``doLogout``: end this session, the others, or all of them."""
    kind = call.fields().get("requestType") or "currentSession"
    current = {call.session} & fake.sessions
    if kind == "allSessions":
        fake.sessions.clear()
    elif kind == "otherSessions":
        fake.sessions &= current
    else:
        fake.sessions -= current
    if kind != "otherSessions":
        call.response_headers["Set-Cookie"] = f"{fake.SESSION_COOKIE}=; Path=/; Max-Age=0"
    return success(200, "Logged out")


def auth_status(fake: FakeConvert, call: Call) -> Any:
    """``getAuthStatus``: reaching here means the request authenticated."""
    return success(200, "Session active")


def oauth_token(fake: FakeConvert, call: Call) -> Any:
    """``requestOauthToken``: a known client's code buys a Bearer token the fake accepts."""
    body = call.fields()
    if fake.store.get("oauth-clients", str(body.get("client_id"))) is None:
        raise ApiError(401, "Unknown OAuth client")
    token = secrets.token_urlsafe(24)
    fake.oauth_tokens.add(token)
    accounts = [{"account_id": a} for a in sorted(fake.store.collection("accounts"))]
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_at": int(time.time()) + 3600,
        "scope": {"mode": "selected_accounts_projects", "accounts": accounts},
    }


def create_oauth_client(fake: FakeConvert, call: Call) -> Any:
    """``createOauthClient``: a new client with a string id."""
    obj = fake.store.add("oauth-clients", call.fields())
    obj.update(id=f"oc-{secrets.token_hex(6)}", created_at=int(time.time()))
    return obj


def delete_oauth_client(fake: FakeConvert, call: Call) -> Any:
    """``deleteOauthClient``."""
    fake.store.remove("oauth-clients", call.obj("client_id"))
    return success(200, "OAuth client deleted")


def update_user(fake: FakeConvert, call: Call) -> Any:
    """``updateUserProfileData``: names, e-mail (confirmed later) and password."""
    body = call.fields()
    profile = fake.user["profileData"]
    for name in ("firstName", "lastName"):
        if name in body:
            profile[name] = body[name]
    if "newPassword" in body:
        if body.get("currentPassword") != fake.password:
            raise ApiError(422, ["$.currentPassword: is wrong"], ["$.currentPassword"])
        fake.password = str(body["newPassword"])
    if "email" in body:
        fake.pending_email = str(body["email"])
    if isinstance(body.get("mfa"), dict):
        fake.user["preferences"]["mfaEnabled"] = body["mfa"].get("type") == "enable"
    return fake.user


def confirm_email(fake: FakeConvert, call: Call) -> Any:
    """``confirmEmail``: the pending e-mail change takes effect."""
    if fake.pending_email is None:
        raise ApiError(422, ["$.code: no e-mail change is pending"], ["$.code"])
    fake.user["profileData"]["email"], fake.pending_email = fake.pending_email, None
    return fake.user


def update_preferences(fake: FakeConvert, call: Call) -> Any:
    """``updateUserPreferences``: merge the given preference groups."""
    preferences = fake.user["preferences"]
    for name, value in call.fields().items():
        if isinstance(value, dict) and isinstance(preferences.get(name), dict):
            preferences[name].update(value)
        else:
            preferences[name] = value
    return fake.user


def mfa_secret(fake: FakeConvert, call: Call) -> Any:
    """``generateMfaSecret``: a base32 secret for an authenticator app."""
    return {"mfa_secret": base64.b32encode(secrets.token_bytes(10)).decode()}


def accept_demo_project(fake: FakeConvert, call: Call) -> Any:
    """``acceptDemoProject``: a demo project appears in the user's main account."""
    fields = {"name": "Demo project", "project_type": "web", "status": "active"}
    fake.store.add("projects", fields, account_id=fake.store.ACCOUNT_ID)
    return success(200, "Demo project created")


def revoke_session(fake: FakeConvert, call: Call) -> Any:
    """``revokeUserSession``: forget one authorized session by its ``sid``."""
    sid = call.fields().get("sid")
    sessions = fake.store.collection("user-sessions")
    key = next((k for k, s in sessions.items() if s.get("sid") == sid), None)
    if key is None:
        raise ApiError(404, "Session not found")
    del sessions[key]
    return success(200, "Session revoked")


def revoke_all_sessions(fake: FakeConvert, call: Call) -> Any:
    """``revokeAllUserSessions``."""
    fake.store.collection("user-sessions").clear()
    fake.sessions.clear()
    return success(200, "All sessions revoked")
