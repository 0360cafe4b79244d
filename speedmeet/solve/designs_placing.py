"""Putting the event's people on a design's points so that colleagues never meet.

A template's groups (`Template.groups`) are sets of points that never share a table: an
organisation packed into one group never meets itself. `pack_groups` packs organisations
into groups (best fit, then a bounded exact search); the few that fit no single group are
split point by point over points that never share a table (`place`). Empty seats (`HOLE`)
are placed the same way, so that tables stay balanced.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from speedmeet.solve.designs_carried import IntArray, Template

HOLE = -1
"""An empty seat: the grid has k*T seats and the event may have fewer people."""


def _neighbours(members: IntArray, seats: IntArray, point: int) -> set[int]:
    rounds = seats.shape[0]
    return {int(p) for r in range(rounds) for p in members[r, seats[r, point]]}


def _items(
    organisations: list[int], holes: int, group_size: int | None
) -> list[tuple[int, list[int]]]:
    """What must be seated apart: each organisation's people, and the empty seats (HOLE).

    An organisation larger than a group fills whole groups and keeps the rest as its own item:
    the colleagues it then meets are exactly the ones no layout avoids.
    """
    by_organisation: dict[int, list[int]] = defaultdict(list)
    for person, organisation in enumerate(organisations):
        by_organisation[organisation].append(person)
    items: list[tuple[int, list[int]]] = []
    if holes:
        items.append((HOLE, [HOLE] * holes))
    for organisation, people in by_organisation.items():
        if group_size is not None:
            while len(people) > group_size:
                items.append((organisation, people[:group_size]))
                people = people[group_size:]
        items.append((organisation, people))
    items.sort(key=lambda item: -len(item[1]))
    return items


_PACKING_NODES = 50_000
"""Backtracking budget for packing organisations exactly into the grid's groups."""


def pack_groups(
    sizes: list[int], capacities: list[int], kinds: list[int] | None = None
) -> list[int | None]:
    """A group for each item (sizes in decreasing order), None for items that did not fit.

    Best fit first; when that leaves items over, a bounded backtracking search for an exact
    packing (the items' sizes add up to the seats, so a good packing fills every group).
    With `kinds` (the category of each item, for the stakeholder mix), an item goes first to
    a group holding its category, then to an empty group: groups of one category put one of
    it at every table, which is what an even mix needs.
    """
    if kinds is not None:
        packed = _best_fit(sizes, capacities, kinds)
        if None not in packed:
            return packed
    best_fit = _best_fit(sizes, capacities, None)
    if None not in best_fit:
        return best_fit

    room = list(capacities)
    chosen: list[int] = []
    nodes = 0

    def extend(index: int) -> bool:
        nonlocal nodes
        if index == len(sizes):
            return True
        tried: set[int] = set()
        for g in range(len(room)):
            if room[g] < sizes[index] or room[g] in tried:
                continue
            nodes += 1
            if nodes > _PACKING_NODES:
                return False
            tried.add(room[g])
            room[g] -= sizes[index]
            chosen.append(g)
            if extend(index + 1):
                return True
            chosen.pop()
            room[g] += sizes[index]
        return False

    if extend(0):
        return list(chosen)
    return best_fit


def _best_fit(sizes: list[int], capacities: list[int], kinds: list[int] | None) -> list[int | None]:
    room = list(capacities)
    held: list[set[int]] = [set() for _ in capacities]
    chosen: list[int | None] = []
    for i, size in enumerate(sizes):
        fitting = [g for g in range(len(room)) if room[g] >= size]
        if not fitting:
            chosen.append(None)
            continue
        kind = kinds[i] if kinds is not None else -1
        g = min(fitting, key=lambda index: (_affinity(kind, held[index]), room[index], index))
        room[g] -= size
        if kind >= 0:
            held[g].add(kind)
        chosen.append(g)
    return chosen


def _affinity(kind: int, held: set[int]) -> int:
    """0 for a group holding the item's category (or no category asked), 1 for an empty
    group, 2 for a group of other categories."""
    if kind < 0 or kind in held:
        return 0
    return 1 if not held else 2


_SPLIT_NODES = 20_000
"""Backtracking budget for seating one organisation across several groups."""


def _split(
    people: list[int],
    groups: tuple[IntArray, ...],
    room: list[int],
    free: npt.NDArray[np.bool_],
    neighbours: Callable[[int], set[int]],
) -> list[int] | None:
    """Points for an organisation that fits no single group: free points, within each group's
    room, of which no two share a table. Groups the organisation already uses come first
    (colleagues in one group never meet); `room` is updated for the points taken."""
    chosen: list[int] = []
    chosen_groups: list[int] = []
    blocked: Counter[int] = Counter()
    nodes = 0

    def extend() -> bool:
        nonlocal nodes
        if len(chosen) == len(people):
            return True
        used = set(chosen_groups)
        order = sorted(range(len(groups)), key=lambda index: (index not in used, -room[index]))
        for g in order:
            if room[g] == 0:
                continue
            taken = set(chosen)
            for point in (int(p) for p in groups[g] if free[p]):
                if point in taken or blocked[point]:
                    continue
                nodes += 1
                if nodes > _SPLIT_NODES:
                    return False
                met = neighbours(point)
                chosen.append(point)
                chosen_groups.append(g)
                room[g] -= 1
                blocked.update(met)
                if extend():
                    return True
                blocked.subtract(met)
                room[g] += 1
                chosen.pop()
                chosen_groups.pop()
        return False

    return list(chosen) if extend() else None


def place(
    template: Template,
    rounds: int,
    organisations: list[int],
    holes: int,
    categories: list[int] | None = None,
) -> IntArray | None:
    """occupant[point] = participant index (or HOLE), with every organisation's people and the
    holes on points that never share a table in the first `rounds` rounds; None if not found.

    Organisations go whole into the template's groups where they pack; the few that do not are
    split first, point by point, while every group is still free to choose from, and the whole
    ones then fill what is left of their group.
    """
    seats = template.seats[:rounds]
    independent = template.groups is not None and rounds <= template.rounds
    groups = template.groups if independent and template.groups else (np.arange(template.points),)
    capacities = [len(group) for group in groups]
    items = _items(organisations, holes, capacities[0] if independent else None)
    if any(len(people) > template.tables for _, people in items):
        return None
    sizes = [len(people) for _, people in items]
    kinds = None
    if categories is not None:
        kinds = [
            Counter(categories[p] for p in people).most_common(1)[0][0] if key != HOLE else -1
            for key, people in items
        ]
    bins = pack_groups(sizes, capacities, kinds) if independent else [None] * len(items)
    room = list(capacities)
    for size, g in zip(sizes, bins, strict=True):
        if g is not None:
            room[g] -= size

    occupant = np.full(template.points, HOLE - 1, dtype=np.int64)
    free = np.ones(template.points, dtype=bool)
    members = template.members()[:rounds] if None in bins else None
    for (_, people), g_whole in zip(items, bins, strict=True):
        if g_whole is not None or members is None:
            continue
        points = _split(people, groups, room, free, lambda p: _neighbours(members, seats, p))
        if points is None:
            return None
        occupant[points] = people
        free[points] = False

    open_points = [group[free[group]] for group in groups]
    filled = [0] * len(groups)
    for (_, people), g in zip(items, bins, strict=True):
        if g is None:
            continue
        occupant[open_points[g][filled[g] : filled[g] + len(people)]] = people
        filled[g] += len(people)
    return occupant
