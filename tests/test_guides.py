"""The usage guides in docs/guides must match the SDK they describe.

Every ``client.<resource>.<method>(`` in a guide must exist on ``ConvertClient``; every keyword an
example passes must be a parameter of that method, and every required parameter must be passed.
The method tables must list exactly the registry's operations, with its HTTP method and path.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from functools import cached_property
from importlib import resources
from pathlib import Path

import anyio
import pytest

from convert_async import SecretKeyAuth
from convert_async.testing import FakeConvert, FakeConvertV1, FakeGiosg, FakePirsch
from convert_async.v2 import OPERATIONS, ConvertClient
from convert_async.v2._resource import Resource

GUIDES_DIR = Path(__file__).resolve().parents[1] / "docs" / "guides"
INDEX = GUIDES_DIR / "README.md"
PAGES = sorted(path for path in GUIDES_DIR.glob("*.md") if path != INDEX)
ALL_FILES = [INDEX, *PAGES]

_CALL = re.compile(r"\bclient\.(\w+)\.(\w+)\(")
_CODE_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
_TABLE_ROW = re.compile(
    r"^\| `client\.(\w+)\.(\w+)\(\.\.\.\)` \| (\w+) \| `([^`]+)` \|", re.MULTILINE
)


def _resources() -> dict[str, type[Resource]]:
    client = ConvertClient(SecretKeyAuth("key-id", "key-secret"))  # never opened
    found: dict[str, type[Resource]] = {}
    for cls in type(client).__mro__:
        for name, attr in vars(cls).items():
            if isinstance(attr, cached_property):
                resource = getattr(client, name)
                if isinstance(resource, Resource):
                    found[name] = type(resource)
    return found


RESOURCES = _resources()


def _operation_ids() -> dict[str, str]:
    """SDK catalog name -> the spec's operationId (what FakeConvert records a request as)."""
    spec = json.loads(
        resources.files("convert_async.testing")
        .joinpath("data/convert-v2-openapi.json")
        .read_text(encoding="utf-8")
    )["operations"]
    same = {"{placeholderId}": "{placeholder_id}", "{id}": "{client_id}"}
    by_shape = {
        (op["method"], re.sub(r"\{\w+\}", lambda m: same.get(m[0], m[0]), op["path"])): op
        for op in spec
    }
    return {
        name: by_shape[(op.http_method, op.path)]["operationId"] for name, op in OPERATIONS.items()
    }


OPERATION_IDS = _operation_ids()


def _method(resource: str, method: str) -> inspect.Signature:
    cls = RESOURCES[resource]
    function = getattr(cls, method, None)
    assert not method.startswith("_"), f"client.{resource}.{method} is private"
    assert callable(function), f"{cls.__name__} has no method {method!r}"
    return inspect.signature(function)


def _examples(path: Path) -> list[str]:
    return _CODE_BLOCK.findall(path.read_text(encoding="utf-8"))


def _sdk_calls(tree: ast.AST) -> list[ast.Call]:
    """Calls shaped ``client.<resource>.<method>(...)``."""
    calls = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
            and isinstance(node.func.value.value, ast.Name)
            and node.func.value.value.id == "client"
        ):
            calls.append(node)
    return calls


def test_there_is_a_guide_for_every_group() -> None:
    assert len(PAGES) >= 9
    index = INDEX.read_text(encoding="utf-8")
    for page in PAGES:
        assert f"]({page.name})" in index, f"README.md does not link {page.name}"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda path: path.name)
def test_every_mentioned_call_exists(path: Path) -> None:
    for resource, method in _CALL.findall(path.read_text(encoding="utf-8")):
        assert resource in RESOURCES, f"{path.name}: ConvertClient has no {resource!r}"
        _method(resource, method)


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_page_has_one_complete_async_example(path: Path) -> None:
    blocks = _examples(path)
    assert len(blocks) == 1, f"{path.name}: expected one python example, found {len(blocks)}"
    tree = ast.parse(blocks[0], filename=path.name)
    assert any(isinstance(node, ast.AsyncFunctionDef) for node in ast.walk(tree))
    assert "asyncio.run(" in blocks[0]
    assert _sdk_calls(tree), f"{path.name}: the example calls no client.<resource>.<method>"


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda path: path.name)
def test_example_arguments_match_the_signatures(path: Path) -> None:
    for block in _examples(path):
        tree = ast.parse(block, filename=path.name)
        for call in _sdk_calls(tree):
            assert isinstance(call.func, ast.Attribute)
            assert isinstance(call.func.value, ast.Attribute)
            resource, method = call.func.value.attr, call.func.attr
            where = f"{path.name} line {call.lineno}: client.{resource}.{method}"
            assert resource in RESOURCES, f"{where}: no such resource"
            params = _method(resource, method).parameters
            assert not call.args, f"{where}: SDK methods take keyword arguments only"
            passed: set[str] = set()
            for keyword in call.keywords:
                assert keyword.arg is not None, f"{where}: **kwargs hides the argument names"
                assert keyword.arg in params, f"{where}: no parameter {keyword.arg!r}"
                passed.add(keyword.arg)
            required = {
                name
                for name, param in params.items()
                if name != "self" and param.default is inspect.Parameter.empty
            }
            missing = required - passed
            assert not missing, f"{where}: missing required {sorted(missing)}"


def test_method_tables_match_the_registry() -> None:
    listed: dict[str, str] = {}
    for page in PAGES:
        for resource, method, http_method, path in _TABLE_ROW.findall(
            page.read_text(encoding="utf-8")
        ):
            owner = listed.setdefault(resource, page.name)
            assert owner == page.name, f"{resource} is listed in {owner} and {page.name}"
            matches = [
                op for op in OPERATIONS.values() if (op.resource, op.name) == (resource, method)
            ]
            assert matches, f"{page.name}: {resource}.{method} is not in the registry"
            assert (matches[0].http_method, matches[0].path) == (http_method, path), (
                f"{page.name}: {resource}.{method} row disagrees with the registry"
            )
    assert set(listed) == set(RESOURCES), "every resource belongs in exactly one guide"
    for op in OPERATIONS.values():
        page = GUIDES_DIR / listed[op.resource]
        row = f"| `client.{op.resource}.{op.name}(...)` | {op.http_method} | `{op.path}` |"
        assert row in page.read_text(encoding="utf-8"), f"{page.name} lacks {op.operation}"


# The pages about Convert REST v2 (the others pair another API's client with it, and run
# against that API's fake in their own tests).
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
V2_PAGES = [path for path in PAGES if path.name not in {"convert-v1.md", "giosg.md", "pirsch.md"}]


@pytest.mark.anyio
@pytest.mark.parametrize("path", V2_PAGES, ids=lambda path: path.name)
async def test_example_runs_against_the_fake(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each v2 page's example runs as written, against FakeConvert, without an error reply."""
    (block,) = _examples(path)
    code = compile(block, str(path), "exec")
    async with FakeConvert() as fake:
        monkeypatch.setenv("CONVERT_BASE_URL", fake.url)
        monkeypatch.setenv("CONVERT_API_KEY_ID", FakeConvert.KEY_ID)
        monkeypatch.setenv("CONVERT_API_KEY_SECRET", FakeConvert.KEY_SECRET)
        monkeypatch.setenv("CONVERT_AUTH_METHOD", "secret_key")
        monkeypatch.chdir(tmp_path)
        for name in re.findall(r'Path\("([^"]+)"\)', block):  # files the example reads
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes(_PNG)
        # The example calls asyncio.run(): give it its own thread (and event loop).
        await anyio.to_thread.run_sync(exec, code, {"__name__": "__guide__"})
        failed = [f"{r.operation} {r.status}" for r in fake.requests if r.status >= 400]
        assert not failed, f"{path.name}: error replies {failed}"
        called = {r.operation for r in fake.requests}
    sdk_calls = {
        (call.func.value.attr, call.func.attr)  # type: ignore[attr-defined]
        for call in _sdk_calls(ast.parse(block))
    }
    spec_ids = {
        OPERATION_IDS[op.operation]
        for op in OPERATIONS.values()
        if (op.resource, op.name) in sdk_calls
    }
    assert spec_ids <= called, f"{path.name}: never reached {sorted(spec_ids - called)}"


OTHER_API_PAGES = [
    path for path in PAGES if path.name in {"convert-v1.md", "giosg.md", "pirsch.md"}
]


@pytest.mark.anyio
@pytest.mark.parametrize("path", OTHER_API_PAGES, ids=lambda path: path.name)
async def test_other_api_example_runs_against_the_fakes(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The v1, Pirsch and giosg pages' examples run as written against their fakes (and
    FakeConvert, which they combine with), credentials and URLs from the environment."""
    (block,) = _examples(path)
    code = compile(block, str(path), "exec")
    async with (
        FakeConvert() as fake,
        FakeConvertV1(store=fake.store) as v1,
        FakePirsch() as pirsch,
        FakeGiosg() as giosg,
    ):
        settings = {
            "CONVERT_BASE_URL": fake.url,
            "CONVERT_V1_BASE_URL": v1.url,
            "CONVERT_API_KEY_ID": FakeConvert.APPLICATION_ID,
            "CONVERT_API_KEY_SECRET": FakeConvert.APPLICATION_SECRET,
            "PIRSCH_BASE_URL": pirsch.url,
            "PIRSCH_CLIENT_ID": FakePirsch.CLIENT_ID,
            "PIRSCH_CLIENT_SECRET": FakePirsch.CLIENT_SECRET,
            "GIOSG_BASE_URL": giosg.url,
            "GIOSG_REPORTING_BASE_URL": giosg.reporting_url,
            "GIOSG_API_TOKEN": FakeGiosg.TOKEN,
        }
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        monkeypatch.chdir(tmp_path)
        await anyio.to_thread.run_sync(exec, code, {"__name__": "__guide__"})
        servers = (fake, v1, pirsch, giosg)
        failed = [
            f"{r.operation} {r.status}" for s in servers for r in s.requests if r.status >= 400
        ]
        reached = [s for s in (v1, pirsch, giosg) if s.requests]
    assert not failed, f"{path.name}: error replies {failed}"
    assert reached, f"{path.name}: the example reached none of the other APIs' fakes"
