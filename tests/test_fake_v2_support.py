"""Requests to FakeConvert built from Convert's spec, sent over a real socket with raw aiohttp.

Shared by the ``test_fake_v2_*`` suites. Nothing here goes through ``convert_async.v2``: paths
come from the spec's templates filled with ids of seeded objects, bodies from ``sample()``, and
requests are signed with an independent implementation of the documented HMAC recipe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from convert_async.testing import FakeConvert, FakeStore
from convert_async.testing._openapi import SpecOperation, load_spec
from convert_async.testing._schema_check import sample

SPEC = load_spec()
ACCOUNT = FakeStore.ACCOUNT_ID
PROJECT = 10001  # first seeded project of the main account
#: A seeded MVT experience that ran (sections, heatmaps, two goals, a Bayesian report).
EXPERIENCE = 100005
#: A seeded experience that ran with the frequentist engine.
FREQUENTIST_EXPERIENCE = 100006
BOUNDARY = "fake-v2-test-boundary"


def sign(url: str, body: bytes, *, expires: int | None = None) -> dict[str, str]:
    """Request-signing headers for ``url`` + ``body`` (the fake's default application)."""
    app_id = FakeConvert.APPLICATION_ID
    stamp = str(expires if expires is not None else int(time.time()) + 60)
    message = f"{app_id}\n{stamp}\n{url}\n".encode() + body
    key = FakeConvert.APPLICATION_SECRET.encode()
    signature = hmac.new(key, message, hashlib.sha256).hexdigest()
    return {
        "Convert-Application-ID": app_id,
        "Expires": stamp,
        "Authorization": f"Convert-HMAC-SHA256 Signature={signature}",
    }


async def send(
    http: aiohttp.ClientSession,
    fake: FakeConvert,
    method: str,
    path: str,
    payload: Any = None,
    *,
    body: bytes | None = None,
    content_type: str = "application/json",
    query: str = "",
) -> tuple[int, Any]:
    """Send a signed request to ``fake.url + path`` and decode the JSON reply."""
    url = fake.url + path + (f"?{query}" if query else "")
    data = body if body is not None else (b"" if payload is None else json.dumps(payload).encode())
    headers = sign(url, data)
    if data:
        headers["Content-Type"] = content_type
    async with http.request(method, URL(url, encoded=True), data=data, headers=headers) as reply:
        raw = await reply.read()
        return reply.status, json.loads(raw) if raw else None


def multipart(fields: Mapping[str, str | tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body: text fields, and files as (file name, bytes, type)."""
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
        if isinstance(value, tuple):
            filename, content, kind = value
            head += f'; filename="{filename}"\r\nContent-Type: {kind}'
            parts.append(f"{head}\r\n\r\n".encode() + content + b"\r\n")
        else:
            parts.append(f"{head}\r\n\r\n{value}\r\n".encode())
    body = b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()
    return body, f"multipart/form-data; boundary={BOUNDARY}"


# -- ids of seeded objects for every path parameter ----------------------------------------------


def _first(fake: FakeConvert, name: str, **scope: int) -> dict[str, Any]:
    return fake.store.items(name, **scope)[0]


def path_values(fake: FakeConvert, op: SpecOperation) -> dict[str, str]:
    """A value naming a seeded object for each of ``op``'s path parameters."""
    scope = {"account_id": ACCOUNT, "project_id": PROJECT}
    experience = fake.store.get("experiences", EXPERIENCE, **scope)
    assert experience is not None
    # Delete a variation that is not the baseline (a baseline cannot be deleted).
    variation = experience["variations"][-1]
    section = experience["sections"][0]
    change = variation["changes"][0]
    by_param: dict[str, Callable[[], Any]] = {
        "account_id": lambda: ACCOUNT,
        "project_id": lambda: PROJECT,
        "experience_id": lambda: EXPERIENCE,
        "experience_key": lambda: experience["key"],
        "variation_id": lambda: variation["id"],
        "change_id": lambda: change["id"],
        "section_id": lambda: section["id"],
        "version_id": lambda: section["versions"][-1]["id"],
        "heatmap_id": lambda: f"hm-{variation['id']}",
        "goal_id": lambda: _first(fake, "goals", **scope)["id"],
        "goal_key": lambda: _first(fake, "goals", **scope)["key"],
        "feature_id": lambda: _first(fake, "features", **scope)["id"],
        "feature_key": lambda: _first(fake, "features", **scope)["key"],
        "location_id": lambda: _first(fake, "locations", **scope)["id"],
        "audience_id": lambda: _first(fake, "audiences", **scope)["id"],
        "hypothesis_id": lambda: _first(fake, "hypotheses", **scope)["id"],
        "knowledge_base_id": lambda: _first(fake, "knowledge-bases", **scope)["id"],
        "observation_id": lambda: _first(fake, "observations", **scope)["id"],
        "tag_id": lambda: _first(fake, "tags", **scope)["id"],
        "domain_id": lambda: _first(fake, "domains", **scope)["id"],
        "key_id": lambda: _first(fake, "api-keys", account_id=ACCOUNT)["key_id"],
        "sdk_key": lambda: _first(fake, "sdk-keys", **scope)["sdk_key"],
        "signal_session_id": lambda: _first(fake, "signal-sessions", **scope)["id"],
        "visitor_id": lambda: _first(fake, "visitors-data", **scope)["visitor_id"],
        "placeholderId": lambda: _first(fake, "placeholders", **scope)["id"],
        "placeholder_id": lambda: _first(fake, "placeholders", **scope)["id"],
        "image_key": lambda: _first(fake, "images", **scope)["key"],
        "file_key": lambda: _first(fake, "files", **scope)["key"],
        "id": lambda: _first(fake, "oauth-clients")["id"],
        "client_id": lambda: _first(fake, "oauth-clients")["id"],
    }
    names = re.findall(r"{(\w+)}", op.path)  # as the template spells them
    return {name: str(by_param[name]()) for name in names}


def spec_path(fake: FakeConvert, op: SpecOperation) -> str:
    """``op``'s path template filled with seeded ids (each value percent-encoded whole)."""
    path = op.path
    for name, value in path_values(fake, op).items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return path


# -- bodies --------------------------------------------------------------------------------------

_CSV = b"visitor_id,plan,segment\nvisitor-new-1,pro,vip\nvisitor-new-2,free,trial\n"


def _export(fake: FakeConvert) -> bytes:
    return json.dumps(
        {"project": {"name": "Imported"}, "goals": [{"id": 1, "name": "Imported goal"}]}
    ).encode()


def _prepare_reset(fake: FakeConvert) -> Any:
    fake.reset_codes.add("reset-code")
    return {"code": "reset-code", "newPassword": "n3w-pass", "confirmNewPassword": "n3w-pass"}


def _prepare_email(fake: FakeConvert) -> Any:
    fake.pending_email = "new.owner@acme.example"
    return {"code": "123456"}


def _prepare_proven(fake: FakeConvert) -> Any:
    scope = {"account_id": ACCOUNT, "project_id": PROJECT}
    _first(fake, "hypotheses", **scope)["status"] = "proven"
    return None


def _experience(fake: FakeConvert) -> dict[str, Any]:
    found = fake.store.get("experiences", EXPERIENCE, account_id=ACCOUNT, project_id=PROJECT)
    assert found is not None
    return found


def _with(
    operation_id: str, **fields: Callable[[FakeConvert], Any]
) -> Callable[[FakeConvert], Any]:
    """The operation's full body sample with some fields naming seeded objects."""

    def body(fake: FakeConvert) -> Any:
        op = SPEC.operations[operation_id]
        assert op.body is not None
        given = sample(SPEC, op.body, mode="full")
        return {**given, **{name: make(fake) for name, make in fields.items()}}

    return body


# Bodies (or setup) an operation needs to succeed: credentials, codes the fake issued, ids of
# seeded objects. Every other operation gets the spec's "full" sample of its body schema.
BODIES: dict[str, Callable[[FakeConvert], Any]] = {
    "doAuth": lambda fake: {
        "requestType": "initiatePasswordAuth",
        "username": fake.USERNAME,
        "data": {"password": fake.PASSWORD},
    },
    "confirmPasswordReset": _prepare_reset,
    "confirmEmail": _prepare_email,
    "requestOauthToken": lambda fake: {
        "grant_type": "authorization_code",
        "code": "auth-code",
        "client_id": _first(fake, "oauth-clients")["id"],
        "code_verifier": "v" * 43,
    },
    "revokeUserSession": lambda fake: {"sid": _first(fake, "user-sessions")["sid"]},
    "updateUserProfileData": lambda fake: {"firstName": "Ada", "lastName": "Lovelace"},
    "updateAccountUserAccesses": lambda fake: {
        "email": _first(fake, "users-accesses", account_id=ACCOUNT)["email"],
        "accesses": [{"role": "edit", "api_access": False}],
    },
    "deleteAccountUserAccesses": lambda fake: {
        "email": _first(fake, "users-accesses", account_id=ACCOUNT)["email"]
    },
    "getDomainByUrl": lambda fake: {
        "url": _first(fake, "domains", account_id=ACCOUNT, project_id=PROJECT)["url"] + "/cart"
    },
    "convertHypothesis": _prepare_proven,
    "getExperienceDailyReport": lambda fake: {"report_type": "cumulative"},
    "updateExperience": _with(
        "updateExperience",
        variations=lambda fake: [
            {"id": _experience(fake)["variations"][0]["id"], "name": "Control"}
        ],
    ),
    "updateExperienceVariation": _with(
        "updateExperienceVariation",
        changes=lambda fake: [{"id": _experience(fake)["variations"][-1]["changes"][0]["id"]}],
    ),
    "createVisitorDataItem": lambda fake: {
        "visitor_id": "visitor-created",
        "source": "api",
        "data": {"plan": "pro"},
    },
    "importProject": lambda fake: {"file": ("export.json", _export(fake), "application/json")},
    "importProjectData": lambda fake: {"file": ("export.json", _export(fake), "application/json")},
    "importVisitorsDataCsv": lambda fake: {"file": ("visitors.csv", _CSV, "text/csv")},
}


def request_body(fake: FakeConvert, op: SpecOperation) -> tuple[bytes, str]:
    """The body to send for ``op`` and its content type (empty for no body)."""
    given = BODIES[op.operation_id](fake) if op.operation_id in BODIES else None
    if op.body is None:
        return b"", "application/json"
    if (op.body_content_type or "").startswith("multipart/"):
        fields = given if isinstance(given, dict) else _form_sample(op)
        return multipart(fields)
    if given is None:
        given = sample(SPEC, op.body, mode="full")
    return json.dumps(given).encode(), "application/json"


def _form_sample(op: SpecOperation) -> dict[str, str | tuple[str, bytes, str]]:
    assert op.body is not None
    schema = SPEC.resolve(op.body)
    fields: dict[str, str | tuple[str, bytes, str]] = {}
    for name, prop in schema.properties.items():
        if prop.read_only:
            continue
        if prop.format in ("binary", "json"):
            fields[name] = ("upload.png", FakeConvert.PNG, "image/png")
        else:
            fields[name] = str(sample(SPEC, prop, mode="full"))
    return fields
