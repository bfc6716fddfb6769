"""Render ``docs/coverage.md``: every operation the SDK implements, API by API.

The Convert REST v2 tables are built from the registry (``convert_async.v2.OPERATIONS``: method,
path, paginated, SDK call) joined with the operation catalog (tag, title, path confidence); the
"Path evidence" section comes from :data:`PATH_EVIDENCE` below. The other APIs (Convert v1,
Pirsch, giosg Experiments; :data:`OTHER_APIS`) follow, each from its registry and its catalog.

    python tools/coverage_doc.py            # (re)write docs/coverage.md
    python tools/coverage_doc.py --check    # exit 1 if docs/coverage.md is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from convert_async import giosg, pirsch, v1
from convert_async._core.operation import Operation
from convert_async.v2 import OPERATIONS

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "coverage.md"

Verdict = Literal["confirmed", "contradicted", "not found"]


@dataclass(frozen=True, slots=True)
class Finding:
    """What a search for public callers of some operations turned up."""

    operations: tuple[str, ...]
    verdict: Verdict
    source: str
    note: str


# Searched in the public code index (find_string / search / read_file), about 40 look-ups:
# the repositories named in the catalog's evidence, convertcom/samples, every file calling
# ``api.convert.com/api/v2`` or signing with ``Convert-HMAC-SHA256``, and path fragments
# such as ``/clone``, ``experiences/bulk``, ``/sdk-keys``, ``/change-history``, ``/livedata``,
# ``/export_report``, ``report_token``, ``users-accesses/``, ``projectId}/domains``.
# Files the index returned without naming their repository are cited by index id.
SEARCHED_FOR: tuple[str, ...] = (
    "`api.convert.com/api/v2` and `Convert-HMAC-SHA256` (every public Convert v2 caller)",
    "`/clone`, `experiences/bulk`, `/experiences/{experience_id}/delete`",
    "`/sdk-keys`, `users-accesses/`, `projectId}/domains`, `projects/{project_id}/goals/`",
    "`/change-history`, `/livedata`, `report_token`, `/export_report`",
    "mindcloud-inc/universal-api-reference `apis/c/convert/` (file list)",
    "shreyashsingh-101/convert-vscode-extension `src/services/` (two versions of "
    "`convertAPI.ts`, `mcp/convertApiDocs.ts`)",
    "TESTLAB-Developers/convertapi-python `convertcom/__init__.py`",
    "convertcom/samples `bulkLocations/index.js`",
)

PATH_EVIDENCE: Mapping[str, Finding] = {
    "get experience with list query": Finding(
        operations=("get_experience",),
        verdict="confirmed",
        source="shreyashsingh-101/convert-vscode-extension src/services/convertAPI.ts "
        "(commit c04a101, `getVariations`)",
        note="GET `.../experiences/${experienceId}?expand[]=variations`: confirms GET and the "
        "`name[]=value` list encoding the SDK uses for `include`/`expand`. "
        "TESTLAB-Developers/convertapi-python `getExperience` sends include/expand as a JSON "
        "body on the GET instead; the SDK keeps the query string.",
    ),
    "create location": Finding(
        operations=("create_location",),
        verdict="confirmed",
        source="convertcom/samples bulkLocations/index.js (`apiUrl`)",
        note="POST `.../projects/${projectId}/locations/add`, HMAC-signed; already in the "
        "catalog, re-read at the source.",
    ),
    "report POSTs": Finding(
        operations=("get_experience_aggregated_report", "get_experience_daily_report"),
        verdict="confirmed",
        source="two public HMAC callers, index ids 62223870385 and 62439949681 "
        "(repositories not named by the index)",
        note="Both POST `.../experiences/{id}/aggregated_report` with "
        "`{utc_offset, start_time, end_time}`; the first also POSTs `.../daily_report` with "
        "`report_type` and `metric` values that match the catalog enums. It sends the goal as "
        "`goal_id`, where the catalog body field is `goal` (a body field, not a path; "
        "unverified which one the server reads).",
    ),
    "other HMAC callers": Finding(
        operations=("list_experiences", "get_experience_aggregated_report", "get_goal"),
        verdict="confirmed",
        source="public callers, index ids 56106519390 and 53752364729 "
        "(repositories not named by the index)",
        note="Their main calls match the registry (POST experiences list, POST "
        "aggregated_report, GET goals/{goal_id}). Each also tries a path that is not in the "
        "catalog (POST `.../experiences/{id}/report` with errors ignored; "
        "`/accounts/{account_id}/experiences/{id}/aggregated_report` after a 404): caller "
        "guesses, not evidence for another path.",
    ),
    "clone": Finding(
        operations=("clone_experience", "clone_goal", "clone_location", "clone_audience"),
        verdict="not found",
        source="code index search",
        note="No public Convert caller of any `/clone` endpoint.",
    ),
    "delete and bulk": Finding(
        operations=(
            "delete_experience",
            "bulk_update_experiences",
            "bulk_delete_experiences",
            "bulk_update_goals",
            "bulk_delete_goals",
        ),
        verdict="not found",
        source="code index search",
        note="No public caller of `/delete`, `/bulk-update` or `/bulk-delete` on Convert; "
        "the DELETE method and the suffixes stay inferred.",
    ),
    "domains, tags, features": Finding(
        operations=("list_domains", "create_domain", "list_tags", "create_tag", "list_features"),
        verdict="not found",
        source="code index search",
        note="No public caller; every `projects/{id}/domains` hit is another vendor's API.",
    ),
    "keys": Finding(
        operations=("create_sdk_key", "create_api_key", "delete_api_key"),
        verdict="not found",
        source="code index search",
        note="Only the two list endpoints (mindcloud) are public.",
    ),
    "change history and live data": Finding(
        operations=(
            "list_account_change_history",
            "list_experience_change_history",
            "get_account_live_data",
            "get_experience_live_data",
        ),
        verdict="not found",
        source="code index search",
        note="Only the project-level endpoints are public (mindcloud).",
    ),
    "report token and export": Finding(
        operations=("manage_experience_report_token", "export_experience_report"),
        verdict="not found",
        source="code index search",
        note="No public caller; the underscore segment names stay guesses.",
    ),
    "collaborators": Finding(
        operations=("invite_collaborator", "update_collaborator_access"),
        verdict="not found",
        source="code index search",
        note="Only `GET /accounts/{account_id}/users-accesses` is public (mindcloud).",
    ),
}
"""Public evidence for (or against) catalog paths; keyed by topic."""


def load_catalog() -> list[dict[str, Any]]:
    """The packaged operation catalog, in catalog order."""
    text = (
        resources.files("convert_async.testing")
        .joinpath("data/convert-v2-operations.json")
        .read_text(encoding="utf-8")
    )
    entries: list[dict[str, Any]] = json.loads(text)
    return entries


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _sdk_call(operation: str) -> str:
    op = OPERATIONS[operation]
    return f"`client.{op.resource}.{op.name}(...)`"


def _operation_rows(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [
        "| operation | SDK call | method | path | path confidence | paginated |",
        "|---|---|---|---|---|---|",
    ]
    for entry in entries:
        name = entry["operation"]
        op = OPERATIONS.get(name)
        if op is None:
            lines.append(
                f"| `{name}` | not implemented | {entry['method']} | `{entry['path']}` "
                f"| {entry['path_confidence']} | {'yes' if entry.get('paginated') else ''} |"
            )
            continue
        lines.append(
            f"| `{name}` | {_sdk_call(name)} | {op.http_method} | `{_cell(op.path)}` "
            f"| {entry['path_confidence']} | {'yes' if op.paginated else ''} |"
        )
    return lines


def _mismatches(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    found: list[str] = []
    for entry in entries:
        op = OPERATIONS.get(entry["operation"])
        if op is None:
            found.append(f"`{entry['operation']}`: in the catalog, not in the registry")
        elif (op.http_method, op.path) != (entry["method"], entry["path"]):
            found.append(
                f"`{op.operation}`: registry {op.http_method} `{op.path}`, "
                f"catalog {entry['method']} `{entry['path']}`"
            )
    catalog_names = {entry["operation"] for entry in entries}
    found.extend(
        f"`{name}`: in the registry, not in the catalog"
        for name in OPERATIONS
        if name not in catalog_names
    )
    return found


def _evidence_section() -> list[str]:
    contradicted = [
        topic for topic, finding in PATH_EVIDENCE.items() if finding.verdict == "contradicted"
    ]
    lines = [
        "## Path evidence",
        "",
        "A search of public code for callers of Convert's API v2 that confirm or contradict "
        "catalog paths, beyond the sources already cited in the catalog. "
        + (
            f"{len(contradicted)} finding(s) contradict a registry path or method: "
            + ", ".join(contradicted)
            + "."
            if contradicted
            else "Nothing found contradicts a registry path or method."
        ),
        "",
        "Searched for:",
        "",
        *(f"- {item}" for item in SEARCHED_FOR),
        "",
        "| topic | operations | registry method and path | verdict | source | note |",
        "|---|---|---|---|---|---|",
    ]
    for topic, finding in PATH_EVIDENCE.items():
        ops = "<br>".join(f"`{name}`" for name in finding.operations)
        paths = "<br>".join(
            f"{OPERATIONS[name].http_method} `{_cell(OPERATIONS[name].path)}`"
            for name in finding.operations
        )
        lines.append(
            f"| {topic} | {ops} | {paths} | {finding.verdict} | {_cell(finding.source)} "
            f"| {_cell(finding.note)} |"
        )
    return lines


@dataclass(frozen=True, slots=True)
class OtherApi:
    """One more API in the document: its registry, its catalog and how its calls are shown."""

    title: str
    catalog: str
    operations: Mapping[str, Operation]
    client: str
    table: str
    note: str


OTHER_APIS: tuple[OtherApi, ...] = (
    OtherApi(
        title="Convert REST API v1 (deprecated)",
        catalog="convert-v1-operations.json",
        operations=v1.OPERATIONS,
        client="v1",
        table="convert_async/v1/_operations.py",
        note="`ConvertV1Client` warns on construction; the last column names the v2 operation "
        "that replaces each one (`convert_async.v1.V2_EQUIVALENTS`). Lists send `page` and "
        "`results_per_page` in the JSON body and stop at a short page.",
    ),
    OtherApi(
        title="Pirsch analytics API",
        catalog="pirsch-operations.json",
        operations=pirsch.OPERATIONS,
        client="pirsch",
        table="convert_async/pirsch/_operations.py",
        note="Statistics take a `StatisticsFilter` sent as query parameters; lists page with "
        "`limit`/`offset` (at most 100 rows per request). An access key may only call the "
        "Tracking operations.",
    ),
    OtherApi(
        title="giosg Experiments API",
        catalog="giosg-experiments-operations.json",
        operations=giosg.OPERATIONS,
        client="giosg",
        table="convert_async/giosg/_operations.py",
        note="The list follows cursor `next` links; the weekly results live on the Reporting "
        "API host (`reporting_base_url`).",
    ),
)
"""The APIs documented after Convert v2, in document order."""

_PAGING_STYLES = {"page/results_per_page": "body pages", "limit/offset": "limit/offset"}


def load_other_catalog(api: OtherApi) -> list[dict[str, Any]]:
    """The packaged catalog of one of :data:`OTHER_APIS`, in catalog order."""
    text = (
        resources.files("convert_async.testing")
        .joinpath(f"data/{api.catalog}")
        .read_text(encoding="utf-8")
    )
    entries: list[dict[str, Any]] = json.loads(text)
    return entries


def _other_rows(api: OtherApi, entries: Sequence[Mapping[str, Any]]) -> list[str]:
    extra = api.client == "v1"
    lines = [
        "| operation | SDK call | method | path | path confidence | paginated |"
        + (" v2 replacement |" if extra else ""),
        "|---|---|---|---|---|---|" + ("---|" if extra else ""),
    ]
    for entry in entries:
        name = entry["operation"]
        op = api.operations.get(name)
        style = str((entry.get("paginated") or {}).get("style", "none"))
        paging = "" if style == "none" else _PAGING_STYLES.get(style, style)
        replacement = (
            f" `{v1.V2_EQUIVALENTS[name]}` |"
            if extra and name in v1.V2_EQUIVALENTS
            else (" |" if extra else "")
        )
        if op is None:
            lines.append(
                f"| `{name}` | not implemented | {entry['method']} | `{_cell(entry['path'])}` "
                f"| {entry['path_confidence']} | {paging} |" + replacement
            )
            continue
        host = " (reporting host)" if op.base else ""
        lines.append(
            f"| `{name}` | `{api.client}.{op.resource}.{op.name}(...)` | {op.http_method} "
            f"| `{_cell(op.path)}`{host} | {entry['path_confidence']} | {paging} |" + replacement
        )
    return lines


def _other_mismatches(api: OtherApi, entries: Sequence[Mapping[str, Any]]) -> list[str]:
    found: list[str] = []
    for entry in entries:
        op = api.operations.get(entry["operation"])
        if op is None:
            found.append(f"`{entry['operation']}`: in the catalog, not in the registry")
        elif (op.http_method, op.path) != (entry["method"], entry["path"]):
            found.append(
                f"`{op.operation}`: registry {op.http_method} `{op.path}`, "
                f"catalog {entry['method']} `{entry['path']}`"
            )
    names = {entry["operation"] for entry in entries}
    found.extend(
        f"`{name}`: in the registry, not in the catalog"
        for name in api.operations
        if name not in names
    )
    return found


def render_other(api: OtherApi, entries: Sequence[Mapping[str, Any]] | None = None) -> list[str]:
    """The lines of one other API's section."""
    catalog = list(entries) if entries is not None else load_other_catalog(api)
    confidence = Counter(entry["path_confidence"] for entry in catalog)
    implemented = sum(entry["operation"] in api.operations for entry in catalog)
    mismatches = _other_mismatches(api, catalog)
    lines = [
        f"# {api.title}",
        "",
        f"- **Operations:** {len(api.operations)} in the registry; {implemented} of "
        f"{len(catalog)} catalog operations implemented",
        "- **Path confidence:** "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(confidence.items())),
        f"- **Registry vs catalog mismatches:** {len(mismatches)}",
        *(f"  - {item}" for item in mismatches),
        "",
        f"{api.note} A corrected path is one row in `{api.table}`.",
        "",
    ]
    tags: dict[str, list[Mapping[str, Any]]] = {}
    for entry in catalog:
        tags.setdefault(entry["tag"], []).append(entry)
    for tag, group in tags.items():
        lines += [f"## {api.client}: {tag}", "", *_other_rows(api, group), ""]
    return lines


def render(entries: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The full text of ``docs/coverage.md``."""
    catalog = list(entries) if entries is not None else load_catalog()
    confidence = Counter(entry["path_confidence"] for entry in catalog)
    methods = Counter(op.http_method for op in OPERATIONS.values())
    paginated = sum(op.paginated for op in OPERATIONS.values())
    implemented = sum(entry["operation"] in OPERATIONS for entry in catalog)
    mismatches = _mismatches(catalog)

    lines = [
        "# Convert REST API v2 coverage",
        "",
        "<!-- Generated by tools/coverage_doc.py from convert_async.v2.OPERATIONS and the "
        "operation catalog; do not edit by hand. -->",
        "",
        f"- **Operations:** {len(OPERATIONS)} in the registry; {implemented} of "
        f"{len(catalog)} catalog operations implemented",
        f"- **Path confidence:** {confidence['confirmed']} confirmed in public code, "
        f"{confidence['inferred']} inferred from Convert's URL conventions",
        f"- **Paginated lists:** {paginated} (`async for`, `.pages()`, `.count()`)",
        "- **HTTP methods:** "
        + ", ".join(f"{method} {count}" for method, count in sorted(methods.items())),
        f"- **Registry vs catalog mismatches:** {len(mismatches)}",
        *(f"  - {item}" for item in mismatches),
        "",
        "Method and path come from the registry (what the SDK sends); the confidence comes "
        "from the catalog. An inferred path is a best guess: if the server answers 404 or 405, "
        "the fix is one row in `convert_async/v2/_operations.py`, and "
        '`client.request("METHOD", "/path", json=...)` works meanwhile.',
        "",
    ]
    tags: dict[str, list[Mapping[str, Any]]] = {}
    for entry in catalog:
        tags.setdefault(entry["tag"], []).append(entry)
    for tag, group in tags.items():
        confirmed = sum(entry["path_confidence"] == "confirmed" for entry in group)
        lines += [
            f"## {tag}",
            "",
            f"{len(group)} operations, {confirmed} with a confirmed path.",
            "",
            *_operation_rows(group),
            "",
        ]
    lines += _evidence_section()
    for api in OTHER_APIS:
        lines += ["", *render_other(api)]
    return "\n".join(lines).rstrip("\n") + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if docs/coverage.md is out of date"
    )
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run python tools/coverage_doc.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
