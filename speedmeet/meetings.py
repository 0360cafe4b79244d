"""Who met whom, for the report to the funder and as history for the next event.

Pure bookkeeping over a plan: for each person the people they shared a table with (and in
which rounds), and for each organisation the organisations its people met.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from speedmeet.model import Plan


@dataclass
class PersonMeetings:
    participant_id: str
    met: dict[str, list[int]] = field(default_factory=dict)
    """Id of each person met -> the rounds in which they shared a table."""


@dataclass
class OrganisationMeetings:
    organisation: str
    people: int = 0
    met: dict[str, int] = field(default_factory=dict)
    """Each other organisation met -> how many distinct person-to-person pairs."""


def who_met_whom(plan: Plan) -> tuple[dict[str, PersonMeetings], dict[str, OrganisationMeetings]]:
    people = plan.participant_by_id()
    by_person = {pid: PersonMeetings(pid) for pid in people}
    for round_ in plan.rounds:
        for table in round_.tables:
            for a in table.participants:
                for b in table.participants:
                    if a != b:
                        by_person[a].met.setdefault(b, []).append(round_.round)

    by_organisation: dict[str, OrganisationMeetings] = {}
    pairs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for person in people.values():
        entry = by_organisation.setdefault(
            person.organisation, OrganisationMeetings(person.organisation)
        )
        entry.people += 1
        for other in by_person[person.id].met:
            other_organisation = people[other].organisation
            if other_organisation != person.organisation:
                pairs[person.organisation][other_organisation] += 1
    for organisation, met in pairs.items():
        by_organisation[organisation].met = dict(sorted(met.items()))
    return by_person, by_organisation
