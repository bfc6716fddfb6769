"""docs/coverage.md is generated from Convert's spec (v2) and the registries, and stays current."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from convert_async.v2 import OPERATIONS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "coverage_doc.py"
DOC = ROOT / "docs" / "coverage.md"
SPEC_FILE = ROOT / "convert_async" / "testing" / "data" / "convert-v2-openapi.json"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("coverage_doc", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["coverage_doc"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script() -> ModuleType:
    return _load_script()


def test_committed_coverage_doc_is_up_to_date(script: ModuleType) -> None:
    assert DOC.read_text(encoding="utf-8") == script.render(), (
        "docs/coverage.md is stale: run python tools/coverage_doc.py"
    )


def test_check_flag_passes_on_the_committed_file(script: ModuleType) -> None:
    assert script.main(["--check"]) == 0


def _spec() -> dict[str, Any]:
    """The packaged spec facts, read here directly (not through the script)."""
    spec: dict[str, Any] = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    return spec


def test_every_spec_operation_has_a_row_with_its_evidence(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    spec = _spec()
    assert len(spec["operations"]) == 189
    by_shape = {(op.http_method, op.path): op for op in OPERATIONS.values()}
    for spec_op in spec["operations"]:
        op_id = spec_op["operationId"]
        path = spec_op["path"].replace("{placeholderId}", "{placeholder_id}")
        path = path.replace("{id}", "{client_id}")
        op = by_shape[(spec_op["method"], path)]  # the SDK sends the spec's method and path
        row = (
            f"| `{op.operation}` | `client.{op.resource}.{op.name}(...)` | {spec_op['method']} "
            f"| `{spec_op['path']}` | `{op_id}` @ 1170c14 |"
        )
        assert row in text, op_id
        assert f"## {spec_op['tags'][0]}\n" in text
    rows = re.findall(r"^\| `(\w+)` \| `client\.", text, flags=re.MULTILINE)
    assert sorted(rows) == sorted(OPERATIONS)  # each SDK operation once


def test_header_shows_189_of_189_and_names_the_spec(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert spec_source_commit() in text
    assert "- **Operations:** 189/189 of the spec's operations implemented" in text
    assert "`api-evangelist/convert` `openapi/_original/convert-openapi.yml` @ 1170c14" in text
    assert "- **SDK vs spec mismatches:** 0\n" in text
    paginated = sum(op.paginated for op in OPERATIONS.values())
    assert f"**Paginated lists:** {paginated} " in text
    methods = Counter(op["method"] for op in _spec()["operations"])
    assert (
        "- **HTTP methods:** " + ", ".join(f"{m} {n}" for m, n in sorted(methods.items())) in text
    )


def spec_source_commit() -> str:
    found = re.search(r"@ ([0-9a-f]{40})", _spec()["source"])
    assert found is not None
    assert found[1].startswith("1170c14")
    return found[1]


def test_render_reports_sdk_spec_disagreements_as_failures(script: ModuleType) -> None:
    spec = _spec()
    moved = copy.deepcopy(spec)
    first = moved["operations"][0]
    first["path"] = "/somewhere/else"  # the spec says another path than the SDK sends
    moved["operations"][5]["params"] = [*moved["operations"][5]["params"], "extra[q]"]
    text = script.render(moved)
    assert "- **SDK vs spec mismatches:** 3\n" in text
    assert f"`{first['operationId']}`: spec POST `/somewhere/else`, no SDK operation sends it" in (
        text
    )
    assert "`cookie_login`: SDK POST `/auth` is not in the spec" in text
    op_id = moved["operations"][5]["operationId"]
    assert f"`{op_id}` (`request_oauth_token`): query parameters: SDK [], spec ['extra']" in text
    assert f"| `{first['operationId']}` | **missing** | POST | `/somewhere/else` |" in text
    assert "- **Operations:** 188/189 " in text
    # --check fails on a disagreement, whether or not the file is current.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(script, "load_spec", lambda: moved)
        assert script.main(["--check"]) == 1


def test_an_sdk_operation_outside_the_spec_is_a_failure(script: ModuleType) -> None:
    fewer = copy.deepcopy(_spec())
    dropped = fewer["operations"].pop()
    text = script.render(fewer)
    assert "- **SDK vs spec mismatches:** 1\n" in text
    assert "is not in the spec" in text
    assert f"`{dropped['operationId']}`" not in text


def test_every_other_api_operation_has_a_row(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [api.client for api in script.OTHER_APIS] == ["v1", "pirsch", "giosg", "tracker"]
    for api in script.OTHER_APIS:
        catalog = script.load_other_catalog(api)
        assert f"# {api.title}\n" in text
        assert f"{len(api.operations)} in the registry; {len(catalog)} of {len(catalog)}" in text
        assert f"- **Fields (every operation):** {api.fields}\n" in text
        for entry in catalog:
            op = api.operations[entry["operation"]]
            call = api.call.format(client=api.client, resource=op.resource, name=op.name)
            row = f"| `{entry['operation']}` | `{call}` |"
            assert row in text
            line = next(line for line in text.splitlines() if line.startswith(row))
            # Every row ends with its evidence: a public source, or a plain "seed only" /
            # "inferred" when no public source confirms the method and path.
            evidence = line.rstrip(" |").rsplit(" | ", 1)[-1]
            assert evidence == script.evidence_cell(api, entry).replace("|", "\\|")
            if entry["path_confidence"] == "confirmed":
                # A source by URL or repository + path; the two v1 samples known only by their
                # search-index ids say so.
                assert "http" in evidence or "/" in evidence or "not identified" in evidence
            else:
                assert evidence.startswith(("**seed only**", "**inferred**")), line
            assert f"## {api.client}: {entry['tag']}\n" in text


def test_other_api_sections_report_their_paging_and_hosts(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "| `list_projects` | `v1.projects.list(...)` | GET | `/projects/` | confirmed " in text
    assert "support.convert.com/hc/en-us/articles/360045754791" in text
    assert "`tracker.fetch_config(...)` | GET | `/config/{sdk_key}` (config host)" in text
    assert "`/track/{sdk_key}` (tracking host)" in text
    assert "**seed only** (`giosg-experiments-api.txt`); same text: https://docs.giosg.com/" in text
    assert "| body pages | `list_projects` |" in text
    assert (
        "`pirsch.statistics.pages(...)` | GET | `/statistics/page` | confirmed | limit/offset |"
        in text
    )
    assert "`/orgs/{organization_id}/experiments/{experiment_id}/weekly` (reporting host)" in text
    assert "`giosg.experiments.list(...)` | GET | `/orgs/{organization_id}/experiments` " in text


def test_render_other_reports_a_registry_catalog_disagreement(script: ModuleType) -> None:
    pirsch_api = next(api for api in script.OTHER_APIS if api.client == "pirsch")
    moved = [dict(entry) for entry in script.load_other_catalog(pirsch_api)]
    moved[1]["method"] = "PUT"
    text = "\n".join(script.render_other(pirsch_api, moved))
    assert "**Registry vs catalog mismatches:** 1" in text
    assert "`send_hit`: registry POST `/hit`, catalog PUT `/hit`" in text
    dropped = script.load_other_catalog(pirsch_api)[1:]
    text = "\n".join(script.render_other(pirsch_api, dropped))
    assert "`get_access_token`: in the registry, not in the catalog" in text
