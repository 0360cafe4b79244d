"""Every row of the sheet accounted for: what the reader did with each row below the header
(read, merged as a repeat, skipped as blank, hidden, a repeated header or nameless, refused),
headers written over two rows, hidden and filtered rows, error values, invisible names and
text-direction characters, in csv and xlsx as real tools write them.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.errors import InputError
from speedmeet.planfile import read_plan
from speedmeet.readers import read_registrations
from speedmeet.validate import validate

Cell = str | int | None


def xlsx(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    hidden: Sequence[int] = (),
    filter_range: str | None = None,
    merges: Sequence[str] = (),
) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Inscriptions"
    for row in rows:
        sheet.append(list(row))
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    if filter_range:
        sheet.auto_filter.ref = filter_range
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def csv_file(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    delimiter: str = ",",
    *,
    quoting: int = csv.QUOTE_MINIMAL,
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline, quoting=quoting)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


# The text exports of the tools people use: Excel (cp1252, ";", CRLF), Google Sheets (UTF-8,
# ",", LF), form tools quoting every cell, Excel's "Unicode text" (UTF-16 with tabs).
TEXT_FORMS: dict[str, dict[str, Any]] = {
    "csv": {},
    "excel-fr": {"delimiter": ";", "encoding": "cp1252"},
    "google": {"newline": "\n"},
    "quote-all": {"quoting": csv.QUOTE_ALL, "encoding": "utf-8-sig"},
    "unicode-text": {"delimiter": "\t", "encoding": "utf-16"},
}


def people(count: int, start: int = 0) -> list[list[Cell]]:
    return [
        [f"Person {i}", f"Organisation {i % 4}", f"person{i}@example.org"]
        for i in range(start, start + count)
    ]


HEADER: list[Cell] = ["Name", "Organisation", "Email"]


def run_plan(path: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli.app,
        [
            "plan",
            str(path),
            "--table-size",
            "3",
            "--rounds",
            "2",
            "--time-limit",
            "1",
            "--no-print",
            *options,
        ],
    )
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        plan = read_plan(path.with_name(f"{path.stem}-plan"))
        assert validate(plan).ok
    return result.exit_code, result.output


# What became of each row


def test_every_row_below_the_header_is_accounted_for(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Registrations 2026"], [], HEADER, *people(6)]
    rows += [[], [None, None, None]]  # rows 10 and 11: blank
    rows += [["Person 2", "Organisation 2", "person2@example.org"]]  # row 12: a repeat
    rows += [HEADER, *people(3, start=6)]  # row 13: a second export pasted below
    rows += [[None, "Organisation 1", "nobody@example.org"]]  # row 17: no name
    rows += [["\u200b\u200b", "Organisation 3", "ghost@example.org"]]  # row 18: invisible
    rows += [[], []]  # trailing blank rows are not rows of the table
    for path in (xlsx(tmp_path / "r.xlsx", rows), csv_file(tmp_path / "r.csv", rows)):
        registrations = read_registrations(path)
        account = registrations.rows
        assert account is not None
        assert account.data_rows == 15  # rows 4 to 18
        assert account.read == [4, 5, 6, 7, 8, 9, 14, 15, 16]
        assert account.merged == [12]
        assert account.blank == [10, 11]
        assert account.repeated_headers == [13]
        assert account.nameless == [17]
        assert account.refused == [18]
        assert account.summary() == (
            "15 rows below the header: 9 read, 1 merged as a repeat of an earlier row, "
            "4 skipped (2 blank, 1 repeating the header, 1 without a name), 1 refused"
        )
        assert (
            "row 18: the name ('Name') holds only invisible characters (zero-width spaces or "
            "the like); the row is refused: write the name in the sheet"
        ) in registrations.warnings


def test_the_summary_is_shown_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [HEADER, *people(8), [], *people(1, start=3)]
    csv_file(tmp_path / "participants.csv", rows)
    monkeypatch.chdir(tmp_path)
    code, output = run_plan(Path("participants.csv"))
    assert code == 0, output
    assert (
        "10 rows below the header: 8 read, 1 merged as a repeat of an earlier row, "
        "1 skipped (1 blank)"
    ) in " ".join(output.split())


KINDS = ("person", "repeat", "blank", "header", "nameless", "invisible", "hidden")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=40),
    form=st.sampled_from(["xlsx", *TEXT_FORMS]),
    title_rows=st.integers(0, 3),
)
def test_generated_sheets_lose_no_row(
    tmp_path: Path, kinds: list[str], form: str, title_rows: int
) -> None:
    """However the rows are mixed, each lands in exactly one place and the places add up."""
    rows: list[list[Cell]] = [[f"Title {i}"] for i in range(title_rows)] + [HEADER]
    expected: dict[str, list[int]] = {kind: [] for kind in KINDS}
    hidden: list[int] = []
    shown: list[int] = []  # people on rows that are not hidden: what a repeat repeats
    made = 0
    for kind in kinds:
        number = len(rows) + 1
        if kind == "repeat" and not shown:
            kind = "person"
        if kind == "hidden" and form != "xlsx":
            kind = "person"  # a text file hides nothing
        if kind == "repeat":
            rows.append([f"Person {shown[-1]}", f"Organisation {shown[-1] % 4}", ""])
        elif kind == "blank":
            rows.append([])
        elif kind == "header":
            rows.append(list(HEADER))
        elif kind == "nameless":
            rows.append([None, "Organisation 9", f"n{number}@example.org"])
        elif kind == "invisible":
            # soft hyphens where the encoding has no zero-width characters (Windows-1252)
            ghost = "\xad\xad" if form == "excel-fr" else "\u2060\u200d"
            rows.append([ghost, "Organisation 9", f"i{number}@example.org"])
        else:
            rows.append([f"Person {made}", f"Organisation {made % 4}", ""])
            if kind == "hidden":
                hidden.append(number)
            else:
                shown.append(made)
            made += 1
        expected[kind].append(number)
    while rows[-1] == []:  # blank rows at the end do not belong to the table
        expected["blank"].remove(len(rows))
        rows.pop()
    if len(rows) == title_rows + 1:
        return  # a header and nothing below: refused with its own message, tested elsewhere
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    if form == "xlsx":
        path = xlsx(folder / "r.xlsx", rows, hidden=hidden)
    else:
        path = csv_file(folder / "r.csv", rows, **TEXT_FORMS[form])
    for choice in ("include", "skip"):
        try:
            registrations = read_registrations(path, hidden_rows=choice)
        except InputError as error:
            assert "every name cell is empty" in str(error) or "no participant" in str(error)
            continue
        account = registrations.rows
        assert account is not None
        assert account.data_rows == len(rows) - title_rows - 1
        assert account.accounted() == account.data_rows
        assert account.blank == expected["blank"]
        assert account.repeated_headers == expected["header"]
        assert account.nameless == expected["nameless"]
        assert account.refused == expected["invisible"]
        assert account.merged == expected["repeat"]
        planned = sorted(expected["person"] + (expected["hidden"] if choice == "include" else []))
        assert account.read == planned
        assert account.hidden_skipped == (expected["hidden"] if choice == "skip" else [])
        assert account.hidden_read == (expected["hidden"] if choice == "include" else [])
        assert len(registrations.participants) == len(planned)


# Headers written over two rows


@pytest.mark.parametrize(
    ("group", "first", "last", "organisation"),
    [
        ("Participant", "First name", "Last name", "Organisation"),
        ("Participant(e)", "Prénom", "Nom", "Organisme"),
        ("Teilnehmer", "Vorname", "Nachname", "Organisation"),
    ],
)
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_header_over_two_rows_is_one_header(
    tmp_path: Path, group: str, first: str, last: str, organisation: str, form: str
) -> None:
    # A merged cell over the name columns; Organisation and Email merged down over both rows.
    rows: list[list[Cell]] = [
        [group, None, organisation, "Email"],
        [first, last, None, None],
        ["Ana", "Silva", "EPER", "ana@example.org"],
        ["Bo", "Li", "HUG", "bo@example.org"],
        ["Cy", "Dubois", "EPER", "cy@example.org"],
    ]
    if form == "xlsx":
        path = xlsx(tmp_path / "r.xlsx", rows, merges=["A1:B1", "C1:C2", "D1:D2"])
    else:
        path = csv_file(tmp_path / "r.csv", rows, ";")
    registrations = read_registrations(path)
    assert [(p.name, p.organisation) for p in registrations.participants] == [
        ("Ana Silva", "EPER"),
        ("Bo Li", "HUG"),
        ("Cy Dubois", "EPER"),
    ]
    assert dict(registrations.mapping) == {
        "first_name": first,
        "last_name": last,
        "organisation": organisation,
        "email": "Email",
    }
    assert (registrations.header_start, registrations.header_row) == (1, 2)
    assert registrations.rows is not None and registrations.rows.data_rows == 3


def test_a_header_over_two_rows_is_named_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows: list[list[Cell]] = [
        ["Participant", None, "Organisation"],
        ["First name", "Last name", None],
        *([f"First {i}", f"Last {i}", f"Org {i % 3}"] for i in range(9)),
    ]
    xlsx(tmp_path / "participants.xlsx", rows, merges=["A1:B1", "C1:C2"])
    monkeypatch.chdir(tmp_path)
    code, output = run_plan(Path("participants.xlsx"))
    assert code == 0, output
    assert "Read participants.xlsx, sheet 'Inscriptions', header in rows 1-2" in output
    plan = read_plan(tmp_path / "participants-plan")
    assert "First name Last name" not in {p.name for p in plan.participants}
    assert {p.name for p in plan.participants} == {f"First {i} Last {i}" for i in range(9)}


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_group_header_over_the_contact_columns(tmp_path: Path, form: str) -> None:
    # Name and Organisation merged down; "Contact" merged over Email | Phone.
    rows: list[list[Cell]] = [
        ["Name", "Organisation", "Contact", None],
        [None, None, "Email", "Phone"],
        *(
            [f"Person {i}", f"Org {i % 2}", f"p{i}@example.org", f"+41 22 000 00 0{i}"]
            for i in range(4)
        ),
    ]
    if form == "xlsx":
        path = xlsx(tmp_path / "r.xlsx", rows, merges=["A1:A2", "B1:B2", "C1:D1"])
    else:
        path = csv_file(tmp_path / "r.csv", rows)
    registrations = read_registrations(path)
    assert [p.email for p in registrations.participants] == [f"p{i}@example.org" for i in range(4)]
    assert (registrations.header_start, registrations.header_row) == (1, 2)
    assert registrations.rows is not None and registrations.rows.read == [3, 4, 5, 6]


def test_a_first_participant_below_a_header_is_not_taken_for_a_second_header_row(
    tmp_path: Path,
) -> None:
    # "Name" and "Organisation" are words a participant row could hold; a real row is data.
    rows: list[list[Cell]] = [["Name", "Organisation"], ["Ana Silva", "EPER"], ["Bo", "HUG"]]
    registrations = read_registrations(xlsx(tmp_path / "r.xlsx", rows))
    assert [p.name for p in registrations.participants] == ["Ana Silva", "Bo"]
    assert registrations.header_start == registrations.header_row == 1


# Hidden and filtered rows


def test_hidden_rows_are_planned_and_named_by_default(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [HEADER, *people(8)], hidden=[3, 7])
    registrations = read_registrations(path)
    assert len(registrations.participants) == 8
    assert registrations.rows is not None
    assert registrations.rows.summary() == (
        "8 rows below the header: 8 read (2 of them hidden in the sheet)"
    )
    assert (
        "rows 3 and 7 are hidden in the sheet and planned like the others; to leave them out, "
        "plan with --hidden-rows skip"
    ) in registrations.warnings


def test_filtered_out_rows_are_named_and_can_be_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [HEADER, *people(10)]
    xlsx(tmp_path / "participants.xlsx", rows, hidden=[4], filter_range="A1:C11")
    monkeypatch.chdir(tmp_path)

    code, output = run_plan(Path("participants.xlsx"), "--hidden-rows", "skip")

    assert code == 0, output
    flat = " ".join(output.split())
    assert (
        "Warning: row 4 is filtered out or hidden in the sheet and left out (--hidden-rows skip)"
        in flat
    )
    assert "10 rows below the header: 9 read, 1 skipped (1 hidden)" in flat
    plan = read_plan(tmp_path / "participants-plan")
    assert "Person 2" not in {p.name for p in plan.participants}
    assert len(plan.participants) == 9


def test_rows_hidden_by_libreoffice_are_seen(tmp_path: Path) -> None:
    """LibreOffice writes hidden="true" (Excel writes "1"), and may prefix its tags."""
    path = xlsx(tmp_path / "r.xlsx", [HEADER, *people(5)])
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b'<row r="4"', b'<row hidden="true" r="4"')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert read_registrations(path).rows.hidden_skipped == []  # type: ignore[union-attr]
    account = read_registrations(path, hidden_rows="skip").rows
    assert account is not None and account.hidden_skipped == [4]


# Error values, invisible names, text direction


@pytest.mark.parametrize(
    "error", ["#DIV/0!", "#N/A", "#REF!", "#NAME?", "#VALUE!", "#NV", "#VALEUR!", "Err:502"]
)
@pytest.mark.parametrize("form", ["xlsx", "csv"])
@pytest.mark.parametrize("column", [0, 1])
def test_an_error_value_names_its_cell(tmp_path: Path, error: str, form: str, column: int) -> None:
    rows: list[list[Cell]] = [HEADER, *people(4)]
    rows[3][column] = error
    path = xlsx(tmp_path / "r.xlsx", rows) if form == "xlsx" else csv_file(tmp_path / "r.csv", rows)
    with pytest.raises(InputError) as caught:
        read_registrations(path)
    where = caught.value.where
    assert where is not None and (where.row, where.column) == (4, HEADER[column])
    assert f"the cell shows the error {error} instead of a value" in caught.value.message


def test_an_error_value_in_a_column_not_read_is_no_concern(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [[*HEADER, "Notes"], *([*p, "#N/A"] for p in people(4))]
    assert len(read_registrations(xlsx(tmp_path / "r.xlsx", rows)).participants) == 4


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b",
        "\u200c\u200d",
        "\u2060",
        "\ufeff\u200b",
        "\u3164",
        "\u00ad",
        "\u202e",
        "\u2800 \u200b",
    ],
)
def test_a_name_of_invisible_characters_is_refused_with_its_row(
    tmp_path: Path, invisible: str
) -> None:
    rows: list[list[Cell]] = [HEADER, *people(4)]
    rows[2][0] = invisible
    registrations = read_registrations(csv_file(tmp_path / "r.csv", rows))
    assert [p.name for p in registrations.participants] == ["Person 0", "Person 2", "Person 3"]
    assert registrations.rows is not None and registrations.rows.refused == [3]
    assert any(
        w.startswith("row 3: the name ('Name') holds only invisible")
        for w in registrations.warnings
    )


def test_text_direction_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [HEADER, *people(4)]
    rows[2][0] = "Ana \u202eavlis\u202c"  # shows as "Ana silva" reversed: a spoofed name
    rows[4][1] = "\u2067الهلال الأحمر\u2069"
    registrations = read_registrations(xlsx(tmp_path / "r.xlsx", rows))
    names = [p.name for p in registrations.participants]
    assert names[1] == "Ana avlis"
    assert registrations.participants[3].organisation == "الهلال الأحمر"
    assert (
        "text-direction characters (which can reverse how a name is shown) were removed from "
        "cells in rows 3 and 5"
    ) in registrations.warnings
    assert not any(
        char in "".join(names) for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    )


# Text exports


def test_a_stray_quote_in_the_last_row_is_named_too(tmp_path: Path) -> None:
    text = 'Name,Organisation,Email\r\nAna,EPER,a@x.org\r\nBo,HUG,b@x.org\r\n"Cy,EPER,c@x.org\r\n'
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_registrations(path)
    assert caught.value.where is not None and caught.value.where.row == 4


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_cells_holding_line_breaks_are_not_taken_for_a_stray_quote(
    tmp_path: Path, delimiter: str
) -> None:
    rows: list[list[Cell]] = [["Name", "Organisation", "Address", "Interests"]]
    rows += [
        [f"Person {i}", f"Org {i % 3}", f"Rue {i}{delimiter} 1200\nGenève{delimiter} CH", "a\nb\nc"]
        for i in range(6)
    ]
    registrations = read_registrations(csv_file(tmp_path / "r.csv", rows, delimiter))
    assert len(registrations.participants) == 6


def test_a_nul_byte_is_removed_and_its_row_read(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rows = "Name,Organisation\n" + "".join(f"Person {i},Org {i}\n" for i in range(3))
    path.write_bytes(rows.encode("utf-8").replace(b"Person 1", b"Person\x00 1"))
    registrations = read_registrations(path)
    assert [p.name for p in registrations.participants] == ["Person 0", "Person 1", "Person 2"]
    assert "control characters (invisible codes) were removed from cells in row 3" in (
        registrations.warnings
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_a_given_utf16_or_utf32_encoding_is_honoured(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "r.txt"
    rows = "Name\tOrganisation\n" + "".join(f"Zoë {i}\tÉcole {i}\n" for i in range(3))
    path.write_bytes(rows.encode(encoding))  # no byte-order mark
    registrations = read_registrations(path, encoding=encoding)
    assert [p.name for p in registrations.participants] == ["Zoë 0", "Zoë 1", "Zoë 2"]


@pytest.mark.parametrize(("choice", "joining"), [("include", 2), ("skip", 1)])
def test_replan_reads_hidden_rows_of_late_arrivals_as_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: str, joining: int
) -> None:
    csv_file(tmp_path / "participants.csv", [HEADER, *people(9)])
    monkeypatch.chdir(tmp_path)
    code, output = run_plan(Path("participants.csv"))
    assert code == 0, output
    late = [HEADER, ["Late One", "Organisation 7", "l1@example.org"]]
    late.append(["Late Two", "Organisation 8", "l2@example.org"])
    xlsx(tmp_path / "late.xlsx", late, hidden=[3])

    result = CliRunner().invoke(
        cli.app,
        [
            *("replan", "participants-plan", "--from-round", "2", "--add", "late.xlsx"),
            *("--no-pdf", "--time-limit", "1", "--hidden-rows", choice),
        ],
    )

    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert flat.count("Joins from round 2:") == joining
    hint = "left out (--hidden-rows skip)" if choice == "skip" else "planned like the others"
    assert f"row 3 is hidden in the sheet and {hint}" in flat
    assert validate(read_plan(tmp_path / "participants-plan")).ok
