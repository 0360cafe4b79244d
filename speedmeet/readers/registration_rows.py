"""One registration row read: its cells cleaned, length-checked and converted (names, yes/no,
round numbers, consent, several answers in a cell), and refused when a name shows nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from speedmeet.errors import InputError, Location
from speedmeet.languages import read_languages
from speedmeet.model import organisation_key
from speedmeet.readers.organisations import NO_ORGANISATION
from speedmeet.readers.table import SheetRow, SheetTable, clean_text

MAX_CELL_CHARS = 1_000

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
class Entry:
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
        self.organisation_key = "" if key in NO_ORGANISATION else key
        self.name_key = organisation_key(self.name)


class RowReader:
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

    def read(self, row: SheetRow) -> Entry | None:
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
        return Entry(
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
