"""Which workbook a file is, told from its content rather than its name (exports are renamed,
and a LibreOffice file saved as "list.xlsx" must still read), and the reader for each."""

from __future__ import annotations

from pathlib import Path

from speedmeet.errors import InputError, Location
from speedmeet.readers import calamine, xlsx
from speedmeet.readers.table import NumberedRow, SheetTable


def workbook_format(path: Path, head: bytes, source: str) -> str | None:
    """ "xlsx", "xlsb", "ods" or "xls"; None when the file is no zip or OLE container (a csv,
    or another file the caller names). A container that is no spreadsheet is refused here."""
    if xlsx.detect(head):
        return xlsx.zip_format(path, source)
    if head.startswith(xlsx.OLE_MAGIC):
        return xlsx.ole_format(path, source)
    return None


def parse_workbook(
    path: Path,
    source: str,
    file_format: str,
    *,
    sheet: str | None,
    overrides: dict[str, str],
) -> SheetTable:
    """The participant table of a workbook of the given format."""
    if file_format == "xlsx":
        return xlsx.parse(path, source, sheet=sheet, overrides=overrides)
    return calamine.parse(path, source, file_format, sheet=sheet, overrides=overrides)


def event_sheets_of(path: Path, source: str) -> dict[str, tuple[str, list[NumberedRow]]]:
    """The Tables, Requests and Rounds sheets of a workbook; none for a text file."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as error:
        raise InputError(f"the file cannot be read ({error.strerror})", Location(source)) from None
    file_format = workbook_format(path, head, source)
    if file_format is None:
        return {}
    if file_format == "xlsx":
        return xlsx.read_event_sheets(path, source)
    return calamine.read_event_sheets(path, source, file_format)
