"""From the rows of a participant table to participants: names, organisations folded,
duplicates counted once, ids kept or made, and a warning for everything the user should check.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from speedmeet.errors import InputError, Location
from speedmeet.model import Participant, organisation_key
from speedmeet.readers.columns import header_language
from speedmeet.readers.organisations import look_alike_organisations, organisation_displays
from speedmeet.readers.registration_rows import Entry, RowReader
from speedmeet.readers.rows import RowAccount, capped, hidden_warning, rows_text
from speedmeet.readers.table import SheetTable


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


HIDDEN_ROWS = ("include", "skip")
"""What to do with rows hidden in the spreadsheet (by hand or by a filter); the first is the
default: a registration hidden from view is still a registration (see the README)."""


def build_registrations(
    table: SheetTable, source: str, *, hidden_rows: str = HIDDEN_ROWS[0]
) -> Registrations:
    """Turn the rows of a participant table into participants, with warnings in the user's words
    and an account of what became of every row below the header."""
    reader = RowReader(table, source)
    account = RowAccount(
        table.data_rows, blank=list(table.blank_rows), repeated_headers=list(table.repeated_headers)
    )
    entries = _read_rows(table, reader, account, hidden_rows)
    warnings = _row_warnings(table, reader, account, hidden_rows)
    _check_names_and_organisations(table, source, entries)
    kept = _drop_duplicates(entries, warnings)
    _account_for_kept(account, entries, kept, set(table.hidden_rows))
    entries = kept
    warnings.extend(_unknown_languages(entries))
    displays = organisation_displays(entries, warnings)
    ids = _ids(entries, table, source, warnings)
    participants = [_participant(entry, ids[i], displays[i]) for i, entry in enumerate(entries)]
    warnings.extend(look_alike_organisations(entries))
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


def _read_rows(
    table: SheetTable, reader: RowReader, account: RowAccount, hidden_rows: str
) -> list[Entry]:
    """Each row below the header read, or put in the account's list of why it is not."""
    entries: list[Entry] = []
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
    return entries


def _row_warnings(
    table: SheetTable, reader: RowReader, account: RowAccount, hidden_rows: str
) -> list[str]:
    """What the organiser should know about the rows as read: hidden, skipped, refused or
    cleaned, each kind in one line."""
    warnings: list[str] = []
    if table.hidden_rows:
        warnings.append(hidden_warning(table, hidden_rows))
    if account.nameless:
        verb = "has no name and is" if len(account.nameless) == 1 else "have no name and are"
        warnings.append(f"{rows_text(account.nameless)} {verb} skipped")
    if table.repeated_headers:
        rows = rows_text(table.repeated_headers)
        warnings.append(f"{rows} repeat the header row and are skipped")
    if reader.unclear_consent:
        header = table.label(table.mapping.fields["consent"])
        warnings.append(
            f"{rows_text(reader.unclear_consent)}: the answer in '{header}' is not a clear yes "
            "or no; read as no (their e-mail is not shared)"
        )
    warnings.extend(capped(list(reader.refused.values()), "more rows are refused"))
    cleaned = sorted({n for n, _ in reader.cleaned_cells if n not in reader.refused})
    if cleaned:  # a refused row has its own warning
        rows = rows_text(cleaned)
        warnings.append(f"control characters (invisible codes) were removed from cells in {rows}")
    if reader.bidi_cells:
        rows = rows_text(sorted(set(reader.bidi_cells)))
        warnings.append(
            "text-direction characters (which can reverse how a name is shown) were removed "
            f"from cells in {rows}"
        )
    return warnings


def _check_names_and_organisations(table: SheetTable, source: str, entries: list[Entry]) -> None:
    """Stop when there is nobody to plan for, or no organisation to keep colleagues apart by."""
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


def _account_for_kept(
    account: RowAccount, entries: list[Entry], kept: list[Entry], hidden: set[int]
) -> None:
    """Rows read and rows merged as repeats; every row must now be in exactly one list."""
    kept_rows = {entry.row for entry in kept}
    account.read = [entry.row for entry in kept]
    account.merged = [entry.row for entry in entries if entry.row not in kept_rows]
    account.hidden_read = [number for number in account.read if number in hidden]
    if account.accounted() != account.data_rows:  # a row lost or counted twice is a bug here
        raise AssertionError(
            f"rows below the header: {account.data_rows}, accounted for: {account}"
        )


def _participant(entry: Entry, participant_id: str, organisation: str) -> Participant:
    return Participant(
        id=participant_id,
        name=entry.name,
        organisation=organisation,
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


def _ordered(fields: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(fields.items(), key=lambda item: item[1])


def _header_list(table: SheetTable) -> str:
    return ", ".join(f"'{h}'" for h in table.headers if h) or "none"


def _unknown_languages(entries: list[Entry]) -> list[str]:
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
        f"'{first[key]}' in the languages of {rows_text(numbers)} is no language speedmeet "
        "knows: kept as written, so only people who wrote it share it"
        for key, numbers in rows.items()
    ]


def _drop_duplicates(entries: list[Entry], warnings: list[str]) -> list[Entry]:
    """Keep the first of registrations with the same email, or the same name and organisation.

    Same name and organisation with two different emails are two people (namesakes).
    """
    kept: list[Entry] = []
    repeats: list[str] = []
    by_email: dict[str, Entry] = {}
    by_name: dict[tuple[str, str], list[Entry]] = defaultdict(list)
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
    warnings.extend(capped(repeats, "more rows repeat an earlier registration; each counted once"))
    return kept


def _ids(entries: list[Entry], table: SheetTable, source: str, warnings: list[str]) -> list[str]:
    """The sheet's ids (unique, none empty), else ids made from each person's details."""
    index = table.mapping.fields.get("id")
    if index is not None:
        column = table.label(index)
        empty = [e.row for e in entries if not e.given_id]
        if empty:
            raise InputError(
                f"{rows_text(empty)} have no id; fill them in or delete the id column so "
                "that speedmeet makes its own",
                Location(source, table.sheet, empty[0], column),
            )
        rows_by_id: dict[str, list[int]] = defaultdict(list)
        for entry in entries:
            rows_by_id[str(entry.given_id)].append(entry.row)
        for given, rows in rows_by_id.items():
            if len(rows) > 1:
                raise InputError(
                    f"id '{given}' is used by {rows_text(rows)}; ids must be unique",
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
