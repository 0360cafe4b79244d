"""Reading registration files: a workbook (Excel, LibreOffice) or a csv export becomes a list of
participants.

The format is told from the file's content, not its name: exports are often renamed, and a
PDF or a web page saved as ".xls" deserves a clear word rather than a parser's traceback.
Nothing here writes to the input file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from speedmeet.errors import InputError, Location
from speedmeet.readers import csv
from speedmeet.readers.columns import FIELDS
from speedmeet.readers.event_sheets import EventSheets, read_event_sheets
from speedmeet.readers.formats import parse_workbook, workbook_format
from speedmeet.readers.registrations import HIDDEN_ROWS, Registrations, build_registrations
from speedmeet.readers.table import MAX_FILE_BYTES, SheetTable, megabytes, megabytes_over

__all__ = [
    "FIELDS",
    "HIDDEN_ROWS",
    "EventSheets",
    "Registrations",
    "read_event_sheets",
    "read_registrations",
]

_HEAD_BYTES = 8192
_EXPORT = "export the registrations as .xlsx or .csv"


def read_registrations(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    columns: Mapping[str, str] | None = None,
    hidden_rows: str = HIDDEN_ROWS[0],
) -> Registrations:
    """Read the participants of a registration file (.xlsx, .xlsm, .ods, .xls, .xlsb, .csv, .tsv,
    .txt).

    `sheet` chooses a workbook's sheet (else the first holding a participant table),
    `encoding` a text file's encoding (else UTF-8, then Windows-1252), and `columns` maps
    fields (`organisation`, ...) to the header text the user wrote, overriding recognition;
    `hidden_rows` says whether rows hidden in a workbook are planned ("include") or not ("skip").
    """
    source = str(path)
    overrides = _check_overrides(columns or {}, source)
    head = _read_head(Path(path), source)
    table: SheetTable
    file_format = workbook_format(Path(path), head, source)
    if file_format is not None:
        table = parse_workbook(Path(path), source, file_format, sheet=sheet, overrides=overrides)
    else:
        _refuse_other_formats(head, source)
        if not csv.detect(head, encoding):
            utf16 = csv.utf16_without_mark(head)
            if utf16 is not None:
                raise InputError(
                    f"this looks like UTF-16 text saved without its byte-order mark; give its "
                    f"encoding with --encoding {utf16}",
                    Location(source),
                )
            raise InputError(
                "this is not a spreadsheet: it is neither an Excel workbook nor a text (csv) file",
                Location(source),
            )
        if sheet is not None:
            raise InputError(
                f"this is a text (csv) file, which has no sheets; --sheet '{sheet}' applies "
                "to Excel workbooks",
                Location(source),
            )
        table = csv.parse(Path(path), source, encoding=encoding, overrides=overrides)
    return build_registrations(table, source, hidden_rows=hidden_rows)


def _check_overrides(columns: Mapping[str, str], source: str) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for field_name, header in columns.items():
        if field_name not in FIELDS:
            known = ", ".join(FIELDS)
            raise InputError(
                f"unknown field '{field_name}' in --column; the fields are {known}",
                Location(source),
            )
        if not header.strip():
            raise InputError(f"--column {field_name}= needs a header text", Location(source))
        overrides[field_name] = header
    headers = list(overrides.values())
    for header in headers:
        if headers.count(header) > 1:
            raise InputError(
                f"--column gives the header '{header}' to more than one field", Location(source)
            )
    return overrides


def _read_head(path: Path, source: str) -> bytes:
    """The first bytes of the file, after the checks that need no parsing."""
    where = Location(source)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError("this is a folder, not a file", where)
        if not path.is_file():
            # A pipe or device would make the read wait forever or never end.
            raise InputError("this is not a regular file; save the registrations as a file", where)
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise InputError("file not found", where) from None
    except PermissionError:
        raise InputError("the file cannot be read: permission denied", where) from None
    except OSError as error:
        raise InputError(f"the file cannot be read ({error.strerror})", where) from None
    if size == 0 or not head:
        raise InputError("the file is empty", where)
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"the file is {megabytes_over(size, MAX_FILE_BYTES)}; registration files over "
            f"{megabytes(MAX_FILE_BYTES)} are refused",
            where,
        )
    return head


def _refuse_other_formats(head: bytes, source: str) -> None:
    """Name the usual files that people pick by mistake."""
    where = Location(source)
    start = head.lstrip().lower()
    if head.startswith(b"%PDF"):
        raise InputError(f"this is a PDF document, not a spreadsheet; {_EXPORT}", where)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise InputError(f"this is an image, not a spreadsheet; {_EXPORT}", where)
    if head.startswith((b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")):
        raise InputError("this is a compressed archive; unpack it first", where)
    if head.startswith(b"{\\rtf"):
        raise InputError(f"this is a Word (RTF) document, not a spreadsheet; {_EXPORT}", where)
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise InputError(
            "this is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx or .csv",
            where,
        )
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"\xef\xbb\xbf<html")):
        raise InputError(
            "this is a web page (HTML) with a spreadsheet's name; open it in Excel and save "
            "it as .xlsx or .csv",
            where,
        )
