"""Visitor insights (sessions, signal sessions) and visitors data.

Operations with a behaviour of their own: each acts on the store (or on the fake's sessions and
credentials) the way the operation's summary says; the server then fits the reply to the spec's
response schema.
"""

from __future__ import annotations

import csv
import io
import time
from typing import TYPE_CHECKING, Any

from .._store import Obj
from ._call import ApiError, Call, success
from ._generic import page_of

if TYPE_CHECKING:
    from . import FakeConvert


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
    start, end = body.get("start_time"), body.get("end_time")  # seconds; sessions keep ms
    if isinstance(start, int | float):
        found = [s for s in found if s["session_start_time"] >= start * 1000]
    if isinstance(end, int | float):
        found = [s for s in found if s["session_start_time"] <= end * 1000]
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
