"""The notes on a plan (why it cannot do better), written once as templates.

The solver and the quality figures fill these templates in English, and plan.json keeps the
English sentence; the workbook reads the sentence back against the same templates and writes it
in the plan's output language. One template serves both, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol


def N_(message: str) -> str:
    """Mark a template for the catalogues (`pybabel extract` finds N_) without translating it."""
    return message


UNAVOIDABLE_IN_SOME_ORGANISATION = N_(
    "{count} same-organisation meetings are unavoidable: an organisation has {largest} people "
    "for {tables} tables"
)
UNAVOIDABLE_IN_ORGANISATION = N_(
    "{count} same-organisation meetings are unavoidable: {organisation} has {largest} people "
    "for {tables} tables"
)
CROWDED_ROUNDS = N_(
    "at least {count} meetings must repeat a pair or seat colleagues together: {tables} tables "
    "of up to {size} are too few for a round to avoid everyone who already sat together in an "
    "earlier round"
)
NO_LATIN_SQUARES_ONE = N_(
    "at least {count} repeat meeting cannot be avoided: with {people} people at {tables} tables "
    "of {size}, no 4 rounds can be free of repeats (there are no two orthogonal Latin squares of "
    "order 6)"
)
NO_LATIN_SQUARES = N_(
    "at least {count} repeat meetings cannot be avoided: with {people} people at {tables} tables "
    "of {size}, no 4 rounds can be free of repeats (there are no two orthogonal Latin squares of "
    "order 6)"
)
UNREACHABLE_PAIRS = N_(
    "{count} pairs cannot count: they met at an earlier event, are kept apart, or are hosts who "
    "stay at different tables"
)
PER_PERSON_LIMIT = N_("each person can meet only so many people in the rounds available")
TABLE_LIMIT = N_("the tables hold only so many pairs per round")
PROVEN_BY_SEARCH = N_(
    "an exhaustive search proves that no plan reaches more than {count} new pairs for this event"
)

TEMPLATES = (
    UNAVOIDABLE_IN_SOME_ORGANISATION,
    UNAVOIDABLE_IN_ORGANISATION,
    CROWDED_ROUNDS,
    NO_LATIN_SQUARES_ONE,
    NO_LATIN_SQUARES,
    UNREACHABLE_PAIRS,
    PER_PERSON_LIMIT,
    TABLE_LIMIT,
    PROVEN_BY_SEARCH,
)


class Translator(Protocol):
    def gettext(self, message: str) -> str: ...


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex + r"\Z")


def translate_note(note: str, language: Translator) -> str:
    """A note of the plan in the output language; a note no template knows stays as written."""
    for template in TEMPLATES:
        found = _pattern(template).match(note)
        if found is not None:
            return language.gettext(template).format(**found.groupdict())
    return note
