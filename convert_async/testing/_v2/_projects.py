"""Projects: SDK keys, debug tokens, export and import, domains, images, files, presets.

Operations with a behaviour of their own: each acts on the store (or on the fake's sessions and
credentials) the way the operation's summary says; the server then fits the reply to the spec's
response schema.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._store import Obj
from ._call import ApiError, Call, Raw, items, masked, success
from ._generic import create, scope_for, singular, without_ids, writable_fields

if TYPE_CHECKING:
    from . import FakeConvert


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
    return masked(key, "sdk_secret")


def sdk_keys(fake: FakeConvert, call: Call) -> Any:
    """``getSdkKeysList``: the project's keys, secrets redacted."""
    return items([redacted_sdk_key(k) for k in fake.store.items("sdk-keys", **call.scope)])


def update_sdk_key(fake: FakeConvert, call: Call) -> Any:
    """``updateSdkKey``: name, environment, status; the secret stays redacted."""
    key = call.item()
    key.update(writable_fields(fake, call))
    fake.stamp(key)
    return redacted_sdk_key(key)


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
    """``getCdnImagesList``: in key order, the images "lexicographically after"
    ``start_from``, at most ``max_results`` of them (50 when absent or null). The reply is
    ``{"data": [...]}`` alone: it says nothing of whether more follow."""
    body = call.fields()
    found = sorted(fake.store.items("images", **call.scope), key=lambda o: str(o["key"]))
    start = body.get("start_from")
    if start:
        found = [o for o in found if str(o["key"]) > str(start)]
    limit = body.get("max_results")
    page = found[: int(limit) if limit is not None else _IMAGES_PER_REPLY]
    return items([{"cdn_url": o["cdn_url"], "key": o["key"]} for o in page])


#: ``max_results``'s default in the spec.
_IMAGES_PER_REPLY = 50


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


def presets(collection: str) -> Any:
    """A project's presets (location or audience templates)."""

    def handler(fake: FakeConvert, call: Call) -> Any:
        return items(fake.store.items(collection, **scope_for(collection, call)))

    return handler
