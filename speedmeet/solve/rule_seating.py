"""A seating whose cost carries the event's own rules, for the same tabu search.

Its cost is `speedmeet.solve.objective`'s, term for term (the weights and their order are
explained there):

- APART per keep-apart meeting;
- HARD per must-meet pair that never meets and per person to move before a table shares a
  language (graded, so that the search sees a table getting closer);
- PAIR per wasted meeting: a repeat, colleagues together, or a pair who met at an earlier event;
- MIX (or the preference weight's `mix_weight`) per person beyond their category's even share;
- the pair weights of interests per meeting and of offers/needs while the pair has never met.

Hosts are pinned to their tables and never move (`pin_hosts` puts them there first).
A swap's change of cost splits into what each of the two people leaves and joins (pairs, as in
`Seating`) plus what the two tables become (their common language, their category counts), so
every term is scored for all swaps of a round with a few numpy gathers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from speedmeet.solve.objective import APART, HARD, MIX, PAIR
from speedmeet.solve.problem import Schedule, SolverRules
from speedmeet.solve.seating import IntArray, Seating
from speedmeet.solve.table_terms import TableTerms, language_columns

JOIN_LIMIT = 3000
"""Largest event whose joining values are kept as an (n + 1) x (n + 1) int32 matrix (36 MB at
3,000 people); a larger one computes them from the meeting counts at every step."""
JOIN_BLOCK = 128
"""Rows of joining values computed at once when the matrix is built (bounds the temporaries)."""

BoolArray = npt.NDArray[np.bool_]
CostArray = npt.NDArray[np.int64]


def pin_hosts(schedule: Schedule, hosts: Sequence[int], host_tables: Sequence[int]) -> Schedule:
    """The schedule with every host moved to their table in every round, by swapping seats
    (table sizes stay as they are); everyone else keeps their seat where they can."""
    pinned_to: dict[int, set[int]] = {}
    for host, table in zip(hosts, host_tables, strict=True):
        pinned_to.setdefault(table, set()).add(host)
    host_set = set(hosts)
    result: Schedule = []
    for round_tables in schedule:
        tables = [list(t) for t in round_tables]
        for host, target in zip(hosts, host_tables, strict=True):
            current = next(t for t, members in enumerate(tables) if host in members)
            if current == target:
                continue
            movable = [p for p in tables[target] if p not in pinned_to[target]]
            if not movable:
                continue
            movable.sort(key=lambda p: p in host_set)
            other = movable[0]
            tables[current][tables[current].index(host)] = other
            tables[target][tables[target].index(other)] = host
        result.append(tables)
    return result


class RuleSeating(Seating):
    """`Seating` plus the event's rules (see the module docstring for the cost)."""

    def __init__(
        self,
        organisations: Sequence[int],
        table_sizes: Sequence[int],
        schedule: Schedule,
        rules: SolverRules,
    ):
        n = len(organisations)
        self.rules = rules
        org = np.asarray(organisations, dtype=np.int32)
        base = np.zeros((n + 1, n + 1), dtype=np.int8)
        base[:n, :n] = org[:, None] == org[None, :]
        met = np.asarray(rules.already_met, dtype=np.int32).reshape(-1, 2)
        base[met[:, 0], met[:, 1]] = 1
        base[met[:, 1], met[:, 0]] = 1
        np.fill_diagonal(base, 0)
        self.base = base
        self.keep_pairs = np.asarray(rules.keep_apart, dtype=np.int32).reshape(-1, 2)
        self.must_pairs = np.asarray(rules.must_meet, dtype=np.int32).reshape(-1, 2)
        self.keep = _pair_matrix(n, self.keep_pairs)
        wished = np.asarray(rules.wanted, dtype=np.int64).reshape(-1, 3)
        self.wished_pairs = wished[:, :2].astype(np.int32)
        self.wished_weights = wished[:, 2]
        self.must = _pair_matrix(n, self.must_pairs)
        self.mix_weight = rules.mix_weight if rules.mix_weight is not None else MIX
        self.weighted = rules.weighted
        """Soft preferences trade against new pairs (a preference weight): they are part of
        the core cost from the start instead of a polish afterwards."""
        weights = np.int32 if rules.weighted else np.int8  # weighted: PAIR-sized values
        self.wished = np.zeros((n + 1, n + 1), dtype=weights)
        self.wished[self.wished_pairs[:, 0], self.wished_pairs[:, 1]] = self.wished_weights
        self.wished[self.wished_pairs[:, 1], self.wished_pairs[:, 0]] = self.wished_weights
        self.preferring = rules.weighted
        """Whether soft preferences count yet: the search first meets the rules and the pairs
        without them (their small ties would steer it), then polishes them (`prefer`)."""
        weighted = np.asarray(rules.pair_weights, dtype=np.int64).reshape(-1, 3)
        self.soft_pairs = weighted[:, :2].astype(np.int32)
        self.soft_weights = weighted[:, 2]
        self.soft = np.zeros((n + 1, n + 1), dtype=weights)
        self.soft[self.soft_pairs[:, 0], self.soft_pairs[:, 1]] = self.soft_weights
        self.soft[self.soft_pairs[:, 1], self.soft_pairs[:, 0]] = self.soft_weights
        self.favours = bool((self.soft_weights < 0).any())
        self.disfavours = bool((self.soft_weights > 0).any())
        spoken = language_columns(rules.languages, n)
        allowed = np.ones((len(table_sizes), spoken.shape[1] - 1), dtype=np.int64)
        for host, table in zip(rules.hosts, rules.host_tables, strict=True):
            if spoken[host, -1]:
                allowed[table] &= spoken[host, :-1]
        names = sorted({language for person in rules.languages for language in person})
        for table, wanted in enumerate(rules.table_languages[: len(table_sizes)]):
            mask = np.array([name in wanted for name in names], dtype=np.int64)
            if wanted and (allowed[table] & mask).any():  # a language someone here speaks
                allowed[table] &= mask
        self.terms = TableTerms(len(schedule), table_sizes, n, rules, allowed)
        self.speaks = self.terms.speaks
        self.mixing = self.terms.mixing
        self._pinned = np.zeros(n + 1, dtype=np.bool_)
        self._pinned[list(rules.hosts)] = True
        super().__init__(organisations, table_sizes, schedule, rules.already_met)

    # -- totals ---------------------------------------------------------------------------

    def _rebuild(self) -> None:
        super()._rebuild()
        self.terms.retable_all(self.members)
        self._totals()
        self._build_join()

    def _build_join(self) -> None:
        """The joining value of every pair (`_pair_values`), kept up to date by `swap`: a
        step then gathers rows of it instead of recomputing them from five matrices."""
        self.join: npt.NDArray[np.int32] | None = None
        if self.n > JOIN_LIMIT:
            return
        join = np.empty((self.n + 1, self.n + 1), dtype=np.int32)
        for start in range(0, self.n + 1, JOIN_BLOCK):
            rows = np.arange(start, min(start + JOIN_BLOCK, self.n + 1), dtype=np.int32)
            join[rows] = self._pair_values(rows, joining=True, whole_rows=True)
        self.join = join

    def _times_met(self, pairs: IntArray) -> npt.NDArray[np.int64]:
        return self.conflict[pairs[:, 0], pairs[:, 1]].astype(np.int64) - self.base[
            pairs[:, 0], pairs[:, 1]
        ].astype(np.int64)

    def _totals(self, pair_change: int | None = None) -> None:
        """The rules' totals; `pair_change`, when a swap knows it, is the change of the
        interests' pair total (thousands of pairs, not worth a recount per swap)."""
        self.kept_together = int(self._times_met(self.keep_pairs).sum())
        self.unmet = int((self._times_met(self.must_pairs) == 0).sum())
        self.soft_total = 0
        self.unwished = np.zeros(len(self.wished_pairs), dtype=np.bool_)
        if self.preferring:  # counted only once they count
            if pair_change is None:
                met = self._times_met(self.soft_pairs)
                self.soft_pairs_total = int((met * self.soft_weights).sum())
            else:
                self.soft_pairs_total += pair_change
            self.unwished = self._times_met(self.wished_pairs) == 0
            self.soft_total = self.soft_pairs_total + int(self.wished_weights[self.unwished].sum())
        self.language_gap = int(self.terms.gaps().sum())
        self.mix_excess = int(self.terms.excess().sum())

    @property
    def hard(self) -> int:
        """Hard-rule breaks: keep-apart meetings, unmet must-meet pairs, tables without a
        common language."""
        return self.kept_together + self.unmet + self.language_gap

    @property
    def core_cost(self) -> int:
        return (
            APART * self.kept_together
            + HARD * (self.unmet + self.language_gap)
            + PAIR * self.waste
            + self.mix_weight * self.mix_excess
            + (self.soft_total if self.weighted else 0)
        )

    @property
    def cost(self) -> int:
        return self.core_cost + (self.soft_total if self.preferring and not self.weighted else 0)

    def prefer(self, preferring: bool = True) -> None:
        """Count soft preferences from now on (interests, offers and needs), or no longer."""
        self.preferring = preferring
        self._totals()
        self._build_join()

    @property
    def has_preferences(self) -> bool:
        """Whether soft preferences are left to polish after the core cost's target."""
        return self.preferring and self.wants_preferences and not self.weighted

    @property
    def wants_preferences(self) -> bool:
        """Whether the event has soft preferences to polish at all."""
        return self.rules.wants_preferences

    @property
    def pinned(self) -> BoolArray:
        return self._pinned

    # -- what a person leaves and joins ---------------------------------------------------

    def _pair_values(
        self, index: npt.NDArray[np.integer], *, joining: bool, whole_rows: bool = False
    ) -> CostArray:
        """Cost a person adds by one more meeting with another (joining), or sheds by one fewer
        (leaving), for the pairs of `index`: flat indices a * (n + 1) + b (one `take` is much
        cheaper than indexing with two broadcast arrays), or with `whole_rows` the people a
        whose pairs with everyone are asked. Only the pairs asked for are read, so no step
        builds an n x n array."""
        if whole_rows:

            def read(matrix: npt.NDArray[np.integer]) -> npt.NDArray[np.integer]:
                return matrix.take(index, axis=0)
        else:

            def read(matrix: npt.NDArray[np.integer]) -> npt.NDArray[np.integer]:
                return matrix.ravel().take(index)

        conflict = read(self.conflict).astype(np.int64)
        once = (conflict - read(self.base)) == (0 if joining else 1)
        value = PAIR * (conflict >= (1 if joining else 2))
        if self.keep_pairs.size:
            value += APART * read(self.keep).astype(np.int64)
        if self.must_pairs.size:
            value -= HARD * (once & (read(self.must) == 1))
        if self.preferring:
            if self.soft_pairs.size:
                value += read(self.soft)
            if self.wished_pairs.size:
                value -= read(self.wished) * once
        return value

    def _joining(self, rows: npt.NDArray[np.int32]) -> CostArray:
        """_pair_values of each of `rows` joining each person: rows x (n + 1)."""
        if self.join is None:
            return self._pair_values(rows, joining=True, whole_rows=True)
        joined: CostArray = self.join.take(rows, axis=0).astype(np.int64)
        return joined

    def all_regret(self) -> IntArray:
        """What each person sheds by leaving their table, per round (rounds x (n + 1))."""
        pairs, cells = self._seated = self.table_pairs(), self.seat_cells()
        flat = np.zeros(self.rounds * (self.n + 1), dtype=np.int64)
        flat[cells] = self._pair_values(pairs, joining=False).sum(axis=3)
        regret = flat.reshape(self.rounds, self.n + 1)
        regret[:, self.n] = 0
        self._waste_regret = self._regret_from(pairs, cells)
        return regret  # type: ignore[return-value]

    def round_regret(self, r: int) -> IntArray:
        regret: IntArray = self.all_regret()[r]
        return regret

    def trouble(self, regret: IntArray) -> BoolArray:
        """Who is worth moving: anyone in a wasted meeting or a broken rule, or, when a round
        has none of those, anyone a soft preference would rather seat elsewhere. Reads the
        seats as `all_regret` last saw them (the search always asks for `regret` first)."""
        n = self.n
        pairs, cells = self._seated
        seat = (self._waste_regret > 0).reshape(-1)  # flat (round, person) cells
        if self.keep_pairs.size:
            apart = self.keep.ravel().take(pairs).sum(axis=3, dtype=np.int64)
            seat[cells] |= apart > 0
        if self.speaks:
            bad = self.terms.gaps() > 0
            seat[cells] |= bad[:, :, None]
        if self.mixing:
            over = self.terms.excess() > 0
            cat = self.terms.category[self.members]
            seat[cells] |= np.take_along_axis(over, cat, axis=2)
        core = seat.reshape(self.rounds, n + 1)
        if self.must_pairs.size:
            unmet = self.must_pairs[self._times_met(self.must_pairs) == 0]
            core[:, unmet.reshape(-1)] = True
        core[:, n] = False
        if self.has_preferences or (self.weighted and self.wants_preferences):
            wanting = np.zeros(self.rounds * (n + 1), dtype=np.bool_)
            if self.favours or self.disfavours:
                soft = self.soft.ravel().take(pairs).sum(axis=3)
                wanting[cells] = (soft >= 0) if self.favours else (soft > 0)
            wants = wanting.reshape(self.rounds, n + 1)
            wants[:, self.wished_pairs[self.unwished].reshape(-1)] = True
            wants[:, n] = False
            quiet = ~core.any(axis=1)
            core[quiet] = wants[quiet]
        return core

    def swap_deltas(self, r: int, movers: IntArray, regret: IntArray) -> CostArray:
        """Cost change of swapping each mover with every person of round r (movers x (n + 1));
        the same formula as `Seating.swap_deltas` with cost values instead of waste counts, plus
        what the two tables' common language and category counts become."""
        seats = self.members[r]
        tab = self.table_of[r]
        own = tab[movers]
        joins = self._joining(movers)
        join_cost = joins[:, seats].sum(axis=2)
        width = seats.shape[1]
        own_rows = seats[own].reshape(-1)
        joined_by = self._joining(own_rows).reshape(len(movers), width, -1).sum(axis=1)
        deltas: CostArray = (
            join_cost[:, tab] - 2 * joins + joined_by - regret[None, :] - regret[movers][:, None]
        )
        if self.terms.active:
            languages, mix = self.terms.round_exchange(r, tab, movers)
            deltas += HARD * languages + self.mix_weight * mix
        return deltas

    def swap(self, r: int, a: int, b: int) -> None:
        ta, tb = int(self.table_of[r, a]), int(self.table_of[r, b])
        table_a, table_b = self.members[r, ta], self.members[r, tb]
        touched = np.concatenate((table_a, table_b))
        pair_change = None
        if self.preferring:  # a leaves A for B, b the other way (soft[a, b] counted twice)
            soft = self.soft
            pair_change = (
                int(soft[a].take(table_b).sum(dtype=np.int64))
                - int(soft[a].take(table_a).sum(dtype=np.int64))
                + int(soft[b].take(table_a).sum(dtype=np.int64))
                - int(soft[b].take(table_b).sum(dtype=np.int64))
                - 2 * int(soft[a, b])
            )
        super().swap(r, a, b)
        if self.join is not None:  # only pairs of a or b with their old tables' people changed
            rows = np.repeat(np.asarray([a, b], dtype=np.int64), touched.size)
            columns = np.tile(touched, 2).astype(np.int64)
            n1 = self.n + 1
            values = self._pair_values(rows * n1 + columns, joining=True)
            join = self.join.ravel()
            join[rows * n1 + columns] = values
            join[columns * n1 + rows] = values
        tables = np.asarray([ta, tb])
        self.terms.retable_many(np.asarray([r, r]), tables, self.members[r, tables])
        self._totals(pair_change)


def _pair_matrix(n: int, pairs: IntArray) -> npt.NDArray[np.int8]:
    """1 where a listed pair is, in both triangles (plus the dummy's zero row and column)."""
    matrix = np.zeros((n + 1, n + 1), dtype=np.int8)
    matrix[pairs[:, 0], pairs[:, 1]] = 1
    matrix[pairs[:, 1], pairs[:, 0]] = 1
    return matrix
