"""Experiences: report tokens, screenshots, variations, changes, sections, heatmaps.

Operations with a behaviour of their own: each acts on the store (or on the fake's sessions and
credentials) the way the operation's summary says; the server then fits the reply to the spec's
response schema.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import secrets
import time
from typing import TYPE_CHECKING, Any

from .._store import Obj
from ._call import ApiError, Call, items, success
from ._generic import without_ids

if TYPE_CHECKING:
    from . import FakeConvert


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
