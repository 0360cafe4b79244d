"""LibreOffice and older Excel workbooks (.ods, .xls, .xlsb), read with python-calamine.

calamine reads all three formats in compiled code, faster than openpyxl reads .xlsx, and
returns each formula's saved result, as Excel and LibreOffice show it. This module only opens
the file and lists its sheets as numbered rows of text; which sheet holds the participants, the
header below title rows and every message come from the shared `workbook` and `table` modules,
exactly as for .xlsx.

What calamine does not say (hidden rows, filters, the error a cell shows) is read beside it by
`sheet_marks`, which also refuses the damage that would make calamine abort the process.
"""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from speedmeet.errors import InputError, Location
from speedmeet.readers.isolated import ReaderStopped, run_isolated
from speedmeet.readers.sheet_marks import SheetMarks, read_marks
from speedmeet.readers.table import NumberedRow, SheetTable, cell_text
from speedmeet.readers.workbook import Sheet, choose_table, event_sheet_rows

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

Result = TypeVar("Result")

FORMATS = {
    "ods": "OpenDocument spreadsheet (.ods)",
    "xls": "Excel 97-2003 workbook (.xls)",
    "xlsb": "binary Excel workbook (.xlsb)",
}

_RESAVE = "open it in LibreOffice or Excel and save it again"


def parse(
    path: Path, source: str, file_format: str, *, sheet: str | None, overrides: dict[str, str]
) -> SheetTable:
    """The participant table of the chosen sheet, or of the first sheet that holds one."""
    return _isolated(_parse, source, file_format, path, source, file_format, sheet, overrides)


def read_event_sheets(
    path: Path, source: str, file_format: str
) -> dict[str, tuple[str, list[NumberedRow]]]:
    """The rows of the workbook's Tables, Requests and Rounds sheets (see `event_sheet_rows`)."""
    return _isolated(_read_event_sheets, source, file_format, path, source, file_format)


def _isolated(function: Callable[..., Result], source: str, file_format: str, *args: Any) -> Result:
    """calamine runs in a child process: Rust aborts the process when a damaged file asks it for
    more memory than there is, and only the child should die of that."""
    try:
        return run_isolated(function, *args)
    except ReaderStopped as error:
        raise _damaged(source, file_format, error) from None


def _parse(
    path: Path, source: str, file_format: str, sheet: str | None, overrides: dict[str, str]
) -> SheetTable:
    marks = _marks(path, source, file_format)
    with _open_workbook(path, source, file_format) as workbook:
        table = choose_table(
            _sheets(workbook, source, file_format, marks), source, sheet, overrides
        )
    if table.sheet in marks:
        table.hidden_rows = marks[table.sheet].hidden_among([row.number for row in table.rows])
        table.filtered = marks[table.sheet].filtered
    return table


def _read_event_sheets(
    path: Path, source: str, file_format: str
) -> dict[str, tuple[str, list[NumberedRow]]]:
    marks = _marks(path, source, file_format)
    with _open_workbook(path, source, file_format) as workbook:
        return event_sheet_rows(_sheets(workbook, source, file_format, marks), source)


def _marks(path: Path, source: str, file_format: str) -> dict[str, SheetMarks]:
    """Hidden rows and error cells, read before calamine sees the file. A file whose records
    cannot be walked is refused here: calamine might take its damage for a sheet of a billion
    cells and abort (the child process it runs in, at least)."""
    try:
        return read_marks(path, file_format)
    except Exception as error:  # zipfile, olefile and struct raise several kinds on damage
        raise _damaged(source, file_format, error) from None


@contextlib.contextmanager
def _open_workbook(path: Path, source: str, file_format: str) -> Iterator[CalamineWorkbook]:
    """The workbook opened for reading, with damage and passwords named as such."""
    import python_calamine

    try:
        if path.suffix.lower() == f".{file_format}":
            workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine picks its reader by the suffix; a renamed file is handed over as bytes
            with path.open("rb") as stream:
                workbook = python_calamine.CalamineWorkbook.from_filelike(stream)
    except python_calamine.PasswordError:
        raise _password_protected(source, file_format) from None
    except BaseException as error:  # calamine raises several kinds, and panics, on damage
        raise _damaged(source, file_format, _unless_stopped(error)) from None
    try:
        yield workbook
    except InputError:
        raise
    except python_calamine.PasswordError:
        raise _password_protected(source, file_format) from None
    except BaseException as error:  # damage found only when a sheet is read
        raise _damaged(source, file_format, _unless_stopped(error)) from None
    finally:
        workbook.close()


def _unless_stopped(error: BaseException) -> BaseException:
    """The error to report as damage; Ctrl-C and exits go on as they are. A Rust panic inside
    calamine (a damaged file it did not expect) arrives as pyo3's PanicException, which is no
    Exception."""
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
        raise error
    return error


def _sheets(
    workbook: CalamineWorkbook, source: str, file_format: str, marks: dict[str, SheetMarks]
) -> list[Sheet]:
    """The workbook's tabs in order; a chart sheet (no cells) has no rows. calamine loads a
    sheet whole, so each is loaded once and its rows read from memory as often as asked."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    if not workbook.sheets_metadata:  # every workbook has a sheet; calamine skips unreadable XML
        raise _damaged(source, file_format, ValueError("no sheet found"))
    loaded: dict[str, list[NumberedRow]] = {}

    def rows_of(title: str) -> Iterator[NumberedRow]:
        if title not in loaded:
            loaded[title] = list(_rows(workbook, title, marks.get(title)))
        return iter(loaded[title])

    return [
        Sheet(
            metadata.name,
            metadata.visible != SheetVisibleEnum.Visible,
            None
            if metadata.typ == SheetTypeEnum.ChartSheet
            else functools.partial(rows_of, metadata.name),
        )
        for metadata in workbook.sheets_metadata
    ]


def _rows(
    workbook: CalamineWorkbook, title: str, marks: SheetMarks | None
) -> Iterator[NumberedRow]:
    """Every row with its 1-based number and every cell from column A, even where the data
    starts lower or further right (calamine pads the empty area, as the sheet shows it); a cell
    showing an error reads as that error ("#N/A"), as in an .xlsx, not as an empty cell."""
    values = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
    if marks is not None:
        for (row, column), shown in marks.errors.items():
            if (
                row <= len(values)
                and column < len(values[row - 1])
                and values[row - 1][column] == ""
            ):
                values[row - 1][column] = shown
    for number, row_values in enumerate(values, start=1):
        yield number, [cell_text(value) for value in row_values]


def _password_protected(source: str, file_format: str) -> InputError:
    how = (
        "open it in LibreOffice, untick 'Save with password' in File > Save As and save it again"
        if file_format == "ods"
        else "open it in Excel or LibreOffice, remove the password and save it again"
    )
    return InputError(f"the {FORMATS[file_format]} is password-protected; {how}", Location(source))


def _damaged(source: str, file_format: str, error: BaseException) -> InputError:
    """One line, with calamine's reason cut to its first clause."""
    lines = str(error).strip().splitlines()
    detail = re.split(r"\s*b['\"]", lines[0])[0] if lines else ""
    detail = (detail[:80] + "...") if len(detail) > 80 else detail or type(error).__name__
    return InputError(
        f"the {FORMATS[file_format]} is damaged and cannot be read ({detail}); {_RESAVE}",
        Location(source),
    )
