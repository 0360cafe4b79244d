"""The rules that belong to a table, not to a pair: a common language and the stakeholder mix.

`TableTerms` keeps, for every table of every round, how many of each category and how many
speakers of each language sit there, and from those what an exchange of two people would
change. A table's change depends only on the table and on the categories and language
profiles (the set of languages spoken) of the one leaving and the one joining, so it is
kept per table in small arrays (`mix_down`, `mix_up`, `gap_change`) and a whole
movers-by-everyone block of exchanges is scored with a few gathers. The swap search within
a round (`rule_seating`) and the exchange of whole itineraries (`relabel`) both use it.

- language gap: how many people with languages would have to leave a table for the rest to
  share one of the table's allowed languages (those of its hosts, who never leave; any
  language without hosts); 0 exactly when the table has a common language;
- mix excess: people beyond their category's even share of the table (its size times the
  category's share of the event, rounded up).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from speedmeet.solve.problem import SolverRules

IntArray = npt.NDArray[np.int64]


def language_columns(languages: Sequence[frozenset[str]], n: int) -> IntArray:
    """(n + 1) x (languages + 1): 1 where a person speaks a language; the last column is 1 for
    everyone who gave a language (people without any, and the dummy, are ignored by the rule)."""
    names = sorted({language for spoken in languages for language in spoken})
    column = {language: i for i, language in enumerate(names)}
    matrix = np.zeros((n + 1, len(names) + 1), dtype=np.int64)
    for person, spoken in enumerate(languages[:n]):
        for language in spoken:
            matrix[person, column[language]] = 1
        matrix[person, len(names)] = 1 if spoken else 0
    return matrix


def language_gaps(count: IntArray, allowed: IntArray) -> IntArray:
    """Per table (last axis: languages, then speakers), the language gap (module docstring)."""
    spoken = (count[..., :-1] * allowed).max(axis=-1, initial=0)
    gaps: IntArray = count[..., -1] - spoken
    return gaps


class TableTerms:
    """Category and language counts of every table of every round, and exchange changes."""

    def __init__(
        self,
        rounds: int,
        table_sizes: Sequence[int],
        n: int,
        rules: SolverRules,
        allowed: IntArray | None = None,
    ) -> None:
        self.n = n
        self.rounds = rounds
        sizes = np.asarray(table_sizes, dtype=np.int64)
        tables = len(sizes)
        categories = [c for c in rules.categories if c >= 0]
        self.mixing = bool(categories)
        kinds = self.kinds = max(categories) + 1 if categories else 0
        category = np.full(n + 1, kinds, dtype=np.int64)  # the last kind: no category
        for person, c in enumerate(rules.categories[:n]):
            if c >= 0:
                category[person] = c
        self.category = category
        totals = np.bincount(category[:n], minlength=kinds + 1)
        limit = -(-totals[None, :] * sizes[:, None] // max(n, 1))
        limit[:, kinds] = n + 1
        self.mix_limit = limit
        self.speaks = any(rules.languages)
        self.spoken = language_columns(rules.languages, n)
        languages = self.spoken.shape[1] - 1
        self.allowed = (
            allowed if allowed is not None else np.ones((tables, languages), dtype=np.int64)
        )
        profiles, profile = np.unique(self.spoken, axis=0, return_inverse=True)
        self.profiles = profiles
        self.profile = profile.reshape(-1)
        self.mix_count = np.zeros((rounds, tables, kinds + 1), dtype=np.int64)
        self.language_count = np.zeros((rounds, tables, languages + 1), dtype=np.int64)
        self.mix_down = np.zeros((rounds, tables, kinds + 1), dtype=np.int8)
        self.mix_up = np.zeros_like(self.mix_down)
        kept = len(profiles) if self.speaks else 0
        self.gap_change = np.zeros((rounds, tables, kept, kept), dtype=np.int8)

    @property
    def active(self) -> bool:
        return self.mixing or self.speaks

    def retable_all(self, members: npt.NDArray[np.integer]) -> None:
        """Every table of every round from `members` (rounds x tables x width, padded with the
        dummy n)."""
        rounds, tables, _ = members.shape
        cells = np.indices((rounds, tables)).reshape(2, -1)
        self.retable_many(cells[0], cells[1], members.reshape(rounds * tables, -1))

    def retable_many(
        self, rounds: IntArray, tables: IntArray, seated: npt.NDArray[np.integer]
    ) -> None:
        """Tables tables[i] of rounds rounds[i] now seat the people of row i of `seated`
        (padded with the dummy n): their counts and change arrays, all at once."""
        if self.mixing:
            kinds = self.kinds + 1
            real = seated != self.n
            count = np.zeros((len(seated), kinds), dtype=np.int64)
            np.add.at(count, (np.nonzero(real)[0], self.category[seated[real]]), 1)
            self.mix_count[rounds, tables] = count
            limit = self.mix_limit[tables]
            over = np.maximum(count - limit, 0)
            self.mix_down[rounds, tables] = np.maximum(count - 1 - limit, 0) - over
            self.mix_up[rounds, tables] = np.maximum(count + 1 - limit, 0) - over
        if self.speaks:
            count = self.spoken[seated].sum(axis=1)  # the dummy speaks nothing
            self.language_count[rounds, tables] = count
            profiles = self.profiles
            after = (
                count[:, None, None, :] - profiles[None, :, None, :] + profiles[None, None, :, :]
            )
            allowed = self.allowed[tables]
            self.gap_change[rounds, tables] = (
                language_gaps(after, allowed[:, None, None, :])
                - language_gaps(count, allowed)[:, None, None]
            )

    def gaps(self) -> IntArray:
        """Language gap per round and table."""
        if not self.speaks:
            return np.zeros(self.language_count.shape[:2], dtype=np.int64)
        return language_gaps(self.language_count, self.allowed[None])

    def excess(self) -> IntArray:
        """People beyond their category's share, per round, table and category."""
        excess: IntArray = np.maximum(self.mix_count - self.mix_limit[None], 0)
        return excess

    def round_exchange(
        self, r: int, tab: npt.NDArray[np.integer], movers: npt.NDArray[np.integer]
    ) -> tuple[IntArray, IntArray]:
        """Change of the language gaps and of the mix excess when each of `movers` trades
        places in round r with each person (movers x people; `tab` is each person's table in
        round r); 0 where the two share a table. The change at one side's table depends only
        on who leaves it and on the category (or language profile) of who joins, so each
        person's row of it is gathered once and the block is a few gathers of those rows.
        `itinerary_exchange` does the same over several rounds; for one round, masking the
        pairs at one table is cheaper than taking them out one by one as it does (measured:
        72 against 111 us a call at 150 people, four calls a tabu step)."""
        own = tab[movers]
        moving = own[:, None] != tab[None, :]
        languages = np.zeros(moving.shape, dtype=np.int64)
        mix = np.zeros(moving.shape, dtype=np.int64)
        if self.mixing:
            category = self.category
            down, up = self.mix_down[r], self.mix_up[r]  # tables x kinds
            leaving = down[tab, category]  # each person leaving their table
            joined = up[tab]  # someone of each kind joining each person's table
            mine = category[movers]
            mixed = (
                leaving[movers][:, None]
                + joined[movers].take(category, axis=1)
                + leaving[None, :]
                + joined.take(mine, axis=1).T
            )
            mix[:] = np.where(moving & (mine[:, None] != category[None, :]), mixed, 0)
        if self.speaks:
            profile = self.profile
            change = self.gap_change[r][tab, profile]  # each person leaving for each profile
            gapped = change[movers].take(profile, axis=1) + change.take(profile[movers], axis=1).T
            languages[:] = np.where(moving, gapped, 0)
        return languages, mix

    def itinerary_exchange(
        self, table_of: IntArray, movers: IntArray, others: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Change of the language gaps and of the mix excess, summed over the rounds, when each
        of `movers` and each of `others` exchange their seats in every round (movers x
        others; `table_of` is rounds x people, nobody the dummy).

        Per round the change at the mover's table depends on the mover and on the other's
        profile (or category) only, and the same holds the other way, so each side is summed
        over the rounds per person first (people x profiles) and the block is two gathers;
        rounds where the two share a table (no change there) are taken out afterwards."""
        rounds = np.arange(self.rounds, dtype=np.int64)[:, None]
        tables = self.mix_count.shape[1]
        own_cells = rounds * tables + table_of[:, movers]  # rounds x movers
        their_cells = rounds * tables + table_of[:, others]
        same = np.nonzero(own_cells[:, :, None] == their_cells[:, None, :])
        cell = own_cells[same[0], same[1]]  # the shared table of each (round, mover, other)
        a, b = movers[same[1]], others[same[2]]
        shape = (len(movers), len(others))
        languages = np.zeros(shape, dtype=np.int64)
        mix = np.zeros(shape, dtype=np.int64)
        if self.mixing:
            kinds = self.kinds + 1
            down = self.mix_down.reshape(-1, kinds)
            up = self.mix_up.reshape(-1, kinds)
            cat = self.category

            def leaving_joining(cells: IntArray, people: IntArray) -> IntArray:
                """[p, c]: p leaving their tables plus someone of category c joining them."""
                left = down[cells, cat[people][None, :]].sum(axis=0, dtype=np.int64)
                joined = up[cells].sum(axis=0, dtype=np.int64)
                both: IntArray = left[:, None] + joined
                return both

            mine, theirs = cat[movers], cat[others]
            mix += leaving_joining(own_cells, movers)[:, theirs]
            mix += leaving_joining(their_cells, others)[:, mine].T
            shared = down[cell, cat[a]] + up[cell, cat[b]] + down[cell, cat[b]] + up[cell, cat[a]]
            np.subtract.at(mix, (same[1], same[2]), shared.astype(np.int64))
            mix[mine[:, None] == theirs[None, :]] = 0  # same category: no count changes
        if self.speaks:
            count = self.profiles.shape[0]
            gap = self.gap_change.reshape(-1, count, count)
            profile = self.profile

            def leaving(cells: IntArray, people: IntArray) -> IntArray:
                """[p, q]: p leaving their tables for someone of profile q."""
                change: IntArray = gap[cells, profile[people][None, :]].sum(axis=0, dtype=np.int64)
                return change

            languages += leaving(own_cells, movers)[:, profile[others]]
            languages += leaving(their_cells, others)[:, profile[movers]].T
            shared = gap[cell, profile[a], profile[b]] + gap[cell, profile[b], profile[a]]
            np.subtract.at(languages, (same[1], same[2]), shared.astype(np.int64))
        return languages, mix
