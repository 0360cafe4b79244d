"""Nothing lost, nothing leaked: Ctrl-C keeps the best plan, no network, clear output errors."""

from __future__ import annotations

import csv
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.planfile import read_plan
from speedmeet.validate import validate


def write_csv(path: Path, organisations: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation"])
        for i, organisation in enumerate(organisations):
            writer.writerow([f"Person {i + 1}", organisation])
    return path


def test_plan_works_with_the_network_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("speedmeet tried to open a network connection")

    # Every way out refused, the socket class itself left whole: modules that subclass it
    # (ssl) may still be imported while a command runs.
    for method in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, method, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    source = write_csv(tmp_path / "event.csv", [f"Organisation {i % 9}" for i in range(27)])
    result = CliRunner().invoke(cli.app, ["plan", str(source), "--table-size", "3"])
    assert result.exit_code == 0, result.output
    assert validate(read_plan(tmp_path / "event-plan")).ok


def test_output_folder_that_is_a_file_is_one_clear_error(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "event.csv", [f"Organisation {i}" for i in range(12)])
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(
        cli.app, ["plan", str(source), "--out", str(blocker / "out"), "--no-print"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_during_the_solve_writes_the_best_plan_so_far(tmp_path: Path) -> None:
    # 36 people from 14 organisations at 6 tables of 6 over 5 rounds cannot be perfect (no two
    # orthogonal Latin squares of order 6), so the solver searches until stopped.
    organisations = [f"Organisation {i % 14}" for i in range(36)]
    source = write_csv(tmp_path / "event.csv", organisations)
    command = [
        sys.executable,
        "-m",
        "speedmeet",
        "plan",
        str(source),
        "--table-size",
        "6",
        "--rounds",
        "5",
        "--time-limit",
        "60",
        "--no-print",
    ]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    # Ctrl-C once the solve has started, whatever the machine's speed: the command says so
    # when its output is not a terminal.
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("Solving"):
            break
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=300)  # a bound against a hang, not a timing
    stdout = "".join(seen) + stdout
    assert process.returncode == 0, stderr
    assert "Interrupted" in stdout
    assert "Traceback" not in stderr
    plan = read_plan(tmp_path / "event-plan")
    report = validate(plan)
    assert report.ok, report.violations
