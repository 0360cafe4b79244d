"""The catalogue of bad registration files: each is refused with exactly this one line.

The README's troubleshooting section lists these messages; a change here is a change there.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from speedmeet.errors import InputError
from speedmeet.readers import read_registrations

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def good_xlsx(path: Path) -> Path:
    return xlsx(path, [["Name", "Organisation"], ["Ana", "EPER"], ["Bo", "HUG"]])


def ole_file(path: Path, *stream_names: str) -> Path:
    """An OLE compound file's first bytes and directory names, as Office writes them."""
    names = b"".join(name.encode("utf-16-le") + b"\0" * 40 for name in stream_names)
    path.write_bytes(OLE_MAGIC + b"\0" * 504 + names)
    return path


def zip_declaring(path: Path, declared_bytes: int) -> Path:
    """A small workbook-shaped zip whose directory claims its sheet unpacks to `declared_bytes`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 1000)
    content = bytearray(buffer.getvalue())
    entry = content.rfind(b"PK\x01\x02")  # the sheet's central directory entry
    content[entry + 24 : entry + 28] = declared_bytes.to_bytes(4, "little")
    path.write_bytes(bytes(content))
    return path


def zip_lying_about_size(path: Path) -> Path:
    """A zip whose sheet inflates far beyond the size its directory declares."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" * 5_000_000)
    content = bytearray(buffer.getvalue())
    for marker, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = content.rfind(marker)
        content[start + offset : start + offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(content))
    return path


def entity_bomb(path: Path) -> Path:
    """A workbook whose sheet XML defines entities that expand a billion times (billion laughs)."""
    good_xlsx(path.with_name("base.xlsx"))
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    with (
        zipfile.ZipFile(path.with_name("base.xlsx")) as source,
        zipfile.ZipFile(path, "w") as target,
    ):
        for entry in source.infolist():
            part = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                text = part.decode("utf-8").replace("<t>Ana</t>", "<t>&lol9;</t>")
                start = text.index("<worksheet")
                part = (text[:start] + f"<!DOCTYPE worksheet [{entities}]>" + text[start:]).encode()
            target.writestr(entry, part)
    return path


Maker = Callable[[Path], Path]


def _write(content: bytes) -> Maker:
    def make(path: Path) -> Path:
        path.write_bytes(content)
        return path

    return make


def _big_csv(path: Path) -> Path:
    lines = ["Name,Organisation"] + [f"Person {i},Organisation {i % 900}" for i in range(50_001)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# (case, file name, how to make it, options, message after "<path>")
CATALOGUE: list[tuple[str, str, Maker, dict[str, object], str]] = [
    ("empty file", "r.xlsx", _write(b""), {}, ": the file is empty"),
    ("blank csv", "r.csv", _write(b"\r\n ;; \r\n"), {}, ": the file is empty"),
    (
        "renamed PDF",
        "r.xlsx",
        _write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
        {},
        ": this is a PDF document, not a spreadsheet; export the registrations as .xlsx or .csv",
    ),
    (
        "random bytes",
        "r.xlsx",
        _write(bytes(range(256)) * 16),
        {},
        ": this is not a spreadsheet: it is neither an Excel workbook nor a text (csv) file",
    ),
    (
        "password-protected workbook",
        "r.xlsx",
        lambda p: ole_file(p, "EncryptionInfo", "EncryptedPackage"),
        {},
        ": the workbook is password-protected; open it in Excel, remove the password "
        "(File > Info > Protect Workbook) and save it again",
    ),
    # .xls, .ods and .xlsb files are read: their broken cases are in test_readers_formats.py
    (
        "web page saved as .xls",
        "r.xls",
        _write(b"<html><body><table><tr><td>Name</td></tr></table></body></html>"),
        {},
        ": this is a web page (HTML) with a spreadsheet's name; open it in Excel and save it as "
        ".xlsx or .csv",
    ),
    (
        "truncated workbook",
        "r.xlsx",
        lambda p: _write(good_xlsx(p).read_bytes()[:1500])(p),
        {},
        ": the workbook is damaged and cannot be read (File is not a zip file); open it in Excel "
        "or LibreOffice and save it as .xlsx or .csv again",
    ),
    (
        "zip bomb declaring 3 GB",
        "r.xlsx",
        lambda p: zip_declaring(p, 3 * 1024**3),
        {},
        ": the workbook would unpack to 3,072 MB, more than the 200 MB speedmeet accepts; "
        "refusing to open it (is it a zip bomb?)",
    ),
    (
        "zip lying about its size",
        "r.xlsx",
        zip_lying_about_size,
        {},
        ": the workbook is damaged and cannot be read",  # prefix: zipfile's reason follows
    ),
    (
        "XML entity bomb",
        "r.xlsx",
        entity_bomb,
        {},
        ": the workbook is damaged and cannot be read",  # prefix: the XML parser's reason follows
    ),
    (
        "a Word document renamed",
        "r.xlsx",
        lambda p: _zip(p, "word/document.xml"),
        {},
        ": this is a Word document, not a spreadsheet",
    ),
    (
        "OpenDocument presentation renamed .ods",
        "r.ods",
        lambda p: _zip(p, "mimetype", "content.xml"),
        {},
        ": this is an OpenDocument presentation, not a spreadsheet",
    ),
    (
        "headers but no rows",
        "r.xlsx",
        lambda p: xlsx(p, [["Inscriptions"], [], ["Name", "Organisation", "Email"]]),
        {},
        ", sheet 'Sheet': the header is in row 3 but there are no participant rows below it",
    ),
    (
        "no name column",
        "r.xlsx",
        lambda p: xlsx(p, [["ID", "Org", "Mail"], [1, "EPER", "a@example.org"]]),
        {},
        ", sheet 'Sheet', row 1: no column with the participants' names; headers found: 'ID', "
        "'Org', 'Mail'. Name it with --column name=\"<header>\" (or first_name and last_name)",
    ),
    (
        "every name empty",
        "r.xlsx",
        lambda p: xlsx(p, [["Name", "Organisation"], [None, "EPER"], ["", "HUG"]]),
        {},
        ", sheet 'Sheet', column 'Name': every name cell is empty; there is no participant to "
        "plan for",
    ),
    (
        "no organisation column",
        "r.xlsx",
        lambda p: xlsx(p, [["Name", "Email"], ["Ana", "a@example.org"]]),
        {},
        ", sheet 'Sheet', row 1: no organisation column; speedmeet needs each person's "
        "organisation to keep colleagues apart. Headers found: 'Name', 'Email'. Name it with "
        '--column organisation="<header>"',
    ),
    (
        "every organisation empty",
        "r.xlsx",
        lambda p: xlsx(p, [["Name", "Organisation"], ["Ana", None], ["Bo", " "]]),
        {},
        ", sheet 'Sheet', column 'Organisation': every organisation cell is empty; speedmeet "
        "needs organisations to keep colleagues apart (write a person's own name for someone "
        "who comes alone)",
    ),
    (
        "duplicate ids",
        "r.xlsx",
        lambda p: xlsx(
            p,
            [
                ["ID", "Name", "Organisation"],
                [1, "Ana", "EPER"],
                [2, "Bo", "HUG"],
                [1, "Cy", "OSAR"],
            ],
        ),
        {},
        ", sheet 'Sheet', row 4, column 'ID': id '1' is used by rows 2 and 4; ids must be unique",
    ),
    (
        "empty ids",
        "r.xlsx",
        lambda p: xlsx(
            p,
            [
                ["N°", "Name", "Organisation"],
                [1, "Ana", "EPER"],
                [None, "Bo", "HUG"],
                ["", "Cy", "X"],
            ],
        ),
        {},
        ", sheet 'Sheet', row 3, column 'N°': rows 3 and 4 have no id; fill them in or delete "
        "the id column so that speedmeet makes its own",
    ),
    (
        "10,000-character cell",
        "r.xlsx",
        lambda p: xlsx(p, [["Name", "Organisation"], ["Ana", "EPER"], ["B" * 10_000, "HUG"]]),
        {},
        ", sheet 'Sheet', row 3, column 'Name': the cell holds 10,000 characters; at most 1,000 "
        "are accepted (was something pasted by mistake?)",
    ),
    (
        "more than 50,000 participants",
        "r.csv",
        _big_csv,
        {},
        ", row 50002: more than 50,000 participant rows; speedmeet plans events of up to 50,000 "
        "people",
    ),
    (
        "quotation mark left open",
        "r.csv",
        _write(b'Name,Organisation\nAna,"EPER\n' + b"x" * 140_000 + b"\n"),
        {},
        ", row 2: the row cannot be read as csv (field larger than field limit (131072)); is a "
        "quotation mark left open?",
    ),
    (
        "bytes of no known encoding",
        "r.csv",
        _write(b"Name;Organisation\nAna;EPER\nBo;Gen\xe8ve\x81\n"),
        {},
        ", row 3: byte 0x81 cannot be read as UTF-8 or Windows-1252; save the file as UTF-8 or "
        "give its encoding with --encoding",
    ),
    (
        "wrong encoding given",
        "r.csv",
        _write(b"Name;Organisation\nAna;EPER\nBo;Gen\xe8ve\n"),
        {"encoding": "utf-8"},
        ", row 3: byte 0xe8 cannot be read as utf-8; save the file as UTF-8 or give its encoding "
        "with --encoding",
    ),
    (
        "unknown encoding",
        "r.csv",
        _write(b"Name;Organisation\nAna;EPER\n"),
        {"encoding": "klingon"},
        ": unknown encoding 'klingon'",
    ),
    (
        "unknown sheet",
        "r.xlsx",
        good_xlsx,
        {"sheet": "Participants"},
        ": no sheet named 'Participants'; the sheets are 'Sheet'",
    ),
    (
        "sheet asked of a csv",
        "r.csv",
        _write(b"Name;Organisation\nAna;EPER\n"),
        {"sheet": "Participants"},
        ": this is a text (csv) file, which has no sheets; --sheet 'Participants' applies to "
        "Excel workbooks",
    ),
    (
        "unknown field in --column",
        "r.xlsx",
        good_xlsx,
        {"columns": {"orga": "Organisme"}},
        ": unknown field 'orga' in --column; the fields are id, name, first_name, last_name, "
        "organisation, email, interests, languages, role, offers, needs, host, first_round, last_round, consent",
    ),
    (
        "--column header not in the sheet",
        "r.xlsx",
        good_xlsx,
        {"columns": {"organisation": "Organisme d'appartenance"}},
        ", sheet 'Sheet', row 1: no column 'Organisme d'appartenance' for organisation (given "
        "with --column); headers found: 'Name', 'Organisation'",
    ),
    (
        "host answer that is not yes or no",
        "r.xlsx",
        lambda p: xlsx(p, [["Name", "Organisation", "Table host"], ["Ana", "EPER", "maybe"]]),
        {},
        ", sheet 'Sheet', row 2, column 'Table host': 'maybe' is not yes or no (write yes, x or "
        "1 for a table host, leave empty otherwise)",
    ),
]


def _zip(path: Path, *names: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            content = (
                "application/vnd.oasis.opendocument.presentation" if name == "mimetype" else "<x/>"
            )
            archive.writestr(name, content)
    return path


@pytest.mark.parametrize(
    ("file_name", "make", "options", "expected"),
    [case[1:] for case in CATALOGUE],
    ids=[case[0] for case in CATALOGUE],
)
def test_bad_file_gets_one_clear_line(
    tmp_path: Path, file_name: str, make: Maker, options: dict[str, object], expected: str
) -> None:
    path = make(tmp_path / file_name)
    before = path.read_bytes()
    with pytest.raises(InputError) as caught:
        read_registrations(path, **options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"{path}{expected}")
    assert "\n" not in message
    assert path.read_bytes() == before  # the input is never written


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^.*nothere\.xlsx: file not found$"):
        read_registrations(tmp_path / "nothere.xlsx")
    folder = tmp_path / "export.xlsx"
    folder.mkdir()
    with pytest.raises(InputError, match=r"^.*export\.xlsx: this is a folder, not a file$"):
        read_registrations(folder)


def test_control_characters_are_stripped_and_reported(tmp_path: Path) -> None:
    # openpyxl refuses to write control characters; Excel stores them escaped as _x0007_
    written = xlsx(
        tmp_path / "w.xlsx", [["Name", "Organisation"], ["Ana Silva", "EP\u200bER"], ["Bo", "HUG"]]
    )
    path = tmp_path / "r.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            part = source.read(entry.filename)
            if entry.filename == "xl/sharedStrings.xml":
                part = part.replace(b"Ana Silva", b"Ana_x0007_ Silva_x001B_")
            target.writestr(entry, part)
    registrations = read_registrations(path)
    assert [(p.name, p.organisation) for p in registrations.participants] == [
        ("Ana Silva", "EPER"),
        ("Bo", "HUG"),
    ]
    assert "control characters (invisible codes) were removed from cells in row 2" in (
        registrations.warnings
    )


def test_control_characters_in_csv_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"Name,Organisation\nAna\x00,EPER\nBo,HUG\n")
    # a stray NUL in a text export (a form tool's bug) is a control character like the others:
    # removed from its cell, with a warning naming the row, and the row is read
    registrations = read_registrations(path)
    assert [p.name for p in registrations.participants] == ["Ana", "Bo"]
    assert "control characters (invisible codes) were removed from cells in row 2" in (
        registrations.warnings
    )
    path.write_bytes(b"Name,Organisation\nAna\x1b[31m,EPER\nBo,HUG\n")
    registrations = read_registrations(path)
    assert registrations.participants[0].name == "Ana[31m"


def test_random_bytes_read_as_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))
    with pytest.raises(InputError):
        read_registrations(path)


def test_a_formula_without_a_saved_result_is_refused_where_it_is(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "formulas.xlsx", [["Name", "Organisation"], ["Ana", "EPER"]])
    book = openpyxl.load_workbook(path)
    book.active.append(['=CONCAT("Bo", " ", "Li")', "HUG"])
    book.active.append(["Cy", "=B2"])
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_registrations(path)
    assert caught.value.where is not None
    assert (caught.value.where.row, caught.value.where.column) == (3, "Name")
    assert '(=CONCAT("Bo", " ", "Li"))' in str(caught.value)


def test_formulas_with_saved_results_read_as_their_results(tmp_path: Path) -> None:
    """What Excel and LibreOffice write: the formula and its last result beside it."""
    path = xlsx(tmp_path / "saved.xlsx", [["Name", "Organisation", "Note"], ["Ana", "EPER", "x"]])
    book = openpyxl.load_workbook(path)
    book.active.append(["=A2", "HUG", '=""'])
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(
        b'<c r="A3"><f>A2</f><v /></c>', b'<c r="A3" t="str"><f>A2</f><v>Bo</v></c>'
    )
    sheet = sheet.replace(
        b'<c r="C3"><f>""</f><v /></c>', b'<c r="C3" t="str"><f>""</f><v></v></c>'
    )
    assert b"<v>Bo</v>" in sheet
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    names = [p.name for p in read_registrations(path).participants]
    assert names == ["Ana", "Bo"]
