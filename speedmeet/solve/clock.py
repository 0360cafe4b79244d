"""The solve's clock: the safety stop, the organiser's stop, and throttled progress reports.

Nothing the search decides depends on the wall clock except stopping at the safety stop
(`problem.safety_stop`), which the result records (`SolveResult.clock_stopped`); the search's
effort itself is counted in work (see `engine`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from speedmeet.solve.problem import (
    Instance,
    Progress,
    ProgressCallback,
    Schedule,
    SolveResult,
    Status,
    safety_stop,
)

PROGRESS_INTERVAL = 0.1
"""Seconds between two progress reports at most ten times a second."""


class Clock:
    """The wall clock's safety stop, the organiser's stop, and throttled progress reports.

    `now` is the clock read (`engine.wall_clock`; tests give a clock of their own). `phase`
    names the step under way in the reports.
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
