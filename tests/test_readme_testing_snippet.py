"""The README's "Testing your code" snippet, run as a user would: plain pytest, a new folder."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_testing_snippet_passes_under_plain_pytest(tmp_path: Path) -> None:
    section = README.read_text().split("## Testing your code", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.S)
    assert snippet is not None
    code = snippet.group(1)
    plugin = re.search(r"#\s+(pytest_plugins = .*)", code)
    assert plugin is not None
    (tmp_path / "conftest.py").write_text(plugin.group(1) + "\n")
    (tmp_path / "test_reports.py").write_text(code)
    run = subprocess.run(  # noqa: S603 - this interpreter's pytest, on the README's code
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
