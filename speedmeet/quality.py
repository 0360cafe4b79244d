"""How good a plan is: new cross-organisation pairs, repeats, same-organisation meetings, and the
best possible (the upper bound of PRODUCT.md, tightened by same-organisation seats no layout avoids).

Pure arithmetic on ids and organisation names, shared by the validator and the solver, so that
both speak of the same figures. Nothing here knows how a plan was made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from math import comb
from typing import TypeVar

from speedmeet import notes

Person = TypeVar("Person", bound=Hashable)


@dataclass(frozen=True)
class Bound:
    """The most new cross-organisation pairs any plan could reach, and why."""

    value: int
    all_cross_pairs: int
    table_capacity: int
    per_person: int
    unavoidable_same_organisation: int
    reasons: tuple[str, ...] = ()

    @property
    def limiting(self) -> str:
        """Which of the three limits binds, in the organiser's words."""
        if self.value == self.all_cross_pairs:
            return "everyone meets everyone from another organisation"
        if self.value == self.per_person:
            return "each person can meet only so many people in the rounds available"
        return "the tables hold only so many pairs per round"


@dataclass(frozen=True)
class Quality:
    """Figures of PRODUCT.md "Quality of a plan" for one plan."""

    participants: int
    organisations: int
    new_pairs: int
    bound: Bound
    repeats: int
    same_organisation: int
    meetings: int = 0
    per_round_tables: tuple[int, ...] = field(default_factory=tuple)

    @property
    def share(self) -> float:
        return 1.0 if self.bound.value == 0 else self.new_pairs / self.bound.value

    @property
    def perfect(self) -> bool:
        return self.new_pairs >= self.bound.value


def forced_same_organisation_pairs(organisation_size: int, sizes: Sequence[int]) -> int:
    """Same-organisation pairs one round must seat when an organisation outnumbers the tables.

    The fewest come from spreading its people as evenly as the tables allow.
    """
    tables = len(sizes)
    if tables == 0 or organisation_size <= tables:
        return 0
    per_table, extra = divmod(organisation_size, tables)
    return extra * comb(per_table + 1, 2) + (tables - extra) * comb(per_table, 2)


def _cross_pairs_met_before(
    organisation_of: Mapping[Person, str], already_met: Collection[tuple[Person, Person]]
) -> set[frozenset[Person]]:
    return {
        frozenset(pair)
        for pair in already_met
        if pair[0] != pair[1]
        and pair[0] in organisation_of
        and pair[1] in organisation_of
        and organisation_of[pair[0]] != organisation_of[pair[1]]
    }


def upper_bound(
    organisation_of: Mapping[Person, str],
    round_sizes: Sequence[Sequence[int]],
    present: Sequence[Sequence[Person]] | None = None,
    already_met: Collection[tuple[Person, Person]] = (),
) -> Bound:
    """The PRODUCT.md bound for these participants and table layouts, one layout per round.

    `present[r]` lists who attends round r (everyone when omitted), so that replanned events with
    walk-ins and early leavers get an honest bound too. Pairs in `already_met` (an earlier
    event's history) are no longer new, so they are not promised.
    """
    people = list(organisation_of)
    n = len(people)
    org_counts = Counter(organisation_of.values())
    met_before = _cross_pairs_met_before(organisation_of, already_met)
    known_partners: Counter[Person] = Counter(p for pair in met_before for p in pair)
    all_cross = comb(n, 2) - sum(comb(c, 2) for c in org_counts.values()) - len(met_before)

    capacity = 0
    unavoidable = 0
    rounds_present: list[set[Person]] = []
    for r, sizes in enumerate(round_sizes):
        attendees = set(people) if present is None else set(present[r])
        rounds_present.append(attendees)
        round_orgs = Counter(organisation_of[p] for p in attendees)
        forced = sum(forced_same_organisation_pairs(c, sizes) for c in round_orgs.values())
        unavoidable += forced
        capacity += sum(comb(s, 2) for s in sizes) - forced

    reach_twice = 0
    seats_beside = [(max(sizes) - 1) if sizes else 0 for sizes in round_sizes]
    for person in people:
        can_meet = sum(
            beside
            for beside, attendees in zip(seats_beside, rounds_present, strict=True)
            if person in attendees
        )
        strangers = n - org_counts[organisation_of[person]] - known_partners[person]
        reach_twice += min(can_meet, strangers)
    per_person = reach_twice // 2

    value = min(all_cross, capacity, per_person)
    reasons: list[str] = []
    if unavoidable:
        biggest = max(org_counts.items(), key=lambda item: item[1])
        tables = min(len(s) for s in round_sizes if s) if any(round_sizes) else 0
        reasons.append(
            notes.UNAVOIDABLE_IN_ORGANISATION.format(
                count=unavoidable, organisation=biggest[0], largest=biggest[1], tables=tables
            )
        )
    return Bound(value, all_cross, capacity, per_person, unavoidable, tuple(reasons))


def wasted(times: int, colleagues: bool) -> int:
    """Meetings of one pair that bring no new pair: all of a same-organisation pair's, every
    one after the first of anyone else's (a meeting at an earlier event counts as the first).
    The one definition the validator's figures and the solver's objective share."""
    return times if colleagues else max(0, times - 1)


def measure(
    schedule: Sequence[Sequence[Sequence[Person]]],
    organisation_of: Mapping[Person, str],
    bound: Bound,
    already_met: Collection[tuple[Person, Person]] = (),
) -> Quality:
    """Count distinct new cross-organisation pairs, repeats and same-organisation meetings.

    A pair in `already_met` (history) is not new: each of its meetings counts as a repeat.
    """
    met_before = _cross_pairs_met_before(organisation_of, already_met)
    meetings: Counter[tuple[Person, Person]] = Counter()
    for tables in schedule:
        for table in tables:
            seated = sorted(table, key=str)
            for i, a in enumerate(seated):
                for b in seated[i + 1 :]:
                    meetings[(a, b)] += 1
    new_pairs = repeats = same_org = 0
    for (a, b), times in meetings.items():
        if organisation_of[a] == organisation_of[b]:
            same_org += wasted(times, colleagues=True)
        else:
            lost = wasted(times + (frozenset((a, b)) in met_before), colleagues=False)
            repeats += lost
            new_pairs += times - lost
    return Quality(
        participants=len(organisation_of),
        organisations=len(set(organisation_of.values())),
        new_pairs=new_pairs,
        bound=bound,
        repeats=repeats,
        same_organisation=same_org,
        meetings=sum(meetings.values()),
        per_round_tables=tuple(len(tables) for tables in schedule),
    )
