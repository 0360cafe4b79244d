"""Tabu search over swaps of two people between tables of one round.

Conflict-directed (after Dotú and Van Hentenryck, "Scheduling social golfers locally"): each
step takes a few rounds that still hold waste, and in each the people sitting in waste there;
it scores every swap of one of them with anyone at another table of that round in one numpy
expression, and makes the best swap that is not tabu (ties broken at random; a tabu swap is
allowed when it beats the best plan so far). A person who just left a table may not return to it for a random tenure. When the
search stalls it perturbs the best seating found with a few random swaps.

Everything random comes from one seeded generator and the search runs for a counted number of
steps, so the same instance gives the same schedule on any machine that finishes the steps
within the time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

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
    rounds = seating.rounds
    best_cost = seating.cost
    best_core = seating.core_cost
    best_members = seating.members.copy()
    tabu_table = np.full((rounds, n + 1), -1, dtype=np.int32)
    tabu_until = np.zeros((rounds, n + 1), dtype=np.int64)
    tenure_low = TENURE_LOW
    tenure_high = TENURE_LOW + 6 + int(TENURE_PER_PERSON * min(n, 200))
    patience = PATIENCE_BASE + PATIENCE_PER_PERSON * n
    last_best = 0
    pinned = seating.pinned
    fixed = np.flatnonzero(pinned | (np.arange(n + 1) == n))  # never swapped: hosts, dummy
    stalled = 0
    step = 0
    polish_until: int | None = None
    while step < budget.steps:
        if best_core <= budget.target_waste:
            if not seating.has_preferences:
                break
            if polish_until is None:
                polish_until = step + polish_steps(n)
            if step >= polish_until:
                break
        if step % 16 == 0 and budget.should_stop():
            break
        if (
            budget.give_up is not None
            and polish_until is None
            and step - last_best > budget.give_up
        ):
            break
        step += 1
        regret = seating.all_regret()
        trouble = seating.trouble(regret)
        trouble[:, pinned] = False
        busy_rounds = np.flatnonzero(trouble.any(axis=1))
        if busy_rounds.size == 0:
            break
        if busy_rounds.size > ROUNDS_PER_STEP:
            busy_rounds = np.sort(rng.choice(busy_rounds, ROUNDS_PER_STEP, replace=False))
        best_delta = np.inf
        pick_r, pick_a, pick_b = -1, -1, -1
        ties = 0
        for r_value in busy_rounds:
            r = int(r_value)
            movers: IntArray = np.flatnonzero(trouble[r, :n]).astype(np.int32)
            if movers.size > MAX_MOVERS:
                movers = np.sort(rng.choice(movers, MAX_MOVERS, replace=False)).astype(np.int32)
            deltas = seating.swap_deltas(r, movers, regret[r]).astype(np.float64)
            tab = seating.table_of[r]
            own = tab[movers]
            deltas[tab[None, :] == own[:, None]] = np.inf
            deltas[:, fixed] = np.inf
            # the table each person may not go back to yet (-2: none)
            barred = np.where(tabu_until[r] > step, tabu_table[r], -2)
            forbidden = (barred[movers][:, None] == tab[None, :]) | (
                barred[None, :] == own[:, None]
            )
            forbidden &= deltas >= best_cost - seating.cost  # unless it beats the best
            deltas[forbidden] = np.inf
            low = deltas.min()
            if not np.isfinite(low) or low > best_delta:
                continue
            choices = np.flatnonzero(deltas.ravel() == low)
            if low < best_delta:
                ties = 0
                best_delta = low
            # reservoir choice among equally good moves of all rounds
            ties += choices.size
            if rng.integers(ties) < choices.size:
                i, b = divmod(int(choices[rng.integers(choices.size)]), n + 1)
                pick_r, pick_a, pick_b = r, int(movers[i]), b
        if pick_r < 0:
            continue
        r, a, b = pick_r, pick_a, pick_b
        tab = seating.table_of[r]
        ta, tb = int(tab[a]), int(tab[b])
        seating.swap(r, a, b)
        tabu_table[r, a], tabu_until[r, a] = ta, step + int(rng.integers(tenure_low, tenure_high))
        tabu_table[r, b], tabu_until[r, b] = tb, step + int(rng.integers(tenure_low, tenure_high))
        if (seating.core_cost, seating.cost) < (best_core, best_cost):
            if seating.core_cost < best_core:
                last_best = step
            best_cost = seating.cost
            best_core = seating.core_cost
            best_members = seating.members.copy()
            stalled = 0
            budget.on_improvement(best_core)
        else:
            stalled += 1
            if stalled > patience:
                stalled = 0
                seating.restore(best_members)
                _perturb(seating, rng, PERTURB_SWAPS + int(rng.integers(0, PERTURB_SWAPS + 1)))
                tabu_until[:] = 0
    if (seating.core_cost, seating.cost) > (best_core, best_cost):
        seating.restore(best_members)
    return step


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
