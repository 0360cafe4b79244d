"""The CP-SAT model of a replan, for one focus: seat variables only for the people at the
focus tables of each round (see `solve.replan`), built in named steps.

Its objective is `solve.objective`'s order with the replan's own term: first the wasted
meetings the change adds (repeats and same-organisation meetings the old plan did not have),
then the people who change table, then all wasted meetings, last the soft rules (a table
without a common language, people over their category's even share, a must-meet pair that
never meets), which therefore never cost a move or a pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from speedmeet.solve.problem import Pair, Status
from speedmeet.solve.replan_problem import ReplanProblem, ReplanResult, evaluate


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


class FocusModel:
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


def solve_focus(
    problem: ReplanProblem,
    focus: Sequence[Sequence[int]],
    seconds: float,
    work: float,
    start: Sequence[Sequence[Sequence[int]]] | None,
    free_moves: frozenset[int] = frozenset(),
    built: FocusModel | None = None,
) -> ReplanResult:
    if built is None:
        built = FocusModel(problem, focus, start, free_moves)
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
    status: Status = "optimal" if code == cp_model.OPTIMAL else "feasible"
    result = evaluate(problem, built.schedule(solver), status, focus)
    result.seconds = solver.wall_time
    return result
