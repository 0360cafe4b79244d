"""Who can share a table with whom: languages in common and categories for the mix.

Questions about people, asked alike by the translation into the solver's terms
(`speedmeet.problem`) and by the validator's rule report (`speedmeet.validate.rules`), so that
the plan is sought and measured by the same answers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from speedmeet.model import Participant, organisation_key


def common_languages(people: Iterable[Participant]) -> set[str] | None:
    """Languages everyone with languages at a table speaks (None: nobody gave any)."""
    shared: set[str] | None = None
    for person in people:
        if person.languages:
            spoken = set(person.languages)
            shared = spoken if shared is None else shared & spoken
    return shared


def beyond_a_common_language(people: Sequence[Participant], smallest_table: int) -> set[str]:
    """Ids of people who can sit at no table sharing a language: too few others speak any of
    their languages to fill even the smallest table (people with no language given fill
    seats of any table). Someone sharing no language with anyone is the plainest case. The
    rule cannot be met where they sit, whatever the plan, so it leaves them out."""
    beyond: set[str] = set()
    while True:
        counted = [p for p in people if p.languages and p.id not in beyond]
        neutral = len(people) - len(counted)
        speakers = Counter(lang for p in counted for lang in set(p.languages))
        more = {
            p.id
            for p in counted
            if all(speakers[lang] + neutral < smallest_table for lang in p.languages)
        }
        if not more:
            return beyond
        beyond |= more


def no_shared_language(first: Participant, second: Participant) -> bool:
    """Both gave languages and none is common: they cannot meet at a table sharing a language."""
    return bool(first.languages and second.languages) and not (
        set(first.languages) & set(second.languages)
    )


def category(person: Participant, field: str) -> str:
    """The person's category for the stakeholder mix, folded like organisation names."""
    value = getattr(person, field, None)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return organisation_key(str(value or ""))
