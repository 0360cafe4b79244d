"""Fit the event's rules to a perfect schedule by exchanging whole itineraries.

A design seats abstract places, not people: which person takes which place is free, and a
*relabelling* swap (a and b exchange seats in every round at once) keeps every pair of places
meeting exactly as often as before. So from a repeat-free schedule the search below never
creates a repeat; it only decides who sits where, which is all the rules care about:

- colleagues, pairs who met at an earlier event, keep-apart pairs and two hosts together weigh
  as in `objective` (PAIR, APART; two hosts must never share a table, so that each can take
  the table number of their own table in every round);
- must-meet pairs that never meet, tables without a common language (HARD) and people beyond
  their category's even share of a table (MIX), summed over the rounds;
- soft preferences (interests, offers and needs) once the rest is settled, never at its cost.

Every pair term is linear in the meeting counts M (0 or 1 here), so with C the matrix of pair
weights the change of swapping a and b is

    (C M)[a, b] + (M C)[a, b] - d[a] - d[b] + 2 C[a, b] M[a, b],   d = row sums of C * M,

where M is never built: (M C)[a] sums the rows of C of a's tablemates over the rounds and
(C M)[a, b] sums C[a] over b's tablemates, a few gathers of movers x tablemates x everyone
(tablemates: rounds x (table size - 1), about 30); the core weights, which are sparse, are
counted from their nonzero entries instead. The table terms come from `TableTerms`, every round
at once. Afterwards, the tables of each round are renumbered so that every
host sits at their own table (`host_tables`): a renumbering moves nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from speedmeet.solve.objective import APART, HARD, MIX, PAIR
from speedmeet.solve.problem import Schedule, SolverRules
from speedmeet.solve.seating import by_organisation
from speedmeet.solve.table_terms import TableTerms

IntArray = npt.NDArray[np.int64]

MOVERS = 24
"""People whose swaps are scored per step while a rule is broken."""
SOFT_MOVERS = 8
"""People whose swaps are scored per step for soft preferences: cheaper steps, more of them."""
PATIENCE = 20
"""Steps without a better labelling before a phase ends."""
RULE_STEPS = 2000
"""Most steps spent on the rules; each costs well under a millisecond at 150 people."""
SOFT_STEPS = 500
"""Most steps spent on soft preferences once the rules are met."""
CANDIDATES = 400
"""Partners scored per step at most (a random sample in larger events): a step's cost then
does not grow with the event."""
TENURE = (3, 12)
"""A person just swapped is left alone for this many steps (random in the range)."""
LIMIT = 3000
"""Largest event relabelled: the pair weights are held as n x n matrices."""


def relabel(
    schedule: Schedule,
    organisations: Sequence[int],
    table_sizes: Sequence[int],
    rules: SolverRules,
    rng: np.random.Generator,
    *,
    target: int,
    should_stop: Callable[[], bool] = lambda: False,
    hosts_seated: bool = False,
    preferences: bool = False,
) -> Schedule:
    """The schedule with people exchanged between itineraries to meet the rules, and tables
    renumbered for the hosts; the schedule unchanged when it repeats a pair (relabelling then
    keeps the repeats but cannot see them) or the event is too large. `target` is the core
    cost (`objective` weights) at which the rules count as met: the unavoidable waste.
    With `hosts_seated`, the hosts already sit at their own tables and are never exchanged
    (the polish after the search); otherwise they are exchanged like anyone, then renumbered.
    With `preferences`, soft preferences are polished once the rules are met."""
    n = len(organisations)
    if n > LIMIT or len(set(rules.host_tables)) < len(rules.host_tables):
        return schedule
    labelling = _Labelling(organisations, table_sizes, schedule, rules)
    if labelling.repeats:
        return schedule
    pinned = np.zeros(len(organisations) + 1, dtype=np.bool_)
    pinned[-1] = True
    if hosts_seated:
        pinned[list(rules.hosts)] = True
    labelling.search(rng, target, should_stop, pinned, preferences)
    return labelling.renumbered()


class _Labelling:
    """Who holds which itinerary, with what scores a relabelling swap."""

    def __init__(
        self,
        organisations: Sequence[int],
        table_sizes: Sequence[int],
        schedule: Schedule,
        rules: SolverRules,
    ) -> None:
        n = self.n = len(organisations)
        self.rules = rules
        self.rounds = len(schedule)
        self.sizes = np.asarray(table_sizes, dtype=np.int64)
        tables = self.tables = len(table_sizes)
        width = int(self.sizes.max())
        self.members = np.full((self.rounds, tables, width), n, dtype=np.int64)
        self.table_of = np.full((self.rounds, n + 1), -1, dtype=np.int64)
        for r, round_tables in enumerate(schedule):
            for t, table in enumerate(round_tables):
                self.members[r, t, : len(table)] = table
                self.table_of[r, table] = t
        mates = np.sort(self.tablemates(), axis=1)
        self.repeats = bool(((mates[:, 1:] == mates[:, :-1]) & (mates[:, 1:] != n)).any())

        core = np.zeros((n + 1, n + 1), dtype=np.int64)
        for colleagues in by_organisation(np.asarray(organisations, dtype=np.int32)).values():
            core[np.ix_(colleagues, colleagues)] = PAIR
        self._pairs(core, rules.already_met, PAIR)
        self._pairs(core, rules.keep_apart, APART)
        hosts = list(rules.hosts)
        self._pairs(core, [(a, b) for a in hosts for b in hosts if a < b], APART)
        self._pairs(core, rules.must_meet, -HARD)
        np.fill_diagonal(core, 0)
        soft = np.zeros((n + 1, n + 1), dtype=np.int32)  # a few units a pair: cheap rows
        for a, b, weight in rules.pair_weights:
            soft[a, b] = soft[b, a] = weight
        for a, b, weight in rules.wanted:
            soft[a, b] -= weight  # paid while they never meet: a credit once they do
            soft[b, a] -= weight
        self.weighted = rules.weighted
        self.mix_weight = rules.mix_weight if rules.mix_weight is not None else MIX
        if rules.weighted:  # preferences trade against pairs: one cost, one phase
            core += soft
            soft[:] = 0
        self.core = core
        self.core_columns, self.core_weights = _sparse_rows(core)
        self.soft = soft
        self.has_soft = bool(soft.any())
        self.must = np.asarray(rules.must_meet, dtype=np.int64).reshape(-1, 2)
        self.terms = TableTerms(self.rounds, table_sizes, n, rules)
        # a host must end at a table of their own table's size, to be renumbered onto it
        self.host_size = np.zeros(n + 1, dtype=np.int64)
        for host_index, host_table in zip(rules.hosts, rules.host_tables, strict=True):
            self.host_size[host_index] = self.sizes[host_table]
        self.sized = bool(hosts) and len(set(self.sizes.tolist())) > 1
        self.terms.retable_all(self.members)

    @staticmethod
    def _pairs(matrix: IntArray, pairs: Sequence[tuple[int, int]], weight: int) -> None:
        for a, b in pairs:
            matrix[a, b] = matrix[b, a] = weight

    def tablemates(self) -> IntArray:
        """(n + 1) x (rounds * width): everyone each person sits with, the dummy n elsewhere."""
        n = self.n
        seats = self.members[np.arange(self.rounds)[:, None], self.table_of]  # rounds x n+1 x w
        mates = seats.transpose(1, 0, 2).reshape(n + 1, -1).copy()
        mates[mates == np.arange(n + 1)[:, None]] = n
        mates[n] = n
        result: IntArray = mates
        return result

    # -- totals ---------------------------------------------------------------------------

    def size_misses(self) -> int:
        if not self.sized:
            return 0
        hosts = np.asarray(self.rules.hosts, dtype=np.int64)
        held = self.sizes[self.table_of[:, hosts]]
        return int((held != self.host_size[hosts][None, :]).sum())

    def core_cost(self, mates: IntArray) -> int:
        pairs = int(self.core[np.arange(self.n + 1)[:, None], mates].sum()) // 2
        broken = int(self.terms.gaps().sum()) + self.size_misses() + len(self.must)
        # a must-meet pair that meets counts -HARD among the pairs: broken counts them all
        return pairs + HARD * broken + self.mix_weight * int(self.terms.excess().sum())

    def soft_cost(self, mates: IntArray) -> int:
        return int(self.soft[np.arange(self.n + 1)[:, None], mates].sum()) // 2

    # -- one step -------------------------------------------------------------------------

    def trouble(self, mates: IntArray) -> npt.NDArray[np.bool_]:
        """People in a rule broken or a meeting wasted (colleagues, history, apart, hosts)."""
        n = self.n
        bad: npt.NDArray[np.bool_] = np.asarray(
            (self.core[np.arange(n + 1)[:, None], mates] > 0).any(axis=1), dtype=np.bool_
        )
        if self.must.size:
            met = (mates[self.must[:, 0]] == self.must[:, 1][:, None]).any(axis=1)
            bad[self.must[~met].reshape(-1)] = True
        terms = self.terms
        rows = np.arange(self.rounds)[:, None]
        seats = self.table_of[:, :n]
        if terms.speaks:
            bad[:n] |= (terms.gaps()[rows, seats] > 0).any(axis=0)
        if terms.mixing:
            over = terms.excess() > 0
            bad[:n] |= over[rows, seats, terms.category[None, :n]].any(axis=0)
        if self.sized:
            hosts = np.asarray(self.rules.hosts, dtype=np.int64)
            held = self.sizes[self.table_of[:, hosts]]
            bad[hosts] |= (held != self.host_size[hosts][None, :]).any(axis=0)
        bad[n] = False
        return bad

    def core_deltas(self, mates: IntArray, movers: IntArray, others: IntArray) -> IntArray:
        """`pair_deltas` for the core weights, which are sparse (colleagues, requests, hosts,
        history): (C M)[a] and (M C)[a] are counted from the few weights of a and of a's
        tablemates instead of gathered against everyone."""
        n1 = self.n + 1
        count = len(movers)
        at = np.arange(count)[:, None, None] * n1
        columns, weights = self.core_columns, self.core_weights
        # (C M)[a, b]: a's weight with x, for every b sitting with x
        mine = np.bincount(
            (at + mates[columns[movers]]).reshape(-1),
            np.broadcast_to(
                weights[movers][:, :, None], (count, *columns.shape[1:], mates.shape[1])
            ).reshape(-1),
            minlength=count * n1,
        ).reshape(count, n1)
        # (M C)[a, b]: the weights of a's tablemates with b
        mover_mates = mates[movers]
        theirs = np.bincount(
            (at + columns[mover_mates]).reshape(-1),
            weights[mover_mates].reshape(-1),
            minlength=count * n1,
        ).reshape(count, n1)
        met = np.bincount((at[:, :, 0] + mover_mates).reshape(-1), minlength=count * n1).reshape(
            count, n1
        )
        rows = self.core[np.arange(n1)[:, None], mates].sum(axis=1)  # d
        deltas: IntArray = (
            (mine + theirs)[:, others].astype(np.int64)
            - rows[movers][:, None]
            - rows[others][None, :]
            + 2 * self.core[movers[:, None], others[None, :]] * met[:, others]
        )
        return deltas

    def pair_deltas(
        self, weights: npt.NDArray[np.int32], mates: IntArray, movers: IntArray, others: IntArray
    ) -> IntArray:
        """Change of sum(weights * M) over pairs for swapping each mover with each of others;
        whole rows of `weights` are gathered (`take`), the cheapest read."""
        n1 = self.n + 1
        count = len(movers)
        mover_mates = mates[movers]  # movers x tablemates
        other_mates = mates[others]
        flat = weights.ravel()
        own_rows = flat.take(movers[:, None] * n1 + mover_mates).sum(axis=1, dtype=np.int64)
        other_rows = flat.take(others[:, None] * n1 + other_mates).sum(axis=1, dtype=np.int64)
        # (M C)[a, b]: the weights of a's tablemates with b
        theirs = weights.take(mover_mates.reshape(-1), axis=0).reshape(count, -1, n1)
        theirs_sum = theirs.sum(axis=1, dtype=np.int64)[:, others]
        # (C M)[a, b]: a's weights with b's tablemates
        mine = weights.take(movers, axis=0).take(other_mates, axis=1).sum(axis=2, dtype=np.int64)
        at = np.arange(count)[:, None] * n1
        met = np.bincount((at + mover_mates).reshape(-1), minlength=count * n1).reshape(count, n1)
        deltas: IntArray = (
            mine
            + theirs_sum
            - own_rows[:, None]
            - other_rows[None, :]
            + 2 * flat.take(movers[:, None] * n1 + others[None, :]) * met[:, others]
        )
        return deltas

    def table_deltas(self, movers: IntArray, others: IntArray) -> IntArray:
        """Change of the table terms (language, mix, host table sizes) for swapping each mover
        with each of others, summed over rounds."""
        total: IntArray = np.zeros((len(movers), len(others)), dtype=np.int64)
        tab = self.table_of  # rounds x (n + 1)
        if self.terms.active:
            languages, mix = self.terms.itinerary_exchange(tab, movers, others)
            total += HARD * languages + self.mix_weight * mix
        if self.sized:
            held = self.sizes[np.maximum(tab, 0)]
            mine_held = held[:, movers][:, :, None]
            their_held = held[:, others][:, None, :]
            want_mine = self.host_size[movers][None, :, None]
            want_theirs = self.host_size[others][None, None, :]
            total += HARD * (
                _miss(want_mine, their_held)
                + _miss(want_theirs, mine_held)
                - _miss(want_mine, mine_held)
                - _miss(want_theirs, their_held)
            ).sum(axis=0)
        return total

    def swap(self, a: int, b: int) -> None:
        """a and b exchange their seats in every round."""
        ta, tb = self.table_of[:, a].copy(), self.table_of[:, b].copy()
        moved = np.flatnonzero(ta != tb)
        if moved.size == 0:
            return
        for r in moved.tolist():
            row_a, row_b = self.members[r, ta[r]], self.members[r, tb[r]]
            row_a[row_a == a] = b
            row_b[row_b == b] = a
        self.table_of[moved, a], self.table_of[moved, b] = tb[moved], ta[moved]
        rounds = np.concatenate((moved, moved))
        tables = np.concatenate((ta[moved], tb[moved]))
        self.terms.retable_many(rounds, tables, self.members[rounds, tables])

    # -- the search -----------------------------------------------------------------------

    def search(
        self,
        rng: np.random.Generator,
        target: int,
        should_stop: Callable[[], bool],
        pinned: npt.NDArray[np.bool_],
        preferences: bool,
    ) -> None:
        """Tabu search over relabelling swaps: the rules first, then (with `preferences`) soft
        preferences by swaps that leave the rules and the pairs exactly as good. `pinned`
        people (and the dummy, last) are never exchanged."""
        step = self._phase(rng, target, should_stop, pinned, soft=False, step=0)
        if preferences and self.has_soft and self.core_cost(self.tablemates()) <= target:
            self._phase(rng, target, should_stop, pinned, soft=True, step=step)

    def _phase(
        self,
        rng: np.random.Generator,
        target: int,
        should_stop: Callable[[], bool],
        pinned: npt.NDArray[np.bool_],
        *,
        soft: bool,
        step: int,
    ) -> int:
        """One tabu search, on the core cost or (soft) on soft preferences at no core cost;
        leaves the best labelling found. Returns the step count reached."""
        free = np.flatnonzero(~pinned)
        tabu_until = np.zeros(self.n + 1, dtype=np.int64)
        mates = self.tablemates()
        cost = self.soft_cost(mates) if soft else self.core_cost(mates)
        best = cost
        best_members = self.members.copy()
        stalled = 0
        last = step + (SOFT_STEPS if soft else RULE_STEPS)
        while step < last and stalled < PATIENCE and (soft or cost > target):
            if step % 16 == 0 and should_stop():
                break
            step += 1
            movers = self._movers(mates, free, pinned, soft, rng)
            if movers.size == 0:
                break
            others = _sample(free, CANDIDATES, rng)
            deltas, core = self._swap_scores(mates, movers, others, soft)
            tabu = (tabu_until[movers] > step)[:, None] | (tabu_until[others] > step)[None, :]
            barred = tabu & (cost + deltas >= best)  # a tabu swap only when it beats the best
            barred |= movers[:, None] == others[None, :]
            if soft:
                barred |= core != 0
            pick = _pick(deltas, barred, rng)
            if pick is None:
                stalled += 1
                continue
            i, j = pick
            a, b = int(movers[i]), int(others[j])
            self.swap(a, b)
            mates = self.tablemates()
            cost += int(deltas[i, j])
            tabu_until[[a, b]] = step + rng.integers(*TENURE, size=2)
            if cost < best:
                best, best_members, stalled = cost, self.members.copy(), 0
            else:
                stalled += 1
        if cost > best:
            self._restore(best_members)
        return step

    def _movers(
        self,
        mates: IntArray,
        free: IntArray,
        pinned: npt.NDArray[np.bool_],
        soft: bool,
        rng: np.random.Generator,
    ) -> IntArray:
        """Whose swaps this step scores: anyone free for soft preferences or with a preference
        weight (they can improve anywhere), else the people in trouble; a sample of them."""
        if soft or self.weighted:
            return _sample(free, SOFT_MOVERS if soft else MOVERS, rng)
        return _sample(np.flatnonzero(self.trouble(mates) & ~pinned), MOVERS, rng)

    def _swap_scores(
        self, mates: IntArray, movers: IntArray, others: IntArray, soft: bool
    ) -> tuple[IntArray, IntArray]:
        """The change of the phase's cost for swapping each mover with each of others, and the
        change of the core cost (the same array outside the soft phase)."""
        core = self.core_deltas(mates, movers, others) + self.table_deltas(movers, others)
        deltas = self.pair_deltas(self.soft, mates, movers, others) if soft else core
        return deltas, core

    def _restore(self, members: IntArray) -> None:
        n = self.n
        self.members = members.copy()
        self.table_of[:, :n] = -1
        for r in range(self.rounds):
            seats = self.members[r]
            valid = seats != n
            tables, _ = np.nonzero(valid)
            self.table_of[r, seats[valid]] = tables
        self.terms.retable_all(self.members)

    def renumbered(self) -> Schedule:
        """The schedule, each round's tables renumbered (among tables of one size) so that every
        host sits at their own table whenever their table's size allows."""
        n = self.n
        schedule: Schedule = []
        for r in range(self.rounds):
            order = [-1] * self.tables  # order[new table] = table of the relabelled round
            used = set()
            for host, table in zip(self.rules.hosts, self.rules.host_tables, strict=True):
                held = int(self.table_of[r, host])
                if order[table] < 0 and held not in used and self.sizes[held] == self.sizes[table]:
                    order[table] = held
                    used.add(held)
            for table in range(self.tables):
                if order[table] >= 0:
                    continue
                held = next(
                    t
                    for t in range(self.tables)
                    if t not in used and self.sizes[t] == self.sizes[table]
                )
                order[table] = held
                used.add(held)
            schedule.append([[int(p) for p in self.members[r, held] if p != n] for held in order])
        return schedule


def _sparse_rows(matrix: IntArray) -> tuple[IntArray, IntArray]:
    """The nonzero entries of each row as (columns, weights), padded with the last column
    (the dummy's, always zero) and weight 0."""
    n1 = matrix.shape[0]
    rows, columns = np.nonzero(matrix)
    counts = np.bincount(rows, minlength=n1)
    width = max(1, int(counts.max(initial=0)))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    slot = np.arange(rows.size) - starts[rows]
    padded = np.full((n1, width), n1 - 1, dtype=np.int64)
    padded[rows, slot] = columns
    weights = np.zeros((n1, width), dtype=np.int64)
    weights[rows, slot] = matrix[rows, columns]
    return padded, weights


def _sample(people: IntArray, most: int, rng: np.random.Generator) -> IntArray:
    """At most `most` of `people`, chosen at random, in order."""
    if people.size <= most:
        return people
    chosen: IntArray = np.sort(rng.choice(people, most, replace=False))
    return chosen


def _miss(wanted: IntArray, size: IntArray) -> IntArray:
    """1 where a host (wanted size > 0) holds a seat at a table of another size."""
    result: IntArray = ((wanted > 0) & (wanted != size)).astype(np.int64)
    return result


def _pick(
    deltas: IntArray, barred: npt.NDArray[np.bool_], rng: np.random.Generator
) -> tuple[int, int] | None:
    """The best swap that is not barred, ties broken at random; None when there is none."""
    scores = np.where(barred, np.inf, deltas.astype(np.float64))
    low = scores.min()
    if not np.isfinite(low):
        return None
    choices = np.flatnonzero(scores.ravel() == low)
    i, j = divmod(int(choices[rng.integers(choices.size)]), scores.shape[1])
    return i, j
