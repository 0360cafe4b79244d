"""LibreOffice and older Excel workbooks (.ods, .xls, .xlsb) read as the .xlsx they copy.

The copies in tests/data/formats were saved by LibreOffice itself (see the README there); a
copy must read to the same participants, the same event sheets, the same messages and the same
plan as its .xlsx, and a broken one must be refused with one line that says what to do.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.errors import InputError, Location
from speedmeet.planfile import read_plan
from speedmeet.readers import Registrations, read_event_sheets, read_registrations
from speedmeet.readers.formats import parse_workbook
from speedmeet.readers.table import cell_text
from speedmeet.validate import validate

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "formats"
SAMPLES = REPO.parent / "shared" / "samples"

# Each workbook's .xlsx, and the formats its copies are in.
WORKBOOKS: dict[str, tuple[Path, tuple[str, ...]]] = {
    "participants": (REPO / "examples" / "participants.xlsx", ("ods", "xls", "xlsb")),
    "event-with-rules": (REPO / "examples" / "event-with-rules.xlsx", ("ods", "xls", "xlsb")),
    "verein-de": (DATA / "verein-de.xlsx", ("ods", "xls", "xlsb")),
    # its hidden row: the .xlsb copy has none (pyxlsbwriter writes no row properties)
    "versteckt-fr": (DATA / "versteckt-fr.xlsx", ("ods", "xls")),
    "ms-forms-en": (SAMPLES / "ms-forms-en.xlsx", ("ods", "xls")),
    "paper-list-fr": (SAMPLES / "paper-list-fr.xlsx", ("ods", "xls")),
}
COPIES = [(name, fmt) for name, (_, formats) in WORKBOOKS.items() for fmt in formats]


def original(name: str) -> Path:
    path = WORKBOOKS[name][0]
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def what_was_read(registrations: Registrations) -> dict[str, object]:
    """Everything a reader hands on, less the file's name."""
    return {
        "participants": [p.model_dump() for p in registrations.participants],
        "sheet": registrations.sheet,
        "header_row": registrations.header_row,
        "mapping": registrations.mapping,
        "ignored": registrations.ignored,
        "warnings": registrations.warnings,
    }


@pytest.mark.parametrize(("name", "fmt"), COPIES, ids=[f"{n}.{f}" for n, f in COPIES])
def test_copy_reads_as_its_xlsx(name: str, fmt: str) -> None:
    xlsx = read_registrations(original(name))
    copy = read_registrations(DATA / f"{name}.{fmt}")
    assert what_was_read(copy) == what_was_read(xlsx)
    assert read_event_sheets(DATA / f"{name}.{fmt}", copy.participants) == read_event_sheets(
        original(name), xlsx.participants
    )


# Settings where the search ends on its own, long before the time limit (a safety stop here):
# a plan cut by the clock would differ with the machine's load, not with the file's format.
SETTINGS: dict[str, list[str]] = {"versteckt-fr": ["--rounds", "2", "--table-size", "3"]}


def plan_json(runner: CliRunner, path: Path, out: Path, settings: list[str]) -> str:
    args = ["plan", str(path), "--no-print", "--time-limit", "300", "--out", str(out)]
    result = runner.invoke(cli.app, [*args, *settings])
    assert result.exit_code == 0, result.output
    report = validate(read_plan(out))
    assert report.ok, report.violations
    return (out / "plan.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_ods_and_xls_copies_plan_exactly_as_the_xlsx(name: str, tmp_path: Path) -> None:
    runner = CliRunner()
    settings = SETTINGS.get(name, [])
    expected = plan_json(runner, original(name), tmp_path / "xlsx", settings)
    for fmt in WORKBOOKS[name][1]:
        assert plan_json(runner, DATA / f"{name}.{fmt}", tmp_path / fmt, settings) == expected, fmt


def test_plan_from_ods_says_what_it_read(tmp_path: Path) -> None:
    path = DATA / "verein-de.ods"
    result = CliRunner().invoke(cli.app, ["plan", str(path), "--no-print", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"Read {path}, sheet 'Anmeldungen', header in row 3" in result.output
    assert "40 participants from 7 organisations" in result.output
    assert "Event sheets read: sheet 'Tische', sheet 'Wünsche', sheet 'Runden'" in result.output
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    assert [t["table"] for t in plan["rounds"][0]["tables"]] == [f"Tisch {n}" for n in range(1, 9)]


# --- the xlsx reader's rules, through every format ----------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls", "xlsb"])
def test_german_list_below_its_title_with_formulas_saved_results(fmt: str) -> None:
    registrations = read_registrations(DATA / f"verein-de.{fmt}")
    assert registrations.sheet == "Anmeldungen"  # the hidden 'Alt 2023' before it is passed over
    assert registrations.header_row == 3
    first = registrations.participants[0]
    # Organisation and e-mail are formulas (=PROPER(TRIM(D4)), =LOWER(B4&"."&C4)&"@...")
    assert (first.id, first.name, first.organisation) == ("100", "Anna Müller", "Stadtwerke Bern")
    assert first.email == "anna.müller@example.org"
    assert first.host  # =IF(A4<104,"ja","nein")
    assert not registrations.participants[4].host
    assert ("first_name", "Vorname") in registrations.mapping
    assert "Angemeldet am" in registrations.ignored


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls", "xlsb"])
def test_dates_read_as_the_sheet_shows_them(fmt: str) -> None:
    registrations = read_registrations(DATA / f"verein-de.{fmt}", columns={"role": "Angemeldet am"})
    assert [p.role for p in registrations.participants[:2]] == [
        "2026-03-01 09:30",
        "2026-03-02 10:00",
    ]


def test_cell_text_of_dates_and_times() -> None:
    import datetime as dt

    assert cell_text(dt.datetime(2026, 3, 5)) == "2026-03-05"
    assert cell_text(dt.date(2026, 3, 5)) == "2026-03-05"
    assert cell_text(dt.datetime(2026, 3, 5, 14, 30)) == "2026-03-05 14:30"
    assert cell_text(dt.datetime(2026, 3, 5, 14, 30, 15)) == "2026-03-05 14:30:15"
    assert cell_text(dt.time(9, 30)) == "09:30"
    assert cell_text(12.0) == "12" and cell_text(0.5) == "0.5"


@pytest.mark.parametrize("fmt", ["ods", "xls", "xlsb"])
def test_sheet_chosen_by_name_even_hidden_and_in_other_case(fmt: str) -> None:
    registrations = read_registrations(DATA / f"verein-de.{fmt}", sheet="alt 2023")
    assert registrations.sheet == "Alt 2023"
    assert [p.name for p in registrations.participants] == ["Alte Liste"]


def message(path: Path, **options: object) -> str:
    with pytest.raises(InputError) as caught:
        read_registrations(path, **options)  # type: ignore[arg-type]
    return str(caught.value).replace(str(path), "FILE")


@pytest.mark.parametrize("fmt", ["ods", "xls", "xlsb"])
def test_messages_name_file_sheet_row_and_column_as_for_xlsx(fmt: str) -> None:
    xlsx, copy = DATA / "verein-de.xlsx", DATA / f"verein-de.{fmt}"
    for options in (
        {"sheet": "Teilnehmer"},
        {"sheet": "Tische"},
        {"columns": {"organisation": "Organisme"}},
        {"columns": {"host": "Organisation (roh)"}},
    ):
        expected = message(xlsx, **options)
        assert message(copy, **options) == expected
    assert message(copy, sheet="Teilnehmer").endswith(
        "FILE: no sheet named 'Teilnehmer'; the sheets are 'Alt 2023', 'Anmeldungen', "
        "'Tische', 'Wünsche', 'Runden'"
    )
    assert message(copy, columns={"host": "Organisation (roh)"}).endswith(
        "FILE, sheet 'Anmeldungen', row 4, column 'Organisation (roh)': 'stadtwerke bern' is "
        "not yes or no (write yes, x or 1 for a table host, leave empty otherwise)"
    )


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xls", "xlsb"])
def test_rows_and_columns_are_counted_from_a1_when_the_table_starts_further(fmt: str) -> None:
    """The table starts in C5 below a note; rows and columns are those the sheet shows."""
    path = DATA / f"offset-en.{fmt}"
    assert message(path) == (
        "FILE, sheet 'Guests', row 9, column 'Host': 'maybe' is not yes or no (write yes, x or "
        "1 for a table host, leave empty otherwise)"
    )
    table = parse_workbook(path, str(path), fmt, sheet=None, overrides={})
    assert (table.header_row, table.headers) == (5, ["", "", "Name", "Organisation", "Host"])
    assert [row.number for row in table.rows] == [6, 8, 9]


@pytest.mark.parametrize("fmt", ["ods", "xls", "xlsb"])
def test_event_sheet_errors_name_the_sheet_row_and_column(fmt: str) -> None:
    participants = read_registrations(DATA / f"verein-de.{fmt}").participants
    without_lea = [p for p in participants if p.name != "Lea Schröder"]
    with pytest.raises(InputError) as caught:
        read_event_sheets(DATA / f"verein-de.{fmt}", without_lea)
    assert str(caught.value).startswith(
        f"{DATA / f'verein-de.{fmt}'}, sheet 'Wünsche', row 3, column 'Person A': 'Lea Schröder' "
        "is not on the participant sheet"
    )


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_hidden_and_filtered_rows_are_seen_where_calamine_does_not_say(fmt: str) -> None:
    """calamine drops row properties; the .ods and .xls records say which rows are hidden."""
    path = DATA / f"versteckt-fr.{fmt}"
    table = parse_workbook(path, str(path), fmt, sheet=None, overrides={})
    assert (table.hidden_rows, table.filtered) == ([5], False)  # Bernard, hidden by hand
    path = DATA / f"filtered-en.{fmt}"
    table = parse_workbook(path, str(path), fmt, sheet=None, overrides={})
    assert (table.hidden_rows, table.filtered) == ([3, 5, 7], True)  # hidden by the filter


def test_hidden_rows_of_an_xlsb_are_seen(tmp_path: Path) -> None:
    """pyxlsbwriter writes no hidden rows: the copy's row records get Excel's "height zero"
    flag (fDyZero) on rows 3, 5 and 7, as Excel writes a row hidden by hand."""
    path = tmp_path / "hidden.xlsb"
    with (
        zipfile.ZipFile(DATA / "filtered-en.xlsb") as original,
        zipfile.ZipFile(path, "w") as target,
    ):
        for entry in original.infolist():
            part = bytearray(original.read(entry.filename))
            if entry.filename == "xl/worksheets/sheet1.bin":
                for row in (2, 4, 6):  # 0-based numbers of rows 3, 5 and 7
                    header = part.find(b"\x00\x19" + row.to_bytes(4, "little"))  # BrtRowHdr
                    assert header >= 0
                    part[header + 2 + 11] |= 0x10
            target.writestr(entry, bytes(part))
    table = parse_workbook(path, str(path), "xlsb", sheet=None, overrides={})
    assert table.hidden_rows == [3, 5, 7]
    assert len(table.rows) == 6  # every row read, hidden or not


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_a_cell_showing_an_error_reads_as_the_error_not_as_empty(fmt: str) -> None:
    """calamine reads #N/A as an empty cell; the error is read from the file, as in an .xlsx."""
    for name in ("filtered-en", "versteckt-fr"):
        xlsx, copy = DATA / f"{name}.xlsx", DATA / f"{name}.{fmt}"
        expected = parse_workbook(xlsx, str(xlsx), "xlsx", sheet=None, overrides={})
        table = parse_workbook(copy, str(copy), fmt, sheet=None, overrides={})
        assert [row.cells for row in table.rows] == [row.cells for row in expected.rows]
    assert table.rows[1].cells[4] == "#N/A"  # versteckt-fr: Martin's Tarif, a failed lookup


@pytest.mark.parametrize("fmt", ["ods", "xls"])
def test_hidden_rows_and_errors_end_as_in_the_xlsx(fmt: str) -> None:
    """Whatever the shared rules make of a hidden row or an error value (a warning, an error
    naming the cell), an .ods or .xls gets the same as its .xlsx."""
    for name in ("filtered-en", "versteckt-fr"):
        xlsx, copy = DATA / f"{name}.xlsx", DATA / f"{name}.{fmt}"
        try:
            expected: object = what_was_read(read_registrations(xlsx))
        except InputError as error:
            expected = str(error).replace(str(xlsx), "FILE")
        try:
            got: object = what_was_read(read_registrations(copy))
        except InputError as error:
            got = str(error).replace(str(copy), "FILE")
        assert got == expected, name


# --- the broken-file catalogue, per format -------------------------------------------------


def truncated(fmt: str) -> bytes:
    content = (DATA / f"participants.{fmt}").read_bytes()
    return content[: len(content) // 2]


def locked_ods() -> bytes:
    """A LibreOffice .ods marked as LibreOffice marks a password: content.xml encrypted."""
    source = DATA / "participants.ods"
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w") as target:
        for entry in original.infolist():
            part = original.read(entry.filename)
            if entry.filename == "META-INF/manifest.xml":
                part = re.sub(
                    rb'(<manifest:file-entry manifest:full-path="content.xml"[^>]*?)\s*/>',
                    rb"\1><manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" "
                    rb'manifest:checksum="AAAA"><manifest:algorithm manifest:algorithm-name='
                    rb'"http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
                    rb'manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
                    rb"</manifest:file-entry>",
                    part,
                )
                assert b"encryption-data" in part
            elif entry.filename == "content.xml":
                part = random.Random(0).randbytes(len(part) // 4)  # ciphertext reads as noise
            target.writestr(entry, part)
    return buffer.getvalue()


def locked_xls() -> bytes:
    """A LibreOffice .xls whose first record after the workbook's BOF is FILEPASS (0x002F), as
    in every .xls saved with a password to open."""
    content = bytearray((DATA / "participants.xls").read_bytes())
    bof = content.find(bytes.fromhex("0908100000060500"))  # BIFF8 BOF of the workbook globals
    assert bof > 0
    following = bof + 4 + 16
    content[following : following + 2] = (0x002F).to_bytes(2, "little")
    return bytes(content)


def ole_with(*stream_names: str) -> bytes:
    """An OLE compound file's first bytes and directory names, as Office writes them."""
    names = b"".join(name.encode("utf-16-le") + b"\0" * 40 for name in stream_names)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + names


def zipped(**parts: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


def xls_claiming_rows_beyond_the_format() -> bytes:
    """A LibreOffice .xls whose sheet's DIMENSIONS record starts at row 10,682,369 (one byte
    changed): calamine would allocate for it terabytes and abort the whole process."""
    content = bytearray((DATA / "participants.xls").read_bytes())
    dimensions = content.find(bytes.fromhex("00020e00"))  # DIMENSIONS, 14 bytes
    assert dimensions > 0
    content[dimensions + 6] = 0xA3
    return bytes(content)


def xlsb_with_a_cell_beyond_the_format() -> bytes:
    """A .xlsb whose first cell's column is 1,000,000,000 (16,384 columns is the most)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(DATA / "participants.xlsb") as original,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for entry in original.infolist():
            part = original.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.bin":
                cell = part.find(b"\x07\x0c\x00\x00\x00\x00")  # BrtCellIsst in column A
                assert cell > 0
                part = part[: cell + 2] + (10**9).to_bytes(4, "little") + part[cell + 6 :]
            target.writestr(entry, part)
    return buffer.getvalue()


_RESAVE = "open it in LibreOffice or Excel and save it again"

# (case, file name, content, message after the path)
BROKEN: list[tuple[str, str, bytes, str]] = [
    (
        "truncated .ods",
        "r.ods",
        truncated("ods"),
        ": the workbook is damaged and cannot be read (File is not a zip file); open it in "
        "Excel or LibreOffice and save it as .xlsx or .csv again",
    ),
    (
        "truncated .xls",
        "r.xls",
        truncated("xls"),
        ": the Excel 97-2003 workbook (.xls) is damaged and cannot be read (OLE directory index "
        f"out of range); {_RESAVE}",
    ),
    (
        "truncated .xlsb",
        "r.xlsb",
        truncated("xlsb"),
        ": the workbook is damaged and cannot be read (File is not a zip file); open it in "
        "Excel or LibreOffice and save it as .xlsx or .csv again",
    ),
    (
        "password-protected .ods",
        "r.ods",
        locked_ods(),
        ": the OpenDocument spreadsheet (.ods) is password-protected; open it in LibreOffice, "
        "untick 'Save with password' in File > Save As and save it again",
    ),
    (
        "password-protected .xls",
        "r.xls",
        locked_xls(),
        ": the Excel 97-2003 workbook (.xls) is password-protected; open it in Excel or "
        "LibreOffice, remove the password and save it again",
    ),
    (
        "password-protected .xlsb (an encrypted package, as for .xlsx)",
        "r.xlsb",
        ole_with("EncryptionInfo", "EncryptedPackage"),
        ": the workbook is password-protected; open it in Excel, remove the password "
        "(File > Info > Protect Workbook) and save it again",
    ),
    (
        ".xls claiming rows beyond the format (calamine would abort)",
        "r.xls",
        xls_claiming_rows_beyond_the_format(),
        ": the Excel 97-2003 workbook (.xls) is damaged and cannot be read (a sheet claims rows "
        f"10682369 to 73 and columns 1 to 7); {_RESAVE}",
    ),
    (
        ".xlsb with a cell beyond the format (calamine would abort)",
        "r.xlsb",
        xlsb_with_a_cell_beyond_the_format(),
        ": the binary Excel workbook (.xlsb) is damaged and cannot be read (a cell lies in "
        f"column 1,000,000,001, beyond the format's 16,384); {_RESAVE}",
    ),
    (
        "a text document renamed .ods",
        "r.ods",
        zipped(mimetype=b"application/vnd.oasis.opendocument.text", **{"content.xml": b"<x/>"}),
        ": this is an OpenDocument text, not a spreadsheet",
    ),
    (
        "a Word 97 document renamed .xls",
        "r.xls",
        ole_with("WordDocument", "SummaryInformation"),
        ": this is a Word document, not a spreadsheet",
    ),
    (
        "an OLE file that only claims to be a workbook",
        "r.xls",
        ole_with("Workbook", "SummaryInformation"),
        ": the Excel 97-2003 workbook (.xls) is damaged and cannot be read (bytes length not a "
        f"multiple of item size); {_RESAVE}",
    ),
    (
        "a spreadsheet's content.xml that is not XML",
        "r.ods",
        zipped(
            mimetype=b"application/vnd.oasis.opendocument.spreadsheet",
            **{"content.xml": b"\x00\x01 not xml", "META-INF__manifest.xml": b"<x/>"},
        ),
        ": the OpenDocument spreadsheet (.ods) is damaged and cannot be read (no sheet found); "
        f"{_RESAVE}",
    ),
]


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [case[1:] for case in BROKEN],
    ids=[case[0] for case in BROKEN],
)
def test_broken_file_gets_one_clear_line(
    tmp_path: Path, file_name: str, content: bytes, expected: str
) -> None:
    path = tmp_path / file_name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_registrations(path)
    assert str(caught.value) == f"{path}{expected}"
    assert path.read_bytes() == content  # the input is never written


@pytest.mark.parametrize(
    ("fmt", "renamed"),
    [("ods", "list.xlsx"), ("xls", "list.xlsx"), ("ods", "list.xls"), ("xls", "export"),
     ("xlsb", "list.xlsx"), ("ods", "list.csv")],
)  # fmt: skip
def test_workbook_renamed_is_read_by_its_content(tmp_path: Path, fmt: str, renamed: str) -> None:
    path = tmp_path / renamed
    path.write_bytes((DATA / f"verein-de.{fmt}").read_bytes())
    registrations = read_registrations(path)
    assert len(registrations.participants) == 40
    assert len(read_event_sheets(path, registrations.participants).tables) == 8


def test_csv_beside_an_ods_gives_way_to_its_own_sheet(tmp_path: Path) -> None:
    path = tmp_path / "verein.ods"
    path.write_bytes((DATA / "verein-de.ods").read_bytes())
    (tmp_path / "tables.csv").write_text("Table,Seats\nA,5\n", encoding="utf-8")
    sheets = read_event_sheets(path, read_registrations(path).participants)
    assert len(sheets.tables) == 8
    assert sheets.warnings == ["tables.csv is ignored: the workbook has its own sheet 'Tische'"]


def test_a_panic_inside_calamine_is_one_damaged_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """pyo3 turns a Rust panic into PanicException, a BaseException: it must not escape as a
    traceback, and what Rust prints about it must not reach the terminal."""
    import os

    import python_calamine

    class PanicException(BaseException):
        pass

    def panics(path: str) -> object:
        os.write(2, b"thread '<unnamed>' panicked at src/cfb.rs:305:41\n")
        raise PanicException("slice index starts at 5632 but ends at 5151")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", panics)
    path = tmp_path / "r.xls"
    path.write_bytes((DATA / "participants.xls").read_bytes())
    with pytest.raises(InputError) as caught:
        read_registrations(path)
    assert str(caught.value) == (
        f"{path}: the Excel 97-2003 workbook (.xls) is damaged and cannot be read (slice index "
        f"starts at 5632 but ends at 5151); {_RESAVE}"
    )
    assert "panicked" not in capfd.readouterr().err


def _refuse(source: str) -> None:
    raise InputError("no seats", Location(source, "Tische", 3, "Plätze"))


def _abort() -> None:
    import os

    os.abort()


def test_a_reader_that_aborts_the_process_only_stops_its_child() -> None:
    from speedmeet.readers.isolated import ReaderStopped, run_isolated

    with pytest.raises(ReaderStopped, match=r"^the reader was stopped by SIGABRT$"):
        run_isolated(_abort)
    with pytest.raises(InputError) as caught:  # errors come back whole, location and all
        run_isolated(_refuse, "r.ods")
    assert caught.value.where == Location("r.ods", "Tische", 3, "Plätze")
    assert str(caught.value) == "r.ods, sheet 'Tische', row 3, column 'Plätze': no seats"


def test_an_xls_that_makes_calamine_abort_is_one_damaged_line(tmp_path: Path) -> None:
    """aborts-calamine.xls is a fuzzed copy of event-with-rules.xls (records shifted) on which
    calamine 0.9 asks for 596 GB and Rust aborts; the program itself goes on to say so."""
    path = tmp_path / "r.xls"
    path.write_bytes((DATA / "aborts-calamine.xls").read_bytes())
    result = CliRunner().invoke(
        cli.app, ["plan", str(path), "--no-print", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {path}: the Excel 97-2003 workbook (.xls) is damaged and cannot be read (the "
        f"reader was stopped by SIGABRT); {_RESAVE}"
    ]
    assert not (tmp_path / "o").exists()


def test_replan_adds_late_arrivals_from_an_ods(tmp_path: Path) -> None:
    """--add takes an .ods, .xls or .xlsb of late arrivals as it takes an .xlsx: here one whose
    host answer is wrong, refused with its sheet, row and column."""
    runner = CliRunner()
    out = tmp_path / "plan"
    plan_json(runner, DATA / "participants.ods", out, [])
    late = tmp_path / "late.ods"
    late.write_bytes((DATA / "offset-en.ods").read_bytes())
    result = runner.invoke(
        cli.app, ["replan", str(out), "--from-round", "3", "--add", str(late), "--no-pdf"]
    )
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: {late}, sheet 'Guests', row 9, column 'Host': 'maybe' is not yes or no (write "
        "yes, x or 1 for a table host, leave empty otherwise)"
    )
