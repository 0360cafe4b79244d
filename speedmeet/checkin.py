"""The absent list from the door: read back for `speedmeet replan --drop-file`.

venue.html downloads it as `id,name,organisation` (one row per person not ticked as arrived), but
an organiser may as well type one by hand or re-save it from a spreadsheet: with `;` or tabs, a
French or German header, names without ids, Excel's quote in front of a cell that looks like a
formula. Each row names one person, by id when it has one, else by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from speedmeet.errors import InputError, Location, ReplanError
from speedmeet.model import Plan
from speedmeet.readers.columns import recognise
from speedmeet.readers.csv import read_rows
from speedmeet.readers.walk_ins import resolve_drop

ZIP_MAGIC = b"PK\x03\x04"


@dataclass
class AbsentList:
    """Ids of the people to drop, in the file's order, and rows set aside with the reason."""

    ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """The file's records numbered as a spreadsheet shows them, read like a registration csv
    (UTF-8 or Windows-1252 or UTF-16, comma, semicolon or tab)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4)
    except FileNotFoundError:
        raise ReplanError(f"--drop-file {path}: no such file") from None
    except OSError as error:
        raise ReplanError(f"--drop-file {path}: cannot read it ({error.strerror})") from None
    if head.startswith(ZIP_MAGIC):
        raise ReplanError(f"--drop-file {path}: a workbook; save the list as csv and give that")
    try:
        rows = read_rows(path, path.name, encoding=None)
    except InputError as error:
        if error.message == "the file is empty":  # blank lines only: it names nobody
            return []
        raise
    return [(number, [cell.strip() for cell in row]) for number, row in rows]


def _unquoted(cell: str) -> str:
    """A cell without the quote a spreadsheet puts before text starting with = + - @."""
    return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@") else cell


def _columns(header: list[str]) -> tuple[int | None, int | None]:
    """Positions of the id and name columns when the first row is a header, else (None, None)."""
    id_column = name_column = None
    for position, cell in enumerate(header):
        found = recognise(cell) if cell else None
        if found is None:
            continue
        if found[0] == "id" and id_column is None:
            id_column = position
        elif found[0] == "name" and name_column is None:
            name_column = position
    return id_column, name_column


def read_absent_file(path: Path, plan: Plan, from_round: int) -> AbsentList:
    """The people an absent list names, checked against the plan; a row naming nobody known
    stops with its row number, someone already out of the rounds to replan is set aside."""
    path = Path(path)
    numbered = [(number, row) for number, row in _rows(path) if any(row)]
    if not numbered:
        raise ReplanError(f"--drop-file {path}: the file is empty; nobody to drop")
    header = numbered[0][1]
    id_column, name_column = _columns(header)
    if id_column is not None or name_column is not None:
        numbered = numbered[1:]
    absent = AbsentList()
    by_id = plan.participant_by_id()
    rounds = len(plan.rounds)
    for number, row in numbered:
        cells = [
            (_unquoted(row[column]), header[column])
            for column in (id_column, name_column)
            if column is not None and column < len(row) and row[column]
        ]
        if id_column is None and name_column is None:
            cells = [(_unquoted(row[0]), "")] if row[0] else []
        if not cells:
            continue
        where = Location(file=path.name, row=number, column=cells[0][1] or None)
        try:
            person = resolve_drop(cells[0][0], plan)
        except ReplanError as error:
            if len(cells) < 2:
                raise ReplanError(error.message, where) from None
            try:  # an id from another version of the plan, but a name it knows
                person = resolve_drop(cells[1][0], plan)
            except ReplanError:
                raise ReplanError(error.message, where) from None
        where = Location(file=path.name, row=number)
        participant = by_id[person]
        if not any(participant.present_in(r) for r in range(from_round, rounds + 1)):
            absent.warnings.append(
                f"{where}: {participant.name} ({person}) is not in round {from_round} or later "
                "already; left as is"
            )
            continue
        if person not in absent.ids:
            absent.ids.append(person)
    if not absent.ids:
        reason = absent.warnings[0] if absent.warnings else "the list names nobody"
        raise ReplanError(f"--drop-file {path}: nobody to drop ({reason})")
    return absent
