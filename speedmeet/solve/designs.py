"""Perfect plans straight from combinatorial designs, before any search.

Most real events fit a transversal-design "grid": k groups of T seats (T = the number of tables)
and a ring of order T; in round a, the person in group g at position x sits at table
x + t[a][g]. Each table then holds exactly one person of every group, people of the same group
never meet, and two people of different groups meet at most once as long as, for every two
groups, the differences t[a][g2] - t[a][g1] differ from round to round (a "difference array",
found in a product of finite fields or, for few tables, by a search modulo T). Packing each organisation into one group keeps colleagues
apart; seats left empty (n not a multiple of k) are put where they never share a table, so the
tables stay balanced.

Beyond the grid: rounds inside the groups (affine planes and their relatives), the circle method
for one-to-one meetings, and resolvable designs carried as data in `data/*.txt` (each checked
when loaded). `construct` returns a plan only when it reaches the upper bound of
`speedmeet.quality`; otherwise None, and the caller searches.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from math import comb
from pathlib import Path

import numpy as np
import numpy.typing as npt

from speedmeet.quality import upper_bound
from speedmeet.solve.finite_fields import ProductRing
from speedmeet.solve.problem import Instance, Schedule

IntArray = npt.NDArray[np.int64]

_SEARCH_NODES = 20_000
"""Backtracking budget when looking for a difference array beyond the direct field product."""

_PRODUCT_SEARCH_LIMIT = 400
"""Largest table count for which a difference array beyond the direct product is searched."""

_FULL_CHECK_LIMIT = 400_000
"""Largest number of seated pairs whose meetings are counted one by one before a plan is returned."""

HOLE = -1
"""An empty seat: the grid has k*T seats and the event may have fewer people."""


@dataclass(frozen=True)
class Template:
    """A schedule on abstract points: every round seats all points at full tables.

    `seats[r, p]` is the table of point p in round r. `groups` are sets of points that never
    share a table in these rounds (the grid's groups), so an organisation packed into one of
    them never meets itself. `proven` says no two points meet twice, by construction or by a
    check when the template was made.
    """

    name: str
    table_size: int
    seats: IntArray
    groups: tuple[IntArray, ...] | None
    proven: bool
    complete: bool

    @property
    def points(self) -> int:
        return int(self.seats.shape[1])

    @property
    def rounds(self) -> int:
        return int(self.seats.shape[0])

    @property
    def tables(self) -> int:
        return self.points // self.table_size

    def members(self) -> IntArray:
        """rounds x tables x seats: the points at each table of each round."""
        order = np.argsort(self.seats, axis=1, kind="stable")
        return order.reshape(self.rounds, self.tables, self.table_size).astype(np.int64)


# --- difference arrays and the grid ---------------------------------------------------------


def _zero_patterns(ring: ProductRing, elements: list[int]) -> set[int]:
    """Bitmasks of the components where two of `elements` differ (one mask per pair)."""
    split = [ring.split(e) for e in elements]
    masks: set[int] = set()
    for i, first in enumerate(split):
        for second in split[i + 1 :]:
            masks.add(
                sum(1 << c for c, (x, y) in enumerate(zip(first, second, strict=True)) if x != y)
            )
    return masks


def _compatible_values(ring: ProductRing, fixed: list[int], count: int) -> list[int] | None:
    """`count` ring elements whose pairwise differences times every difference of `fixed` are nonzero.

    A product (e)(d) is zero exactly when e and d are never both nonzero in one component, so
    only the components where two values differ matter.
    """
    fixed_masks = _zero_patterns(ring, fixed)

    def compatible(a: int, b: int) -> bool:
        differ = sum(
            1 << c
            for c, (x, y) in enumerate(zip(ring.split(a), ring.split(b), strict=True))
            if x != y
        )
        return all(mask & differ for mask in fixed_masks)

    direct = [ring.embed(i) for i in range(count)]
    if all(compatible(a, b) for i, a in enumerate(direct) for b in direct[i + 1 :]):
        return direct
    if ring.size > _PRODUCT_SEARCH_LIMIT:
        return None

    components = np.array([ring.split(v) for v in range(ring.size)], dtype=np.int64)
    differ = np.zeros((ring.size, ring.size), dtype=np.int64)
    for c in range(components.shape[1]):
        differ |= (components[:, None, c] != components[None, :, c]).astype(np.int64) << c
    allowed_matrix = np.ones((ring.size, ring.size), dtype=bool)
    for mask in fixed_masks:
        allowed_matrix &= (differ & mask) != 0
    allowed = allowed_matrix.tolist()

    chosen: list[int] = []
    nodes = 0

    def extend(candidates: list[int]) -> bool:
        nonlocal nodes
        if len(chosen) == count:
            return True
        for position, value in enumerate(candidates):
            nodes += 1
            if nodes > _SEARCH_NODES or len(candidates) - position < count - len(chosen):
                return False
            chosen.append(value)
            if extend([v for v in candidates[position + 1 :] if allowed[value][v]]):
                return True
            chosen.pop()
        return False

    return list(chosen) if extend(list(range(ring.size))) else None


@dataclass(frozen=True)
class DifferenceArray:
    """Shifts t[round][group] such that, for every two groups, the difference of their shifts
    differs from round to round. `cyclic`: the shifts add modulo the table count; otherwise they
    add in the product of finite fields of that order."""

    tables: int
    shifts: tuple[tuple[int, ...], ...]
    cyclic: bool

    def is_valid(self) -> bool:
        """The property the grid relies on, checked directly rather than trusted."""
        ring = None if self.cyclic else ProductRing(self.tables)
        groups = len(self.shifts[0])
        for g1 in range(groups):
            for g2 in range(g1 + 1, groups):
                if ring is None:
                    differences = {(row[g2] - row[g1]) % self.tables for row in self.shifts}
                else:
                    differences = {ring.sub(row[g2], row[g1]) for row in self.shifts}
                if len(differences) != len(self.shifts):
                    return False
        return True


_CYCLIC_SEARCH_TABLES = 40
"""Search cyclic difference arrays only for this few tables: there the field product often fails."""


@lru_cache(maxsize=256)
def difference_array(
    tables: int, groups: int, rounds: int, search: bool = True
) -> DifferenceArray | None:
    """A difference array for the grid, from a product of finite fields (t[a][g] = alpha_a *
    beta_g), else, when `search` and the tables are few, by backtracking in the integers modulo
    the table count; None when none is found."""
    if rounds == 1:
        return DifferenceArray(tables, (tuple([0] * groups),), cyclic=True)
    if rounds > tables or groups > tables:
        return None
    ring = ProductRing(tables)
    rows: list[int] | None = [ring.embed(a) for a in range(rounds)]
    columns = _compatible_values(ring, rows or [], groups)
    if columns is None:
        columns = [ring.embed(g) for g in range(groups)]
        rows = _compatible_values(ring, columns, rounds)
    if rows is not None and columns is not None:
        found = DifferenceArray(
            tables, tuple(tuple(ring.mul(a, g) for g in columns) for a in rows), cyclic=False
        )
        if found.is_valid():
            return found
    for stored in stored_difference_arrays():
        if (
            stored.tables == tables
            and len(stored.shifts) >= rounds
            and len(stored.shifts[0]) >= groups
        ):
            return DifferenceArray(
                tables, tuple(row[:groups] for row in stored.shifts[:rounds]), cyclic=True
            )
    if search and tables <= _CYCLIC_SEARCH_TABLES:
        shifts = _cyclic_search(tables, groups, rounds)
        if shifts is not None:
            found = DifferenceArray(tables, shifts, cyclic=True)
            if found.is_valid():
                return found
    return None


def _cyclic_search(tables: int, groups: int, rounds: int) -> tuple[tuple[int, ...], ...] | None:
    """Backtracking over shifts modulo `tables`, row 0 and group 0 fixed at zero, and (by
    relabelling groups and rounds) round 1 increasing along the groups and group 1 increasing
    along the rounds."""
    shifts = [[0] * groups for _ in range(rounds)]
    used = [[{0} for _ in range(groups)] for _ in range(groups)]
    cells = [(a, g) for a in range(1, rounds) for g in range(1, groups)]
    nodes = 0

    def extend(index: int) -> bool:
        nonlocal nodes
        if index == len(cells):
            return True
        a, g = cells[index]
        low = 1
        if a == 1 and g > 1:
            low = shifts[1][g - 1] + 1
        if g == 1 and a > 1:
            low = shifts[a - 1][1] + 1
        for value in range(low, tables):
            nodes += 1
            if nodes > _SEARCH_NODES:
                return False
            differences = [(value - shifts[a][h]) % tables for h in range(g)]
            if any(d in used[h][g] for h, d in enumerate(differences)):
                continue
            shifts[a][g] = value
            for h, d in enumerate(differences):
                used[h][g].add(d)
            if extend(index + 1):
                return True
            for h, d in enumerate(differences):
                used[h][g].discard(d)
        shifts[a][g] = 0
        return False

    if not extend(0):
        return None
    return tuple(tuple(row) for row in shifts)


def _digit_matrix(ring: ProductRing) -> tuple[IntArray, IntArray, IntArray]:
    """Mixed-radix digits of every ring element, the radices and the digit weights."""
    radices = np.array(ring.digit_radices(), dtype=np.int64)
    weights = np.cumprod(np.concatenate(([1], radices[:-1]))).astype(np.int64)
    elements = np.arange(ring.size, dtype=np.int64)
    digits = (elements[:, None] // weights[None, :]) % radices[None, :]
    return digits, radices, weights


def grid_template(
    tables: int, table_size: int, rounds: int, search: bool = True
) -> Template | None:
    """The transversal-design grid: group g, position x sits at table x + t[a][g] in round a."""
    array = difference_array(tables, table_size, rounds, search)
    if array is None:
        return None
    seats = np.zeros((rounds, table_size * tables), dtype=np.int64)
    if tables > 1:
        if array.cyclic:
            digits = np.arange(tables, dtype=np.int64)[:, None]
            radices = np.array([tables], dtype=np.int64)
            weights = np.array([1], dtype=np.int64)
        else:
            digits, radices, weights = _digit_matrix(ProductRing(tables))
        for a, row in enumerate(array.shifts):
            for g, shift in enumerate(row):
                moved = ((digits + digits[shift]) % radices) @ weights
                seats[a, g * tables : (g + 1) * tables] = moved
    groups = tuple(
        np.arange(g * tables, (g + 1) * tables, dtype=np.int64) for g in range(table_size)
    )
    return Template(
        name=f"transversal design over a ring of order {tables}",
        table_size=table_size,
        seats=seats,
        groups=groups,
        proven=True,
        complete=tables == 1,  # people of one group never meet
    )


def resolvable_template(points: int, table_size: int, rounds: int) -> Template | None:
    """The grid, then rounds inside its groups (recursively) when the grid alone is too short.

    With points = q^2 and tables of q this is the affine plane AG(2, q): q grid rounds plus one
    round where every group is a table. Returns the template with as many rounds as it can
    reach up to `rounds`.
    """
    if table_size < 2 or points % table_size:
        return None
    tables = points // table_size
    grid = grid_template(tables, table_size, min(rounds, tables))
    if grid is None and tables % table_size == 0:
        # Too many rounds for the grid: as many grid rounds as the field product gives, the
        # rest inside the groups.
        # Inside a group of `tables` people, one person meets at most tables - 1 others.
        inner_most = (tables - 1) // (table_size - 1)
        for grid_rounds in range(min(rounds, tables) - 1, max(0, rounds - inner_most - 1), -1):
            grid = grid_template(tables, table_size, grid_rounds, search=False)
            if grid is not None:
                break
    if grid is None:
        return None
    if grid.rounds >= rounds or tables % table_size or tables == 1:
        return grid
    inner = resolvable_template(tables, table_size, rounds - grid.rounds)
    if inner is None:
        return grid
    inner_tables = tables // table_size
    inside = np.empty((inner.rounds, points), dtype=np.int64)
    for g in range(table_size):
        inside[:, g * tables : (g + 1) * tables] = g * inner_tables + inner.seats
    return Template(
        name=f"{grid.name} with rounds inside its groups",
        table_size=table_size,
        seats=np.concatenate((grid.seats, inside)),
        groups=None,
        proven=inner.proven,
        complete=grid.rounds == tables and inner.complete,
    )


def circle_template(points: int) -> Template | None:
    """Round-robin pairs by the circle method: every pair meets once over points - 1 rounds."""
    if points < 2 or points % 2:
        return None
    ring_size = points - 1
    seats = np.empty((ring_size, points), dtype=np.int64)
    for r in range(ring_size):
        seats[r, points - 1] = 0
        seats[r, r] = 0
        for i in range(1, points // 2):
            seats[r, (r + i) % ring_size] = i
            seats[r, (r - i) % ring_size] = i
    return Template(
        name="round robin (circle method)",
        table_size=2,
        seats=seats,
        groups=None,
        proven=True,
        complete=True,
    )


# --- designs carried as data ----------------------------------------------------------------


def parse_design(text: str, name: str) -> Template:
    """A design written one round per line, tables separated by '|', points by spaces.

    Lines starting with '#' are comments. The design is checked here: every round seats every
    point once at tables of one size, and no two points meet twice.
    """
    rounds: list[list[list[int]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rounds.append([[int(p) for p in table.split()] for table in line.split("|")])
    if not rounds:
        raise ValueError(f"design {name}: no rounds")
    table_size = len(rounds[0][0])
    points = sum(len(t) for t in rounds[0])
    seats = np.full((len(rounds), points), -1, dtype=np.int64)
    met: set[tuple[int, int]] = set()
    for r, tables in enumerate(rounds):
        for t, table in enumerate(tables):
            if len(table) != table_size:
                raise ValueError(
                    f"design {name}: round {r + 1}, table {t + 1} has {len(table)} seats"
                )
            for p in table:
                if not 0 <= p < points or seats[r, p] != -1:
                    raise ValueError(f"design {name}: round {r + 1} seats point {p} wrongly")
                seats[r, p] = t
            for i, a in enumerate(table):
                for b in table[i + 1 :]:
                    pair = (min(a, b), max(a, b))
                    if pair in met:
                        raise ValueError(f"design {name}: points {a} and {b} meet twice")
                    met.add(pair)
    complete = len(met) == comb(points, 2)
    return Template(name, table_size, seats, None, proven=True, complete=complete)


DIFFERENCE_ARRAYS_FILE = "difference-arrays.txt"
"""Cyclic difference arrays the quick searches miss, found offline (benchmarks/make_designs.py)."""


def parse_difference_arrays(text: str) -> tuple[DifferenceArray, ...]:
    """Lines "T groups rounds: row; row; ..." (rows of shifts modulo T), each checked here."""
    arrays = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        shape, rows = line.split(":")
        tables, groups, rounds = (int(x) for x in shape.split())
        shifts = tuple(tuple(int(x) % tables for x in row.split()) for row in rows.split(";"))
        array = DifferenceArray(tables, shifts, cyclic=True)
        if (
            len(shifts) != rounds
            or any(len(row) != groups for row in shifts)
            or not array.is_valid()
        ):
            raise ValueError(f"difference array {shape.strip()}: not a valid array of that shape")
        arrays.append(array)
    return tuple(arrays)


@lru_cache(maxsize=1)
def stored_difference_arrays() -> tuple[DifferenceArray, ...]:
    path = Path(__file__).parent / "data" / DIFFERENCE_ARRAYS_FILE
    return parse_difference_arrays(path.read_text(encoding="utf-8")) if path.exists() else ()


@lru_cache(maxsize=1)
def carried_designs() -> tuple[Template, ...]:
    """The resolvable designs shipped in `speedmeet/solve/data`, checked on loading."""
    folder = Path(__file__).parent / "data"
    return tuple(
        parse_design(entry.read_text(encoding="utf-8"), entry.stem)
        for entry in sorted(folder.glob("*.txt"))
        if entry.name != DIFFERENCE_ARRAYS_FILE
    )


# --- putting the event's people on the template's points -------------------------------------


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


def _schedule(template: Template, rounds: int, occupant: IntArray) -> Schedule:
    """Rounds of tables of participants (holes dropped), larger tables first."""
    members = template.members()
    schedule: Schedule = []
    for r in range(rounds):
        seated = occupant[members[r % template.rounds]].tolist()
        tables = [[p for p in table if p != HOLE] for table in seated]
        tables.sort(key=len, reverse=True)
        schedule.append(tables)
    return schedule


def _new_pairs(schedule: Schedule, organisations: list[int], no_repeats: bool) -> int:
    """Distinct cross-organisation pairs; counted by arithmetic when no pair can meet twice."""
    if no_repeats:
        meetings = same = 0
        for tables in schedule:
            for table in tables:
                meetings += comb(len(table), 2)
                counts: dict[int, int] = defaultdict(int)
                for person in table:
                    counts[organisations[person]] += 1
                same += sum(comb(c, 2) for c in counts.values() if c > 1)
        return meetings - same
    met: set[tuple[int, int]] = set()
    for tables in schedule:
        for table in tables:
            for i, a in enumerate(table):
                for b in table[i + 1 :]:
                    if organisations[a] != organisations[b]:
                        met.add((a, b) if a < b else (b, a))
    return len(met)


def _candidates(points: int, table_size: int, rounds: int) -> list[Template]:
    """Templates that seat `points` at tables of `table_size` for `rounds` rounds, or that
    meet every pair (so that repeating their rounds still reaches the bound)."""
    found: list[Template] = []
    resolvable = resolvable_template(points, table_size, rounds)
    if resolvable is not None:
        found.append(resolvable)
    if table_size == 2:
        circle = circle_template(points)
        if circle is not None:
            found.append(circle)
    for design in carried_designs():
        if design.points == points and design.table_size == table_size:
            found.append(design)
    return [t for t in found if t.rounds >= rounds or t.complete]


def construct(instance: Instance) -> Schedule | None:
    """A perfect schedule from a combinatorial design, or None when no construction applies.

    Perfect means it reaches the upper bound of `speedmeet.quality` for this layout: no repeat
    and no avoidable same-organisation meeting (or everyone meets everyone they can).
    """
    sizes = list(instance.table_sizes)
    n = instance.n
    rounds = instance.rounds
    if not sizes or rounds < 1 or sum(sizes) != n or sizes != sorted(sizes, reverse=True):
        return None
    table_size, tables = sizes[0], len(sizes)
    if table_size < 2 or sizes[-1] < table_size - 1:
        return None
    organisations = list(instance.organisations)
    rules = instance.rules
    categories = list(rules.categories) if rules is not None and rules.categories else None
    points = table_size * tables
    holes = points - n
    bound = upper_bound({i: str(o) for i, o in enumerate(organisations)}, [sizes] * rounds).value

    for template in _candidates(points, table_size, rounds):
        # A design in which everyone meets everyone cannot keep colleagues apart, and need not:
        # it reaches every cross-organisation pair, so any labelling does.
        everyone_meets = template.complete and rounds >= template.rounds
        apart = list(range(n)) if everyone_meets else organisations
        occupant = place(template, min(rounds, template.rounds), apart, holes, categories)
        if occupant is None:
            continue
        schedule = _schedule(template, rounds, occupant)
        if any([len(t) for t in tables] != sizes for tables in schedule):
            continue
        no_repeats = template.proven and rounds <= template.rounds
        seated_pairs = rounds * sum(comb(s, 2) for s in sizes)
        if not no_repeats and seated_pairs > _FULL_CHECK_LIMIT:
            continue
        if _new_pairs(schedule, organisations, no_repeats) == bound:
            return schedule
    return None
