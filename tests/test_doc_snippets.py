"""Every Python block of the README and of the docs pages runs against the fakes, as written.

The guides under ``docs/guides/`` are run by ``test_guides.py``; this file covers the README and
``docs/*.md``. Each block runs in a fresh interpreter, in an empty folder, with the environment
a user of the fake would set (``python -m convert_async.testing`` prints it): the credentials
and base URLs of a running :class:`~convert_async.testing.FakeConvert`. The only edits made to a
block (the documented fixture) replace its placeholders for credentials and paths:

- ``"APPLICATION_ID"`` / ``"SECRET"``: the fake's HMAC application id and secret;
- ``"SDK_KEY"`` / ``"SDK_SECRET"`` / ``"SDK_KEY_SECRET"``: an SDK key of the fake and its secret;
- ``/var/lib/myapp/convert-spool``: a folder in the test's temporary directory.

A block written with a top-level ``await`` (a fragment of an async program) runs inside an
``async def`` where ``client`` is an open :class:`~convert_async.ConvertClient` and ``app_id`` /
``secret`` hold the credentials.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
from pathlib import Path

import anyio
import pytest

from convert_async.testing import FakeConvert

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)

PRELUDE = """\
import asyncio
import os

from convert_async import ConvertClient as _Client

app_id, secret = os.environ["CONVERT_API_KEY_ID"], os.environ["CONVERT_API_KEY_SECRET"]


async def __snippet() -> None:
    async with _Client() as client:
{body}


asyncio.run(__snippet())
"""


def _blocks() -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for number, block in enumerate(_BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            if "def test_" in block:  # the pytest example: test_readme_testing_snippet.py
                continue
            found.append((f"{page.relative_to(ROOT)}#{number}", block))
    return found


def _has_top_level_await(code: str) -> bool:
    try:
        compile(code, "<block>", "exec")
    except SyntaxError:
        return True  # ``await`` / ``async with`` outside a function
    return False


BLOCKS = _blocks()


def test_the_pages_have_blocks_to_run() -> None:
    assert len(BLOCKS) >= 10


@pytest.mark.anyio
@pytest.mark.parametrize(("where", "code"), BLOCKS, ids=[where for where, _ in BLOCKS])
async def test_block_runs_against_the_fakes(where: str, code: str, tmp_path: Path) -> None:
    async with FakeConvert() as fake:
        key = fake.serving.sdk_key(1001, 10001)
        assert key.secret is not None
        replacements = {
            '"APPLICATION_ID"': repr(FakeConvert.APPLICATION_ID),
            '"SECRET"': repr(FakeConvert.APPLICATION_SECRET),
            '"SDK_KEY"': repr(key.sdk_key),
            '"SDK_SECRET"': repr(key.secret),
            '"SDK_KEY_SECRET"': repr(key.secret),
            "/var/lib/myapp/convert-spool": str(tmp_path / "spool"),
        }
        for placeholder, value in replacements.items():
            code = code.replace(placeholder, value)
        if _has_top_level_await(code):
            code = PRELUDE.format(body=textwrap.indent(code, " " * 8))
        script = tmp_path / "snippet.py"
        script.write_text(code, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONVERT_")}
        env |= {
            "CONVERT_BASE_URL": fake.url,
            "CONVERT_API_KEY_ID": FakeConvert.APPLICATION_ID,
            "CONVERT_API_KEY_SECRET": FakeConvert.APPLICATION_SECRET,
            "CONVERT_CONFIG_BASE_URL": fake.serving_url,
            "CONVERT_TRACK_BASE_URL": fake.serving_url,
        }
        run = await anyio.run_process(
            [sys.executable, str(script)], cwd=tmp_path, env=env, check=False
        )
        errors = [r for r in fake.requests if r.status >= 400]
    assert run.returncode == 0, f"{where}:\n{code}\n{run.stderr.decode()}"
    if "except " not in code:  # a block showing error handling provokes its errors
        assert not errors, f"{where}: the fake answered {[(e.operation, e.status) for e in errors]}"
