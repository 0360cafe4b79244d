"""From participants and settings to a checked plan: the one library call behind `speedmeet plan`.

Checks the settings can work before any search starts (`layout.event_layout`), hands the
solver the event in its terms (`problem.plan_instance`, the translation replanning shares),
names the tables and puts ids back into the schedule, and validates the plan the solver
returns before anyone sees it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.errors import Location, SettingsError
from speedmeet.layout import event_layout
from speedmeet.model import EventSettings, Participant, Plan, Round, SolveSummary, Table
from speedmeet.problem import plan_instance
from speedmeet.quality import Quality
from speedmeet.rules import EventRules
from speedmeet.solve import solve
from speedmeet.solve.problem import ProgressCallback, Schedule, SolveResult
from speedmeet.validate import validate

REQUESTS_SHEET = "Requests"


@dataclass
class PlanOutcome:
    plan: Plan
    result: SolveResult
    quality: Quality


def schedule_to_rounds(
    schedule: Schedule,
    participants: Sequence[Participant],
    settings: EventSettings,
    names: Sequence[str] | None = None,
) -> list[Round]:
    """Name tables ("1", "2", ... unless `names` are given) and replace indices by ids;
    members listed in sheet order."""
    rounds: list[Round] = []
    for r, tables in enumerate(schedule, start=1):
        topic = settings.topics[r - 1] if r - 1 < len(settings.topics) else None
        rounds.append(
            Round(
                round=r,
                topic=topic,
                tables=[
                    Table(
                        table=names[t - 1] if names is not None else str(t),
                        participants=[participants[i].id for i in sorted(members)],
                    )
                    for t, members in enumerate(tables, start=1)
                ],
            )
        )
    return rounds


def make_plan(
    participants: Sequence[Participant],
    settings: EventSettings,
    *,
    rules: EventRules | None = None,
    on_progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
) -> PlanOutcome:
    """Solve the event and return a plan the validator accepts, with its quality figures.

    With `rules`, the plan carries them (`plan.rules`) and its tables take the Tables sheet's
    names; a SettingsError names the Tables sheet when its seats are too few.
    """
    layout = event_layout(len(participants), settings, rules)
    instance = plan_instance(participants, settings, rules, layout)
    result = solve(instance, on_progress=on_progress, stop=stop)
    plan = Plan(
        settings=settings,
        participants=list(participants),
        rounds=schedule_to_rounds(
            result.schedule, participants, settings, [name for name, _ in layout]
        ),
        rules=rules,
        solve=SolveSummary(
            status=result.status,
            method=result.method,
            bound=result.bound,
            proven_optimal=result.proven_optimal,
            limits=result.limits,
            ended_by="safety stop" if result.clock_stopped else None,
        ),
    )
    report = validate(plan)
    if report.violations and all(v.rule == "keep-apart" for v in report.violations):
        raise SettingsError(
            "the keep-apart requests cannot all be met with these tables: "
            + "; ".join(v.message for v in report.violations[:3]),
            Location(sheet=REQUESTS_SHEET),
        )
    if not report.ok or report.quality is None:
        problems = "; ".join(str(v) for v in report.violations[:5])
        raise RuntimeError(f"the solver produced a plan that breaks the rules: {problems}")
    return PlanOutcome(plan=plan, result=result, quality=report.quality)
