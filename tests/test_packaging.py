"""The wheel a release would upload: built from this tree, installed into a clean virtualenv with
only its declared dependencies, it runs the demo."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_demo_runs_from_the_built_wheel_in_a_clean_venv(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 - this interpreter's build frontend, on this tree
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = (tmp_path / "dist").glob("convert_async-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "convert_async/py.typed" in names
    assert any(name.endswith("licenses/LICENSE") for name in names)
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    # PyPI shows the long description without the repository: no relative link may be dead.
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    description = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Content-Type: text/markdown" in description
    assert "`docs/tracking.md`" in description
    assert re.findall(r"\]\((?!https?://|#)[^)]*\)", description) == []

    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    subprocess.run(  # noqa: S603 - the new venv's pip, on the wheel just built
        [str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    demo = subprocess.run(  # noqa: S603 - the command the wheel installed
        [str(bin_dir / "convert-async"), "demo"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    assert "aggregated reports exported" in demo.stdout
