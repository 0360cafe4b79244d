"""What the solver is handed and what it hands back: plain data, no ortools.

The solver works on integer indices (participant i = position in the participant list,
organisation = small int); `speedmeet.planning` turns ids into indices and back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Schedule = list[list[list[int]]]
"""rounds -> tables -> participant indices."""


@dataclass(frozen=True)
class Instance:
    """One event as the solver sees it."""

    organisations: Sequence[int]
    """organisations[i] is the organisation index of participant i."""
    table_sizes: Sequence[int]
    """Sizes of the tables of every round (differing by at most one)."""
    rounds: int
    seed: int = 0
    time_limit: float = 10.0
    workers: int = 2

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

Status = Literal["optimal", "feasible", "interrupted", "infeasible"]


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
