"""Replanning the rounds still to come with the fewest seat changes: a CP-SAT model.

An organiser replans between rounds, with badges already printed: every person who changes
table is a badge that is now wrong and someone to find in the room. So the model works on the
old seating and changes only what it must:

1. no meeting the change makes is a repeat or a same-organisation meeting, whenever that can be
   avoided (meetings the old plan already had, and keeps, are not held against the change);
2. then as few people as possible change table in any round (people, not seats);
3. then as many distinct cross-organisation pairs as possible. With table sizes fixed by the
   layout, every round holds a fixed number of meetings, so this is the same as the fewest
   repeats and same-organisation meetings over the whole plan.
4. last, the event's soft rules as the old plan had them: a common language at every table,
   no category over its even share, must-meet pairs meeting. They never cost a move or a pair.

The hard rules hold in every answer: hosts keep their table (`ReplanRound.pinned`), keep-apart
pairs never share one (`ReplanProblem.apart`), tables stay within their size bounds (a Tables
sheet's capacities, `ReplanRound.size_bounds`). Pairs who met at earlier events are simply
held meetings.

Speed comes from giving seat variables only to the people at a few tables of each round (the
"focus"): the tables the change touches (left too small or too big, emptied, new) plus some
others that can give or take a person. Everyone else keeps their seat as a constant. If the
answer still has to introduce a repeat, the focus widens and the model is solved again.
People inside and outside the focus never share a table, so the meetings that can change are
only those between two people in focus, which keeps the model small.

The search starts from a greedy seating (valid, usually free of conflicts) so that an answer
exists at once; changes too big for one model (many leave at once) are solved round by round.

Each model gets a share of the time limit in CP-SAT's deterministic time, with one worker, so
the same request and seed give the same new plan on a busy machine too; the wall clock is only
the safety stop of `problem.safety_stop` (`ReplanResult.clock_stopped` says when it ended it).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Literal

from ortools.sat.python import cp_model

from speedmeet.solve.problem import safety_stop

Pair = tuple[int, int]
"""Two participant indices, the smaller first."""

FOCUS_MARGINS = (2, 6, 14)
"""Extra tables per round beyond those the change touches, widened in this order."""

LARGEST_FOCUS = 30
"""Most tables per round given seat variables when widening, so large events stay fast."""

FIRST_WORK_SHARE = 0.1
IMPROVEMENT_WORK_SHARE = 0.05
"""Deterministic work (CP-SAT's unit, roughly a second) per model, as a share of the time limit:
the first model, then each wider one. Counting work rather than seconds gives the same plan for
the same request however busy the machine is; the time limit stays a hard stop."""

LARGEST_MODEL = 60_000
"""A focus needing more pair-and-table links than this is solved round by round (first try)
or not at all (widening)."""


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
        base, count = _round_shape(self)
        return base, base + (1 if self.present > base * count else 0)


@dataclass(frozen=True)
class ReplanProblem:
    """What the replanning model is handed: plain indices, no ids or names."""

    organisations: Sequence[int]
    """organisations[i] is the organisation index of participant i."""
    held_meetings: Mapping[Pair, int]
    """How often each pair already met in the rounds that have been held (or at earlier
    events: the history rule)."""
    rounds: Sequence[ReplanRound]
    seed: int = 0
    time_limit: float = 10.0
    workers: int = 1
    apart: frozenset[Pair] = frozenset()
    """Keep-apart pairs: never at one table."""
    languages: Sequence[frozenset[str]] | None = None
    """languages[i]: what participant i speaks (empty: not given). With it, tables keep a
    common language where that costs no move and no new cross-organisation pair."""
    categories: Sequence[int] | None = None
    """categories[i]: participant i's category for the stakeholder mix (-1: none). With it,
    no table holds more of one category than its even share, where that costs nothing else."""
    must_meet: frozenset[Pair] = frozenset()
    """Pairs the organiser wants at one table at least once: kept meeting where that costs
    nothing else."""


ReplanStatus = Literal["optimal", "feasible", "unknown"]


@dataclass
class ReplanResult:
    """The new seating of the replanned rounds and what it cost."""

    status: ReplanStatus
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


def solve_replan(problem: ReplanProblem) -> ReplanResult:
    """Seat the replanned rounds, widening the focus while the answer adds avoidable conflicts."""
    started = time.monotonic()
    deadline = started + safety_stop(problem.time_limit)
    clock_stopped = False
    required = [_required_tables(round_) for round_ in problem.rounds]
    touched_people = {
        person
        for round_, tables in zip(problem.rounds, required, strict=True)
        for t in tables
        if t < len(round_.old_tables)
        for person in round_.old_tables[t]
    }
    best: ReplanResult | None = None
    levels: list[int | None] = [*FOCUS_MARGINS, None]
    for level, margin in enumerate(levels):
        remaining = deadline - time.monotonic()
        if best is not None and remaining <= 0:
            clock_stopped = True
            break
        focus = [
            _focus_tables(
                round_, needed, margin, touched_people, random.Random(problem.seed * 7919 + i)
            )
            for i, (round_, needed) in enumerate(zip(problem.rounds, required, strict=True))
        ]
        if best is None:
            best = _evaluate(problem, greedy_seating(problem, focus), "feasible", focus)
        work = problem.time_limit * (FIRST_WORK_SHARE if level == 0 else IMPROVEMENT_WORK_SHARE)
        seconds = max(remaining, 0.01)
        built = _FocusModel(problem, focus, best.schedule)
        if built.links <= LARGEST_MODEL:
            result = _solve_focus(problem, focus, seconds, work, best.schedule, built=built)
        elif level == 0:
            result = _solve_round_by_round(problem, focus, best.schedule, deadline, work)
        else:
            break
        clock_stopped = clock_stopped or time.monotonic() >= deadline
        result.attempts = level + 1
        if result.schedule and _rank(result) <= _rank(best):
            best = result
        covers_all = all(
            len(tables) >= max(len(round_.old_tables), round_.table_count)
            for tables, round_ in zip(focus, problem.rounds, strict=True)
        )
        if covers_all:
            break
        if best.introduced_conflicts > 0:
            continue
        # No avoidable conflict left. A wider focus can still find fewer moves (one person's
        # move covering several rounds), which is worth one try when this model was easy.
        if level >= 1 or result.status != "optimal":
            break
    if best is None:
        best = ReplanResult(status="unknown", schedule=[])
    best.seconds = time.monotonic() - started
    best.clock_stopped = clock_stopped
    return best


def _solve_round_by_round(
    problem: ReplanProblem,
    focus: Sequence[Sequence[int]],
    start: Sequence[Sequence[Sequence[int]]],
    deadline: float,
    work: float,
) -> ReplanResult:
    """For changes too big for one model: one model per round, in order.

    Each round treats the meetings of every other round (as currently seated) as certain, and
    lets people who already moved in an earlier round move again for free.
    """
    schedule = [[list(members) for members in tables] for tables in start]
    moved: set[int] = set()
    rounds = len(problem.rounds)
    for i, round_ in enumerate(problem.rounds):
        held: Counter[Pair] = Counter(problem.held_meetings)
        for j, tables in enumerate(schedule):
            if j != i:
                held.update(_round_pairs(tables))
        single = ReplanProblem(
            problem.organisations,
            held,
            [round_],
            problem.seed,
            problem.time_limit,
            problem.workers,
            problem.apart,
            problem.languages,
            problem.categories,
            problem.must_meet,
        )
        seconds = max(deadline - time.monotonic(), 0.01)  # the safety stop only
        result = _solve_focus(
            single, [focus[i]], seconds, work / rounds, [schedule[i]], frozenset(moved)
        )
        if result.schedule and _rank(result) <= _rank(
            _evaluate(single, [schedule[i]], "feasible", [focus[i]])
        ):
            schedule[i] = result.schedule[0]
        moved.update(moved_people(single, [schedule[i]]))
    return _evaluate(problem, schedule, "feasible", focus)


def _rank(result: ReplanResult) -> tuple[int, int, int, int]:
    """Better results compare smaller; on a tie the later (wider, solver-checked) one wins."""
    return (result.broken_rules, result.introduced_conflicts, len(result.moved), result.conflicts)


def _round_shape(round_: ReplanRound) -> tuple[int, int]:
    """Smallest table size of the round and how many tables it has."""
    return round_.present // round_.table_count, round_.table_count


def _required_tables(round_: ReplanRound) -> list[int]:
    """Tables the change forces open: new ones, old ones whose size no longer fits, and the
    tables of arriving hosts."""
    old = len(round_.old_tables)
    needed = set(range(old, round_.width))
    for t, members in enumerate(round_.old_tables):
        low, high = round_.bounds(t)
        if len(members) < low or len(members) > high:
            needed.add(t)
    needed.update(t for p, t in round_.pinned.items() if p in round_.newcomers)
    return sorted(needed)


def _focus_tables(
    round_: ReplanRound,
    required: Sequence[int],
    margin: int | None,
    touched_people: set[int],
    rng: random.Random,
) -> list[int]:
    """The tables of one round that get seat variables.

    Beyond the required tables, the focus takes enough tables for the people in it to fill its
    open tables within the size limits, then `margin` more (all when None). Tables holding people
    who must move in another round come first, so that one person's moves cover several rounds.
    """
    count = round_.table_count
    old = len(round_.old_tables)
    total = round_.width
    focus = set(required)
    order = list(range(old))
    rng.shuffle(order)
    order.sort(key=lambda t: -sum(1 for p in round_.old_tables[t] if p in touched_people))
    # Closing tables: the smallest are the cheapest to close.
    if count < old:
        by_size = sorted(order, key=lambda t: len(round_.old_tables[t]))
        focus.update(by_size[: old - count])

    def people_and_seats() -> tuple[int, int, int]:
        """People in focus, and the fewest and most its open tables can seat."""
        inside = [t for t in focus if t < old]
        people = len(round_.newcomers) + sum(len(round_.old_tables[t]) for t in inside)
        tables = count - (old - len(inside))
        if tables < 0:
            return people, people + 1, people + 1
        lows = sorted(round_.bounds(t)[0] for t in focus)
        highs = sorted((round_.bounds(t)[1] for t in focus), reverse=True)
        return people, sum(lows[:tables]), sum(highs[:tables])

    while True:
        people, fewest, most = people_and_seats()
        if people < fewest:
            wanted = [
                t
                for t in order
                if t not in focus and len(round_.old_tables[t]) > round_.bounds(t)[0]
            ]
        elif people > most:
            wanted = [
                t
                for t in order
                if t not in focus and len(round_.old_tables[t]) < round_.bounds(t)[1]
            ]
        else:
            break
        if not wanted:
            wanted = [t for t in order if t not in focus]
        if not wanted:
            break
        focus.add(wanted[0])

    if margin is None:
        limit = max(len(focus), min(total, LARGEST_FOCUS))
        extra_tables = total - len(focus)
    else:
        limit = max(len(focus), min(total, len(focus) + margin, LARGEST_FOCUS))
        extra_tables = margin
    for t in order:
        if len(focus) >= limit or extra_tables <= 0:
            break
        if t not in focus:
            focus.add(t)
            extra_tables -= 1
    return sorted(focus)


@dataclass
class _PairTerms:
    """Where a pair inside the focus could meet, and what a meeting would cost."""

    rounds: list[int]
    kept_rounds: set[int]
    same_organisation: bool
    fixed_meetings: int
    """Meetings already certain: in held rounds, and in replanned rounds outside the focus."""

    @property
    def certain(self) -> bool:
        """Whether any meeting of the pair in focus is a conflict."""
        return self.same_organisation or self.fixed_meetings > 0

    @property
    def costs(self) -> bool:
        """Whether some seating of the focus gives this pair a conflict."""
        return self.certain or len(self.rounds) >= 2


class _FocusModel:
    """The CP-SAT model for one focus, built in named steps."""

    def __init__(
        self,
        problem: ReplanProblem,
        focus: Sequence[Sequence[int]],
        start: Sequence[Sequence[Sequence[int]]] | None = None,
        free_moves: frozenset[int] = frozenset(),
    ) -> None:
        self.problem = problem
        self.focus = focus
        self.start = (
            start if start is not None else [round_.old_tables for round_ in problem.rounds]
        )
        self.free_moves = free_moves
        """People whose moves cost nothing (they already move in a round solved before)."""
        self.model = cp_model.CpModel()
        self.free: list[list[int]] = []
        self.old_table: list[dict[int, int]] = []
        self.seat: list[dict[tuple[int, int], cp_model.IntVar]] = []
        self.moved: dict[int, cp_model.IntVar] = {}
        self.conflict_terms: list[cp_model.LinearExprT] = []
        self.introduced_terms: list[cp_model.LinearExprT] = []
        self.conflict_ceiling = 0
        self.language_gaps: list[cp_model.IntVar] = []
        self.crowding: list[cp_model.IntVar] = []
        self.missed: list[cp_model.IntVar] = []
        self.crowding_ceiling = 0
        for round_, tables in zip(problem.rounds, focus, strict=True):
            old_table = {p: t for t, members in enumerate(round_.old_tables) for p in members}
            self.old_table.append(old_table)
            inside = [p for t in tables if t < len(round_.old_tables) for p in round_.old_tables[t]]
            self.free.append(sorted([*inside, *round_.newcomers]))
        self.terms = {pair: entry for pair, entry in self._pair_terms().items() if entry.costs}
        self.links = sum(len(focus[i]) for entry in self.terms.values() for i in entry.rounds)
        """Pair-and-table links the model needs: what makes it slow to build and to solve."""

    def build(self) -> cp_model.CpModel:
        self._seat_everyone_once()
        self._hosts_stay()
        self._keep_apart()
        self._balanced_tables()
        self._count_moved_people()
        self._meetings_that_cost()
        self._common_language()
        self._stakeholder_mix()
        self._must_meet()
        self._objective()
        return self.model

    def _seat_everyone_once(self) -> None:
        """Every person in focus sits at one focus table; the search starts from `start`."""
        for i, (people, tables) in enumerate(zip(self.free, self.focus, strict=True)):
            seats: dict[tuple[int, int], cp_model.IntVar] = {}
            start = {p: t for t, members in enumerate(self.start[i]) for p in members}
            for p in people:
                for t in tables:
                    seats[p, t] = self.model.new_bool_var(f"seat_r{i}_p{p}_t{t}")
                    if p in start:
                        self.model.add_hint(seats[p, t], 1 if start[p] == t else 0)
                self.model.add_exactly_one(seats[p, t] for t in tables)
            self.seat.append(seats)

    def _hosts_stay(self) -> None:
        """A host in focus sits at their own table (which therefore stays open)."""
        for i, round_ in enumerate(self.problem.rounds):
            for p, t in round_.pinned.items():
                if (p, t) in self.seat[i]:
                    self.model.add(self.seat[i][p, t] == 1)

    def _keep_apart(self) -> None:
        """A keep-apart pair in focus never shares a focus table (focus and the rest never mix)."""
        for i, (people, tables) in enumerate(zip(self.free, self.focus, strict=True)):
            inside = set(people)
            for a, b in self.problem.apart:
                if a in inside and b in inside:
                    for t in tables:
                        self.model.add_at_most_one(self.seat[i][a, t], self.seat[i][b, t])

    def _balanced_tables(self) -> None:
        """Open tables in focus hold base or base + 1 people (or what their own capacities
        allow), so all sizes differ by at most one except at full tables."""
        for i, (round_, tables) in enumerate(zip(self.problem.rounds, self.focus, strict=True)):
            count = round_.table_count
            outside = len(round_.old_tables) - sum(1 for t in tables if t < len(round_.old_tables))
            is_open = {t: self.model.new_bool_var(f"open_r{i}_t{t}") for t in tables}
            self.model.add(sum(is_open.values()) == count - outside)
            for t in tables:
                low, high = round_.bounds(t)
                size = sum(self.seat[i][p, t] for p in self.free[i])
                self.model.add(size >= low * is_open[t])
                self.model.add(size <= high * is_open[t])
                self.model.add_hint(
                    is_open[t], 1 if t < len(self.start[i]) and self.start[i][t] else 0
                )

    def _count_moved_people(self) -> None:
        for i, people in enumerate(self.free):
            for p in people:
                old = self.old_table[i].get(p)
                if old is None or p in self.free_moves:
                    continue
                if p not in self.moved:
                    self.moved[p] = self.model.new_bool_var(f"moved_p{p}")
                self.model.add(self.moved[p] + self.seat[i][p, old] >= 1)

    def _pair_terms(self) -> dict[Pair, _PairTerms]:
        organisations = self.problem.organisations
        terms: dict[Pair, _PairTerms] = {}
        for i, people in enumerate(self.free):
            for a, b in combinations(people, 2):
                pair = (a, b)
                entry = terms.get(pair)
                if entry is None:
                    entry = _PairTerms([], set(), organisations[a] == organisations[b], 0)
                    terms[pair] = entry
                entry.rounds.append(i)
                old_a = self.old_table[i].get(a)
                if old_a is not None and old_a == self.old_table[i].get(b):
                    entry.kept_rounds.add(i)
        free_sets = [set(people) for people in self.free]
        for (a, b), entry in terms.items():
            fixed = self.problem.held_meetings.get((a, b), 0)
            for j, old_table in enumerate(self.old_table):
                if a in free_sets[j] or b in free_sets[j]:
                    continue
                old_a = old_table.get(a)
                if old_a is not None and old_a == old_table.get(b):
                    fixed += 1
            entry.fixed_meetings = fixed
        return terms

    def _meets(self, i: int, a: int, b: int) -> cp_model.IntVar:
        """True when a and b share a table in round i (only ever pushed up by a penalty)."""
        meet = self.model.new_bool_var(f"meet_r{i}_p{a}_p{b}")
        for t in self.focus[i]:
            self.model.add(meet >= self.seat[i][a, t] + self.seat[i][b, t] - 1)
        return meet

    def _meetings_that_cost(self) -> None:
        """Penalties for repeats and same-organisation meetings among people in focus.

        Per pair: N meetings in rounds where they did not sit together before, K kept meetings.
        Introduced cost: N when the pair already meets elsewhere (or shares an organisation),
        otherwise max(0, N - 1), or N if a kept meeting stays. Total cost: every meeting beyond
        the first (all of them for colleagues).
        """
        for (a, b), entry in self.terms.items():
            certain = entry.certain
            meets = {i: self._meets(i, a, b) for i in entry.rounds}
            new = [meets[i] for i in entry.rounds if i not in entry.kept_rounds]
            kept = [meets[i] for i in entry.rounds if i in entry.kept_rounds]
            self.conflict_ceiling += len(entry.rounds)
            if certain:
                self.introduced_terms.append(sum(new))
                self.conflict_terms.append(sum(new) + sum(kept))
                continue
            introduced = self.model.new_int_var(0, len(entry.rounds), f"introduced_p{a}_p{b}")
            self.model.add(introduced >= sum(new) - 1)
            for meet in kept:
                self.model.add(introduced >= sum(new) + meet - 1)
            self.introduced_terms.append(introduced)
            if kept:
                total = self.model.new_int_var(0, len(entry.rounds), f"repeats_p{a}_p{b}")
                self.model.add(total >= sum(new) + sum(kept) - 1)
                self.conflict_terms.append(total)
            else:
                self.conflict_terms.append(introduced)

    def _common_language(self) -> None:
        """A focus table without a language all its people speak counts as a gap (people who
        gave no languages fit any table). Weighed last: never worth a move or a pair."""
        languages = self.problem.languages
        if languages is None:
            return
        for i, (people, tables) in enumerate(zip(self.free, self.focus, strict=True)):
            speakers = [p for p in people if languages[p]]
            spoken = sorted(set().union(*(languages[p] for p in speakers)))
            if len(speakers) < 2:
                continue
            round_ = self.problem.rounds[i]
            for t in tables:
                wanted = round_.table_languages[t] if t < len(round_.table_languages) else None
                here = [lang for lang in spoken if lang in wanted] if wanted else []
                speaks = []
                for language in here or spoken:  # a table's own, when someone speaks one
                    speaks_it = self.model.new_bool_var(f"speaks_r{i}_t{t}_{language}")
                    for p in speakers:
                        if language not in languages[p]:
                            self.model.add_implication(self.seat[i][p, t], ~speaks_it)
                    speaks.append(speaks_it)
                gap = self.model.new_bool_var(f"language_gap_r{i}_t{t}")
                self.model.add_bool_or([*speaks, gap])
                self.language_gaps.append(gap)

    def _stakeholder_mix(self) -> None:
        """People of one category at a focus table beyond its even share (the validator's
        measure: the category's share of the round, times the table's size, rounded up)."""
        categories = self.problem.categories
        if categories is None:
            return
        for i, (round_, people, tables) in enumerate(
            zip(self.problem.rounds, self.free, self.focus, strict=True)
        ):
            everyone = [p for members in round_.old_tables for p in members]
            totals = Counter(categories[p] for p in [*everyone, *round_.newcomers])
            present = max(round_.present, 1)
            members: dict[int, list[int]] = {}
            for p in people:
                if categories[p] >= 0:
                    members.setdefault(categories[p], []).append(p)
            for kind, group in members.items():
                for t in tables:
                    low, high = round_.bounds(t)
                    share_low = -(-totals[kind] * low // present)
                    share_high = -(-totals[kind] * high // present)
                    if len(group) <= share_low:
                        continue
                    size = sum(self.seat[i][p, t] for p in people)
                    count = sum(self.seat[i][p, t] for p in group)
                    over = self.model.new_int_var(0, len(group), f"crowded_r{i}_t{t}_c{kind}")
                    self.model.add(
                        over >= count - share_low - (share_high - share_low) * (size - low)
                    )
                    self.crowding.append(over)
                    self.crowding_ceiling += len(group)

    def _must_meet(self) -> None:
        """A must-meet pair that meets neither in a held round nor where the focus cannot
        change it counts as missed unless the focus seats them together."""
        free_sets = [set(people) for people in self.free]
        for a, b in sorted(self.problem.must_meet):
            if self.problem.held_meetings.get((a, b), 0):
                continue
            together: list[cp_model.IntVar] = []
            fixed = False
            for i, old_table in enumerate(self.old_table):
                if a in free_sets[i] and b in free_sets[i]:
                    for t in self.focus[i]:
                        both = self.model.new_bool_var(f"together_r{i}_p{a}_p{b}_t{t}")
                        self.model.add_implication(both, self.seat[i][a, t])
                        self.model.add_implication(both, self.seat[i][b, t])
                        together.append(both)
                elif a not in free_sets[i] and b not in free_sets[i]:
                    old_a = old_table.get(a)
                    fixed = fixed or (old_a is not None and old_a == old_table.get(b))
            if fixed or not together:
                continue
            missed = self.model.new_bool_var(f"missed_p{a}_p{b}")
            self.model.add_bool_or([*together, missed])
            self.missed.append(missed)

    def _objective(self) -> None:
        conflict_weight = len(self.language_gaps) + self.crowding_ceiling + len(self.missed) + 1
        move_weight = conflict_weight * (self.conflict_ceiling + 1)
        introduced_weight = move_weight * (len(self.moved) + 1)
        total = cp_model.LinearExpr.sum
        self.model.minimize(
            introduced_weight * total(self.introduced_terms)
            + move_weight * total(list(self.moved.values()))
            + conflict_weight * total(self.conflict_terms)
            + total(self.language_gaps)
            + total(self.crowding)
            + total(self.missed)
        )

    def schedule(self, solver: cp_model.CpSolver) -> list[list[list[int]]]:
        """The seating of every replanned round: stayers keep their order, arrivals follow."""
        rounds: list[list[list[int]]] = []
        for i, (round_, tables) in enumerate(zip(self.problem.rounds, self.focus, strict=True)):
            width = round_.width
            seated: list[list[int]] = [
                list(round_.old_tables[t]) if t < len(round_.old_tables) else []
                for t in range(width)
            ]
            for t in tables:
                members = [p for p in self.free[i] if solver.boolean_value(self.seat[i][p, t])]
                stayers = [p for p in seated[t] if p in members]
                seated[t] = stayers + [p for p in members if p not in stayers]
            rounds.append(seated)
        return rounds


def _solve_focus(
    problem: ReplanProblem,
    focus: Sequence[Sequence[int]],
    seconds: float,
    work: float,
    start: Sequence[Sequence[Sequence[int]]] | None,
    free_moves: frozenset[int] = frozenset(),
    built: _FocusModel | None = None,
) -> ReplanResult:
    if built is None:
        built = _FocusModel(problem, focus, start, free_moves)
    model = built.build()
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.max_deterministic_time = work
    # Measured on replans of 70 and 500 people: quick restarts without the LP relaxation find
    # seatings free of conflicts several times sooner than the defaults (the LP is weak here).
    solver.parameters.search_branching = cp_model.PORTFOLIO_WITH_QUICK_RESTART_SEARCH
    solver.parameters.linearization_level = 0
    solver.parameters.num_workers = problem.workers
    solver.parameters.random_seed = problem.seed
    code = solver.solve(model)
    focus_size = sum(len(tables) for tables in focus)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ReplanResult(status="unknown", schedule=[], focus_tables=focus_size)
    status: ReplanStatus = "optimal" if code == cp_model.OPTIMAL else "feasible"
    result = _evaluate(problem, built.schedule(solver), status, focus)
    result.seconds = solver.wall_time
    return result


def _evaluate(
    problem: ReplanProblem,
    schedule: list[list[list[int]]],
    status: ReplanStatus,
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


APART_COST = 1_000
"""Greedy cost of seating a keep-apart pair together: far above any number of repeats."""


@dataclass(frozen=True)
class _Clash:
    """How badly a person fits a table, for the greedy seating."""

    organisations: Sequence[int]
    met: Mapping[Pair, int]
    moved: set[int]
    apart: frozenset[Pair] = frozenset()
    staying: frozenset[int] = frozenset()
    """Hosts: never asked to leave their table."""
    languages: Sequence[frozenset[str]] | None = None

    def lacks_language(self, person: int, members: Sequence[int]) -> bool:
        """Whether the table would have no language everyone there speaks."""
        if self.languages is None or not self.languages[person]:
            return False
        shared = set(self.languages[person])
        for other in members:
            if self.languages[other]:
                shared &= self.languages[other]
        return not shared

    def cost(self, person: int, members: Sequence[int]) -> int:
        """People at the table this person already met or works with (a keep-apart partner
        counts as many)."""
        total = 0
        for other in members:
            if other == person:
                continue
            pair = (min(person, other), max(person, other))
            if pair in self.apart:
                total += APART_COST
            elif self.organisations[person] == self.organisations[other] or self.met.get(pair, 0):
                total += 1
        return total

    def first_to_leave(self, members: Sequence[int]) -> int | None:
        """Who leaves a table first: someone who already moved, else the worst fit; never a
        host (None when only hosts sit there)."""
        movable = [p for p in members if p not in self.staying]
        if not movable:
            return None
        return min(movable, key=lambda p: (p not in self.moved, -self.cost(p, members), p))


def _send_away(clash: _Clash, members: list[int], pool: list[int]) -> bool:
    """Take the first to leave from a table into the pool; False when nobody may leave."""
    leaver = clash.first_to_leave(members)
    if leaver is None:
        return False
    members.remove(leaver)
    pool.append(leaver)
    return True


def greedy_seating(problem: ReplanProblem, focus: Sequence[Sequence[int]]) -> list[list[list[int]]]:
    """A quick seating to start the search from: round by round, close the emptiest tables
    without a host, take out whoever makes a table too big, and seat everyone left standing
    where they meet the fewest people already met or from their own organisation (never a
    keep-apart partner when avoidable). People who already moved in an earlier round are the
    first asked to move again (one wrong badge, not two)."""
    organisations = problem.organisations
    seating = [[list(members) for members in round_.old_tables] for round_ in problem.rounds]
    moved: set[int] = set()
    for i, (round_, tables) in enumerate(zip(problem.rounds, focus, strict=True)):
        count = round_.table_count
        old = len(round_.old_tables)
        seating[i].extend([] for _ in range(round_.width - old))
        met: Counter[Pair] = Counter(problem.held_meetings)
        for j, other in enumerate(seating):
            if j != i:
                met.update(_round_pairs(other))
        clash = _Clash(
            organisations,
            met,
            moved,
            problem.apart,
            frozenset(round_.pinned),
            problem.languages,
        )

        pool = list(round_.newcomers)
        for p, t in round_.pinned.items():
            if p in pool:
                pool.remove(p)
                seating[i][t].append(p)
        inside = [t for t in tables if t < old]
        open_count = count - (old - len(inside))
        hosted = {t for t in round_.pinned.values()}
        closing = sorted(
            tables, key=lambda t: (t in hosted, len(seating[i][t]), -round_.bounds(t)[1], t)
        )[: len(tables) - open_count]
        for t in closing:
            pool.extend(seating[i][t])
            seating[i][t] = []
        open_tables = [t for t in tables if t not in closing]
        people = sum(len(seating[i][t]) for t in open_tables) + len(pool)

        for t in open_tables:
            while len(seating[i][t]) > round_.bounds(t)[1] and _send_away(
                clash, seating[i][t], pool
            ):
                pass
        # Seats every table must fill: once they exceed the people in focus, someone at a
        # table above its fewest leaves, so that the short tables can be filled.
        while sum(max(len(seating[i][t]), round_.bounds(t)[0]) for t in open_tables) > people:
            roomy = [t for t in open_tables if len(seating[i][t]) > round_.bounds(t)[0]]
            if not any(_send_away(clash, seating[i][t], pool) for t in roomy):
                break
        for p in pool:
            short = [t for t in open_tables if len(seating[i][t]) < round_.bounds(t)[0]]
            if not short:
                short = [t for t in open_tables if len(seating[i][t]) < round_.bounds(t)[1]]
            if not short:
                short = list(open_tables)
            home = next((t for t, members in enumerate(round_.old_tables) if p in members), None)
            target = min(
                short,
                key=lambda t: (
                    clash.cost(p, seating[i][t]),
                    t != home,
                    clash.lacks_language(p, seating[i][t]),
                    t,
                ),
            )
            seating[i][target].append(p)
            if target != home and home is not None:
                moved.add(p)
    return seating


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


def _round_pairs(tables: Sequence[Sequence[int]]) -> set[Pair]:
    return {(min(a, b), max(a, b)) for members in tables for a, b in combinations(members, 2)}


def count_conflicts(
    problem: ReplanProblem, schedule: Sequence[Sequence[Sequence[int]]]
) -> tuple[int, int]:
    """(introduced, total) repeats and same-organisation meetings, over the whole plan.

    Introduced counts what the new meetings add beyond the meetings the old plan had and kept;
    the same measure the model minimises first, computed here independently from the seating.
    """
    organisations = problem.organisations
    new_rounds = [_round_pairs(tables) for tables in schedule]
    old_rounds = [_round_pairs(round_.old_tables) for round_ in problem.rounds]
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
        if organisations[a] == organisations[b]:
            introduced += fresh
            total += held + kept + fresh
        else:
            introduced += max(0, held + kept + fresh - 1) - max(0, held + kept - 1)
            total += max(0, held + kept + fresh - 1)
    return introduced, total
