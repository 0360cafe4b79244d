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

from speedmeet.solve.problem import Schedule

CHECK_EVERY = 512
"""People seated between two looks at the clock and the organiser's stop."""


def greedy_schedule(
    organisations: Sequence[int],
    table_sizes: Sequence[int],
    rounds: int,
    rng: np.random.Generator,
    should_stop: Callable[[], bool] = lambda: False,
) -> Schedule:
    """A schedule built round by round, each seat chosen to add as little waste as it can."""
    n = len(organisations)
    org = np.asarray(organisations, dtype=np.int64)
    sizes = np.asarray(table_sizes, dtype=np.int64)
    tables = len(table_sizes)
    org_size = Counter(organisations)
    colleagues: dict[int, list[int]] = {}
    for person, o in enumerate(organisations):
        colleagues.setdefault(o, []).append(person)
    met: list[set[int]] = [set() for _ in range(n)]
    schedule: Schedule = []
    stopped = False
    for r in range(rounds):
        if stopped or should_stop():
            stopped = True
            schedule.append(dealt_round(organisations, table_sizes, r))
            continue
        jitter = rng.random(n)
        order = sorted(range(n), key=lambda p: (-org_size[organisations[p]], org[p], jitter[p]))
        table_of = np.full(n, -1, dtype=np.int64)
        load = np.zeros(tables, dtype=np.int64)
        seated: list[list[int]] = [[] for _ in range(tables)]
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
            cost[load >= sizes] = np.inf
            table = int(np.argmin(cost))
            table_of[person] = table
            load[table] += 1
            seated[table].append(person)
        if stopped:
            schedule.append(dealt_round(organisations, table_sizes, r))
            continue
        for members in seated:
            for person in members:
                met[person].update(members)
                met[person].discard(person)
        schedule.append(seated)
    return schedule


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
