"""The solve, in phases that stop as soon as the bound is reached.

1. cheap starts, best kept: a combinatorial design fitted to the event
   (`designs.construct`), a rotation deal (`greedy.dealt_round`, instant at any size) and a
   greedy schedule built one round at a time;
2. tabu search over swaps (`tabu.py`) from the best start, for events up to `DENSE_LIMIT`;
3. for small events, CP-SAT on the whole event, which can prove optimality.

With the event's own rules (`Instance.rules`): the design start has people exchanged between
its itineraries until the rules are met (`relabel`: no new pair is lost), the other starts
know nothing of the rules; hosts are moved to their tables in each start, the start of least
rule-aware cost is kept (the others are skipped once one meets every rule), and the tabu
search runs on a `RuleSeating` whose cost puts the hard rules far above new pairs and new
pairs above the mix and the interests; tables left over their category's share get a short
second search with the mix above new pairs, kept only when no heavier term is worse
(`_push_mix`). Soft preferences are polished last (`_polish`), unless a preference weight
makes them part of that cost. CP-SAT is not used then (its model has no
rules).

Determinism: every choice comes from a generator seeded by `Instance.seed`, and the effort is
counted in work, never in seconds: the tabu search runs for a number of steps and CP-SAT for a
deterministic time, both sized from the time limit for this 2-core machine so that they
normally end within it. The wall clock is only a safety stop, at `problem.safety_stop` of the
time limit (five times it plus thirty seconds), so that four runs at once on a busy machine
still give the same plan; when the safety stop is what ended the search, the result says so
(`SolveResult.clock_stopped`). Only that and the organiser's `stop` depend on the machine.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import numpy as np

from speedmeet import notes
from speedmeet.solve.bounds import bound_for
from speedmeet.solve.greedy import dealt_round, greedy_schedule
from speedmeet.solve.needs import serve_needs
from speedmeet.solve.problem import (
    Instance,
    Progress,
    ProgressCallback,
    Schedule,
    SolveResult,
    SolverRules,
    Status,
    safety_stop,
)
from speedmeet.solve.relabel import relabel
from speedmeet.solve.rule_seating import PAIR, RuleSeating, pin_hosts
from speedmeet.solve.seating import DENSE_LIMIT, Seating, total_meetings
from speedmeet.solve.tabu import SearchBudget, polish_steps, tabu_search

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress reports at most ten times a second."""

STEPS_PER_SECOND = 2000
"""Tabu steps budgeted per second of time limit, up to `STEPS_FULL_SIZE` people: under what
this machine does on 500 people (a step costs more on a larger event: the budget shrinks in
proportion above that size)."""
STEPS_FULL_SIZE = 500


RULE_STEPS_PER_SECOND = 400
"""Tabu steps per second of time limit with the event's rules: each step also scores them."""

RULE_GIVE_UP = 800
"""Steps without a better plan after which the rule-aware search ends: the last unit of a
rule (one table one person over its even share) may be out of reach, and the step budget
would otherwise be spent on it in full (2.5 s instead of 1 s on a 143-person event)."""

MIX_PUSH_WEIGHT = 3 * PAIR
"""Weight of one person over their category's share in the mix push (`_push_mix`): above a new
pair, so the search may give one up on the way to an even mix and win it back."""

MIX_PUSH_STEPS = 2000
MIX_PUSH_GIVE_UP = 300
"""Steps of the mix push at most, and without a better plan before it ends."""

EXACT_SHARE = 0.6
"""CP-SAT's deterministic budget as a share of the time limit: counted in CP-SAT's own
deterministic time, with interleaved search over a fixed number of workers, so that its
answer does not depend on the machine's load."""

SMALL_EVENT_STEPS = 3000
"""Tabu steps for an event small enough for CP-SAT, which then gets the rest of the time."""


wall_clock: Callable[[], float] = time.monotonic
"""The clock `solve` reads unless given one."""


class _Clock:
    """The wall clock's safety stop, the organiser's stop, and throttled progress reports.

    `now` is the clock read (`wall_clock`; tests give a clock of their own). Nothing the
    search decides depends on it, except stopping at the safety stop, which is recorded.
    """

    def __init__(
        self,
        instance: Instance,
        bound: int,
        on_progress: ProgressCallback | None,
        stop: threading.Event | None,
        now: Callable[[], float],
    ) -> None:
        self.now = now
        self.start = now()
        self.deadline = self.start + safety_stop(instance.time_limit)
        self.bound = bound
        self.on_progress = on_progress
        self.stop = stop
        self.last_report = -1.0
        self.phase = "start"
        self.clock_stopped = False

    @property
    def elapsed(self) -> float:
        return self.now() - self.start

    @property
    def remaining(self) -> float:
        return max(0.0, self.deadline - self.now())

    def interrupted(self) -> bool:
        return self.stop is not None and self.stop.is_set()

    def should_stop(self) -> bool:
        if self.interrupted():
            return True
        if self.now() >= self.deadline:
            self.clock_stopped = True
        return self.clock_stopped

    def report(self, pairs: int, *, force: bool = False) -> None:
        if self.on_progress is None:
            return
        now = self.now()
        if force or now - self.last_report >= PROGRESS_INTERVAL:
            self.last_report = now
            self.on_progress(Progress(pairs, self.bound, now - self.start, self.phase))

    def result(
        self, schedule: Schedule, pairs: int, proven: bool, method: str, limits: list[str]
    ) -> SolveResult:
        """The solve's outcome, saying whether the organiser or the safety stop ended it."""
        status: Status = (
            "optimal" if proven else ("interrupted" if self.interrupted() else "feasible")
        )
        return SolveResult(
            status,
            schedule,
            pairs,
            self.bound,
            proven,
            self.elapsed,
            method,
            limits,
            clock_stopped=self.clock_stopped and not self.interrupted(),
        )


def solve(
    instance: Instance,
    *,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    now: Callable[[], float] | None = None,
) -> SolveResult:
    """The best schedule found for the instance with the work its time limit buys (see the
    module docstring); `now` reads the wall clock, for the safety stop and progress only."""
    bound, limits = bound_for(instance)
    clock = _Clock(instance, bound, on_progress, stop, now or wall_clock)
    if instance.n == 0 or instance.rounds == 0:
        return SolveResult(
            "optimal", [[] for _ in range(instance.rounds)], 0, 0, True, 0.0, "empty", limits
        )
    if len(instance.table_sizes) == 1:
        everyone = [[list(range(instance.n))] for _ in range(instance.rounds)]
        pairs = count_pairs(instance, everyone)
        return SolveResult(
            "optimal", everyone, pairs, bound, True, clock.elapsed, "one table", limits
        )
    rng = np.random.default_rng(instance.seed)
    meetings = total_meetings(instance.table_sizes, instance.rounds)
    rules = instance.rules if instance.rules is not None and instance.rules.active else None
    if rules is not None:
        return _solve_with_rules(instance, rules, bound, limits, rng, clock)

    schedule, pairs, method = _start(instance, bound, rng, clock)
    clock.report(pairs, force=True)

    if pairs < bound and instance.n <= DENSE_LIMIT and not clock.should_stop():
        clock.phase = "tabu search"
        seating = Seating(instance.organisations, instance.table_sizes, schedule)
        budget = SearchBudget(
            steps=_steps(instance),
            target_waste=meetings - bound,
            should_stop=clock.should_stop,
            on_improvement=lambda waste: clock.report(meetings - waste),
        )
        tabu_search(seating, rng, budget)
        if seating.pairs > pairs:
            schedule, pairs = seating.schedule(), seating.pairs
            method += " + tabu search"

    proven = pairs >= bound
    if (
        not proven
        and small_enough(instance.n, len(instance.table_sizes), instance.rounds)
        and not clock.should_stop()
    ):
        clock.phase = "exact"
        clock.report(pairs, force=True)
        from speedmeet.solve.exact import solve_exactly  # OR-Tools loads only for tiny events

        outcome = solve_exactly(
            instance.organisations,
            instance.table_sizes,
            instance.rounds,
            bound=bound,
            hint=schedule,
            seed=instance.seed,
            workers=instance.workers,
            deterministic_seconds=EXACT_SHARE * instance.time_limit,
            wall_seconds=clock.remaining,
            stop=stop,
        )
        clock.should_stop()  # records whether the safety stop cut CP-SAT short
        if outcome.schedule is not None and outcome.pairs >= pairs:
            if outcome.pairs > pairs:
                method += " + exact"
            schedule, pairs = outcome.schedule, outcome.pairs
            proven = outcome.proven_optimal
            if proven and pairs < bound:
                limits.append(notes.PROVEN_BY_SEARCH.format(count=pairs))
    proven = proven or pairs >= bound
    clock.phase = "done"
    clock.report(pairs, force=True)
    return clock.result(schedule, pairs, proven, method, limits)


def small_enough(n: int, table_count: int, rounds: int) -> bool:
    """Whether the whole-event CP-SAT model is small enough to pay off (a few thousand booleans)."""
    return n <= 24 and n * (n - 1) // 2 * rounds * table_count <= 12_000


def _steps(instance: Instance) -> int:
    per_second = STEPS_PER_SECOND * min(1.0, STEPS_FULL_SIZE / max(instance.n, 1))
    steps = max(1000, int(instance.time_limit * per_second))
    if small_enough(instance.n, len(instance.table_sizes), instance.rounds):
        steps = min(steps, SMALL_EVENT_STEPS)
    return steps


def _solve_with_rules(
    instance: Instance,
    rules: SolverRules,
    bound: int,
    limits: list[str],
    rng: np.random.Generator,
    clock: _Clock,
) -> SolveResult:
    """Every start with hosts moved to their tables, the cheapest by the rules' cost, then the
    rule-aware tabu search (see the module docstring)."""
    meetings = total_meetings(instance.table_sizes, instance.rounds)
    target = _target(rules, meetings, bound)
    dense = instance.n <= DENSE_LIMIT
    best: tuple[int, Schedule, str] | None = None
    starts: list[tuple[str, Callable[[], Schedule | None]]] = [
        ("construction", lambda: _construct_for_rules(instance, rules, target, rng, clock)),
        ("rotation", lambda: _dealt(instance)),
        ("greedy", lambda: _greedy(instance, rng, clock, rules)),
    ]
    if not dense:  # no search follows: the one start that knows the rules
        starts = starts[2:]
    for method, make in starts:
        if best is not None and clock.should_stop():
            break
        clock.phase = method
        schedule = make()
        if schedule is None or not fits(instance, schedule):
            continue
        schedule = pin_hosts(schedule, rules.hosts, rules.host_tables)
        scored = (
            RuleSeating(instance.organisations, instance.table_sizes, schedule, rules)
            if dense
            else None
        )
        cost = -count_pairs(instance, schedule) if scored is None else scored.cost
        if best is None or cost < best[0]:
            best = (cost, schedule, method)
        if scored is not None and scored.hard == 0 and PAIR * scored.waste <= target:
            # every hard rule met with every new pair: the other starts, with wasted
            # meetings, cannot do better; what is left of the mix is the search's
            break
    if best is None:  # unequal table capacities that no deal fits: the greedy always fits
        schedule = pin_hosts(
            greedy_schedule(
                instance.organisations,
                instance.table_sizes,
                instance.rounds,
                rng,
                lambda: False,
                rules,
            ),
            rules.hosts,
            rules.host_tables,
        )
        best = (0, schedule, "greedy")
    _, schedule, method = best
    pairs = count_pairs(instance, schedule)
    clock.report(pairs, force=True)
    if dense and not clock.should_stop():
        schedule, searched, settled = _search_rules(instance, rules, schedule, target, rng, clock)
        if searched:
            pairs = count_pairs(instance, schedule)
            method += " + tabu search"
        if rules.wants_preferences and not clock.should_stop():
            # the rules and the pairs first, then soft preferences that never buy a worse plan
            clock.phase = "preferences"
            schedule = _polish(instance, rules, schedule, settled, target, rng, clock)
    proven = pairs >= bound
    clock.phase = "done"
    clock.report(pairs, force=True)
    return clock.result(schedule, pairs, proven, method, limits)


def _start(
    instance: Instance, bound: int, rng: np.random.Generator, clock: _Clock
) -> tuple[Schedule, int, str]:
    """The best of the cheap starts, stopping at the first that reaches the bound: a design,
    the rotation deal, then the greedy schedule (skipped for a huge event that has a start)."""
    best: tuple[Schedule, int, str] | None = None
    starts: list[tuple[str, Callable[[], Schedule | None]]] = [
        ("construction", lambda: _construct(instance)),
        ("rotation", lambda: _dealt(instance)),
        ("greedy", lambda: _greedy(instance, rng, clock)),
    ]
    for method, make in starts:
        if best is not None and (
            clock.should_stop() or (method == "greedy" and instance.n > DENSE_LIMIT)
        ):
            break
        clock.phase = method
        schedule = make()
        if schedule is None or not fits(instance, schedule):
            continue
        pairs = count_pairs(instance, schedule)
        if best is None or pairs > best[1]:
            best = (schedule, pairs, method)
            clock.report(pairs)
        if pairs >= bound:
            break
    assert best is not None, "the rotation deal always gives a schedule"
    return best


def _dealt(instance: Instance) -> Schedule:
    return [
        dealt_round(instance.organisations, instance.table_sizes, r) for r in range(instance.rounds)
    ]


def count_pairs(instance: Instance, schedule: Schedule) -> int:
    """Distinct cross-organisation pairs sharing a table at least once, leaving out pairs who
    met at an earlier event."""
    org = instance.organisations
    met: set[tuple[int, int]] = set()
    earlier = set()
    if instance.rules is not None:
        earlier = {(min(a, b), max(a, b)) for a, b in instance.rules.already_met}
    for tables in schedule:
        for table in tables:
            seated = sorted(table)
            for i, a in enumerate(seated):
                for b in seated[i + 1 :]:
                    if org[a] != org[b]:
                        met.add((a, b))
    return len(met - earlier)


def _greedy(
    instance: Instance, rng: np.random.Generator, clock: _Clock, rules: SolverRules | None = None
) -> Schedule:
    return greedy_schedule(
        instance.organisations,
        instance.table_sizes,
        instance.rounds,
        rng,
        clock.should_stop,
        rules,
    )


def _construct(instance: Instance) -> Schedule | None:
    """A design-theory schedule from `designs.construct`, when it exists and fits the instance."""
    construct: Callable[[Instance], Schedule | None]
    try:
        from speedmeet.solve.designs import construct
    except ImportError:
        return None
    schedule = construct(instance)
    if schedule is None or not fits(instance, schedule):
        return None
    return schedule


def _search_rules(
    instance: Instance,
    rules: SolverRules,
    schedule: Schedule,
    target: int,
    rng: np.random.Generator,
    clock: _Clock,
) -> tuple[Schedule, bool, bool]:
    """The rule-aware tabu search from `schedule`, then the mix push when tables are left over
    their share: the schedule, whether the search improved it, and whether every rule is met
    with no avoidable waste (the core cost's target)."""
    clock.phase = "tabu search"
    seating = RuleSeating(instance.organisations, instance.table_sizes, schedule, rules)
    per_second = RULE_STEPS_PER_SECOND * min(1.0, STEPS_FULL_SIZE / max(instance.n, 1))
    steps = max(1000, int(instance.time_limit * per_second))
    before = seating.cost
    _rule_search(seating, target, steps, rng, clock, give_up=RULE_GIVE_UP)
    improved = seating.cost < before
    if seating.mix_excess and not rules.weighted and not clock.should_stop():
        pushed = _push_mix(instance, rules, seating, target, rng, clock)
        if pushed is not None:
            seating, improved = pushed, True
    return seating.schedule(), improved, seating.core_cost <= target


def _rule_search(
    seating: RuleSeating,
    target: int,
    steps: int,
    rng: np.random.Generator,
    clock: _Clock,
    *,
    give_up: int | None = None,
) -> int:
    """The tabu search on a rule seating, reporting its pairs as it improves; returns the
    steps it took (see `SearchBudget` for `target` and `give_up`)."""
    budget = SearchBudget(
        steps=steps,
        target_waste=target,
        should_stop=clock.should_stop,
        on_improvement=lambda cost: clock.report(seating.pairs),
        give_up=give_up,
    )
    return tabu_search(seating, rng, budget)


def _polish(
    instance: Instance,
    rules: SolverRules,
    schedule: Schedule,
    settled: bool,
    target: int,
    rng: np.random.Generator,
    clock: _Clock,
) -> Schedule:
    """Soft preferences without giving up anything else: people exchanged between itineraries
    (`relabel`, which keeps every rule and pair as it is), then swaps within rounds that cost
    nothing else (the tabu search with preferences counted), and last, free swaps that seat
    people with a need with someone offering it (`serve_needs`). With a preference weight the
    preferences were part of the search itself: only the last pass is left."""
    if not rules.weighted and settled:
        schedule = relabel(
            schedule,
            instance.organisations,
            instance.table_sizes,
            rules,
            rng,
            target=target,
            should_stop=clock.should_stop,
            hosts_seated=True,
            preferences=True,
        )
    seating: RuleSeating | None = None
    if not rules.weighted and not clock.should_stop():
        polished = seating = RuleSeating(
            instance.organisations, instance.table_sizes, schedule, rules
        )
        polished.prefer()
        if _rule_search(polished, target, polish_steps(instance.n), rng, clock) > 0:
            schedule = polished.schedule()
    if rules.needs and not clock.should_stop():
        if seating is None:
            seating = RuleSeating(instance.organisations, instance.table_sizes, schedule, rules)
        else:  # the polish's own seating, which the search leaves at `schedule`
            seating.prefer(False)
        if serve_needs(seating, rules.needs, rng, clock.should_stop):
            schedule = seating.schedule()
    return schedule


def _push_mix(
    instance: Instance,
    rules: SolverRules,
    seating: RuleSeating,
    target: int,
    rng: np.random.Generator,
    clock: _Clock,
) -> RuleSeating | None:
    """The seating with fewer people over their category's share, when a short search that
    weighs the mix above a new pair finds one that is no worse in anything heavier (hard
    rules, new pairs); None otherwise. With the mix below new pairs, the search will not step
    through a plan one pair short, which an even mix often takes (150 people, 8 rounds:
    5 tables over the share and 2,999 pairs became none and 3,000 in 141 steps)."""
    pushing = RuleSeating(
        instance.organisations,
        instance.table_sizes,
        seating.schedule(),
        dataclasses.replace(rules, mix_weight=MIX_PUSH_WEIGHT),
    )
    _rule_search(pushing, target, MIX_PUSH_STEPS, rng, clock, give_up=MIX_PUSH_GIVE_UP)
    pushed = RuleSeating(instance.organisations, instance.table_sizes, pushing.schedule(), rules)
    return pushed if pushed.core_cost < seating.core_cost else None


def _target(rules: SolverRules, meetings: int, bound: int) -> int:
    """The core cost at which the rule-aware search may stop: every rule met and no avoidable
    waste. With a preference weight there is none (preferences can always improve): the
    search runs until it stops improving."""
    if rules.weighted:
        return -(1 << 62)
    return PAIR * (meetings - bound)


def _construct_for_rules(
    instance: Instance, rules: SolverRules, target: int, rng: np.random.Generator, clock: _Clock
) -> Schedule | None:
    """A design-theory schedule with people exchanged between itineraries to meet the rules
    (`relabel`): it stays as perfect in new pairs as the design itself."""
    schedule = _construct(instance)
    if schedule is None:
        return None
    return relabel(
        schedule,
        instance.organisations,
        instance.table_sizes,
        rules,
        rng,
        target=target,
        should_stop=clock.should_stop,
    )


def fits(instance: Instance, schedule: Schedule) -> bool:
    """Everyone seated once per round at tables of exactly the instance's sizes."""
    if len(schedule) != instance.rounds:
        return False
    everyone = list(range(instance.n))
    for tables in schedule:
        if [len(t) for t in tables] != list(instance.table_sizes):
            return False
        if sorted(p for t in tables for p in t) != everyone:
            return False
    return True
