"""``import convert_async`` loads the core and the client, not the thousands of generated
classes, the bulk export or the tracking client until they are used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "convert_async.v2.models",
    "convert_async.v2.requests",
    "convert_async.v2.bulk",
    "convert_async.v2.resources.goals",
    "convert_async.serving",
)


def _loaded_after(code: str) -> set[str]:
    script = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    run = subprocess.run(  # noqa: S603 - this interpreter, on the code above
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(run.stdout.split())


def test_importing_the_package_loads_no_generated_classes() -> None:
    loaded = _loaded_after("import convert_async; from convert_async import ConvertClient")
    assert not loaded & set(HEAVY)


def test_each_piece_loads_when_first_used() -> None:
    loaded = _loaded_after(
        "from convert_async import ConvertClient, SecretKeyAuth, TrackingClient\n"
        "from convert_async.v2 import export_reports\n"
        "client = ConvertClient(SecretKeyAuth('id', 'secret'))\n"
        "client.goals\n"
        "from convert_async.v2.resources import goals\n"
        "goals.models.Goal, goals.requests.GetGoalsRequestData"
    )
    assert set(HEAVY) <= loaded
