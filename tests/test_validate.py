"""The validator: every rule on a tiny plan, and the quality figures of PRODUCT.md."""

from __future__ import annotations

import pydantic
import pytest

from speedmeet.model import Participant, Table
from speedmeet.quality import upper_bound
from speedmeet.rules import EventRules
from speedmeet.validate import Violation, validate
from tests.conftest import affine_plane_3, make_participants, plan_from_schedule


def rules(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_affine_plane_is_perfect(nine_singletons: list[Participant]) -> None:
    # 9 people from 9 organisations, tables of 3, 4 rounds: C(9,2) = 36 pairs, all met once.
    report = validate(plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3))
    assert report.ok, report.violations
    assert report.quality is not None
    assert report.quality.new_pairs == 36
    assert report.quality.bound.value == 36
    assert report.quality.repeats == 0
    assert report.quality.same_organisation == 0
    assert report.quality.perfect


def test_repeats_and_same_organisation_are_counted() -> None:
    # 4 people, A1 and A2 of one organisation; the same two tables twice:
    # pairs {A1,A2} (same org, twice) and {B,C} (cross, met twice -> one repeat).
    people = make_participants(["A", "A", "B", "C"])
    plan = plan_from_schedule(people, [[[0, 1], [2, 3]], [[0, 1], [2, 3]]], table_size=2)
    report = validate(plan)
    assert report.ok
    assert report.quality is not None
    assert report.quality.new_pairs == 1
    assert report.quality.repeats == 1
    assert report.quality.same_organisation == 2


def test_person_twice_in_a_round(nine_singletons: list[Participant]) -> None:
    schedule = affine_plane_3()
    schedule[1][0][0] = schedule[1][1][0]
    report = validate(plan_from_schedule(nine_singletons, schedule, table_size=3))
    assert "seated-once" in rules(report.violations)
    assert report.quality is None


def test_unknown_id_and_missing_person(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    plan.rounds[0].tables[0].participants[0] = "NOBODY"
    found = rules(validate(plan).violations)
    assert {"unknown-participant", "seated-once"} <= found


def test_unbalanced_and_oversized_tables(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, [[[0, 1, 2, 3, 4], [5, 6], [7, 8]]], table_size=3)
    found = rules(validate(plan).violations)
    assert {"balanced-tables", "table-size"} <= found


def test_too_many_tables_for_the_people() -> None:
    people = make_participants(["A", "B", "C", "D"])
    plan = plan_from_schedule(people, [[[0, 1], [2, 3]]], table_size=4)
    assert "table-count" in rules(validate(plan).violations)


def test_round_count_must_match_settings(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    plan.settings.rounds = 5
    assert "round-count" in rules(validate(plan).violations)


def test_absent_person_must_not_be_seated(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    plan.participants[0].last_round = 2
    found = validate(plan).violations
    assert any(v.rule == "absent-seated" and "round 3" in v.message for v in found)


def test_empty_table_and_duplicate_table_names(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    plan.rounds[0].tables.append(Table(table="1", participants=[]))
    found = rules(validate(plan).violations)
    assert {"empty-table", "table-name-unique"} <= found


def test_bound_with_an_organisation_larger_than_the_tables() -> None:
    # 40 people, one organisation of 12 and 28 singletons, 10 tables of 4, 5 rounds.
    # Each round the 12 must share 10 tables: 2 tables hold two colleagues -> 2 wasted pairs,
    # so 5 x (10 x 6 - 2) = 290, below the naive 300; 10 same-organisation meetings unavoidable.
    organisation_of = {i: ("Big" if i < 12 else f"O{i}") for i in range(40)}
    bound = upper_bound(organisation_of, [[4] * 10] * 5)
    assert bound.value == 290
    assert bound.unavoidable_same_organisation == 10
    assert (
        "10 same-organisation meetings are unavoidable: Big has 12 people for 10 tables"
        in bound.reasons
    )


def test_bound_limited_by_what_each_person_can_meet() -> None:
    # 10 singletons, tables of 2 (5 tables), 3 rounds: each meets at most 3 people -> 15 pairs,
    # which is also the capacity 3 x 5; all pairs (45) are far away.
    organisation_of = {i: f"O{i}" for i in range(10)}
    bound = upper_bound(organisation_of, [[2] * 5] * 3)
    assert (bound.value, bound.all_cross_pairs, bound.per_person, bound.table_capacity) == (
        15,
        45,
        15,
        15,
    )


def test_bound_when_everyone_can_meet_everyone() -> None:
    # 6 people, organisations A A B B C C, tables of 3, many rounds: 15 pairs minus 3 same-org.
    organisation_of = dict(enumerate("AABBCC"))
    assert upper_bound(organisation_of, [[3, 3]] * 10).value == 12


def test_round_numbers_must_be_in_order(nine_singletons: list[Participant]) -> None:
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    raw = plan.model_dump()
    raw["rounds"][0]["round"] = 2
    with pytest.raises(pydantic.ValidationError, match="rounds must be numbered"):
        type(plan).model_validate(raw)


def test_pairs_met_at_an_earlier_event_are_not_new(nine_singletons: list[Participant]) -> None:
    # The affine plane seats all 36 pairs once. If P1-P2 and P1-P4 met at an earlier event,
    # only 34 pairs are new, the best possible is 34, and meeting them again is a repeat.
    plan = plan_from_schedule(nine_singletons, affine_plane_3(), table_size=3)
    plan.rules = EventRules(history=[("P1", "P2"), ("P4", "P1")])
    report = validate(plan)
    assert report.ok, report.violations
    assert report.quality is not None
    assert report.quality.new_pairs == 34
    assert report.quality.bound.value == 34
    assert report.quality.bound.all_cross_pairs == 34
    assert report.quality.repeats == 2
