"""No traceback, ever, and nothing left behind: every command over hostile arguments and files,
Ctrl-C, SIGTERM and SIGHUP at any moment, and the temporaries of a killed run.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from speedmeet import cli, exports, interrupts
from speedmeet.cli import plan as plan_command
from speedmeet.exports.online import rooms_csv
from speedmeet.interrupts import Terminated
from speedmeet.model import Participant
from speedmeet.planfile import read_plan
from speedmeet.validate import validate
from tests.conftest import write_registrations
from tests.test_readers_errors import ole_file, zip_declaring

REPO = Path(__file__).resolve().parents[1]


def leftovers(folder: Path) -> list[str]:
    """Temporaries anywhere under `folder`."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(".*.part"))


def registrations(folder: Path, count: int = 8) -> Path:
    people = [(f"Person {i}", f"Organisation {i % 4}") for i in range(count)]
    return write_registrations(folder / "good.csv", people)


def plan_folder(folder: Path) -> Path:
    registrations(folder)
    result = CliRunner().invoke(
        cli.app,
        [
            *("plan", str(folder / "good.csv"), "--table-size", "3", "--rounds", "2"),
            *("--time-limit", "1", "--no-print", "--out", str(folder / "plan")),
        ],
    )
    assert result.exit_code == 0, result.output
    assert validate(read_plan(folder / "plan")).ok
    return folder / "plan"


# Every command over hostile arguments and files


def hostile_files(folder: Path) -> list[str]:
    """Paths a user may give by mistake or malice, made in `folder` (the current folder)."""
    plan_folder(folder)
    depth = 50_000
    (folder / "deep.json").write_text(
        '{"format":"speedmeet-plan","version":1,"settings":' + "[" * depth + "]" * depth + "}"
    )
    (folder / "list.json").write_text("[]")
    (folder / "null.json").write_text("null")
    (folder / "binary.csv").write_bytes(bytes(range(256)) * 12)
    (folder / "empty.csv").write_bytes(b"")
    (folder / "bom.json").write_bytes(b"\xef\xbb\xbf" + (folder / "plan/plan.json").read_bytes())
    os.mkfifo(folder / "fifo")
    lines = ["Name,Organisation,Email", *(f"P {i},O {i % 3},p{i}@x.org" for i in range(9))]
    lines[4] = '"' + lines[4]
    (folder / "quote.csv").write_text("\n".join(lines), encoding="utf-8")
    zip_declaring(folder / "bomb.xlsx", 3 * 1024**3)
    ole_file(folder / "old.xls", "Workbook")
    (folder / "utf16.csv").write_bytes("\n".join(lines).replace('"', "").encode("utf-16-le"))
    (folder / "html.xlsx").write_text("<html><table><tr><td>Name</td></tr></table></html>")
    return [
        "quote.csv", "bomb.xlsx", "old.xls", "utf16.csv", "html.xlsx",
        ".", "", "/", "missing", "plan", "plan/", "fifo", "/dev/null", "/dev/zero",
        "binary.csv", "empty.csv", "deep.json", "list.json", "null.json", "bom.json",
        "good.csv", "a" * 300, "x/" * 3000, "-", "\udcff.csv",
    ]  # fmt: skip


COMMANDS: list[Callable[[str], list[str]]] = [
    lambda path: ["plan", path, "--time-limit", "0.5", "--no-print", "--out", "out"],
    lambda path: ["check", path],
    lambda path: ["print", path, "--what", "cards"],
    lambda path: ["report", path],
    lambda path: ["replan", path, "--from-round", "2", "--drop", "Person 1", "--no-pdf"],
    lambda path: ["history", path],
]

PLAN = ["plan", "good.csv", "--time-limit", "0.5", "--no-print", "--table-size", "3"]
PLAN += ["--rounds", "2", "--out", "out"]
PLAN_OPTIONS = [
    ["--seed", "-5"], ["--seed", "99999999999999999999"], ["--rounds", "0"],
    ["--rounds", "1"], ["--table-size", "1"], ["--table-size", "100000"], ["--tables", "1"],
    ["--time-limit", "nan"], ["--start", ""], ["--start", "25:99"], ["--start", "14h"],
    ["--round-minutes", "0"], ["--break-minutes", "-1"], ["--title", "\x1b[31mRed"],
    ["--topic", "\x07"], ["--topic", ""], ["--column", "="], ["--column", "name="],
    ["--column", "name=Nope"], ["--sheet", ""], ["--encoding", ""], ["--encoding", "rot13"],
    ["--encoding", "utf-16"], ["--encoding", "utf-32-le"], ["--out", ""], ["--out", "/dev/null"],
    ["--out", "good.csv"], ["--out", "/proc/speedmeet"], ["--mix", ""], ["--mix", "nope"],
    ["--history", "missing"], ["--history", "good.csv"], ["--history", "deep.json"],
    ["--history", "fifo"], ["--history", "/dev/zero"], ["--preference-weight", "nan"],
    ["--hidden-rows", "maybe"], ["--interests", "mix"],
]  # fmt: skip
REPLAN = ["replan", "plan", "--no-pdf", "--time-limit", "0.5"]
REPLAN_OPTIONS = [
    ["--from-round", "0"], ["--from-round", "-1"], ["--from-round", "99"],
    ["--from-round", "2", "--drop", ""], ["--from-round", "2", "--drop", "nobody"],
    ["--from-round", "2", "--add", ""], ["--from-round", "2", "--add", ";"],
    ["--from-round", "2", "--add", "missing.csv"], ["--from-round", "2", "--add", "binary.csv"],
    ["--from-round", "2", "--add", "fifo.csv"], ["--from-round", "2", "--seed", "-1"],
    ["--from-round", "2", "--time-limit", "nan"],
]  # fmt: skip
PRINT_OPTIONS = [
    ["--what", ""],
    ["--what", "everything"],
    ["--skip", "-1"],
    ["--skip", "1000000000"],
]


def test_no_command_prints_a_traceback_for_hostile_arguments_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    paths = hostile_files(tmp_path)
    runs = [command(path) for command in COMMANDS for path in paths]
    runs += [PLAN + options for options in PLAN_OPTIONS]
    runs += [REPLAN + options for options in REPLAN_OPTIONS]
    runs += [["print", "plan", "--what", "cards", *options] for options in PRINT_OPTIONS]
    failures: list[str] = []
    for args in runs:
        result = CliRunner().invoke(cli.app, args)
        clean = result.exception is None or isinstance(result.exception, SystemExit)
        if not clean or "Traceback" in result.output or result.exit_code not in (0, 1, 2):
            failures.append(f"{args[:4]}: exit {result.exit_code}, {result.exception!r}")
        elif result.exit_code == 1:
            errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
            if len(errors) != 1:
                failures.append(f"{args[:4]}: {result.stderr!r}")
    assert failures == []
    assert leftovers(tmp_path) == []


# Ctrl-C, SIGTERM, SIGHUP


@pytest.mark.parametrize(
    ("signum", "code", "line"),
    [
        (signal.SIGTERM, 143, "Stopped by SIGTERM: nothing was written."),
        (signal.SIGHUP, 129, "Stopped by SIGHUP: nothing was written."),
    ],
)
def test_sigterm_or_sighup_while_writing_leaves_no_temporary_and_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, code: int, line: str
) -> None:
    """The signal handler raises Terminated wherever the program is: here, with plan.json
    written to its temporary and the workbook being written."""
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)

    def killed(*args: Any) -> Path:
        # plan.json waits in its temporary, named with this run's process id
        names = [Path(path).name for path in leftovers(tmp_path)]
        assert len(names) == 1 and names[0].startswith(f".plan.json.{os.getpid()}.")
        raise Terminated(signum)

    monkeypatch.setattr(exports, "write_plan_xlsx", killed)
    result = CliRunner().invoke(cli.app, ["plan", "good.csv", "--table-size", "3", "--no-print"])

    assert result.exit_code == code, result.output
    assert [text for text in result.stderr.splitlines() if text.strip()] == [line]
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "good-plan").exists()  # the run created it, the run removed it


def test_a_stop_after_the_outputs_are_written_keeps_them_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_command, "show_quality", interrupted)
    result = CliRunner().invoke(cli.app, ["plan", "good.csv", "--table-size", "3", "--no-print"])

    assert result.exit_code == 0, result.output
    assert "Interrupted: the outputs were already written in good-plan." in result.stderr
    assert validate(read_plan(tmp_path / "good-plan")).ok


def test_the_signal_handler_stops_as_each_moment_needs() -> None:
    with pytest.raises(SystemExit) as loading:  # modules loading, arguments parsed
        interrupts._on_signal(signal.SIGINT, None)
    assert loading.value.code == 130
    with interrupts.command_running(), pytest.raises(KeyboardInterrupt):
        interrupts._on_signal(signal.SIGINT, None)  # the command keeps or undoes its work
    with pytest.raises(Terminated) as terminated:
        interrupts._on_signal(signal.SIGTERM, None)
    assert terminated.value.exit_code == 143


def run_speedmeet(code: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_while_the_modules_load_exits_130_quietly(tmp_path: Path) -> None:
    # The Ctrl-C arrives once the handlers are in place and before the command line is
    # imported: the moment that printed a KeyboardInterrupt traceback.
    code = (
        "import os, signal\n"
        "from speedmeet import entry\n"
        "load = entry._command_line\n"
        "def first_ctrl_c():\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    load()\n"
        "entry._command_line = first_ctrl_c\n"
        "import sys; sys.argv = ['speedmeet', 'check', 'plan.json']\n"
        "entry.main()\n"
    )
    process = run_speedmeet(code, tmp_path)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129), ("SIGINT", 130)])
def test_a_real_signal_while_writing_leaves_nothing_behind(
    tmp_path: Path, name: str, code: int
) -> None:
    """A real process gets the signal from the system while plan.json waits in its temporary
    and the workbook is being written (the moment that left `.plan.json.XXXX.part` behind)."""
    registrations(tmp_path)
    # Midway through the workbook's rows: openpyxl's half-written sheets then complain with a
    # traceback while Python exits, unless the stop silences them.
    script = (
        "import os, signal, sys, time\n"
        "from speedmeet.exports import xlsx\n"
        "cell, calls = xlsx._cell, []\n"
        "def counted(*args, **kwargs):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 40:\n"
        f"        os.kill(os.getpid(), signal.{name})\n"
        "        time.sleep(60)  # the signal ends this wait\n"
        "    return cell(*args, **kwargs)\n"
        "xlsx._cell = counted\n"
        "sys.argv = ['speedmeet', 'plan', 'good.csv', '--table-size', '3', '--no-print']\n"
        "from speedmeet.entry import main\n"
        "main()\n"
    )
    process = run_speedmeet(script, tmp_path)
    _, err = process.communicate(timeout=120)
    assert process.returncode == code, err
    stopped = "Interrupted" if name == "SIGINT" else f"Stopped by {name}"
    assert [line for line in err.splitlines() if line.strip()] == [
        f"{stopped}: nothing was written."
    ]
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "good-plan").exists()


# Temporaries of a killed run, folders of a failed one


def finished_process_id() -> int:
    """The id of a process that has ended (as a run killed with SIGKILL has)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_next_run_sweeps_a_killed_runs_temporaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "good-plan"
    folder.mkdir()
    dead = finished_process_id()
    stale = [f".plan.json.{dead}.k3j9x0ab.part", ".plan.xlsx.q8w7e6r5.part"]  # the second: older
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"]) as alive:
        live = f".plan.json.{alive.pid}.zz11yy22.part"  # another run writing here right now
        for name in [*stale, live]:
            (folder / name).write_text('{"participants": [{"name": "Ana", "email": "a@x.org"}]}')
        (folder / "notes.part").write_text("the organiser's own file")
        (folder / ".notes.12345678.part").write_text("another of their files")
        try:
            result = CliRunner().invoke(
                cli.app, ["plan", "good.csv", "--table-size", "3", "--no-print"]
            )
        finally:
            alive.kill()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == [
        ".notes.12345678.part",
        live,
    ]
    assert (folder / "notes.part").exists()
    assert validate(read_plan(folder)).ok


def test_a_first_run_that_fails_removes_the_folder_it_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    out = ["plan", "good.csv", "--table-size", "3", "--no-print", "--out", "events/2026/plan"]
    result = CliRunner().invoke(cli.app, out)

    assert result.exit_code == 1, result.output
    assert "Error: cannot write events/2026/plan/plan.json: the disk is full" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "good.csv"]  # no events/, no events/2026/


def test_a_failed_run_keeps_a_folder_that_was_already_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "good-plan").mkdir()

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(cli.app, ["plan", "good.csv", "--table-size", "3", "--no-print"])
    assert result.exit_code == 1, result.output
    assert (tmp_path / "good-plan").is_dir() and leftovers(tmp_path) == []


# Smaller promises


def test_check_accepts_a_plan_saved_with_a_byte_order_mark_and_names_plan_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = plan_folder(tmp_path)
    plan_json = folder / "plan.json"
    plan_json.write_bytes(b"\xef\xbb\xbf" + plan_json.read_bytes())  # as Notepad saves it
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(cli.app, ["check", "plan"])

    assert result.exit_code == 0, result.output
    assert "plan/plan.json: the plan follows every rule." in result.stdout


def test_start_without_a_round_length_is_checked_and_said_to_show_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli.app, ["plan", "good.csv", "--table-size", "3", "--no-print", "--start", "14:00"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "Warning: the round sheets show times only with both --start and --round-minutes; "
        "--start alone is not shown"
    ) in " ".join(result.stdout.split())
    assert validate(read_plan(tmp_path / "good-plan")).ok


def test_breakout_csv_keeps_email_addresses_that_start_with_plus_or_minus() -> None:
    from tests.conftest import affine_plane_3, plan_from_schedule

    emails = ["+events@example.org", "-j.doe@example.org", '=HYPERLINK("x")@evil.org']
    emails += [f"p{i}@example.org" for i in range(6)]
    people = [
        Participant(id=f"P{i + 1}", name=f"Person {i}", organisation=f"Org {i}", email=email)
        for i, email in enumerate(emails)
    ]
    plan = plan_from_schedule(people, affine_plane_3(), table_size=3)
    rows = list(csv.reader(io.StringIO(rooms_csv(plan, 1))))
    written = {email for _, email in rows[1:]}
    assert written == {
        "+events@example.org",  # as typed: a leading quote would break the import
        "-j.doe@example.org",
        '\'=HYPERLINK("x")@evil.org',  # a formula is still disarmed
        *(f"p{i}@example.org" for i in range(6)),
    }


def test_a_plan_json_that_is_a_pipe_or_device_is_refused_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "plan.json")
    result = CliRunner().invoke(cli.app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: {tmp_path}/plan.json: this is not a regular file; give the plan.json file"
    )


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), Terminated(signal.SIGTERM)])
def test_a_stop_while_the_sheet_is_read_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: BaseException
) -> None:
    registrations(tmp_path)
    monkeypatch.chdir(tmp_path)

    def reading(*args: Any, **kwargs: Any) -> None:
        raise stop

    monkeypatch.setattr("speedmeet.readers.read_registrations", reading)  # imported lazily
    result = CliRunner().invoke(cli.app, ["plan", "good.csv"])

    expected = (
        (130, "Interrupted") if isinstance(stop, KeyboardInterrupt) else (143, "Stopped by SIGTERM")
    )
    assert result.exit_code == expected[0], result.output
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"{expected[1]}: nothing was written."
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.csv"]


def test_a_signal_ignored_by_the_user_stays_ignored() -> None:
    """`nohup speedmeet plan ...` ignores SIGHUP: installing the handlers must not undo it."""
    code = (
        "import signal\n"
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
        "from speedmeet import interrupts\n"
        "interrupts.install()\n"
        "assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN\n"
        "assert signal.getsignal(signal.SIGTERM) is interrupts._on_signal\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
