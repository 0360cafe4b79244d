"""What the solver is handed and what it hands back: plain data, no ortools.

The solver works on integer indices (participant i = position in the participant list,
organisation = small int); `speedmeet.problem` turns ids into indices, the same way for a new
plan (`Instance`) and a replan (`solve.replan.ReplanProblem`, which carries the same
`SolverRules`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from speedmeet.defaults import DEFAULT_TIME_LIMIT

Schedule = list[list[list[int]]]
"""rounds -> tables -> participant indices."""


Pair = tuple[int, int]
"""Two participant indices, the smaller first."""

SAFETY_FACTOR = 5.0
SAFETY_MARGIN = 30.0
"""The wall clock stops a search only after `SAFETY_FACTOR` times its time limit plus
`SAFETY_MARGIN` seconds: the search's work, counted in steps and CP-SAT deterministic time,
normally ends within the time limit, and a busy machine (four runs at once on two cores) must
not change the plan (the work of a 1-second limit takes up to 3 s of one core on 500 people
with every rule; four such runs beside other work get a sixth of a core each)."""


def safety_stop(time_limit: float) -> float:
    """Seconds of wall clock after which a search of this time limit is stopped unfinished."""
    return SAFETY_FACTOR * time_limit + SAFETY_MARGIN


@dataclass(frozen=True)
class SolverRules:
    """The event's own rules in indices (built by `speedmeet.problem` from `EventRules`).

    Hard rules (never two hosts or a keep-apart pair at one table, must-meet pairs together
    once, a common language at every table) weigh far more than a new pair; the mix and the
    interest terms far less.
    """

    already_met: tuple[Pair, ...] = ()
    """Pairs who met at earlier events: meeting again brings no new pair."""
    hosts: tuple[int, ...] = ()
    host_tables: tuple[int, ...] = ()
    """hosts[i] sits at table host_tables[i] in every round."""
    keep_apart: tuple[Pair, ...] = ()
    must_meet: tuple[Pair, ...] = ()
    languages: tuple[frozenset[str], ...] = ()
    """Per person (empty: not asked); people with no languages are ignored by the rule."""
    table_languages: tuple[frozenset[str], ...] = ()
    """Per table, the languages its people must share one of (the Tables sheet's; empty:
    any); only with `languages`."""
    categories: tuple[int, ...] = ()
    """Per person, the category to spread evenly (-1: none); empty: no mix asked."""
    pair_weights: tuple[tuple[int, int, int], ...] = ()
    """(a, b, weight) per meeting of a and b: negative favours them (shared interests, one
    offers what the other needs), positive keeps them apart softly (interests mixed)."""
    wanted: tuple[tuple[int, int, int], ...] = ()
    """(a, b, weight) paid while a and b never meet: one offers what the other needs."""
    weighted: bool = False
    """Whether the soft weights trade against new pairs (the organiser's preference weight)
    instead of coming strictly after them."""
    mix_weight: int | None = None
    """Weight of one person beyond their category's even share (None: `rule_seating.MIX`,
    below a new pair). With a preference weight it is raised above a new pair and its
    preference together, so that the weight trades preferences against pairs only."""
    needs: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """(person, helpers): someone with a need and everyone offering it; served once they
    share a table with one of them (what the organiser reads in the rule report)."""

    @property
    def wants_preferences(self) -> bool:
        """Whether there are soft preferences (interests, offers and needs) to weigh."""
        return any(weight for _, _, weight in self.pair_weights) or bool(self.wanted)

    @property
    def active(self) -> bool:
        return bool(
            self.already_met
            or self.hosts
            or self.keep_apart
            or self.must_meet
            or any(self.languages)
            or any(c >= 0 for c in self.categories)
            or self.pair_weights
            or self.wanted
        )


@dataclass(frozen=True)
class Instance:
    """One event as the solver sees it."""

    organisations: Sequence[int]
    """organisations[i] is the organisation index of participant i."""
    table_sizes: Sequence[int]
    """Sizes of the tables of every round (differing by at most one, unless table capacities
    from the event's rules say otherwise)."""
    rounds: int
    seed: int = 0
    time_limit: float = DEFAULT_TIME_LIMIT
    """The search effort, in seconds of this 2-core machine: the step and CP-SAT budgets are
    sized from it, and the wall clock stops the search only at `safety_stop(time_limit)`."""
    workers: int = 2
    rules: SolverRules | None = None

    @property
    def n(self) -> int:
        return len(self.organisations)


@dataclass(frozen=True)
class Progress:
    """A live report while solving: the best plan so far against the bound."""

    pairs: int
    bound: int
    elapsed: float
    phase: str


ProgressCallback = Callable[[Progress], None]

Status = Literal["optimal", "feasible", "interrupted", "unknown"]
"""How a search ended, for a new plan and a replan alike: "optimal" proven best (for a replan:
for its last focus), "feasible" a plan without that proof, "interrupted" the organiser's stop
with the best plan so far, "unknown" no plan found within the search's work."""


@dataclass
class SolveResult:
    """The outcome of a solve: the schedule and how it stands against the best possible."""

    status: Status
    schedule: Schedule
    pairs: int
    bound: int
    proven_optimal: bool
    seconds: float
    method: str = ""
    limits: list[str] = field(default_factory=list)
    """Plain-words reasons why the plan cannot do better (unavoidable meetings, impossibilities)."""
    clock_stopped: bool = False
    """Whether the wall clock's safety stop, not the search's own work budget, ended the
    search: only then may the same instance and seed give another schedule."""
