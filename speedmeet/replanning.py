"""Replanning mid-event: no-shows, early leavers and walk-ins, with the fewest seat changes.

The rounds already held never change. People who leave stay in the rounds they attended; people
who arrive join from the first replanned round. `replan` is pure (it reads and writes no
files): it works out who attends from now on, the tables of each round to come
(`layout.replanned_tables`), hands the solver the same problem a new plan has with the held
rounds frozen (`problem.replan_problem`, solved by `solve.replan` moving as few people as it
can), and checks the new plan with the validator. Where its inputs and outputs live: walk-ins
and drops as typed in `readers.walk_ins`, the plan versions in `plan_versions`, changes.csv and
the reprint folder in `exports.reprint`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from speedmeet.changes import ReplanOutcome, seat_changes
from speedmeet.defaults import DEFAULT_TIME_LIMIT
from speedmeet.errors import ReplanError, SettingsError
from speedmeet.languages import normalise_languages
from speedmeet.layout import ReplannedTables, replanned_tables
from speedmeet.model import Participant, Plan, Round, SolveSummary, Table
from speedmeet.planfile import HISTORY_FIELD
from speedmeet.problem import replan_problem
from speedmeet.readers.walk_ins import (
    fold_name,
    next_participant_id,
    organisation_spellings,
    resolve_drop,
)
from speedmeet.solve.replan import solve_replan
from speedmeet.solve.replan_problem import ReplanResult
from speedmeet.validate import rule_report, validate


@dataclass
class _Change:
    """Who attends the rounds to come once the change is made."""

    everyone: list[Participant] = field(default_factory=list)
    """The new participant list: everyone still there, leavers who attended earlier rounds
    (their last round set), and arrivals."""
    dropped: list[Participant] = field(default_factory=list)
    added: list[Participant] = field(default_factory=list)


def replan(
    plan: Plan,
    *,
    from_round: int,
    drop: Sequence[str] = (),
    add: Sequence[Participant] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    seed: int = 0,
) -> ReplanOutcome:
    """Replan rounds `from_round` onwards after people leave (`drop`) or arrive (`add`).

    Pure: reads and writes no files. `drop` holds ids or unambiguous names. The event's rules
    (`plan.rules`) hold in the new rounds: hosts keep their table, keep-apart pairs never
    share one, pairs who met at earlier events count as met, tables stay within capacity.
    """
    started = time.monotonic()
    _check_request(plan, from_round, drop, add)
    change = _Change()
    _drop(plan, from_round, drop, change)
    _add(plan, from_round, add, change)
    tables = _tables_to_come(plan, from_round, change.everyone)
    hosts = _host_walk_in_tables(plan, change.added, change.everyone, tables)
    _check_attendance(change.everyone, tables)
    problem = replan_problem(
        plan, change.everyone, from_round, tables, hosts, seed=seed, time_limit=time_limit
    )
    result = solve_replan(problem)
    _check_solved(result, plan, time_limit)
    new_plan = _new_plan(plan, change, from_round, tables, result)
    report = validate(new_plan)
    if not report.ok or report.quality is None:
        problems = "; ".join(str(v) for v in report.violations[:5])
        raise ReplanError(
            f"the replanned plan breaks the rules ({problems}); the plan was not changed"
        )
    warnings = _warnings(plan, new_plan, result)
    new_plan.solve = SolveSummary(
        status="replanned",
        method="replan: fewest seat changes from the previous plan",
        bound=report.quality.bound.value,
        proven_optimal=False,
        limits=list(warnings),
        ended_by="safety stop" if result.clock_stopped else None,
    )
    moved_ids = [change.everyone[p].id for p in result.moved]
    return ReplanOutcome(
        plan=new_plan,
        previous=plan,
        from_round=from_round,
        changes=seat_changes(plan, new_plan, from_round),
        moved=moved_ids,
        dropped=change.dropped,
        added=change.added,
        seconds=time.monotonic() - started,
        proven_optimal=result.status == "optimal",
        introduced_conflicts=result.introduced_conflicts,
        quality_before=validate(plan).quality,
        quality_after=report.quality,
        warnings=warnings,
    )


def _check_request(
    plan: Plan, from_round: int, drop: Sequence[str], add: Sequence[Participant]
) -> None:
    rounds = len(plan.rounds)
    if not 1 <= from_round <= rounds:
        raise ReplanError(
            f"--from-round {from_round}: the plan has {rounds} rounds; give a round from 1 to {rounds}"
        )
    if not drop and not add:
        raise ReplanError("nothing to replan: give at least one --drop or --add")


def _attends_from(participant: Participant, from_round: int, rounds: int) -> bool:
    return any(participant.present_in(r) for r in range(from_round, rounds + 1))


def _attended_before(participant: Participant, from_round: int) -> bool:
    return any(participant.present_in(r) for r in range(1, from_round))


def _drop(plan: Plan, from_round: int, drop: Sequence[str], change: _Change) -> None:
    """Leavers out of the rounds to come; those who attended earlier rounds stay in them."""
    by_id = plan.participant_by_id()
    dropped_ids: list[str] = []
    for token in drop:
        pid = resolve_drop(token, plan)
        if pid in dropped_ids:
            continue
        if not _attends_from(by_id[pid], from_round, len(plan.rounds)):
            person = by_id[pid]
            raise ReplanError(
                f"{person.name} ({pid}) does not attend round {from_round} or later; nothing to drop"
            )
        dropped_ids.append(pid)
    for person in plan.participants:
        if person.id not in dropped_ids:
            change.everyone.append(person)
            continue
        change.dropped.append(person)
        if _attended_before(person, from_round):
            last = (
                from_round - 1
                if person.last_round is None
                else min(person.last_round, from_round - 1)
            )
            change.everyone.append(person.model_copy(update={"last_round": last}))


def _add(plan: Plan, from_round: int, add: Sequence[Participant], change: _Change) -> None:
    """Arrivals from `from_round` (or their own later first round), with fresh ids where
    theirs are taken and their organisation as the plan spells it."""
    rounds = len(plan.rounds)
    taken = {p.id for p in plan.participants}
    known = {(fold_name(p.name), p.organisation_key): p.id for p in plan.participants}
    spellings = organisation_spellings(plan)
    for person in add:
        same = known.get((fold_name(person.name), person.organisation_key))
        if same is not None:
            raise ReplanError(
                f"{person.name} ({person.organisation}) is already in the plan as {same}"
            )
        pid = person.id if person.id not in taken else next_participant_id(taken)
        taken.add(pid)
        known[(fold_name(person.name), person.organisation_key)] = pid
        first = max(from_round, person.first_round or from_round)
        if person.last_round is not None and person.last_round < first:
            raise ReplanError(
                f"{person.name} leaves after round {person.last_round}, before round {first}; nothing to add"
            )
        if first > rounds:
            raise ReplanError(
                f"{person.name} arrives after the last round ({rounds}); nothing to add"
            )
        newcomer = person.model_copy(
            update={
                "id": pid,
                "organisation": spellings.get(person.organisation_key, person.organisation),
                "first_round": first,
            }
        )
        change.added.append(newcomer)
        change.everyone.append(newcomer)


def _tables_to_come(
    plan: Plan, from_round: int, everyone: Sequence[Participant]
) -> dict[int, ReplannedTables]:
    """The tables of each round to come for the people who attend it."""
    tables: dict[int, ReplannedTables] = {}
    for r in range(from_round, len(plan.rounds) + 1):
        present = sum(1 for p in everyone if p.present_in(r))
        try:
            tables[r] = replanned_tables(plan, r, present)
        except SettingsError as error:
            raise ReplanError(error.message, error.where) from None
    return tables


def _check_attendance(everyone: Sequence[Participant], tables: dict[int, ReplannedTables]) -> None:
    for r in tables:
        present = sum(1 for p in everyone if p.present_in(r))
        if present < 2:
            who = "nobody" if not present else "only one person"
            raise ReplanError(
                f"after this change {who} would attend round {r}; there is nothing to plan"
            )


def _host_table_misfit(
    plan: Plan, host: Participant, rounds: Sequence[int], name: str
) -> tuple[int, int]:
    """How badly a table suits an arriving host: people there who share no language with
    them, then how many sit there already (a fuller table means more people to move)."""
    by_id = plan.participant_by_id()
    misfits = seated = 0
    for r in rounds:
        for table in plan.rounds[r - 1].tables:
            if table.table != name:
                continue
            for pid in table.participants:
                person = by_id[pid]
                seated += 1
                if host.languages and person.languages:
                    misfits += not set(normalise_languages(host.languages)) & set(
                        normalise_languages(person.languages)
                    )
    return misfits, seated


def _host_walk_in_tables(
    plan: Plan,
    added: Sequence[Participant],
    everyone: Sequence[Participant],
    tables: dict[int, ReplannedTables],
) -> dict[str, str]:
    """A table for each arriving host that no other host holds in any round they attend;
    they keep it in every round."""
    hosted: set[str] = set()
    hosts = {p.id for p in everyone if p.host}
    for round_ in plan.rounds:
        hosted.update(t.table for t in round_.tables if hosts.intersection(t.participants))
    chosen: dict[str, str] = {}
    for person in added:
        if not person.host:
            continue
        rounds = [r for r in tables if person.present_in(r)]
        candidates = [
            name
            for name in tables[rounds[0]].names
            if name not in hosted and all(name in tables[r].names for r in rounds)
        ]
        if not candidates:
            raise ReplanError(
                f"{person.name} is a host, but every table already has a host; "
                "add them without the host mark or add a table"
            )
        best = min(candidates, key=lambda name: _host_table_misfit(plan, person, rounds, name))
        chosen[person.id] = best
        hosted.add(best)
    return chosen


def _check_solved(result: ReplanResult, plan: Plan, time_limit: float) -> None:
    if result.schedule and result.broken_rules:
        raise ReplanError(
            "no new plan keeps every host at their table, every keep-apart pair apart and "
            "every table within its size"
            + (" from the Tables sheet" if plan.rules is not None and plan.rules.tables else "")
            + f" within {time_limit:g} seconds; try a longer --time-limit, or check the requests"
        )
    if not result.schedule:
        raise ReplanError(
            f"no new plan was found within the time limit of {time_limit:g} seconds; try a longer --time-limit"
        )


def _new_plan(
    plan: Plan,
    change: _Change,
    from_round: int,
    tables: dict[int, ReplannedTables],
    result: ReplanResult,
) -> Plan:
    """The held rounds as they were, the replanned ones seated as solved (closed tables
    left out), and this replan added to the plan's history of changes."""
    everyone = change.everyone
    new_rounds = list(plan.rounds[: from_round - 1])
    for r, seating in zip(range(from_round, len(plan.rounds) + 1), result.schedule, strict=True):
        seated = [
            Table(table=tables[r].names[t], participants=[everyone[p].id for p in members])
            for t, members in enumerate(seating)
            if members
        ]
        new_rounds.append(Round(round=r, topic=plan.rounds[r - 1].topic, tables=seated))
    extras: dict[str, Any] = dict(plan.model_extra or {})
    extras[HISTORY_FIELD] = [
        *extras.get(HISTORY_FIELD, []),
        {
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "from_round": from_round,
            "dropped": [p.id for p in change.dropped],
            "added": [p.id for p in change.added],
            "moved": [everyone[p].id for p in result.moved],
        },
    ]
    return Plan(
        settings=plan.settings,
        participants=everyone,
        rounds=new_rounds,
        rules=plan.rules,
        **extras,
    )


def _warnings(before: Plan, after: Plan, result: ReplanResult) -> list[str]:
    """What the organiser should know about the new plan: rules it no longer meets (the
    replan keeps them only where that moves nobody more and costs no new pair), a busy
    machine, conflicts no seating could avoid."""
    warnings: list[str] = []
    if after.rules is not None:
        met_before = {o.rule for o in rule_report(before) if o.met and not o.limited}
        warnings.extend(
            f"{outcome.rule} no longer fully met: {outcome.detail}"
            for outcome in rule_report(after)
            if (not outcome.met or outcome.limited) and outcome.rule in met_before
        )
    if result.clock_stopped:
        warnings.append(
            "the machine was too busy for the search's work: the wall clock's safety stop "
            "ended it, so another run may give another plan"
        )
    if result.introduced_conflicts:
        warnings.append(
            f"{result.introduced_conflicts} repeat or same-organisation meeting(s) "
            "could not be avoided"
        )
    return warnings
