"""The event's extra sheets: Tables (names, seats, access), Requests (pairs to bring together or
keep apart) and Rounds (a topic per round), from the registration workbook or from csv files
beside the participant file (`tables.csv`, `requests.csv`, `rounds.csv`).

Headers and answers are recognised in English, French and German, as on the participant sheet;
a person in a request is named by id or by name as written on the participant sheet, and any
doubt (nobody of that name, two people of that name) stops with the row, column and candidates.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from speedmeet.errors import InputError, Location
from speedmeet.languages import read_languages
from speedmeet.model import Participant, organisation_key
from speedmeet.readers import csv
from speedmeet.readers.columns import EVENT_SHEETS, event_sheet_kind, fold_header
from speedmeet.readers.formats import event_sheets_of
from speedmeet.readers.table import NumberedRow, clean_text, header_text, is_blank
from speedmeet.rules import Request, RequestKind, TableSpec

_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_HEADER_SCAN_ROWS = 30

# Column phrases per sheet, already folded; the first column kind whose phrase the header equals
# wins, then the first whose phrase it contains (so "accessible table" is about access).
_TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "languages": (
        "language", "languages", "langue", "langues", "sprache", "sprachen", "table language",
        "langue de la table", "tischsprache",
    ),
    "accessible": (
        "accessible", "accessibility", "accessibilite", "wheelchair", "wheelchair accessible",
        "fauteuil roulant", "pmr", "acces pmr", "barrierefrei", "rollstuhl",
        "rollstuhlgerecht", "step free",
    ),
    "capacity": (
        "capacity", "capacite", "seats", "places", "nombre de places", "size", "table size",
        "taille", "platze", "sitzplatze", "kapazitat", "people", "personnes", "personen",
        "max", "maximum",
    ),
    "name": (
        "table", "table name", "name", "nom", "nom de la table", "salle", "room", "room name",
        "tisch", "tischname", "raum", "bezeichnung", "libelle",
    ),
}  # fmt: skip
_REQUEST_COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": (
        "kind", "type", "request", "demande", "rule", "regle", "art", "wunsch", "regel",
        "what", "quoi", "was",
    ),
    "note": (
        "note", "notes", "reason", "raison", "remarque", "remarques", "comment", "comments",
        "commentaire", "grund", "bemerkung", "why", "pourquoi", "warum",
    ),
    "first": (
        "person a", "personne a", "person 1", "personne 1", "participant a", "participant 1",
        "first person", "premiere personne", "erste person", "teilnehmer a", "teilnehmer 1",
        "teilnehmerin a", "who", "qui", "wer", "a",
    ),
    "second": (
        "person b", "personne b", "person 2", "personne 2", "participant b", "participant 2",
        "second person", "deuxieme personne", "seconde personne", "zweite person",
        "teilnehmer b", "teilnehmer 2", "teilnehmerin b", "with", "with whom", "avec",
        "avec qui", "mit", "mit wem", "b",
    ),
}  # fmt: skip
_ROUND_COLUMNS: dict[str, tuple[str, ...]] = {
    "topic": (
        "topic", "topics", "theme", "themes", "thema", "themen", "question", "questions",
        "sujet", "frage", "title", "titre", "titel",
    ),
    "round": (
        "round", "round number", "tour", "numero du tour", "runde", "rundennummer", "no", "n",
        "nr", "number", "numero",
    ),
}  # fmt: skip

# Request kinds, folded: "keep apart" words are looked for first ("not together" is apart).
_APART_WORDS = (
    "keep apart", "apart", "separate", "separated", "separer", "a separer", "separes",
    "getrennt", "trennen", "auseinander", "never", "jamais", "nicht", "not", "avoid", "eviter",
)  # fmt: skip
_MEET_WORDS = (
    "must meet", "meet", "together", "doivent se rencontrer", "se rencontrer", "rencontrer",
    "ensemble", "sollen sich treffen", "treffen", "zusammen",
)  # fmt: skip
_KINDS_WRITTEN = (
    '"must meet" or "keep apart" (also "doivent se rencontrer" / "à séparer", '
    '"sollen sich treffen" / "getrennt")'
)

_YES = frozenset(
    {"yes", "y", "x", "1", "true", "oui", "o", "vrai", "ja", "j", "wahr", "accessible"}
)
_NO = frozenset({"", "no", "n", "0", "false", "non", "faux", "nein", "falsch", "-"})

# "Salle A - 6", "Terrace: 4", "Room 2 (8)", "Patio - 4 places": a name and its seats in one cell.
_NAME_AND_SEATS = re.compile(
    r"^(?P<name>.*?\S)\s*(?:[-–—:]\s*|\(\s*)(?P<seats>\d+)\s*"
    r"(?:seats?|places?|pl\.?|plätze|platze|personnes|people|persons|personen|pers\.?)?\s*\)?$",
    re.IGNORECASE,
)


@dataclass
class EventSheets:
    """What the extra sheets say; empty lists for sheets the workbook does not have."""

    tables: list[TableSpec] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    """Which sheets or files were read, as the user names them ("sheet 'Tables'")."""
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Sheet:
    """One extra sheet's rows and how to name it in a message."""

    kind: str
    source: str
    sheet: str | None
    rows: list[NumberedRow]

    def where(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.source, self.sheet, row, column)

    def label(self) -> str:
        return f"sheet '{self.sheet}'" if self.sheet else Path(self.source).name


@dataclass(frozen=True)
class _Header:
    row: int
    headers: list[str]
    columns: dict[str, int]

    def label(self, kind: str) -> str:
        index = self.columns[kind]
        return self.headers[index] or f"column {index + 1}"


def read_event_sheets(
    path: Path, participants: Sequence[Participant], *, encoding: str | None = None
) -> EventSheets:
    """Read the Tables, Requests and Rounds sheets of the registration workbook, or the csv
    files of those names beside the registration file; each one is optional."""
    path = Path(path)
    sheets: dict[str, _Sheet] = {}
    result = EventSheets()
    for kind, (title, rows) in event_sheets_of(path, str(path)).items():
        sheets[kind] = _Sheet(kind, str(path), title, rows)
    for kind, beside in _csv_beside(path).items():
        if kind in sheets:
            result.warnings.append(
                f"{beside.name} is ignored: the workbook has its own {sheets[kind].label()}"
            )
            continue
        sheets[kind] = _Sheet(
            kind, str(beside), None, csv.read_rows(beside, str(beside), encoding=encoding)
        )

    for kind in EVENT_SHEETS:  # always in the same order: tables, requests, rounds
        sheet = sheets.get(kind)
        if sheet is None or all(is_blank(cells) for _, cells in sheet.rows):
            continue
        result.found.append(sheet.label())
        if kind == "tables":
            result.tables = _read_tables(sheet, result.warnings)
        elif kind == "requests":
            result.requests = _read_requests(sheet, participants, result.warnings)
        else:
            result.topics = _read_rounds(sheet)
    return result


def _csv_beside(path: Path) -> dict[str, Path]:
    """tables.csv, requests.csv, rounds.csv (or their French and German names) beside the file."""
    found: dict[str, Path] = {}
    try:
        neighbours = sorted(path.parent.iterdir())
    except OSError:
        return found
    for neighbour in neighbours:
        if neighbour.suffix.lower() not in _CSV_SUFFIXES or not neighbour.is_file():
            continue
        if neighbour.resolve() == path.resolve():
            continue
        kind = event_sheet_kind(neighbour.stem)
        if kind is not None and kind not in found:
            found[kind] = neighbour
    return found


def _cell(text: str) -> str:
    return " ".join(clean_text(text)[0].split())


def _find_header(sheet: _Sheet, phrases: dict[str, tuple[str, ...]], required: str) -> _Header:
    """The row (among the first ones) naming the `required` column: the first whose header is
    exactly one of its phrases, else the first row if one of its headers contains one (only the
    first: a table's name below the header may well contain "salle")."""
    seen = 0
    first_found: list[str] | None = None
    loose: _Header | None = None
    for number, cells in sheet.rows:
        if is_blank(cells):
            continue
        headers = [header_text(cell) for cell in cells]
        while headers and not headers[-1]:
            headers.pop()
        first_found = first_found or headers
        columns = _map_columns(headers, phrases)
        if required in columns:
            if fold_header(headers[columns[required]]) in phrases[required]:
                return _Header(number, headers, columns)
            if seen == 0:
                loose = _Header(number, headers, columns)
        seen += 1
        if seen >= _HEADER_SCAN_ROWS:
            break
    if loose is not None:
        return loose
    found = ", ".join(f"'{h}'" for h in first_found or [] if h) or "none"
    wanted = ", ".join(f"'{phrase}'" for phrase in phrases[required][:4])
    raise InputError(
        f"no {required} column (a header such as {wanted}); headers found: {found}",
        sheet.where(),
    )


def _map_columns(headers: Sequence[str], phrases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    columns: dict[str, int] = {}
    folded = [fold_header(header) for header in headers]
    for exact in (True, False):
        for index, text in enumerate(folded):
            if not text or index in columns.values():
                continue
            for kind, kind_phrases in phrases.items():
                if kind in columns:
                    continue
                if any(
                    text == phrase if exact else f" {phrase} " in f" {text} " and len(phrase) > 2
                    for phrase in kind_phrases
                ):
                    columns[kind] = index
                    break
    return columns


def _body(sheet: _Sheet, header: _Header) -> list[tuple[int, list[str]]]:
    """The non-blank rows below the header, cells cleaned and padded to the header's width."""
    width = len(header.headers)
    body: list[tuple[int, list[str]]] = []
    for number, cells in sheet.rows:
        if number <= header.row or is_blank(cells):
            continue
        padded = [_cell(cell) for cell in cells[:width]] + [""] * (width - len(cells))
        body.append((number, padded))
    return body


def _read_tables(sheet: _Sheet, warnings: list[str]) -> list[TableSpec]:
    header = _find_header(sheet, _TABLE_COLUMNS, "name")
    name_label = header.label("name")
    tables: list[TableSpec] = []
    first_row: dict[str, int] = {}
    for number, cells in _body(sheet, header):
        name = cells[header.columns["name"]]
        capacity: int | None = None
        if "capacity" in header.columns:
            capacity = _seats(
                cells[header.columns["capacity"]], sheet.where(number, header.label("capacity"))
            )
        else:
            match = _NAME_AND_SEATS.match(name)
            if match:
                name = match.group("name").strip()
                capacity = _seats(match.group("seats"), sheet.where(number, name_label))
        if not name:
            raise InputError("the table has no name", sheet.where(number, name_label))
        key = organisation_key(name) or name
        if key in first_row:
            raise InputError(
                f"table '{name}' is already listed in row {first_row[key]}; table names must "
                "be unique",
                sheet.where(number, name_label),
            )
        first_row[key] = number
        accessible = False
        if "accessible" in header.columns:
            accessible = _yes_no(
                cells[header.columns["accessible"]],
                sheet.where(number, header.label("accessible")),
            )
        spoken: list[str] = []
        if "languages" in header.columns:
            read = read_languages(cells[header.columns["languages"]])
            spoken = read.spoken
            warnings.extend(
                f"'{word}' in the languages of table '{name}' ({sheet.label()}, row {number}) "
                "is no language speedmeet knows: kept as written"
                for word in read.unknown
            )
        tables.append(
            TableSpec(name=name, capacity=capacity, accessible=accessible, languages=spoken)
        )
    if not tables:
        raise InputError(
            f"the header is in row {header.row} but no table is listed below it", sheet.where()
        )
    return tables


def _seats(text: str, where: Location) -> int | None:
    if not text:
        return None
    number = text.removesuffix(".0")
    if not number.isdigit() or int(number) < 2:
        raise InputError(f"'{text}' is not a number of seats (2 or more)", where)
    return int(number)


def _yes_no(text: str, where: Location) -> bool:
    answer = text.casefold().strip()
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    raise InputError(f"'{text}' is not yes or no (write yes for an accessible table)", where)


def _read_requests(
    sheet: _Sheet, participants: Sequence[Participant], warnings: list[str]
) -> list[Request]:
    header = _find_header(sheet, _REQUEST_COLUMNS, "kind")
    columns = dict(header.columns)
    # Unnamed person columns ("Who" / "With whom" in other words): the first two others.
    others = [
        index for index, text in enumerate(header.headers) if text and index not in columns.values()
    ]
    for kind in ("first", "second"):
        if kind not in columns and others:
            columns[kind] = others.pop(0)
    header = _Header(header.row, header.headers, columns)
    if "first" not in columns or "second" not in columns:
        found = ", ".join(f"'{h}'" for h in header.headers if h)
        raise InputError(
            "a request needs two columns naming the people ('Person A' and 'Person B'); "
            f"headers found: {found}",
            sheet.where(header.row),
        )
    finder = _PersonFinder(participants)
    requests: list[Request] = []
    seen: dict[frozenset[str], tuple[RequestKind, int]] = {}
    for number, cells in _body(sheet, header):
        first = finder.find(cells[columns["first"]], sheet.where(number, header.label("first")))
        second = finder.find(cells[columns["second"]], sheet.where(number, header.label("second")))
        if first.id == second.id:
            raise InputError(
                f"{first.name} is named twice: a request is about two different people",
                sheet.where(number),
            )
        kind = _request_kind(cells[columns["kind"]], sheet.where(number, header.label("kind")))
        pair = frozenset((first.id, second.id))
        if pair in seen:
            earlier_kind, earlier_row = seen[pair]
            if earlier_kind != kind:
                raise InputError(
                    f"{first.name} and {second.name} must meet in one row and be kept apart in "
                    f"the other (rows {earlier_row} and {number}); keep one of them",
                    sheet.where(number),
                )
            warnings.append(
                f"{sheet.label()} row {number} repeats row {earlier_row} "
                f"({first.name} and {second.name}); counted once"
            )
            continue
        seen[pair] = (kind, number)
        note = cells[columns["note"]] if "note" in columns else ""
        requests.append(Request(kind=kind, first=first.id, second=second.id, note=note or None))
    return requests


def _request_kind(text: str, where: Location) -> RequestKind:
    folded = f" {organisation_key(text)} "
    if not folded.strip():
        raise InputError(f"the kind of request is empty; write {_KINDS_WRITTEN}", where)
    if any(f" {word} " in folded for word in _APART_WORDS):
        return "keep_apart"
    if any(f" {word} " in folded for word in _MEET_WORDS):
        return "must_meet"
    raise InputError(f"'{text}' is not a kind of request; write {_KINDS_WRITTEN}", where)


class _PersonFinder:
    """Finds a participant by id, else by name as written on the participant sheet."""

    def __init__(self, participants: Sequence[Participant]) -> None:
        self.by_id = {p.id: p for p in participants}
        self.by_folded_id: dict[str, list[Participant]] = defaultdict(list)
        self.by_name: dict[str, list[Participant]] = defaultdict(list)
        for participant in participants:
            self.by_folded_id[participant.id.casefold()].append(participant)
            self.by_name[organisation_key(participant.name)].append(participant)

    def find(self, text: str, where: Location) -> Participant:
        if not text:
            raise InputError("the cell is empty; name a participant by id or name", where)
        if text in self.by_id:
            return self.by_id[text]
        named = self.by_name.get(organisation_key(text), [])
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            candidates = "; ".join(f"{p.name} ({p.organisation}, id {p.id})" for p in named)
            raise InputError(
                f"'{text}' names {len(named)} participants: {candidates}; write the id instead",
                where,
            )
        by_id = self.by_folded_id.get(text.casefold(), [])
        if len(by_id) == 1:
            return by_id[0]
        close = difflib.get_close_matches(organisation_key(text), list(self.by_name), n=3)
        hint = ""
        if close:
            names = [f"{p.name} (id {p.id})" for key in close for p in self.by_name[key]]
            hint = "; did you mean " + " or ".join(names) + "?"
        raise InputError(
            f"'{text}' is not on the participant sheet (no id or name matches){hint}", where
        )


def _read_rounds(sheet: _Sheet) -> list[str]:
    header = _find_header(sheet, _ROUND_COLUMNS, "topic")
    topic_label = header.label("topic")
    by_round: dict[int, tuple[str, int]] = {}
    position = 0
    for number, cells in _body(sheet, header):
        topic = cells[header.columns["topic"]]
        if "round" in header.columns:
            written = cells[header.columns["round"]].removesuffix(".0")
            where = sheet.where(number, header.label("round"))
            if not written.isdigit() or int(written) < 1:
                raise InputError(f"'{written}' is not a round number (1, 2, 3...)", where)
            round_number = int(written)
        else:
            position += 1
            round_number = position
        if round_number in by_round:
            raise InputError(
                f"round {round_number} is already given in row {by_round[round_number][1]}",
                sheet.where(number, header.label("round")),
            )
        if not topic:
            raise InputError(
                f"round {round_number} has no topic (delete the row if it has none)",
                sheet.where(number, topic_label),
            )
        by_round[round_number] = (topic, number)
    if not by_round:
        raise InputError(
            f"the header is in row {header.row} but no round is listed below it", sheet.where()
        )
    missing = [r for r in range(1, max(by_round) + 1) if r not in by_round]
    if missing:
        raise InputError(
            f"round {missing[0]} has no row; give a topic for every round from 1 to "
            f"{max(by_round)}",
            sheet.where(None, header.label("round")),
        )
    return [by_round[r][0] for r in range(1, max(by_round) + 1)]
