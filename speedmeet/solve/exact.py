"""CP-SAT where it pays: whole small events solved (and proven) exactly, and repairs of a few
rounds of a larger schedule with the other rounds held fixed.

The model, in named steps: a boolean per (person, round, table); everyone seated once per
round; each table filled to its size; a "together" boolean per (pair, round, table) that can
only be true when both sit there; a "met" boolean per cross-organisation pair that needs one
"together"; maximise the met pairs. Tables of one size are interchangeable, so their order is
fixed by their smallest member.

Runs are deterministic: fixed seed, the instance's worker count with interleaved search, and
a deterministic time budget (the wall-clock limit only cuts a run short).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from speedmeet.solve.problem import Schedule


@dataclass
class ExactOutcome:
    schedule: Schedule | None
    pairs: int
    proven_optimal: bool


def _run(solver: cp_model.CpSolver, model: cp_model.CpModel, stop: threading.Event | None) -> int:
    """Solve, ending the search within a fraction of a second of the organiser's stop."""
    if stop is None:
        return int(solver.solve(model))
    finished = threading.Event()

    def watch() -> None:
        while not finished.is_set():
            if stop.wait(0.05):
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="speedmeet-cp-sat-stop", daemon=True)
    watcher.start()
    try:
        return int(solver.solve(model))
    finally:
        finished.set()
        watcher.join()


class _RoundsModel:
    """Seats for some rounds of an event, scoring pairs not yet met in the other rounds."""

    def __init__(
        self,
        organisations: Sequence[int],
        table_sizes: Sequence[int],
        rounds: int,
        already_met: set[tuple[int, int]],
    ) -> None:
        self.model = cp_model.CpModel()
        self.organisations = organisations
        self.table_sizes = table_sizes
        self.rounds = rounds
        self.n = len(organisations)
        self.seat: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.met: dict[tuple[int, int], cp_model.IntVar] = {}
        self._seat_everyone_once()
        self._fill_every_table()
        self._order_interchangeable_tables()
        self._count_new_pairs(already_met)

    def _seat_everyone_once(self) -> None:
        for r in range(self.rounds):
            for p in range(self.n):
                row = []
                for t in range(len(self.table_sizes)):
                    var = self.model.new_bool_var(f"seat_p{p}_r{r}_t{t}")
                    self.seat[p, r, t] = var
                    row.append(var)
                self.model.add_exactly_one(row)

    def _fill_every_table(self) -> None:
        for r in range(self.rounds):
            for t, size in enumerate(self.table_sizes):
                self.model.add(sum(self.seat[p, r, t] for p in range(self.n)) == size)

    def _order_interchangeable_tables(self) -> None:
        """Among tables of one size, the j-th holds nobody numbered below j (sorted by minimum)."""
        start = 0
        while start < len(self.table_sizes):
            end = start
            while end < len(self.table_sizes) and self.table_sizes[end] == self.table_sizes[start]:
                end += 1
            for r in range(self.rounds):
                for j in range(end - start):
                    for p in range(min(j, self.n)):
                        self.model.add(self.seat[p, r, start + j] == 0)
            start = end

    def _count_new_pairs(self, already_met: set[tuple[int, int]]) -> None:
        for p, q in combinations(range(self.n), 2):
            if self.organisations[p] == self.organisations[q] or (p, q) in already_met:
                continue
            together = []
            for r in range(self.rounds):
                for t in range(len(self.table_sizes)):
                    var = self.model.new_bool_var(f"together_p{p}_q{q}_r{r}_t{t}")
                    self.model.add_implication(var, self.seat[p, r, t])
                    self.model.add_implication(var, self.seat[q, r, t])
                    together.append(var)
            met = self.model.new_bool_var(f"met_p{p}_q{q}")
            self.model.add(met <= sum(together))
            self.met[p, q] = met
        self.model.maximize(sum(self.met.values()))

    def hint(self, schedule: Schedule) -> None:
        for r, tables in enumerate(schedule):
            for t, members in enumerate(tables):
                for p in members:
                    for t2 in range(len(self.table_sizes)):
                        self.model.add_hint(self.seat[p, r, t2], t2 == t)

    def cap(self, most: int) -> None:
        """No more new pairs than the bound: reaching it then proves optimality at once."""
        self.model.add(sum(self.met.values()) <= most)

    def read(self, solver: cp_model.CpSolver) -> Schedule:
        schedule: Schedule = []
        for r in range(self.rounds):
            tables: list[list[int]] = [[] for _ in self.table_sizes]
            for (p, rr, t), var in self.seat.items():
                if rr == r and solver.boolean_value(var):
                    tables[t].append(p)
            schedule.append([sorted(members) for members in tables])
        return schedule


def solve_exactly(
    organisations: Sequence[int],
    table_sizes: Sequence[int],
    rounds: int,
    *,
    bound: int,
    hint: Schedule | None,
    seed: int,
    workers: int,
    deterministic_seconds: float,
    wall_seconds: float,
    stop: threading.Event | None,
) -> ExactOutcome:
    """The whole event as one CP-SAT model: for small events, where it can prove optimality."""
    rounds_model = _RoundsModel(organisations, table_sizes, rounds, set())
    rounds_model.cap(bound)
    if hint is not None:
        _reorder_for_symmetry(hint, table_sizes)
        rounds_model.hint(hint)
    solver = _solver(seed, workers, deterministic_seconds, wall_seconds)
    status = _run(solver, rounds_model.model, stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactOutcome(None, 0, False)
    return ExactOutcome(
        rounds_model.read(solver), round(solver.objective_value), status == cp_model.OPTIMAL
    )


def small_enough(n: int, table_count: int, rounds: int) -> bool:
    """Whether the whole-event model is small enough to pay off (a few thousand booleans)."""
    return n <= 24 and n * (n - 1) // 2 * rounds * table_count <= 12_000


def _reorder_for_symmetry(schedule: Schedule, table_sizes: Sequence[int]) -> None:
    """Order tables of equal size by their smallest member, as the model requires."""
    for tables in schedule:
        start = 0
        while start < len(table_sizes):
            end = start
            while end < len(table_sizes) and table_sizes[end] == table_sizes[start]:
                end += 1
            tables[start:end] = sorted(tables[start:end], key=min)
            start = end


def _solver(
    seed: int, workers: int, deterministic_seconds: float, wall_seconds: float
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.interleave_search = True
    solver.parameters.max_deterministic_time = max(0.01, deterministic_seconds)
    solver.parameters.max_time_in_seconds = max(0.01, wall_seconds)
    return solver
