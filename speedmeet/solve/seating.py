"""A schedule held as arrays, with meeting counts kept up to date as people swap tables.

The local search asks one question millions of times: "how much waste does swapping these two
people change?". Keeping `conflict[p, q]` = meetings of p and q plus one when they share an
organisation makes that an O(table size) look-up: a meeting is waste exactly when the pair
already has a conflict count of at least one, so

    waste = sum over pairs of max(0, conflict - 1)   and   pairs = meetings - waste.

The matrix is dense (numpy), so this suits events up to several thousand people; larger ones
are handled without it (see `sparse.py`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from speedmeet.solve.problem import Schedule

IntArray = npt.NDArray[np.int32]

DENSE_LIMIT = 6000
"""Largest event held as a dense conflict matrix (int8: 36 MB at 6,000 people)."""


def total_meetings(table_sizes: Sequence[int], rounds: int) -> int:
    """Pair meetings every schedule with this layout holds, wasted or not."""
    return rounds * sum(s * (s - 1) // 2 for s in table_sizes)


class Seating:
    """Who sits where in every round, plus the conflict counts that score a swap quickly.

    `members[r, t]` lists table t of round r, padded with the index n (a dummy person whose
    conflicts are always zero), so that whole rounds are gathered with one numpy index.
    """

    def __init__(
        self,
        organisations: Sequence[int],
        table_sizes: Sequence[int],
        schedule: Schedule,
        already_met: Sequence[tuple[int, int]] = (),
    ):
        self.n = len(organisations)
        self.already_met = np.asarray(already_met, dtype=np.int32).reshape(-1, 2)
        self.rounds = len(schedule)
        self.table_sizes = np.asarray(table_sizes, dtype=np.int32)
        self.tables = len(table_sizes)
        self.width = int(self.table_sizes.max()) if self.tables else 0
        self.organisations = np.asarray(organisations, dtype=np.int32)
        self.members = np.full((self.rounds, self.tables, self.width), self.n, dtype=np.int32)
        self.table_of = np.zeros((self.rounds, self.n + 1), dtype=np.int32)
        self.seat_of = np.zeros((self.rounds, self.n + 1), dtype=np.int32)
        self.table_of[:, self.n] = -1
        for r, round_tables in enumerate(schedule):
            for t, table in enumerate(round_tables):
                for s, person in enumerate(table):
                    self.members[r, t, s] = person
                    self.table_of[r, person] = t
                    self.seat_of[r, person] = s
        self.meetings = total_meetings(table_sizes, self.rounds)
        self._rebuild()

    def _rebuild(self) -> None:
        """Conflict counts from scratch: same organisation or met at an earlier event (one
        each: meeting them brings no new pair) plus every shared table."""
        n = self.n
        dtype = np.int8 if self.rounds < 120 else np.int16
        org = self.organisations
        conflict = np.zeros((n + 1, n + 1), dtype=dtype)
        for members in by_organisation(org).values():
            conflict[np.ix_(members, members)] = 1
        conflict[self.already_met[:, 0], self.already_met[:, 1]] = 1
        conflict[self.already_met[:, 1], self.already_met[:, 0]] = 1
        for r in range(self.rounds):
            seats = self.members[r]
            conflict[seats[:, :, None], seats[:, None, :]] += 1
        np.fill_diagonal(conflict, 0)
        conflict[n, :] = 0
        conflict[:, n] = 0
        self.conflict = conflict
        # both triangles counted, in the matrix's own small type: no n x n temporary of int32
        self.waste = int(np.maximum(conflict - 1, 0).sum(dtype=np.int64)) // 2

    @property
    def pairs(self) -> int:
        return self.meetings - self.waste

    @property
    def cost(self) -> int:
        """What the search lowers: here the waste alone (rules add to it, see `rule_seating`)."""
        return self.waste

    @property
    def core_cost(self) -> int:
        """The cost without soft preferences: the search may stop once it reaches its target."""
        return self.waste

    @property
    def has_preferences(self) -> bool:
        """Whether soft preferences remain to polish after the target is reached."""
        return False

    @property
    def pinned(self) -> npt.NDArray[np.bool_]:
        """People (and the dummy) who never move: nobody here."""
        return np.zeros(self.n + 1, dtype=np.bool_)

    def trouble(self, regret: IntArray) -> npt.NDArray[np.bool_]:
        """Who is worth moving, per round: those in a wasted meeting."""
        return regret > 0

    def schedule(self) -> Schedule:
        n = self.n
        return [
            [[int(p) for p in self.members[r, t] if p != n] for t in range(self.tables)]
            for r in range(self.rounds)
        ]

    def restore(self, members: IntArray) -> None:
        """Go back to a saved seating (from `members.copy()`)."""
        self.members = members.copy()
        n = self.n
        for r in range(self.rounds):
            seats = self.members[r]
            valid = seats != n
            tables, places = np.nonzero(valid)
            people = seats[valid]
            self.table_of[r, people] = tables
            self.seat_of[r, people] = places
        self._rebuild()

    def round_regret(self, r: int) -> IntArray:
        """For each person (and the dummy), how many of their tablemates in round r are waste."""
        seats = self.members[r]
        gathered = self.conflict[seats[:, :, None], seats[:, None, :]]
        regret = np.zeros(self.n + 1, dtype=np.int32)
        regret[seats] = (gathered >= 2).sum(axis=2)
        regret[self.n] = 0
        return regret

    def all_regret(self) -> IntArray:
        """round_regret for every round at once: rounds x (n + 1)."""
        return self._regret_from(self.table_pairs(), self.seat_cells())

    def _regret_from(self, pairs: npt.NDArray[np.int64], cells: npt.NDArray[np.int64]) -> IntArray:
        per_seat = (self.conflict.ravel().take(pairs) >= 2).sum(axis=3)
        flat = np.zeros(self.rounds * (self.n + 1), dtype=np.int32)
        flat[cells] = per_seat
        regret: IntArray = flat.reshape(self.rounds, self.n + 1)
        regret[:, self.n] = 0
        return regret

    def table_pairs(self) -> npt.NDArray[np.int64]:
        """Flat indices p * (n + 1) + q into an (n + 1) x (n + 1) matrix of every two seats
        at one table (rounds x tables x width x width): a whole schedule's pairs in one
        `take`."""
        seats = self.members.astype(np.int64)
        pairs: npt.NDArray[np.int64] = seats[..., :, None] * (self.n + 1) + seats[..., None, :]
        return pairs

    def seat_cells(self) -> npt.NDArray[np.int64]:
        """Flat indices r * (n + 1) + p into a rounds x (n + 1) array of every seat's person."""
        cells: npt.NDArray[np.int64] = (
            np.arange(self.rounds, dtype=np.int64)[:, None, None] * (self.n + 1) + self.members
        )
        return cells

    def swap_deltas(self, r: int, movers: IntArray, regret: IntArray) -> npt.NDArray[np.int64]:
        """Waste change of swapping each mover with every person of round r (movers x (n + 1)).

        Swaps within one table and with the dummy column are not moves: the caller masks them.
        For a at table A and b at table B the change is
        - (a's waste at A) + (a's conflicts with B without b)
        - (b's waste at B) + (b's conflicts with A without a).
        """
        seats = self.members[r]
        tab = self.table_of[r]
        own_tables = tab[movers]
        knows = self.conflict[movers] >= 1
        join_cost = knows[:, seats].sum(axis=2)
        joined_by = (self.conflict[seats[own_tables]] >= 1).sum(axis=1)
        deltas: npt.NDArray[np.int64] = (
            join_cost[:, tab].astype(np.int64)
            - 2 * knows
            + joined_by
            - regret[None, :]
            - regret[movers][:, None]
        )
        return deltas

    def swap(self, r: int, a: int, b: int) -> None:
        """Exchange the seats of a and b in round r, updating the conflict counts."""
        conflict = self.conflict
        ta, tb = int(self.table_of[r, a]), int(self.table_of[r, b])
        sa, sb = int(self.seat_of[r, a]), int(self.seat_of[r, b])
        table_a = self.members[r, ta]
        table_b = self.members[r, tb]
        others_a = table_a[table_a != a]
        others_b = table_b[table_b != b]
        touched = np.concatenate((others_a, others_b))
        before = self._waste_of(a, touched) + self._waste_of(b, touched)
        conflict[a, others_a] -= 1
        conflict[others_a, a] -= 1
        conflict[b, others_b] -= 1
        conflict[others_b, b] -= 1
        conflict[a, others_b] += 1
        conflict[others_b, a] += 1
        conflict[b, others_a] += 1
        conflict[others_a, b] += 1
        n = self.n
        conflict[n, :] = 0
        conflict[:, n] = 0
        after = self._waste_of(a, touched) + self._waste_of(b, touched)
        self.members[r, ta, sa] = b
        self.members[r, tb, sb] = a
        self.table_of[r, a], self.table_of[r, b] = tb, ta
        self.seat_of[r, a], self.seat_of[r, b] = sb, sa
        self.waste += after - before

    def _waste_of(self, person: int, others: IntArray) -> int:
        """Waste among the pairs (person, other): the part of the total a swap can change."""
        counts = self.conflict[person, others].astype(np.int32) - 1
        return int(np.clip(counts, 0, None).sum())


def by_organisation(organisations: IntArray) -> dict[int, IntArray]:
    """The people of each organisation, as index arrays."""
    order = np.argsort(organisations, kind="stable").astype(np.int32)
    values, starts = np.unique(organisations[order], return_index=True)
    return {int(o): part for o, part in zip(values, np.split(order, starts[1:]), strict=True)}
