"""The event in the solver's terms: one translation, used by `plan` and `replan` alike.

Participants become integer indices (their position in the list), organisations small
integers (by `Participant.organisation_key`, so that spellings of one organisation are one),
and the event's own rules (`EventRules`) the solver's `SolverRules`: requests and history as
index pairs, hosts with their tables, what each person speaks, categories for the mix, and the
interests and offers/needs as pair weights (`solve.objective.weigh_preferences` weighs them).
A new plan hands the solver an `Instance`; a replan hands it a `ReplanProblem` built from the
same translation, with the rounds already held frozen.

Adding a rule: translate it here (one field of `SolverRules`), give it a term in
`speedmeet.solve.objective`, a check in `speedmeet.validate.rules`, and a test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from speedmeet.errors import SettingsError
from speedmeet.languages import normalise_languages
from speedmeet.layout import Layout, ReplannedTables, host_tables, table_layout
from speedmeet.model import EventSettings, Participant, Plan, organisation_key
from speedmeet.rules import EventRules
from speedmeet.solve.objective import Preferences, weigh_preferences
from speedmeet.solve.problem import Instance, Pair, Schedule, SolverRules
from speedmeet.solve.replan_problem import ReplanProblem, ReplanRound
from speedmeet.tablemates import beyond_a_common_language, category, no_shared_language

PREFERENCE_LIMIT = 2000
"""Largest event given interest and offer/need pair weights (one weight per pair of people)."""


@dataclass(frozen=True)
class Translation:
    """The people of an event in the solver's indices: participant i is the i-th of the list."""

    organisations: list[int]
    rules: SolverRules | None


def translate(
    participants: Sequence[Participant], rules: EventRules | None, layout: Layout
) -> Translation:
    """Participants and their rules in the solver's terms, for a round of `layout`."""
    return Translation(
        organisations=organisation_indices(participants),
        rules=solver_rules(participants, rules, layout) if rules is not None else None,
    )


def plan_instance(
    participants: Sequence[Participant],
    settings: EventSettings,
    rules: EventRules | None,
    layout: Layout,
) -> Instance:
    """What the solver is handed for a new plan of every round at `layout`."""
    translated = translate(participants, rules, layout)
    return Instance(
        organisations=translated.organisations,
        table_sizes=[size for _, size in layout],
        rounds=settings.rounds,
        seed=settings.seed,
        time_limit=settings.time_limit,
        rules=translated.rules,
    )


def replan_problem(
    plan: Plan,
    everyone: Sequence[Participant],
    from_round: int,
    tables: Mapping[int, ReplannedTables],
    walk_in_hosts: Mapping[str, str],
    *,
    seed: int,
    time_limit: float,
) -> ReplanProblem:
    """What the solver is handed for a replan of rounds `from_round` onwards: the same
    translation as a new plan (of `everyone`, languages read as tags again so that an older
    plan meets today's walk-ins), the held rounds frozen, and each round to come as the old
    plan left it (`tables`: its tables; `walk_in_hosts`: the table of each arriving host)."""
    speaking = [
        p.model_copy(update={"languages": normalise_languages(p.languages)}) for p in everyone
    ]
    present = sum(1 for p in everyone if p.present_in(from_round))
    layout = table_layout(present, plan.settings, plan.rules)
    translated = translate(speaking, plan.rules, layout)
    index = {p.id: i for i, p in enumerate(everyone)}
    held: Schedule = [
        [[index[pid] for pid in table.participants if pid in index] for table in round_.tables]
        for round_ in plan.rounds[: from_round - 1]
    ]
    return ReplanProblem(
        organisations=translated.organisations,
        rules=translated.rules or SolverRules(),
        held_rounds=held,
        rounds=[
            _round_to_come(plan, everyone, index, r, tables[r], walk_in_hosts)
            for r in range(from_round, len(plan.rounds) + 1)
        ],
        seed=seed,
        time_limit=time_limit,
    )


def _round_to_come(
    plan: Plan,
    everyone: Sequence[Participant],
    index: Mapping[str, int],
    r: int,
    tables: ReplannedTables,
    walk_in_hosts: Mapping[str, str],
) -> ReplanRound:
    """Round `r` as the old plan left it: who of each old table is still there, who arrived,
    where each host sits, and the languages each table's people are to share."""
    old = plan.rounds[r - 1].tables
    present = {p.id for p in everyone if p.present_in(r)}
    had_seat = {pid for table in old for pid in table.participants}
    pinned = {
        index[pid]: t
        for t, table in enumerate(old)
        for pid in table.participants
        if pid in present and everyone[index[pid]].host
    }
    pinned.update(
        {
            index[pid]: tables.names.index(name)
            for pid, name in walk_in_hosts.items()
            if pid in present
        }
    )
    spoken_at = {
        spec.name: frozenset(normalise_languages(spec.languages))
        for spec in (plan.rules.tables if plan.rules is not None else [])
    }
    return ReplanRound(
        old_tables=[[index[pid] for pid in table.participants if pid in present] for table in old],
        newcomers=[index[p.id] for p in everyone if p.id in present and p.id not in had_seat],
        table_count=tables.count,
        size_bounds=tables.size_bounds,
        pinned=pinned,
        table_languages=[spoken_at.get(name, frozenset()) for name in tables.names],
    )


def organisation_indices(participants: Sequence[Participant]) -> list[int]:
    """A small integer per organisation, in order of first appearance (stable for a given list)."""
    index: dict[str, int] = {}
    return [index.setdefault(p.organisation_key, len(index)) for p in participants]


def index_pairs(index: dict[str, int], listed: Sequence[tuple[str, str]]) -> tuple[Pair, ...]:
    """Pairs of ids as sorted index pairs, leaving out ids not on the list and a person with
    themself."""
    found = {
        (min(index[a], index[b]), max(index[a], index[b]))
        for a, b in listed
        if a in index and b in index and a != b
    }
    return tuple(sorted(found))


def solver_rules(
    participants: Sequence[Participant], rules: EventRules, layout: Layout
) -> SolverRules:
    """The event's rules in the solver's indices.

    Requests and history naming someone not on the list are left out (the rule report names
    them). A must-meet pair also to be kept apart is kept apart; two hosts at different tables
    cannot meet; two people with no language in common could not talk at a table that shares a
    language: none of those becomes a must-meet pair.
    """
    index = {p.id: i for i, p in enumerate(participants)}
    hosts = tuple(i for i, p in enumerate(participants) if p.host)
    tables_of_hosts = tuple(host_tables(layout, rules, len(hosts)))
    host_table = dict(zip(hosts, tables_of_hosts, strict=True))
    keep_apart = index_pairs(
        index, [(q.first, q.second) for q in rules.requests if q.kind == "keep_apart"]
    )
    must_meet = tuple(
        (a, b)
        for a, b in index_pairs(
            index, [(q.first, q.second) for q in rules.requests if q.kind == "must_meet"]
        )
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
    preferences, needs = _preferences(participants, rules, layout)
    return SolverRules(
        already_met=index_pairs(index, list(rules.history)),
        hosts=hosts,
        host_tables=tables_of_hosts,
        keep_apart=keep_apart,
        must_meet=must_meet,
        languages=languages,
        table_languages=table_languages if languages else (),
        categories=_categories(participants, rules.mix),
        pair_weights=preferences.per_meeting,
        wanted=preferences.once,
        needs=needs,
        weighted=preferences.weighted,
        mix_weight=preferences.mix_weight,
    )


def _categories(participants: Sequence[Participant], mix: str | None) -> tuple[int, ...]:
    """Each person's category for the mix as a small integer (-1: none given); () without a
    mix."""
    if mix is None:
        return ()
    if mix not in Participant.model_fields:
        raise SettingsError(f"--mix {mix}: participants have no such field")
    kinds: dict[str, int] = {}
    folded = [category(p, mix) for p in participants]
    return tuple(kinds.setdefault(c, len(kinds)) if c else -1 for c in folded)


def _rule_languages(
    participants: Sequence[Participant],
    layout: Layout,
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


Needs = tuple[tuple[int, tuple[int, ...]], ...]
"""(person, helpers): someone with a need and everyone offering it (`SolverRules.needs`)."""


def _preferences(
    participants: Sequence[Participant], rules: EventRules, layout: Layout
) -> tuple[Preferences, Needs]:
    """Who shares an interest and who offers what someone needs, weighed by the solver's
    objective, and each need's helpers. None above `PREFERENCE_LIMIT` people (one weight per
    pair)."""
    if len(participants) > PREFERENCE_LIMIT:
        return Preferences(), ()
    shared: list[Pair] = []
    if rules.interests != "off":
        interests = _by_word([p.interests for p in participants])
        shared = _pairs(interests, interests)
    offered: list[Pair] = []
    served: Needs = ()
    if rules.offers_needs:
        offers = _by_word([p.offers for p in participants])
        needs = _by_word([p.needs for p in participants])
        offered = _pairs(offers, needs)
        served = _helpers(offers, needs)
    mode = None if rules.interests == "off" else rules.interests
    largest = max((seats for _, seats in layout), default=2)
    weighed = weigh_preferences(shared, mode, offered, rules.preference_weight, largest)
    return weighed, served


def _helpers(offers: dict[str, list[int]], needs: dict[str, list[int]]) -> Needs:
    """Each person with a need and everyone (else) offering it."""
    helpers: dict[int, set[int]] = {}
    for word, people in needs.items():
        for person in people:
            helpers.setdefault(person, set()).update(offers.get(word, []))
    return tuple(
        (person, tuple(sorted(found - {person})))
        for person, found in sorted(helpers.items())
        if found - {person}
    )


def _by_word(lists: list[list[str]]) -> dict[str, list[int]]:
    """People by each word they gave (folded like organisation names)."""
    groups: dict[str, list[int]] = {}
    for person, words in enumerate(lists):
        for word in {organisation_key(w) for w in words if organisation_key(w)}:
            groups.setdefault(word, []).append(person)
    return groups


def _pairs(groups: dict[str, list[int]], partners: dict[str, list[int]]) -> list[Pair]:
    """Pairs of two people, one in a group and the other among the same word's partners."""
    found: set[Pair] = set()
    for key, people in groups.items():
        for a in people:
            found.update((min(a, b), max(a, b)) for b in partners.get(key, []) if a != b)
    return sorted(found)
