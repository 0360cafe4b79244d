"""The solve: one pipeline of three phases, the same with the event's own rules or without.

1. starts, best kept: a combinatorial design fitted to the event (`designs.construct`), a
   rotation deal (`greedy.dealt_round`, instant at any size) and a greedy schedule built one
   round at a time. A plain event keeps the start with the most new pairs and stops at the
   first that reaches the bound. With the event's rules (`Instance.rules`), the design has
   people exchanged between its itineraries until the rules are met (`relabel`: no new pair
   is lost), the greedy weighs the rules, hosts are moved to their tables in every start, and
   the start of least rule-aware cost is kept (the others are skipped once one meets every
   rule with every new pair).
2. the tabu search over swaps (`tabu.py`) from the best start, for events up to
   `DENSE_LIMIT`: on the pairs alone (`Seating`), or with rules on a `RuleSeating` whose cost
   puts the hard rules far above new pairs and new pairs above the mix and the interests;
   tables left over their category's share then get a short second search with the mix above
   new pairs, kept only when no heavier term is worse (`_Run.push_mix`).
3. the finish: for a small plain event, CP-SAT on the whole event, which can prove
   optimality; with rules (its model has none), soft preferences polished last
   (`_Run.polish`), unless a preference weight made them part of the search's cost.

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
from typing import NamedTuple

import numpy as np

from speedmeet import notes
from speedmeet.solve.bounds import bound_for
from speedmeet.solve.clock import Clock
from speedmeet.solve.greedy import dealt_round, greedy_schedule
from speedmeet.solve.needs import serve_needs
from speedmeet.solve.objective import PAIR, new_pairs
from speedmeet.solve.problem import Instance, ProgressCallback, Schedule, SolveResult, SolverRules
from speedmeet.solve.relabel import relabel
from speedmeet.solve.rule_seating import RuleSeating, pin_hosts
from speedmeet.solve.seating import DENSE_LIMIT, Seating, total_meetings
from speedmeet.solve.tabu import SearchBudget, polish_steps, tabu_search

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
"""Weight of one person over their category's share in the mix push (`_Run.push_mix`): above a
new pair, so the search may give one up on the way to an even mix and win it back."""

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
    clock = Clock(instance, bound, on_progress, stop, now or wall_clock)
    settled = _settled_at_once(instance, bound, limits, clock)
    if settled is not None:
        return settled
    run = _Run(instance, bound, clock)
    plan = run.best_start()
    clock.report(plan.pairs, force=True)
    plan = run.finish(run.search(plan), limits)
    clock.phase = "done"
    clock.report(plan.pairs, force=True)
    proven = plan.proven or plan.pairs >= bound
    return clock.result(plan.schedule, plan.pairs, proven, plan.method, limits)


def _settled_at_once(
    instance: Instance, bound: int, limits: list[str], clock: Clock
) -> SolveResult | None:
    """The result of an event with nothing to choose (nobody, no rounds, or one table)."""
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
    return None


@dataclasses.dataclass(frozen=True)
class _Plan:
    """The plan so far, as it passes from phase to phase."""

    schedule: Schedule
    pairs: int
    method: str
    """The phases that made it: "construction + tabu search"."""
    proven: bool = False
    """Proven optimal below the bound (CP-SAT)."""
    settled: bool | None = None
    """After the rule-aware search: whether every rule is met with no avoidable waste (the
    core cost's target); None when no such search ran."""


class _Start(NamedTuple):
    method: str
    make: Callable[[], Schedule | None]
    fallback: bool
    """Tried only when no start before it fits."""


class _Run:
    """One solve: the instance, its rules (None for a plain event: no rule asked), the bound,
    and the seeded generator and clock that every phase shares."""

    def __init__(self, instance: Instance, bound: int, clock: Clock) -> None:
        self.instance = instance
        rules = instance.rules
        self.rules = rules if rules is not None and rules.active else None
        self.bound = bound
        self.clock = clock
        self.rng = np.random.default_rng(instance.seed)
        self.dense = instance.n <= DENSE_LIMIT
        meetings = total_meetings(instance.table_sizes, instance.rounds)
        self.target = _target(self.rules, meetings, bound)

    # -- 1. starts ----------------------------------------------------------------------------

    def starts(self) -> list[_Start]:
        """The starts in the order tried. When no search follows (an event over
        `DENSE_LIMIT`), a plain event takes a design or the rotation deal and the greedy only
        when neither fits; with rules, the greedy alone, the one start that knows them."""
        greedy = _Start("greedy", lambda: self.greedy(self.clock.should_stop), not self.dense)
        if not self.dense and self.rules is not None:
            return [greedy]
        return [
            _Start("construction", self.construction, False),
            _Start("rotation", lambda: _dealt(self.instance), False),
            greedy,
        ]

    def best_start(self) -> _Plan:
        """The best start, stopping at the first that no other can beat (`measure`)."""
        best: tuple[int, _Plan] | None = None
        for method, make, fallback in self.starts():
            if best is not None and (self.clock.should_stop() or fallback):
                break
            self.clock.phase = method
            schedule = make()
            if schedule is None or not fits(self.instance, schedule):
                continue
            schedule = self.seat_hosts(schedule)
            cost, pairs, unbeatable = self.measure(schedule)
            if best is None or cost < best[0]:
                best = (cost, _Plan(schedule, pairs, method))
                self.clock.report(pairs)
            if unbeatable:
                break
        if best is None:  # unequal table capacities that no deal fits: the greedy always fits
            schedule = self.seat_hosts(self.greedy(lambda: False))
            return _Plan(schedule, count_pairs(self.instance, schedule), "greedy")
        return best[1]

    def measure(self, schedule: Schedule) -> tuple[int, int, bool]:
        """A start's cost (lower is better), its new pairs, and whether no other start can beat
        it. By new pairs, unbeatable at the bound, for a plain event or one too large to
        search; with rules by their cost, unbeatable once every hard rule is met with every
        new pair (what is left of the mix is the search's)."""
        if self.rules is None or not self.dense:
            pairs = count_pairs(self.instance, schedule)
            return -pairs, pairs, pairs >= self.bound
        scored = self.rule_seating(schedule)
        unbeatable = scored.hard == 0 and PAIR * scored.waste <= self.target
        return scored.cost, scored.pairs, unbeatable

    def construction(self) -> Schedule | None:
        """A design-theory schedule; with rules, people exchanged between its itineraries to
        meet them (`relabel`): it stays as perfect in new pairs as the design itself."""
        schedule = _construct(self.instance)
        if schedule is None or self.rules is None:
            return schedule
        return relabel(
            schedule,
            self.instance.organisations,
            self.instance.table_sizes,
            self.rules,
            self.rng,
            target=self.target,
            should_stop=self.clock.should_stop,
        )

    def greedy(self, should_stop: Callable[[], bool]) -> Schedule:
        return greedy_schedule(
            self.instance.organisations,
            self.instance.table_sizes,
            self.instance.rounds,
            self.rng,
            should_stop,
            self.rules,
        )

    def seat_hosts(self, schedule: Schedule) -> Schedule:
        if self.rules is None:
            return schedule
        return pin_hosts(schedule, self.rules.hosts, self.rules.host_tables)

    # -- 2. search ----------------------------------------------------------------------------

    def search(self, plan: _Plan) -> _Plan:
        """The tabu search from the best start, for events up to `DENSE_LIMIT`; a plain event
        at the bound has nothing left to gain, one with rules may still break one."""
        if not self.dense or (self.rules is None and plan.pairs >= self.bound):
            return plan
        if self.clock.should_stop():
            return plan
        self.clock.phase = "tabu search"
        if self.rules is None:
            seating = Seating(self.instance.organisations, self.instance.table_sizes, plan.schedule)
            before = seating.cost
            self.tabu(seating, self.steps(STEPS_PER_SECOND))
            if seating.cost < before:
                return _Plan(seating.schedule(), seating.pairs, plan.method + " + tabu search")
            return plan
        searched, improved = self.rule_search(plan.schedule)
        # the search's own seating even when no better: an equally good plan
        settled = searched.core_cost <= self.target
        if improved:
            method = plan.method + " + tabu search"
            return _Plan(searched.schedule(), searched.pairs, method, settled=settled)
        return dataclasses.replace(plan, schedule=searched.schedule(), settled=settled)

    def rule_search(self, schedule: Schedule) -> tuple[RuleSeating, bool]:
        """The rule-aware tabu search, then the mix push when tables are left over their
        share: the seating and whether the search improved it."""
        assert self.rules is not None
        seating = self.rule_seating(schedule)
        before = seating.cost
        self.tabu(seating, self.steps(RULE_STEPS_PER_SECOND), give_up=RULE_GIVE_UP)
        improved = seating.cost < before
        if seating.mix_excess and not self.rules.weighted and not self.clock.should_stop():
            pushed = self.push_mix(seating)
            if pushed is not None:
                return pushed, True
        return seating, improved

    def push_mix(self, seating: RuleSeating) -> RuleSeating | None:
        """The seating with fewer people over their category's share, when a short search that
        weighs the mix above a new pair finds one that is no worse in anything heavier (hard
        rules, new pairs); None otherwise. With the mix below new pairs, the search will not
        step through a plan one pair short, which an even mix often takes (150 people, 8
        rounds: 5 tables over the share and 2,999 pairs became none and 3,000 in 141 steps)."""
        assert self.rules is not None
        pushing_rules = dataclasses.replace(self.rules, mix_weight=MIX_PUSH_WEIGHT)
        pushing = self.rule_seating(seating.schedule(), pushing_rules)
        self.tabu(pushing, MIX_PUSH_STEPS, give_up=MIX_PUSH_GIVE_UP)
        pushed = self.rule_seating(pushing.schedule())
        return pushed if pushed.core_cost < seating.core_cost else None

    def steps(self, per_second_full: int) -> int:
        """The search's step budget from the time limit, smaller on larger events (see
        `STEPS_PER_SECOND`); a plain event small enough for CP-SAT leaves it the rest."""
        n = self.instance.n
        per_second = per_second_full * min(1.0, STEPS_FULL_SIZE / max(n, 1))
        steps = max(1000, int(self.instance.time_limit * per_second))
        sizes = self.instance.table_sizes
        if self.rules is None and small_enough(n, len(sizes), self.instance.rounds):
            steps = min(steps, SMALL_EVENT_STEPS)
        return steps

    def tabu(self, seating: Seating, steps: int, *, give_up: int | None = None) -> int:
        """The tabu search on `seating`, reporting its pairs as it improves; returns the steps
        it took (see `SearchBudget` for the target and `give_up`)."""
        budget = SearchBudget(
            steps=steps,
            target_waste=self.target,
            should_stop=self.clock.should_stop,
            on_improvement=lambda cost: self.clock.report(seating.pairs),
            give_up=give_up,
        )
        return tabu_search(seating, self.rng, budget)

    def rule_seating(self, schedule: Schedule, rules: SolverRules | None = None) -> RuleSeating:
        """The schedule scored by the event's rules (or by `rules`, their variant)."""
        chosen = rules if rules is not None else self.rules
        assert chosen is not None
        return RuleSeating(self.instance.organisations, self.instance.table_sizes, schedule, chosen)

    # -- 3. finish ----------------------------------------------------------------------------

    def finish(self, plan: _Plan, limits: list[str]) -> _Plan:
        """CP-SAT for a small plain event; with rules, soft preferences after the search."""
        if self.rules is None:
            return self.exact(plan, limits)
        if plan.settled is None or not self.rules.wants_preferences:
            return plan
        if self.clock.should_stop():
            return plan
        # the rules and the pairs first, then soft preferences that never buy a worse plan
        self.clock.phase = "preferences"
        return dataclasses.replace(plan, schedule=self.polish(plan.schedule, plan.settled))

    def exact(self, plan: _Plan, limits: list[str]) -> _Plan:
        """CP-SAT on the whole event when it is small enough and the bound is not reached: the
        plan it finds when no worse, proven optimal when it says so (`limits` then say why
        the bound is out of reach)."""
        instance = self.instance
        sizes = instance.table_sizes
        if plan.pairs >= self.bound or not small_enough(instance.n, len(sizes), instance.rounds):
            return plan
        if self.clock.should_stop():
            return plan
        self.clock.phase = "exact"
        self.clock.report(plan.pairs, force=True)
        from speedmeet.solve.exact import solve_exactly  # OR-Tools loads only for tiny events

        outcome = solve_exactly(
            instance.organisations,
            sizes,
            instance.rounds,
            bound=self.bound,
            hint=plan.schedule,
            seed=instance.seed,
            workers=instance.workers,
            deterministic_seconds=EXACT_SHARE * instance.time_limit,
            wall_seconds=self.clock.remaining,
            stop=self.clock.stop,
        )
        self.clock.should_stop()  # records whether the safety stop cut CP-SAT short
        if outcome.schedule is None or outcome.pairs < plan.pairs:
            return plan
        method = plan.method + (" + exact" if outcome.pairs > plan.pairs else "")
        if outcome.proven_optimal and outcome.pairs < self.bound:
            limits.append(notes.PROVEN_BY_SEARCH.format(count=outcome.pairs))
        return _Plan(outcome.schedule, outcome.pairs, method, proven=outcome.proven_optimal)

    def polish(self, schedule: Schedule, settled: bool) -> Schedule:
        """Soft preferences without giving up anything else: people exchanged between
        itineraries (`relabel`, which keeps every rule and pair as it is), then swaps within
        rounds that cost nothing else (the tabu search with preferences counted), and last,
        free swaps that seat people with a need with someone offering it (`serve_needs`).
        With a preference weight the preferences were part of the search itself: only the
        last pass is left."""
        rules = self.rules
        assert rules is not None
        if not rules.weighted and settled:
            schedule = relabel(
                schedule,
                self.instance.organisations,
                self.instance.table_sizes,
                rules,
                self.rng,
                target=self.target,
                should_stop=self.clock.should_stop,
                hosts_seated=True,
                preferences=True,
            )
        seating: RuleSeating | None = None
        if not rules.weighted and not self.clock.should_stop():
            polished = seating = self.rule_seating(schedule)
            polished.prefer()
            if self.tabu(polished, polish_steps(self.instance.n)) > 0:
                schedule = polished.schedule()
        if rules.needs and not self.clock.should_stop():
            if seating is None:
                seating = self.rule_seating(schedule)
            else:  # the polish's own seating, which the search leaves at `schedule`
                seating.prefer(False)
            if serve_needs(seating, rules.needs, self.rng, self.clock.should_stop):
                schedule = seating.schedule()
        return schedule


def _target(rules: SolverRules | None, meetings: int, bound: int) -> int:
    """The core cost at which the search may stop: no avoidable waste (counted in meetings
    for a plain event, in `PAIR`s with rules) and every rule met. With a preference weight
    there is none (preferences can always improve): the search runs until it stops
    improving."""
    if rules is None:
        return meetings - bound
    if rules.weighted:
        return -(1 << 62)
    return PAIR * (meetings - bound)


def small_enough(n: int, table_count: int, rounds: int) -> bool:
    """Whether the whole-event CP-SAT model is small enough to pay off (a few thousand booleans)."""
    return n <= 24 and n * (n - 1) // 2 * rounds * table_count <= 12_000


def _dealt(instance: Instance) -> Schedule:
    return [
        dealt_round(instance.organisations, instance.table_sizes, r) for r in range(instance.rounds)
    ]


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


def count_pairs(instance: Instance, schedule: Schedule) -> int:
    """The instance's new pairs in this schedule (`objective.new_pairs`)."""
    already_met = instance.rules.already_met if instance.rules is not None else ()
    return new_pairs(schedule, instance.organisations, already_met)


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
