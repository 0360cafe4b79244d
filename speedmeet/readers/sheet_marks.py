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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Damaged(ValueError):
    """The records contradict themselves in a way that would make calamine abort the process
    (a sheet's size beyond what the format can hold asks for terabytes of memory)."""


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
    """The marks of every sheet that has some, by sheet name. Raises `Damaged` for an .xls or
    .xlsb whose cells lie beyond what the format can hold: calamine would ask for terabytes of
    memory for them and abort the whole process."""
    if file_format == "ods":
        return _ods_marks(path)
    if file_format == "xls":
        return _xls_marks(path)
    if file_format == "xlsb":
        return _xlsb_marks(path)
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
_DIMENSIONS = 0x0200
# Records of one cell (row, column first) and of several (MULRK, MULBLANK: last column at the end)
_CELL_RECORDS = frozenset({0x00FD, 0x0203, 0x027E, 0x0201, 0x0204, 0x0205, 0x0006, 0x00BD, 0x00BE})
_MULTIPLE_CELLS = frozenset({0x00BD, 0x00BE})
_MAX_ROWS, _MAX_COLUMNS = 65_536, 256  # an .xls sheet's size
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
        elif kind == _DIMENSIONS and length >= 12:
            _check_dimensions(stream, body)
        else:
            if kind in _CELL_RECORDS and length >= 4:
                _check_column(stream, body, length, kind)
            if current is not None:
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


def _check_dimensions(stream: bytes, body: int) -> None:
    first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", stream, body)
    if not (first_row <= last_row <= _MAX_ROWS and first_column <= last_column <= _MAX_COLUMNS):
        raise Damaged(
            f"a sheet claims rows {first_row + 1} to {last_row} and columns {first_column + 1} "
            f"to {last_column}"
        )


def _check_column(stream: bytes, body: int, length: int, kind: int) -> None:
    column = struct.unpack_from("<H", stream, body + 2)[0]
    if kind in _MULTIPLE_CELLS and length >= 6:
        column = max(column, struct.unpack_from("<H", stream, body + length - 2)[0])
    if column >= _MAX_COLUMNS:
        raise Damaged(f"a cell lies in column {column + 1}, beyond the format's {_MAX_COLUMNS}")


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


# --- binary Excel (.xlsb): the BIFF12 records of each sheet part ------------------------------

_XLSB_ROWS, _XLSB_COLUMNS = 1_048_576, 16_384
_BRT_ROW, _BRT_WS_DIM, _BRT_BEGIN_AFILTER, _BRT_BUNDLE_SHEET = 0x0000, 0x0094, 0x00A1, 0x009C
_BRT_CELLS = range(1, 19)  # BrtCellBlank ... BrtShortIsst: a column first
_BRT_ERRORS = frozenset({3, 11, 14})  # BrtCellError, BrtFmlaError, BrtShortError
_RELATIONSHIP = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_RELATIONSHIP_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _xlsb_marks(path: Path) -> dict[str, SheetMarks]:
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        parts = _xlsb_sheet_parts(
            archive.read("xl/workbook.bin"), archive.read("xl/_rels/workbook.bin.rels")
        )
        marks: dict[str, SheetMarks] = {}
        for title, part in parts:
            if part in names:
                sheet = _xlsb_sheet(archive.read(part))
                if sheet.hidden or sheet.errors:
                    marks[title] = sheet
    return marks


def _xlsb_sheet_parts(workbook: bytes, relationships: bytes) -> list[tuple[str, str]]:
    """(sheet name, zip part) in the workbook's order."""
    targets = {
        key.decode(): target.decode() for key, target in _RELATIONSHIP.findall(relationships)
    }
    targets.update(
        (key.decode(), target.decode())
        for target, key in _RELATIONSHIP_REVERSED.findall(relationships)
    )
    parts: list[tuple[str, str]] = []
    for kind, body in _biff12_records(workbook):
        if kind != _BRT_BUNDLE_SHEET or len(body) < 16:
            continue
        relation, position = _wide_string(body, 8)
        title, _ = _wide_string(body, position)
        target = targets.get(relation, "")
        parts.append((title, target.lstrip("/") if target.startswith("/") else f"xl/{target}"))
    return parts


def _wide_string(data: bytes, position: int) -> tuple[str, int]:
    """An XLWideString (a 4-byte count of UTF-16 units, 0xFFFFFFFF for none) and what follows."""
    count = struct.unpack_from("<I", data, position)[0]
    position += 4
    if count == 0xFFFFFFFF:
        return "", position
    end = position + 2 * count
    return data[position:end].decode("utf-16-le", errors="replace"), end


def _xlsb_sheet(data: bytes) -> SheetMarks:
    sheet = SheetMarks()
    hidden: list[int] = []
    row = 0
    for kind, body in _biff12_records(data):
        if kind == _BRT_ROW and len(body) >= 12:
            row = struct.unpack_from("<I", body, 0)[0]
            if row >= _XLSB_ROWS:
                raise Damaged(f"a row is numbered {row + 1}, beyond the format's {_XLSB_ROWS:,}")
            if body[11] & 0x10:  # fDyZero: the row's height is zero
                hidden.append(row + 1)
        elif kind in _BRT_CELLS and len(body) >= 4:
            column = struct.unpack_from("<I", body, 0)[0]
            if column >= _XLSB_COLUMNS:
                raise Damaged(
                    f"a cell lies in column {column + 1:,}, beyond the format's {_XLSB_COLUMNS:,}"
                )
            if kind in _BRT_ERRORS and len(body) >= 9:
                sheet.errors[(row + 1, column)] = _ERROR_TEXT.get(body[8], "#VALUE!")
        elif kind == _BRT_WS_DIM and len(body) >= 16:
            first_row, last_row, first_column, last_column = struct.unpack_from("<IIII", body, 0)
            if not (
                first_row <= last_row < _XLSB_ROWS and first_column <= last_column < _XLSB_COLUMNS
            ):
                raise Damaged(f"a sheet claims rows {first_row + 1:,} to {last_row + 1:,}")
        elif kind == _BRT_BEGIN_AFILTER:
            sheet.filtered = True
    sheet.hidden = _ranges(hidden)
    return sheet


def _biff12_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(record type, body) of each BIFF12 record: type and size are 7-bit variable integers."""
    position, end = 0, len(data)
    while position < end:
        kind = data[position]
        position += 1
        if kind & 0x80:
            if position >= end:
                raise Damaged("a record is cut short")
            kind = (kind & 0x7F) | ((data[position] & 0x7F) << 7)
            position += 1
        size = shift = 0
        for _ in range(4):
            if position >= end:
                raise Damaged("a record is cut short")
            byte = data[position]
            position += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        yield kind, data[position : position + size]
        position += size
