"""Make the resolvable designs carried in speedmeet/solve/data (run once; the files are committed).

    python benchmarks/make_designs.py [--only NAME]

Each design is built here, not copied: the lines of the projective spaces PG(3,2) and PG(3,3)
and the Hermitian unital in PG(2,9) come from finite-field arithmetic, and CP-SAT sorts their
lines into rounds (`split_into_rounds`); the 10-round schedule for 32 people is built directly
(`golfers_32_in_10_rounds`); the 8-round schedule for 18 people is searched with CP-SAT,
every round kept whole by swapping the two halves of the people (`seat_halves`); those CP-SAT
helpers live beside this script (`designs_split.py`), not in the runtime package.
`speedmeet.solve.designs_carried.parse_design` re-checks every file on loading.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

from designs_split import (
    Block,
    cyclic_difference_array,
    seat_halves,
    split_into_rounds,
)

from speedmeet.solve.designs_carried import (
    DIFFERENCE_ARRAYS_FILE,
    parse_design,
    parse_difference_arrays,
)
from speedmeet.solve.finite_fields import GaloisField, galois_field

DATA = Path(__file__).resolve().parent.parent / "speedmeet" / "solve" / "data"


def _normalised(field: GaloisField, vector: tuple[int, ...]) -> tuple[int, ...]:
    """The representative of a projective point whose first nonzero coordinate is 1."""
    lead = next(x for x in vector if x)
    inverse = next(y for y in range(1, field.q) if field.mul(lead, y) == 1)
    return tuple(field.mul(x, inverse) for x in vector)


def _projective_points(field: GaloisField, dimension: int) -> list[tuple[int, ...]]:
    vectors = itertools.product(range(field.q), repeat=dimension + 1)
    return sorted({_normalised(field, v) for v in vectors if any(v)})


def _line_through(
    field: GaloisField, a: tuple[int, ...], b: tuple[int, ...]
) -> frozenset[tuple[int, ...]]:
    points = {a}
    for s in range(field.q):
        points.add(
            _normalised(
                field, tuple(field.add(field.mul(s, x), y) for x, y in zip(a, b, strict=True))
            )
        )
    return frozenset(points)


def projective_space_lines(q: int, dimension: int = 3) -> tuple[int, list[Block]]:
    """Points and lines of PG(dimension, q): every two points lie on exactly one line."""
    field = galois_field(q)
    points = _projective_points(field, dimension)
    index = {p: i for i, p in enumerate(points)}
    lines = {_line_through(field, a, b) for a, b in itertools.combinations(points, 2)}
    blocks = sorted(tuple(sorted(index[p] for p in line)) for line in lines)
    return len(points), blocks


def hermitian_unital(q: int) -> tuple[int, list[Block]]:
    """The q^3 + 1 points of x^(q+1) + y^(q+1) + z^(q+1) = 0 in PG(2, q^2), blocks its secants."""
    field = galois_field(q * q)

    def norm(x: int) -> int:
        result = 1
        for _ in range(q + 1):
            result = field.mul(result, x)
        return result

    points = [
        p
        for p in _projective_points(field, 2)
        if field.add(field.add(norm(p[0]), norm(p[1])), norm(p[2])) == 0
    ]
    index = {p: i for i, p in enumerate(points)}
    on_curve = set(points)
    blocks = set()
    for a, b in itertools.combinations(points, 2):
        secant = _line_through(field, a, b) & on_curve
        blocks.add(tuple(sorted(index[p] for p in secant)))
    return len(points), sorted(blocks)


def golfers_32_in_10_rounds() -> list[list[Block]]:
    """32 people at 8 tables of 4 for 10 rounds, no pair twice (each person misses one other).

    People are (group g in 0..3, x in GF(8)), person 8g + x; beta = (0, 1, a, a^2) with
    1 + a + a^2 != 0. Six rounds are the GF(8) grid (table of s in round r: (g, r*beta_g + s))
    for r != 0, 1; the two left-out grid differences of groups g, h, namely {0, beta_g + beta_h}
    shifted, are met in three rounds that each pair two groups ({0,1|2,3}, {0,2|1,3}, {0,3|1,2}):
    tables {(g, x), (g, x + d), (h, x), (h, x + d)} with d = beta_g + beta_h; the last round
    splits each group g into the two cosets of H_g = {0} + the sums of two of its three d's,
    which holds none of them.
    """
    field = galois_field(8)
    alpha = next(a for a in range(2, 8) if field.add(field.add(1, a), field.mul(a, a)) != 0)
    beta = [0, 1, alpha, field.mul(alpha, alpha)]

    def person(g: int, x: int) -> int:
        return 8 * g + x

    rounds: list[list[Block]] = []
    for r in range(2, 8):
        rounds.append(
            [
                tuple(person(g, field.add(field.mul(r, beta[g]), s)) for g in range(4))
                for s in range(8)
            ]
        )
    for pairing in (((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))):
        tables: list[Block] = []
        for g, h in pairing:
            d = field.add(beta[g], beta[h])
            for x in range(8):
                if x < field.add(x, d):
                    tables.append(
                        (
                            person(g, x),
                            person(g, field.add(x, d)),
                            person(h, x),
                            person(h, field.add(x, d)),
                        )
                    )
        rounds.append(tables)
    cosets: list[Block] = []
    for g in range(4):
        met_inside = [field.add(beta[g], beta[h]) for h in range(4) if h != g]
        first, second, third = met_inside
        subgroup = [0, field.add(first, second), field.add(first, third), field.add(second, third)]
        other = next(x for x in range(8) if x not in subgroup)
        cosets.append(tuple(person(g, x) for x in subgroup))
        cosets.append(tuple(person(g, field.add(x, other)) for x in subgroup))
    rounds.append(cosets)
    return rounds


def _write(name: str, title: str, rounds: list[list[Block]]) -> bool:
    lines = [
        f"# {title}",
        "# made by benchmarks/make_designs.py; checked by speedmeet.solve.designs_carried",
    ]
    lines += [" | ".join(" ".join(str(p) for p in table) for table in tables) for tables in rounds]
    text = "\n".join(lines) + "\n"
    parse_design(text, name)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / f"{name}.txt").write_text(text, encoding="utf-8")
    return True


def _from_blocks(name: str, title: str, design: tuple[int, list[Block]]) -> bool:
    points, blocks = design
    rounds = split_into_rounds(blocks, points, time_limit=600)
    if rounds is None:
        return False
    _write(name, title, rounds)
    return True


DESIGNS: dict[str, Callable[[], bool]] = {
    "kirkman-15-3-7": lambda: _from_blocks(
        "kirkman-15-3-7",
        "Kirkman's 15 schoolgirls: lines of PG(3,2) in 7 rounds of 5 tables of 3",
        projective_space_lines(2),
    ),
    "unital-28-4-9": lambda: _from_blocks(
        "unital-28-4-9",
        "Hermitian unital of order 3: 28 people, 9 rounds of 7 tables of 4, everyone meets everyone",
        hermitian_unital(3),
    ),
    "pg33-40-4-13": lambda: _from_blocks(
        "pg33-40-4-13",
        "Lines of PG(3,3): 40 people, 13 rounds of 10 tables of 4, everyone meets everyone",
        projective_space_lines(3),
    ),
    "golfers-32-4-10": lambda: _write(
        "golfers-32-4-10",
        "32 people, 10 rounds of 8 tables of 4: six GF(8) grid rounds, three paired-group rounds, one coset round",
        golfers_32_in_10_rounds(),
    ),
    "golfers-18-3-8": lambda: _searched(
        "golfers-18-3-8",
        "18 people, 8 rounds of 6 tables of 3 (everyone meets 16 of 17), found by CP-SAT",
        seat_halves(18, 3, 8),
    ),
    "difference-arrays": lambda: difference_arrays(),
}


DIFFERENCE_ARRAYS = [
    (10, 8, 6),
    (10, 7, 7),
    (10, 6, 8),
    (10, 8, 7),
    (12, 8, 7),
    (12, 7, 8),
    (12, 6, 9),
]
"""(tables, groups, rounds) where neither the field product nor the quick cyclic search of
`designs.difference_array` finds an array: searched here once with CP-SAT, 60 s each."""


def difference_arrays() -> bool:
    lines = [
        "# Difference arrays modulo the table count: t[round][group], rounds separated by ';'.",
        "# made by benchmarks/make_designs.py (CP-SAT); checked by speedmeet.solve.designs_carried",
    ]
    for tables, groups, rounds in DIFFERENCE_ARRAYS:
        shifts = cyclic_difference_array(tables, groups, rounds)
        print(
            f"  {tables} tables, {groups} groups, {rounds} rounds: {'found' if shifts else 'not found'}"
        )
        if shifts is not None:
            rows = "; ".join(" ".join(str(t) for t in row) for row in shifts)
            lines.append(f"{tables} {groups} {rounds}: {rows}")
    text = "\n".join(lines) + "\n"
    parse_difference_arrays(text)
    (DATA / DIFFERENCE_ARRAYS_FILE).write_text(text, encoding="utf-8")
    return True


def _searched(name: str, title: str, rounds: list[list[Block]] | None) -> bool:
    return rounds is not None and _write(name, title, rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(DESIGNS))
    arguments = parser.parse_args()
    for name, make in DESIGNS.items():
        if arguments.only and name != arguments.only:
            continue
        started = time.perf_counter()
        made = make()
        print(
            f"{name}: {'written' if made else 'NOT FOUND'} in {time.perf_counter() - started:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
