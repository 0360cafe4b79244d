"""CP-SAT helpers that make the designs carried in `speedmeet/solve/data/` (run once, offline).

`benchmarks/make_designs.py` builds a design's blocks algebraically (lines of a projective space,
a Hermitian unital) and asks `split_into_rounds` to sort them into rounds where everyone sits
once; `seat_halves` searches a schedule with a symmetry that makes it quick;
`cyclic_difference_array` finds the grid shifts for table counts where quick searches fail.
Nothing here runs while planning an event, and the runtime package never imports it:
`speedmeet.solve.designs.construct` only reads the written files.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from ortools.sat.python import cp_model

Block = tuple[int, ...]


def split_into_rounds(
    blocks: Sequence[Block], points: int, time_limit: float = 60.0, seed: int = 0
) -> list[list[Block]] | None:
    """Sort the blocks of a design into rounds in which every point sits at exactly one block.

    Every point lies in the same number of blocks (one per round). Symmetry is broken by putting
    the blocks through point 0 into rounds 1, 2, 3... in order.
    """
    through_zero = [b for b, block in enumerate(blocks) if 0 in block]
    rounds = len(through_zero)
    model = cp_model.CpModel()
    in_round = {
        (b, r): model.new_bool_var(f"block{b}_round{r}")
        for b in range(len(blocks))
        for r in range(rounds)
    }
    for b in range(len(blocks)):
        model.add_exactly_one(in_round[b, r] for r in range(rounds))
    containing: list[list[int]] = [[] for _ in range(points)]
    for b, block in enumerate(blocks):
        for point in block:
            containing[point].append(b)
    for point in range(points):
        for r in range(rounds):
            model.add_exactly_one(in_round[b, r] for b in containing[point])
    for r, b in enumerate(through_zero):
        model.add(in_round[b, r] == 1)
    solver = _solved(model, time_limit, seed)
    if solver is None:
        return None
    return [
        [blocks[b] for b in range(len(blocks)) if solver.value(in_round[b, r])]
        for r in range(rounds)
    ]


def seat_halves(
    points: int, table_size: int, rounds: int, time_limit: float = 120.0, seed: int = 0
) -> list[list[Block]] | None:
    """Rounds at full tables where every pair meets exactly once except the pairs {i, i + h}
    (h = points / 2), which never meet; each round is kept whole by swapping the two halves.

    With 18 people at tables of 3 this is the 8-round schedule (everyone meets 16 of 17), a
    search that the symmetry makes quick where the plain model stalls.
    """
    half = points // 2
    apart = {frozenset((i, i + half)) for i in range(half)}
    blocks = [
        block
        for block in itertools.combinations(range(points), table_size)
        if not any(frozenset(pair) in apart for pair in itertools.combinations(block, 2))
    ]
    model = cp_model.CpModel()
    seated = {
        (b, r): model.new_bool_var(f"block{b}_round{r}")
        for b in range(len(blocks))
        for r in range(rounds)
    }
    containing: dict[int, list[int]] = {p: [] for p in range(points)}
    meeting: dict[tuple[int, int], list[int]] = {}
    for b, block in enumerate(blocks):
        for p in block:
            containing[p].append(b)
        for pair in itertools.combinations(block, 2):
            meeting.setdefault(pair, []).append(b)
    for r in range(rounds):
        for p in range(points):
            model.add_exactly_one(seated[b, r] for b in containing[p])
    for together in meeting.values():
        model.add_exactly_one(seated[b, r] for b in together for r in range(rounds))
    index = {block: b for b, block in enumerate(blocks)}
    for b, block in enumerate(blocks):
        swapped = index[tuple(sorted((p + half) % points for p in block))]
        for r in range(rounds):
            model.add(seated[b, r] == seated[swapped, r])
    solver = _solved(model, time_limit, seed)
    if solver is None:
        return None
    return [
        [blocks[b] for b in range(len(blocks)) if solver.value(seated[b, r])] for r in range(rounds)
    ]


def cyclic_difference_array(
    tables: int, groups: int, rounds: int, time_limit: float = 60.0, seed: int = 0
) -> list[list[int]] | None:
    """Shifts t[round][group] modulo `tables` such that, for every two groups, the differences
    of their shifts are all different over the rounds (the grid of `speedmeet.solve.designs` needs this).

    Round 0 and group 0 are zero; round 1 increases along the groups and group 1 along the
    rounds (relabelling groups and rounds keeps the property).
    """
    model = cp_model.CpModel()
    shift = [
        [
            model.new_int_var(0, tables - 1, f"t{a}_{g}") if a and g else model.new_constant(0)
            for g in range(groups)
        ]
        for a in range(rounds)
    ]
    for g1 in range(groups):
        for g2 in range(g1 + 1, groups):
            differences = []
            for a in range(rounds):
                difference = model.new_int_var(0, tables - 1, f"d{a}_{g1}_{g2}")
                wraps = model.new_bool_var(f"w{a}_{g1}_{g2}")
                model.add(difference == shift[a][g2] - shift[a][g1] + tables * wraps)
                differences.append(difference)
            model.add_all_different(differences)
    for g in range(1, groups - 1):
        model.add(shift[1][g] < shift[1][g + 1])
    for a in range(1, rounds - 1):
        model.add(shift[a][1] < shift[a + 1][1])
    solver = _solved(model, time_limit, seed)
    if solver is None:
        return None
    return [[int(solver.value(x)) for x in row] for row in shift]


def _solved(model: cp_model.CpModel, time_limit: float, seed: int) -> cp_model.CpSolver | None:
    """The solver holding a solution of `model` found within the time limit, or None."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 2
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return solver
