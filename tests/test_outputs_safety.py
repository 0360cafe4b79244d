"""What speedmeet writes is safe to open, never half-written, private and reproducible.

Hostile names stay plain text in every output; an interruption or a full disk while writing keeps
the previous files; no command opens a network connection; PDFs carry no e-mail addresses; the
same input, settings and seed give the same plan.json, and ids do not depend on row order.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import random
import socket
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer
from fpdf import FPDF
from openpyxl.workbook.workbook import Workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.changes import SeatChange
from speedmeet.cli.replan import replan_command
from speedmeet.exports.reprint import changes_csv
from speedmeet.planfile import read_plan
from speedmeet.readers import read_registrations
from speedmeet.validate import validate
from tests.conftest import write_registrations

README = Path(__file__).parents[1] / "README.md"
HOSTILE = [
    '=HYPERLINK("http://x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "<script>alert(1)</script>",
]
OUTPUTS = ("plan.json", "plan.xlsx")


def event(path: Path, size: int = 12) -> Path:
    return write_registrations(path, [(f"Person {i}", f"Organisation {i}") for i in range(size)])


def plan_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def leftovers(folder: Path) -> list[Path]:
    """Temporary files an interrupted write could leave behind."""
    return sorted(folder.rglob("*.part"))


def pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def without_spaces(text: str) -> str:
    return "".join(text.split())


# Formula and markup injection


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A planned event (with every PDF) in which five people have names that look like code."""
    folder = tmp_path_factory.mktemp("hostile")
    people = [(name, f"Organisation {i}") for i, name in enumerate(HOSTILE)]
    people += [(f"Person {i}", f"Organisation {i}") for i in range(5, 12)]
    source = write_registrations(folder / "hostile.csv", people)
    result = CliRunner().invoke(
        cli.app, ["plan", str(source), "--table-size", "3", "--rounds", "2", "--time-limit", "2"]
    )
    assert result.exit_code == 0, result.output
    report = CliRunner().invoke(cli.app, ["report", str(folder / "hostile-plan")])
    assert report.exit_code == 0, report.output
    return folder / "hostile-plan"


@pytest.mark.parametrize("workbook_name", ["plan.xlsx", "meetings.xlsx"])
def test_hostile_names_are_text_cells_in_the_workbooks(
    hostile_plan: Path, workbook_name: str
) -> None:
    workbook = openpyxl.load_workbook(hostile_plan / workbook_name)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    for name in HOSTILE:
        matches = [cell for cell in cells if cell.value == name]
        assert matches, name
        assert all(cell.data_type == "s" for cell in matches), name
    if workbook_name == "plan.xlsx":  # every round sheet and the list by participant
        for sheet in workbook.worksheets[1:]:
            values = {cell.value for row in sheet.iter_rows() for cell in row}
            assert set(HOSTILE) <= values, sheet.title
    with zipfile.ZipFile(hostile_plan / workbook_name) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(part), part  # no formula anywhere


def test_hostile_names_are_verbatim_in_plan_json(hostile_plan: Path) -> None:
    raw = json.loads((hostile_plan / "plan.json").read_text(encoding="utf-8"))
    names = {person["name"] for person in raw["participants"]}
    assert set(HOSTILE) <= names
    assert validate(read_plan(hostile_plan)).ok


@pytest.mark.parametrize(
    "pdf", ["round-sheets.pdf", "table-cards.pdf", "itineraries.pdf", "badges.pdf"]
)
def test_hostile_names_are_printed_as_text_without_emails(hostile_plan: Path, pdf: str) -> None:
    text = pdf_text(hostile_plan / pdf)
    compact = without_spaces(text)
    for name in HOSTILE:
        assert without_spaces(name) in compact, (pdf, name)
    # Privacy: badges, sheets, cards and itineraries show names, organisations and tables only.
    assert "example.org" not in text
    assert "person0" not in text


def replan_app() -> typer.Typer:
    """`speedmeet replan` as the command line runs it, whether or not cli.py registers it yet."""
    registered = {command.name for command in cli.app.registered_commands}
    if "replan" in registered:
        return cli.app
    app = typer.Typer()
    app.command("replan")(replan_command)
    app.command("version")(lambda: None)  # a second command keeps "replan" a subcommand
    return app


def test_walk_ins_with_formula_names_are_neutralised_in_changes_csv(tmp_path: Path) -> None:
    source = event(tmp_path / "event.csv")
    planned = CliRunner().invoke(
        cli.app, ["plan", str(source), "--table-size", "3", "--rounds", "3", "--no-print"]
    )
    assert planned.exit_code == 0, planned.output
    folder = tmp_path / "event-plan"
    walk_ins = [arg for name in HOSTILE for arg in ("--add", f"{name}; Walk-in {name[:1]}")]
    result = CliRunner().invoke(
        replan_app(),
        ["replan", str(folder), "--from-round", "2", *walk_ins, "--no-pdf", "--time-limit", "2"],
    )
    assert result.exit_code == 0, result.output
    assert validate(read_plan(folder)).ok
    raw = json.loads((folder / "plan.json").read_text(encoding="utf-8"))
    assert set(HOSTILE) <= {person["name"] for person in raw["participants"]}
    text = (folder / "changes.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {row["name"] for row in rows}
    for name in HOSTILE:
        assert (f"'{name}" if name[0] in "=+-@" else name) in names, name
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row.values() if cell)


def test_changes_csv_neutralises_formulas() -> None:
    changes = [
        SeatChange(f"P{i}", name, name, 2, "1", "2") for i, name in enumerate(HOSTILE, start=1)
    ]
    rows = list(csv.reader(io.StringIO(changes_csv(changes))))
    names = [row[4] for row in rows[1:]]
    organisations = [row[5] for row in rows[1:]]
    # OWASP CSV injection: a cell that starts with = + - @ gets a leading apostrophe.
    expected = [f"'{name}" if name[0] in "=+-@" else name for name in HOSTILE]
    assert names == expected
    assert organisations == expected


# Never lose work


def plan_twice(tmp_path: Path, *, print_kit: bool) -> tuple[list[str], dict[str, bytes]]:
    """Plan once and return the command for a second, different plan and the first's files."""
    source = event(tmp_path / "event.csv")
    args = ["plan", str(source), "--table-size", "3", "--rounds", "2", "--time-limit", "2"]
    if not print_kit:
        args.append("--no-print")
    first = CliRunner().invoke(cli.app, args)
    assert first.exit_code == 0, first.output
    return [*args, "--title", "Second plan"], plan_files(tmp_path / "event-plan")


def test_ctrl_c_while_writing_the_workbook_keeps_the_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second, before = plan_twice(tmp_path, print_kit=False)

    finished = Workbook.save

    def save_half(workbook: Workbook, filename: str) -> None:
        finished(workbook, io.BytesIO())  # let openpyxl close its streams, then write half
        Path(filename).write_bytes(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(Workbook, "save", save_half)
    result = CliRunner().invoke(cli.app, second)

    assert result.exit_code == 130, result.output
    assert "Interrupted: nothing was written." in result.stderr
    assert plan_files(tmp_path / "event-plan") == before
    assert leftovers(tmp_path) == []


def test_ctrl_c_between_two_pdfs_keeps_every_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    second, before = plan_twice(tmp_path, print_kit=True)
    assert {"plan.json", "plan.xlsx", "round-sheets.pdf", "badges.pdf"} <= set(before)
    finished = FPDF.output
    calls: list[int] = []

    def interrupted_output(document: FPDF, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:  # the round sheets are done, the table cards are not
            raise KeyboardInterrupt
        return finished(document, *args, **kwargs)

    monkeypatch.setattr(FPDF, "output", interrupted_output)
    result = CliRunner().invoke(cli.app, second)

    assert result.exit_code == 130, result.output
    assert len(calls) == 2
    assert plan_files(tmp_path / "event-plan") == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("failing", "code", "message"),
    [
        ("fsync", errno.ENOSPC, "the disk is full"),  # while the bytes go to disk
        ("replace", errno.ENOSPC, "the disk is full"),  # while the files move into place
        ("replace", errno.EROFS, "the folder is read-only or not yours"),
    ],
)
def test_full_disk_or_read_only_folder_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str, code: int, message: str
) -> None:
    second, before = plan_twice(tmp_path, print_kit=False)
    monkeypatch.chdir(tmp_path)
    second[1] = "event.csv"  # as typed in the folder, so the message names files the same way

    def refuse(*args: Any) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, failing, refuse)
    result = CliRunner().invoke(cli.app, second)

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    error = f"Error: cannot write event-plan/plan.json: {message}"
    assert [line for line in result.stderr.splitlines() if line.strip()] == [error]
    assert plan_files(tmp_path / "event-plan") == before
    assert leftovers(tmp_path) == []
    readme_message = error.replace("event-plan", "participants-plan")
    assert readme_message in README.read_text(encoding="utf-8")


def test_read_only_output_folder_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, where chmod stops nothing: ask os.access what an ordinary user would get.
    second, before = plan_twice(tmp_path, print_kit=False)
    monkeypatch.chdir(tmp_path)
    second[1] = "event.csv"
    real_access = os.access

    def read_only(path: Any, mode: int, **kwargs: Any) -> bool:
        if Path(path).resolve() == (tmp_path / "event-plan").resolve() and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(os, "access", read_only)
    result = CliRunner().invoke(cli.app, second)

    assert result.exit_code == 1, result.output
    error = "Error: cannot write to event-plan: event-plan is read-only"
    assert [line for line in result.stderr.splitlines() if line.strip()] == [error]
    assert "Solving" not in result.output
    assert plan_files(tmp_path / "event-plan") == before
    readme_message = error.replace("event-plan", "participants-plan")
    assert readme_message in README.read_text(encoding="utf-8")


# Privacy


def test_no_command_opens_a_network_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("speedmeet tried to open a network connection")

    # Every way out refused, the socket class itself left whole: modules that subclass it
    # (ssl) may still be imported while a command runs.
    for method in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, method, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    source = event(tmp_path / "event.csv", size=9)
    folder = tmp_path / "event-plan"
    commands = [
        ["plan", str(source), "--table-size", "3", "--rounds", "2", "--no-print"],
        ["check", str(folder)],
        ["print", str(folder), "--what", "sheets,badges"],
        ["report", str(folder)],
    ]
    for command in commands:
        result = CliRunner().invoke(cli.app, command)
        assert result.exit_code == 0, (command, result.output)
        assert not isinstance(result.exception, AssertionError), command
    replanned = CliRunner().invoke(
        replan_app(),
        ["replan", str(folder), "--from-round", "2", "--drop", "Person 1", "--time-limit", "2"],
    )
    assert replanned.exit_code == 0, replanned.output
    assert (folder / "round-sheets.pdf").exists()
    assert validate(read_plan(folder)).ok


# Determinism


def test_same_input_settings_and_seed_give_identical_plan_json(tmp_path: Path) -> None:
    # 36 people from 14 organisations at tables of 6 over 5 rounds cannot be perfect, so the
    # search runs until its time limit: the plan must still not depend on the clock.
    source = write_registrations(
        tmp_path / "event.csv", [(f"Person {i}", f"Organisation {i % 14}") for i in range(36)]
    )
    contents = []
    for attempt in range(2):
        folder = tmp_path / f"run{attempt}"
        args = ["plan", str(source), "--table-size", "6", "--rounds", "5", "--seed", "3"]
        result = CliRunner().invoke(
            cli.app, [*args, "--time-limit", "2", "--no-print", "--out", str(folder)]
        )
        assert result.exit_code == 0, result.output
        contents.append((folder / "plan.json").read_bytes())
    assert contents[0] == contents[1]


def test_ids_do_not_depend_on_row_order(tmp_path: Path) -> None:
    people = [(f"Person {i}", f"Organisation {i % 5}") for i in range(30)]
    people.append(("Person 3", "Organisation 4"))  # same name, other organisation
    shuffled = people[:]
    random.Random(7).shuffle(shuffled)
    ids = []
    for name, order in (("sorted.csv", people), ("shuffled.csv", shuffled)):
        rows = [(person, organisation) for person, organisation in order]
        with (tmp_path / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Name", "Organisation"])
            writer.writerows(rows)
        registrations = read_registrations(tmp_path / name)
        ids.append({(p.name, p.organisation): p.id for p in registrations.participants})
    assert len(ids[0]) == len(people)
    assert ids[0] == ids[1]


def test_text_that_looks_like_terminal_markup_is_printed_as_typed(tmp_path: Path) -> None:
    # rich reads "[/]" or "[/yellow]" as markup: from a cell, a header or a folder name it must
    # print as typed, never stop the command.
    folder = tmp_path / "event[" / "b]"  # the path reads ".../event[/b]/..."
    folder.mkdir(parents=True)
    source = folder / "event.csv"
    rows = [["Name", "[/] Org"], ["[/yellow] Ana", ""], ["[/] Bo", "X"], ["[/] Bo", "X"]]
    rows += [[f"Person {i}", f"Organisation {i}"] for i in range(7)]
    with source.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    out = folder / "plan"

    planned = CliRunner().invoke(
        cli.app,
        ["plan", str(source), "--column", "organisation=[/] Org", "--out", str(out)],
    )

    assert planned.exit_code == 0, (planned.output, planned.exception)
    assert "[/] Org" in planned.stdout
    assert "[/yellow] Ana" in planned.stdout
    assert str(out) in planned.stdout
    for command in (
        ["check", str(out)],
        ["print", str(out), "--what", "sheets"],
        ["report", str(out)],
    ):
        result = CliRunner().invoke(cli.app, command)
        assert result.exit_code == 0, (command, result.output, result.exception)
        assert str(out) in result.stdout, command


def test_replan_and_history_print_markup_like_text_as_typed(tmp_path: Path) -> None:
    folder = tmp_path / "event[" / "b]"  # the path reads ".../event[/b]/..."
    folder.mkdir(parents=True)
    source = event(folder / "event.csv", size=9)
    out = folder / "plan"
    planned = CliRunner().invoke(
        cli.app, ["plan", str(source), "--table-size", "3", "--no-print", "--out", str(out)]
    )
    assert planned.exit_code == 0, planned.output
    late = folder / "late.csv"
    late.write_text("Name,Organisation\n[/yellow] Zed,\nAnn,Walk-in\n", encoding="utf-8")
    commands = [
        ["replan", str(out), "--from-round", "2", "--add", str(late), "--no-pdf"],
        ["history", str(out)],
    ]
    for command in commands:
        result = CliRunner().invoke(cli.app, [*command])
        assert result.exit_code == 0, (command, result.output, result.exception)
        assert str(out) in result.stdout, command


def test_changes_csv_neutralises_table_names() -> None:
    changes = [SeatChange("P1", "Ana", "EPER", 2, HOSTILE[0], HOSTILE[2])]
    rows = list(csv.reader(io.StringIO(changes_csv(changes))))
    assert rows[1][1:3] == [f"'{HOSTILE[0]}", f"'{HOSTILE[2]}"]
