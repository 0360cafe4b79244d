"""Check any finished plan against the rules, independently of how it was made.

Every rule has a short label, so that a report (and a test) can say which rule a plan breaks.
The same checks run on plans fresh from the solver, on hand-edited plan.json files and in tests.
"""

from __future__ import annotations

from collections import Counter

from speedmeet.layout import table_layout
from speedmeet.model import Plan, Round, table_sizes
from speedmeet.quality import Bound, measure, upper_bound
from speedmeet.validate.report import Report
from speedmeet.validate.rules import rule_violations


def present_ids(plan: Plan, round_number: int) -> list[str]:
    """Who should be seated in a round, by the participants' presence windows."""
    return [p.id for p in plan.participants if p.present_in(round_number)]


def plan_bound(plan: Plan) -> Bound:
    """The PRODUCT.md upper bound for the people and rounds of this plan."""
    organisation_of = {p.id: p.organisation for p in plan.participants}
    present = [present_ids(plan, r) for r in range(1, len(plan.rounds) + 1)]
    layouts = [
        [size for _, size in table_layout(len(ids), plan.settings, plan.rules)] for ids in present
    ]
    history = plan.rules.history if plan.rules is not None else []
    return upper_bound(organisation_of, layouts, present, already_met=history)


def validate(plan: Plan) -> Report:
    """All rule violations of a plan, and its quality figures."""
    report = Report()
    if len(plan.rounds) != plan.settings.rounds:
        report.add(
            "round-count",
            f"the settings ask for {plan.settings.rounds} rounds but the plan has "
            f"{len(plan.rounds)}",
        )
    for round_ in plan.rounds:
        _check_seats(plan, round_, report)
        # with a Tables sheet, the layout follows its capacities: `rule_violations` checks it
        if not (plan.rules is not None and plan.rules.tables):
            _check_table_sizes(plan, round_, report)
    if plan.rules is not None:
        report.violations.extend(rule_violations(plan))
    if report.ok:
        organisation_of = {p.id: p.organisation for p in plan.participants}
        schedule = [[t.participants for t in round_.tables] for round_ in plan.rounds]
        history = plan.rules.history if plan.rules is not None else []
        report.quality = measure(schedule, organisation_of, plan_bound(plan), already_met=history)
    return report


def _check_seats(plan: Plan, round_: Round, report: Report) -> None:
    """Everyone present seated exactly once, nobody absent or unknown, no empty or twice-named
    table."""
    r = round_.round
    known = plan.participant_by_id()
    seats: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for table in round_.tables:
        names[table.table] += 1
        if not table.participants:
            report.add("empty-table", f"round {r}, table {table.table} has nobody")
        for pid in table.participants:
            seats[pid] += 1
            if pid not in known:
                report.add(
                    "unknown-participant", f"round {r}, table {table.table}: unknown id {pid!r}"
                )
            elif not known[pid].present_in(r):
                report.add(
                    "absent-seated",
                    f"round {r}, table {table.table}: {known[pid].name} ({pid}) is not present "
                    f"in round {r}",
                )
    for name, count in names.items():
        if count > 1:
            report.add("table-name-unique", f"round {r}: table {name!r} appears {count} times")
    for pid, count in seats.items():
        if count > 1 and pid in known:
            report.add(
                "seated-once", f"round {r}: {known[pid].name} ({pid}) sits at {count} tables"
            )
    for pid in present_ids(plan, r):
        if seats[pid] == 0:
            report.add("seated-once", f"round {r}: {known[pid].name} ({pid}) has no table")


def _check_table_sizes(plan: Plan, round_: Round, report: Report) -> None:
    """Tables at most one apart, none over the table size, as many as the people need."""
    r, settings = round_.round, plan.settings
    sizes = [len(t.participants) for t in round_.tables if t.participants]
    if not sizes:
        return
    if max(sizes) - min(sizes) > 1:
        report.add(
            "balanced-tables",
            f"round {r}: table sizes range from {min(sizes)} to {max(sizes)} (at most one apart)",
        )
    if settings.tables is None and max(sizes) > settings.table_size:
        report.add(
            "table-size",
            f"round {r}: a table seats {max(sizes)}, more than the table size "
            f"{settings.table_size}",
        )
    expected = len(table_sizes(sum(sizes), settings.table_size, settings.tables))
    if len(sizes) != expected:
        report.add(
            "table-count",
            f"round {r}: {len(sizes)} tables where {expected} are needed for {sum(sizes)} people",
        )
