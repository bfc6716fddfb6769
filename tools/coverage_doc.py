"""Render ``docs/coverage.md``: every operation the SDK implements, API by API.

The Convert REST v2 tables are driven by Convert's own OpenAPI spec (the packaged facts in
``convert_async/testing/data/convert-v2-openapi.json``, read here, never the SDK's table): one
row per spec operation, with the SDK method that implements it, the method and path the spec
gives, and the spec's operationId as the evidence. Any disagreement between the SDK's registry
(``convert_async.v2.OPERATIONS``) and the spec (an operation missing on either side, another
method, path, query or header parameter) is listed at the top and makes ``--check`` fail. The
other APIs (Convert v1, Pirsch, giosg Experiments, Convert's tracking/config API;
:data:`OTHER_APIS`) follow, each from its registry and its catalog, with the public source that
confirms each operation's method and path and its fields (repository + path or URL, from the
catalog's ``evidence``), or a plain "seed only" / "inferred" where no public source does.

    python tools/coverage_doc.py            # (re)write docs/coverage.md
    python tools/coverage_doc.py --check    # exit 1 if docs/coverage.md is stale or the SDK
                                            # disagrees with the spec
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from convert_async import giosg, pirsch, v1
from convert_async._core.operation import Operation
from convert_async.serving import _operations as serving_operations
from convert_async.v2 import OPERATIONS

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "coverage.md"
SPEC_FILE = "data/convert-v2-openapi.json"

#: Where the spec facts come from (the repository, file and commit the evidence names).
SPEC_REPOSITORY = "api-evangelist/convert"
SPEC_PATH = "openapi/_original/convert-openapi.yml"

# The spec spells two path parameters two ways; the SDK uses one name for each.
_SAME_PARAMETER = {"{placeholderId}": "{placeholder_id}", "{id}": "{client_id}"}


def load_spec() -> dict[str, Any]:
    """The packaged facts of Convert's OpenAPI spec (``source``, ``operations``, ...)."""
    text = resources.files("convert_async.testing").joinpath(SPEC_FILE).read_text(encoding="utf-8")
    spec: dict[str, Any] = json.loads(text)
    return spec


def spec_commit(spec: Mapping[str, Any]) -> str:
    """The spec's commit, as the spec file's ``source`` line names it (full hash)."""
    found = re.search(r"@ ([0-9a-f]{7,40})", str(spec.get("source", "")))
    return found[1] if found else "unknown"


def _shape(path: str) -> str:
    return re.sub(r"\{\w+\}", lambda m: _SAME_PARAMETER.get(m[0], m[0]), path)


def _params(spec_op: Mapping[str, Any], marker: str) -> set[str]:
    return {p.partition("[")[0] for p in spec_op.get("params", ()) if marker in p}


def match_operations(
    spec_ops: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, Operation], list[str]]:
    """Each spec operationId's SDK operation (same method and path), and the disagreements."""
    by_shape: dict[tuple[str, str], Operation] = {
        (op.http_method, _shape(op.path)): op for op in OPERATIONS.values()
    }
    matched: dict[str, Operation] = {}
    problems: list[str] = []
    for spec_op in spec_ops:
        op_id, method, path = spec_op["operationId"], spec_op["method"], spec_op["path"]
        op = by_shape.get((method, _shape(path)))
        if op is None:
            problems.append(f"`{op_id}`: spec {method} `{path}`, no SDK operation sends it")
            continue
        matched[op_id] = op
        for kind, marker, sdk in (
            ("query", "[q", op.query_params),
            ("header", "[h]", op.header_params),
        ):
            if set(sdk) != _params(spec_op, marker):
                problems.append(
                    f"`{op_id}` (`{op.operation}`): {kind} parameters: SDK "
                    f"{sorted(sdk)}, spec {sorted(_params(spec_op, marker))}"
                )
        if set(op.array_params) != _params(spec_op, "[q:array]"):
            problems.append(
                f"`{op_id}` (`{op.operation}`): array query parameters: SDK "
                f"{sorted(op.array_params)}, spec {sorted(_params(spec_op, '[q:array]'))}"
            )
    counted = Counter(op.operation for op in matched.values())
    problems.extend(
        f"`{name}`: implements {count} spec operations"
        for name, count in counted.items()
        if count > 1
    )
    problems.extend(
        f"`{op.operation}`: SDK {op.http_method} `{op.path}` is not in the spec"
        for op in OPERATIONS.values()
        if op.operation not in counted
    )
    return matched, problems


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _spec_rows(
    group: Sequence[Mapping[str, Any]], matched: Mapping[str, Operation], commit: str
) -> list[str]:
    lines = [
        "| operation | SDK call | method | path | evidence: spec operationId | paginated |",
        "|---|---|---|---|---|---|",
    ]
    for spec_op in group:
        op_id = spec_op["operationId"]
        op = matched.get(op_id)
        path = f"`{_cell(spec_op['path'])}`"
        evidence = f"`{op_id}` @ {commit[:7]}"
        if op is None:
            lines.append(
                f"| `{op_id}` | **missing** | {spec_op['method']} | {path} | {evidence} |  |"
            )
            continue
        lines.append(
            f"| `{op.operation}` | `client.{op.resource}.{op.name}(...)` | {spec_op['method']} "
            f"| {path} | {evidence} | {'yes' if op.paginated else ''} |"
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
    seed: str
    """The seed file (``/work/shared/seeds``) the catalog started from."""
    fields: str
    """The public source of the request and response fields, for every operation."""
    call: str = "{client}.{resource}.{name}(...)"
    """How an SDK call is written (``client``, ``resource``, ``name``)."""


OTHER_APIS: tuple[OtherApi, ...] = (
    OtherApi(
        title="Convert REST API v1 (deprecated)",
        catalog="convert-v1-operations.json",
        operations=v1.OPERATIONS,
        client="v1",
        table="convert_async/v1/_operations.py",
        note="`ConvertV1Client` warns on construction; the last column names the v2 operation "
        "that replaces each one (`convert_async.v1.V2_EQUIVALENTS`). Lists send `page` and "
        "`results_per_page` in the JSON body and stop at a short page. `list_projects` requests "
        "`/projects/` with the trailing slash (part of the HMAC-signed URL), as Convert's Python "
        "support article and the public v1 sample sign and request it; no public source shows "
        "whether `/projects` without it is refused, so `FakeConvertV1` routes both. No public "
        "source gives v1's fields: they are the seed's (`variations[]` nested as "
        '`{"variation": {...}, "percentage"}`), and 19 of the 25 paths are inferred.',
        seed="convert-api-v1.txt",
        fields="**seed only** (`convert-api-v1.txt`)",
    ),
    OtherApi(
        title="Pirsch analytics API",
        catalog="pirsch-operations.json",
        operations=pirsch.OPERATIONS,
        client="pirsch",
        table="convert_async/pirsch/_operations.py",
        note="Statistics take a `StatisticsFilter` sent as query parameters; lists page with "
        "`limit`/`offset` (at most 100 rows per request). An access key may only call the "
        "Tracking operations. Fields follow Pirsch's current reference, not the 2022 seed: "
        "e-mail reports take `interval` 0 (daily), conversion goals need `path_pattern` and/or "
        "the event fields, and hits, events and sessions no longer carry the seed's proxy "
        "headers or `dnt` (neither the reference nor the Go SDK's `PageView` has them; "
        "`FakePirsch` ignores them).",
        seed="pirsch-api.txt",
        fields="`pirsch-analytics/docs` `docs/api-sdks/api-v1.md`",
    ),
    OtherApi(
        title="giosg Experiments API",
        catalog="giosg-experiments-operations.json",
        operations=giosg.OPERATIONS,
        client="giosg",
        table="convert_async/giosg/_operations.py",
        note="The list follows cursor `next` links; the weekly results live on the Reporting "
        "API host (`reporting_base_url`), which takes API tokens only (`Authorization: Token`, "
        "https://docs.giosg.com/api_reference/reporting/http_api/general): a `GiosgBearerAuth` "
        "client gets `GiosgReportingAuthError` there before sending.",
        seed="giosg-experiments-api.txt",
        fields="https://docs.giosg.com/api_reference/giosg_live/giosg_http_api/experiments/ "
        "(the seed is this page word for word); results: "
        "https://docs.giosg.com/api_reference/reporting/http_api/experiment_results",
    ),
    OtherApi(
        title="Convert tracking/config API (serving)",
        catalog="convert-serving-operations.json",
        operations=serving_operations.OPERATIONS,
        client="tracker",
        table="convert_async/serving/_operations.py",
        note="`TrackingClient` fetches the config from the config host and sends tracking "
        "batches to the metrics host (`[project_id]` replaced). Response ids are optional: the "
        "seed marks no response field required and the generated types have `id?: string`.",
        seed="convert-tracking-config-api.txt",
        fields="`convertcom/javascript-sdk` `packages/types/src/config/types.gen.ts` "
        "(generated from https://api.convert.com/doc/serving/)",
        call="{client}.{name}(...)",
    ),
)
"""The APIs documented after Convert v2, in document order."""

_SOURCE_PATTERNS = (
    # owner/repo path/to/file.ext
    re.compile(r"\b(?:pirsch-analytics|convertcom|giosg)/[\w.-]+ [\w./-]+\.\w+"),
    re.compile(r"https?://[^\s,;)'\"]+"),
    re.compile(r"\bdocs\.giosg\.com/[^\s,;)'\"]+"),
    re.compile(r"search-index file ids? [\d ,and]+\d"),
)
_HOSTS = {"reporting": "reporting host", "config": "config host", "track": "tracking host"}
# Base URLs of the APIs themselves, quoted in the evidence but not sources of it.
_API_HOSTS = re.compile(
    r"https?://(?:api\.convert\.com/api|app\.convert\.com/api|cdn-[\w-]+\.convertexperiments"
    r"|api\.pirsch\.io|service\.giosg\.com|api\.giosg\.com/api)"
)


def _sources(evidence: str) -> list[str]:
    """The public sources an evidence text names, in order, each once."""
    found: list[tuple[int, str]] = []
    for pattern in _SOURCE_PATTERNS:
        found.extend((m.start(), m.group(0).rstrip(".")) for m in pattern.finditer(evidence))
    sources: list[str] = []
    for _, text in sorted(found):
        if _API_HOSTS.match(text):
            continue
        if text.startswith("docs.giosg.com"):
            text = "https://" + text
        if text.startswith("search-index"):
            text = f"public code, {text} (repository not identified)"
        if not any(text in seen or seen in text for seen in sources):
            sources.append(text)
    return sources


def evidence_cell(api: OtherApi, entry: Mapping[str, Any]) -> str:
    """The method-and-path evidence of one catalog entry, plainly: the public sources it names,
    or "seed only" / "inferred" when none confirms it."""
    sources = _sources(str(entry.get("evidence", "")))
    shown = "; ".join(f"`{s}`" if " " in s else s for s in sources[:4])
    confidence = entry["path_confidence"]
    if confidence == "inferred":
        return f"**inferred** (no public source; seed `{api.seed}` gives the parameters)" + (
            f"; related: {shown}" if shown else ""
        )
    if confidence == "from_seed":
        return f"**seed only** (`{api.seed}`)" + (f"; same text: {shown}" if shown else "")
    return shown or f"**seed only** (`{api.seed}`)"


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
        + (" v2 replacement |" if extra else "")
        + " evidence: method and path |",
        "|---|---|---|---|---|---|" + ("---|" if extra else "") + "---|",
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
        evidence = f" {_cell(evidence_cell(api, entry))} |"
        if op is None:
            lines.append(
                f"| `{name}` | not implemented | {entry['method']} | `{_cell(entry['path'])}` "
                f"| {entry['path_confidence']} | {paging} |" + replacement + evidence
            )
            continue
        host = f" ({_HOSTS.get(op.base, op.base + ' host')})" if op.base else ""
        call = api.call.format(client=api.client, resource=op.resource, name=op.name)
        lines.append(
            f"| `{name}` | `{call}` | {op.http_method} "
            f"| `{_cell(op.path)}`{host} | {entry['path_confidence']} | {paging} |"
            + replacement
            + evidence
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
        f"- **Fields (every operation):** {api.fields}",
        f"- **Seed:** `{api.seed}`; an operation marked **seed only** or **inferred** has no "
        "public source confirming its method and path",
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


def render(spec: Mapping[str, Any] | None = None) -> str:
    """The full text of ``docs/coverage.md`` (``spec``: the spec facts, packaged by default)."""
    facts = load_spec() if spec is None else spec
    spec_ops: list[Mapping[str, Any]] = list(facts["operations"])
    commit = spec_commit(facts)
    matched, problems = match_operations(spec_ops)
    methods = Counter(op["method"] for op in spec_ops)
    paginated = sum(op.paginated for op in matched.values())
    by_key = ", ".join(f"`{op.operation}`" for op in matched.values() if op.page_shape == "key")

    lines = [
        "# Convert REST API v2 coverage",
        "",
        "<!-- Generated by tools/coverage_doc.py from Convert's OpenAPI spec "
        f"(convert_async/testing/{SPEC_FILE}) and convert_async.v2.OPERATIONS; "
        "do not edit by hand. -->",
        "",
        f"- **Operations:** {len(matched)}/{len(spec_ops)} of the spec's operations "
        f"implemented ({len(OPERATIONS)} in the SDK registry)",
        f"- **Evidence:** Convert's OpenAPI spec, `{SPEC_REPOSITORY}` `{SPEC_PATH}` @ "
        f"{commit[:7]} (`{commit}`), one operationId per row",
        f"- **Paginated lists:** {paginated} (`async for`, `.pages()`; `.count()` but for"
        f" {by_key}, paged by item key)",
        "- **HTTP methods:** "
        + ", ".join(f"{method} {count}" for method, count in sorted(methods.items())),
        f"- **SDK vs spec mismatches:** {len(problems)}",
        *(f"  - {item}" for item in problems),
        "",
        "Each row is one operation of the spec: its method and path as the spec gives them, the "
        "SDK method that sends exactly that method and path (with the spec's query and header "
        "parameters), and the spec's operationId, which is the evidence. The spec file's facts "
        f"are packaged in `convert_async/testing/{SPEC_FILE}`; the SDK's table, "
        "`convert_async/v2/_operations.py`, is generated from them by `tools/gen_v2.py`.",
        "",
    ]
    tags: dict[str, list[Mapping[str, Any]]] = {}
    for spec_op in spec_ops:
        tags.setdefault(spec_op["tags"][0], []).append(spec_op)
    for tag, group in tags.items():
        done = sum(op["operationId"] in matched for op in group)
        lines += [
            f"## {tag}",
            "",
            f"{done}/{len(group)} operations.",
            "",
            *_spec_rows(group, matched, commit),
            "",
        ]
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
    _, problems = match_operations(load_spec()["operations"])
    for problem in problems:
        print(f"SDK vs spec mismatch: {problem}", file=sys.stderr)
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is stale: run python tools/coverage_doc.py")
            return 1
        print(f"{OUTPUT.relative_to(ROOT)} is up to date")
        return 1 if problems else 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
