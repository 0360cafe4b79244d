"""A fast first schedule: one round at a time, each person at the table where they know fewest.

Everyone is placed biggest organisation first, so that a large delegation is spread over the
tables before the tables fill up; among equally good tables the emptiest wins (keeping room
for those still to come), then chance (seeded).

When the time runs out (or the organiser stops) part-way, the rounds not built yet are dealt
out by a fixed rotation (`dealt_round`), so that a valid schedule always comes back at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from speedmeet.solve.problem import Schedule, SolverRules

IntArray = npt.NDArray[np.int64]

CHECK_EVERY = 512
"""People seated between two looks at the clock and the organiser's stop."""

APART_COST = 1000.0
LANGUAGE_COST = 100.0
MIX_COST = 20.0
"""With the event's rules, what a seat costs beyond the people already known there: a
keep-apart partner, no language shared with the table so far, one more of a category already
at its even share. Hosts are seated first, at their own tables."""


def greedy_schedule(
    organisations: Sequence[int],
    table_sizes: Sequence[int],
    rounds: int,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] = lambda: False,
    rules: SolverRules | None = None,
) -> Schedule:
    """A schedule built round by round, each seat chosen to add as little waste as it can
    (and, with the event's rules, to keep them: see `APART_COST`)."""
    event = _Event.of(organisations, table_sizes, rules)
    schedule: Schedule = []
    stopped = False
    for r in range(rounds):
        seated = None if stopped or should_stop() else _greedy_round(event, rng, should_stop)
        if seated is None:
            stopped = True
            schedule.append(dealt_round(organisations, table_sizes, r))
            continue
        for members in seated:
            for person in members:
                event.met[person].update(members)
                event.met[person].discard(person)
        schedule.append(seated)
    return schedule


@dataclass
class _Event:
    """What the greedy knows of the event: organisations, who met whom (at an earlier event
    or in the rounds built so far), and with rules who is kept apart, who hosts which table,
    who speaks what, and each table's even share of every category (`limit`)."""

    organisations: Sequence[int]
    org: IntArray
    sizes: IntArray
    org_size: Counter[int]
    colleagues: dict[int, list[int]]
    met: list[set[int]]
    apart: list[list[int]]
    hosts: dict[int, int]
    languages: list[frozenset[str]]
    kinds: list[int]
    limit: IntArray
    with_rules: bool

    @classmethod
    def of(
        cls, organisations: Sequence[int], table_sizes: Sequence[int], rules: SolverRules | None
    ) -> _Event:
        n = len(organisations)
        sizes = np.asarray(table_sizes, dtype=np.int64)
        colleagues: dict[int, list[int]] = {}
        for person, o in enumerate(organisations):
            colleagues.setdefault(o, []).append(person)
        event = cls(
            organisations,
            np.asarray(organisations, dtype=np.int64),
            sizes,
            Counter(organisations),
            colleagues,
            met=[set() for _ in range(n)],
            apart=[[] for _ in range(n)],
            hosts={},
            languages=[frozenset()] * n,
            kinds=[-1] * n,
            limit=np.zeros((len(table_sizes), 1), dtype=np.int64),
            with_rules=rules is not None,
        )
        if rules is not None:
            for a, b in rules.already_met:
                event.met[a].add(b)
                event.met[b].add(a)
            for a, b in rules.keep_apart:
                event.apart[a].append(b)
                event.apart[b].append(a)
            event.hosts = dict(zip(rules.hosts, rules.host_tables, strict=True))
            event.languages = list(rules.languages) or event.languages
            event.kinds = list(rules.categories) or event.kinds
            totals = np.bincount([k for k in event.kinds if k >= 0], minlength=1)
            event.limit = -(-totals[None, :] * sizes[:, None] // max(n, 1))
        return event


class _Round:
    """One round as it fills: each person's table, the tables' loads and people, the
    languages each table still shares, and its count of each category."""

    def __init__(self, n: int, tables: int, limit: IntArray) -> None:
        self.table_of = np.full(n, -1, dtype=np.int64)
        self.load = np.zeros(tables, dtype=np.int64)
        self.seated: list[list[int]] = [[] for _ in range(tables)]
        self.shared: list[set[str] | None] = [None] * tables
        self.mix = np.zeros_like(limit)

    def seat(self, person: int, table: int, spoken: frozenset[str], kind: int) -> None:
        self.table_of[person] = table
        self.load[table] += 1
        self.seated[table].append(person)
        if spoken:
            so_far = self.shared[table]
            self.shared[table] = set(spoken) if so_far is None else so_far & spoken
        if kind >= 0:
            self.mix[table, kind] += 1


def _greedy_round(
    event: _Event, rng: np.random.Generator, should_stop: Callable[[], bool]
) -> list[list[int]] | None:
    """One round, hosts first, then the biggest organisations first; None when told to stop
    part-way."""
    n = len(event.organisations)
    jitter = rng.random(n)
    order = sorted(
        range(n),
        key=lambda p: (
            p not in event.hosts,
            -event.org_size[event.organisations[p]],
            event.org[p],
            jitter[p],
        ),
    )
    seats = _Round(n, len(event.sizes), event.limit)
    for placed, person in enumerate(order):
        if placed % CHECK_EVERY == CHECK_EVERY - 1 and should_stop():
            return None
        table = _table_for(event, seats, person, rng)
        seats.seat(person, table, event.languages[person], event.kinds[person])
    return seats.seated


def _table_for(event: _Event, seats: _Round, person: int, rng: np.random.Generator) -> int:
    """The host's own table, else the table where the person knows fewest (and, with rules,
    breaks least), the emptiest among equals, then chance."""
    tables = len(event.sizes)
    known = list(event.met[person]) + event.colleagues[event.organisations[person]]
    cost = np.zeros(tables, dtype=np.float64)
    if known:
        where = seats.table_of[np.asarray(known, dtype=np.int64)]
        where = where[where >= 0]
        if where.size:
            cost += np.bincount(where, minlength=tables)
    cost += 0.5 * seats.load / event.sizes + 0.01 * rng.random(tables)
    if event.with_rules:
        cost += _rule_costs(
            person,
            seats.table_of,
            event.apart,
            event.languages,
            seats.shared,
            event.kinds,
            seats.mix,
            event.limit,
        )
    cost[seats.load >= event.sizes] = np.inf
    host_table = event.hosts.get(person, -1)
    if host_table >= 0 and seats.load[host_table] < event.sizes[host_table]:
        return host_table
    return int(np.argmin(cost))


def _rule_costs(
    person: int,
    table_of: npt.NDArray[np.int64],
    apart: list[list[int]],
    languages: Sequence[frozenset[str]],
    shared: list[set[str] | None],
    kinds: Sequence[int],
    mix: npt.NDArray[np.int64],
    limit: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """What each table would cost `person` under the rules (see `APART_COST`)."""
    tables = len(shared)
    cost = np.zeros(tables, dtype=np.float64)
    if apart[person]:
        where = table_of[np.asarray(apart[person], dtype=np.int64)]
        where = where[where >= 0]
        if where.size:
            cost += APART_COST * np.bincount(where, minlength=tables)
    spoken = languages[person]
    if spoken:
        cost += LANGUAGE_COST * np.array(
            [so_far is not None and not (so_far & spoken) for so_far in shared]
        )
    kind = kinds[person]
    if kind >= 0:
        cost += MIX_COST * (mix[:, kind] >= limit[:, kind])
    return cost


def dealt_round(
    organisations: Sequence[int], table_sizes: Sequence[int], round_index: int
) -> list[list[int]]:
    """Round r dealt out instantly: people in organisation order go round the tables, row q of
    the deal shifted by r * q tables, so that colleagues sit apart and rounds differ.

    Full rows of the deal give every table one person each; the last, partial row fills the
    first tables, which are the larger ones: the sizes always match `table_sizes`.
    """
    tables = len(table_sizes)
    order = sorted(range(len(organisations)), key=lambda p: (organisations[p], p))
    seated: list[list[int]] = [[] for _ in range(tables)]
    full = tables * (len(order) // tables)
    for i, person in enumerate(order):
        row, column = divmod(i, tables)
        table = (column + round_index * row) % tables if i < full else column
        seated[table].append(person)
    return seated
