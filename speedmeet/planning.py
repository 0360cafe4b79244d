"""From participants and settings to a checked plan: the one library call behind `speedmeet plan`.

Turns participant ids into the solver's integer indices and back, checks the settings can work
before any search starts, and validates the plan the solver returns before anyone sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.errors import SettingsError
from speedmeet.model import (
    EventSettings,
    Participant,
    Plan,
    Round,
    SolveSummary,
    Table,
    table_sizes,
)
from speedmeet.quality import Quality
from speedmeet.solve import solve
from speedmeet.solve.problem import Instance, ProgressCallback, Schedule, SolveResult
from speedmeet.validate import validate


@dataclass
class PlanOutcome:
    plan: Plan
    result: SolveResult
    quality: Quality


def check_settings(participant_count: int, settings: EventSettings) -> list[int]:
    """The table layout of one round, or a SettingsError saying why the settings cannot work."""
    if participant_count < 2:
        raise SettingsError(
            f"a speed meeting needs at least 2 participants; the list has {participant_count}"
        )
    if settings.tables is not None and settings.tables > participant_count // 2:
        raise SettingsError(
            f"{settings.tables} tables for {participant_count} participants would leave someone "
            f"alone at a table; use at most {participant_count // 2} tables"
        )
    sizes = table_sizes(participant_count, settings.table_size, settings.tables)
    if len(sizes) < 2:
        raise SettingsError(
            f"{participant_count} participants fill only one table of {settings.table_size}: "
            "nobody can rotate; use a smaller --table-size or --tables 2"
        )
    return sizes


def organisation_indices(participants: Sequence[Participant]) -> list[int]:
    """A small integer per organisation, in order of first appearance (stable for a given list)."""
    index: dict[str, int] = {}
    return [index.setdefault(p.organisation, len(index)) for p in participants]


def schedule_to_rounds(
    schedule: Schedule, participants: Sequence[Participant], settings: EventSettings
) -> list[Round]:
    """Name tables "1", "2", ... and replace indices by ids; members listed in sheet order."""
    rounds: list[Round] = []
    for r, tables in enumerate(schedule, start=1):
        topic = settings.topics[r - 1] if r - 1 < len(settings.topics) else None
        rounds.append(
            Round(
                round=r,
                topic=topic,
                tables=[
                    Table(table=str(t), participants=[participants[i].id for i in sorted(members)])
                    for t, members in enumerate(tables, start=1)
                ],
            )
        )
    return rounds


def make_plan(
    participants: Sequence[Participant],
    settings: EventSettings,
    *,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> PlanOutcome:
    """Solve the event and return a plan the validator accepts, with its quality figures."""
    sizes = check_settings(len(participants), settings)
    instance = Instance(
        organisations=organisation_indices(participants),
        table_sizes=sizes,
        rounds=settings.rounds,
        seed=settings.seed,
        time_limit=settings.time_limit,
    )
    result = solve(instance, on_progress=on_progress, stop=stop)
    plan = Plan(
        settings=settings,
        participants=list(participants),
        rounds=schedule_to_rounds(result.schedule, participants, settings),
        solve=SolveSummary(
            status=result.status,
            method=result.method,
            bound=result.bound,
            proven_optimal=result.proven_optimal,
            limits=result.limits,
        ),
    )
    report = validate(plan)
    if not report.ok or report.quality is None:
        problems = "; ".join(str(v) for v in report.violations[:5])
        raise RuntimeError(f"the solver produced a plan that breaks the rules: {problems}")
    return PlanOutcome(plan=plan, result=result, quality=report.quality)
