"""Accounts: billing, AI content, collaborators, API keys, live data and change history.

Operations with a behaviour of their own: each acts on the store (or on the fake's sessions and
credentials) the way the operation's summary says; the server then fits the reply to the spec's
response schema.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from typing import TYPE_CHECKING, Any

from .._store import BASE_TIMESTAMP, Obj
from ._call import ApiError, Call, items, masked, success
from ._generic import create, page_of

if TYPE_CHECKING:
    from . import FakeConvert


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
    return items([masked(k, "key_secret") for k in keys])


def delete_api_key(fake: FakeConvert, call: Call) -> Any:
    """``deleteApiKey``: the key stops working."""
    key = call.obj("key_id")
    fake.store.remove("api-keys", key, account_id=call.scope["account_id"])
    fake.credentials.pop(str(key.get("key_id")), None)
    fake.secret_keys.pop(str(key.get("key_id")), None)
    return success(200, "API key deleted")


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


def account_experiences(fake: FakeConvert, call: Call) -> Any:
    """``getAccountActiveCompletedExperiencesList``: active and completed experiences of every
    project of the account."""
    found = [
        e
        for e in fake.store.items("experiences", account_id=call.scope["account_id"])
        if e.get("status") in ("active", "completed")
    ]
    return page_of(fake, call, found)
