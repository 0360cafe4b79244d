"""Who leaves and who arrives mid-event, as the organiser names them: a participant meant by
an id or a name (`resolve_drop`), a walk-in typed as "name; organisation" (`parse_walk_in`),
and people read from a late-arrivals sheet (`walk_ins_from_participants`). New people get ids
continuing the plan's scheme and join a known spelling of their organisation.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

from speedmeet.errors import ReplanError
from speedmeet.model import Participant, Plan, organisation_key

_NUMBERED_ID = re.compile(r"^(.*?)(\d+)$")


def fold_name(text: str) -> str:
    """A person's name folded like organisation names, to recognise them however typed."""
    return organisation_key(text)


def resolve_drop(token: str, plan: Plan) -> str:
    """The id of the participant meant by `token`: an id, or a name when it is not ambiguous."""
    token = token.strip()
    by_id = plan.participant_by_id()
    if token in by_id:
        return token
    folded_ids = {pid.casefold(): pid for pid in by_id}
    if token.casefold() in folded_ids:
        return folded_ids[token.casefold()]
    wanted = fold_name(token)
    matches = [p for p in plan.participants if wanted and fold_name(p.name) == wanted]
    if len(matches) == 1:
        return matches[0].id
    if matches:
        candidates = ", ".join(f"{p.id} ({p.name}, {p.organisation})" for p in matches)
        raise ReplanError(f"'{token}' could be several people: {candidates}; give the id instead")
    names = [p.name for p in plan.participants]
    close = difflib.get_close_matches(token, names, n=3, cutoff=0.7)
    hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    raise ReplanError(f"no participant has the id or name '{token}'{hint}")


def next_participant_id(taken: Sequence[str] | set[str]) -> str:
    """A fresh id continuing the plan's scheme: after P0070 comes P0071."""
    taken_set = set(taken)
    schemes: Counter[str] = Counter()
    highest: dict[str, int] = {}
    width: dict[str, int] = {}
    for pid in taken_set:
        match = _NUMBERED_ID.match(pid)
        if match:
            prefix, digits = match.groups()
            schemes[prefix] += 1
            highest[prefix] = max(highest.get(prefix, 0), int(digits))
            width[prefix] = max(width.get(prefix, 0), len(digits))
    if schemes:
        prefix = max(schemes, key=lambda p: (schemes[p], p))
        number, digits = highest[prefix] + 1, width[prefix]
    else:
        prefix, number, digits = "P", len(taken_set) + 1, 4
    while f"{prefix}{number:0{digits}d}" in taken_set:
        number += 1
    return f"{prefix}{number:0{digits}d}"


def organisation_spellings(plan: Plan) -> dict[str, str]:
    """Each organisation of the plan as it is spelled there, by its folded name."""
    return {p.organisation_key: p.organisation for p in plan.participants}


def parse_walk_in(text: str, existing: Plan) -> Participant:
    """A walk-in from "Jean Dupont; Caritas Genève"; the organisation joins a known spelling.

    Without an organisation the person is their own organisation, as the readers do.
    """
    name, _, organisation = text.partition(";")
    name, organisation = " ".join(name.split()), " ".join(organisation.split())
    if not name:
        raise ReplanError(f"--add '{text}': give the person as \"name; organisation\"")
    spelling = organisation_spellings(existing).get(organisation_key(organisation or name))
    return Participant(
        id=next_participant_id({p.id for p in existing.participants}),
        name=name,
        organisation=spelling or organisation or name,
    )


def walk_ins_from_participants(
    participants: Sequence[Participant], existing: Plan, *, keep_ids: bool = True
) -> tuple[list[Participant], list[str]]:
    """People read from a late-arrivals sheet, minus those already in the plan (warned).

    With `keep_ids` False (the sheet had no id column) they get ids continuing the plan's.
    """
    spellings = organisation_spellings(existing)
    known = {(fold_name(p.name), p.organisation_key): p for p in existing.participants}
    by_id = existing.participant_by_id()
    taken = set(by_id)
    walk_ins: list[Participant] = []
    warnings: list[str] = []
    for person in participants:
        same = known.get((fold_name(person.name), person.organisation_key))
        namesake = by_id.get(person.id)
        if same is None and namesake and fold_name(namesake.name) == fold_name(person.name):
            same = namesake
        if same is not None:
            warnings.append(
                f"{person.name} ({person.organisation}) is already in the plan as {same.id}; "
                "not added"
            )
            continue
        pid = person.id if keep_ids else next_participant_id(taken)
        taken.add(pid)
        spelling = spellings.get(person.organisation_key, person.organisation)
        walk_ins.append(person.model_copy(update={"id": pid, "organisation": spelling}))
    return walk_ins, warnings
