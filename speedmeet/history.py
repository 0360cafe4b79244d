"""Earlier events as history: who already sat at one table, mapped onto this event's people.

Ids are only stable within one registration list ("P0001" next year may be someone else), so
an id counts only when it names the same person; otherwise a person is found by name and
organisation, folded like organisation names (case, accents, punctuation ignored).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path

from speedmeet.model import Participant, Plan, organisation_key
from speedmeet.planfile import read_plan

_NAMES_SHOWN = 5


def _person_key(participant: Participant) -> tuple[str, str]:
    return organisation_key(participant.name), participant.organisation_key


def _match_people(plan: Plan, participants: Sequence[Participant]) -> dict[str, str]:
    """Earlier id -> current id, for each earlier participant found in this event."""
    current_by_id = {p.id: p for p in participants}
    current_by_person: dict[tuple[str, str], list[Participant]] = defaultdict(list)
    for participant in participants:
        current_by_person[_person_key(participant)].append(participant)
    mapping: dict[str, str] = {}
    for earlier in plan.participants:
        same_id = current_by_id.get(earlier.id)
        if same_id is not None and organisation_key(same_id.name) == organisation_key(earlier.name):
            mapping[earlier.id] = same_id.id
            continue
        found = current_by_person.get(_person_key(earlier), [])
        if len(found) == 1:
            mapping[earlier.id] = found[0].id
    return mapping


def _table_pairs(plan: Plan) -> Iterable[tuple[str, str]]:
    for round_ in plan.rounds:
        for table in round_.tables:
            yield from combinations(table.participants, 2)


def load_history(
    paths: Sequence[Path], participants: Sequence[Participant]
) -> tuple[list[tuple[str, str]], list[str]]:
    """Pairs of this event's participants (by current id, sorted) who shared a table in one of
    the earlier plans, and a warning per plan naming the people it has that this event has not.

    A missing or damaged plan file raises `PlanFileError` (from `read_plan`).
    """
    pairs: set[tuple[str, str]] = set()
    warnings: list[str] = []
    for path in paths:
        plan = read_plan(path)
        mapping = _match_people(plan, participants)
        for first, second in _table_pairs(plan):
            if first in mapping and second in mapping and mapping[first] != mapping[second]:
                a, b = sorted((mapping[first], mapping[second]))
                pairs.add((a, b))
        missing = [p for p in plan.participants if p.id not in mapping]
        if missing:
            shown = ", ".join(f"{p.name} ({p.organisation})" for p in missing[:_NAMES_SHOWN])
            more = f" and {len(missing) - _NAMES_SHOWN} more" if len(missing) > _NAMES_SHOWN else ""
            people = "person" if len(missing) == 1 else "people"
            warnings.append(
                f"{path}: {len(missing)} {people} of that plan are not in this event "
                f"(by id, or by name and organisation): {shown}{more}"
            )
    return sorted(pairs), warnings
