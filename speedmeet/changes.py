"""What a replan changed: every seat that differs between two versions of a plan, and the
outcome `speedmeet.replanning.replan` hands back (the new plan, the one it replaces, who moved).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from speedmeet.model import Participant, Plan
from speedmeet.quality import Quality


@dataclass(frozen=True)
class SeatChange:
    """One person's table in one round, before and after (None: not seated)."""

    participant_id: str
    name: str
    organisation: str
    round: int
    old_table: str | None
    new_table: str | None

    def describe(self) -> str:
        """The line an organiser reads out: "Amira Haddad: round 3 table 4 -> table 7"."""
        before = f"table {self.old_table}" if self.old_table is not None else "not seated"
        after = f"table {self.new_table}" if self.new_table is not None else "leaves"
        return f"{self.name}: round {self.round} {before} -> {after}"


@dataclass
class ReplanOutcome:
    """The new plan, the one it replaces, and exactly what changed between them."""

    plan: Plan
    previous: Plan
    from_round: int
    changes: list[SeatChange]
    moved: list[str]
    """Ids of people already seated whose table changed in some round (their badge is wrong)."""
    dropped: list[Participant]
    added: list[Participant]
    seconds: float
    proven_optimal: bool
    introduced_conflicts: int
    """Repeats or same-organisation meetings the change could not avoid."""
    quality_before: Quality | None
    quality_after: Quality | None
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_rounds(self) -> list[int]:
        """Rounds whose table lists differ from the previous plan (their sheets need reprinting)."""
        return sorted({change.round for change in self.changes})

    @property
    def reprint_participants(self) -> list[str]:
        """Ids whose badge or itinerary must be printed again: people who moved and walk-ins."""
        return [*self.moved, *(p.id for p in self.added)]


def _table_order(name: str | None) -> tuple[int, int, str]:
    if name is None:
        return (1, 0, "")
    return (0, int(name), "") if name.isdigit() else (0, 1 << 30, name)


def seat_changes(before: Plan, after: Plan, from_round: int) -> list[SeatChange]:
    """Every (person, round) whose table differs, sorted by round, then table, then name."""
    old_seating, new_seating = before.seating(), after.seating()
    people = {**before.participant_by_id(), **after.participant_by_id()}
    changes: list[SeatChange] = []
    for pid, person in people.items():
        old = old_seating.get(pid, [None] * len(before.rounds))
        new = new_seating.get(pid, [None] * len(after.rounds))
        for r in range(from_round, len(after.rounds) + 1):
            if old[r - 1] != new[r - 1]:
                changes.append(
                    SeatChange(pid, person.name, person.organisation, r, old[r - 1], new[r - 1])
                )
    changes.sort(
        key=lambda c: (c.round, _table_order(c.old_table), _table_order(c.new_table), c.name)
    )
    return changes
