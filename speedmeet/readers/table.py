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
from speedmeet.readers.columns import ColumnMapping, header_row_score, map_columns, recognise

# An event of more people than this is not a speed meeting, and the solver would not cope.
MAX_PARTICIPANT_ROWS = 50_000
# Title rows, logos and notes above the header: how far down the header is looked for.
HEADER_SCAN_ROWS = 30
# Refused before parsing: no registration list comes near this size.
MAX_FILE_BYTES = 200 * 1024 * 1024

NumberedRow = tuple[int, Sequence[str]]


def megabytes(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB"


def megabytes_over(size: int, limit: int) -> str:
    """A size just over `limit`, shown precisely enough to differ from it ("200.3 MB")."""
    for decimals in (0, 1, 2):
        shown = f"{size / 1024**2:,.{decimals}f}"
        if float(shown.replace(",", "")) > limit / 1024**2:
            return f"{shown} MB"
    return f"{size:,} bytes"


@dataclass(frozen=True)
class SheetRow:
    """One non-blank row below the header: its 1-based number in the file and its cells."""

    number: int
    cells: tuple[str, ...]


@dataclass
class SheetTable:
    """A participant table as found in one sheet (or csv file), and what became of every row
    below its header: each is in `rows`, `blank_rows` or `repeated_headers`, so that the
    registrations can account for all `data_rows` of the sheet."""

    sheet: str | None
    header_row: int
    headers: list[str]
    mapping: ColumnMapping
    rows: list[SheetRow]
    repeated_headers: list[int]
    blank_rows: list[int] = field(default_factory=list)
    """Empty rows between the header and the last row that holds something."""
    header_start: int = 0
    """The first row of a header written over two rows (merged cells above); else header_row."""
    hidden_rows: list[int] = field(default_factory=list)
    """Rows of `rows` hidden in the spreadsheet (by hand or by a filter), as its reader saw."""
    filtered: bool = False
    """Whether the sheet has a filter, so that hidden rows are most likely filtered out."""

    def __post_init__(self) -> None:
        if not self.header_start:
            self.header_start = self.header_row

    @property
    def data_rows(self) -> int:
        """Rows from just below the header to the last row that holds something."""
        numbers = [row.number for row in self.rows] + self.repeated_headers + self.blank_rows
        return max(numbers, default=self.header_row) - self.header_row

    def label(self, index: int) -> str:
        """The column as the user names it: its header text, or its position when it has none."""
        return self.headers[index] or f"column {index + 1}"


@dataclass(frozen=True)
class HeaderGuess:
    """The row that looks most like a header in the first rows of a sheet (with the row above
    it when the header is written over two rows)."""

    row: int
    headers: list[str]
    mapping: ColumnMapping
    score: float
    first_row: int = 0
    rows_text: tuple[tuple[str, ...], ...] = ()
    """Each header row's own cells, to recognise them when repeated further down."""


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
    previous: HeaderGuess | None = None
    for number, cells in rows:
        if is_blank(cells):
            previous = None
            continue
        seen += 1
        headers = _trim([header_text(cell) for cell in cells])
        mapping = map_columns(headers, overrides)
        score = header_row_score(headers, overrides)
        guess = HeaderGuess(number, headers, mapping, score, number, (tuple(headers),))
        one_row = guess
        if previous is not None and previous.row == number - 1 and _continues_header(headers):
            two_rows = _two_row_header(previous, guess, overrides)
            if _rank(two_rows) > max(_rank(guess), _rank(previous)):
                guess = two_rows
        if best is None or _rank(guess) > _rank(best):
            best = guess
        previous = one_row
        if seen >= HEADER_SCAN_ROWS:
            break
    return best


def _continues_header(headers: list[str]) -> bool:
    """A row under a header row whose texts are headers too ("First name" | "Last name" under a
    merged "Participant"), not the first participant: most of its cells name a field."""
    texts = [text for text in headers if text]
    named = sum(1 for text in texts if recognise(text) is not None)
    return bool(texts) and named * 2 >= len(texts)


def _two_row_header(
    upper: HeaderGuess, lower: HeaderGuess, overrides: Mapping[str, str]
) -> HeaderGuess:
    """The header of two rows: each column named by the lower row, or by the upper row where the
    lower is empty (a cell merged down over both rows, like "Organisation")."""
    above = upper.headers
    width = max(len(above), len(lower.headers))
    headers = _trim(
        [
            (lower.headers[i] if i < len(lower.headers) else "")
            or (above[i] if i < len(above) else "")
            for i in range(width)
        ]
    )
    return HeaderGuess(
        lower.row,
        headers,
        map_columns(headers, overrides),
        header_row_score(headers, overrides),
        upper.row,
        (tuple(above), tuple(lower.headers)),
    )


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
    headers = {_padded(row, width) for row in guess.rows_text or (tuple(guess.headers),)}
    firsts = {header[0] for header in headers}
    body: list[SheetRow] = []
    repeated_headers: list[int] = []
    blank_rows: list[int] = []
    blanks: list[int] = []  # counted only once a row with something follows them
    for number, cells in _after(rows, guess.row):
        if is_blank(cells):
            blanks.append(number)
            continue
        blank_rows.extend(blanks)
        blanks.clear()
        padded = tuple(cells[:width]) + ("",) * (width - len(cells))
        if padded[0].strip() in firsts and tuple(header_text(c) for c in padded) in headers:
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
    return SheetTable(
        sheet,
        guess.row,
        guess.headers,
        guess.mapping,
        body,
        repeated_headers,
        blank_rows,
        guess.first_row or guess.row,
    )


def _padded(cells: Sequence[str], width: int) -> tuple[str, ...]:
    return tuple(cells[:width]) + ("",) * (width - len(cells))


def _after(rows: Iterable[NumberedRow], header_row: int) -> Iterator[NumberedRow]:
    for number, cells in rows:
        if number > header_row:
            yield number, cells
