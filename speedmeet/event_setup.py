"""From the registration sheet, its extra sheets and the organiser's flags to the rules an event
is planned with: which rules are on and why, the participants once `--ignore-rule` has switched
some off, the warnings worth telling, and the rules described in the organiser's words.

`speedmeet plan` shows what this returns; the choices (which column `--mix` means, when a flag
has nothing to act on, when preferences are too many to weigh) are made here, so that any other
front end makes the same ones.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from speedmeet import readers  # called as readers.read_registrations: a test stops the read there
from speedmeet.errors import SettingsError
from speedmeet.history import load_history
from speedmeet.languages import describe_spoken
from speedmeet.model import EventSettings, Participant, organisation_key
from speedmeet.planning import PlanOutcome, make_plan
from speedmeet.problem import PREFERENCE_LIMIT
from speedmeet.readers import EventSheets, Registrations
from speedmeet.readers.columns import recognise
from speedmeet.rule_switches import (
    RuleSwitch,
    describe_switches,
    rule_costs,
    rules_in_force,
    without_rule,
)
from speedmeet.rules import EventRules
from speedmeet.solve.problem import Progress

MIX_FIELDS = ("role",)
"""Participant fields that name a group to spread over the tables (sector, type, role...)."""


@dataclass
class EventSetup:
    """The rules an event is planned with, and what to tell the organiser about them."""

    rules: EventRules
    participants: list[Participant]
    """The participants as planned: `--ignore-rule hosts` makes nobody a host."""
    switches: list[RuleSwitch]
    """The rules in force, each with why it is on."""
    sheets_read: list[str]
    """The extra sheets read, as the organiser names them ("sheet 'Tables'")."""
    described: list[str]
    """The rules in force in the organiser's words ("common language (...)", "3 hosts")."""
    ignored: list[str]
    """The rules `--ignore-rule` switched off."""
    warnings: list[str] = field(default_factory=list)

    @property
    def switch_lines(self) -> list[str]:
        """Why each rule is on, in at most two lines."""
        return describe_switches(self.switches)


def read_registrations_to_mix(
    path: Path,
    *,
    mix: str | None,
    sheet: str | None,
    encoding: str | None,
    columns: dict[str, str],
    hidden_rows: str,
) -> Registrations:
    """The registrations, read again with the column `--mix` names as the category when it is a
    column of the sheet the reader did not take (e.g. "Country" or "Gender")."""
    registrations = readers.read_registrations(
        path, sheet=sheet, encoding=encoding, columns=columns, hidden_rows=hidden_rows
    )
    mixed_by = _unread_mix_column(mix, registrations, columns)
    if mixed_by is None:
        return registrations
    return readers.read_registrations(
        path,
        sheet=sheet,
        encoding=encoding,
        columns={**columns, "role": mixed_by},
        hidden_rows=hidden_rows,
    )


def _unread_mix_column(
    requested: str | None, registrations: Registrations, overrides: Mapping[str, str]
) -> str | None:
    """The header `--mix` names when it is a column of the sheet that the reader did not take,
    unless the category column was set with --column role."""
    if requested is None or "role" in overrides:
        return None
    wanted = organisation_key(requested)
    if any(organisation_key(header) == wanted for _, header in registrations.mapping):
        return None
    return next((h for h in registrations.ignored if organisation_key(h) == wanted), None)


def mix_field(requested: str, registrations: Registrations) -> tuple[str, str]:
    """The participant field `--mix` names, and the word to show for it (the header as written).

    `--mix` takes the header of the sheet ("Sector"), a word recognised as that column in
    English, French or German ("secteur", "type") or the field's name ("role").
    """
    headers = dict(registrations.mapping)
    wanted = organisation_key(requested)
    found = next(
        (name for name, header in registrations.mapping if organisation_key(header) == wanted),
        None,
    )
    if found is None and wanted in MIX_FIELDS:
        found = wanted
    if found is None:
        recognised = recognise(requested)
        found = recognised[0] if recognised else None
    if found is None:
        columns = [header for _, header in registrations.mapping] + registrations.ignored
        listed = ", ".join(f"'{header}'" for header in columns)
        raise SettingsError(
            f"--mix {requested}: the sheet has no such column; its columns: {listed}. "
            "Name the column to mix by as the sheet writes it"
        )
    if found not in MIX_FIELDS:
        raise SettingsError(
            f"--mix {requested}: speedmeet mixes the tables by a category column (sector, "
            "type of organisation, role); name that column as the sheet writes it"
        )
    if found not in headers:
        listed = ", ".join(f"'{header}'" for _, header in registrations.mapping)
        raise SettingsError(
            f"--mix {requested}: the sheet has no sector or role column; columns read: {listed}. "
            f'Point to it with --column role="<header>"'
        )
    if not any(getattr(p, found) for p in registrations.participants):
        raise SettingsError(f"--mix {requested}: the column '{headers[found]}' is empty")
    return found, headers[found]


def count(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 table", "3 tables", "2 people"."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def event_setup(
    registrations: Registrations,
    sheets: EventSheets,
    *,
    mix: str | None,
    interests: str | None,
    history: list[Path],
    online: bool,
    topics: int,
    rounds: int,
    weight: float | None = None,
    ignored: Sequence[str] = (),
) -> EventSetup:
    """The rules from the extra sheets and the flags, each with why it is on; those named by
    --ignore-rule (already checked) are switched off."""
    people = registrations.participants
    warnings = list(sheets.warnings)
    mix_choice = mix_field(mix, registrations) if mix is not None else None
    if interests is not None and not any(p.interests for p in people):
        warnings.append(f"--interests {interests}: nobody has interests in the sheet")
    pairs: list[tuple[str, str]] = []
    if history:
        pairs, history_warnings = load_history(history, people)
        warnings.extend(history_warnings)
    if sheets.topics and topics == len(sheets.topics) and len(sheets.topics) != rounds:
        warnings.append(
            f"the Rounds sheet gives {count(len(sheets.topics), 'topic')} for "
            f"{count(rounds, 'round')} (--rounds)"
        )
    rules = EventRules(
        mix=mix_choice[0] if mix_choice else None,
        mix_label=mix_choice[1].lower() if mix_choice else None,
        interests=interests if interests is not None else "off",
        tables=sheets.tables,
        requests=sheets.requests,
        history=pairs,
        online=online,
        preference_weight=weight,
    )
    for name in ignored:
        people, rules = without_rule(name, people, rules)
    warnings.extend(_preference_warnings(people, rules, weight))
    return EventSetup(
        rules=rules,
        participants=people,
        switches=rules_in_force(
            people, rules, columns=dict(registrations.mapping), sheets=sheets.found
        ),
        sheets_read=list(sheets.found),
        described=describe_rules(
            rules,
            people,
            mix_label=mix_choice[1] if mix_choice else None,
            history_plans=len(history),
            topics=topics,
        ),
        ignored=list(ignored),
        warnings=warnings,
    )


def _has_offers_and_needs(people: Sequence[Participant], rules: EventRules) -> bool:
    return rules.offers_needs and any(p.offers for p in people) and any(p.needs for p in people)


def _preference_warnings(
    people: Sequence[Participant], rules: EventRules, weight: float | None
) -> list[str]:
    """Preferences the plan will not weigh: too many people, or nothing for the weight to act on."""
    warnings: list[str] = []
    offers_needs = _has_offers_and_needs(people, rules)
    if len(people) > PREFERENCE_LIMIT and (rules.interests != "off" or offers_needs):
        warnings.append(
            f"interests and offers/needs are weighed for events of up to {PREFERENCE_LIMIT:,} "
            f"people ({len(people):,} here): the plan keeps the other rules and ignores them"
        )
    if weight is not None and rules.interests == "off" and not offers_needs:
        warnings.append(
            "--preference-weight: there are no preferences to weigh (no --interests, and no "
            "offers meeting needs)"
        )
    return warnings


def describe_rules(
    rules: EventRules,
    participants: Sequence[Participant],
    *,
    mix_label: str | None,
    history_plans: int,
    topics: int,
) -> list[str]:
    """The rules in force, in the organiser's words, for the "understood" summary."""
    parts: list[str] = []
    if rules.common_language and any(p.languages for p in participants):
        parts.append(f"common language ({describe_spoken(p.languages for p in participants)})")
    if rules.mix is not None:
        groups = {organisation_key(str(getattr(p, rules.mix) or "")) for p in participants}
        groups.discard("")
        parts.append(f"stakeholder mix by {mix_label or rules.mix} ({count(len(groups), 'group')})")
    if rules.interests != "off":
        verb = "shared" if rules.interests == "match" else "varied"
        parts.append(f"{verb} interests")
    if rules.preference_weight is not None:
        parts.append(f"preferences worth {rules.preference_weight:g} new pairs each")
    if _has_offers_and_needs(participants, rules):
        offering = sum(1 for p in participants if p.offers)
        needing = sum(1 for p in participants if p.needs)
        parts.append(f"offers meet needs ({offering} offer, {needing} need)")
    hosts = sum(1 for p in participants if p.host)
    if hosts:
        parts.append(count(hosts, "host"))
    parts.extend(_describe_sheets(rules))
    if history_plans:
        parts.append(
            f"history: {count(len(rules.history), 'pair')} from "
            f"{count(history_plans, 'earlier plan')}"
        )
    if topics:
        parts.append(count(topics, "round topic"))
    if rules.online:
        parts.append("online breakout rooms")
    return parts


def _describe_sheets(rules: EventRules) -> list[str]:
    """The Tables and Requests sheets in the organiser's words."""
    parts: list[str] = []
    if rules.tables:
        accessible = sum(1 for table in rules.tables if table.accessible)
        extra = f" ({accessible} accessible)" if accessible else ""
        speaking = sum(1 for table in rules.tables if table.languages)
        extra += f" ({speaking} with a language)" if speaking else ""
        parts.append(f"{count(len(rules.tables), 'named table')}{extra}")
    if rules.requests:
        meet = sum(1 for request in rules.requests if request.kind == "must_meet")
        apart = len(rules.requests) - meet
        parts.append(
            f"{count(len(rules.requests), 'request')} ({meet} must meet, {apart} keep apart)"
        )
    return parts


def times_warning(start: str | None, round_minutes: int | None) -> str | None:
    """Why the round sheets will show no times: only one of --start and --round-minutes."""
    if (start is None) == (round_minutes is None):
        return None
    given = "--start" if start else "--round-minutes"
    return (
        "the round sheets show times only with both --start and --round-minutes; "
        f"{given} alone is not shown"
    )


def plan_event(
    setup: EventSetup,
    settings: EventSettings,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    on_costing: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
) -> PlanOutcome:
    """The plan, and when it falls short of the best possible, what each rule in force cost
    (the same event planned again without it; `on_costing` is told when that starts)."""
    planned = make_plan(
        setup.participants, settings, rules=setup.rules, on_progress=on_progress, stop=stop
    )
    stopped = stop is not None and stop.is_set()
    if setup.switches and not planned.quality.perfect and not stopped:
        if on_costing is not None:
            on_costing()
        costs = rule_costs(
            setup.participants, settings, setup.rules, planned, setup.switches, stop=stop
        )
        if planned.plan.solve is not None:
            planned.plan.solve.rule_costs = [cost.describe() for cost in costs]
    return planned
