"""The event's own rules: the solver follows them, the validator checks them, the report says how
well they were met. Tiny events where the right answer is known; every plan is validated."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedmeet.errors import SettingsError
from speedmeet.layout import table_layout
from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.planning import PlanOutcome, make_plan
from speedmeet.rules import EventRules, Request, TableSpec
from speedmeet.solve.greedy import greedy_schedule
from speedmeet.solve.problem import SolverRules
from speedmeet.solve.rule_seating import RuleSeating, pin_hosts
from speedmeet.validate import RuleOutcome, rule_report, rule_violations, validate


def people(count: int, **fields: dict[int, object]) -> list[Participant]:
    """Participants P1..Pn, each from their own organisation unless `organisation` says."""
    result = []
    for i in range(count):
        extra = {name: values[i] for name, values in fields.items() if i in values}
        extra.setdefault("organisation", f"Org {i + 1}")
        result.append(Participant(id=f"P{i + 1}", name=f"Person {i + 1}", **extra))
    return result


def plan_for(
    participants: list[Participant], rules: EventRules, *, rounds: int, table_size: int
) -> PlanOutcome:
    outcome = make_plan(
        participants,
        EventSettings(rounds=rounds, table_size=table_size, time_limit=1, seed=1),
        rules=rules,
    )
    report = validate(outcome.plan)
    assert report.ok, report.violations
    assert outcome.plan.rules == rules
    return outcome


def outcome_of(plan: Plan, rule: str) -> RuleOutcome:
    found = [o for o in rule_report(plan) if o.rule == rule]
    assert len(found) == 1, rule_report(plan)
    return found[0]


def tables_of(plan: Plan) -> list[tuple[int, str, list[str]]]:
    return [(r.round, t.table, t.participants) for r in plan.rounds for t in r.tables]


def met_pairs(plan: Plan) -> Counter[frozenset[str]]:
    together: Counter[frozenset[str]] = Counter()
    for _, _, seated in tables_of(plan):
        for a, b in combinations(seated, 2):
            together[frozenset((a, b))] += 1
    return together


def test_hosts_keep_their_table_and_never_share_one() -> None:
    participants = people(8, host={0: True, 1: True})
    plan = plan_for(participants, EventRules(), rounds=3, table_size=4).plan
    seating = plan.seating()
    assert len(set(seating["P1"])) == 1 and len(set(seating["P2"])) == 1
    assert seating["P1"][0] != seating["P2"][0]
    # the others still bring each host new people: not the same three every round
    for host in ("P1", "P2"):
        partners = {p for pair in met_pairs(plan) if host in pair for p in pair} - {host}
        assert len(partners) >= 5
    assert outcome_of(plan, "hosts").met


def test_keep_apart_never_meet_and_must_meet_do() -> None:
    participants = people(12)
    rules = EventRules(
        requests=[
            Request(kind="keep_apart", first="P1", second="P2"),
            Request(kind="keep_apart", first="P3", second="P4"),
            Request(kind="must_meet", first="P5", second="P6"),
            Request(kind="must_meet", first="P7", second="P8"),
        ]
    )
    plan = plan_for(participants, rules, rounds=2, table_size=3).plan
    together = met_pairs(plan)
    assert together[frozenset(("P1", "P2"))] == 0
    assert together[frozenset(("P3", "P4"))] == 0
    assert together[frozenset(("P5", "P6"))] >= 1
    assert together[frozenset(("P7", "P8"))] >= 1
    assert outcome_of(plan, "keep apart").met
    assert outcome_of(plan, "must meet").met


def test_impossible_must_meet_is_reported_with_its_reason() -> None:
    participants = people(8, host={0: True, 1: True})
    rules = EventRules(
        requests=[
            Request(kind="must_meet", first="P1", second="P2"),
            Request(kind="must_meet", first="P3", second="P4"),
            Request(kind="keep_apart", first="P3", second="P4"),
        ]
    )
    plan = plan_for(participants, rules, rounds=3, table_size=4).plan
    must = outcome_of(plan, "must meet")
    assert must.met
    assert "both are hosts" in must.detail and "also to be kept apart" in must.detail
    assert met_pairs(plan)[frozenset(("P3", "P4"))] == 0


def test_a_common_language_at_every_table_when_one_is_possible() -> None:
    spoken = {i: ["fr"] for i in range(4)} | {i: ["en"] for i in range(4, 8)}
    spoken |= {i: ["fr", "en"] for i in range(8, 12)}
    participants = people(12, languages=spoken)  # type: ignore[arg-type]
    plan = plan_for(participants, EventRules(), rounds=3, table_size=4).plan
    by_id = plan.participant_by_id()
    for _, _, seated in tables_of(plan):
        shared = set.intersection(*(set(by_id[p].languages) for p in seated))
        assert shared, seated
    assert outcome_of(plan, "common language").met


def test_a_language_nobody_else_speaks_is_named() -> None:
    spoken = {i: ["en"] for i in range(7)} | {7: ["ti"]}
    plan = plan_for(
        people(8, languages=spoken),  # type: ignore[arg-type]
        EventRules(),
        rounds=2,
        table_size=4,
    ).plan
    language = outcome_of(plan, "common language")
    assert "2 tables without a common language" in language.detail
    assert "too few others speak their language to fill a table: Person 8 speaks Tigrinya" in (
        language.detail
    )
    assert language.met  # as far as possible: the numbers make it impossible


def test_history_pairs_are_not_met_again_and_the_bound_drops() -> None:
    participants = people(9)
    settings_ = EventSettings(rounds=2, table_size=3, time_limit=1, seed=1)
    plain = make_plan(participants, settings_)
    history = [("P1", "P2"), ("P1", "P3"), ("P4", "P5"), ("P6", "P9")]
    rules = EventRules(history=history)
    outcome = plan_for(participants, rules, rounds=2, table_size=3)
    together = met_pairs(outcome.plan)
    assert all(together[frozenset(pair)] == 0 for pair in history)
    assert outcome.result.bound == plain.result.bound  # 18 new pairs still fit in 36 - 4
    tight = plan_for(
        participants,
        EventRules(history=[(a.id, b.id) for a, b in combinations(participants[:5], 2)]),
        rounds=4,
        table_size=3,
    )
    # 36 cross pairs, 10 met before: at most 26 new, fewer than the 36 of 4 rounds x 9 pairs
    assert tight.result.bound == 26
    assert tight.result.pairs <= 26
    assert outcome_of(outcome.plan, "history").met


def test_a_must_meet_pair_who_met_before_meets_again_without_breaking_history() -> None:
    """The organiser asks P1 and P2 to meet although they met at an earlier event: the request
    wins, and the history rule names that meeting as asked instead of calling itself broken."""
    history = [("P1", "P2"), ("P3", "P4")]
    rules = EventRules(
        history=history, requests=[Request(kind="must_meet", first="P1", second="P2")]
    )
    plan = plan_for(people(9), rules, rounds=2, table_size=3).plan
    together = met_pairs(plan)
    assert together[frozenset(("P1", "P2"))] == 1
    assert together[frozenset(("P3", "P4"))] == 0
    outcome = outcome_of(plan, "history")
    assert outcome.met
    assert (
        outcome.detail
        == "none of the 2 pairs who met before meet again, save 1 must-meet pair (as asked)"
    )


def test_mix_spreads_four_ngos_over_four_tables() -> None:
    roles = {i: ("NGO" if i < 4 else "authority" if i < 10 else "employer") for i in range(16)}
    plan = plan_for(
        people(16, role=roles),  # type: ignore[arg-type]
        EventRules(mix="role"),
        rounds=3,
        table_size=4,
    ).plan
    by_id = plan.participant_by_id()
    for _, _, seated in tables_of(plan):
        assert sum(1 for p in seated if by_id[p].role == "NGO") == 1
        assert sum(1 for p in seated if by_id[p].role == "authority") <= 2
    assert outcome_of(plan, "stakeholder mix").met


def test_tables_sheet_names_and_capacities() -> None:
    tables = [
        TableSpec(name="Salle A", capacity=6),
        TableSpec(name="Terrace", capacity=4),
        TableSpec(name="Salon", capacity=4, accessible=True),
    ]
    settings_ = EventSettings(rounds=2, table_size=5)
    assert table_layout(13, settings_, EventRules(tables=tables)) == [
        ("Salle A", 5),
        ("Terrace", 4),
        ("Salon", 4),
    ]
    assert table_layout(14, settings_, EventRules(tables=tables)) == [
        ("Salle A", 6),
        ("Terrace", 4),
        ("Salon", 4),
    ]
    participants = people(14, host={0: True})
    plan = plan_for(participants, EventRules(tables=tables), rounds=3, table_size=5).plan
    for round_ in plan.rounds:
        assert sorted((t.table, len(t.participants)) for t in round_.tables) == [
            ("Salle A", 6),
            ("Salon", 4),
            ("Terrace", 4),
        ]
    assert set(plan.seating()["P1"]) == {"Salon"}  # the host gets the accessible table
    assert outcome_of(plan, "tables").met
    with pytest.raises(SettingsError, match=r"sheet 'Tables'.*seat 14 people but 15"):
        make_plan(people(15), settings_, rules=EventRules(tables=tables))


def test_validator_names_hard_rule_breaks() -> None:
    participants = people(8, host={0: True})
    rules = EventRules(
        tables=[TableSpec(name="A", capacity=4), TableSpec(name="B", capacity=4)],
        requests=[Request(kind="keep_apart", first="P2", second="P3")],
    )
    plan = Plan(
        settings=EventSettings(rounds=2, table_size=4),
        participants=participants,
        rules=rules,
        rounds=[
            Round(
                round=1,
                tables=[
                    Table(table="A", participants=["P1", "P2", "P3", "P4"]),
                    Table(table="B", participants=["P5", "P6", "P7", "P8"]),
                ],
            ),
            Round(
                round=2,
                tables=[
                    Table(table="A", participants=["P2", "P5", "P6", "P7", "P8"]),
                    Table(table="B", participants=["P1", "P3", "P4"]),
                ],
            ),
        ],
    )
    labels = {v.rule for v in rule_violations(plan)}
    assert labels == {"host-fixed", "keep-apart", "table-capacity", "balanced-tables"}
    assert labels <= {v.rule for v in validate(plan).violations}


def test_rule_aware_swap_scores_match_a_recount() -> None:
    rng = np.random.default_rng(3)
    n, sizes, rounds = 16, [4, 4, 4, 4], 3
    organisations = [int(o) for o in rng.integers(0, 8, n)]
    spoken = ["fr", "en", "de"]
    rules = SolverRules(
        already_met=((0, 1), (2, 5)),
        hosts=(3,),
        host_tables=(0,),
        keep_apart=((6, 7),),
        must_meet=((8, 9), (10, 11)),
        languages=tuple(
            frozenset(rng.choice(spoken, size=int(rng.integers(0, 3)), replace=False))
            for _ in range(n)
        ),
        categories=tuple(int(c) for c in rng.integers(-1, 3, n)),
        pair_weights=((1, 4, -2), (5, 12, 2), (13, 14, -4)),
        wanted=((1, 15, 4), (2, 12, 4)),
    )
    schedule = pin_hosts(greedy_schedule(organisations, sizes, rounds, rng), (3,), (0,))

    def seated(schedule: list[list[list[int]]]) -> RuleSeating:
        seating = RuleSeating(organisations, sizes, schedule, rules)
        seating.prefer()  # soft preferences scored too
        return seating

    seating = seated(schedule)
    for r in range(rounds):
        regret = seating.all_regret()
        deltas = seating.swap_deltas(r, np.arange(n, dtype=np.int32), regret[r])
        for a in range(n):
            for b in range(n):
                ta, tb = seating.table_of[r, a], seating.table_of[r, b]
                if ta == tb:
                    continue
                swapped = seating.schedule()
                swapped[r][ta][swapped[r][ta].index(a)] = b
                swapped[r][tb][swapped[r][tb].index(b)] = a
                recount = seated(swapped).cost
                assert recount - seating.cost == deltas[a, b]
        a, b = 0, int(np.flatnonzero(seating.table_of[r, :n] != seating.table_of[r, 0])[0])
        seating.swap(r, a, b)
        assert seating.cost == seated(seating.schedule()).cost


@st.composite
def events(draw: st.DrawFn) -> tuple[list[Participant], EventRules, int, int]:
    n = draw(st.integers(6, 14))
    table_size = draw(st.integers(2, 4))
    rounds = draw(st.integers(1, 3))
    ids = [f"P{i + 1}" for i in range(n)]
    participants = [
        Participant(
            id=ids[i],
            name=f"Person {i + 1}",
            organisation=f"Org {draw(st.integers(1, max(2, n // 2)))}",
            languages=draw(st.lists(st.sampled_from(["fr", "en", "ar"]), max_size=2, unique=True)),
            role=draw(st.sampled_from([None, "NGO", "authority"])),
            interests=draw(st.lists(st.sampled_from(["housing", "jobs"]), max_size=1)),
            host=draw(st.booleans()) and i < 2,
        )
        for i in range(n)
    ]
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
    requests = [
        Request(kind=draw(st.sampled_from(["must_meet", "keep_apart"])), first=a, second=b)
        for a, b in draw(st.lists(pair, max_size=4))
    ]
    tables = draw(
        st.lists(st.integers(2, 6), min_size=0, max_size=6).filter(lambda caps: sum(caps) >= n)
        | st.just([])
    )
    rules = EventRules(
        mix=draw(st.sampled_from([None, "role"])),
        interests=draw(st.sampled_from(["off", "match", "mix"])),
        requests=requests,
        history=draw(st.lists(pair, max_size=4)),
        tables=[TableSpec(name=f"T{i}", capacity=c) for i, c in enumerate(tables)],
    )
    return participants, rules, rounds, table_size


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_rules_never_make_an_invalid_plan(
    event: tuple[list[Participant], EventRules, int, int],
) -> None:
    participants, rules, rounds, table_size = event
    try:
        outcome = make_plan(
            participants,
            EventSettings(rounds=rounds, table_size=table_size, time_limit=0.5),
            rules=rules,
        )
    except SettingsError:
        return
    report = validate(outcome.plan)
    assert report.ok, report.violations
    assert not rule_violations(outcome.plan)
    for host in (p.id for p in participants if p.host):
        assert len(set(outcome.plan.seating()[host])) == 1


def test_keep_apart_requests_that_cannot_all_hold_name_the_requests_sheet() -> None:
    rules = EventRules(
        requests=[
            Request(kind="keep_apart", first="P1", second="P2"),
            Request(kind="keep_apart", first="P1", second="P3"),
            Request(kind="keep_apart", first="P2", second="P3"),
        ]
    )
    with pytest.raises(SettingsError, match=r"sheet 'Requests'.*keep-apart requests cannot"):
        make_plan(people(4), EventSettings(rounds=1, table_size=2, time_limit=1), rules=rules)


def test_the_same_seed_gives_the_same_plan_with_rules() -> None:
    spoken = {i: (["fr"] if i % 3 else ["fr", "en"]) for i in range(15)}
    participants = people(15, languages=spoken, host={0: True})  # type: ignore[arg-type]
    rules = EventRules(
        interests="match", requests=[Request(kind="must_meet", first="P2", second="P9")]
    )
    first = plan_for(participants, rules, rounds=3, table_size=5).plan
    second = plan_for(participants, rules, rounds=3, table_size=5).plan
    assert first.rounds == second.rounds


def test_hosts_at_different_tables_lower_the_bound() -> None:
    plain = make_plan(people(8), EventSettings(rounds=3, table_size=4, time_limit=1))
    hosted = plan_for(people(8, host={0: True, 1: True}), EventRules(), rounds=3, table_size=4)
    assert hosted.result.bound == plain.result.bound - 1


def test_offers_meet_needs_and_shared_interests_meet() -> None:
    participants = people(
        12,
        offers={0: ["Legal aid"], 1: ["housing"]},
        needs={6: ["legal aid"], 7: ["Housing"], 8: ["legal aid"]},
        interests={2: ["jobs"], 9: ["jobs"], 3: ["health"], 10: ["health"]},
    )
    plan = plan_for(participants, EventRules(interests="match"), rounds=2, table_size=4).plan
    together = met_pairs(plan)
    for pair in (("P1", "P7"), ("P2", "P8"), ("P1", "P9"), ("P3", "P10"), ("P4", "P11")):
        assert together[frozenset(pair)] >= 1, pair
    assert outcome_of(plan, "offers and needs").detail == (
        "3 of 3 people with a need meet someone offering it"
    )
    assert outcome_of(plan, "interests").met


def test_an_even_mix_reached_through_a_plan_one_pair_short_keeps_every_new_pair() -> None:
    """24 people at tables of 4 for 4 rounds, sectors A/B/C in uneven shares: with the mix
    weighed below a new pair the search stopped with a table over its share; the plan meets
    the mix and still reaches every possible new pair (the search may give one up on the way
    and must win it back)."""
    organisations = [4, 6, 3, 7, 0, 6, 10, 11, 4, 3, 10, 3, 0, 4, 4, 5, 10, 2, 11, 9, 4, 0, 3, 9]
    sectors = "ACCBAABAAAABAABCAACCBBAA"
    participants = people(
        24,
        organisation={i: f"Org {o}" for i, o in enumerate(organisations)},
        role=dict(enumerate(sectors)),
    )
    outcome = plan_for(participants, EventRules(mix="role"), rounds=4, table_size=4)
    assert outcome_of(outcome.plan, "stakeholder mix").met
    assert outcome.result.pairs == outcome.result.bound


def test_a_need_nobody_offering_it_can_sit_with_is_reported_impossible_not_missed() -> None:
    """P1 needs legal aid and only P2 offers it, but they share no language: with the common
    language rule they never share a table, and the report says why instead of "not met"."""
    participants = people(
        8,
        languages={0: ["fr"], 1: ["de"], **{i: ["fr", "de"] for i in range(2, 8)}},
        offers={1: ["legal aid"], 3: ["housing"]},
        needs={0: ["legal aid"], 4: ["housing"]},
    )
    plan = plan_for(participants, EventRules(), rounds=2, table_size=4).plan
    assert met_pairs(plan)[frozenset(("P1", "P2"))] == 0
    offers = outcome_of(plan, "offers and needs")
    assert offers.met
    assert offers.detail == (
        "1 of 2 people with a need meet someone offering it; "
        "impossible: P1 and P2 (they share no language)"
    )


def test_a_preference_weight_trades_new_pairs_for_shared_interests() -> None:
    """P1 and P2 are colleagues and the only two sharing an interest: without a weight new
    pairs come first and they sit apart; worth 2 new pairs, their meeting beats the one new
    pair it costs; worth half a pair, it does not."""
    participants = people(
        8, organisation={0: "Org A", 1: "Org A"}, interests={0: ["jobs"], 1: ["Jobs"]}
    )

    def together(weight: float | None) -> bool:
        rules = EventRules(interests="match", preference_weight=weight)
        outcome = plan_for(participants, rules, rounds=1, table_size=4)
        met = met_pairs(outcome.plan)[frozenset(("P1", "P2"))] > 0
        assert outcome.result.pairs == (11 if met else 12)
        return met

    assert not together(None)
    assert not together(0.5)
    assert together(2)


def test_a_preference_weight_serves_a_need_at_the_cost_of_a_colleague_meeting() -> None:
    participants = people(
        8,
        organisation={0: "Org A", 1: "Org A"},
        offers={0: ["legal aid"]},
        needs={1: ["legal aid"]},
    )
    plain = plan_for(participants, EventRules(), rounds=1, table_size=4).plan
    weighted = plan_for(participants, EventRules(preference_weight=3), rounds=1, table_size=4).plan
    assert met_pairs(plain)[frozenset(("P1", "P2"))] == 0
    assert met_pairs(weighted)[frozenset(("P1", "P2"))] == 1
    assert outcome_of(weighted, "offers and needs").met
