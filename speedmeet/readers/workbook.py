"""What every workbook format shares: which sheet holds the participants, and which sheets are
the event's Tables, Requests and Rounds.

A format module (`xlsx`, `calamine`) only lists its sheets and turns each one into numbered rows
of text; the choice of sheet, its messages and the table rules are the same for every format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from speedmeet.errors import InputError, Location
from speedmeet.readers.columns import event_sheet_kind, fold_header
from speedmeet.readers.table import (
    MAX_PARTICIPANT_ROWS,
    HeaderGuess,
    NumberedRow,
    SheetTable,
    check_header,
    collect_table,
    find_header,
)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook as its tab shows it; `rows` reads it from the top each call."""

    title: str
    hidden: bool
    rows: Callable[[], Iterator[NumberedRow]] | None
    """None for a chart sheet, which has no cells."""


def choose_table(
    sheets: Sequence[Sheet], source: str, sheet: str | None, overrides: dict[str, str]
) -> SheetTable:
    """The participant table of the chosen sheet, or of the first sheet that holds one."""
    if sheet is not None:
        chosen = sheet_named(sheets, sheet, source)
        rows = _cells(chosen, source)
        guess = find_header(rows(), overrides)
        if guess is None:
            raise InputError("the sheet is empty", Location(source, chosen.title))
        check_header(guess, Location(source, chosen.title, guess.row))
        return collect_table(rows(), guess, source, chosen.title)

    first: tuple[Sheet, HeaderGuess] | None = None
    # Visible sheets first: a hidden sheet is usually an old list or a lookup table. The event's
    # Tables, Requests and Rounds sheets come last: their "Name" column names tables, not people.
    ordered = sorted(
        (candidate for candidate in sheets if candidate.rows is not None),
        key=lambda candidate: (event_sheet_kind(candidate.title) is not None, candidate.hidden),
    )
    for candidate in ordered:
        rows = _cells(candidate, source)
        guess = find_header(rows(), overrides)
        if guess is None:
            continue
        if first is None:
            first = (candidate, guess)
        if guess.mapping.has_name() and not guess.mapping.missing_overrides:
            return collect_table(rows(), guess, source, candidate.title)
    if first is None:
        raise InputError("every sheet of the workbook is empty", Location(source))
    candidate, guess = first  # no sheet has a name column: say what the first one holds
    check_header(guess, Location(source, candidate.title, guess.row))
    return collect_table(_cells(candidate, source)(), guess, source, candidate.title)


def sheet_named(sheets: Sequence[Sheet], name: str, source: str) -> Sheet:
    """The sheet the user named, as written or with other case and accents."""
    chosen = next((s for s in sheets if s.title == name), None)
    if chosen is None:
        chosen = next((s for s in sheets if fold_header(s.title) == fold_header(name)), None)
    if chosen is None:
        listing = ", ".join(f"'{s.title}'" for s in sheets)
        raise InputError(f"no sheet named '{name}'; the sheets are {listing}", Location(source))
    return chosen


def _cells(sheet: Sheet, source: str) -> Callable[[], Iterator[NumberedRow]]:
    if sheet.rows is None:
        raise InputError("this sheet is a chart, not a table", Location(source, sheet.title))
    return sheet.rows


def event_sheet_rows(
    sheets: Sequence[Sheet], source: str
) -> dict[str, tuple[str, list[NumberedRow]]]:
    """The rows of the workbook's Tables, Requests and Rounds sheets, by kind, with the sheet's
    title as written; a kind without its sheet is left out."""
    found: dict[str, tuple[str, list[NumberedRow]]] = {}
    for sheet in sheets:
        kind = event_sheet_kind(sheet.title)
        if kind is None or kind in found or sheet.rows is None:
            continue
        rows: list[NumberedRow] = []
        for number, cells in sheet.rows():
            rows.append((number, cells))
            if len(rows) > MAX_PARTICIPANT_ROWS:
                raise InputError(
                    f"more than {MAX_PARTICIPANT_ROWS:,} rows; is this the right sheet?",
                    Location(source, sheet.title, number),
                )
        found[kind] = (sheet.title, rows)
    return found
