"""From participants and settings to a checked plan: the one library call behind `speedmeet plan`.

Turns participant ids into the solver's integer indices and back, checks the settings can work
before any search starts, and validates the plan the solver returns before anyone sees it.
The event's own rules (`EventRules`) become the solver's `SolverRules` here: ids to indices,
hosts to their tables, interests and offers/needs to pair weights, the mix to categories.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.errors import Location, SettingsError
from speedmeet.languages import normalise_languages
from speedmeet.model import (
    EventSettings,
    Participant,
    Plan,
    Round,
    SolveSummary,
    Table,
    organisation_key,
)
from speedmeet.quality import Quality
from speedmeet.rules import EventRules
from speedmeet.solve import solve
from speedmeet.solve.problem import (
    Instance,
    Pair,
    ProgressCallback,
    Schedule,
    SolveResult,
    SolverRules,
)
from speedmeet.solve.rule_seating import OFFER, PAIR, PREFERENCE
from speedmeet.validate import validate
from speedmeet.validate_rules import (
    beyond_a_common_language,
    category,
    host_tables,
    no_shared_language,
    table_layout,
)

REQUESTS_SHEET = "Requests"

PREFERENCE_LIMIT = 2000
"""Largest event given interest and offer/need pair weights (one weight per pair of people)."""


@dataclass
class PlanOutcome:
    plan: Plan
    result: SolveResult
    quality: Quality


def check_settings(
    participant_count: int, settings: EventSettings, rules: EventRules | None = None
) -> list[int]:
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
    sizes = [size for _, size in table_layout(participant_count, settings, rules)]
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
    sizes = check_settings(len(participants), settings, rules)
    layout = table_layout(len(participants), settings, rules)
    instance = Instance(
        organisations=organisation_indices(participants),
        table_sizes=sizes,
        rounds=settings.rounds,
        seed=settings.seed,
        time_limit=settings.time_limit,
        rules=solver_rules(participants, rules, layout) if rules is not None else None,
    )
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


def solver_rules(
    participants: Sequence[Participant], rules: EventRules, layout: Sequence[tuple[str, int]]
) -> SolverRules:
    """The event's rules in the solver's indices.

    Requests and history naming someone not on the list are left out (the rule report names
    them). A must-meet pair also to be kept apart is kept apart; two hosts at different tables
    cannot meet; two people with no language in common could not talk at a table that shares a
    language: none of those becomes a must-meet pair.
    """
    index = {p.id: i for i, p in enumerate(participants)}

    def pairs(listed: list[tuple[str, str]]) -> tuple[Pair, ...]:
        found = {
            (min(index[a], index[b]), max(index[a], index[b]))
            for a, b in listed
            if a in index and b in index and a != b
        }
        return tuple(sorted(found))

    hosts = tuple(i for i, p in enumerate(participants) if p.host)
    tables_of_hosts = tuple(host_tables(layout, rules, len(hosts)))
    host_table = dict(zip(hosts, tables_of_hosts, strict=True))
    keep_apart = pairs([(q.first, q.second) for q in rules.requests if q.kind == "keep_apart"])
    must_meet = tuple(
        (a, b)
        for a, b in pairs([(q.first, q.second) for q in rules.requests if q.kind == "must_meet"])
        if (a, b) not in set(keep_apart)
        and not (a in host_table and b in host_table and host_table[a] != host_table[b])
        and not (rules.common_language and no_shared_language(participants[a], participants[b]))
    )
    table_languages = tuple(
        frozenset(normalise_languages(spec.languages)) for spec in rules.tables[: len(layout)]
    )
    languages = (
        _rule_languages(participants, layout, table_languages) if rules.common_language else ()
    )
    per_meeting, once, needs = preference_weights(participants, rules)
    weighted = rules.preference_weight is not None and bool(per_meeting or once)
    categories: tuple[int, ...] = ()
    if rules.mix is not None:
        if rules.mix not in Participant.model_fields:
            raise SettingsError(f"--mix {rules.mix}: participants have no such field")
        kinds: dict[str, int] = {}
        folded = [category(p, rules.mix) for p in participants]
        categories = tuple(kinds.setdefault(c, len(kinds)) if c else -1 for c in folded)
    return SolverRules(
        already_met=pairs(list(rules.history)),
        hosts=hosts,
        host_tables=tables_of_hosts,
        keep_apart=keep_apart,
        must_meet=must_meet,
        languages=languages,
        table_languages=table_languages if languages else (),
        categories=categories,
        pair_weights=per_meeting,
        wanted=once,
        needs=needs,
        weighted=weighted,
        mix_weight=_mix_weight(rules.preference_weight, layout) if weighted else None,
    )


def _rule_languages(
    participants: Sequence[Participant],
    layout: Sequence[tuple[str, int]],
    table_languages: Sequence[frozenset[str]] = (),
) -> tuple[frozenset[str], ...]:
    """What each person speaks, for the common-language rule. Someone too few others share a
    language with to fill a table (`beyond_a_common_language`; at the plainest, someone who
    shares no language with anyone) leaves every table they sit at without one, wherever they
    sit: weighing the rule for them would only make the search give up pairs for tables that
    still miss it, so the rule leaves them out (the rule report names them). When everyone
    else speaks one language, the rule holds for any plan and costs the search nothing."""
    smallest = min((size for _, size in layout), default=2)
    beyond = beyond_a_common_language(participants, smallest)
    spoken = tuple(frozenset() if p.id in beyond else frozenset(p.languages) for p in participants)
    given = [languages for languages in spoken if languages]
    shared = frozenset.intersection(*given) if given else frozenset()
    if shared and all(shared & wanted for wanted in table_languages if wanted):
        return ()  # one language everyone speaks (and every table may): any plan shares it
    return spoken


def _mix_weight(preference_weight: float | None, layout: Sequence[tuple[str, int]]) -> int:
    """With a preference weight, one person over their category's share outweighs what one
    swap can gain in pairs and preferences (two people, each meeting a table's worth), so
    that the weight trades preferences against new pairs only, never against the mix."""
    largest = max((seats for _, seats in layout), default=2)
    return round(PAIR * (1 + (preference_weight or 0.0)) * 2 * largest) + 1


def preference_weights(
    participants: Sequence[Participant], rules: EventRules
) -> tuple[
    tuple[tuple[int, int, int], ...],
    tuple[tuple[int, int, int], ...],
    tuple[tuple[int, tuple[int, ...]], ...],
]:
    """Soft pair weights: per meeting, shared interests favoured (match) or disfavoured (mix);
    while never met, a pair where one offers what the other needs; and each person with a need
    with everyone offering it. None above `PREFERENCE_LIMIT` people (one weight per pair of
    people)."""
    if len(participants) > PREFERENCE_LIMIT:
        return (), (), ()

    def by_word(lists: list[list[str]]) -> dict[str, list[int]]:
        groups: dict[str, list[int]] = {}
        for person, words in enumerate(lists):
            for word in {organisation_key(w) for w in words if organisation_key(w)}:
                groups.setdefault(word, []).append(person)
        return groups

    def pairs(groups: dict[str, list[int]], partners: dict[str, list[int]]) -> list[Pair]:
        found: set[Pair] = set()
        for key, people in groups.items():
            for a in people:
                found.update((min(a, b), max(a, b)) for b in partners.get(key, []) if a != b)
        return sorted(found)

    per_meeting: tuple[tuple[int, int, int], ...] = ()
    once: tuple[tuple[int, int, int], ...] = ()
    # with a preference weight, a preferred pair is worth `weight` new pairs (PAIR each), and
    # shared interests count once per pair like offers and needs, not per repeat meeting
    weighted = rules.preference_weight
    chosen = round(weighted * PAIR) if weighted is not None else None
    if rules.interests != "off":
        interests = by_word([p.interests for p in participants])
        shared = pairs(interests, interests)
        if chosen is not None and rules.interests == "match":
            once = tuple((a, b, chosen) for a, b in shared)
        elif chosen is not None:
            per_meeting = tuple((a, b, chosen) for a, b in shared)
        else:
            weight = -PREFERENCE if rules.interests == "match" else PREFERENCE
            per_meeting = tuple((a, b, weight) for a, b in shared)
    served: tuple[tuple[int, tuple[int, ...]], ...] = ()
    if rules.offers_needs:
        offers = by_word([p.offers for p in participants])
        needs = by_word([p.needs for p in participants])
        # as without a weight, an offer meeting a need weighs twice a shared interest
        each = 2 * chosen if chosen is not None else OFFER
        offered = {(a, b): each for a, b in pairs(offers, needs)}
        merged = {(a, b): w for a, b, w in once}
        for pair, w in offered.items():
            merged[pair] = merged.get(pair, 0) + w
        once = tuple((a, b, w) for (a, b), w in sorted(merged.items()))
        helpers: dict[int, set[int]] = {}
        for word, people in needs.items():
            for person in people:
                helpers.setdefault(person, set()).update(offers.get(word, []))
        served = tuple(
            (person, tuple(sorted(found - {person})))
            for person, found in sorted(helpers.items())
            if found - {person}
        )
    return per_meeting, once, served
