"""What calamine does not say about an .ods or .xls sheet, read from the file itself: which rows
are hidden (by hand or by a filter) and which cells show an error (#N/A, #DIV/0!).

calamine reads an error as an empty cell and drops row properties; without this, a hidden
registration would not be reported and a broken lookup would read as a person without an
organisation, where the .xlsx reader says both. Only these marks are read here, in one pass
over the raw records; the cells themselves come from calamine.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SheetMarks:
    """One sheet's hidden rows (1-based, as ranges: a filter may hide a million empty rows)
    and error cells ((1-based row, 0-based column) -> the error as the sheet shows it)."""

    hidden: list[tuple[int, int]] = field(default_factory=list)
    filtered: bool = False
    errors: dict[tuple[int, int], str] = field(default_factory=dict)

    def hidden_among(self, rows: list[int]) -> list[int]:
        """Those of `rows` that are hidden, in order."""
        starts = [start for start, _ in self.hidden]
        found: list[int] = []
        for row in rows:
            index = bisect_right(starts, row) - 1
            if index >= 0 and row <= self.hidden[index][1]:
                found.append(row)
        return found


def read_marks(path: Path, file_format: str) -> dict[str, SheetMarks]:
    """The marks of every sheet that has some, by sheet name; none for .xlsb (not read)."""
    if file_format == "ods":
        return _ods_marks(path)
    if file_format == "xls":
        return _xls_marks(path)
    return {}


# --- OpenDocument: content.xml ---------------------------------------------------------------

_ODS_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>"
)
_NAME = re.compile(rb'table:name="([^"]*)"')
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="([0-9]+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="([0-9]+)"')
_VISIBILITY = re.compile(rb'table:visibility="(collapse|filter)"')
_ERROR_CELL = re.compile(rb'calcext:value-type="error"')
_TEXT = re.compile(rb"<text:p[^>]*>(.*?)</text:p>", re.S)
_TAGS = re.compile(rb"<[^>]*>")


def _ods_marks(path: Path) -> dict[str, SheetMarks]:
    with zipfile.ZipFile(path) as archive:
        data = archive.read("content.xml")
    if b'table:visibility="' not in data and b'calcext:value-type="error"' not in data:
        return {}  # the usual sheet: nothing hidden, no error shown
    marks: dict[str, SheetMarks] = {}
    current: SheetMarks | None = None
    row = column = 0
    for match in _ODS_TAG.finditer(data):
        closing, tag, attributes = match.groups()
        if tag == b"table":
            if closing:
                current = None
            else:
                name = _NAME.search(attributes)
                title = html.unescape(name.group(1).decode("utf-8")) if name else ""
                current = marks.setdefault(title, SheetMarks())
                row = 0
            continue
        if current is None or closing:
            continue
        if tag == b"table-row":
            repeated = _ROWS_REPEATED.search(attributes)
            count = int(repeated.group(1)) if repeated else 1
            first, row, column = row + 1, row + count, 0
            visibility = _VISIBILITY.search(attributes)
            if visibility is not None:
                current.hidden.append((first, row))
                current.filtered = current.filtered or visibility.group(1) == b"filter"
            continue
        if _ERROR_CELL.search(attributes) is not None and not attributes.endswith(b"/"):
            text = _TEXT.search(data, match.end(), data.find(b"</table:", match.end()))
            shown = html.unescape(_TAGS.sub(b"", text.group(1)).decode("utf-8")) if text else ""
            current.errors[(row, column)] = shown.strip() or "#VALUE!"
        repeated = _COLUMNS_REPEATED.search(attributes)
        column += int(repeated.group(1)) if repeated else 1
    return {title: sheet for title, sheet in marks.items() if sheet.hidden or sheet.errors}


# --- Excel 97-2003: the BIFF8 records of the Workbook stream ---------------------------------

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
_ROW, _BOOLERR, _FORMULA, _AUTOFILTERINFO = 0x0208, 0x0205, 0x0006, 0x009D
_ROW_HIDDEN = 0x0020  # fDyZero: the row's height is zero
_ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
               0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}  # fmt: skip


def _xls_marks(path: Path) -> dict[str, SheetMarks]:
    import olefile

    with olefile.OleFileIO(str(path)) as container:
        name = next((n for n in ("Workbook", "Book") if container.exists(n)), None)
        if name is None:
            return {}
        stream = container.openstream(name).read()
    names: dict[int, str] = {}  # a sheet's substream offset -> its name
    marks: dict[str, SheetMarks] = {}
    current: SheetMarks | None = None
    position = 0
    end = len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind == _BOUNDSHEET and length >= 8:
            names[struct.unpack_from("<I", stream, body)[0]] = _sheet_name(stream, body, length)
        elif kind == _BOF:
            title = names.get(position)
            current = marks.setdefault(title, SheetMarks()) if title is not None else None
        elif kind == _EOF:
            current = None
        elif current is not None:
            _xls_record(current, kind, stream, body, length)
        position = body + length
    for sheet in marks.values():
        sheet.hidden = _ranges(sorted(row for row, _ in sheet.hidden))
    return {title: sheet for title, sheet in marks.items() if sheet.hidden or sheet.errors}


def _xls_record(sheet: SheetMarks, kind: int, stream: bytes, body: int, length: int) -> None:
    if kind == _ROW and length >= 16:
        number, flags = struct.unpack_from("<H", stream, body)[0], stream[body + 12]
        if flags & _ROW_HIDDEN:
            sheet.hidden.append((number + 1, number + 1))
    elif kind == _BOOLERR and length >= 8:
        row, column = struct.unpack_from("<HH", stream, body)
        value, is_error = stream[body + 6], stream[body + 7]
        if is_error:
            sheet.errors[(row + 1, column)] = _ERROR_TEXT.get(value, "#VALUE!")
    elif kind == _FORMULA and length >= 14:
        row, column = struct.unpack_from("<HH", stream, body)
        result = stream[body + 6 : body + 14]
        if result[0] == 0x02 and result[6:8] == b"\xff\xff":  # the saved result is an error
            sheet.errors[(row + 1, column)] = _ERROR_TEXT.get(result[2], "#VALUE!")
    elif kind == _AUTOFILTERINFO:
        sheet.filtered = True


def _sheet_name(stream: bytes, body: int, length: int) -> str:
    """A BOUNDSHEET record's name: a short string, Latin-1 or UTF-16 by its flag."""
    size, wide = stream[body + 6], stream[body + 7] & 0x01
    start = body + 8
    raw = stream[start : start + size * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")


def _ranges(rows: list[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for row in rows:
        if ranges and ranges[-1][1] + 1 >= row:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], row))
        else:
            ranges.append((row, row))
    return ranges
