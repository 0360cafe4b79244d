"""The solve beside a live progress bar, where Ctrl-C stops the search and keeps its best plan."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from speedmeet.cli.common import console, error_console

if TYPE_CHECKING:
    from speedmeet.event_setup import EventSetup
    from speedmeet.model import EventSettings
    from speedmeet.planning import PlanOutcome
    from speedmeet.solve.problem import Progress as SolveProgress


def solve_with_progress(setup: EventSetup, settings: EventSettings) -> tuple[PlanOutcome, bool]:
    """The plan and whether Ctrl-C cut its search short; the solver runs in a thread so that
    Ctrl-C only asks it to stop."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from speedmeet.event_setup import plan_event

    stop = threading.Event()
    outcome: list[PlanOutcome] = []
    failure: list[BaseException] = []

    with Progress(
        TextColumn("[bold]Solving[/bold] {task.fields[phase]}"),
        BarColumn(),
        TextColumn("{task.fields[pairs]}"),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task("solve", total=None, phase="", pairs="")

        def report(update: SolveProgress) -> None:
            progress.update(
                task,
                completed=update.pairs,
                total=max(update.bound, 1),
                phase=update.phase,
                pairs=f"{update.pairs} / {update.bound} pairs",
            )

        def costing() -> None:
            progress.update(task, phase="what the rules cost", pairs="")

        def work() -> None:
            try:
                outcome.append(
                    plan_event(setup, settings, on_progress=report, on_costing=costing, stop=stop)
                )
            except BaseException as error:  # handed to the main thread, re-raised there
                failure.append(error)
            finally:
                done.set()

        # Waiting on an Event, not Thread.join(): an interrupted join can report a live thread
        # as finished, and Ctrl-C must only ask the solver to stop, never lose its result.
        done = threading.Event()
        worker = threading.Thread(target=work, name="speedmeet-solver", daemon=True)
        worker.start()
        interrupted = _wait(done, stop)
    if failure:
        raise failure[0]
    return outcome[0], interrupted


def _wait(done: threading.Event, stop: threading.Event) -> bool:
    """Wait for the solver; the first Ctrl-C asks it to stop. Whether it was interrupted."""
    interrupted = False
    announced = error_console.is_terminal  # a terminal shows the progress bar instead
    while not done.is_set():
        try:
            if not announced:  # a log, or a test waiting for the solve to start
                announced = True
                console.print("Solving (Ctrl-C keeps the best plan so far)...")
            done.wait(timeout=0.1)
        except KeyboardInterrupt:
            if not interrupted:
                interrupted = True
                stop.set()
                error_console.print("Stopping: keeping the best plan found so far...")
    return interrupted
