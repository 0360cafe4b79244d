"""The catalogue of bad inputs, run through the real `speedmeet` command as an organiser types it.

Each case must end with exit code 1, exactly one line `Error: ...` (after any violations that
`check` lists), no traceback, and nothing written or changed: the input's bytes stay the same and
no output folder appears. The README's "Troubleshooting" section lists every message below; a test
keeps the two in step. Commands run from the case's folder so that messages name files as typed.
"""

from __future__ import annotations

import csv
import errno
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.planfile import read_plan, write_plan
from tests.conftest import affine_plane_3, make_participants, plan_from_schedule
from tests.test_readers_errors import ole_file, zip_declaring
from tests.test_readers_formats import locked_ods, locked_xls, truncated, zipped

README = Path(__file__).parents[1] / "README.md"


def write_bytes(name: str, content: bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_bytes(content)

    return make


def workbook(rows: Sequence[Sequence[object]]) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(folder / "participants.xlsx")

    return make


GOOD_ROWS = [["Name", "Organisation"]] + [
    [f"Person {i}", f"Organisation {i % 4}"] for i in range(8)
]


def registrations_csv(people: int, name: str = "participants.csv") -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Name", "Organisation"])
            writer.writerows([f"Person {i}", f"Organisation {i % 900}"] for i in range(people))

    return make


def truncated_workbook(folder: Path) -> None:
    workbook(GOOD_ROWS)(folder)
    path = folder / "participants.xlsx"
    path.write_bytes(path.read_bytes()[:1500])


def password_protected(folder: Path) -> None:
    ole_file(folder / "participants.xlsx", "EncryptionInfo", "EncryptedPackage")


def format_copy(name: str, content: Callable[[], bytes]) -> Callable[[Path], None]:
    """A LibreOffice .ods or .xls made broken (see tests/test_readers_formats.py)."""

    def make(folder: Path) -> None:
        (folder / name).write_bytes(content())

    return make


def zip_bomb(folder: Path) -> None:
    zip_declaring(folder / "participants.xlsx", 3 * 1024**3)


def plan_edited(change: Callable[[dict[str, object]], None] | None) -> Callable[[Path], None]:
    """plan.json of 9 people from 9 organisations (tables of 3, 4 rounds), then edited by hand."""

    def make(folder: Path) -> None:
        plan = plan_from_schedule(
            make_participants([f"Organisation {i}" for i in range(9)]),
            affine_plane_3(),
            table_size=3,
        )
        path = folder / "plan.json"
        write_plan(plan, path)
        if change is not None:
            raw = json.loads(path.read_text(encoding="utf-8"))
            change(raw)
            path.write_text(json.dumps(raw, indent=2), encoding="utf-8")

    return make


def seat_twice(raw: dict[str, object]) -> None:
    """Person 1 also takes Person 4's seat at table 2 of round 1."""
    raw["rounds"][0]["tables"][1]["participants"][0] = "P1"  # type: ignore[index]


def unknown_id(raw: dict[str, object]) -> None:
    raw["rounds"][0]["tables"][0]["participants"][0] = "P99"  # type: ignore[index]


def wrong_version(raw: dict[str, object]) -> None:
    raw["version"] = 2


def not_json(folder: Path) -> None:
    """The usual slip when editing by hand: a comma forgotten at the end of a line."""
    (folder / "plan.json").write_text(
        '{\n  "format": "speedmeet-plan",\n  "version": 1\n  "settings": {}\n}\n',
        encoding="utf-8",
    )


def file_in_the_way(folder: Path) -> None:
    registrations_csv(8)(folder)
    (folder / "participants-plan").write_text("notes", encoding="utf-8")


def deeply_nested_plan(folder: Path) -> None:
    """A plan.json whose settings are a list nested 100,000 deep: a hostile or broken file."""
    depth = 100_000
    (folder / "plan.json").write_text(
        '{"format": "speedmeet-plan", "version": 1, "settings": ' + "[" * depth + "]" * depth + "}",
        encoding="utf-8",
    )


def stray_quote_csv(folder: Path) -> None:
    """30 registrations where row 12 starts with a quotation mark that is never closed."""
    rows = ["Name,Organisation,Email"] + [
        f"Person {i},Organisation {i % 5},p{i}@example.org" for i in range(30)
    ]
    rows[11] = '"Doc Brown,Organisation 0,p10@example.org'
    (folder / "participants.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def utf16_without_mark(folder: Path) -> None:
    rows = ["Name,Organisation"] + [f"Person {i},Organisation {i}" for i in range(8)]
    (folder / "participants.csv").write_bytes("\n".join(rows).encode("utf-16-le"))


def unreadable(name: str) -> Callable[[Path, pytest.MonkeyPatch], None]:
    """The file `name` as an ordinary user without read permission sees it: os.access says no
    (as the command-line framework asks) and opening it raises PermissionError."""

    def deny(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        secret = (folder / name).resolve()
        real_access, real_open = os.access, Path.open

        def access(path: Any, mode: int, **kwargs: Any) -> bool:
            if Path(path).resolve() == secret and mode & os.R_OK:
                return False
            return real_access(path, mode, **kwargs)

        def open_(path: Path, *args: Any, **kwargs: Any) -> Any:
            if path.resolve() == secret:
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "access", access)
        monkeypatch.setattr(Path, "open", open_)

    return deny


def broken_plan_in_a_folder(folder: Path) -> None:
    (folder / "event-plan").mkdir()
    plan_edited(seat_twice)(folder / "event-plan")


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]
    args: list[str]
    message: str
    """The one `Error:` line, without its "Error: " prefix."""
    details: tuple[str, ...] = ()
    """Lines printed on stderr before the error line (the rules `check` finds broken)."""
    system: Callable[[Path, pytest.MonkeyPatch], None] | None = None
    """What the system answers differently for this case (tests run as root, where a file
    without read permission still reads: the answers an ordinary user gets are given here)."""


FIELDS = (
    "id, name, first_name, last_name, organisation, email, interests, languages, role, offers, needs, host, "
    "first_round, last_round, consent"
)

CATALOGUE: list[Case] = [
    Case(
        "file that does not exist",
        lambda folder: None,
        ["plan", "participants.xlsx"],
        "participants.xlsx: no such file",
    ),
    Case(
        "a folder instead of a file",
        lambda folder: (folder / "participants.xlsx").mkdir(),
        ["plan", "participants.xlsx"],
        "participants.xlsx: this is a folder, not a file",
    ),
    Case(
        "more topics than rounds",
        registrations_csv(8),
        [
            "plan",
            "participants.csv",
            "--rounds",
            "2",
            "--topic",
            "A",
            "--topic",
            "B",
            "--topic",
            "C",
        ],
        "3 --topic values for 2 rounds; give at most one per round",
    ),
    Case(
        "a named pipe instead of a file",
        lambda folder: os.mkfifo(folder / "participants.csv"),
        ["plan", "participants.csv"],
        "participants.csv: this is not a regular file; save the registrations as a file",
    ),
    Case(
        "empty file",
        write_bytes("participants.xlsx", b""),
        ["plan", "participants.xlsx"],
        "participants.xlsx: the file is empty",
    ),
    Case(
        "renamed PDF",
        write_bytes("participants.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        ["plan", "participants.xlsx"],
        "participants.xlsx: this is a PDF document, not a spreadsheet; export the registrations "
        "as .xlsx or .csv",
    ),
    Case(
        "random bytes",
        write_bytes("participants.xlsx", bytes(range(256)) * 16),
        ["plan", "participants.xlsx"],
        "participants.xlsx: this is not a spreadsheet: it is neither an Excel workbook nor a "
        "text (csv) file",
    ),
    Case(
        "password-protected workbook",
        password_protected,
        ["plan", "participants.xlsx"],
        "participants.xlsx: the workbook is password-protected; open it in Excel, remove the "
        "password (File > Info > Protect Workbook) and save it again",
    ),
    Case(
        "password-protected LibreOffice file",
        format_copy("participants.ods", locked_ods),
        ["plan", "participants.ods"],
        "participants.ods: the OpenDocument spreadsheet (.ods) is password-protected; open it in "
        "LibreOffice, untick 'Save with password' in File > Save As and save it again",
    ),
    Case(
        "password-protected old Excel file",
        format_copy("participants.xls", locked_xls),
        ["plan", "participants.xls"],
        "participants.xls: the Excel 97-2003 workbook (.xls) is password-protected; open it in "
        "Excel or LibreOffice, remove the password and save it again",
    ),
    Case(
        "damaged old Excel file",
        format_copy("participants.xls", lambda: truncated("xls")),
        ["plan", "participants.xls"],
        "participants.xls: the Excel 97-2003 workbook (.xls) is damaged and cannot be read (OLE "
        "directory index out of range); open it in LibreOffice or Excel and save it again",
    ),
    Case(
        "text document renamed .ods",
        write_bytes(
            "participants.ods",
            zipped(mimetype=b"application/vnd.oasis.opendocument.text", **{"content.xml": b"<x/>"}),
        ),
        ["plan", "participants.ods"],
        "participants.ods: this is an OpenDocument text, not a spreadsheet",
    ),
    Case(
        "corrupt workbook",
        truncated_workbook,
        ["plan", "participants.xlsx"],
        "participants.xlsx: the workbook is damaged and cannot be read (File is not a zip file); "
        "open it in Excel or LibreOffice and save it as .xlsx or .csv again",
    ),
    Case(
        "zip bomb disguised as a workbook",
        zip_bomb,
        ["plan", "participants.xlsx"],
        "participants.xlsx: the workbook would unpack to 3,072 MB, more than the 200 MB "
        "speedmeet accepts; refusing to open it (is it a zip bomb?)",
    ),
    Case(
        "headers but no rows",
        workbook([["Registrations"], [], ["Name", "Organisation", "Email"]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet': the header is in row 3 but there are no participant "
        "rows below it",
    ),
    Case(
        "no name column",
        workbook([["ID", "Org", "Mail"], [1, "EPER", "a@example.org"]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', row 1: no column with the participants' names; "
        "headers found: 'ID', 'Org', 'Mail'. Name it with --column name=\"<header>\" "
        "(or first_name and last_name)",
    ),
    Case(
        "every organisation empty",
        workbook([["Name", "Organisation"], ["Ana", None], ["Bo", " "]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', column 'Organisation': every organisation cell is "
        "empty; speedmeet needs organisations to keep colleagues apart (write a person's own "
        "name for someone who comes alone)",
    ),
    Case(
        "duplicate ids",
        workbook(
            [["ID", "Name", "Organisation"], [1, "Ana", "EPER"], [2, "Bo", "HUG"], [1, "Cy", "X"]]
        ),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', row 4, column 'ID': id '1' is used by rows 2 and 4; "
        "ids must be unique",
    ),
    Case(
        "10,000-character cell",
        workbook([["Name", "Organisation"], ["Ana", "EPER"], ["B" * 10_000, "HUG"]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', row 3, column 'Name': the cell holds 10,000 "
        "characters; at most 1,000 are accepted (was something pasted by mistake?)",
    ),
    Case(
        "a formula without a saved result",
        workbook([["Name", "Organisation"], ["Ana", "EPER"], ['=UPPER("bo")', "HUG"]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', row 3, column 'Name': the cell holds a formula "
        '(=UPPER("bo")) whose result was never saved, so its value is unknown (was the file '
        "written by a program?); open it in Excel or LibreOffice and save it, or paste the "
        "values instead of the formulas",
    ),
    Case(
        "100,000 rows",
        registrations_csv(100_000),
        ["plan", "participants.csv"],
        "participants.csv, row 50002: more than 50,000 participant rows; speedmeet plans events "
        "of up to 50,000 people",
    ),
    Case(
        "check: a person seated twice in a round",
        plan_edited(seat_twice),
        ["check", "plan.json"],
        "plan.json: the plan breaks 2 rule(s)",
        (
            "[seated-once] round 1: Person 1 (P1) sits at 2 tables",
            "[seated-once] round 1: Person 4 (P4) has no table",
        ),
    ),
    Case(
        "check: an unknown id",
        plan_edited(unknown_id),
        ["check", "plan.json"],
        "plan.json: the plan breaks 2 rule(s)",
        (
            "[unknown-participant] round 1, table 1: unknown id 'P99'",
            "[seated-once] round 1: Person 1 (P1) has no table",
        ),
    ),
    Case(
        "check: wrong version",
        plan_edited(wrong_version),
        ["check", "plan.json"],
        "plan.json: plan version 2 is not supported (expected 1)",
    ),
    Case(
        "check: not JSON",
        not_json,
        ["check", "plan.json"],
        "plan.json: not valid JSON (line 4, column 3: Expecting ',' delimiter)",
    ),
    Case(
        "print: a plan that breaks the rules",
        plan_edited(seat_twice),
        ["print", "plan.json"],
        "plan.json: the plan breaks the rules ([seated-once] round 1: Person 1 (P1) sits at 2 "
        "tables); run `speedmeet check` for the full list",
    ),
    Case(
        "--encoding that does not exist",
        registrations_csv(8),
        ["plan", "participants.csv", "--encoding", "utf-9"],
        "participants.csv: unknown encoding 'utf-9'",
    ),
    Case(
        "a single participant",
        registrations_csv(1),
        ["plan", "participants.csv"],
        "a speed meeting needs at least 2 participants; the list has 1",
    ),
    Case(
        "too few people for a rotation",
        registrations_csv(3),
        ["plan", "participants.csv"],
        "3 participants fill only one table of 5: nobody can rotate; use a smaller "
        "--table-size or --tables 2",
    ),
    Case(
        "--tables more than half the people",
        registrations_csv(6),
        ["plan", "participants.csv", "--tables", "4"],
        "4 tables for 6 participants would leave someone alone at a table; use at most 3 tables",
    ),
    Case(
        "--column with an unknown field",
        workbook(GOOD_ROWS),
        ["plan", "participants.xlsx", "--column", "orga=Organisation"],
        f"participants.xlsx: unknown field 'orga' in --column; the fields are {FIELDS}",
    ),
    Case(
        "--column without =",
        workbook(GOOD_ROWS),
        ["plan", "participants.xlsx", "--column", "Organisme"],
        "--column takes FIELD=\"Header in the sheet\", not 'Organisme'",
    ),
    Case(
        "--column naming a header that is not in the sheet",
        workbook(GOOD_ROWS),
        ["plan", "participants.xlsx", "--column", "organisation=Organisme"],
        "participants.xlsx, sheet 'Sheet', row 1: no column 'Organisme' for organisation (given "
        "with --column); headers found: 'Name', 'Organisation'",
    ),
    Case(
        "--sheet that does not exist",
        workbook(GOOD_ROWS),
        ["plan", "participants.xlsx", "--sheet", "Participants"],
        "participants.xlsx: no sheet named 'Participants'; the sheets are 'Sheet'",
    ),
    Case(
        "--start that is not a time",
        registrations_csv(8),
        ["plan", "participants.csv", "--start", "25:99", "--round-minutes", "10"],
        "start time '25:99' is not a time of day like 14:00",
    ),
    Case(
        "--out naming the input file",
        registrations_csv(8),
        ["plan", "participants.csv", "--out", "participants.csv"],
        "the output folder participants.csv is the input file itself; choose another --out",
    ),
    Case(
        "a file where the output folder should be",
        file_in_the_way,
        ["plan", "participants.csv"],
        "cannot write to participants-plan: participants-plan is a file, not a folder",
    ),
]


CATALOGUE += [
    Case(
        "the current folder as the input",
        registrations_csv(8),
        ["plan", "."],
        ".: this is a folder, not a file",
    ),
    Case(
        "a negative --seed",
        registrations_csv(8),
        ["plan", "participants.csv", "--seed", "-5"],
        "--seed takes a whole number from 0 to 2147483647, not -5",
    ),
    Case(
        "replan: a negative --seed",
        plan_edited(None),
        ["replan", "plan.json", "--from-round", "2", "--drop", "P1", "--seed", "-5"],
        "--seed takes a whole number from 0 to 2147483647, not -5",
    ),
    Case(
        "check: a plan.json nested 100,000 levels deep",
        deeply_nested_plan,
        ["check", "plan.json"],
        "plan.json: not a speedmeet plan (its lists are nested thousands of levels deep)",
    ),
    Case(
        "replan: a plan.json nested 100,000 levels deep",
        deeply_nested_plan,
        ["replan", "plan.json", "--from-round", "2", "--drop", "P1"],
        "plan.json: not a speedmeet plan (its lists are nested thousands of levels deep)",
    ),
    Case(
        "--start that is not a time, without --round-minutes",
        registrations_csv(8),
        ["plan", "participants.csv", "--start", "25:99"],
        "start time '25:99' is not a time of day like 14:00",
    ),
    Case(
        "a csv whose stray quotation mark swallows the rows below",
        stray_quote_csv,
        ["plan", "participants.csv"],
        'participants.csv, row 12: a quotation mark (") opens a cell in this row and is not '
        "closed at the row's end, so the 19 lines after it would be read into that cell; remove "
        "the stray quotation mark or close the cell with another one",
    ),
    Case(
        "a formula's error value in a cell",
        workbook([["Name", "Organisation"], ["Ana", "EPER"], ["Bo", "#DIV/0!"], ["Cy", "HUG"]]),
        ["plan", "participants.xlsx"],
        "participants.xlsx, sheet 'Sheet', row 3, column 'Organisation': the cell shows the "
        "error #DIV/0! instead of a value (a formula that failed, saved as its result); correct "
        "it in the spreadsheet and save again",
    ),
    Case(
        "zip bomb just over the limit",
        lambda folder: zip_declaring(folder / "participants.xlsx", 200 * 1024**2 + 300 * 1024),
        ["plan", "participants.xlsx"],
        "participants.xlsx: the workbook would unpack to 200.3 MB, more than the 200 MB "
        "speedmeet accepts; refusing to open it (is it a zip bomb?)",
    ),
    Case(
        "UTF-16 text without its byte-order mark",
        utf16_without_mark,
        ["plan", "participants.csv"],
        "participants.csv: this looks like UTF-16 text saved without its byte-order mark; give "
        "its encoding with --encoding utf-16-le",
    ),
    Case(
        "an input file you may not read",
        registrations_csv(8),
        ["plan", "participants.csv"],
        "participants.csv: the file cannot be read: permission denied",
        system=unreadable("participants.csv"),
    ),
    Case(
        "--encoding that is not a text encoding",
        registrations_csv(8),
        ["plan", "participants.csv", "--encoding", "rot13"],
        "participants.csv: 'rot13' is not a text encoding; use one like utf-8, cp1252 or utf-16",
    ),
    Case(
        "--title with a control character (pasted from a terminal)",
        registrations_csv(8),
        ["plan", "participants.csv", "--title", "\x1b[31mForum"],
        "--title holds a control character ('\\x1b'); write it as plain text",
    ),
    Case(
        "check: a plan that breaks the rules, given by its folder",
        broken_plan_in_a_folder,
        ["check", "event-plan"],
        "event-plan/plan.json: the plan breaks 2 rule(s)",
        (
            "[seated-once] round 1: Person 1 (P1) sits at 2 tables",
            "[seated-once] round 1: Person 4 (P4) has no table",
        ),
    ),
]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder or a pipe, never read)."""
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else None
        for path in sorted(folder.rglob("*"))
    }


@pytest.mark.parametrize("case", CATALOGUE, ids=[case.name for case in CATALOGUE])
def test_bad_input_is_one_clear_error_and_writes_nothing(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case.make(tmp_path)
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    if case.system is not None:
        case.system(tmp_path, monkeypatch)

    result = CliRunner().invoke(cli.app, case.args)

    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [*case.details, f"Error: {case.message}"]
    monkeypatch.undo()  # the system as it is again, to read what is there now
    assert snapshot(tmp_path) == before


def test_readme_lists_every_case_with_its_message() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme.split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    for case in CATALOGUE:
        assert case.message in section, case.name
        for detail in case.details:
            assert detail in section, (case.name, detail)


def test_control_characters_are_removed_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A form pasted from a terminal or an old database: a bell, an escape sequence, a vertical tab.
    rows = ["Name,Organisation", "Ana\x07 Silva,EPER\x0b", "Bo\x1b[31m,HUG"]
    rows += [f"Person {i},Organisation {i}" for i in range(4)]
    source = tmp_path / "participants.csv"
    source.write_bytes(("\n".join(rows) + "\n").encode("utf-8"))
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(
        cli.app, ["plan", "participants.csv", "--table-size", "3", "--no-print"]
    )

    assert result.exit_code == 0, result.output
    assert (
        "Warning: control characters (invisible codes) were removed from cells in rows 2 and 3"
        in result.stdout
    )
    assert not any(char in result.output for char in "\x07\x0b\x1b")
    plan = read_plan(tmp_path / "participants-plan")
    names = {p.name: p.organisation for p in plan.participants}
    assert names["Ana Silva"] == "EPER"
    assert names["Bo[31m"] == "HUG"
    text = (tmp_path / "participants-plan" / "plan.json").read_text(encoding="utf-8")
    assert not any(char in text for char in "\x07\x0b\x1b")


@pytest.mark.parametrize(
    "people",
    [
        [("Анна Иванова", "Красный Крест"), ("Борис Петров", "Каритас")],
        [("محمد علي", "الهلال الأحمر"), ("فاطمة حسن", "كاريتاس")],
        [("张伟", "联合国难民署"), ("王芳", "红十字会")],
    ],
    ids=["Cyrillic", "Arabic", "Chinese"],
)
def test_a_csv_in_any_script_is_read_not_refused(
    people: list[tuple[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # UTF-8 bytes of non-Latin text, read as Latin-1, look like control codes: not binary.
    rows = [*people, *((f"Person {i}", f"Organisation {i}") for i in range(4))]
    with (tmp_path / "participants.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([("Name", "Organisation"), *rows])
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(
        cli.app, ["plan", "participants.csv", "--table-size", "3", "--no-print"]
    )

    assert result.exit_code == 0, result.output
    plan = read_plan(tmp_path / "participants-plan")
    assert {(p.name, p.organisation) for p in plan.participants} == set(rows)
