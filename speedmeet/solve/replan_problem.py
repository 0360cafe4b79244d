"""What a replan hands the solver and gets back: the event's `SolverRules`, the rounds held
(frozen) and the rounds to come as the old plan left them; plain indices, no ortools.

A replan is the same problem as a new plan (`problem.Instance`: the same organisations and
the same `SolverRules`, built by `speedmeet.problem`) with the rounds already held frozen and
a cost per person who changes table. `evaluate` scores any seating of the rounds to come with
`objective`'s counts, independently of the model that found it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from speedmeet.defaults import DEFAULT_TIME_LIMIT
from speedmeet.quality import wasted
from speedmeet.solve.objective import meetings, round_pairs
from speedmeet.solve.problem import Pair, Schedule, SolverRules, Status


@dataclass(frozen=True)
class ReplanRound:
    """One round still to come, as the old plan left it after the change."""

    old_tables: Sequence[Sequence[int]]
    """Members of each old table who are still present (a table may be left empty)."""
    newcomers: Sequence[int]
    """People present now who had no seat in this round (walk-ins)."""
    table_count: int
    """How many tables the round needs for the people now present."""
    size_bounds: Sequence[tuple[int, int]] | None = None
    """Fewest and most people each table (old ones, then new ones) may seat when open, for
    tables of their own capacities (a Tables sheet); None: base or base + 1 everywhere."""
    pinned: Mapping[int, int] = field(default_factory=dict)
    """Hosts: person -> the table index they sit at whatever else changes."""
    table_languages: Sequence[frozenset[str]] = ()
    """Per table index, the languages its people share one of (the Tables sheet's; empty or
    missing: any), for the common language."""

    @property
    def present(self) -> int:
        return sum(len(members) for members in self.old_tables) + len(self.newcomers)

    @property
    def width(self) -> int:
        """Tables the round can use: the old ones, then any new ones."""
        return max(len(self.old_tables), self.table_count)

    def bounds(self, table: int) -> tuple[int, int]:
        """Fewest and most people the table may seat when it is open."""
        if self.size_bounds is not None:
            return self.size_bounds[table]
        base, count = self.present // self.table_count, self.table_count
        return base, base + (1 if self.present > base * count else 0)


@dataclass(frozen=True)
class ReplanProblem:
    """What the replanning model is handed: plain indices, no ids or names."""

    organisations: Sequence[int]
    """organisations[i] is the organisation index of participant i."""
    rules: SolverRules
    """The event's rules, as a new plan has them: pairs who met at earlier events, keep-apart
    and must-meet pairs, what each person speaks, categories for the mix. Hosts keep the
    table the old plan gives them (`ReplanRound.pinned`), not `rules.hosts`' tables."""
    held_rounds: Schedule
    """The rounds already held (or, for one round solved alone, every other round as seated),
    never changed: their meetings count as met."""
    rounds: Sequence[ReplanRound]
    seed: int = 0
    time_limit: float = DEFAULT_TIME_LIMIT
    workers: int = 1

    @cached_property
    def held_meetings(self) -> Mapping[Pair, int]:
        """How often each pair already met: in the held rounds, or at earlier events."""
        met = meetings(self.held_rounds)
        met.update(self.rules.already_met)
        return met

    @cached_property
    def apart(self) -> frozenset[Pair]:
        """Keep-apart pairs: never at one table."""
        return frozenset(self.rules.keep_apart)

    @cached_property
    def must_meet(self) -> frozenset[Pair]:
        """Pairs the organiser wants at one table at least once: kept meeting where that
        costs nothing else."""
        return frozenset(self.rules.must_meet)

    @property
    def languages(self) -> Sequence[frozenset[str]] | None:
        """languages[i]: what participant i speaks (empty: not given); None: the rule is off
        or met by any seating. Tables keep a common language where that costs no move and no
        new cross-organisation pair."""
        return self.rules.languages or None

    @property
    def categories(self) -> Sequence[int] | None:
        """categories[i]: participant i's category for the mix (-1: none); None: no mix. No
        table holds more of one category than its even share, where that costs nothing else."""
        return self.rules.categories or None

    def alone(self, index: int, others: Schedule) -> ReplanProblem:
        """The same problem for round `index` alone, every other round seated as `others`."""
        return ReplanProblem(
            self.organisations,
            self.rules,
            [*self.held_rounds, *others],
            [self.rounds[index]],
            self.seed,
            self.time_limit,
            self.workers,
        )


@dataclass
class ReplanResult:
    """The new seating of the replanned rounds and what it cost."""

    status: Status
    """"optimal" when the last model solved was proven optimal for its focus."""
    schedule: list[list[list[int]]]
    """Per replanned round, per table (old tables in order, then new ones): the members.
    A table that closes is an empty list."""
    moved: list[int] = field(default_factory=list)
    """People with an old seat whose table changed in at least one replanned round."""
    introduced_conflicts: int = 0
    """Repeats and same-organisation meetings that the change added to the plan."""
    broken_rules: int = 0
    """Keep-apart pairs seated together and hosts away from their table (0 in any answer
    the model gives; only a greedy start can break them)."""
    conflicts: int = 0
    """Repeats and same-organisation meetings in the whole plan after the change."""
    seconds: float = 0.0
    attempts: int = 0
    focus_tables: int = 0
    """Tables given seat variables in the widest model solved, over all rounds."""
    clock_stopped: bool = False
    """Whether the wall clock's safety stop cut a model short (an overloaded machine): only
    then may the same request and seed give another plan."""


def evaluate(
    problem: ReplanProblem,
    schedule: list[list[list[int]]],
    status: Status,
    focus: Sequence[Sequence[int]],
) -> ReplanResult:
    introduced, conflicts = count_conflicts(problem, schedule)
    return ReplanResult(
        status=status,
        schedule=schedule,
        moved=moved_people(problem, schedule),
        introduced_conflicts=introduced,
        conflicts=conflicts,
        broken_rules=broken_rules(problem, schedule),
        focus_tables=sum(len(tables) for tables in focus),
    )


def broken_rules(problem: ReplanProblem, schedule: Sequence[Sequence[Sequence[int]]]) -> int:
    """Keep-apart pairs at one table, hosts away from their table, tables outside their size
    bounds: what no answer may have, counted independently of the model."""
    broken = 0
    for round_, tables in zip(problem.rounds, schedule, strict=True):
        where = {p: t for t, members in enumerate(tables) for p in members}
        broken += sum(1 for p, t in round_.pinned.items() if where.get(p) != t)
        broken += sum(1 for a, b in problem.apart if a in where and where[a] == where.get(b))
        open_tables = [t for t, members in enumerate(tables) if members]
        broken += abs(len(open_tables) - round_.table_count)
        for t in open_tables:
            low, high = round_.bounds(t)
            broken += max(0, low - len(tables[t])) + max(0, len(tables[t]) - high)
    return broken


def moved_people(problem: ReplanProblem, schedule: Sequence[Sequence[Sequence[int]]]) -> list[int]:
    """People with an old seat who sit at another table in some replanned round."""
    moved: set[int] = set()
    for round_, tables in zip(problem.rounds, schedule, strict=True):
        for t, members in enumerate(tables):
            for p in members:
                old = t < len(round_.old_tables) and p in round_.old_tables[t]
                if not old and p not in round_.newcomers:
                    moved.add(p)
    return sorted(moved)


def count_conflicts(
    problem: ReplanProblem, schedule: Sequence[Sequence[Sequence[int]]]
) -> tuple[int, int]:
    """(introduced, total) repeats and same-organisation meetings, over the whole plan.

    Introduced counts what the new meetings add beyond the meetings the old plan had and kept;
    the same measure the model minimises first, computed here independently from the seating.
    """
    organisations = problem.organisations
    new_rounds = [round_pairs(tables) for tables in schedule]
    old_rounds = [round_pairs(round_.old_tables) for round_ in problem.rounds]
    pairs = set(problem.held_meetings).union(*new_rounds)
    introduced = total = 0
    for a, b in pairs:
        held = problem.held_meetings.get((a, b), 0)
        kept = sum(
            1
            for new, old in zip(new_rounds, old_rounds, strict=True)
            if (a, b) in new and (a, b) in old
        )
        fresh = sum(
            1
            for new, old in zip(new_rounds, old_rounds, strict=True)
            if (a, b) in new and (a, b) not in old
        )
        colleagues = organisations[a] == organisations[b]
        introduced += wasted(held + kept + fresh, colleagues) - wasted(held + kept, colleagues)
        total += wasted(held + kept + fresh, colleagues)
    return introduced, total
