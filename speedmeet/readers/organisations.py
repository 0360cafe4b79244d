"""Organisations as a person reads them: answers that mean "none", the spelling shown for each,
and names kept apart that look like one organisation written two ways.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Protocol

from speedmeet.model import most_frequent_spelling, organisation_key
from speedmeet.readers.rows import MAX_WARNINGS_OF_A_KIND, capped, rows_text

# Answers that mean "no organisation": each such person is their own organisation, so that five
# people who wrote "Private" are not kept apart as if they were colleagues.
NO_ORGANISATION = frozenset(
    {
        "", "n a", "na", "none", "no", "non", "nil", "null", "aucune", "aucun", "keine", "kein",
        "sans", "private", "prive", "privee", "privat", "privatperson", "individual",
        "independent", "independant", "independante", "self employed", "freelance",
    }
)  # fmt: skip

# Legal forms and articles that do not tell two organisations apart ("Caritas Geneve SA").
NOISE_WORDS = frozenset(
    {
        "sa", "sarl", "ag", "gmbh", "ev", "e", "v", "ltd", "inc", "llc", "asbl", "sas",
        "the", "la", "le", "les", "l", "de", "du", "des", "d", "der", "die", "das",
    }
)  # fmt: skip


class Registered(Protocol):
    """What these checks read of a registration row: its number, name and organisation."""

    @property
    def row(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def organisation(self) -> str:
        """As written; "" when none."""

    @property
    def organisation_key(self) -> str:
        """Folded for comparison; "" for none or an answer that means none."""


def organisation_displays(entries: Sequence[Registered], warnings: list[str]) -> list[str]:
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
    warnings.extend(capped(alone, "more people have no organisation; each counts as their own"))
    return result


def look_alike_organisations(entries: Sequence[Registered]) -> list[str]:
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
        stripped = "".join(w for w in key.split() if w not in NOISE_WORDS) or key.replace(" ", "")
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
        f"organisations '{spelling[first]}' ({rows_text(rows[first])}) and "
        f"'{spelling[second]}' ({rows_text(rows[second])}) look alike but are kept apart; "
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
