"""The one objective every search of the solver serves, and the counts that score a schedule.

A plan is better when, in this order (each term weighs more than all lighter ones a single
change of seats can move, so the cost is lexicographic in spirit):

- APART per keep-apart meeting, above everything else;
- HARD per must-meet pair that never meets and per person to move before a table shares a
  language (a graded count, so that the search sees a table getting closer; hard whenever the
  event allows, otherwise as little as possible);
- PAIR per wasted meeting: a repeat, colleagues together, or a pair who met at an earlier event
  (the same as one new cross-organisation pair more: every round holds a fixed number of
  meetings);
- MIX per person beyond their category's even share of a table;
- the pair weights of interests, a few units per meeting, and of offers/needs, a few units
  while the pair has never met (favoured to meet once, not again).

A replan (`solve.replan`) keeps this order and puts one term between the wasted meetings the
change adds and the new pairs: every person who changes table (a badge now wrong), MOVE.
With a preference weight, the organiser trades preferences against new pairs: a preferred pair
is then worth that many new pairs (`weigh_preferences`).

`RuleSeating` (the tabu search) and the CP-SAT models of `exact` and `replan` compute these
terms in their own incremental or linear form; the counts below score a finished schedule the
same way for all of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from speedmeet.solve.problem import Pair

APART = 1_000_000_000
"""Per keep-apart meeting: the one rule a plan is never allowed to break (the validator
refuses it), so it outweighs every other rule together."""
HARD = 1_000_000
PAIR = 1_000
MIX = 100
PREFERENCE = 2
"""Weight of one meeting of a pair sharing interests or offering what the other needs: a swap
touches at most 2 (k - 1) pairs, so preferences never outweigh a mix step or a new pair."""
OFFER = 4
"""Paid while a pair where one offers what the other needs has never met (same reasoning)."""

Tables = Sequence[Sequence[int]]
"""One round: per table, its members."""
Weighted = tuple[tuple[int, int, int], ...]
"""(a, b, weight) per pair."""


def round_pairs(tables: Tables) -> set[Pair]:
    """The pairs sharing a table in one round, the smaller index first."""
    return {(min(a, b), max(a, b)) for members in tables for a, b in combinations(members, 2)}


def meetings(rounds: Iterable[Tables]) -> Counter[Pair]:
    """How often each pair shares a table over these rounds."""
    met: Counter[Pair] = Counter()
    for tables in rounds:
        met.update(round_pairs(tables))
    return met


def new_pairs(
    rounds: Iterable[Tables], organisations: Sequence[int], already_met: Collection[Pair] = ()
) -> int:
    """Distinct cross-organisation pairs sharing a table at least once, leaving out pairs who
    met at an earlier event: what a plan is measured by (a set, not `meetings`' counts: the
    engine scores every start of a 20,000-person event with it)."""
    met: set[Pair] = set()
    for tables in rounds:
        for table in tables:
            seated = sorted(table)
            for i, a in enumerate(seated):
                met.update((a, b) for b in seated[i + 1 :] if organisations[a] != organisations[b])
    return len(met - {(min(a, b), max(a, b)) for a, b in already_met})


@dataclass(frozen=True)
class Preferences:
    """The soft preferences as `SolverRules` carries them (see its fields)."""

    per_meeting: Weighted = ()
    once: Weighted = ()
    weighted: bool = False
    mix_weight: int | None = None


def weigh_preferences(
    shared_interests: Sequence[Pair],
    interests: str | None,
    offered: Sequence[Pair],
    preference_weight: float | None,
    largest_table: int,
) -> Preferences:
    """The objective's weights for pairs sharing an interest (`interests`: "match" favours
    them, "mix" keeps them apart softly, None: not asked) and pairs where one offers what the
    other needs, favoured until they have met once.

    Without a preference weight they come strictly after new pairs (PREFERENCE and OFFER).
    With one, a preferred pair is worth `preference_weight` new pairs (an offer meeting a need
    twice that), shared interests count once per pair like offers, and the mix is raised above
    a new pair and its preference together (`_mix_weight`), so that the weight trades
    preferences against new pairs only."""
    chosen = round(preference_weight * PAIR) if preference_weight is not None else None
    per_meeting: Weighted = ()
    once: Weighted = ()
    if interests is not None:
        if chosen is not None and interests == "match":
            once = tuple((a, b, chosen) for a, b in shared_interests)
        elif chosen is not None:
            per_meeting = tuple((a, b, chosen) for a, b in shared_interests)
        else:
            weight = -PREFERENCE if interests == "match" else PREFERENCE
            per_meeting = tuple((a, b, weight) for a, b in shared_interests)
    each = 2 * chosen if chosen is not None else OFFER
    merged = {(a, b): w for a, b, w in once}
    for pair in offered:
        merged[pair] = merged.get(pair, 0) + each
    once = tuple((a, b, w) for (a, b), w in sorted(merged.items()))
    weighted = preference_weight is not None and bool(per_meeting or once)
    return Preferences(
        per_meeting=per_meeting,
        once=once,
        weighted=weighted,
        mix_weight=_mix_weight(preference_weight, largest_table) if weighted else None,
    )


def _mix_weight(preference_weight: float | None, largest_table: int) -> int:
    """With a preference weight, one person over their category's share outweighs what one
    swap can gain in pairs and preferences (two people, each meeting a table's worth)."""
    return round(PAIR * (1 + (preference_weight or 0.0)) * 2 * largest_table) + 1
