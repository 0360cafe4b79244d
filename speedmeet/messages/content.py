"""What each participant is told, read from the plan: their tables, what changed since an earlier
version of the plan, and after the event the people they sat with.

Plain data, no e-mail and no calendar: `compose` turns it into messages. The consent rule lives
here, in one place: a table-mate's e-mail address is given only if that person consented.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.messages import texts
from speedmeet.model import EventSettings, Participant, Plan, round_times


@dataclass(frozen=True)
class Seat:
    """One round of a person's itinerary; `table` is None when they are not seated in it."""

    round: int
    table: str | None
    topic: str | None
    slot: str | None
    start: dt.datetime | None
    end: dt.datetime | None


@dataclass(frozen=True)
class Change:
    round: int
    before: str | None
    after: str | None


@dataclass(frozen=True)
class TableMate:
    round: int
    table: str
    name: str
    organisation: str
    email: str | None
    """Only when that person consented to share it; None otherwise."""


def _topic(plan: Plan, index: int) -> str | None:
    round_topic = plan.rounds[index].topic
    if round_topic:
        return round_topic
    topics = plan.settings.topics
    return topics[index] if index < len(topics) else None


class PlanView:
    """A plan read once for many messages: each person's table per round and each table's
    people, so that a thousand messages do not walk the whole plan a thousand times."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.people = plan.participant_by_id()
        self.tables = plan.seating()
        self.members = {
            (round_.round, table.table): table.participants
            for round_ in plan.rounds
            for table in round_.tables
        }

    def seated(self, person_id: str) -> bool:
        return any(table is not None for table in self.tables.get(person_id, []))


def seats(
    view: PlanView, settings: EventSettings, person_id: str, date: dt.date | None
) -> list[Seat]:
    """The person's table in every round, with times when the settings give them and a date."""
    plan = view.plan
    count = len(plan.rounds)
    times: Sequence[tuple[int, int] | None] = round_times(settings, count) or [None] * count
    tables = view.tables.get(person_id, [None] * count)
    result: list[Seat] = []
    for index in range(count):
        start = end = None
        minutes = times[index]
        slot = texts.time_slot(*minutes) if minutes is not None else None
        if minutes is not None and date is not None:
            midnight = dt.datetime.combine(date, dt.time())
            start = midnight + dt.timedelta(minutes=minutes[0])
            end = midnight + dt.timedelta(minutes=minutes[1])
        result.append(Seat(index + 1, tables[index], _topic(plan, index), slot, start, end))
    return result


def itinerary_text(person_seats: list[Seat]) -> str:
    return "\n".join(
        texts.round_line(seat.round, seat.slot, seat.table, seat.topic)
        if seat.table is not None
        else texts.round_absent_line(seat.round, seat.slot)
        for seat in person_seats
    )


def changes(before: PlanView, after: PlanView, person_id: str) -> list[Change] | None:
    """Rounds whose table changed for this person, or None when they were not in `before`.

    Rounds are compared by number; a round that exists in only one plan counts as unseated there.
    """
    old = before.tables.get(person_id)
    new = after.tables.get(person_id, [None] * len(after.plan.rounds))
    if old is None:
        return None
    count = max(len(old), len(new))
    old = old + [None] * (count - len(old))
    new = new + [None] * (count - len(new))
    return [
        Change(index + 1, old[index], new[index])
        for index in range(count)
        if old[index] != new[index]
    ]


def changes_text(found: list[Change] | None) -> str:
    if found is None:
        return texts.new_in_plan_line()
    return "\n".join(texts.change_line(c.round, c.before, c.after) for c in found)


def table_mates(view: PlanView, person_id: str) -> list[TableMate]:
    """Everyone who shared a table with the person, round by round; an address only by consent."""
    mates: list[TableMate] = []
    for number, table in enumerate(view.tables.get(person_id, []), start=1):
        if table is None:
            continue
        for other_id in view.members[(number, table)]:
            if other_id == person_id or other_id not in view.people:
                continue
            other = view.people[other_id]
            mates.append(
                TableMate(number, table, other.name, other.organisation, shared_email(other))
            )
    return mates


def shared_email(person: Participant) -> str | None:
    """The address others may see: the person's own e-mail if they consented, else nothing."""
    return person.email if person.consent and person.email else None


def meetings_text(mates: list[TableMate]) -> str:
    if not mates:
        return texts.met_nobody()
    lines: list[str] = []
    heading: tuple[int, str] | None = None
    for mate in mates:
        if heading != (mate.round, mate.table):
            if lines:
                lines.append("")
            heading = (mate.round, mate.table)
            lines.append(texts.met_round_heading(mate.round, mate.table))
        lines.append("- " + texts.met_line(mate.name, mate.organisation, mate.email))
    return "\n".join(lines)
