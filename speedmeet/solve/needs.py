"""Everyone with a need meets someone offering it, where a swap can do that for free.

The searches favour offer/need pairs by a small weight per pair; what the organiser reads is
per person: did they meet at least one person offering what they need. This last pass takes
each person not served yet and looks, round by round, for a swap that seats them with one of
their helpers (or a helper with them) at no cost in rules, new pairs or mix, keeping it only
when more people end up served. When that swap costs something, a second swap of the person
it displaced may pay it back (a short ejection chain). Hosts never move.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from speedmeet.solve.rule_seating import RuleSeating

TRIES = 12
"""Cheapest swaps tried per person, round and direction."""

IntArray = npt.NDArray[np.int64]


class _Service:
    """Who is served: a person with a need sharing a table with a helper in some round."""

    def __init__(self, needs: Sequence[tuple[int, tuple[int, ...]]]) -> None:
        self.people = [person for person, _ in needs]
        self.helpers = {person: np.asarray(found, dtype=np.int64) for person, found in needs}
        self.owner = np.asarray(
            [i for i, (_, found) in enumerate(needs) for _ in found], dtype=np.int64
        )
        self.needer = np.asarray([p for p, found in needs for _ in found], dtype=np.int64)
        self.helper = np.asarray([h for _, found in needs for h in found], dtype=np.int64)

    def served(self, table_of: npt.NDArray[np.int32]) -> npt.NDArray[np.bool_]:
        together = (table_of[:, self.needer] == table_of[:, self.helper]).any(axis=0)
        counts = np.bincount(self.owner[together], minlength=len(self.people))
        result: npt.NDArray[np.bool_] = counts > 0
        return result

    def served_with(
        self, table_of: npt.NDArray[np.int32], r: int, swaps: Sequence[tuple[int, int]]
    ) -> int:
        """How many would be served after `swaps` in round r, without making them."""
        tables = table_of.copy()
        for a, b in swaps:
            tables[r, [a, b]] = tables[r, [b, a]]
        return int(self.served(tables).sum())


def serve_needs(
    seating: RuleSeating,
    needs: Sequence[tuple[int, tuple[int, ...]]],
    rng: np.random.Generator,
    should_stop: Callable[[], bool] = lambda: False,
) -> bool:
    """Seat unserved people with a helper by free swaps (module docstring), in place.
    `seating` must count the core cost only (no soft preferences). Returns whether it changed."""
    if not needs:
        return False
    service = _Service(needs)
    pinned = seating.pinned
    changed = False
    progress = True
    while progress and not should_stop():
        progress = False
        served = service.served(seating.table_of)
        for index in np.flatnonzero(~served):
            person = service.people[int(index)]
            if _serve(seating, service, person, int(served.sum()), pinned, rng):
                served = service.served(seating.table_of)
                progress = changed = True
    return changed


def _serve(
    seating: RuleSeating,
    service: _Service,
    person: int,
    served: int,
    pinned: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> bool:
    """One free swap that serves `person` and leaves more people served, if there is one."""
    helpers = service.helpers[person]
    n = seating.n
    for r in rng.permutation(seating.rounds):
        r = int(r)
        tab = seating.table_of[r]
        regret = seating.all_regret()[r]
        moves: list[tuple[int, int, int]] = []
        if not pinned[person]:
            # the person joins a helper's table, in the seat of someone who is not a helper
            deltas = seating.swap_deltas(r, np.asarray([person], dtype=np.int32), regret)[0]
            near = np.isin(tab[:n], tab[helpers]) & ~np.isin(np.arange(n), helpers)
            moves += _cheapest(deltas[:n], near & (tab[:n] != tab[person]) & ~pinned[:n], person)
        movable = helpers[~pinned[helpers]]
        if movable.size:
            # a helper joins the person's table, in the seat of someone else
            deltas = seating.swap_deltas(r, movable.astype(np.int32), regret)
            seat = (tab[:n] == tab[person]) & ~pinned[:n]
            seat[person] = False
            for i, helper in enumerate(movable):
                moves += _cheapest(deltas[i, :n], seat, int(helper))
        keep = {person, *(int(h) for h in helpers)}
        for cost, a, b in sorted(moves)[:TRIES]:
            # who would be served is read from the seats alone: a swap is made only when kept,
            # or to price the second swaps of a chain
            if cost <= 0:
                if service.served_with(seating.table_of, r, [(a, b)]) > served:
                    seating.swap(r, a, b)
                    return True
                continue
            seating.swap(r, a, b)
            for second in _repayments(seating, r, (a, b), keep, cost, pinned):
                if service.served_with(seating.table_of, r, [second]) > served:
                    seating.swap(r, *second)
                    return True
            seating.swap(r, a, b)
    return False


def _cheapest(
    deltas: IntArray, allowed: npt.NDArray[np.bool_], mover: int
) -> list[tuple[int, int, int]]:
    """(cost change, mover, partner) of the cheapest swaps among `allowed` partners."""
    found = np.flatnonzero(allowed)
    order = found[np.argsort(deltas[found], kind="stable")][:TRIES]
    return [(int(deltas[b]), mover, int(b)) for b in order]


def _repayments(
    seating: RuleSeating,
    r: int,
    moved: tuple[int, int],
    keep: set[int],
    cost: int,
    pinned: npt.NDArray[np.bool_],
) -> list[tuple[int, int]]:
    """After a swap of `moved` costing `cost` in round r, the swaps of someone at the two
    tables it touched (not the person served nor their helpers) that bring the total back to
    at most zero, cheapest first: (person, partner)."""
    n = seating.n
    tab = seating.table_of[r, :n]
    touched = np.isin(tab, [tab[moved[0]], tab[moved[1]]])
    movers = np.asarray(
        [p for p in np.flatnonzero(touched & ~pinned[:n]) if int(p) not in keep], dtype=np.int32
    )
    if movers.size == 0:
        return []
    regret = seating.all_regret()[r]
    deltas = seating.swap_deltas(r, movers, regret)[:, :n].astype(np.float64)
    deltas[tab[movers][:, None] == tab[None, :]] = np.inf
    deltas[:, pinned[:n]] = np.inf
    i, b = np.nonzero(deltas + cost <= 0)
    order = np.argsort(deltas[i, b], kind="stable")[:TRIES]
    return [(int(movers[i[k]]), int(b[k])) for k in order]
