"""Family names for alphabetical lists: the entrance list and the check-in page.

A registration sheet usually holds one "Name" column written as people type it, so the family
name is found by the conventions people use: "Haddad, Amira" (before the comma), "HADDAD Amira"
or "Amira HADDAD" (the word in capitals), otherwise the last word with the particles before it
("Ludwig van Beethoven" files under B as "Beethoven, Ludwig van", "Jean de La Fontaine" under L).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from speedmeet.model import Participant, organisation_key

PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "dos",
        "du",
        "la",
        "le",
        "ter",
        "ten",
        "zu",
        "af",
        "al",
        "el",
        "bin",
        "ben",
        "ibn",
    ]
)
"""Words that belong to the family name when they come before it ("van", "de", "al")."""


@dataclass(frozen=True)
class FiledName:
    """A name as an index lists it: "Beethoven, Ludwig van", filed under "beethoven ludwig"."""

    family: str
    given: str
    key: str
    initial: str

    @property
    def listed(self) -> str:
        return f"{self.family}, {self.given}" if self.given else self.family


LETTERS_APART = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "đ": "d"}
    | {"Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ð": "d", "ı": "i"}
)
"""Latin letters that no accent-stripping turns into A-Z, filed as the alphabet has them."""


def _is_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _initial(folded: str) -> str:
    """The letter a name is filed under: A-Z for Latin names, the first letter otherwise."""
    for char in folded:
        if char.isalnum():
            return char.upper()
    return "#"


def file_name(name: str, family_name: str | None = None) -> FiledName:
    """Split `name` into family and given names as an alphabetical list files them;
    `family_name`, when the sheet had a column for it, is taken as written."""
    text = " ".join(unicodedata.normalize("NFC", name).split())
    family_words: list[str]
    given_words: list[str]
    family_particles: list[str] = []
    family_given = " ".join(unicodedata.normalize("NFC", family_name or "").split())
    if family_given and family_given in text:
        family_words = family_given.split()
        given_words = text.replace(family_given, " ", 1).split()
    elif "," in text:
        family_part, _, given_part = text.partition(",")
        family_words, given_words = family_part.split(), given_part.split()
    else:
        words = text.split()
        capitals = [_is_capitals(word) for word in words]
        if len(words) > 1 and any(capitals) and not all(capitals):
            lead = 0
            while lead < len(words) and capitals[lead]:
                lead += 1
            trail = len(words)
            while trail > 0 and capitals[trail - 1]:
                trail -= 1
            if lead:
                family_words, given_words = words[:lead], words[lead:]
            else:
                family_words, given_words = words[trail:], words[:trail]
        elif len(words) > 1:
            start = len(words) - 1
            while start > 1 and words[start - 1].casefold() in PARTICLES:
                start -= 1
            family_words, given_words = words[start:], words[:start]
            # "van" and "de" typed in lower case are set aside for filing; "La Fontaine" is not.
            while len(family_words) > 1 and family_words[0].islower():
                family_particles.append(family_words.pop(0))
        else:
            family_words, given_words = words, []
    family = " ".join(family_words) or text
    given = " ".join([*given_words, *family_particles])
    folded = organisation_key(f"{family} {given}".translate(LETTERS_APART))
    return FiledName(family=family, given=given, key=folded, initial=_initial(folded))


def family_order(participants: list[Participant]) -> list[tuple[Participant, FiledName]]:
    """Participants sorted by family name, then given name, case and accents ignored."""
    filed = [(person, file_name(person.name, person.family_name)) for person in participants]
    return sorted(filed, key=lambda item: (item[1].key, item[1].listed, item[0].id))
