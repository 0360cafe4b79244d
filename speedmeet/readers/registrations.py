"""From the rows of a participant table to participants: names, organisations folded,
duplicates counted once, ids kept or made, and a warning for everything the user should check.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from speedmeet.errors import InputError, Location
from speedmeet.model import Participant, most_frequent_spelling, organisation_key
from speedmeet.readers.table import SheetRow, SheetTable, clean_text

MAX_CELL_CHARS = 1_000
# Beyond this many warnings of one kind, the rest are counted in one line.
MAX_WARNINGS_OF_A_KIND = 30

# Answers that mean "no organisation": each such person is their own organisation, so that five
# people who wrote "Private" are not kept apart as if they were colleagues.
_NO_ORGANISATION = frozenset(
    {
        "", "n a", "na", "none", "no", "non", "nil", "null", "aucune", "aucun", "keine", "kein",
        "sans", "private", "prive", "privee", "privat", "privatperson", "individual",
        "independent", "independant", "independante", "self employed", "freelance",
    }
)  # fmt: skip

# Legal forms and articles that do not tell two organisations apart ("Caritas Geneve SA").
_NOISE_WORDS = frozenset(
    {
        "sa", "sarl", "ag", "gmbh", "ev", "e", "v", "ltd", "inc", "llc", "asbl", "sas",
        "the", "la", "le", "les", "l", "de", "du", "des", "d", "der", "die", "das",
    }
)  # fmt: skip

_SPLIT_VALUES = re.compile(r"[;,\n]")

_YES = frozenset({"yes", "y", "true", "1", "x", "oui", "o", "ja", "j", "vrai", "wahr", "host"})
_NO = frozenset({"", "no", "n", "false", "0", "non", "nein", "faux", "falsch", "-"})


@dataclass
class Registrations:
    """Participants read from a registration file, and what the reader understood and warned."""

    participants: list[Participant]
    source: str
    sheet: str | None
    header_row: int
    mapping: list[tuple[str, str]]
    ignored: list[str]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Entry:
    """One registration row on its way to becoming a participant."""

    row: int
    name: str
    organisation: str  # as written; "" when none
    email: str | None
    interests: list[str]
    languages: list[str]
    role: str | None
    offers: list[str]
    needs: list[str]
    host: bool
    first_round: int | None
    last_round: int | None
    given_id: str | None
    family_name: str | None = None
    organisation_key: str = field(init=False)
    name_key: str = field(init=False)

    def __post_init__(self) -> None:
        key = organisation_key(self.organisation)
        self.organisation_key = "" if key in _NO_ORGANISATION else key
        self.name_key = organisation_key(self.name)


def build_registrations(table: SheetTable, source: str) -> Registrations:
    """Turn the rows of a participant table into participants, with warnings in the user's words."""
    reader = _RowReader(table, source)
    entries: list[_Entry] = []
    warnings: list[str] = []
    nameless: list[int] = []
    for row in table.rows:
        entry = reader.read(row)
        if entry is None:
            nameless.append(row.number)
        else:
            entries.append(entry)
    if nameless:
        verb = "has no name and is" if len(nameless) == 1 else "have no name and are"
        warnings.append(f"{_rows_text(nameless)} {verb} skipped")
    if table.repeated_headers:
        rows = _rows_text(table.repeated_headers)
        warnings.append(f"{rows} repeat the header row and are skipped")
    if reader.cleaned_cells:
        rows = _rows_text(sorted({number for number, _ in reader.cleaned_cells}))
        warnings.append(f"control characters (invisible codes) were removed from cells in {rows}")

    if not entries:
        name_columns = [f for f in ("name", "first_name", "last_name") if f in table.mapping.fields]
        raise InputError(
            "every name cell is empty; there is no participant to plan for",
            Location(source, table.sheet, None, table.label(table.mapping.fields[name_columns[0]])),
        )
    organisation_index = table.mapping.fields.get("organisation")
    if organisation_index is None:
        raise InputError(
            "no organisation column; speedmeet needs each person's organisation to keep "
            f"colleagues apart. Headers found: {_header_list(table)}. Name it with "
            '--column organisation="<header>"',
            Location(source, table.sheet, table.header_row),
        )
    if all(not e.organisation_key for e in entries):
        raise InputError(
            "every organisation cell is empty; speedmeet needs organisations to keep "
            "colleagues apart (write a person's own name for someone who comes alone)",
            Location(source, table.sheet, None, table.label(organisation_index)),
        )

    entries = _drop_duplicates(entries, warnings)
    displays = _organisation_displays(entries, warnings)
    ids = _ids(entries, table, source, warnings)
    participants = [
        Participant(
            id=ids[i],
            name=entry.name,
            organisation=displays[i],
            family_name=entry.family_name,
            email=entry.email,
            interests=entry.interests,
            languages=entry.languages,
            role=entry.role,
            offers=entry.offers,
            needs=entry.needs,
            host=entry.host,
            first_round=entry.first_round,
            last_round=entry.last_round,
        )
        for i, entry in enumerate(entries)
    ]
    warnings.extend(_look_alike_organisations(entries))
    mapping = [(name, table.label(index)) for name, index in _ordered(table.mapping.fields)]
    ignored = [table.label(index) for index in table.mapping.ignored]
    return Registrations(
        participants, source, table.sheet, table.header_row, mapping, ignored, warnings
    )


def _ordered(fields: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(fields.items(), key=lambda item: item[1])


def _header_list(table: SheetTable) -> str:
    return ", ".join(f"'{h}'" for h in table.headers if h) or "none"


def _rows_text(numbers: Sequence[int]) -> str:
    """Rows as a person would list them: "row 4", "rows 4 and 9", "rows 1, 2, ... and 35 more"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    if len(numbers) > 10:
        shown = ", ".join(str(n) for n in numbers[:10])
        return f"rows {shown} and {len(numbers) - 10} more"
    return "rows " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


class _RowReader:
    """Reads the mapped cells of a row: cleaned, length-checked, converted."""

    def __init__(self, table: SheetTable, source: str) -> None:
        self.table = table
        self.source = source
        self.cleaned_cells: list[tuple[int, int]] = []

    def cell(self, row: SheetRow, field_name: str) -> str:
        index = self.table.mapping.fields.get(field_name)
        if index is None:
            return ""
        text, removed = clean_text(row.cells[index])
        if removed:
            self.cleaned_cells.append((row.number, index))
        if len(text) > MAX_CELL_CHARS:
            raise InputError(
                f"the cell holds {len(text):,} characters; at most {MAX_CELL_CHARS:,} are "
                "accepted (was something pasted by mistake?)",
                self._where(row, index),
            )
        return text

    def _where(self, row: SheetRow, index: int) -> Location:
        return Location(self.source, self.table.sheet, row.number, self.table.label(index))

    def read(self, row: SheetRow) -> _Entry | None:
        name = _one_line(self.cell(row, "name"))
        family_name = None
        if not name:
            parts = [_one_line(self.cell(row, f)) for f in ("first_name", "last_name")]
            name = " ".join(p for p in parts if p)
            family_name = parts[1] or None
        if not name:
            return None
        given_id = _one_line(self.cell(row, "id")) if "id" in self.table.mapping.fields else None
        email = _one_line(self.cell(row, "email")) or None
        first_round = self._round(row, "first_round")
        last_round = self._round(row, "last_round")
        if first_round is not None and last_round is not None and first_round > last_round:
            raise InputError(
                f"comes from round {first_round} but leaves after round {last_round}",
                Location(self.source, self.table.sheet, row.number),
            )
        return _Entry(
            row=row.number,
            name=name,
            organisation=_one_line(self.cell(row, "organisation")),
            email=email,
            interests=_values(self.cell(row, "interests")),
            languages=_values(self.cell(row, "languages")),
            role=_one_line(self.cell(row, "role")) or None,
            offers=_values(self.cell(row, "offers")),
            needs=_values(self.cell(row, "needs")),
            host=self._yes_no(row, "host"),
            first_round=first_round,
            last_round=last_round,
            given_id=given_id,
            family_name=family_name,
        )

    def _yes_no(self, row: SheetRow, field_name: str) -> bool:
        answer = self.cell(row, field_name).casefold().strip()
        if answer in _YES:
            return True
        if answer in _NO:
            return False
        index = self.table.mapping.fields[field_name]
        raise InputError(
            f"'{answer}' is not yes or no (write yes, x or 1 for a table host, leave empty otherwise)",
            self._where(row, index),
        )

    def _round(self, row: SheetRow, field_name: str) -> int | None:
        text = self.cell(row, field_name).strip()
        if not text:
            return None
        if text.isdigit() and int(text) >= 1:
            return int(text)
        index = self.table.mapping.fields[field_name]
        raise InputError(f"'{text}' is not a round number (1, 2, 3...)", self._where(row, index))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _values(text: str) -> list[str]:
    """Several answers in one cell ("a; b;" or "a, b" or one per line), trimmed, once each."""
    values: list[str] = []
    seen: set[str] = set()
    for part in _SPLIT_VALUES.split(text):
        value = " ".join(part.split())
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            values.append(value)
    return values


def _drop_duplicates(entries: list[_Entry], warnings: list[str]) -> list[_Entry]:
    """Keep the first of registrations with the same email, or the same name and organisation.

    Same name and organisation with two different emails are two people (namesakes).
    """
    kept: list[_Entry] = []
    repeats: list[str] = []
    by_email: dict[str, _Entry] = {}
    by_name: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
    for entry in entries:
        email = entry.email.casefold() if entry.email else None
        name_key = (entry.name_key, entry.organisation_key)
        first = by_email.get(email) if email else None
        reason = "same email"
        if first is None:
            reason = "same name and organisation"
            first = next(
                (
                    other
                    for other in by_name[name_key]
                    if not (email and other.email and other.email.casefold() != email)
                ),
                None,
            )
        if first is not None:
            repeats.append(
                f"row {entry.row} repeats row {first.row} ({reason}: {entry.name}); "
                f"counted once, row {first.row} is kept"
            )
            continue
        kept.append(entry)
        if email:
            by_email[email] = entry
        by_name[name_key].append(entry)
    warnings.extend(_capped(repeats, "more rows repeat an earlier registration; each counted once"))
    return kept


def _organisation_displays(entries: list[_Entry], warnings: list[str]) -> list[str]:
    """Each person's organisation as shown: its most frequent spelling, or their own when none."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for entry in entries:
        if entry.organisation_key:
            spellings[entry.organisation_key].append(entry.organisation)
    display = {key: most_frequent_spelling(names) for key, names in spellings.items()}

    taken = {organisation_key(name) for name in display.values()}
    result: list[str] = []
    alone: list[str] = []
    for entry in entries:
        if entry.organisation_key:
            result.append(display[entry.organisation_key])
            continue
        own = f"{entry.name} (no organisation)"
        if organisation_key(own) in taken:
            own = f"{entry.name} (no organisation, row {entry.row})"
        taken.add(organisation_key(own))
        result.append(own)
        written = f" ('{entry.organisation}' counts as none)" if entry.organisation else ""
        alone.append(
            f"row {entry.row}: {entry.name} has no organisation{written}; "
            "they count as their own organisation"
        )
    warnings.extend(_capped(alone, "more people have no organisation; each counts as their own"))
    return result


def _ids(entries: list[_Entry], table: SheetTable, source: str, warnings: list[str]) -> list[str]:
    """The sheet's ids (unique, none empty), else ids made from each person's details."""
    index = table.mapping.fields.get("id")
    if index is not None:
        column = table.label(index)
        empty = [e.row for e in entries if not e.given_id]
        if empty:
            raise InputError(
                f"{_rows_text(empty)} have no id; fill them in or delete the id column so "
                "that speedmeet makes its own",
                Location(source, table.sheet, empty[0], column),
            )
        rows_by_id: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            rows_by_id[str(entry.given_id)].append(entry.row)
        for given, rows in rows_by_id.items():
            if len(rows) > 1:
                raise InputError(
                    f"id '{given}' is used by {_rows_text(rows)}; ids must be unique",
                    Location(source, table.sheet, rows[1], column),
                )
        return [str(e.given_id) for e in entries]

    digests = [
        hashlib.sha256(
            "\x1f".join((e.name_key, e.organisation_key, (e.email or "").casefold())).encode(
                "utf-8"
            )
        ).hexdigest()
        for e in entries
    ]
    ids: list[str] = []
    short_counts: dict[str, int] = defaultdict(int)
    for digest in digests:
        short_counts[digest[:6]] += 1
    for digest in digests:
        length = 6 if short_counts[digest[:6]] == 1 else 12
        ids.append("P" + digest[:length].upper())
    if entries:
        warnings.append(
            f"no id column: ids were made from each person's name, organisation and email "
            f"(e.g. {ids[0]}); they stay the same when the sheet is read again"
        )
    return ids


def _look_alike_organisations(entries: list[_Entry]) -> list[str]:
    """Organisations kept apart whose names differ only by a typo or a legal form.

    Compared by a stripped form (no spaces, no legal forms or articles) and by one deleted
    character on each side, which finds single typos and swapped letters in linear time.
    """
    rows: dict[str, list[int]] = defaultdict(list)
    spelling: dict[str, str] = {}
    for entry in entries:
        if entry.organisation_key:
            rows[entry.organisation_key].append(entry.row)
            spelling.setdefault(entry.organisation_key, entry.organisation)

    variants: dict[str, set[str]] = defaultdict(set)
    for key in rows:
        stripped = "".join(w for w in key.split() if w not in _NOISE_WORDS) or key.replace(" ", "")
        variants[stripped].add(key)
        if len(stripped) >= 5:
            for position in range(len(stripped)):
                variants["\x00" + stripped[:position] + stripped[position + 1 :]].add(key)
        if len(stripped) >= 4:
            variants["\x00" + stripped].add(key)

    pairs: set[tuple[str, str]] = set()
    for keys in variants.values():
        ordered = sorted(keys)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                pairs.add((first, second))

    ordered_pairs = sorted(pairs, key=lambda pair: (rows[pair[0]][0], rows[pair[1]][0]))
    messages = [
        f"organisations '{spelling[first]}' ({_rows_text(rows[first])}) and "
        f"'{spelling[second]}' ({_rows_text(rows[second])}) look alike but are kept apart; "
        "if they are one organisation, write them the same way"
        for first, second in ordered_pairs[:MAX_WARNINGS_OF_A_KIND]
    ]
    if len(ordered_pairs) > MAX_WARNINGS_OF_A_KIND:
        hidden = len(ordered_pairs) - MAX_WARNINGS_OF_A_KIND
        messages.append(f"{hidden:,} more pairs of organisations look alike; check their spelling")
    return messages


def _capped(lines: list[str], rest: str) -> list[str]:
    """At most MAX_WARNINGS_OF_A_KIND lines of one kind, then one line counting the rest."""
    if len(lines) <= MAX_WARNINGS_OF_A_KIND:
        return lines
    hidden = len(lines) - MAX_WARNINGS_OF_A_KIND
    return [*lines[:MAX_WARNINGS_OF_A_KIND], f"{hidden:,} {rest}"]
