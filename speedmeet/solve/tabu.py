"""Tabu search over swaps of two people between tables of one round.

Conflict-directed (after Dotú and Van Hentenryck, "Scheduling social golfers locally"): each
step takes a few rounds that still hold waste, and in each the people sitting in waste there;
it scores every swap of one of them with anyone at another table of that round in one numpy
expression, and makes the best swap that is not tabu (ties broken at random; a tabu swap is
allowed when it beats the best plan so far). A person who just left a table may not return to
it for a random tenure. When the search stalls it perturbs the best seating found with a few
random swaps.

Everything random comes from one seeded generator and the search runs for a counted number of
steps, so the same instance gives the same schedule on any machine that finishes the steps
within the time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from speedmeet.solve.seating import IntArray, Seating

TENURE_LOW = 4
TENURE_PER_PERSON = 0.2
"""A person who left a table stays away from it for 4 to about 10 + n / 5 steps (random)."""

PATIENCE_BASE = 200
PATIENCE_PER_PERSON = 20
"""Steps without a new best before the search jumps: longer for larger events."""

PERTURB_SWAPS = 2
"""A jump makes between this many and twice as many random swaps from the best seating."""

ROUNDS_PER_STEP = 4
"""Rounds whose swaps are scored per step (chosen at random among those holding waste)."""

POLISH_STEPS = 100
"""Steps spent on soft preferences (interests, offers and needs) once the target is reached,
for events up to `POLISH_FULL` people; larger ones get proportionally fewer (a step's cost
grows with the event), never fewer than `POLISH_LEAST`."""
POLISH_FULL = 500
POLISH_LEAST = 20


def polish_steps(n: int) -> int:
    """Steps of soft-preference polish for an event of n people."""
    return max(POLISH_LEAST, POLISH_STEPS * min(n, POLISH_FULL) // max(n, 1))


MAX_MOVERS = 24
"""People in waste scored per step; more would cost time without better moves."""


@dataclass
class SearchBudget:
    steps: int
    target_waste: int
    """The search ends when the cost without soft preferences gets this low."""
    should_stop: Callable[[], bool]
    """Checked every few steps: the time limit or the organiser's Ctrl-C."""
    on_improvement: Callable[[int], None]
    """Told the new best waste whenever it drops."""
    give_up: int | None = None
    """Steps without a new best cost (soft preferences aside) after which the search ends:
    for the event's rules, where the last unit of a rule may be out of reach."""


def tabu_search(seating: Seating, rng: np.random.Generator, budget: SearchBudget) -> int:
    """Lower the cost of `seating` in place; leaves it at the best seating found. Returns steps.

    The cost is the waste for a plain event; with the event's rules (`RuleSeating`) it adds
    their penalties, and once the target is reached the search polishes soft preferences for
    at most `polish_steps` more steps. The best seating is the one of least cost without soft
    preferences, then of least cost: preferences never buy a worse plan. Pinned people
    (hosts) never move.
    """
    n = seating.n
    memory = _Memory(seating)
    tenure = (TENURE_LOW, TENURE_LOW + 6 + int(TENURE_PER_PERSON * min(n, 200)))
    patience = PATIENCE_BASE + PATIENCE_PER_PERSON * n
    pinned = seating.pinned
    fixed = np.flatnonzero(pinned | (np.arange(n + 1) == n))  # never swapped: hosts, dummy
    stalled = 0
    step = 0
    while step < budget.steps and not memory.finished(seating, budget, step):
        step += 1
        regret = seating.all_regret()
        trouble = seating.trouble(regret)
        trouble[:, pinned] = False
        busy_rounds = _busy_rounds(trouble, rng)
        if busy_rounds.size == 0:
            break
        move = _best_swap(seating, memory, busy_rounds, regret, trouble, fixed, step, rng)
        if move is None:
            continue
        memory.swap(seating, move, step, tenure, rng)
        if memory.keep_if_best(seating, step):
            stalled = 0
            budget.on_improvement(memory.best_core)
        else:
            stalled += 1
            if stalled > patience:
                stalled = 0
                memory.jump(seating, rng)
    if (seating.core_cost, seating.cost) > (memory.best_core, memory.best_cost):
        seating.restore(memory.best_members)
    return step


Indices = npt.NDArray[np.intp]
"""Positions from `np.flatnonzero`: rounds, or people."""

Move = tuple[int, int, int]
"""A swap: round, and the two people who exchange their tables in it."""


class _Memory:
    """What the search remembers: the table each person left last in each round and until
    which step they may not go back to it, the best seating so far, and the step at which
    soft preferences started being polished."""

    def __init__(self, seating: Seating) -> None:
        shape = (seating.rounds, seating.n + 1)
        self.left_table = np.full(shape, -1, dtype=np.int32)
        self.barred_until = np.zeros(shape, dtype=np.int64)
        self.best_cost = seating.cost
        self.best_core = seating.core_cost
        self.best_members = seating.members.copy()
        self.last_best = 0
        self.polish_until: int | None = None

    def finished(self, seating: Seating, budget: SearchBudget, step: int) -> bool:
        """Whether the search ends before this step: the target reached (and the soft
        preferences' polish over), the organiser or the safety stop, or `give_up`."""
        if self.best_core <= budget.target_waste:
            if not seating.has_preferences:
                return True
            if self.polish_until is None:
                self.polish_until = step + polish_steps(seating.n)
            if step >= self.polish_until:
                return True
        if step % 16 == 0 and budget.should_stop():
            return True
        return (
            budget.give_up is not None
            and self.polish_until is None
            and step - self.last_best > budget.give_up
        )

    def barred(self, r: int, step: int) -> IntArray:
        """Per person, the table they may not go back to yet in round r (-2: none)."""
        result: IntArray = np.where(self.barred_until[r] > step, self.left_table[r], -2)
        return result

    def swap(
        self,
        seating: Seating,
        move: Move,
        step: int,
        tenure: tuple[int, int],
        rng: np.random.Generator,
    ) -> None:
        """Make the swap, barring each of the two from the table they leave for a random
        tenure."""
        r, a, b = move
        tab = seating.table_of[r]
        ta, tb = int(tab[a]), int(tab[b])
        seating.swap(r, a, b)
        self.left_table[r, a], self.barred_until[r, a] = ta, step + int(rng.integers(*tenure))
        self.left_table[r, b], self.barred_until[r, b] = tb, step + int(rng.integers(*tenure))

    def keep_if_best(self, seating: Seating, step: int) -> bool:
        """Remember the seating when it is the best so far; whether it was."""
        if (seating.core_cost, seating.cost) >= (self.best_core, self.best_cost):
            return False
        if seating.core_cost < self.best_core:
            self.last_best = step
        self.best_cost = seating.cost
        self.best_core = seating.core_cost
        self.best_members = seating.members.copy()
        return True

    def jump(self, seating: Seating, rng: np.random.Generator) -> None:
        """Leave a stalled search: back to the best seating, a few random swaps, no bars."""
        seating.restore(self.best_members)
        _perturb(seating, rng, PERTURB_SWAPS + int(rng.integers(0, PERTURB_SWAPS + 1)))
        self.barred_until[:] = 0


def _busy_rounds(trouble: npt.NDArray[np.bool_], rng: np.random.Generator) -> Indices:
    """Rounds holding someone in trouble, at most `ROUNDS_PER_STEP` of them (at random)."""
    busy_rounds: Indices = np.flatnonzero(trouble.any(axis=1))
    if busy_rounds.size > ROUNDS_PER_STEP:
        busy_rounds = np.sort(rng.choice(busy_rounds, ROUNDS_PER_STEP, replace=False))
    return busy_rounds


def _best_swap(
    seating: Seating,
    memory: _Memory,
    busy_rounds: Indices,
    regret: IntArray,
    trouble: npt.NDArray[np.bool_],
    fixed: Indices,
    step: int,
    rng: np.random.Generator,
) -> Move | None:
    """The best swap allowed in the busy rounds, ties broken at random among all of them
    (a reservoir choice); None when every swap is barred."""
    n = seating.n
    best_delta = np.inf
    move: Move | None = None
    ties = 0
    for r_value in busy_rounds:
        r = int(r_value)
        movers: IntArray = np.flatnonzero(trouble[r, :n]).astype(np.int32)
        if movers.size > MAX_MOVERS:
            movers = np.sort(rng.choice(movers, MAX_MOVERS, replace=False)).astype(np.int32)
        deltas = _allowed_deltas(seating, memory, r, movers, regret, fixed, step)
        low = deltas.min()
        if not np.isfinite(low) or low > best_delta:
            continue
        choices = np.flatnonzero(deltas.ravel() == low)
        if low < best_delta:
            ties = 0
            best_delta = low
        ties += choices.size
        if rng.integers(ties) < choices.size:
            i, b = divmod(int(choices[rng.integers(choices.size)]), n + 1)
            move = (r, int(movers[i]), b)
    return move


def _allowed_deltas(
    seating: Seating,
    memory: _Memory,
    r: int,
    movers: IntArray,
    regret: IntArray,
    fixed: Indices,
    step: int,
) -> npt.NDArray[np.float64]:
    """The cost change of swapping each mover with each person of round r, infinite where the
    swap is not allowed: within one table, with a pinned person, or tabu (a person back to
    the table they just left) unless it beats the best seating so far."""
    deltas = seating.swap_deltas(r, movers, regret[r]).astype(np.float64)
    tab = seating.table_of[r]
    own = tab[movers]
    deltas[tab[None, :] == own[:, None]] = np.inf
    deltas[:, fixed] = np.inf
    barred = memory.barred(r, step)
    forbidden = (barred[movers][:, None] == tab[None, :]) | (barred[None, :] == own[:, None])
    forbidden &= deltas >= memory.best_cost - seating.cost  # unless it beats the best
    deltas[forbidden] = np.inf
    return deltas


def _perturb(seating: Seating, rng: np.random.Generator, swaps: int) -> None:
    """A few random swaps of people in trouble, to leave a basin the tabu list cannot."""
    n = seating.n
    pinned = seating.pinned[:n]
    for _ in range(swaps):
        trouble = seating.trouble(seating.all_regret())[:, :n] & ~pinned[None, :]
        busy = np.argwhere(trouble)
        if busy.size == 0:
            return
        r, a = (int(v) for v in busy[rng.integers(len(busy))])
        others = np.flatnonzero((seating.table_of[r, :n] != seating.table_of[r, a]) & ~pinned)
        if others.size:
            seating.swap(r, a, int(others[rng.integers(others.size)]))
