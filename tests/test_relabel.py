"""Fitting the event's rules to a perfect design by exchanging whole itineraries (`relabel`):
the scores of an exchange match a recount, the design stays perfect, hosts end at their own
tables, and a realistic small event gets every rule through the CLI's own planning path."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from speedmeet.model import EventSettings, Participant
from speedmeet.planning import make_plan
from speedmeet.rules import EventRules, Request
from speedmeet.solve.designs import construct
from speedmeet.solve.designs_placing import pack_groups
from speedmeet.solve.needs import serve_needs
from speedmeet.solve.objective import HARD, PAIR
from speedmeet.solve.problem import Instance, Schedule, SolverRules
from speedmeet.solve.relabel import _Labelling, relabel
from speedmeet.solve.rule_seating import RuleSeating
from speedmeet.validate import rule_report, validate


def design(n: int, table_size: int, rounds: int) -> Schedule:
    """A repeat-free schedule from the design constructions, everyone from their own
    organisation."""
    schedule = construct(Instance(list(range(n)), [table_size] * (n // table_size), rounds))
    assert schedule is not None
    return schedule


def meetings(schedule: Schedule) -> list[tuple[int, int]]:
    return sorted(
        (min(a, b), max(a, b))
        for tables in schedule
        for table in tables
        for a, b in combinations(table, 2)
    )


def test_exchange_scores_match_a_recount() -> None:
    rng = np.random.default_rng(5)
    n, size, rounds = 16, 4, 4
    schedule = design(n, size, rounds)
    organisations = [i // 2 for i in range(n)]  # pairs of colleagues: some meet in the design
    rules = SolverRules(
        already_met=((0, 5),),
        hosts=(3, 9),
        host_tables=(0, 1),
        keep_apart=((6, 7), (1, 12)),
        must_meet=((8, 13), (10, 15)),
        languages=tuple(
            frozenset(rng.choice(["fr", "en", "de"], size=int(rng.integers(0, 3)), replace=False))
            for _ in range(n)
        ),
        categories=tuple(int(c) for c in rng.integers(-1, 3, n)),
        pair_weights=((1, 4, -2), (5, 12, 2), (13, 14, -4)),
        wanted=((1, 15, 4), (2, 12, 4)),
    )
    labelling = _Labelling(organisations, [size] * (n // size), schedule, rules)
    assert not labelling.repeats
    everyone = np.arange(n, dtype=np.int64)
    for a in range(n):
        mates = labelling.tablemates()
        core = labelling.core_deltas(mates, np.array([a]), everyone)[0]
        core += labelling.table_deltas(np.array([a]), everyone)[0]
        soft = labelling.pair_deltas(labelling.soft, mates, np.array([a]), everyone)[0]
        before = (labelling.core_cost(mates), labelling.soft_cost(mates))
        for b in range(n):
            if b == a:
                continue
            labelling.swap(a, b)
            after_mates = labelling.tablemates()
            assert labelling.core_cost(after_mates) - before[0] == core[b], (a, b)
            assert labelling.soft_cost(after_mates) - before[1] == soft[b], (a, b)
            labelling.swap(a, b)
        assert labelling.core_cost(labelling.tablemates()) == before[0]


def test_core_cost_is_the_rule_seating_cost_on_a_repeat_free_schedule() -> None:
    rng = np.random.default_rng(8)
    n, size, rounds = 25, 5, 5
    schedule = design(n, size, rounds)
    organisations = [i // 3 for i in range(n)]
    rules = SolverRules(
        keep_apart=((0, 24), (3, 17)),
        must_meet=((1, 2), (4, 20)),
        languages=tuple(frozenset(rng.choice(["fr", "en"], size=1)) for _ in range(n)),
        categories=tuple(int(c) for c in rng.integers(0, 3, n)),
    )
    labelling = _Labelling(organisations, [size] * 5, schedule, rules)
    seating = RuleSeating(organisations, [size] * 5, schedule, rules)
    assert labelling.core_cost(labelling.tablemates()) == seating.core_cost


def test_relabelling_keeps_the_design_perfect_and_seats_hosts_at_their_tables() -> None:
    n, size, rounds = 36, 4, 5
    schedule = design(n, size, rounds)
    hosts, host_tables = (2, 11, 30), (0, 1, 2)
    categories = tuple(i % 3 for i in range(n))
    rules = SolverRules(hosts=hosts, host_tables=host_tables, categories=categories)
    relabelled = relabel(
        schedule,
        list(range(n)),
        [size] * 9,
        rules,
        np.random.default_rng(1),
        target=0,
    )
    pairs = meetings(relabelled)
    assert len(pairs) == len(set(pairs)) == len(meetings(schedule))  # still no repeat
    for tables in relabelled:
        assert sorted(p for t in tables for p in t) == list(range(n))
        for host, table in zip(hosts, host_tables, strict=True):
            assert host in tables[table]
    seating = RuleSeating(list(range(n)), [size] * 9, relabelled, rules)
    assert seating.mix_excess == 0  # 12 of each category: at most 2 of one at a table of 4


def test_a_schedule_with_a_repeat_is_left_as_it_is() -> None:
    schedule = [[[0, 1], [2, 3]], [[0, 1], [2, 3]]]
    rules = SolverRules(categories=(0, 0, 1, 1))
    assert (
        relabel(schedule, [0, 1, 2, 3], [2, 2], rules, np.random.default_rng(0), target=0)
        == schedule
    )


def test_category_packing_fills_groups_with_one_category() -> None:
    assert pack_groups([3, 3, 3, 3], [6, 6], [0, 1, 0, 1]) == [0, 1, 0, 1]
    assert pack_groups([3, 3, 3, 3], [6, 6], None) == [0, 0, 1, 1]


def test_a_design_sized_event_meets_every_rule_with_no_pair_lost() -> None:
    """60 people, 12 tables of 5, 4 rounds: a perfect design exists; with three languages,
    four sectors, two hosts and requests, every rule is met and no new pair is lost."""
    rng = np.random.default_rng(11)
    sectors = ["NGO", "public authority", "employment body", "academia"]
    participants = []
    for i in range(60):
        spoken = ["fr", "en"] if i % 3 == 0 else (["fr"] if i % 3 == 1 else ["en"])
        participants.append(
            Participant(
                id=f"P{i + 1}",
                name=f"Person {i + 1}",
                organisation=f"Org {i // 2 + 1}",
                languages=spoken,
                role=sectors[int(rng.integers(0, 4))],
                host=i in (4, 33),
            )
        )
    rules = EventRules(
        mix="role",
        requests=[
            Request(kind="keep_apart", first="P7", second="P40"),
            Request(kind="must_meet", first="P10", second="P51"),
        ],
    )
    settings = EventSettings(rounds=4, table_size=5, time_limit=5, seed=2)
    outcome = make_plan(participants, settings, rules=rules)
    assert validate(outcome.plan).ok
    assert all(o.met for o in rule_report(outcome.plan)), rule_report(outcome.plan)
    plain = make_plan(participants, settings)
    assert outcome.result.pairs == plain.result.pairs == outcome.result.bound


def test_weights_keep_their_order() -> None:
    assert HARD > 100 * PAIR


def test_a_person_with_a_need_is_seated_with_a_helper_at_no_cost() -> None:
    schedule = [[[0, 1, 2, 3], [4, 5, 6, 7]], [[0, 4, 2, 6], [1, 5, 3, 7]]]
    organisations = list(range(8))
    for hosts in ((), (0,)):
        rules = SolverRules(
            hosts=hosts, host_tables=(0,) * len(hosts), needs=((0, (5,)), (2, (6, 7)))
        )
        seating = RuleSeating(organisations, [4, 4], schedule, rules)
        before = seating.core_cost
        assert serve_needs(seating, rules.needs, np.random.default_rng(0))
        assert seating.core_cost <= before
        assert any(
            seating.table_of[r, 0] == seating.table_of[r, 5] for r in range(2)
        )  # 0 now meets 5; 2 already met 6 and still does
        assert any(seating.table_of[r, 2] == seating.table_of[r, 6] for r in range(2))
        for r in range(2):
            assert seating.table_of[r, 0] == 0 or not hosts
