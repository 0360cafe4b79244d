"""From the rows of a participant table to participants: names, organisations folded,
duplicates counted once, ids kept or made, and a warning for everything the user should check.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from speedmeet.errors import InputError, Location
from speedmeet.languages import read_languages
from speedmeet.model import Participant, most_frequent_spelling, organisation_key
from speedmeet.readers.columns import header_language
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

# What a spreadsheet shows for a formula that failed, in the languages of the exports (Excel in
# English, French, German, Spanish; LibreOffice's "Err:502"). Saved as the cell's value, they
# would become a participant called "#DIV/0!".
_ERROR_VALUES = frozenset(
    {
        "#null!", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#n/a", "#na",
        "#getting_data", "#spill!", "#calc!", "#field!", "#blocked!", "#connect!", "#busy!",
        "#unknown!", "#external!", "#python!",
        "#valeur!", "#nom?", "#nombre!", "#nul!",
        "#wert!", "#bezug!", "#zahl!", "#nv", "#überlauf!",
        "#¡div/0!", "#¡valor!", "#¡ref!", "#¿nombre?", "#¡num!", "#¡nulo!",
    }
)  # fmt: skip
_LIBREOFFICE_ERROR = re.compile(r"err:[0-9]{3}")

# Characters that change the direction text is shown in: embeddings, overrides, isolates and
# marks. In a name they can make "Ana" print as "anA" or hide what follows; no name needs them.
_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)

# Characters that show nothing although they are not spaces (Hangul and braille fillers).
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")

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
    rows: RowAccount | None = None
    header_start: int = 0
    language: str | None = None
    """The language of the sheet's headers ("en", "fr", "de"), None when they do not tell."""


@dataclass
class RowAccount:
    """What became of every row below the header: each row is in exactly one list."""

    data_rows: int
    read: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    """Repeats of an earlier registration, counted once."""
    blank: list[int] = field(default_factory=list)
    hidden_skipped: list[int] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)
    nameless: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    """Rows that hold something but cannot be a participant (a name made of invisible
    characters)."""
    hidden_read: list[int] = field(default_factory=list)
    """Rows of `read` that are hidden in the sheet (planned, as `--hidden-rows include` says)."""

    def accounted(self) -> int:
        return sum(
            len(rows)
            for rows in (
                self.read, self.merged, self.blank, self.hidden_skipped, self.repeated_headers,
                self.nameless, self.refused,
            )
        )  # fmt: skip

    def summary(self) -> str:
        """One line for the organiser: "32 rows below the header: 29 read, 1 merged ..."."""
        hidden = (
            f" ({len(self.hidden_read)} of them hidden in the sheet)" if self.hidden_read else ""
        )
        parts = [f"{len(self.read)} read{hidden}"]
        if self.merged:
            parts.append(f"{len(self.merged)} merged as a repeat of an earlier row")
        skipped = [
            (len(self.blank), "blank"),
            (len(self.hidden_skipped), "hidden"),
            (len(self.repeated_headers), "repeating the header"),
            (len(self.nameless), "without a name"),
        ]
        reasons = [f"{count} {why}" for count, why in skipped if count]
        if reasons:
            total = sum(count for count, _ in skipped)
            parts.append(f"{total} skipped ({', '.join(reasons)})")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        rows = "row" if self.data_rows == 1 else "rows"
        return f"{self.data_rows} {rows} below the header: " + ", ".join(parts)


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
    unknown_languages: list[str] = field(default_factory=list)
    """Words of the languages cell that are no language, kept as written in `languages`."""
    consent: bool = False
    family_name: str | None = None
    organisation_key: str = field(init=False)
    name_key: str = field(init=False)

    def __post_init__(self) -> None:
        key = organisation_key(self.organisation)
        self.organisation_key = "" if key in _NO_ORGANISATION else key
        self.name_key = organisation_key(self.name)


HIDDEN_ROWS = ("include", "skip")
"""What to do with rows hidden in the spreadsheet (by hand or by a filter); the first is the
default: a registration hidden from view is still a registration (see the README)."""


def build_registrations(
    table: SheetTable, source: str, *, hidden_rows: str = HIDDEN_ROWS[0]
) -> Registrations:
    """Turn the rows of a participant table into participants, with warnings in the user's words
    and an account of what became of every row below the header."""
    reader = _RowReader(table, source)
    entries: list[_Entry] = []
    warnings: list[str] = []
    account = RowAccount(
        table.data_rows, blank=list(table.blank_rows), repeated_headers=list(table.repeated_headers)
    )
    hidden = set(table.hidden_rows)
    for row in table.rows:
        if row.number in hidden and hidden_rows == "skip":
            account.hidden_skipped.append(row.number)
            continue
        entry = reader.read(row)
        if entry is not None:
            entries.append(entry)
        elif row.number in reader.refused:
            account.refused.append(row.number)
        else:
            account.nameless.append(row.number)
    if table.hidden_rows:
        warnings.append(_hidden_warning(table, hidden_rows))
    if account.nameless:
        verb = "has no name and is" if len(account.nameless) == 1 else "have no name and are"
        warnings.append(f"{_rows_text(account.nameless)} {verb} skipped")
    if table.repeated_headers:
        rows = _rows_text(table.repeated_headers)
        warnings.append(f"{rows} repeat the header row and are skipped")
    if reader.unclear_consent:
        header = table.label(table.mapping.fields["consent"])
        warnings.append(
            f"{_rows_text(reader.unclear_consent)}: the answer in '{header}' is not a clear yes "
            "or no; read as no (their e-mail is not shared)"
        )
    warnings.extend(_capped(list(reader.refused.values()), "more rows are refused"))
    cleaned = sorted({n for n, _ in reader.cleaned_cells if n not in reader.refused})
    if cleaned:  # a refused row has its own warning
        rows = _rows_text(cleaned)
        warnings.append(f"control characters (invisible codes) were removed from cells in {rows}")
    if reader.bidi_cells:
        rows = _rows_text(sorted(set(reader.bidi_cells)))
        warnings.append(
            "text-direction characters (which can reverse how a name is shown) were removed "
            f"from cells in {rows}"
        )

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

    kept = _drop_duplicates(entries, warnings)
    kept_rows = {entry.row for entry in kept}
    account.read = [entry.row for entry in kept]
    account.merged = [entry.row for entry in entries if entry.row not in kept_rows]
    account.hidden_read = [number for number in account.read if number in hidden]
    if account.accounted() != account.data_rows:  # a row lost or counted twice is a bug here
        raise AssertionError(
            f"rows below the header: {account.data_rows}, accounted for: {account}"
        )
    entries = kept
    warnings.extend(_unknown_languages(entries))
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
            consent=entry.consent,
        )
        for i, entry in enumerate(entries)
    ]
    warnings.extend(_look_alike_organisations(entries))
    mapping = [(name, table.label(index)) for name, index in _ordered(table.mapping.fields)]
    ignored = [table.label(index) for index in table.mapping.ignored]
    return Registrations(
        participants,
        source,
        table.sheet,
        table.header_row,
        mapping,
        ignored,
        warnings,
        account,
        table.header_start,
        header_language(table.headers),
    )


def _hidden_warning(table: SheetTable, hidden_rows: str) -> str:
    count = len(table.hidden_rows)
    rows = _rows_text(table.hidden_rows)
    how = "filtered out or hidden" if table.filtered else "hidden"
    verb = "is" if count == 1 else "are"
    if hidden_rows == "skip":
        return f"{rows} {verb} {how} in the sheet and left out (--hidden-rows skip)"
    return (
        f"{rows} {verb} {how} in the sheet and planned like the others; to leave "
        f"{'it' if count == 1 else 'them'} out, plan with --hidden-rows skip"
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
        self.bidi_cells: list[int] = []
        self.refused: dict[int, str] = {}
        """Row number -> why the row cannot be a participant."""
        self.unclear_consent: list[int] = []

    def cell(self, row: SheetRow, field_name: str) -> str:
        index = self.table.mapping.fields.get(field_name)
        if index is None:
            return ""
        raw = row.cells[index]
        if _is_error_value(raw):
            raise InputError(
                f"the cell shows the error {raw.strip()} instead of a value (a formula that "
                "failed, saved as its result); correct it in the spreadsheet and save again",
                self._where(row, index),
            )
        text, removed = clean_text(raw)
        if removed:
            self.cleaned_cells.append((row.number, index))
        if not text.isprintable() and any(char in _BIDI_CONTROLS for char in text):
            text = "".join(char for char in text if char not in _BIDI_CONTROLS)
            self.bidi_cells.append(row.number)
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
        """The row's participant, or None for a row without a name (or refused, see `refused`)."""
        name = _one_line(self.cell(row, "name"))
        family_name = None
        if not name:
            parts = [_one_line(self.cell(row, f)) for f in ("first_name", "last_name")]
            name = " ".join(p for p in parts if p)
            family_name = parts[1] or None
        if not _visible(name):
            written = [
                self.table.label(self.table.mapping.fields[f])
                for f in ("name", "first_name", "last_name")
                if f in self.table.mapping.fields
                and row.cells[self.table.mapping.fields[f]].strip()
            ]
            if written:  # not empty, and yet nothing shows: a badge with no name on it
                self.refused[row.number] = (
                    f"row {row.number}: the name ('{written[0]}') holds only invisible "
                    "characters (zero-width spaces or the like); the row is refused: write the "
                    "name in the sheet"
                )
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
        languages = read_languages(self.cell(row, "languages"))
        return _Entry(
            row=row.number,
            name=name,
            organisation=_one_line(self.cell(row, "organisation")),
            email=email,
            interests=_values(self.cell(row, "interests")),
            languages=languages.spoken,
            unknown_languages=languages.unknown,
            role=_one_line(self.cell(row, "role")) or None,
            offers=_values(self.cell(row, "offers")),
            needs=_values(self.cell(row, "needs")),
            host=self._yes_no(row, "host"),
            first_round=first_round,
            last_round=last_round,
            given_id=given_id,
            consent=self._consent(row),
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

    def _consent(self, row: SheetRow) -> bool:
        """A consent answer as forms write it ("Yes, I agree", "Oui", "x", "Ja, einverstanden");
        anything that is not clearly yes counts as no, since an address shared by mistake
        cannot be taken back, and an answer read as neither is reported."""
        answer = self.cell(row, "consent")
        verdict = consent_answer(answer)
        if verdict is None:
            self.unclear_consent.append(row.number)
        return bool(verdict)

    def _round(self, row: SheetRow, field_name: str) -> int | None:
        text = self.cell(row, field_name).strip()
        if not text:
            return None
        if text.isdigit() and int(text) >= 1:
            return int(text)
        index = self.table.mapping.fields[field_name]
        raise InputError(f"'{text}' is not a round number (1, 2, 3...)", self._where(row, index))


def _is_error_value(text: str) -> bool:
    folded = text.strip().casefold()
    return folded.startswith(("#", "err:")) and (
        folded in _ERROR_VALUES or _LIBREOFFICE_ERROR.fullmatch(folded) is not None
    )


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, format characters and fillers."""
    return any(
        not char.isspace()
        and unicodedata.category(char) not in ("Cf", "Cc", "Zs", "Zl", "Zp")
        and char not in _BLANK_LOOKING
        for char in text
    )


_CONSENT_NO = frozenset(
    {
        "no", "n", "non", "nein", "not", "don t", "do not", "pas", "ne", "n accepte", "nicht",
        "kein", "keine", "refuse", "declined", "decline", "lehne", "ablehnen", "ablehnung", "false", "faux",
        "falsch", "0",
    }
)  # fmt: skip
_CONSENT_YES = frozenset(
    {
        "yes", "y", "oui", "o", "ja", "j", "x", "1", "true", "vrai", "wahr", "ok", "okay",
        "agree", "i agree", "accepte", "j accepte", "d accord", "accord", "einverstanden",
        "stimme zu", "ich stimme zu", "consent", "i consent", "je consens", "zustimmung",
        "yes please", "sure",
    }
)  # fmt: skip


def consent_answer(answer: str) -> bool | None:
    """True for a yes ("Yes, I agree", "Oui, j'accepte", "Ja", "x", "1"), False for a no or an
    empty cell, None for an answer that is neither. A "no" anywhere wins: "I do not agree"."""
    words = organisation_key(answer).split()
    if not words:
        return False
    text = " ".join(words)
    if any(word in _CONSENT_NO for word in words) or any(
        f" {no} " in f" {text} " for no in _CONSENT_NO if " " in no
    ):
        return False
    if text in _CONSENT_YES or words[0] in _CONSENT_YES:
        return True
    if any(f" {yes} " in f" {text} " for yes in _CONSENT_YES if " " in yes):
        return True
    return None


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


def _unknown_languages(entries: list[_Entry]) -> list[str]:
    """One warning per word of a languages cell that is no language, with its rows; each
    entry then spells it as the first row did, so that "Patois" and "patois" are shared."""
    rows: dict[str, list[int]] = defaultdict(list)
    first: dict[str, str] = {}
    for entry in entries:
        for word in entry.unknown_languages:
            key = organisation_key(word) or word
            rows[key].append(entry.row)
            first.setdefault(key, word)
            entry.languages = [
                first[key] if language == word else language for language in entry.languages
            ]
    return [
        f"'{first[key]}' in the languages of {_rows_text(numbers)} is no language speedmeet "
        "knows: kept as written, so only people who wrote it share it"
        for key, numbers in rows.items()
    ]


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
                if not _numbered_apart(first, second):
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


def _numbered_apart(first: str, second: str) -> bool:
    """Names told apart by a number alone ("Team 1" / "Team 2", "Association 38" / "39",
    "Org 1" / "Org 10"): numbered on purpose, not a typo. "Solo 001" and "Solo 1" still
    look alike (one number)."""
    (numbers, skeleton), (other_numbers, other_skeleton) = _numbered(first), _numbered(second)
    return bool(numbers and other_numbers and numbers != other_numbers) and (
        skeleton == other_skeleton
    )


@functools.lru_cache(maxsize=65536)
def _numbered(key: str) -> tuple[tuple[int, ...], str]:
    """The numbers in a folded organisation name, and the name without them."""
    numbers = tuple(int(n) for n in re.findall(r"\d+", key))
    return numbers, " ".join(re.sub(r"\d+", " ", key).split())


def _capped(lines: list[str], rest: str) -> list[str]:
    """At most MAX_WARNINGS_OF_A_KIND lines of one kind, then one line counting the rest."""
    if len(lines) <= MAX_WARNINGS_OF_A_KIND:
        return lines
    hidden = len(lines) - MAX_WARNINGS_OF_A_KIND
    return [*lines[:MAX_WARNINGS_OF_A_KIND], f"{hidden:,} {rest}"]
