"""A fast first schedule: one round at a time, each person at the table where they know fewest.

Everyone is placed biggest organisation first, so that a large delegation is spread over the
tables before the tables fill up; among equally good tables the emptiest wins (keeping room
for those still to come), then chance (seeded).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from speedmeet.solve.problem import Schedule


def greedy_schedule(
    organisations: Sequence[int], table_sizes: Sequence[int], rounds: int, rng: np.random.Generator
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
    for _ in range(rounds):
        jitter = rng.random(n)
        order = sorted(range(n), key=lambda p: (-org_size[organisations[p]], org[p], jitter[p]))
        table_of = np.full(n, -1, dtype=np.int64)
        load = np.zeros(tables, dtype=np.int64)
        seated: list[list[int]] = [[] for _ in range(tables)]
        for person in order:
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
        for members in seated:
            for person in members:
                met[person].update(members)
                met[person].discard(person)
        schedule.append(seated)
    return schedule
