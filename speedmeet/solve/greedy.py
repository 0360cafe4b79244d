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

import numpy as np
import numpy.typing as npt

from speedmeet.solve.problem import Schedule, SolverRules

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
    n = len(organisations)
    org = np.asarray(organisations, dtype=np.int64)
    sizes = np.asarray(table_sizes, dtype=np.int64)
    tables = len(table_sizes)
    org_size = Counter(organisations)
    colleagues: dict[int, list[int]] = {}
    for person, o in enumerate(organisations):
        colleagues.setdefault(o, []).append(person)
    met: list[set[int]] = [set() for _ in range(n)]
    apart: list[list[int]] = [[] for _ in range(n)]
    hosts: dict[int, int] = {}
    languages: list[frozenset[str]] = [frozenset()] * n
    kinds: list[int] = [-1] * n
    limit = np.zeros((tables, 1), dtype=np.int64)
    if rules is not None:
        for a, b in rules.already_met:
            met[a].add(b)
            met[b].add(a)
        for a, b in rules.keep_apart:
            apart[a].append(b)
            apart[b].append(a)
        hosts = dict(zip(rules.hosts, rules.host_tables, strict=True))
        languages = list(rules.languages) or languages
        kinds = list(rules.categories) or kinds
        totals = np.bincount([k for k in kinds if k >= 0], minlength=1)
        limit = -(-totals[None, :] * sizes[:, None] // max(n, 1))
    schedule: Schedule = []
    stopped = False
    for r in range(rounds):
        if stopped or should_stop():
            stopped = True
            schedule.append(dealt_round(organisations, table_sizes, r))
            continue
        jitter = rng.random(n)
        order = sorted(
            range(n),
            key=lambda p: (p not in hosts, -org_size[organisations[p]], org[p], jitter[p]),
        )
        table_of = np.full(n, -1, dtype=np.int64)
        load = np.zeros(tables, dtype=np.int64)
        seated: list[list[int]] = [[] for _ in range(tables)]
        shared: list[set[str] | None] = [None] * tables
        mix = np.zeros_like(limit)
        for placed, person in enumerate(order):
            if placed % CHECK_EVERY == CHECK_EVERY - 1 and should_stop():
                stopped = True
                break
            known = list(met[person]) + colleagues[organisations[person]]
            cost = np.zeros(tables, dtype=np.float64)
            if known:
                where = table_of[np.asarray(known, dtype=np.int64)]
                where = where[where >= 0]
                if where.size:
                    cost += np.bincount(where, minlength=tables)
            cost += 0.5 * load / sizes + 0.01 * rng.random(tables)
            if rules is not None:
                cost += _rule_costs(person, table_of, apart, languages, shared, kinds, mix, limit)
            cost[load >= sizes] = np.inf
            host_table = hosts.get(person, -1)
            table = host_table if host_table >= 0 and load[host_table] < sizes[host_table] else -1
            table = table if table >= 0 else int(np.argmin(cost))
            table_of[person] = table
            load[table] += 1
            seated[table].append(person)
            if languages[person]:
                so_far = shared[table]
                shared[table] = (
                    set(languages[person]) if so_far is None else so_far & languages[person]
                )
            if kinds[person] >= 0:
                mix[table, kinds[person]] += 1
        if stopped:
            schedule.append(dealt_round(organisations, table_sizes, r))
            continue
        for members in seated:
            for person in members:
                met[person].update(members)
                met[person].discard(person)
        schedule.append(seated)
    return schedule


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
