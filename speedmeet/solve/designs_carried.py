"""The shapes a design takes here, and the designs carried as data in `data/`.

A `Template` seats abstract points round by round (every construction in `designs` gives
one); a `DifferenceArray` holds the shifts of the transversal-design grid. Resolvable designs
and cyclic difference arrays that the quick constructions miss were made once, offline
(`benchmarks/make_designs.py`), and are written as text in `data/*.txt`: each is parsed and
checked here when first loaded, so that a damaged file fails loudly instead of giving a plan
with repeats.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import comb
from pathlib import Path

import numpy as np
import numpy.typing as npt

from speedmeet.solve.finite_fields import ProductRing

IntArray = npt.NDArray[np.int64]


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
