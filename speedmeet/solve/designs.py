"""Perfect plans straight from combinatorial designs, before any search.

Most real events fit a transversal-design "grid": k groups of T seats (T = the number of tables)
and a ring of order T; in round a, the person in group g at position x sits at table
x + t[a][g]. Each table then holds exactly one person of every group, people of the same group
never meet, and two people of different groups meet at most once as long as, for every two
groups, the differences t[a][g2] - t[a][g1] differ from round to round (a "difference array",
found in a product of finite fields or, for few tables, by a search modulo T). Packing each
organisation into one group keeps colleagues apart; seats left empty (n not a multiple of k)
are put where they never share a table, so the tables stay balanced (`designs_placing`).

Beyond the grid: rounds inside the groups (affine planes and their relatives), the circle method
for one-to-one meetings, and resolvable designs carried as data in `data/*.txt` (each checked
when loaded: `designs_carried`). `construct` returns a plan only when it reaches the upper
bound of `speedmeet.quality`; otherwise None, and the caller searches.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from math import comb

import numpy as np

from speedmeet.quality import upper_bound
from speedmeet.solve.designs_carried import (
    DifferenceArray,
    IntArray,
    Template,
    carried_designs,
    stored_difference_arrays,
)
from speedmeet.solve.designs_placing import HOLE, place
from speedmeet.solve.finite_fields import ProductRing
from speedmeet.solve.problem import Instance, Schedule

_SEARCH_NODES = 20_000
"""Backtracking budget when looking for a difference array beyond the direct field product."""

_PRODUCT_SEARCH_LIMIT = 400
"""Largest table count for which a difference array beyond the direct product is searched."""

_FULL_CHECK_LIMIT = 400_000
"""Largest number of seated pairs whose meetings are counted one by one before a plan is returned."""

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
