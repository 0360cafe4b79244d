"""The solver on tiny events whose optimum is worked out by hand, and its promises to the CLI:
valid plans, the bound, determinism for a seed on any machine, the safety stop and the
organiser's Ctrl-C."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedmeet.model import EventSettings, Participant, Plan, Round, Table, table_sizes
from speedmeet.solve import bound_for, solve
from speedmeet.solve.engine import count_pairs
from speedmeet.solve.greedy import dealt_round, greedy_schedule
from speedmeet.solve.problem import Instance, Progress, Schedule, SolveResult
from speedmeet.solve.seating import Seating
from speedmeet.solve.tabu import SearchBudget, tabu_search
from speedmeet.validate import validate
from tests.conftest import write_registrations


def as_plan(organisations: Sequence[int], table_size: int, schedule: Schedule) -> Plan:
    """The schedule as the plan a user gets: participants P1.., tables "1".. in order."""
    participants = [
        Participant(id=f"P{i + 1}", name=f"Person {i + 1}", organisation=f"Org {o}")
        for i, o in enumerate(organisations)
    ]
    rounds = [
        Round(
            round=r,
            tables=[
                Table(table=str(t), participants=[f"P{p + 1}" for p in members])
                for t, members in enumerate(tables, start=1)
            ],
        )
        for r, tables in enumerate(schedule, start=1)
    ]
    return Plan(
        settings=EventSettings(rounds=len(schedule), table_size=table_size),
        participants=participants,
        rounds=rounds,
    )


def solve_checked(
    organisations: Sequence[int], table_size: int, rounds: int, **options: float
) -> SolveResult:
    """Solve, then check the plan with the independent validator and its pair count."""
    sizes = table_sizes(len(organisations), table_size)
    instance = Instance(organisations, sizes, rounds, **options)  # type: ignore[arg-type]
    result = solve(instance)
    for tables in result.schedule:
        assert [len(t) for t in tables] == sizes
    report = validate(as_plan(organisations, table_size, result.schedule))
    assert report.ok, report.violations
    assert report.quality is not None
    assert report.quality.new_pairs == result.pairs
    assert result.pairs <= result.bound
    return result


def test_nine_people_from_nine_organisations_meet_everyone() -> None:
    # Tables of 3 give each person 2 new people a round: 4 rounds x 2 = 8 = everyone else,
    # so all C(9, 2) = 36 pairs meet (the affine plane of order 3).
    result = solve_checked(list(range(9)), 3, 4)
    assert result.pairs == result.bound == 36
    assert result.proven_optimal
    assert result.status == "optimal"


def test_an_organisation_larger_than_the_table_count_meets_itself_as_little_as_possible() -> None:
    # 40 people, tables of 4: 10 tables. An organisation of 12 puts two people at 2 tables each
    # round: 2 same-organisation meetings a round, 10 over 5 rounds. The tables hold
    # 5 x 10 x 6 = 300 meetings, so 290 cross-organisation pairs at most, and 290 is reachable.
    organisations = [0] * 12 + list(range(1, 29))
    result = solve_checked(organisations, 4, 5)
    assert result.pairs == 290
    assert result.proven_optimal
    assert any("10 same-organisation meetings are unavoidable" in why for why in result.limits)
    report = validate(as_plan(organisations, 4, result.schedule))
    assert report.quality is not None
    assert report.quality.same_organisation == 10
    assert report.quality.repeats == 0


def test_twenty_two_people_at_tables_of_four_sit_at_four_and_three() -> None:
    # 22 people need 6 tables: four of 4 and two of 3, 4 x 6 + 2 x 3 = 30 meetings a round.
    # Over 5 rounds 150 meetings, each person meets at most 5 x 3 = 15 of 21: 150 is the bound.
    result = solve_checked(list(range(22)), 4, 5)
    assert result.pairs == result.bound == 150


def test_small_organisation_larger_than_tables_spread_evenly() -> None:
    # 12 people, tables of 4 (3 tables), one organisation of 5: spread 2 + 2 + 1 over the
    # tables, 2 same-organisation meetings a round, 6 over 3 rounds, and never 3 colleagues
    # at one table (that would make 3 meetings at that table alone).
    organisations = [0] * 5 + [1, 2, 3, 4, 5, 6, 7]
    result = solve_checked(organisations, 4, 3, time_limit=3)
    report = validate(as_plan(organisations, 4, result.schedule))
    assert report.quality is not None
    assert report.quality.same_organisation == 6
    assert any("6 same-organisation meetings are unavoidable" in why for why in result.limits)


def test_few_large_tables_force_repeats_and_the_bound_says_so() -> None:
    # 12 people at 3 tables of 4: a table of round 2 takes its 4 people from only 3 tables of
    # round 1, so at least one pair of it met before: 3 such pairs per two rounds, 9 over the
    # 3 pairs of rounds. A pair meeting in all 3 rounds covers 3 of them for 2 wasted
    # meetings, so at least 6 of the 54 meetings are wasted: bound 48, not 54.
    value, reasons = bound_for(Instance(list(range(12)), [4, 4, 4], 3))
    assert value == 48
    assert any("must repeat a pair" in why for why in reasons)


def test_exact_search_proves_an_optimum_below_the_naive_bound() -> None:
    # 6 people, 2 tables of 3, 3 rounds: 18 meetings for 15 pairs, but any two rounds share
    # two pairs (a table of the second round holds two people of one table of the first),
    # so repeats are forced (the bound knows 4 of the 18); exhaustive search (CP-SAT) shows
    # 13 is the most.
    result = solve_checked(list(range(6)), 3, 3)
    assert result.bound == 14
    assert result.pairs == 13
    assert result.proven_optimal
    assert result.status == "optimal"
    assert any("no plan reaches more than 13" in why for why in result.limits)


def test_bound_knows_there_are_no_two_orthogonal_latin_squares_of_order_six() -> None:
    naive_four_rounds = 4 * 6 * 15
    value, reasons = bound_for(Instance(list(range(36)), [6] * 6, 4))
    assert value == naive_four_rounds - 1
    assert any("Latin squares" in why for why in reasons)
    three_rounds, _ = bound_for(Instance(list(range(36)), [6] * 6, 3))
    assert three_rounds == 3 * 6 * 15


def test_same_seed_gives_the_same_plan() -> None:
    organisations = [o for o in range(14) for _ in range(1 + o % 4)]
    first = solve_checked(organisations, 5, 5, seed=7)
    second = solve_checked(organisations, 5, 5, seed=7)
    assert first.schedule == second.schedule


def test_the_search_is_deterministic_for_a_seed() -> None:
    # A step budget, not the clock, ends the search: same seed, same steps, same seating.
    organisations = [o for o in range(12) for _ in range(1 + o % 3)]
    sizes = table_sizes(len(organisations), 4)

    def search(seed: int) -> list[list[list[int]]]:
        rng = np.random.default_rng(seed)
        seating = Seating(organisations, sizes, greedy_schedule(organisations, sizes, 7, rng))
        tabu_search(seating, rng, SearchBudget(400, 0, lambda: False, lambda waste: None))
        return seating.schedule()

    assert search(3) == search(3)


def test_swap_scores_match_a_full_recount() -> None:
    # The incremental score of every swap equals the waste recounted from scratch.
    organisations = [0, 0, 0, 1, 1, 2, 3, 4, 5, 5, 6]
    sizes = table_sizes(len(organisations), 3)
    rng = np.random.default_rng(5)
    seating = Seating(organisations, sizes, greedy_schedule(organisations, sizes, 4, rng))
    everyone = np.arange(len(organisations), dtype=np.int32)
    for r in range(4):
        deltas = seating.swap_deltas(r, everyone, seating.round_regret(r))
        for a in range(len(organisations)):
            for b in range(len(organisations)):
                if seating.table_of[r, a] == seating.table_of[r, b]:
                    continue
                schedule = seating.schedule()
                ta, tb = seating.table_of[r, a], seating.table_of[r, b]
                schedule[r][ta] = [b if p == a else p for p in schedule[r][ta]]
                schedule[r][tb] = [a if p == b else p for p in schedule[r][tb]]
                recount = Seating(organisations, sizes, schedule).waste
                assert recount - seating.waste == deltas[a, b]
    seating.swap(0, 0, int(np.flatnonzero(seating.table_of[0] != seating.table_of[0, 0])[0]))
    assert seating.waste == Seating(organisations, sizes, seating.schedule()).waste
    assert seating.pairs == count_pairs(Instance(organisations, sizes, 4), seating.schedule())


DENSE_36 = [i % 14 for i in range(36)]
"""36 people from 14 organisations at tables of 6 over 5 rounds: no plan is perfect, so the
search spends its whole work budget."""


def test_stop_ends_the_search_with_a_valid_plan() -> None:
    # 36 people from 14 organisations at tables of 6 cannot be perfect: the search would spend
    # its whole 30-second budget, so only the stop can end it early. The organiser stops it
    # as soon as the search reports progress.
    stop = threading.Event()
    reports: list[Progress] = []

    def stop_in_search(progress: Progress) -> None:
        reports.append(progress)
        if progress.phase == "tabu search":
            stop.set()

    instance = Instance(DENSE_36, table_sizes(36, 6), 5, time_limit=30)
    result = solve(instance, on_progress=stop_in_search, stop=stop)
    assert stop.is_set()
    assert result.status == "interrupted"
    assert not result.clock_stopped
    report = validate(as_plan(DENSE_36, 6, result.schedule))
    assert report.ok, report.violations
    assert reports and reports[-1].bound == result.bound


def test_a_stopped_greedy_start_deals_out_the_remaining_rounds() -> None:
    # The greedy start looks at the clock every few hundred people; once told to stop, the
    # rounds not yet built are dealt out by rotation, so a full valid schedule comes back.
    organisations = [p // 3 for p in range(3000)]
    sizes = table_sizes(3000, 8)
    looks = iter(range(1_000_000))
    schedule = greedy_schedule(
        organisations, sizes, 4, np.random.default_rng(0), lambda: next(looks) >= 8
    )
    assert schedule[2:] == [dealt_round(organisations, sizes, r) for r in (2, 3)]
    report = validate(as_plan(organisations, 8, schedule))
    assert report.ok, report.violations[:3]


class FakeClock:
    """A wall clock that moves `step` seconds each time it is read: a fast machine (0) or a
    slow, overloaded one, without depending on the machine running the tests."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.time = 1000.0

    def __call__(self) -> float:
        self.time += self.step
        return self.time


def test_the_plan_does_not_depend_on_the_machine_speed() -> None:
    instance = Instance(DENSE_36, table_sizes(36, 6), 5, seed=3, time_limit=0.5)
    fast = solve(instance, now=FakeClock(0.0))
    slow = solve(instance, now=FakeClock(0.05))  # ten times slower than the time limit
    assert fast.pairs < fast.bound
    assert fast.schedule == slow.schedule
    assert not fast.clock_stopped and not slow.clock_stopped
    assert slow.seconds > 5 * instance.time_limit


def test_the_safety_stop_ends_a_search_and_says_so() -> None:
    # A clock that jumps a second per read passes the safety stop (5 x the limit + 30 s)
    # within a few dozen reads: the search ends there, with a valid plan.
    instance = Instance(DENSE_36, table_sizes(36, 6), 5, seed=3, time_limit=1.0)
    result = solve(instance, now=FakeClock(1.0))
    assert result.clock_stopped
    assert result.status == "feasible"
    assert validate(as_plan(DENSE_36, 6, result.schedule)).ok
    assert not solve(instance, now=FakeClock(0.0)).clock_stopped


def test_the_cli_says_when_the_safety_stop_ended_the_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from speedmeet import cli
    from speedmeet.solve import engine

    source = write_registrations(
        tmp_path / "event.csv",
        [(f"Person {i}", f"Organisation {o}") for i, o in enumerate(DENSE_36)],
    )
    monkeypatch.setattr(engine, "wall_clock", FakeClock(1.0))
    folder = tmp_path / "plan"
    args = ["plan", str(source), "--table-size", "6", "--rounds", "5", "--no-print"]
    result = CliRunner().invoke(cli.app, [*args, "--time-limit", "1", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert "safety stop ended it" in result.output
    summary = json.loads((folder / "plan.json").read_text(encoding="utf-8"))["solve"]
    assert summary["ended_by"] == "safety stop"


def test_progress_reports_are_throttled() -> None:
    # With a clock that never moves, only the forced reports (a start, each phase, the end)
    # and the first throttled one get through.
    reports: list[Progress] = []
    instance = Instance(DENSE_36, table_sizes(36, 6), 5, time_limit=0.5)
    solve(instance, on_progress=reports.append, now=FakeClock(0.0))
    assert 1 <= len(reports) <= 6
    assert all(p.pairs <= p.bound for p in reports)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    organisations=st.lists(st.integers(0, 6), min_size=2, max_size=30),
    table_size=st.integers(2, 6),
    rounds=st.integers(1, 5),
    seed=st.integers(0, 3),
)
def test_every_plan_seats_everyone_once_at_tables_of_the_given_sizes(
    organisations: list[int], table_size: int, rounds: int, seed: int
) -> None:
    if len(organisations) < table_size:
        table_size = len(organisations)
    result = solve_checked(organisations, table_size, rounds, seed=seed, time_limit=0.3)
    assert len(result.schedule) == rounds
    bound, _ = bound_for(
        Instance(organisations, table_sizes(len(organisations), table_size), rounds)
    )
    assert result.bound == bound


def test_no_rounds_gives_an_empty_plan() -> None:
    result = solve(Instance([0, 1, 2], [3], 0))
    assert result.schedule == []
    assert result.pairs == 0


def test_one_table_seats_everyone_together_at_once() -> None:
    # Three people from two organisations at one table: the two cross pairs meet in round 1.
    result = solve_checked([0, 0, 1], 3, 4, time_limit=30)
    assert result.pairs == result.bound == 2
    assert result.seconds < 1
