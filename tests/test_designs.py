"""Design constructions: every plan they give is perfect for its event and passes the validator."""

from __future__ import annotations

import random
from collections import Counter
from math import comb

import pytest

from speedmeet.model import EventSettings, Participant, Plan, Round, Table, table_sizes
from speedmeet.quality import upper_bound
from speedmeet.solve.designs import (
    circle_template,
    construct,
    difference_array,
    resolvable_template,
)
from speedmeet.solve.designs_carried import (
    carried_designs,
    parse_design,
    parse_difference_arrays,
    stored_difference_arrays,
)
from speedmeet.solve.designs_placing import pack_groups
from speedmeet.solve.finite_fields import ProductRing, galois_field
from speedmeet.solve.problem import Instance, Schedule
from speedmeet.validate import validate


def event_organisations(people: int, seed: int, largest: int = 8) -> list[int]:
    """Organisations of 1..largest people (mostly small), as a registration list would have."""
    rng = random.Random(seed)
    organisations: list[int] = []
    organisation = 0
    while len(organisations) < people:
        size = min(
            rng.choice([s for s in (1, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8) if s <= largest]),
            people - len(organisations),
        )
        organisations += [organisation] * size
        organisation += 1
    return organisations


def singletons(people: int) -> list[int]:
    return list(range(people))


def build_plan(schedule: Schedule, organisations: list[int], table_size: int) -> Plan:
    participants = [
        Participant(id=f"P{i + 1}", name=f"Person {i + 1}", organisation=f"Organisation {o}")
        for i, o in enumerate(organisations)
    ]
    rounds = [
        Round(
            round=r + 1,
            tables=[
                Table(table=str(t + 1), participants=[f"P{i + 1}" for i in table])
                for t, table in enumerate(tables)
            ],
        )
        for r, tables in enumerate(schedule)
    ]
    return Plan(
        settings=EventSettings(rounds=len(schedule), table_size=table_size),
        participants=participants,
        rounds=rounds,
    )


def assert_perfect(organisations: list[int], table_size: int, rounds: int) -> Schedule:
    """Construct, then check the plan as a user relies on it: seated once per round at the
    requested table sizes, validated, and at the upper bound with no avoidable meeting."""
    sizes = table_sizes(len(organisations), table_size)
    schedule = construct(Instance(organisations=organisations, table_sizes=sizes, rounds=rounds))
    assert schedule is not None
    assert len(schedule) == rounds
    for tables in schedule:
        assert [len(t) for t in tables] == sizes
        assert sorted(p for t in tables for p in t) == list(range(len(organisations)))
    report = validate(build_plan(schedule, organisations, table_size))
    assert report.ok, report.violations
    quality = report.quality
    assert quality is not None
    bound = upper_bound({i: str(o) for i, o in enumerate(organisations)}, [sizes] * rounds)
    assert quality.bound.value == bound.value
    assert quality.new_pairs == bound.value
    assert quality.perfect
    if bound.value == bound.table_capacity:
        assert quality.repeats == 0
        assert quality.same_organisation == bound.unavoidable_same_organisation
    return schedule


@pytest.mark.parametrize(
    ("people", "table_size", "rounds"),
    [
        (15, 3, 7),  # Kirkman's schoolgirls (PG(3,2) lines)
        (16, 4, 5),  # affine plane AG(2,4)
        (25, 5, 6),  # AG(2,5)
        (49, 7, 8),  # AG(2,7)
        (64, 8, 9),  # AG(2,8)
        (28, 4, 9),  # Hermitian unital
        (32, 4, 9),  # GF(8) grid + a round inside the groups
        (32, 4, 10),  # the carried 10-round schedule
        (36, 4, 8),  # GF(9) grid
        (40, 4, 13),  # PG(3,3) lines
        (18, 3, 8),  # the carried 8-round schedule: everyone meets 16 of 17
        (40, 2, 39),  # round robin
        (64, 4, 21),  # GF(16) grid + AG(2,4) inside every group: everyone meets everyone
    ],
)
def test_golfer_designs_are_perfect(people: int, table_size: int, rounds: int) -> None:
    schedule = assert_perfect(singletons(people), table_size, rounds)
    met = {frozenset(pair) for tables in schedule for table in tables for pair in _pairs(table)}
    assert len(met) == rounds * (people // table_size) * comb(table_size, 2)


def _pairs(table: list[int]) -> list[tuple[int, int]]:
    return [(a, b) for i, a in enumerate(table) for b in table[i + 1 :]]


@pytest.mark.parametrize(
    ("people", "table_size", "rounds", "seed"),
    [
        (70, 5, 4, 1),  # the Geneva event: 70 people, about 40 organisations
        (22, 4, 5, 2),  # 22 people: tables of 4 and 3 (cyclic difference array over Z6)
        (61, 7, 5, 3),  # organisations that do not pack into the groups: one is split
        (150, 6, 25, 4),  # 25 rounds over GF(25)
        (233, 8, 8, 5),
        (377, 3, 8, 6),
        (500, 7, 8, 7),
        (2000, 8, 5, 8),
    ],
)
def test_realistic_events_are_perfect(people: int, table_size: int, rounds: int, seed: int) -> None:
    organisations = event_organisations(people, seed)
    schedule = assert_perfect(organisations, table_size, rounds)
    if max(Counter(organisations).values()) > len(schedule[0]):
        return  # some colleagues must share a table: assert_perfect checked it is only the unavoidable
    for tables in schedule:
        for table in tables:
            assert len({organisations[p] for p in table}) == len(table)


def test_six_delegations_of_ten_never_meet_a_colleague_nor_anyone_twice() -> None:
    # 60 people, 6 delegations of 10, tables of 6, 6 rounds: each delegation is one group of a
    # 6-round cyclic difference array over Z10, so each person meets 30 new people.
    organisations = [d for d in range(6) for _ in range(10)]
    schedule = assert_perfect(organisations, 6, 6)
    for tables in schedule:
        for table in tables:
            assert sorted(organisations[p] for p in table) == list(range(6))


def test_one_to_one_meetings_keep_colleagues_apart() -> None:
    organisations = event_organisations(40, 9, largest=3)
    assert max(Counter(organisations).values()) == 3
    assert_perfect(organisations, 2, 15)


def test_an_organisation_larger_than_the_tables_meets_itself_only_as_often_as_unavoidable() -> None:
    # 40 people, tables of 4 -> 10 tables; 12 colleagues put 2 tables per round with a pair of
    # them: 2 x 5 rounds = 10 unavoidable meetings, so the best is 300 - 10 = 290 new pairs.
    organisations = [0] * 12 + list(range(1, 29))
    schedule = assert_perfect(organisations, 4, 5)
    same = sum(
        1
        for tables in schedule
        for table in tables
        for a, b in _pairs(table)
        if organisations[a] == organisations[b]
    )
    assert same == 10


@pytest.mark.parametrize(
    ("people", "table_size", "rounds", "largest"),
    [
        (15, 3, 5, 2),  # Kirkman's design, colleagues put on points that never meet in 5 rounds
        (40, 4, 10, 3),  # PG(3,3) lines with organisations
        (28, 4, 6, 2),  # unital with organisations
        (39, 4, 13, 1),  # PG(3,3) with one empty seat: one table of 3 each round
        (18, 3, 8, 2),  # colleagues in pairs: each pair on the two people who never meet
    ],
)
def test_carried_designs_are_relabelled_to_the_event(
    people: int, table_size: int, rounds: int, largest: int
) -> None:
    assert_perfect(
        event_organisations(people, people + rounds, largest=largest), table_size, rounds
    )


def test_more_rounds_than_a_complete_design_still_reach_everyone() -> None:
    # AG(2,4) meets every pair in 5 rounds; rounds 6 and 7 can only repeat, and the bound is
    # "everyone meets everyone".
    assert_perfect(singletons(16), 4, 7)


def test_a_complete_design_with_colleagues_meets_every_other_organisation() -> None:
    # Kirkman's design meets every pair in 7 rounds, so colleagues cannot be kept apart; the
    # bound is every cross-organisation pair, and the 8th round repeats the first.
    organisations = [0, 0, 1, 1, 1, *range(2, 12)]
    schedule = assert_perfect(organisations, 3, 8)
    assert schedule[7] == schedule[0]


@pytest.mark.parametrize(
    ("organisations", "table_size", "rounds"),
    [
        (singletons(36), 6, 5),  # would need 3 mutually orthogonal Latin squares of order 6
        (singletons(15), 5, 3),  # 3 tables of 5: round 2 cannot avoid repeats
    ],
)
def test_no_construction_gives_none(organisations: list[int], table_size: int, rounds: int) -> None:
    sizes = table_sizes(len(organisations), table_size)
    assert (
        construct(Instance(organisations=organisations, table_sizes=sizes, rounds=rounds)) is None
    )


def test_construction_is_deterministic() -> None:
    organisations = event_organisations(123, 11)
    instance = Instance(organisations=organisations, table_sizes=table_sizes(123, 5), rounds=6)
    assert construct(instance) == construct(instance)


def test_large_event_is_built_without_repeats() -> None:
    organisations = event_organisations(5000, 12)
    sizes = table_sizes(5000, 8)
    schedule = construct(Instance(organisations=organisations, table_sizes=sizes, rounds=6))
    assert schedule is not None
    met: set[int] = set()
    for tables in schedule:
        assert [len(t) for t in tables] == sizes
        assert sorted(p for t in tables for p in t) == list(range(5000))
        for table in tables:
            for a, b in _pairs(table):
                assert organisations[a] != organisations[b]
                key = min(a, b) * 5000 + max(a, b)
                assert key not in met
                met.add(key)


@pytest.mark.parametrize("q", [2, 3, 4, 5, 7, 8, 9, 16, 25, 27, 49])
def test_finite_fields_obey_the_field_laws(q: int) -> None:
    field = galois_field(q)
    rng = random.Random(q)
    for _ in range(300):
        a, b, c = (rng.randrange(q) for _ in range(3))
        assert field.mul(a, field.add(b, c)) == field.add(field.mul(a, b), field.mul(a, c))
        assert field.sub(field.add(a, b), b) == a
    for a in range(1, q):
        assert sum(1 for b in range(1, q) if field.mul(a, b) == 1) == 1


@pytest.mark.parametrize(
    ("tables", "groups", "rounds"),
    [(14, 5, 4), (16, 4, 16), (6, 4, 5), (10, 3, 5), (250, 8, 5), (2500, 8, 6), (24, 6, 8)],
)
def test_difference_arrays_separate_every_two_groups(tables: int, groups: int, rounds: int) -> None:
    array = difference_array(tables, groups, rounds)
    assert array is not None
    ring = None if array.cyclic else ProductRing(tables)
    for g1 in range(groups):
        for g2 in range(g1 + 1, groups):
            if ring is None:
                differences = {(row[g2] - row[g1]) % tables for row in array.shifts}
            else:
                differences = {ring.sub(row[g2], row[g1]) for row in array.shifts}
            assert len(differences) == rounds


def test_affine_plane_meets_every_pair_once() -> None:
    template = resolvable_template(25, 5, 6)
    assert template is not None and template.complete and template.rounds == 6
    circle = circle_template(10)
    assert circle is not None and circle.complete and circle.rounds == 9


def test_carried_designs_are_checked_and_complete_where_promised() -> None:
    shapes = {(d.points, d.table_size, d.rounds, d.complete) for d in carried_designs()}
    assert {
        (15, 3, 7, True),
        (18, 3, 8, False),
        (28, 4, 9, True),
        (32, 4, 10, False),
        (40, 4, 13, True),
    } <= shapes


def test_a_design_where_a_pair_meets_twice_is_rejected() -> None:
    with pytest.raises(ValueError, match="meet twice"):
        parse_design("0 1 | 2 3\n0 1 | 2 3\n", "repeats")
    with pytest.raises(ValueError, match="seats point"):
        parse_design("0 1 | 1 3\n", "seated twice")


def test_organisations_pack_exactly_when_best_fit_does_not() -> None:
    # Best fit puts 5 with 4 and strands 3+3+3 (groups of 9); the exact packing is 5+4 | 3+3+3.
    sizes = [5, 4, 3, 3, 3]
    bins = pack_groups(sizes, [9, 9])
    assert None not in bins
    load: Counter[int] = Counter()
    for size, group in zip(sizes, bins, strict=True):
        assert group is not None
        load[group] += size
    assert sorted(load.values()) == [9, 9]


def test_stored_difference_arrays_are_checked_and_used() -> None:
    arrays = stored_difference_arrays()
    assert arrays, "benchmarks/make_designs.py writes data/difference-arrays.txt"
    for array in arrays:
        assert array.is_valid()
    widest = max(arrays, key=lambda array: len(array.shifts[0]) * len(array.shifts))
    tables, groups, rounds = widest.tables, len(widest.shifts[0]), len(widest.shifts)
    assert difference_array(tables, groups, rounds) is not None
    # An event whose grid needs that array: tables * groups people, seated perfectly.
    assert_perfect(event_organisations(tables * groups, 21, largest=3), groups, rounds)
    with pytest.raises(ValueError, match="not a valid array"):
        parse_difference_arrays("4 3 2: 0 0 0; 0 1 1\n")
