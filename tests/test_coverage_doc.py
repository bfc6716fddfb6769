"""docs/coverage.md is generated from the registry and the catalog, and must stay current."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from convert_async.v2 import OPERATIONS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "coverage_doc.py"
DOC = ROOT / "docs" / "coverage.md"


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


def test_every_catalog_operation_has_a_row(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(\w+)` \|", text, flags=re.MULTILINE))
    catalog = script.load_catalog()
    assert {entry["operation"] for entry in catalog} <= rows
    assert set(OPERATIONS) <= rows
    for entry in catalog:
        op = OPERATIONS[entry["operation"]]
        assert f"`client.{op.resource}.{op.name}(...)`" in text
        assert f"## {entry['tag']}\n" in text


def test_header_totals_match_the_catalog(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    catalog = script.load_catalog()
    confirmed = sum(entry["path_confidence"] == "confirmed" for entry in catalog)
    inferred = sum(entry["path_confidence"] == "inferred" for entry in catalog)
    paginated = sum(op.paginated for op in OPERATIONS.values())
    assert f"{len(OPERATIONS)} in the registry" in text
    assert f"{confirmed} confirmed in public code, {inferred} inferred" in text
    assert f"**Paginated lists:** {paginated} " in text


def test_render_reports_a_registry_catalog_disagreement(script: ModuleType) -> None:
    catalog = script.load_catalog()
    moved = [dict(entry) for entry in catalog]
    moved[0]["path"] = "/somewhere/else"
    text = script.render(moved)
    assert "**Registry vs catalog mismatches:** 1" in text
    assert "catalog POST `/somewhere/else`" in text


def test_path_evidence_names_real_operations(script: ModuleType) -> None:
    assert script.PATH_EVIDENCE
    text = DOC.read_text(encoding="utf-8")
    assert "## Path evidence" in text
    for topic, finding in script.PATH_EVIDENCE.items():
        assert finding.operations, topic
        assert set(finding.operations) <= set(OPERATIONS), topic
        assert finding.verdict in {"confirmed", "contradicted", "not found"}
        assert f"| {topic} |" in text


def test_every_other_api_operation_has_a_row(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert [api.client for api in script.OTHER_APIS] == ["v1", "pirsch", "giosg"]
    for api in script.OTHER_APIS:
        catalog = script.load_other_catalog(api)
        assert f"# {api.title}\n" in text
        assert f"{len(api.operations)} in the registry; {len(catalog)} of {len(catalog)}" in text
        for entry in catalog:
            op = api.operations[entry["operation"]]
            row = f"| `{entry['operation']}` | `{api.client}.{op.resource}.{op.name}(...)` |"
            assert row in text
            assert f"## {api.client}: {entry['tag']}\n" in text


def test_other_api_sections_report_their_paging_and_hosts(script: ModuleType) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "| `list_projects` | `v1.projects.list(...)` | GET | `/projects` | confirmed " in text
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
