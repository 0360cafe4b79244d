"""CP-SAT helpers that make the resolvable designs carried in `data/` (run once, offline).

`benchmarks/make_designs.py` builds a design's blocks algebraically (lines of a projective space,
a Hermitian unital) and asks `split_into_rounds` to sort them into rounds where everyone sits
once. Nothing here runs while planning an event: `designs.construct` only reads the written
files.
"""

from __future__ import annotations

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
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.random_seed = seed
    solver.parameters.num_workers = 2
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [
        [blocks[b] for b in range(len(blocks)) if solver.value(in_round[b, r])]
        for r in range(rounds)
    ]
