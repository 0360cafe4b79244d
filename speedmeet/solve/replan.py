"""Replanning the rounds still to come with the fewest seat changes: a CP-SAT model.

An organiser replans between rounds, with badges already printed: every person who changes
table is a badge that is now wrong and someone to find in the room. So the model works on the
old seating and changes only what it must:

1. no meeting the change makes is a repeat or a same-organisation meeting, whenever that can be
   avoided (meetings the old plan already had, and keeps, are not held against the change);
2. then as few people as possible change table in any round (people, not seats);
3. then as many distinct cross-organisation pairs as possible. With table sizes fixed by the
   layout, every round holds a fixed number of meetings, so this is the same as the fewest
   repeats and same-organisation meetings over the whole plan.
4. last, the event's soft rules as the old plan had them: a common language at every table,
   no category over its even share, must-meet pairs meeting. They never cost a move or a pair.

The hard rules hold in every answer: hosts keep their table (`ReplanRound.pinned`), keep-apart
pairs never share one (`ReplanProblem.apart`), tables stay within their size bounds (a Tables
sheet's capacities, `ReplanRound.size_bounds`). Pairs who met at earlier events are simply
held meetings.

Speed comes from giving seat variables only to the people at a few tables of each round (the
"focus"): the tables the change touches (left too small or too big, emptied, new) plus some
others that can give or take a person. Everyone else keeps their seat as a constant. If the
answer still has to introduce a repeat, the focus widens and the model is solved again.
People inside and outside the focus never share a table, so the meetings that can change are
only those between two people in focus, which keeps the model small.

The search starts from a greedy seating (valid, usually free of conflicts) so that an answer
exists at once; changes too big for one model (many leave at once) are solved round by round.

Each model gets a share of the time limit in CP-SAT's deterministic time, with one worker, so
the same request and seed give the same new plan on a busy machine too; the wall clock is only
the safety stop of `problem.safety_stop` (`ReplanResult.clock_stopped` says when it ended it).
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from speedmeet.solve.problem import safety_stop
from speedmeet.solve.replan_greedy import greedy_seating
from speedmeet.solve.replan_model import FocusModel, solve_focus
from speedmeet.solve.replan_problem import (
    ReplanProblem,
    ReplanResult,
    ReplanRound,
    evaluate,
    moved_people,
)

FOCUS_MARGINS = (2, 6, 14)
"""Extra tables per round beyond those the change touches, widened in this order."""

LARGEST_FOCUS = 30
"""Most tables per round given seat variables when widening, so large events stay fast."""

FIRST_WORK_SHARE = 0.1
IMPROVEMENT_WORK_SHARE = 0.05
"""Deterministic work (CP-SAT's unit, roughly a second) per model, as a share of the time limit:
the first model, then each wider one. Counting work rather than seconds gives the same plan for
the same request however busy the machine is; the time limit stays a hard stop."""

LARGEST_MODEL = 60_000
"""A focus needing more pair-and-table links than this is solved round by round (first try)
or not at all (widening)."""


def solve_replan(problem: ReplanProblem) -> ReplanResult:
    """Seat the replanned rounds, widening the focus while the answer adds avoidable conflicts."""
    started = time.monotonic()
    deadline = started + safety_stop(problem.time_limit)
    clock_stopped = False
    required = [_required_tables(round_) for round_ in problem.rounds]
    touched_people = {
        person
        for round_, tables in zip(problem.rounds, required, strict=True)
        for t in tables
        if t < len(round_.old_tables)
        for person in round_.old_tables[t]
    }
    best: ReplanResult | None = None
    levels: list[int | None] = [*FOCUS_MARGINS, None]
    for level, margin in enumerate(levels):
        remaining = deadline - time.monotonic()
        if best is not None and remaining <= 0:
            clock_stopped = True
            break
        focus = [
            _focus_tables(
                round_, needed, margin, touched_people, random.Random(problem.seed * 7919 + i)
            )
            for i, (round_, needed) in enumerate(zip(problem.rounds, required, strict=True))
        ]
        if best is None:
            best = evaluate(problem, greedy_seating(problem, focus), "feasible", focus)
        work = problem.time_limit * (FIRST_WORK_SHARE if level == 0 else IMPROVEMENT_WORK_SHARE)
        seconds = max(remaining, 0.01)
        built = FocusModel(problem, focus, best.schedule)
        if built.links <= LARGEST_MODEL:
            result = solve_focus(problem, focus, seconds, work, best.schedule, built=built)
        elif level == 0:
            result = _solve_round_by_round(problem, focus, best.schedule, deadline, work)
        else:
            break
        clock_stopped = clock_stopped or time.monotonic() >= deadline
        result.attempts = level + 1
        if result.schedule and _rank(result) <= _rank(best):
            best = result
        covers_all = all(
            len(tables) >= max(len(round_.old_tables), round_.table_count)
            for tables, round_ in zip(focus, problem.rounds, strict=True)
        )
        if covers_all:
            break
        if best.introduced_conflicts > 0:
            continue
        # No avoidable conflict left. A wider focus can still find fewer moves (one person's
        # move covering several rounds), which is worth one try when this model was easy.
        if level >= 1 or result.status != "optimal":
            break
    if best is None:
        best = ReplanResult(status="unknown", schedule=[])
    best.seconds = time.monotonic() - started
    best.clock_stopped = clock_stopped
    return best


def _solve_round_by_round(
    problem: ReplanProblem,
    focus: Sequence[Sequence[int]],
    start: Sequence[Sequence[Sequence[int]]],
    deadline: float,
    work: float,
) -> ReplanResult:
    """For changes too big for one model: one model per round, in order.

    Each round treats the meetings of every other round (as currently seated) as certain, and
    lets people who already moved in an earlier round move again for free.
    """
    schedule = [[list(members) for members in tables] for tables in start]
    moved: set[int] = set()
    rounds = len(problem.rounds)
    for i in range(rounds):
        single = problem.alone(i, [tables for j, tables in enumerate(schedule) if j != i])
        seconds = max(deadline - time.monotonic(), 0.01)  # the safety stop only
        result = solve_focus(
            single, [focus[i]], seconds, work / rounds, [schedule[i]], frozenset(moved)
        )
        if result.schedule and _rank(result) <= _rank(
            evaluate(single, [schedule[i]], "feasible", [focus[i]])
        ):
            schedule[i] = result.schedule[0]
        moved.update(moved_people(single, [schedule[i]]))
    return evaluate(problem, schedule, "feasible", focus)


def _rank(result: ReplanResult) -> tuple[int, int, int, int]:
    """Better results compare smaller; on a tie the later (wider, solver-checked) one wins."""
    return (result.broken_rules, result.introduced_conflicts, len(result.moved), result.conflicts)


def _required_tables(round_: ReplanRound) -> list[int]:
    """Tables the change forces open: new ones, old ones whose size no longer fits, and the
    tables of arriving hosts."""
    old = len(round_.old_tables)
    needed = set(range(old, round_.width))
    for t, members in enumerate(round_.old_tables):
        low, high = round_.bounds(t)
        if len(members) < low or len(members) > high:
            needed.add(t)
    needed.update(t for p, t in round_.pinned.items() if p in round_.newcomers)
    return sorted(needed)


def _focus_tables(
    round_: ReplanRound,
    required: Sequence[int],
    margin: int | None,
    touched_people: set[int],
    rng: random.Random,
) -> list[int]:
    """The tables of one round that get seat variables.

    Beyond the required tables, the focus takes enough tables for the people in it to fill its
    open tables within the size limits, then `margin` more (all when None). Tables holding people
    who must move in another round come first, so that one person's moves cover several rounds.
    """
    old = len(round_.old_tables)
    focus = set(required)
    order = list(range(old))
    rng.shuffle(order)
    order.sort(key=lambda t: -sum(1 for p in round_.old_tables[t] if p in touched_people))
    # Closing tables: the smallest are the cheapest to close.
    if round_.table_count < old:
        by_size = sorted(order, key=lambda t: len(round_.old_tables[t]))
        focus.update(by_size[: old - round_.table_count])
    _fill_focus(round_, focus, order)
    total = round_.width
    if margin is None:
        limit = max(len(focus), min(total, LARGEST_FOCUS))
        extra_tables = total - len(focus)
    else:
        limit = max(len(focus), min(total, len(focus) + margin, LARGEST_FOCUS))
        extra_tables = margin
    for t in order:
        if len(focus) >= limit or extra_tables <= 0:
            break
        if t not in focus:
            focus.add(t)
            extra_tables -= 1
    return sorted(focus)


def _people_and_seats(round_: ReplanRound, focus: set[int]) -> tuple[int, int, int]:
    """People in focus, and the fewest and most its open tables can seat."""
    old = len(round_.old_tables)
    inside = [t for t in focus if t < old]
    people = len(round_.newcomers) + sum(len(round_.old_tables[t]) for t in inside)
    tables = round_.table_count - (old - len(inside))
    if tables < 0:
        return people, people + 1, people + 1
    lows = sorted(round_.bounds(t)[0] for t in focus)
    highs = sorted((round_.bounds(t)[1] for t in focus), reverse=True)
    return people, sum(lows[:tables]), sum(highs[:tables])


def _fill_focus(round_: ReplanRound, focus: set[int], order: Sequence[int]) -> None:
    """Add tables (in `order`) until the people in focus can fill its open tables within
    their size limits: tables with people to spare when too few, with room when too many."""
    while True:
        people, fewest, most = _people_and_seats(round_, focus)
        if people < fewest:
            wanted = [
                t
                for t in order
                if t not in focus and len(round_.old_tables[t]) > round_.bounds(t)[0]
            ]
        elif people > most:
            wanted = [
                t
                for t in order
                if t not in focus and len(round_.old_tables[t]) < round_.bounds(t)[1]
            ]
        else:
            return
        if not wanted:
            wanted = [t for t in order if t not in focus]
        if not wanted:
            return
        focus.add(wanted[0])
