"""Replanning mid-event: no-shows, early leavers and walk-ins, with the fewest seat changes.

The rounds already held never change. People who leave stay in the rounds they attended; people
who arrive join from the first replanned round. The solver (`speedmeet.solve.replan`) moves as
few people as it can; this module turns the plan into what it needs, names new tables, says who
moves where, and keeps every earlier version of plan.json beside the new one.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import os
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from speedmeet.cells import csv_cell
from speedmeet.errors import Location, SettingsError, SpeedmeetError
from speedmeet.files import atomic_path, write_text_atomically
from speedmeet.languages import normalise_languages
from speedmeet.model import (
    Participant,
    Plan,
    Round,
    SolveSummary,
    Table,
    organisation_key,
    table_sizes,
)
from speedmeet.planfile import PLAN_FILENAME, read_plan, write_plan
from speedmeet.quality import Quality
from speedmeet.validate import validate

CHANGES_FILENAME = "changes.csv"
REPRINT_FOLDER = "reprint"
HISTORY_FIELD = "replans"
"""Extra plan.json field: one entry per replan, saying what changed and when."""

_VERSION_FILE = re.compile(r"^plan\.v(\d+)\.json$")
_NUMBERED_ID = re.compile(r"^(.*?)(\d+)$")


class ReplanError(SpeedmeetError):
    """A replan request that cannot be carried out as asked (unknown person, bad round...)."""


@dataclass(frozen=True)
class SeatChange:
    """One person's table in one round, before and after (None: not seated)."""

    participant_id: str
    name: str
    organisation: str
    round: int
    old_table: str | None
    new_table: str | None

    def describe(self) -> str:
        """The line an organiser reads out: "Amira Haddad: round 3 table 4 -> table 7"."""
        before = f"table {self.old_table}" if self.old_table is not None else "not seated"
        after = f"table {self.new_table}" if self.new_table is not None else "leaves"
        return f"{self.name}: round {self.round} {before} -> {after}"


@dataclass
class ReplanOutcome:
    """The new plan, the one it replaces, and exactly what changed between them."""

    plan: Plan
    previous: Plan
    from_round: int
    changes: list[SeatChange]
    moved: list[str]
    """Ids of people already seated whose table changed in some round (their badge is wrong)."""
    dropped: list[Participant]
    added: list[Participant]
    seconds: float
    proven_optimal: bool
    introduced_conflicts: int
    """Repeats or same-organisation meetings the change could not avoid."""
    quality_before: Quality | None
    quality_after: Quality | None
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_rounds(self) -> list[int]:
        """Rounds whose table lists differ from the previous plan (their sheets need reprinting)."""
        return sorted({change.round for change in self.changes})

    @property
    def reprint_participants(self) -> list[str]:
        """Ids whose badge or itinerary must be printed again: people who moved and walk-ins."""
        return [*self.moved, *(p.id for p in self.added)]


@dataclass(frozen=True)
class PlanVersion:
    """One plan.json kept in a plan folder, for `speedmeet history`."""

    version: int
    path: Path
    when: datetime | None
    participants: int
    summary: str
    current: bool


def _fold_name(text: str) -> str:
    return organisation_key(text)


def resolve_drop(token: str, plan: Plan) -> str:
    """The id of the participant meant by `token`: an id, or a name when it is not ambiguous."""
    token = token.strip()
    by_id = plan.participant_by_id()
    if token in by_id:
        return token
    folded_ids = {pid.casefold(): pid for pid in by_id}
    if token.casefold() in folded_ids:
        return folded_ids[token.casefold()]
    wanted = _fold_name(token)
    matches = [p for p in plan.participants if wanted and _fold_name(p.name) == wanted]
    if len(matches) == 1:
        return matches[0].id
    if matches:
        candidates = ", ".join(f"{p.id} ({p.name}, {p.organisation})" for p in matches)
        raise ReplanError(f"'{token}' could be several people: {candidates}; give the id instead")
    names = [p.name for p in plan.participants]
    close = difflib.get_close_matches(token, names, n=3, cutoff=0.7)
    hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
    raise ReplanError(f"no participant has the id or name '{token}'{hint}")


def next_participant_id(taken: Sequence[str] | set[str]) -> str:
    """A fresh id continuing the plan's scheme: after P0070 comes P0071."""
    taken_set = set(taken)
    schemes: Counter[str] = Counter()
    highest: dict[str, int] = {}
    width: dict[str, int] = {}
    for pid in taken_set:
        match = _NUMBERED_ID.match(pid)
        if match:
            prefix, digits = match.groups()
            schemes[prefix] += 1
            highest[prefix] = max(highest.get(prefix, 0), int(digits))
            width[prefix] = max(width.get(prefix, 0), len(digits))
    if schemes:
        prefix = max(schemes, key=lambda p: (schemes[p], p))
        number, digits = highest[prefix] + 1, width[prefix]
    else:
        prefix, number, digits = "P", len(taken_set) + 1, 4
    while f"{prefix}{number:0{digits}d}" in taken_set:
        number += 1
    return f"{prefix}{number:0{digits}d}"


def _organisation_spellings(plan: Plan) -> dict[str, str]:
    return {p.organisation_key: p.organisation for p in plan.participants}


def parse_walk_in(text: str, existing: Plan) -> Participant:
    """A walk-in from "Jean Dupont; Caritas Genève"; the organisation joins a known spelling.

    Without an organisation the person is their own organisation, as the readers do.
    """
    name, _, organisation = text.partition(";")
    name, organisation = " ".join(name.split()), " ".join(organisation.split())
    if not name:
        raise ReplanError(f"--add '{text}': give the person as \"name; organisation\"")
    spelling = _organisation_spellings(existing).get(organisation_key(organisation or name))
    return Participant(
        id=next_participant_id({p.id for p in existing.participants}),
        name=name,
        organisation=spelling or organisation or name,
    )


def walk_ins_from_participants(
    participants: Sequence[Participant], existing: Plan, *, keep_ids: bool = True
) -> tuple[list[Participant], list[str]]:
    """People read from a late-arrivals sheet, minus those already in the plan (warned).

    With `keep_ids` False (the sheet had no id column) they get ids continuing the plan's.
    """
    spellings = _organisation_spellings(existing)
    known = {(_fold_name(p.name), p.organisation_key): p for p in existing.participants}
    by_id = existing.participant_by_id()
    taken = set(by_id)
    walk_ins: list[Participant] = []
    warnings: list[str] = []
    for person in participants:
        same = known.get((_fold_name(person.name), person.organisation_key))
        namesake = by_id.get(person.id)
        if same is None and namesake and _fold_name(namesake.name) == _fold_name(person.name):
            same = namesake
        if same is not None:
            warnings.append(
                f"{person.name} ({person.organisation}) is already in the plan as {same.id}; "
                "not added"
            )
            continue
        pid = person.id if keep_ids else next_participant_id(taken)
        taken.add(pid)
        spelling = spellings.get(person.organisation_key, person.organisation)
        walk_ins.append(person.model_copy(update={"id": pid, "organisation": spelling}))
    return walk_ins, warnings


def _attends_from(participant: Participant, from_round: int, rounds: int) -> bool:
    return any(participant.present_in(r) for r in range(from_round, rounds + 1))


def _attended_before(participant: Participant, from_round: int) -> bool:
    return any(participant.present_in(r) for r in range(1, from_round))


def _check_from_round(plan: Plan, from_round: int) -> None:
    rounds = len(plan.rounds)
    if not 1 <= from_round <= rounds:
        raise ReplanError(
            f"--from-round {from_round}: the plan has {rounds} rounds; give a round from 1 to {rounds}"
        )


def _participants_after(
    plan: Plan, from_round: int, drop: Sequence[str], add: Sequence[Participant]
) -> tuple[list[Participant], list[Participant], list[Participant], list[str]]:
    """The participant list after the change: (everyone, dropped, added, warnings)."""
    rounds = len(plan.rounds)
    by_id = plan.participant_by_id()
    dropped_ids: list[str] = []
    for token in drop:
        pid = resolve_drop(token, plan)
        if pid in dropped_ids:
            continue
        if not _attends_from(by_id[pid], from_round, rounds):
            person = by_id[pid]
            raise ReplanError(
                f"{person.name} ({pid}) does not attend round {from_round} or later; nothing to drop"
            )
        dropped_ids.append(pid)

    everyone: list[Participant] = []
    dropped: list[Participant] = []
    for person in plan.participants:
        if person.id not in dropped_ids:
            everyone.append(person)
            continue
        dropped.append(person)
        if _attended_before(person, from_round):
            last = (
                from_round - 1
                if person.last_round is None
                else min(person.last_round, from_round - 1)
            )
            everyone.append(person.model_copy(update={"last_round": last}))

    taken = {p.id for p in plan.participants}
    known = {(_fold_name(p.name), p.organisation_key): p.id for p in plan.participants}
    spellings = _organisation_spellings(plan)
    added: list[Participant] = []
    warnings: list[str] = []
    for person in add:
        same = known.get((_fold_name(person.name), person.organisation_key))
        if same is not None:
            raise ReplanError(
                f"{person.name} ({person.organisation}) is already in the plan as {same}"
            )
        pid = person.id if person.id not in taken else next_participant_id(taken)
        taken.add(pid)
        known[(_fold_name(person.name), person.organisation_key)] = pid
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
        added.append(newcomer)
        everyone.append(newcomer)
    return everyone, dropped, added, warnings


def _new_table_names(plan: Plan, count: int) -> list[str]:
    """Names for tables the plan never had: after tables 1-14 come 15, 16..."""
    used = {table.table for round_ in plan.rounds for table in round_.tables}
    numbers = [int(name) for name in used if name.isdigit()]
    number = max(numbers, default=0) + 1
    names: list[str] = []
    while len(names) < count:
        if str(number) not in used:
            names.append(str(number))
        number += 1
    return names


@dataclass(frozen=True)
class _RoundTables:
    """One replanned round's tables under the event's rules: how many, which new names, and
    how many people each may seat."""

    count: int
    new_names: list[str]
    size_bounds: list[tuple[int, int]] | None


def _tables_sheet_layout(plan: Plan, r: int, present: int) -> _RoundTables:
    """With a Tables sheet: as many tables as `table_layout` gives, new ones taken from the
    sheet, each seating the round's level (or level + 1) people, capped by its capacity."""
    from speedmeet.validate_rules import TABLES_SHEET, table_capacity, table_layout

    rules = plan.rules
    assert rules is not None and rules.tables
    try:
        layout = table_layout(present, plan.settings, rules)
    except SettingsError as error:
        raise ReplanError(
            f"round {r} after this change: {error.message}", Location(sheet=TABLES_SHEET)
        ) from None
    specs = {spec.name: spec for spec in rules.tables}
    capacity = {name: table_capacity(spec, plan.settings, present) for name, spec in specs.items()}
    old_names = [table.table for table in plan.rounds[r - 1].tables]
    missing = [name for name in old_names if name not in specs]
    if missing:
        raise ReplanError(
            f"round {r} seats people at table {missing[0]!r}, which is not on the "
            f"{TABLES_SHEET} sheet",
            Location(sheet=TABLES_SHEET),
        )
    count = len(layout)
    spare = [spec.name for spec in rules.tables if spec.name not in old_names]
    new_names = spare[: max(0, count - len(old_names))]
    if len(old_names) + len(new_names) < count:
        raise ReplanError(
            f"round {r} after this change needs {count} tables but the {TABLES_SHEET} sheet "
            f"lists {len(rules.tables)}; add tables to the sheet",
            Location(sheet=TABLES_SHEET),
        )
    sizes = [size for _, size in layout]
    open_sizes = [size for name, size in layout if size < capacity[name]]
    level = min(open_sizes) if open_sizes else max(sizes)
    bounds = [
        (min(capacity[name], level), min(capacity[name], level + 1))
        for name in [*old_names, *new_names]
    ]
    return _RoundTables(count, new_names, bounds)


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
    names: dict[int, list[str]],
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
        rounds = [r for r in names if person.present_in(r)]
        candidates = [
            name
            for name in names[rounds[0]]
            if name not in hosted and all(name in names[r] for r in rounds)
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


def _categories(everyone: Sequence[Participant], field_name: str) -> list[int]:
    """Each person's stakeholder-mix category as an index (-1: none given), folded as the
    validator folds it."""
    from speedmeet.validate_rules import category

    index: dict[str, int] = {}
    kinds: list[int] = []
    for person in everyone:
        kind = category(person, field_name)
        kinds.append(index.setdefault(kind, len(index)) if kind else -1)
    return kinds


def _rules_no_longer_met(before: Plan, after: Plan) -> list[str]:
    """The event's rules the old plan met and the new one does not: the replan keeps them only
    where that moves nobody more and costs no new pair, so the organiser is told."""
    if after.rules is None:
        return []
    from speedmeet.validate_rules import rule_report

    met_before = {o.rule for o in rule_report(before) if o.met and not o.limited}
    return [
        f"{outcome.rule} no longer fully met: {outcome.detail}"
        for outcome in rule_report(after)
        if (not outcome.met or outcome.limited) and outcome.rule in met_before
    ]


def replan(
    plan: Plan,
    *,
    from_round: int,
    drop: Sequence[str] = (),
    add: Sequence[Participant] = (),
    time_limit: float = 10.0,
    seed: int = 0,
) -> ReplanOutcome:
    """Replan rounds `from_round` onwards after people leave (`drop`) or arrive (`add`).

    Pure: reads and writes no files. `drop` holds ids or unambiguous names. The event's rules
    (`plan.rules`) hold in the new rounds: hosts keep their table, keep-apart pairs never
    share one, pairs who met at earlier events count as met, tables stay within capacity.
    """
    from speedmeet.solve.replan import ReplanProblem, ReplanRound, solve_replan

    started = time.monotonic()
    _check_from_round(plan, from_round)
    if not drop and not add:
        raise ReplanError("nothing to replan: give at least one --drop or --add")
    everyone, dropped, added, warnings = _participants_after(plan, from_round, drop, add)
    rounds = len(plan.rounds)
    settings = plan.settings

    index = {p.id: i for i, p in enumerate(everyone)}
    organisation_index: dict[str, int] = {}
    organisations = [
        organisation_index.setdefault(p.organisation_key, len(organisation_index)) for p in everyone
    ]

    held: Counter[tuple[int, int]] = Counter()
    for round_ in plan.rounds[: from_round - 1]:
        for table in round_.tables:
            seated = sorted(index[pid] for pid in table.participants if pid in index)
            for a_pos, a in enumerate(seated):
                for b in seated[a_pos + 1 :]:
                    held[a, b] += 1
    rules = plan.rules
    apart: set[tuple[int, int]] = set()
    must_meet: set[tuple[int, int]] = set()
    if rules is not None:
        for first, second in rules.history:
            if first in index and second in index and first != second:
                held[min(index[first], index[second]), max(index[first], index[second])] += 1
        for request in rules.requests:
            if request.first in index and request.second in index:
                a, b = index[request.first], index[request.second]
                if a != b:
                    wanted = apart if request.kind == "keep_apart" else must_meet
                    wanted.add((min(a, b), max(a, b)))

    layouts: dict[int, _RoundTables] = {}
    names: dict[int, list[str]] = {}
    plain_new = _new_table_names(plan, max(0, len(everyone)))
    for r in range(from_round, rounds + 1):
        present_count = sum(1 for p in everyone if p.present_in(r))
        old_names = [table.table for table in plan.rounds[r - 1].tables]
        if rules is not None and rules.tables and present_count >= 2:
            layouts[r] = _tables_sheet_layout(plan, r, present_count)
        else:
            count = len(table_sizes(present_count, settings.table_size, settings.tables))
            layouts[r] = _RoundTables(count, plain_new[: max(0, count - len(old_names))], None)
        names[r] = [*old_names, *layouts[r].new_names]
    host_tables = _host_walk_in_tables(plan, added, everyone, names)

    replanned: list[ReplanRound] = []
    for r in range(from_round, rounds + 1):
        present = {p.id for p in everyone if p.present_in(r)}
        if len(present) < 2:
            who = "nobody" if not present else "only one person"
            raise ReplanError(
                f"after this change {who} would attend round {r}; there is nothing to plan"
            )
        old_tables = [
            [index[pid] for pid in table.participants if pid in present]
            for table in plan.rounds[r - 1].tables
        ]
        had_seat = {pid for table in plan.rounds[r - 1].tables for pid in table.participants}
        newcomers = [index[p.id] for p in everyone if p.id in present and p.id not in had_seat]
        pinned = {
            index[pid]: t
            for t, table in enumerate(plan.rounds[r - 1].tables)
            for pid in table.participants
            if pid in present and everyone[index[pid]].host
        }
        for pid, name in host_tables.items():
            if pid in present:
                pinned[index[pid]] = names[r].index(name)
        layout = layouts[r]
        spoken_at = {
            spec.name: frozenset(normalise_languages(spec.languages))
            for spec in (rules.tables if rules is not None else [])
        }
        replanned.append(
            ReplanRound(
                old_tables,
                newcomers,
                layout.count,
                layout.size_bounds,
                pinned,
                [spoken_at.get(name, frozenset()) for name in names[r]],
            )
        )

    problem = ReplanProblem(
        organisations,
        dict(held),
        replanned,
        seed=seed,
        time_limit=time_limit,
        apart=frozenset(apart),
        languages=(
            # normalised: a plan written before languages were read as tags meets walk-ins' tags
            [frozenset(normalise_languages(p.languages)) for p in everyone]
            if rules is not None and rules.common_language and any(p.languages for p in everyone)
            else None
        ),
        categories=_categories(everyone, rules.mix) if rules is not None and rules.mix else None,
        must_meet=frozenset(must_meet),
    )
    result = solve_replan(problem)
    if result.schedule and result.broken_rules:
        raise ReplanError(
            "no new plan keeps every host at their table, every keep-apart pair apart and "
            "every table within its size"
            + (" from the Tables sheet" if rules is not None and rules.tables else "")
            + f" within {time_limit:g} seconds; try a longer --time-limit, or check the requests"
        )
    if not result.schedule:
        raise ReplanError(
            f"no new plan was found within the time limit of {time_limit:g} seconds; try a longer --time-limit"
        )

    new_rounds = list(plan.rounds[: from_round - 1])
    for r, seating in zip(range(from_round, rounds + 1), result.schedule, strict=True):
        old_round = plan.rounds[r - 1]
        tables: list[Table] = []
        for t, members in enumerate(seating):
            if not members:
                continue
            name = names[r][t]
            tables.append(Table(table=name, participants=[everyone[p].id for p in members]))
        new_rounds.append(Round(round=r, topic=old_round.topic, tables=tables))

    moved_ids = [everyone[p].id for p in result.moved]
    extras: dict[str, Any] = dict(plan.model_extra or {})
    history = list(extras.get(HISTORY_FIELD, []))
    history.append(
        {
            "at": datetime.now().astimezone().isoformat(timespec="seconds"),
            "from_round": from_round,
            "dropped": [p.id for p in dropped],
            "added": [p.id for p in added],
            "moved": moved_ids,
        }
    )
    extras[HISTORY_FIELD] = history
    new_plan = Plan(
        settings=settings, participants=everyone, rounds=new_rounds, rules=plan.rules, **extras
    )

    report = validate(new_plan)
    if not report.ok or report.quality is None:
        problems = "; ".join(str(v) for v in report.violations[:5])
        raise ReplanError(
            f"the replanned plan breaks the rules ({problems}); the plan was not changed"
        )
    warnings.extend(_rules_no_longer_met(plan, new_plan))
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
    new_plan.solve = SolveSummary(
        status="replanned",
        method="replan: fewest seat changes from the previous plan",
        bound=report.quality.bound.value,
        proven_optimal=False,
        limits=list(warnings),
        ended_by="safety stop" if result.clock_stopped else None,
    )
    before = validate(plan)
    return ReplanOutcome(
        plan=new_plan,
        previous=plan,
        from_round=from_round,
        changes=seat_changes(plan, new_plan, from_round),
        moved=moved_ids,
        dropped=dropped,
        added=added,
        seconds=time.monotonic() - started,
        proven_optimal=result.status == "optimal",
        introduced_conflicts=result.introduced_conflicts,
        quality_before=before.quality,
        quality_after=report.quality,
        warnings=warnings,
    )


def _table_order(name: str | None) -> tuple[int, int, str]:
    if name is None:
        return (1, 0, "")
    return (0, int(name), "") if name.isdigit() else (0, 1 << 30, name)


def seat_changes(before: Plan, after: Plan, from_round: int) -> list[SeatChange]:
    """Every (person, round) whose table differs, sorted by round, then table, then name."""
    old_seating, new_seating = before.seating(), after.seating()
    people = {**before.participant_by_id(), **after.participant_by_id()}
    changes: list[SeatChange] = []
    for pid, person in people.items():
        old = old_seating.get(pid, [None] * len(before.rounds))
        new = new_seating.get(pid, [None] * len(after.rounds))
        for r in range(from_round, len(after.rounds) + 1):
            if old[r - 1] != new[r - 1]:
                changes.append(
                    SeatChange(pid, person.name, person.organisation, r, old[r - 1], new[r - 1])
                )
    changes.sort(
        key=lambda c: (c.round, _table_order(c.old_table), _table_order(c.new_table), c.name)
    )
    return changes


def changes_csv(changes: Sequence[SeatChange], lang: str | None = None) -> str:
    """changes.csv text: one row per person and round whose table changed; the headers in the
    plan's output language."""
    from speedmeet.i18n import language

    _ = language(lang).gettext
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [_("round"), _("table before"), _("table after"), _("id"), _("name"), _("organisation")]
    )
    for change in changes:
        writer.writerow(
            [
                change.round,
                csv_cell(change.old_table or ""),
                csv_cell(change.new_table or ""),
                csv_cell(change.participant_id),
                csv_cell(change.name),
                csv_cell(change.organisation),
            ]
        )
    return buffer.getvalue()


def _version_numbers(folder: Path) -> list[int]:
    found: list[int] = []
    for path in folder.glob("plan.v*.json"):
        match = _VERSION_FILE.match(path.name)
        if match:
            found.append(int(match.group(1)))
    return sorted(found)


def save_replan(folder: Path, outcome: ReplanOutcome) -> list[Path]:
    """Keep the previous plan as plan.vN.json, then write plan.json and changes.csv atomically."""
    folder = Path(folder)
    current = folder / PLAN_FILENAME
    kept = folder / f"plan.v{max(_version_numbers(folder), default=0) + 1}.json"
    if current.exists():
        try:
            previous_bytes = current.read_bytes()
        except OSError as error:
            raise ReplanError(
                f"cannot read {current} to keep it: {error.strerror or error}"
            ) from None
        with atomic_path(kept) as temporary:
            temporary.write_bytes(previous_bytes)
            # The kept file carries the old plan's time, which `speedmeet history` shows.
            with contextlib.suppress(OSError):
                stat = current.stat()
                os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    else:
        write_plan(outcome.previous, kept)
    write_plan(outcome.plan, current)
    changes = folder / CHANGES_FILENAME
    write_text_atomically(
        changes, "\ufeff" + changes_csv(outcome.changes, outcome.plan.settings.language)
    )
    return [kept, current, changes]


def _summary(plan: Plan) -> tuple[str, datetime | None]:
    history = (plan.model_extra or {}).get(HISTORY_FIELD) or []
    if not history:
        return "original plan", None
    last = history[-1]
    parts = [f"replanned from round {last.get('from_round')}"]
    for key, verb in (("dropped", "dropped"), ("added", "added")):
        ids = last.get(key) or []
        if ids:
            parts.append(f"{verb} {', '.join(ids)}")
    parts.append(f"{len(last.get('moved') or [])} moved")
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(str(last.get("at")))
    except ValueError:
        when = None
    return "; ".join(parts), when


def plan_versions(folder: Path) -> list[PlanVersion]:
    """Every kept version of the plan in `folder`, oldest first, the current plan.json last."""
    folder = Path(folder)
    if not (folder / PLAN_FILENAME).exists():
        raise ReplanError(f"{folder}: no plan.json here; give the folder `speedmeet plan` wrote")
    numbers = _version_numbers(folder)
    files = [(n, folder / f"plan.v{n}.json", False) for n in numbers]
    files.append((max(numbers, default=0) + 1, folder / PLAN_FILENAME, True))
    versions: list[PlanVersion] = []
    for number, path, current in files:
        plan = read_plan(path)
        summary, when = _summary(plan)
        if when is None:
            when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        attending = sum(
            1
            for p in plan.participants
            if any(p.present_in(r) for r in range(1, len(plan.rounds) + 1))
        )
        versions.append(PlanVersion(number, path, when, attending, summary, current))
    return versions


@dataclass
class ReplanExports:
    """What `write_replan_outputs` wrote, and anything it could not make."""

    written: list[Path] = field(default_factory=list)
    reprint: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_replan_outputs(
    folder: Path, outcome: ReplanOutcome, *, print_kit: bool = True
) -> ReplanExports:
    """Re-make every export of the plan folder, and a `reprint/` folder with only what changed:
    the badges and itineraries of people who moved or arrived, the sheets of changed rounds, and
    the card of every table someone joined or left."""
    from speedmeet.exports import (
        MEETINGS_FILENAME,
        PDF_FILENAMES,
        write_meetings_report,
        write_plan_outputs,
    )
    from speedmeet.exports.pdf import changed_tables, write_print_kit

    folder = Path(folder)
    exports = ReplanExports()
    if outcome.quality_after is None:
        exports.notes.append("the new plan has no quality figures; exports were not re-made")
        return exports
    exports.written = write_plan_outputs(
        outcome.plan, folder, outcome.quality_after, print_kit=print_kit
    )
    if (folder / MEETINGS_FILENAME).exists():
        exports.written.append(write_meetings_report(outcome.plan, folder))
    if outcome.plan.rules is not None and outcome.plan.rules.online:
        from speedmeet.exports.online import write_online_exports

        exports.written.extend(write_online_exports(outcome.plan, folder))
    if not print_kit:
        stale = [name for name in PDF_FILENAMES if (folder / name).exists()]
        if stale:
            exports.notes.append(
                f"{', '.join(stale)} still show the previous plan; "
                f"run `speedmeet print {folder}` to re-make them"
            )
        return exports
    reprint = folder / REPRINT_FOLDER
    for name in PDF_FILENAMES:
        # A reprint folder from an earlier replan would mix old pages with new ones.
        with contextlib.suppress(FileNotFoundError):
            (reprint / name).unlink()
    if outcome.changed_rounds:
        exports.reprint = write_print_kit(
            outcome.plan,
            reprint,
            only_participants=outcome.reprint_participants,
            only_rounds=outcome.changed_rounds,
            only_tables=changed_tables(outcome.previous, outcome.plan),
        )
    return exports
