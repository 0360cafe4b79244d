"""Excel workbooks (.xlsx, .xlsm): the first sheet holding a participant table, read streaming.

The file is checked as a zip before openpyxl sees it, so that a zip bomb or a Word document
renamed .xlsx gets a clear refusal instead of a hang or a traceback; the same check tells an
OpenDocument or binary (.xlsb) workbook, which the `calamine` module reads. Old binary .xls files
and password-protected workbooks are both OLE containers; they are told apart here too.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from speedmeet.errors import InputError, Location
from speedmeet.readers.table import (
    MAX_FILE_BYTES,
    NumberedRow,
    SheetTable,
    cell_text,
    megabytes,
    megabytes_over,
)
from speedmeet.readers.workbook import Sheet, choose_table, event_sheet_rows

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_ZIP_ENTRIES = 10_000

_SAVE_AS = "open it in Excel or LibreOffice and save it as .xlsx or .csv"


def detect(head: bytes) -> bool:
    """Whether the file is a zip container (what every .xlsx is)."""
    return head.startswith(ZIP_MAGIC)


def parse(path: Path, source: str, *, sheet: str | None, overrides: dict[str, str]) -> SheetTable:
    """The participant table of the chosen sheet, or of the first sheet that holds one."""
    with _open_workbook(path, source) as workbook:
        table = choose_table(_sheets(workbook), source, sheet, overrides)
        part = getattr(workbook[table.sheet], "_worksheet_path", None) if table.sheet else None
    if part:
        _refuse_unsaved_formulas(path, str(part), table, source)
        _note_hidden_rows(path, str(part), table)
    return table


_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="([0-9]+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_AUTO_FILTER = re.compile(rb"<(?:\w+:)?autoFilter\b")


def _note_hidden_rows(path: Path, part: str, table: SheetTable) -> None:
    """Mark the participant rows that are hidden in Excel, by hand or by a filter.

    openpyxl's streaming reader drops row properties, so the sheet's XML is read for them: a
    hidden row has `hidden="1"` on its <row>; a filter hides rows the same way and adds an
    <autoFilter> to the sheet."""
    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read(part)
        except KeyError:
            return
    hidden: set[int] = set()
    for match in _ROW_TAG.finditer(data):
        attributes = match.group(1)
        number = _ROW_NUMBER.search(attributes)
        if number is not None and _HIDDEN.search(attributes):
            hidden.add(int(number.group(1)))
    read = {row.number for row in table.rows}
    table.hidden_rows = sorted(hidden & read)
    table.filtered = _AUTO_FILTER.search(data) is not None


_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*)>\s*<f(?:\s[^>]*)?>(.*?)</f>(.*?)</c>', re.S
)
_VALUE = re.compile(rb"<v>[^<]+</v>")


def _refuse_unsaved_formulas(path: Path, part: str, table: SheetTable, source: str) -> None:
    """Stop at a formula whose result was never saved in a column speedmeet reads.

    Excel and LibreOffice store each formula's last result beside it, and that result is what
    speedmeet reads; a workbook written by a program often holds formulas without results,
    which would read as empty cells (a participant "without a name", an organisation lost).
    A formula whose saved result is empty text (t="str") is a real empty cell and passes."""
    columns = set(table.mapping.fields.values())
    if not columns:
        return
    with zipfile.ZipFile(path) as archive:
        try:
            data = archive.read(part)
        except KeyError:
            return
    for match in _FORMULA_CELL.finditer(data):
        letters, number, attributes, formula, rest = match.groups()
        row = int(number)
        column = _column_index(letters.decode("ascii"))
        if row <= table.header_row or column not in columns:
            continue
        if _VALUE.search(rest) or b't="str"' in attributes:
            continue
        text = html.unescape(formula.decode("utf-8", errors="replace"))
        shown = text if len(text) <= 40 else text[:39] + "…"
        raise InputError(
            f"the cell holds a formula (={shown}) whose result was never saved, so its value "
            "is unknown (was the file written by a program?); open it in Excel or LibreOffice "
            "and save it, or paste the values instead of the formulas",
            Location(source, table.sheet, row, table.label(column)),
        )


def _column_index(letters: str) -> int:
    """0-based index of a column letter ("A" -> 0, "AA" -> 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def read_event_sheets(path: Path, source: str) -> dict[str, tuple[str, list[NumberedRow]]]:
    """The rows of the workbook's Tables, Requests and Rounds sheets (see `event_sheet_rows`)."""
    with _open_workbook(path, source) as workbook:
        return event_sheet_rows(_sheets(workbook), source)


@contextlib.contextmanager
def _open_workbook(path: Path, source: str) -> Iterator[Any]:
    """The workbook opened read-only, with damage found while reading named as such."""
    zip_format(path, source)
    import openpyxl

    # Opened by us, read-only, and handed over as a stream: openpyxl then does not judge the
    # file by its name, so a workbook saved as "export.xls" or without a suffix still reads.
    with path.open("rb") as stream, warnings.catch_warnings():
        # openpyxl warns about features it drops (data validation, styles): not the user's concern
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on damaged files
            raise _damaged(source, error) from None
        try:
            yield workbook
        except InputError:
            raise
        except Exception as error:  # damage found only while streaming the sheet's XML
            raise _damaged(source, error) from None
        finally:
            workbook.close()


def _sheets(workbook: Any) -> list[Sheet]:
    """The workbook's tabs in order; a chart sheet (no cells) has no rows."""
    return [
        Sheet(
            worksheet.title,
            worksheet.sheet_state != "visible",
            functools.partial(_rows, worksheet) if hasattr(worksheet, "iter_rows") else None,
        )
        for worksheet in (workbook[name] for name in workbook.sheetnames)
    ]


def _rows(worksheet: Any) -> Iterator[NumberedRow]:
    """Every row with its 1-based number; sheet dimensions are not trusted (some tools lie)."""
    worksheet.reset_dimensions()
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        yield number, [cell_text(value) for value in values]


def zip_format(path: Path, source: str) -> str:
    """Which workbook a zip container is ("xlsx", "xlsb" or "ods"); refuse any other zip, or
    one that would unpack to far more than any registration list."""
    where = Location(source)
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except Exception as error:  # zipfile raises several kinds on hostile archives
        raise _damaged(source, error) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise InputError(
            f"the workbook holds {len(entries):,} parts; refusing a file that no registration "
            "list needs (is it a zip bomb?)",
            where,
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_FILE_BYTES:
        raise InputError(
            f"the workbook would unpack to {megabytes_over(unpacked, MAX_FILE_BYTES)}, more "
            f"than the {megabytes(MAX_FILE_BYTES)} speedmeet accepts; refusing to open it "
            "(is it a zip bomb?)",
            where,
        )
    names = {entry.filename.lower() for entry in entries}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names:
        try:
            kind = _opendocument_type(path)
        except Exception as error:  # zipfile raises several kinds on a damaged entry
            raise _damaged(source, error) from None
        if kind and not kind.startswith("spreadsheet"):
            raise InputError(f"this is an OpenDocument {kind}, not a spreadsheet", where)
        return "ods"
    if "word/document.xml" in names:
        raise InputError("this is a Word document, not a spreadsheet", where)
    if any(name.startswith("ppt/") for name in names):
        raise InputError("this is a PowerPoint file, not a spreadsheet", where)
    raise InputError("this is a zip archive, not an Excel workbook", where)


def _opendocument_type(path: Path) -> str:
    """What an OpenDocument file says it is ("spreadsheet", "text"...); "" when it does not say."""
    with zipfile.ZipFile(path) as archive:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", errors="replace").strip()
        except KeyError:
            return ""
    prefix = "application/vnd.oasis.opendocument."
    return mimetype.removeprefix(prefix) if mimetype.startswith(prefix) else ""


def ole_format(path: Path, source: str) -> str:
    """An OLE container that is an old Excel 97-2003 workbook is "xls"; a password-protected
    workbook and other Office files are refused with advice."""
    content = path.read_bytes()[:MAX_FILE_BYTES]
    where = Location(source)
    if "EncryptedPackage".encode("utf-16-le") in content:
        raise InputError(
            "the workbook is password-protected; open it in Excel, remove the password "
            "(File > Info > Protect Workbook) and save it again",
            where,
        )
    if "Workbook".encode("utf-16-le") in content or "Book".encode("utf-16-le") in content:
        return "xls"
    if "WordDocument".encode("utf-16-le") in content:
        raise InputError("this is a Word document, not a spreadsheet", where)
    if "PowerPoint Document".encode("utf-16-le") in content:
        raise InputError("this is a PowerPoint file, not a spreadsheet", where)
    if path.suffix.lower() == ".xls":  # its directory cut off or damaged: the .xls reader says
        return "xls"
    raise InputError(f"this is an old Office file, not a readable spreadsheet; {_SAVE_AS}", where)


def _damaged(source: str, error: BaseException) -> InputError:
    """One line, with the parser's reason cut before any dump of raw bytes."""
    lines = str(error).strip().splitlines()
    detail = re.split(r"\s*b['\"]", lines[0])[0] if lines else ""
    detail = (detail[:80] + "...") if len(detail) > 80 else detail or type(error).__name__
    return InputError(
        f"the workbook is damaged and cannot be read ({detail}); {_SAVE_AS} again",
        Location(source),
    )
