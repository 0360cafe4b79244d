"""Fast to start: `speedmeet --help` and `speedmeet check` load only what they use (issue 13).

How long start-up takes is measured in benchmarks/run.py; here, which modules a command loads,
in a fresh interpreter as a user runs it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from speedmeet import cli
from tests.conftest import write_registrations

HEAVY = ("numpy", "openpyxl", "ortools", "fpdf", "segno", "uharfbuzz", "pydantic")

PROBE = """
import json, runpy, sys
sys.argv = ["speedmeet", *sys.argv[1:]]
try:
    runpy.run_module("speedmeet", run_name="__main__")
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "loaded": sorted(m for m in sys.modules if "." not in m)}))
"""


def loaded_by(*arguments: str) -> tuple[object, set[str]]:
    """Exit code and top-level modules loaded by `speedmeet ARGUMENTS` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent.parent,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["code"], set(report["loaded"])


def test_help_loads_no_heavy_module() -> None:
    code, loaded = loaded_by("--help")
    assert code == 0
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_check_loads_only_the_plan_model(tmp_path: Path) -> None:
    source = write_registrations(
        tmp_path / "event.csv", [(f"Person {i}", f"Organisation {i % 5}") for i in range(12)]
    )
    folder = tmp_path / "plan"
    planned = CliRunner().invoke(
        cli.app, ["plan", str(source), "--table-size", "3", "--no-print", "--out", str(folder)]
    )
    assert planned.exit_code == 0, planned.output
    code, loaded = loaded_by("check", str(folder))
    assert code in (0, None)
    assert "pydantic" in loaded  # plan.json is read by its model
    assert loaded.isdisjoint(set(HEAVY) - {"pydantic"}), sorted(loaded & set(HEAVY))
