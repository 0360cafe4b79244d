"""What every format reader produces: a header row and the rows below it, numbered as the user
sees them, plus the shared steps that find that header below title rows and blank rows.

A format module (`xlsx`, `csv`) only turns its file into numbered rows of text; finding the
table, the limits and the error messages are the same for every format and live here.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from speedmeet.errors import InputError, Location
from speedmeet.readers.columns import ColumnMapping, header_row_score, map_columns

# An event of more people than this is not a speed meeting, and the solver would not cope.
MAX_PARTICIPANT_ROWS = 50_000
# Title rows, logos and notes above the header: how far down the header is looked for.
HEADER_SCAN_ROWS = 30
# Refused before parsing: no registration list comes near this size.
MAX_FILE_BYTES = 200 * 1024 * 1024

NumberedRow = tuple[int, Sequence[str]]


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row below the header: its 1-based number in the file and its cells."""

    number: int
    cells: tuple[str, ...]


@dataclass
class SheetTable:
    """A participant table as found in one sheet (or csv file)."""

    sheet: str | None
    header_row: int
    headers: list[str]
    mapping: ColumnMapping
    rows: list[SheetRow]
    repeated_headers: list[int]
    hidden_rows: list[int] = field(default_factory=list)
    """Rows of `rows` hidden in the spreadsheet (by hand or by a filter), as its reader saw."""
    filtered: bool = False
    """Whether the sheet has a filter, so that hidden rows are most likely filtered out."""

    def label(self, index: int) -> str:
        """The column as the user names it: its header text, or its position when it has none."""
        return self.headers[index] or f"column {index + 1}"


@dataclass(frozen=True)
class HeaderGuess:
    """The row that looks most like a header in the first rows of a sheet."""

    row: int
    headers: list[str]
    mapping: ColumnMapping
    score: float


def cell_text(value: object) -> str:
    """A spreadsheet value as the text the user sees (12 not 12.0, dates as ISO, a date without
    a time of day as the date alone), the same whichever format and library read the cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return str(value)


def clean_text(text: str) -> tuple[str, bool]:
    """Remove control characters (keeping line breaks) and tidy spaces; say if any were removed.

    Form answers pasted from other tools carry NULs, escape codes and zero-width spaces that
    would print as boxes on badges or break the csv and xlsx outputs.
    """
    if text.isprintable():  # the usual cell: no control characters, no line breaks
        tidy = " ".join(text.split())
        return unicodedata.normalize("NFC", tidy), False
    normalised = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept: list[str] = []
    removed = False
    for char in normalised:
        if char == "\n":
            kept.append(char)
        elif char == "\t":
            kept.append(" ")
        elif unicodedata.category(char) == "Cc" or char in "\u200b\ufeff":
            removed = True
        else:
            kept.append(char)
    lines = [" ".join(line.split()) for line in "".join(kept).split("\n")]
    return "\n".join(line for line in lines if line), removed


def header_text(text: str) -> str:
    """A header as shown back to the user: one line, no control characters."""
    return " ".join(clean_text(text)[0].split())


def is_blank(cells: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def find_header(rows: Iterable[NumberedRow], overrides: Mapping[str, str]) -> HeaderGuess | None:
    """The header among the first non-blank rows: one with a name column, then the best score."""
    best: HeaderGuess | None = None
    seen = 0
    for number, cells in rows:
        if is_blank(cells):
            continue
        seen += 1
        headers = _trim([header_text(cell) for cell in cells])
        mapping = map_columns(headers, overrides)
        guess = HeaderGuess(number, headers, mapping, header_row_score(headers, overrides))
        if best is None or _rank(guess) > _rank(best):
            best = guess
        if seen >= HEADER_SCAN_ROWS:
            break
    return best


def _rank(guess: HeaderGuess) -> tuple[bool, float]:
    return (guess.mapping.has_name() and not guess.mapping.missing_overrides, guess.score)


def _trim(headers: list[str]) -> list[str]:
    while headers and not headers[-1]:
        headers.pop()
    return headers


def check_header(guess: HeaderGuess, where: Location) -> None:
    """Refuse a table without a name column, or where a `--column` header is missing."""
    found = ", ".join(f"'{h}'" for h in guess.headers if h) or "none"
    if guess.mapping.missing_overrides:
        field_name, text = guess.mapping.missing_overrides[0]
        raise InputError(
            f"no column '{text}' for {field_name} (given with --column); headers found: {found}",
            where,
        )
    if not guess.mapping.has_name():
        raise InputError(
            f"no column with the participants' names; headers found: {found}. "
            'Name it with --column name="<header>" (or first_name and last_name)',
            where,
        )


def collect_table(
    rows: Iterable[NumberedRow], guess: HeaderGuess, source: str, sheet: str | None
) -> SheetTable:
    """The non-blank rows below the header, cut to the header's width; refuse huge tables."""
    width = len(guess.headers)
    header = tuple(guess.headers)
    body: list[SheetRow] = []
    repeated_headers: list[int] = []
    for number, cells in _after(rows, guess.row):
        if is_blank(cells):
            continue
        padded = tuple(cells[:width]) + ("",) * (width - len(cells))
        if padded[0].strip() == header[0] and tuple(header_text(c) for c in padded) == header:
            repeated_headers.append(number)  # as when two exports are pasted one below the other
            continue
        body.append(SheetRow(number, padded))
        if len(body) > MAX_PARTICIPANT_ROWS:
            raise InputError(
                f"more than {MAX_PARTICIPANT_ROWS:,} participant rows; speedmeet plans events "
                f"of up to {MAX_PARTICIPANT_ROWS:,} people",
                Location(source, sheet, number),
            )
    if not body:
        raise InputError(
            f"the header is in row {guess.row} but there are no participant rows below it",
            Location(source, sheet),
        )
    return SheetTable(sheet, guess.row, guess.headers, guess.mapping, body, repeated_headers)


def _after(rows: Iterable[NumberedRow], header_row: int) -> Iterator[NumberedRow]:
    for number, cells in rows:
        if number > header_row:
            yield number, cells
