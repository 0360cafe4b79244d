"""CP-SAT where it pays: whole small events solved, and proven, exactly.

The model works on blocks (some tables of one round whose people may be reseated among
them), so that it could also re-solve part of a larger schedule; re-solving two or three
rounds of dense events that way did not beat the tabu search in our trials, so the solver
uses it for whole small events only. In named steps: a boolean per (person, round, table);
everyone seated once per round; each table filled to its size; a "together" boolean per (pair, round, table) that can
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


@dataclass(frozen=True)
class Block:
    """Tables of one round whose people may be reseated among them (all others stay put)."""

    round: int
    tables: tuple[int, ...]
    sizes: tuple[int, ...]
    people: tuple[int, ...]


class _SeatingModel:
    """Seats for some blocks of tables, scoring cross-organisation pairs not met elsewhere."""

    def __init__(
        self,
        organisations: Sequence[int],
        blocks: Sequence[Block],
        already_met: set[tuple[int, int]],
    ) -> None:
        self.model = cp_model.CpModel()
        self.organisations = organisations
        self.blocks = blocks
        self.seat: dict[tuple[int, int, int], cp_model.IntVar] = {}
        self.met: dict[tuple[int, int], cp_model.IntVar] = {}
        self._seat_everyone_once()
        self._fill_every_table()
        self._order_interchangeable_tables()
        self._count_new_pairs(already_met)

    def _seat_everyone_once(self) -> None:
        for b, block in enumerate(self.blocks):
            for p in block.people:
                row = []
                for t in range(len(block.tables)):
                    var = self.model.new_bool_var(f"seat_p{p}_b{b}_t{t}")
                    self.seat[p, b, t] = var
                    row.append(var)
                self.model.add_exactly_one(row)

    def _fill_every_table(self) -> None:
        for b, block in enumerate(self.blocks):
            for t, size in enumerate(block.sizes):
                self.model.add(sum(self.seat[p, b, t] for p in block.people) == size)

    def _order_interchangeable_tables(self) -> None:
        """Among a block's tables of one size, the j-th holds none of its j first people."""
        for b, block in enumerate(self.blocks):
            people = sorted(block.people)
            for start, end in _same_size_runs(block.sizes):
                for j in range(end - start):
                    for p in people[:j]:
                        self.model.add(self.seat[p, b, start + j] == 0)

    def _count_new_pairs(self, already_met: set[tuple[int, int]]) -> None:
        sharing: dict[tuple[int, int], list[int]] = {}
        for b, block in enumerate(self.blocks):
            for p, q in combinations(sorted(block.people), 2):
                if self.organisations[p] != self.organisations[q] and (p, q) not in already_met:
                    sharing.setdefault((p, q), []).append(b)
        for (p, q), blocks in sharing.items():
            together = []
            for b in blocks:
                for t in range(len(self.blocks[b].tables)):
                    var = self.model.new_bool_var(f"together_p{p}_q{q}_b{b}_t{t}")
                    self.model.add_implication(var, self.seat[p, b, t])
                    self.model.add_implication(var, self.seat[q, b, t])
                    together.append(var)
            met = self.model.new_bool_var(f"met_p{p}_q{q}")
            self.model.add(met <= sum(together))
            self.met[p, q] = met
        self.model.maximize(sum(self.met.values()))

    def hint(self, schedule: Schedule) -> None:
        """Start from the current seats, tables reordered as the symmetry breaking wants."""
        for b, block in enumerate(self.blocks):
            seated = [sorted(schedule[block.round][t]) for t in block.tables]
            order = list(range(len(seated)))
            for start, end in _same_size_runs(block.sizes):
                order[start:end] = sorted(order[start:end], key=lambda t: min(seated[t]))
            for t, source in enumerate(order):
                for p in seated[source]:
                    for t2 in range(len(block.tables)):
                        self.model.add_hint(self.seat[p, b, t2], t2 == t)

    def cap(self, most: int) -> None:
        """No more new pairs than the bound: reaching it then proves optimality at once."""
        self.model.add(sum(self.met.values()) <= most)

    def read(self, solver: cp_model.CpSolver, schedule: Schedule) -> Schedule:
        """The schedule with every block reseated as the solver says."""
        result = [[list(members) for members in tables] for tables in schedule]
        for b, block in enumerate(self.blocks):
            tables: list[list[int]] = [[] for _ in block.tables]
            for p in block.people:
                for t in range(len(block.tables)):
                    if solver.boolean_value(self.seat[p, b, t]):
                        tables[t].append(p)
            for t, members in zip(block.tables, tables, strict=True):
                result[block.round][t] = sorted(members)
        return result


def _same_size_runs(sizes: Sequence[int]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal table sizes: tables interchangeable with each other."""
    runs = []
    start = 0
    while start < len(sizes):
        end = start
        while end < len(sizes) and sizes[end] == sizes[start]:
            end += 1
        runs.append((start, end))
        start = end
    return runs


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
    everyone = tuple(range(len(organisations)))
    tables = tuple(range(len(table_sizes)))
    blocks = [Block(r, tables, tuple(table_sizes), everyone) for r in range(rounds)]
    seating_model = _SeatingModel(organisations, blocks, set())
    seating_model.cap(bound)
    if hint is not None:
        seating_model.hint(hint)
    solver = _solver(seed, workers, deterministic_seconds, wall_seconds)
    status = _run(solver, seating_model.model, stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ExactOutcome(None, 0, False)
    empty: Schedule = [[[] for _ in table_sizes] for _ in range(rounds)]
    return ExactOutcome(
        seating_model.read(solver, empty),
        round(solver.objective_value),
        status == cp_model.OPTIMAL,
    )


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
