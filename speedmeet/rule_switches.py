"""Which rules are on and why, how to switch one off, and what each cost in new pairs.

Some rules come on because the sheet has a column or a sheet for them (a Languages column
switches the common-language rule on), not because the organiser asked. Such a rule must never
cost the plan its pairs in silence: the summary says why each rule is on and how to switch it
off (`--ignore-rule NAME`), and when the plan falls short of the best possible, the same event
is planned again without each rule in turn, so that the summary can say what each one cost.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.defaults import IGNORABLE as IGNORABLE
from speedmeet.errors import SettingsError, SpeedmeetError
from speedmeet.languages import language_name
from speedmeet.layout import table_layout
from speedmeet.model import EventSettings, Participant
from speedmeet.planning import PlanOutcome, make_plan
from speedmeet.problem import solver_rules
from speedmeet.rules import EventRules

LABELS = {
    "language": "common-language rule",
    "hosts": "hosts rule",
    "tables": "Tables sheet",
    "requests": "requests",
    "offers-needs": "offers-and-needs rule",
    "mix": "stakeholder mix",
    "interests": "interests rule",
}


@dataclass(frozen=True)
class RuleSwitch:
    """One rule in force: its `--ignore-rule` name and what switched it on, in the organiser's
    words ("column 'Langues parlées'", "sheet 'Tables'", "--mix")."""

    name: str
    reason: str
    by_flag: bool = False


@dataclass(frozen=True)
class RuleCost:
    """New pairs the plan gave up for one rule, against the same event planned without it."""

    name: str
    pairs: int
    """The plan's new pairs with the rule."""
    without: int
    """New pairs of the same event planned without the rule."""
    why: str = ""

    @property
    def cost(self) -> int:
        return self.without - self.pairs

    def describe(self) -> str:
        """ "the common-language rule cost 14 new pairs: 6 people speak only Tigrinya"."""
        noun = "pair" if self.cost == 1 else "pairs"
        line = f"the {LABELS[self.name]} cost {self.cost} new {noun}"
        line += f" ({self.without} without it)"
        if self.why:
            line += f": {self.why}"
        return line + f"; plan with --ignore-rule {self.name} to put new pairs first"


def rules_in_force(
    participants: Sequence[Participant],
    rules: EventRules,
    *,
    columns: dict[str, str],
    sheets: Sequence[str] = (),
) -> list[RuleSwitch]:
    """The rules this event is planned with, each with why it is on: a column of the sheet
    (`columns`: field to header as the sheet writes it), an extra sheet, or a flag."""
    found: list[RuleSwitch] = []

    def column(field: str) -> str:
        header = columns.get(field)
        return f"column '{header}'" if header else "the participant sheet"

    def sheet(word: str, fallback: str) -> str:
        return next((s for s in sheets if word in s.casefold()), fallback)

    if rules.common_language and any(p.languages for p in participants):
        found.append(RuleSwitch("language", column("languages")))
    if any(p.host for p in participants):
        found.append(RuleSwitch("hosts", column("host")))
    if rules.tables:
        found.append(RuleSwitch("tables", sheet("table", "the Tables sheet")))
    if rules.requests:
        found.append(RuleSwitch("requests", sheet("request", "the Requests sheet")))
    if (
        rules.offers_needs
        and any(p.offers for p in participants)
        and any(p.needs for p in participants)
    ):
        offers, needs = columns.get("offers"), columns.get("needs")
        where = f"columns '{offers}' and '{needs}'" if offers and needs else "the participant sheet"
        found.append(RuleSwitch("offers-needs", where))
    if rules.mix is not None:
        found.append(RuleSwitch("mix", f"--mix {rules.mix_label or rules.mix}", by_flag=True))
    if rules.interests != "off":
        found.append(RuleSwitch("interests", f"--interests {rules.interests}", by_flag=True))
    return found


def describe_switches(switches: Sequence[RuleSwitch]) -> list[str]:
    """Why each rule is on, in at most two lines: the sheet's, then the flags'."""
    lines: list[str] = []
    sheet = [f"{s.name} ({s.reason})" for s in switches if not s.by_flag]
    if sheet:
        lines.append(
            "on because of the sheet: " + ", ".join(sheet) + "; --ignore-rule NAME plans "
            "without one"
        )
    flags = [f"{s.name} ({s.reason})" for s in switches if s.by_flag]
    if flags:
        lines.append("on because of a flag: " + ", ".join(flags))
    return lines


def ignored_rules(names: list[str]) -> list[str]:
    """The rules --ignore-rule names, each once, or a SettingsError listing the names."""
    chosen: list[str] = []
    for name in names:
        folded = name.strip().casefold().replace("_", "-")
        folded = {"languages": "language", "host": "hosts", "request": "requests"}.get(
            folded, folded
        )
        if folded not in IGNORABLE:
            raise SettingsError(
                f"--ignore-rule {name}: no such rule; the rules are " + ", ".join(IGNORABLE)
            )
        if folded not in chosen:
            chosen.append(folded)
    return chosen


def without_rule(
    name: str, participants: Sequence[Participant], rules: EventRules
) -> tuple[list[Participant], EventRules]:
    """The event with one rule switched off (`--ignore-rule NAME`)."""
    people = list(participants)
    if name == "language":
        return people, rules.model_copy(update={"common_language": False})
    if name == "hosts":
        return [p.model_copy(update={"host": False}) if p.host else p for p in people], rules
    if name == "tables":
        return people, rules.model_copy(update={"tables": []})
    if name == "requests":
        return people, rules.model_copy(update={"requests": []})
    if name == "offers-needs":
        return people, rules.model_copy(update={"offers_needs": False})
    if name == "mix":
        return people, rules.model_copy(update={"mix": None, "mix_label": None})
    if name == "interests":
        return people, rules.model_copy(update={"interests": "off"})
    raise ValueError(f"no rule named {name!r}")


PAIR_RULES = ("language", "hosts", "tables", "requests")
"""Rules that rank above new pairs and so may cost some. The mix, interests and offers/needs
come after new pairs unless a preference weight trades them (then they are measured too)."""


def rule_costs(
    participants: Sequence[Participant],
    settings: EventSettings,
    rules: EventRules,
    outcome: PlanOutcome,
    switches: Sequence[RuleSwitch],
    *,
    stop: threading.Event | None = None,
) -> list[RuleCost]:
    """What each rule in force cost, for a plan short of the best possible: the same event
    (same settings and seed) planned without that rule, one rule at a time. Nothing to
    measure for a perfect plan: no rule cost it anything."""
    if outcome.quality.perfect:
        return []
    measured = [s.name for s in switches if s.name in PAIR_RULES]
    if rules.preference_weight is not None:
        measured += [s.name for s in switches if s.name in ("offers-needs", "interests", "mix")]
    if "language" in measured and not language_rule_weighs(participants, settings, rules):
        measured.remove("language")  # everyone shares a language: the plan is the same
    costs: list[RuleCost] = []
    for name in measured:
        if stop is not None and stop.is_set():
            break
        people, fewer = without_rule(name, participants, rules)
        try:
            plain = make_plan(people, settings, rules=fewer, stop=stop)
        except SpeedmeetError:
            continue  # the event cannot be planned without this rule: nothing to compare with
        if stop is not None and stop.is_set():
            break  # cut short: its figures would say nothing about the rule
        if plain.quality.new_pairs > outcome.quality.new_pairs:
            why = language_cost_reason(participants, rules) if name == "language" else ""
            costs.append(RuleCost(name, outcome.quality.new_pairs, plain.quality.new_pairs, why))
    return costs


def language_rule_weighs(
    participants: Sequence[Participant], settings: EventSettings, rules: EventRules
) -> bool:
    """Whether the common-language rule asks anything of the solver for this event."""
    layout = table_layout(len(participants), settings, rules)
    return any(solver_rules(participants, rules, layout).languages)


def language_cost_reason(participants: Sequence[Participant], rules: EventRules) -> str:
    """Who the common language is hard for: people sharing no language with anyone (named),
    and people who speak none of the languages most people speak ("6 people speak only
    Tigrinya")."""
    speaking = [p for p in participants if p.languages]
    speakers: Counter[str] = Counter(lang for p in speaking for lang in set(p.languages))
    alone = [p for p in speaking if all(speakers[lang] == 1 for lang in p.languages)]
    lonely = {p.id for p in alone}
    parts: list[str] = []
    if alone:
        names = ", ".join(f"{p.name} ({_names(p.languages)})" for p in alone[:5])
        more = f" and {len(alone) - 5} more" if len(alone) > 5 else ""
        parts.append(
            f"{_people(len(alone))} share{'s' if len(alone) == 1 else ''} no language with "
            f"anyone: {names}{more}"
        )
    widespread = {lang for lang, count in speakers.items() if 2 * count > len(speaking)}
    apart = Counter(
        _names(p.languages)
        for p in speaking
        if p.id not in lonely and not widespread & set(p.languages)
    )
    if widespread and apart:
        groups = ", ".join(
            f"{_people(count)} speak{'s' if count == 1 else ''} only {languages}"
            for languages, count in apart.most_common(4)
        )
        parts.append(groups)
    for spec in rules.tables:
        if spec.languages:
            count = sum(1 for p in speaking if set(spec.languages) & set(p.languages))
            parts.append(
                f"table '{spec.name}' seats only {_names(spec.languages, 'or')} speakers "
                f"({_people(count)})"
            )
    return "; ".join(parts)


def _names(languages: Sequence[str], joined: str = "and") -> str:
    shown = [language_name(lang) for lang in languages]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + f" {joined} " + shown[-1]


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"
