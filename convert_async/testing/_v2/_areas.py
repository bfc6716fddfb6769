"""Operations with a behaviour of their own, grouped by area of the API.

Everything here acts on the store (or on the fake's sessions and credentials) the way the
operation's summary says; the reply is then fitted to the spec's response schema by the server.
"""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import io
import json
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._store import BASE_TIMESTAMP, Obj
from ._call import ApiError, Call, Raw, items, success
from ._generic import create, page_of, scope_for, singular, without_ids, writable_fields

if TYPE_CHECKING:
    from . import FakeConvert

# -- cookie sessions, OAuth and the current user ------------------------------------------------


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


# -- accounts, billing, collaborators, API keys -------------------------------------------------


def create_sub_account(fake: FakeConvert, call: Call) -> Any:
    """``createSubAccount``: a sub account of the one in the path."""
    fields = {k: v for k, v in call.fields().items() if k not in ("userName", "userEmail")}
    account = fake.store.add("accounts", {**fields, "accountType": "sub"})
    account.update(
        accessRole="owner", access_all_projects=True, parent=call.obj("account_id")["id"]
    )
    return {"data": account}


def request_addons(fake: FakeConvert, call: Call) -> Any:
    """``requestAccountAddons``: the request is recorded on the account."""
    account = call.obj("account_id")
    account.setdefault("addons_requested", []).append(call.fields()["addon"])
    return success(200, "Add-on requested")


def payment_setup(fake: FakeConvert, call: Call) -> Any:
    """``startPaymentSetup``: a Stripe setup intent secret."""
    return {"provider": "stripe", "client_secret": f"seti_{secrets.token_hex(8)}_secret"}


def billing_portal(fake: FakeConvert, call: Call) -> Any:
    """``getAccountBillingPortal``."""
    token = hashlib.sha256(f"{call.scope['account_id']}".encode()).hexdigest()[:16]
    return {"data": {"url": f"https://billing.convert.example/p/session/{token}"}}


def plan_setup_users(fake: FakeConvert, call: Call) -> Any:
    """``BillingPlanSetupUsers``: the account's collaborators who can be notified."""
    people = fake.store.items("users-accesses", account_id=call.scope["account_id"])
    return items(
        [
            {
                "user_id": p["user_id"],
                "email": p["email"],
                "name": f"{p['first_name']} {p['last_name']}",
            }
            for p in people
        ]
    )


def text_variants(fake: FakeConvert, call: Call) -> Any:
    """``generateTextVariants``: rewrites of the given text (as many as asked, default 3)."""
    body = call.fields()
    parameters = body["parameters"] if isinstance(body.get("parameters"), dict) else {}
    count = int(parameters.get("variants_count") or parameters.get("count") or 3)
    content = str(body.get("content") or "")
    openers = ("Discover", "Try", "Get", "Unlock", "Enjoy", "See")
    return {
        "data": {
            "variants": [
                {"content": f"{openers[n % len(openers)]}: {content}".strip()} for n in range(count)
            ]
        }
    }


def code_variant(fake: FakeConvert, call: Call) -> Any:
    """``generateCodeVariant``: JavaScript applying the described change."""
    content = json.dumps(str(call.fields().get("content") or ""))
    return {
        "data": {
            "content": f"// Generated from: {content}\ndocument.body.dataset.variant = 'ai';\n"
        }
    }


def _collaborator(fake: FakeConvert, call: Call) -> tuple[int, Obj] | None:
    body = call.fields()
    people = fake.store.collection("users-accesses", account_id=call.scope["account_id"])
    for key, person in people.items():
        if body.get("user_id") in (person["user_id"],) or body.get("email") == person["email"]:
            return key, person
    return None


def add_collaborator(fake: FakeConvert, call: Call) -> Any:
    """``addAccountUserAccesses``: invite a collaborator (accesses start pending)."""
    if _collaborator(fake, call) is not None:
        raise ApiError(409, "The user is already a collaborator")
    body = call.fields()
    scope = {"account_id": call.scope["account_id"]}
    person = fake.store.add("users-accesses", {}, **scope)
    person.update(
        user_id=f"u-{scope['account_id']}-{person['id']}",
        email=body["email"],
        first_name=body.get("first_name", ""),
        last_name=body.get("last_name", ""),
        accesses=[{**a, "status": "pending"} for a in body.get("accesses") or []],
    )
    return {"data": _public_collaborator(person)}


def update_collaborator(fake: FakeConvert, call: Call) -> Any:
    """``updateAccountUserAccesses``: replace a collaborator's names and accesses."""
    found = _collaborator(fake, call)
    if found is None:
        raise ApiError(404, "Collaborator not found")
    person = found[1]
    for name in ("first_name", "last_name", "accesses"):
        if name in call.fields():
            person[name] = copy.deepcopy(call.fields()[name])
    return {"data": _public_collaborator(person)}


def remove_collaborator(fake: FakeConvert, call: Call) -> Any:
    """``deleteAccountUserAccesses``: remove the given accesses (all when none are given)."""
    found = _collaborator(fake, call)
    if found is None:
        raise ApiError(404, "Collaborator not found")
    key, person = found
    removed = call.fields().get("accesses")
    if removed:
        person["accesses"] = [a for a in person["accesses"] if a not in removed]
    if not removed or not person["accesses"]:
        del fake.store.collection("users-accesses", account_id=call.scope["account_id"])[key]
    return success(200, "Access removed")


def _public_collaborator(person: Obj) -> Obj:
    return {k: v for k, v in person.items() if k != "id"}


def list_collaborators(fake: FakeConvert, call: Call) -> Any:
    """``getAccountUsersAccessesList``."""
    people = fake.store.items("users-accesses", account_id=call.scope["account_id"])
    return items([_public_collaborator(p) for p in people])


def accept_invitation(fake: FakeConvert, call: Call) -> Any:
    """``acceptInvitation``: the pending accesses of the invited user become active."""
    accepted = 0
    for person in fake.store.items("users-accesses"):
        for access in person.get("accesses") or []:
            if access.get("status") == "pending":
                access["status"] = "active"
                accepted += 1
    if not accepted:
        raise ApiError(404, "Invitation not found")
    return success(200, "Invitation accepted")


def check_partner(fake: FakeConvert, call: Call) -> Any:
    """``checkPartner``: partners are collaborators of the main account."""
    email = call.fields().get("email")
    people = fake.store.items("users-accesses", account_id=fake.store.ACCOUNT_ID)
    known = any(p["email"] == email for p in people)
    return {"email": email, "allowed": known, "alreadyGranted": known}


def create_api_key(fake: FakeConvert, call: Call) -> Any:
    """``createApiKey``: the new key works at once, for request signing or as a secret key."""
    key = create("api-keys")(fake, call)
    # The request types auth_type as any string; the key is one of the two kinds there are.
    if key.get("auth_type") not in ("requestSigning", "secretKey"):
        key["auth_type"] = "requestSigning"
    key["key_secret"] = secret = f"secret-{key['key_id']}-{secrets.token_hex(6)}"
    if key.get("auth_type") == "secretKey":
        fake.secret_keys[key["key_id"]] = secret
    else:
        fake.credentials[key["key_id"]] = secret
    return key


def api_keys(fake: FakeConvert, call: Call) -> Any:
    """``getApiKeysList``: Convert's docs say "the full key_secret is only returned at the time
    of API key creation ... subsequent retrievals ... show this field masked"."""
    keys = fake.store.items("api-keys", account_id=call.scope["account_id"])
    return items([_masked(k, "key_secret") for k in keys])


def _masked(obj: Obj, name: str) -> Obj:
    """``obj`` with its secret ``name`` partially redacted (as in "abc12*****123")."""
    secret = obj.get(name)
    if not isinstance(secret, str) or not secret:
        return obj
    return {**obj, name: f"{secret[:5]}*****{secret[-3:]}"}


def delete_api_key(fake: FakeConvert, call: Call) -> Any:
    """``deleteApiKey``: the key stops working."""
    key = call.obj("key_id")
    fake.store.remove("api-keys", key, account_id=call.scope["account_id"])
    fake.credentials.pop(str(key.get("key_id")), None)
    fake.secret_keys.pop(str(key.get("key_id")), None)
    return success(200, "API key deleted")


def update_experience(fake: FakeConvert, call: Call) -> Any:
    """``updateExperience``: variations given by id keep what they had; new ones get ids."""
    experience = call.obj("experience_id")
    fields = {k: copy.deepcopy(v) for k, v in call.fields().items() if k != "id"}
    if isinstance(fields.get("variations"), list):
        known = {v["id"]: v for v in experience["variations"]}
        merged = []
        for given in fields["variations"]:
            ident = given.get("id") if isinstance(given, dict) else given
            if ident is not None and ident not in known:
                raise ApiError(422, ["$.variations: names an unknown variation"], ["$.variations"])
            update = given if isinstance(given, dict) else {}
            merged.append({**known.get(ident, {}), **update})
        fields["variations"] = fake.store.new_variations(merged)
    experience.update(fields)
    fake.stamp(experience)
    return fake.expanded(call, experience)


def update_project(fake: FakeConvert, call: Call) -> Any:
    """``updateProject``: domains may be given by id; the project then lists the objects."""
    project = call.obj("project_id")
    fields = {k: copy.deepcopy(v) for k, v in call.fields().items() if k != "id"}
    if isinstance(fields.get("domains"), list):
        scope = {"account_id": call.scope["account_id"], "project_id": project["id"]}
        resolved = [
            fake.store.get("domains", d, **scope) if isinstance(d, int) else d
            for d in fields["domains"]
        ]
        fields["domains"] = [d for d in resolved if isinstance(d, dict)]
    project.update(fields)
    fake.stamp(project)
    return fake.expanded(call, project)


def create_sdk_key(fake: FakeConvert, call: Call) -> Any:
    """``createSdkKey``: a secret is generated when ``has_secret`` asks for one. This reply is
    the only one that shows it in full (see :func:`redacted_sdk_key`)."""
    key = create("sdk-keys")(fake, call)
    if key.pop("has_secret", False):
        key["sdk_secret"] = f"sdk-secret-{secrets.token_hex(8)}"
    return key


def redacted_sdk_key(key: Obj) -> Obj:
    """An SDK key as replies after its creation show it: Convert's docs say the secret "is only
    returned in full when the SDK key is first created. In subsequent GET requests, the secret
    will be partially redacted (e.g., "abc12*****123")". The store keeps it whole (the serving
    fake checks signatures with it)."""
    return _masked(key, "sdk_secret")


def sdk_keys(fake: FakeConvert, call: Call) -> Any:
    """``getSdkKeysList``: the project's keys, secrets redacted."""
    return items([redacted_sdk_key(k) for k in fake.store.items("sdk-keys", **call.scope)])


def update_sdk_key(fake: FakeConvert, call: Call) -> Any:
    """``updateSdkKey``: name, environment, status; the secret stays redacted."""
    key = call.item()
    key.update(writable_fields(fake, call))
    fake.stamp(key)
    return redacted_sdk_key(key)


# -- live data and change history ---------------------------------------------------------------

_BROWSERS = ("chrome", "safari", "firefox", "edge")
_COUNTRIES = ("US", "GB", "DE", "RO", "FR")


def live_data(fake: FakeConvert, call: Call) -> Any:
    """Live tracking events: the latest views and conversions of running experiences."""
    body = call.fields()
    scope = dict(call.scope)
    experiences = fake.store.items("experiences", **scope)
    if "experience_id" in call.objects:
        experiences = [call.obj("experience_id")]
    wanted = body.get("event_types") or ["view_experience", "conversion", "transaction"]
    projects = body.get("projects")
    events: list[Obj] = []
    for n, exp in enumerate(e for e in experiences if e.get("status") == "active"):
        if isinstance(projects, list) and projects and exp.get("project") not in projects:
            continue
        variation = exp["variations"][n % len(exp["variations"])]
        for offset, kind in enumerate(("view_experience", "conversion", "transaction")):
            if kind not in wanted or (kind != "view_experience" and not exp.get("goals")):
                continue
            event: Obj = {
                "event_type": kind,
                "timestamp": BASE_TIMESTAMP - n * 60 - offset * 7,
                "project": exp.get("project"),
                "experiences": [
                    {"id": exp["id"], "name": exp["name"], "variation": variation["id"]}
                ],
                "browser": _BROWSERS[n % len(_BROWSERS)],
                "country": _COUNTRIES[n % len(_COUNTRIES)],
                "visitor_type": ("new", "returning")[n % 2],
                "devices": ["desktop"],
            }
            if kind != "view_experience":
                revenue = 49.9 + n if kind == "transaction" else None
                event["conversion"] = {"goal_id": exp["goals"][0], "revenue": revenue}
            events.append(event)
    return items(events)


def change_history(fake: FakeConvert, call: Call) -> Any:
    """Change history of an account, project or experience (paged, newest first)."""
    entries = fake.store.items("change-history", **call.scope)
    if "experience_id" in call.objects:
        ident = str(call.obj("experience_id")["id"])
        entries = [e for e in entries if e.get("object_id") == ident]
    # Newest first unless the request orders otherwise.
    call.body = {"sort_by": "timestamp", "sort_direction": "desc", **call.fields()}
    return page_of(fake, call, entries)


# -- projects ------------------------------------------------------------------------------------


def debug_token(fake: FakeConvert, call: Call) -> Any:
    """``generateDebugToken``: a token the serving fake honours (its config shows drafts)."""
    token = fake.serving.issue_debug_token(call.scope["account_id"], call.scope["project_id"])
    return {"data": {"value": token, "ttl": int(fake.serving.DEBUG_TOKEN_TTL)}}


# Collections a project export holds, by the name of the export filter that picks them.
_EXPORTED = (
    ("goals", "goals"),
    ("audiences", "audiences"),
    ("locations", "locations"),
    ("hypotheses", "hypothesis"),
    ("experiences", "experiences"),
)


def export_project(fake: FakeConvert, call: Call) -> Any:
    """``exportProject``: the project and its objects as a JSON download."""
    body = call.fields()
    document: Obj = {}
    if body.get("includeProject", True) is not False:
        document["project"] = call.obj("project_id")
    for collection, selector in _EXPORTED:
        found = sorted(fake.store.items(collection, **call.scope), key=lambda o: o["id"])
        selection = body.get(selector)
        if isinstance(selection, dict):
            if isinstance(selection.get("include"), list):
                found = [o for o in found if o["id"] in selection["include"]]
            if isinstance(selection.get("exclude"), list):
                found = [o for o in found if o["id"] not in selection["exclude"]]
        document[collection] = found
    return Raw(json.dumps(document).encode(), "application/json")


def _import_document(call: Call) -> Obj:
    try:
        document = json.loads(call.upload("file").content)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ApiError(422, ["$.file: is not a project export"], ["$.file"])
    return document


def _import_children(
    fake: FakeConvert, document: Obj, scope: Mapping[str, int]
) -> dict[str, list[int]]:
    """Add the exported goals, audiences, ... to a project; references are renumbered."""
    renamed: dict[str, dict[Any, Any]] = {}
    created: dict[str, list[int]] = {}
    for collection, selector in _EXPORTED:
        ids = renamed.setdefault(collection, {})
        for obj in (o for o in document.get(collection) or [] if isinstance(o, dict)):
            fields = {k: v for k, v in copy.deepcopy(obj).items() if k not in ("id", "project")}
            if collection == "experiences":
                for ref in ("goals", "audiences", "locations"):
                    known = renamed.get(ref, {})
                    fields[ref] = [known.get(i, i) for i in fields.get(ref) or []]
                goal = fields.get("primary_goal")
                fields["primary_goal"] = renamed["goals"].get(goal, goal)
                fields["variations"] = [without_ids(v) for v in fields.get("variations") or []]
            ids[obj.get("id")] = new_id = fake.store.add(collection, fields, **scope)["id"]
            created.setdefault(selector, []).append(new_id)
    return created


def import_project(fake: FakeConvert, call: Call) -> Any:
    """``importProject``: a new project from an export file."""
    document = _import_document(call)
    given = document.get("project")
    if not isinstance(given, dict):
        given = {k: v for k, v in document.items() if k not in {c for c, _ in _EXPORTED}}
    fields = {k: v for k, v in given.items() if k != "id"}
    project = fake.store.add("projects", fields, account_id=call.scope["account_id"])
    scope = {"account_id": call.scope["account_id"], "project_id": project["id"]}
    _import_children(fake, document, scope)
    return success(201, f"Project {project['id']} imported")


def import_project_data(fake: FakeConvert, call: Call) -> Any:
    """``importProjectData``: an export's objects added to an existing project."""
    created = _import_children(fake, _import_document(call), call.scope)
    return {"code": 201, "message": "Project data imported", "imported": created}


# -- domains, images, files ---------------------------------------------------------------------


def domain_by_url(fake: FakeConvert, call: Call) -> Any:
    """``getDomainByUrl``: the domain a URL belongs to."""
    wanted = str(call.fields().get("url") or "").rstrip("/")
    for domain in fake.store.items("domains", **call.scope):
        known = str(domain.get("url", "")).rstrip("/")
        if wanted == known or wanted.startswith(known + "/"):
            return domain
    raise ApiError(404, "Domain not found")


def check_domain_code(fake: FakeConvert, call: Call) -> Any:
    """``checkCodeDomain``: the tracking code is found on every seeded site."""
    domain = call.obj("domain_id")
    domain["code_installed"] = True
    return domain


def images_list(fake: FakeConvert, call: Call) -> Any:
    """``getCdnImagesList``: cursor paging, from the key after ``start_from``."""
    body = call.fields()
    found = sorted(fake.store.items("images", **call.scope), key=lambda o: str(o["key"]))
    start = body.get("start_from")
    if start:
        found = [o for o in found if str(o["key"]) > str(start)]
    limit = body.get("max_results")
    page = found[: int(limit)] if limit is not None else found
    reply = items([{"cdn_url": o["cdn_url"], "key": o["key"]} for o in page])
    if len(page) < len(found):
        reply["extra"] = {"next_start_from": page[-1]["key"] if page else start}
    return reply


def _storage_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "-" for c in name).strip("-") or "file"


def upload_image(fake: FakeConvert, call: Call) -> Any:
    """``uploadCdnImage``: store the image; its CDN URL and key come back."""
    upload = call.upload("image")
    name = str(call.fields().get("image_name") or upload.filename)
    key = f"{call.scope['project_id']}/images/{secrets.token_hex(3)}-{_storage_name(name)}"
    fields = {"key": key, "cdn_url": f"https://cdn.convert.example/{key}", "name": name}
    fake.store.add("images", fields, **call.scope)
    fake.store.blobs[key] = upload.content
    return {"cdn_url": fields["cdn_url"], "key": key}


def upload_file(fake: FakeConvert, call: Call) -> Any:
    """``uploadFile``: store the file; its URL, key, size and type come back."""
    upload = call.upload("file")
    name = str(call.fields().get("file_name") or upload.filename)
    key = f"{call.scope['project_id']}/files/{secrets.token_hex(3)}-{_storage_name(name)}"
    obj = fake.store.add(
        "files",
        {
            "key": key,
            "url": f"https://cdn.convert.example/{key}",
            "file_name": name,
            "file_size": len(upload.content),
            "mime_type": upload.content_type,
            "status": "success",
        },
        **call.scope,
    )
    fake.store.blobs[key] = upload.content
    return {k: v for k, v in obj.items() if k != "id"}


def get_file(fake: FakeConvert, call: Call) -> Any:
    """``getFile``: the file's details and its content, base64."""
    obj = call.obj("file_key")
    content = fake.store.blobs.get(str(obj["key"]), b"")
    return {
        **{k: v for k, v in obj.items() if k != "id"},
        "content": base64.b64encode(content).decode(),
    }


def delete_upload(collection: str, param: str) -> Any:
    """Delete an image or file and its stored content."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        obj = call.obj(param)
        fake.store.remove(collection, obj, **call.scope)
        fake.store.blobs.pop(str(obj.get("key")), None)
        return success(200, f"{singular(collection)} deleted")

    return handler


# -- visitor insights and visitors data ----------------------------------------------------------


def sessions_list(fake: FakeConvert, call: Call) -> Any:
    """``getSessionsList``: recorded sessions (with the tracking key of the project)."""
    found = fake.store.items("sessions", **call.scope)
    return {
        "data": [{"id": s["id"]} for s in found],
        "extra": {"tk": f"tk-{call.scope['project_id']}"},
    }


def signal_sessions(fake: FakeConvert, call: Call) -> Any:
    """``getSignalSessionsList``: frustration sessions, filtered and paged."""
    body = call.fields()
    found = fake.store.items("signal-sessions", **call.scope)
    if body.get("watched") in ("true", "false"):
        found = [s for s in found if s.get("watched") == (body["watched"] == "true")]
    for name, field in (("browser", "browser"), ("devices", "device"), ("country", "country_code")):
        rule = body.get(name)
        if isinstance(rule, dict):
            if rule.get("is"):
                found = [s for s in found if s.get(field) in rule["is"]]
            if rule.get("isNot"):
                found = [s for s in found if s.get(field) not in rule["isNot"]]
    duration = body.get("duration")
    if isinstance(duration, dict):
        low, high = duration.get("min", 0), duration.get("max")
        found = [
            s for s in found if s["duration"] >= low and (high is None or s["duration"] <= high)
        ]
    call.body = {k: v for k, v in body.items() if k in ("page", "results_per_page", "onlyCount")}
    reply = page_of(fake, call, found)
    reply.setdefault("extra", {})["tk"] = f"tk-{call.scope['project_id']}"
    return reply


def create_visitor(fake: FakeConvert, call: Call) -> Any:
    """``createVisitorDataItem``: a visitor's data, keyed by ``visitor_id``."""
    body = call.fields()
    if fake.store.get("visitors-data", str(body.get("visitor_id")), **call.scope) is not None:
        raise ApiError(409, "Visitor data already exists")
    obj = fake.store.add("visitors-data", {**body, "created_at": int(time.time())}, **call.scope)
    return _visitor(obj)


def _visitor(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k != "id"}


def visitor(fake: FakeConvert, call: Call) -> Any:
    """``getVisitorDataItem``."""
    return _visitor(call.obj("visitor_id"))


def update_visitor(fake: FakeConvert, call: Call) -> Any:
    """``updateVisitorDataItem``: merge the given data into the visitor's."""
    obj = call.obj("visitor_id")
    body = call.fields()
    if isinstance(body.get("data"), dict):
        obj["data"] = {**obj.get("data", {}), **body["data"]}
    if "source" in body:
        obj["source"] = body["source"]
    return _visitor(obj)


def visitors_list(fake: FakeConvert, call: Call) -> Any:
    """``getVisitorData``: paged, searched by visitor id."""
    found = fake.store.items("visitors-data", **call.scope)
    search = call.fields().get("search")
    if isinstance(search, str) and search:
        found = [o for o in found if search.casefold() in str(o["visitor_id"]).casefold()]
    call.body = {k: v for k, v in call.fields().items() if k != "search"}
    reply = page_of(fake, call, found)
    if "data" in reply:
        reply["data"] = [_visitor(o) for o in reply["data"]]
    return reply


def _upsert_visitors(fake: FakeConvert, call: Call, rows: list[Obj], source: str) -> int:
    for row in rows:
        existing = fake.store.get("visitors-data", str(row["visitor_id"]), **call.scope)
        if existing is None:
            fields = {**row, "source": source, "created_at": int(time.time())}
            fake.store.add("visitors-data", fields, **call.scope)
        else:
            existing["data"] = {**existing.get("data", {}), **row.get("data", {})}
    return len(rows)


def push_visitors(fake: FakeConvert, call: Call) -> Any:
    """``pushVisitorsData``: add or merge many visitors' data."""
    rows = [
        r for r in call.fields().get("data") or [] if isinstance(r, dict) and r.get("visitor_id")
    ]
    count = _upsert_visitors(fake, call, rows, str(call.fields()["source"]))
    return success(201, f"{count} visitors imported")


def import_visitors_csv(fake: FakeConvert, call: Call) -> Any:
    """``importVisitorsDataCsv``: a CSV with a ``visitor_id`` column; other columns are data."""
    text = call.upload("file").content.decode("utf-8", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    if "visitor_id" not in (reader.fieldnames or []):
        raise ApiError(422, ["$.file: needs a visitor_id column"], ["$.file"])
    rows = [
        {"visitor_id": r["visitor_id"], "data": {k: v for k, v in r.items() if k != "visitor_id"}}
        for r in reader
        if r.get("visitor_id")
    ]
    count = _upsert_visitors(fake, call, rows, "csv")
    return success(201, f"{count} visitors imported")


# -- experiences: tokens, screenshots, variations, changes, sections, heatmaps --------------------


def report_token(fake: FakeConvert, call: Call) -> Any:
    """``getReportToken``: the experience's report token, regenerated or deleted on request."""
    experience, body = call.obj("experience_id"), call.fields()
    if body.get("token_action") == "delete":
        experience.pop("report_token", None)
        return {"id": experience["id"], "token": "", "expiration": 0}
    current = experience.get("report_token")
    if body.get("token_action") == "regenerate" or not isinstance(current, dict):
        hours = int(body.get("token_expiration") or 24)
        digest = hashlib.sha256(f"{fake.seed}:{experience['id']}:{secrets.token_hex(4)}".encode())
        current = {"token": digest.hexdigest()[:32], "expiration": int(time.time()) + hours * 3600}
        experience["report_token"] = current
    return {"id": experience["id"], **current}


def trigger_screenshots(fake: FakeConvert, call: Call) -> Any:
    """``triggerExperienceScreenshots``: mark the variations' screenshots in progress."""
    experience = call.obj("experience_id")
    wanted = call.fields().get("variations") or [v["id"] for v in experience["variations"]]
    now = int(time.time())
    experience["screenshots_info"] = [
        {"variation_id": v, "in_progress_since": now, "last_taken_screenshot_time": None}
        for v in wanted
    ]
    for variation_id in wanted:
        fake.store.blobs.setdefault(f"screenshots/variations/{int(variation_id)}", fake.PNG)
    return success(200, f"Screenshots of {len(wanted)} variations triggered")


def screenshot(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceVariationScreenshot``: the variation's screenshot, base64."""
    content = fake.store.blobs.get(f"screenshots/variations/{call.obj('variation_id')['id']}")
    if content is None:
        raise ApiError(404, "Screenshot not found")
    return {"data": base64.b64encode(content).decode()}


def upload_screenshot(fake: FakeConvert, call: Call) -> Any:
    """``uploadExperienceVariationScreenshot``: store it; it comes back base64."""
    content = call.upload("image").content
    fake.store.blobs[f"screenshots/variations/{call.obj('variation_id')['id']}"] = content
    return {"data": base64.b64encode(content).decode()}


def update_variation(fake: FakeConvert, call: Call) -> Any:
    """``updateExperienceVariation``: change a variation (new changes get ids)."""
    variation = call.obj("variation_id")
    body = {k: copy.deepcopy(v) for k, v in call.fields().items() if k != "id"}
    if isinstance(body.get("changes"), list):
        known = {c.get("id"): c for c in variation.get("changes") or [] if isinstance(c, dict)}
        for index, change in enumerate(body["changes"]):
            ident = change.get("id") if isinstance(change, dict) else change
            if ident is not None and ident not in known:
                field = f"$.changes[{index}].id"
                raise ApiError(422, [f"{field}: no such change in this variation"], [field])
        body["changes"] = [
            {**known.get(c.get("id"), {}), **c} if isinstance(c, dict) else known[c]
            for c in body["changes"]
        ]
    variation.update(body)
    fake.store.number_changes(variation)
    fake.stamp(call.obj("experience_id"))
    return variation


def delete_variation(fake: FakeConvert, call: Call) -> Any:
    """``deleteExperienceVariation``: the baseline cannot go."""
    experience, variation = call.obj("experience_id"), call.obj("variation_id")
    if variation.get("is_baseline"):
        raise ApiError(422, ["The baseline variation cannot be deleted"], ["$.variation_id"])
    experience["variations"].remove(variation)
    return success(200, "Variation deleted")


def convert_variation(fake: FakeConvert, call: Call) -> Any:
    """``convertExperienceVariation``: a new experience rolling out (or testing) the winner."""
    experience, variation = call.obj("experience_id"), call.obj("variation_id")
    kind = call.fields().get("experience_type") or "deploy"
    winner = {**without_ids(variation), "is_baseline": kind == "deploy"}
    variations = [winner]
    if kind != "deploy":
        baseline = next((v for v in experience["variations"] if v.get("is_baseline")), None)
        variations = [without_ids(baseline or {"name": "Original"}), winner]
    fields = {
        k: copy.deepcopy(v)
        for k, v in experience.items()
        if k not in ("id", "key", "variations", "sections", "report_token")
    }
    fields.update(
        name=f"{experience.get('name', '')}: {variation.get('name', '')}",
        type=kind,
        status="draft",
        start_time=None,
        end_time=None,
        version=1,
        variations=variations,
    )
    created = fake.store.add("experiences", fields, **call.scope)
    return fake.expanded(call, created)


def get_change(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceChange``."""
    return call.obj("change_id")


def update_change(fake: FakeConvert, call: Call) -> Any:
    """``updateExperienceChange``: replace the change's type and data."""
    change = call.obj("change_id")
    change.update({k: copy.deepcopy(v) for k, v in call.fields().items() if k != "id"})
    return change


def _short_id(siblings: list[Obj]) -> str:
    taken = {str(o.get("id")) for o in siblings}
    return next(str(n) for n in range(1, 1296) if str(n) not in taken)


def _numbered_section(fake: FakeConvert, section: Obj, siblings: list[Obj]) -> Obj:
    """A section as stored: short string ids for it and its versions, changes by id."""
    section = copy.deepcopy(section)
    section["id"] = str(section.get("id") or _short_id(siblings))
    versions: list[Obj] = []
    for version in section.get("versions") or []:
        if isinstance(version, dict):
            versions.append(_numbered_version(fake, version, versions))
    section["versions"] = versions
    return section


def _numbered_version(fake: FakeConvert, version: Obj, siblings: list[Obj]) -> Obj:
    # A version lists its changes by id: a reference keeps its id, a new change gets one.
    changes = [
        c.get("id") or fake.store.next_id("changes") if isinstance(c, dict) else c
        for c in version.get("changes") or []
    ]
    ident = str(version.get("id") or _short_id(siblings))
    return {**copy.deepcopy(version), "id": ident, "changes": changes}


def sections(fake: FakeConvert, call: Call) -> Any:
    """``getSections``."""
    return items(call.obj("experience_id").setdefault("sections", []))


def create_section(fake: FakeConvert, call: Call) -> Any:
    """``createSection``: a new MVT section (short string ids for it and its versions)."""
    experience = call.obj("experience_id")
    current = experience.setdefault("sections", [])
    current.append(_numbered_section(fake, call.fields(), current))
    return items(current)


def update_section(fake: FakeConvert, call: Call) -> Any:
    """``updateSection``."""
    section = call.obj("section_id")
    changed = _numbered_section(fake, call.fields(), [])
    section.update({k: v for k, v in changed.items() if k != "id"})
    return items(call.obj("experience_id")["sections"])


def replace_sections(fake: FakeConvert, call: Call) -> Any:
    """``updateExperienceSections``: the body's sections replace all of them."""
    experience = call.obj("experience_id")
    new: list[Obj] = []
    for raw in call.fields().get("sections") or []:
        if isinstance(raw, dict):
            new.append(_numbered_section(fake, raw, new))
    experience["sections"] = new
    return items(new)


def add_version(fake: FakeConvert, call: Call) -> Any:
    """``addExperienceSectionVersion``."""
    section = call.obj("section_id")
    versions = section.setdefault("versions", [])
    version = _numbered_version(fake, call.fields(), versions)
    versions.append(version)
    return {"data": version}


def update_version(fake: FakeConvert, call: Call) -> Any:
    """``updateExperienceSectionVersion``."""
    version = call.obj("version_id")
    changed = _numbered_version(fake, call.fields(), [])
    version.update({k: v for k, v in changed.items() if k in call.fields() and k != "id"})
    return {"data": version}


def delete_version(fake: FakeConvert, call: Call) -> Any:
    """``deleteExperienceSectionVersion``."""
    call.obj("section_id")["versions"].remove(call.obj("version_id"))
    return success(200, "Version deleted")


def heatmap_background(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceHeatmapBackground``: the page screenshot behind a heatmap, base64."""
    heatmap = call.obj("heatmap_id")
    device = call.fields().get("device") or "desktop"
    content = fake.store.blobs.get(f"screenshots/variations/{heatmap['variation_id']}", fake.PNG)
    return {
        "data": {
            "heatmap_id": heatmap["id"],
            "device": device,
            "background": base64.b64encode(content).decode(),
        }
    }


def heatmap_overlay(fake: FakeConvert, call: Call) -> Any:
    """``getExperienceHeatmapOverlay``: the interaction layer of a heatmap, base64."""
    heatmap = call.obj("heatmap_id")
    body = call.fields()
    return {
        "data": {
            "heatmap_id": heatmap["id"],
            "device": body.get("device") or "desktop",
            "interaction": body.get("interaction") or "click",
            "overlay": base64.b64encode(fake.PNG).decode(),
        }
    }


def raw_data_export(fake: FakeConvert, call: Call) -> Any:
    """``exportExperienceRawData``: a job id for the export being prepared."""
    experience = call.obj("experience_id")
    job = f"raw-{experience['id']}-{secrets.token_hex(4)}"
    fake.raw_exports[job] = {"experience_id": experience["id"], "request": call.fields()}
    return {"data": {"jobId": job}}


# -- hypotheses ----------------------------------------------------------------------------------


def convert_hypothesis(fake: FakeConvert, call: Call) -> Any:
    """``convertHypothesis``: a proven or disproven hypothesis becomes a knowledge base entry."""
    hypothesis = call.obj("hypothesis_id")
    if hypothesis.get("status") not in ("proven", "disproven"):
        raise ApiError(
            422, ["Only a proven or disproven hypothesis can be converted"], ["$.status"]
        )
    fields = {
        "name": hypothesis.get("name"),
        "summary": hypothesis.get("objective") or "",
        "objective": hypothesis.get("objective") or "",
        "url": hypothesis.get("url"),
        "status": "active",
    }
    return fake.store.add("knowledge-bases", fields, **call.scope)


def account_experiences(fake: FakeConvert, call: Call) -> Any:
    """``getAccountActiveCompletedExperiencesList``: active and completed experiences of every
    project of the account."""
    found = [
        e
        for e in fake.store.items("experiences", account_id=call.scope["account_id"])
        if e.get("status") in ("active", "completed")
    ]
    return page_of(fake, call, found)


def presets(collection: str) -> Any:
    """A project's presets (location or audience templates)."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        return items(fake.store.items(collection, **scope_for(collection, call)))

    return handler
