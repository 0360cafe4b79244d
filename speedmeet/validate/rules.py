"""Check a finished plan against the event's own rules (`Plan.rules`), independently of the solver.

Two answers: `rule_violations` lists hard-rule breaks that make a plan wrong (a host who moves, a
keep-apart pair at one table, a table over its capacity or a layout the Tables sheet does not
give), which `speedmeet.validate.validate` adds to its own; `rule_report` says, one line per rule
in the organiser's words, how well every rule that applies was met.

The table layout these checks hold a plan to is `speedmeet.layout`'s, the one the solver seats.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations

from speedmeet.errors import SettingsError
from speedmeet.languages import language_name, normalise_languages
from speedmeet.layout import TABLES_SHEET, even_share, table_capacity, table_layout
from speedmeet.model import Participant, Plan, organisation_key
from speedmeet.rules import EventRules
from speedmeet.tablemates import (
    beyond_a_common_language,
    category,
    common_languages,
    no_shared_language,
)
from speedmeet.validate.report import RuleOutcome, Violation


def _tables(plan: Plan) -> Iterable[tuple[int, str, list[Participant]]]:
    known = plan.participant_by_id()
    for round_ in plan.rounds:
        for table in round_.tables:
            yield round_.round, table.table, [known[p] for p in table.participants if p in known]


def _where(places: Sequence[tuple[int, str]], limit: int = 6) -> str:
    shown = ", ".join(f"round {r} table {t}" for r, t in places[:limit])
    return shown + (f" and {len(places) - limit} more" if len(places) > limit else "")


def _count(number: int, word: str) -> str:
    if word == "person":
        return f"{number} {'person' if number == 1 else 'people'}"
    return f"{number} {word}{'' if number == 1 else 's'}"


def _met_together(plan: Plan) -> Counter[frozenset[str]]:
    together: Counter[frozenset[str]] = Counter()
    for _, _, people in _tables(plan):
        for a, b in combinations(people, 2):
            together[frozenset((a.id, b.id))] += 1
    return together


def _host_tables(plan: Plan) -> dict[str, set[str]]:
    hosts = {p.id for p in plan.participants if p.host}
    where: dict[str, set[str]] = {h: set() for h in hosts}
    for _, name, people in _tables(plan):
        for person in people:
            if person.id in hosts:
                where[person.id].add(name)
    return where


def rule_violations(plan: Plan) -> list[Violation]:
    """Hard-rule breaks: a host moved, a keep-apart pair at a table, a table over capacity or
    a layout the Tables sheet does not give. Empty when the plan has no rules."""
    rules = plan.rules
    if rules is None:
        return []
    violations: list[Violation] = []
    known = plan.participant_by_id()
    for host, names in sorted(_host_tables(plan).items()):
        if len(names) > 1:
            violations.append(
                Violation(
                    "host-fixed",
                    f"host {known[host].name} ({host}) sits at tables {', '.join(sorted(names))} "
                    "instead of staying at one",
                )
            )
    apart = [q for q in rules.requests if q.kind == "keep_apart"]
    if apart:
        together = _met_together(plan)
        for request in apart:
            times = together[frozenset((request.first, request.second))]
            if times and request.first != request.second:
                violations.append(
                    Violation(
                        "keep-apart",
                        f"{request.first} and {request.second} share a table {_count(times, 'time')}",
                    )
                )
    if rules.tables:
        violations.extend(_layout_violations(plan, rules))
    return violations


def _layout_violations(plan: Plan, rules: EventRules) -> list[Violation]:
    """Tables from the sheet, none over capacity, as many and as even as `table_layout` says."""
    violations: list[Violation] = []
    capacity = {spec.name: spec for spec in rules.tables}
    for round_ in plan.rounds:
        r = round_.round
        present = sum(1 for p in plan.participants if p.present_in(r))
        seated = [t for t in round_.tables if t.participants]
        room: dict[str, int] = {}
        for table in seated:
            spec = capacity.get(table.table)
            if spec is None:
                violations.append(
                    Violation(
                        "table-name",
                        f"round {r}: table {table.table!r} is not on the {TABLES_SHEET} sheet",
                    )
                )
                continue
            seats = table_capacity(spec, plan.settings, present)
            room[table.table] = seats
            if len(table.participants) > seats:
                violations.append(
                    Violation(
                        "table-capacity",
                        f"round {r}: table {table.table} seats {len(table.participants)}, "
                        f"more than its {seats} places",
                    )
                )
        try:
            expected = len(table_layout(present, plan.settings, rules))
        except SettingsError as error:
            violations.append(Violation("table-capacity", f"round {r}: {error.message}"))
            continue
        if len(seated) != expected:
            violations.append(
                Violation(
                    "table-count",
                    f"round {r}: {len(seated)} tables where {expected} are needed for {present} "
                    "people",
                )
            )
        for big, small in combinations(seated, 2):
            larger, smaller = sorted((big, small), key=lambda t: -len(t.participants))
            if len(larger.participants) - len(smaller.participants) > 1 and len(
                smaller.participants
            ) < room.get(smaller.table, 0):
                violations.append(
                    Violation(
                        "balanced-tables",
                        f"round {r}: table {larger.table} seats {len(larger.participants)} while "
                        f"table {smaller.table} seats {len(smaller.participants)} and has room",
                    )
                )
    return violations


def rule_report(plan: Plan) -> list[RuleOutcome]:
    """How well each rule that applies to this plan was met, in the organiser's words."""
    rules = plan.rules
    if rules is None:
        return []
    outcomes: list[RuleOutcome] = []
    if rules.common_language and any(p.languages for p in plan.participants):
        outcomes.append(_language_outcome(plan))
    if rules.mix is not None:
        outcomes.append(_mix_outcome(plan, rules.mix, rules.mix_label or rules.mix))
    if rules.interests != "off" and any(p.interests for p in plan.participants):
        outcomes.append(_interests_outcome(plan, rules.interests == "match"))
    if rules.offers_needs and _needy(plan.participants):
        outcomes.append(_offers_outcome(plan, rules))
    if any(p.host for p in plan.participants):
        outcomes.append(_hosts_outcome(plan))
    if rules.tables:
        outcomes.append(_tables_outcome(plan, rules))
    must = [q for q in rules.requests if q.kind == "must_meet"]
    if must:
        outcomes.append(_must_meet_outcome(plan, rules))
    if any(q.kind == "keep_apart" for q in rules.requests):
        outcomes.append(_keep_apart_outcome(plan, rules))
    if rules.history:
        outcomes.append(_history_outcome(plan, rules))
    return outcomes


def _language_outcome(plan: Plan) -> RuleOutcome:
    # as tags, also for a plan.json written before languages were read that way
    plan = plan.model_copy(
        update={
            "participants": [
                p.model_copy(update={"languages": normalise_languages(p.languages)})
                for p in plan.participants
            ]
        }
    )
    sizes = [len(t.participants) for round_ in plan.rounds for t in round_.tables if t.participants]
    beyond = beyond_a_common_language(plan.participants, min(sizes, default=2))
    missing: list[tuple[int, str]] = []
    named: dict[str, Participant] = {}
    explained = True
    spoken_here = {lang for p in plan.participants for lang in p.languages}
    table_languages = {
        spec.name: set(normalise_languages(spec.languages)) & spoken_here
        for spec in (plan.rules.tables if plan.rules is not None else [])
    }
    for r, name, people in _tables(plan):
        shared = common_languages(people)
        if shared is not None and table_languages.get(name):
            shared &= table_languages[name]  # the table's own language(s), when someone speaks one
        if shared is not None and not shared:
            missing.append((r, name))
            apart = [p for p in people if p.id in beyond]
            named.update((p.id, p) for p in apart)
            # explained when the others at the table, without them, share a language
            rest = common_languages(p for p in people if p.id not in beyond)
            if rest is not None and table_languages.get(name):
                rest &= table_languages[name]
            explained = explained and bool(apart) and (rest is None or bool(rest))
    if not missing:
        return RuleOutcome("common language", True, "every table shares a language")
    listed = [
        f"{person.name} speaks {', '.join(language_name(lang) for lang in person.languages)}"
        for person in named.values()
    ]
    shown = "; ".join(listed[:6]) + (f" and {len(listed) - 6} more" if len(listed) > 6 else "")
    why = f" (too few others speak their language to fill a table: {shown})" if named else ""
    return RuleOutcome(
        "common language",
        explained,
        f"{_count(len(missing), 'table')} without a common language: {_where(missing)}{why}",
        limited=explained,
    )


def _mix_outcome(plan: Plan, field: str, label: str) -> RuleOutcome:
    crowded: list[tuple[int, str]] = []
    worst = ""
    for round_ in plan.rounds:
        r = round_.round
        known = plan.participant_by_id()
        present = [p for p in plan.participants if p.present_in(r)]
        totals = Counter(category(p, field) for p in present)
        for table in round_.tables:
            people = [known[p] for p in table.participants if p in known]
            counts = Counter(category(p, field) for p in people)
            for kind, count in counts.items():
                share = even_share(totals[kind], len(people), len(present))
                if kind and count > share:
                    crowded.append((r, table.table))
                    worst = worst or f"{count} of one {label} where {share} is an even share"
                    break
    if not crowded:
        return RuleOutcome(
            "stakeholder mix", True, f"every table of every round has an even share of each {label}"
        )
    return RuleOutcome(
        "stakeholder mix",
        False,
        f"{_count(len(crowded), 'table')} over the even share: {_where(crowded)} ({worst})",
    )


def _folded(words: Iterable[str]) -> set[str]:
    return {organisation_key(w) for w in words if organisation_key(w)}


def _interests_outcome(plan: Plan, match: bool) -> RuleOutcome:
    interested = [p for p in plan.participants if p.interests]
    interests = {p.id: _folded(p.interests) for p in interested}
    sharing = 0
    tables = 0
    for _, _, people in _tables(plan):
        keen = [p for p in people if p.id in interests]
        if len(keen) < 2:
            continue
        tables += 1
        if any(interests[a.id] & interests[b.id] for a, b in combinations(keen, 2)):
            sharing += 1
    if match:
        holders = Counter(word for words in interests.values() for word in words)
        partners = {pid for pid, words in interests.items() if any(holders[w] > 1 for w in words)}
        served: set[str] = set()
        for _, _, people in _tables(plan):
            ids = [p.id for p in people if p.id in interests]
            for first, second in combinations(ids, 2):
                if interests[first] & interests[second]:
                    served.update((first, second))
        lonely = partners - served
        detail = f"{sharing} of {tables} tables seat people who share an interest; " + (
            "everyone meets someone who shares an interest"
            if not lonely
            else f"{_count(len(lonely), 'person')} never meet someone who shares theirs"
        )
        return RuleOutcome("interests", not lonely, detail)
    meetings = alike = 0
    for _, _, people in _tables(plan):
        present = [p.id for p in people if p.id in interests]
        for one, other in combinations(present, 2):
            meetings += 1
            alike += bool(interests[one] & interests[other])
    return RuleOutcome(
        "interests",
        True,
        f"{alike} of {meetings} meetings between people with interests are between people "
        "sharing one (fewer is more varied)",
    )


def _offerers(participants: Sequence[Participant]) -> dict[str, set[str]]:
    """For each thing offered (folded), who offers it."""
    offering: dict[str, set[str]] = {}
    for person in participants:
        for offer in _folded(person.offers):
            offering.setdefault(offer, set()).add(person.id)
    return offering


def _needy(participants: Sequence[Participant]) -> dict[str, set[str]]:
    """For each person with a need someone else offers, who could serve them."""
    offering = _offerers(participants)
    needy: dict[str, set[str]] = {}
    for person in participants:
        helpers = {h for need in _folded(person.needs) for h in offering.get(need, set())}
        helpers.discard(person.id)
        if helpers:
            needy[person.id] = helpers
    return needy


def _offers_outcome(plan: Plan, rules: EventRules) -> RuleOutcome:
    """Met when everyone with a need meets someone offering it, save those whom nobody
    offering it can ever join at a table (no shared language, never there in the same round,
    to be kept apart...: the reasons of `impossible_request`)."""
    needy = _needy(plan.participants)
    served: set[str] = set()
    for _, _, people in _tables(plan):
        here = {p.id for p in people}
        served.update(pid for pid in here if pid in needy and needy[pid] & here)
    missed: list[str] = []
    impossible: list[str] = []
    listed = {p.id: i for i, p in enumerate(plan.participants)}
    for pid in sorted(set(needy) - served, key=listed.__getitem__):
        helpers = sorted(needy[pid], key=listed.__getitem__)
        reasons = {impossible_request(plan, rules, pid, helper) for helper in helpers}
        if None in reasons:
            missed.append(pid)
        elif len(helpers) == 1:
            impossible.append(f"{pid} and {helpers[0]} ({reasons.pop()})")
        elif len(reasons) == 1:
            impossible.append(f"{pid} and the {len(helpers)} offering it ({reasons.pop()})")
        else:
            impossible.append(f"{pid} (nobody offering it can share their table)")
    detail = f"{len(served)} of {_count(len(needy), 'person')} with a need meet someone offering it"
    return RuleOutcome("offers and needs", not missed, _shortfall(detail, missed, impossible))


def _hosts_outcome(plan: Plan) -> RuleOutcome:
    where = _host_tables(plan)
    moved = sorted(h for h, names in where.items() if len(names) > 1)
    shared: list[tuple[int, str]] = []
    for r, name, people in _tables(plan):
        if sum(1 for p in people if p.host) > 1:
            shared.append((r, name))
    tables = max((len(round_.tables) for round_ in plan.rounds), default=0)
    if moved:
        return RuleOutcome(
            "hosts", False, f"{_count(len(moved), 'host')} change tables: {', '.join(moved)}"
        )
    if shared:
        unavoidable = len(where) > tables
        return RuleOutcome(
            "hosts",
            unavoidable,
            f"hosts share {_count(len(shared), 'table')}: {_where(shared)}"
            + (f" ({len(where)} hosts for {tables} tables)" if unavoidable else ""),
        )
    return RuleOutcome(
        "hosts", True, f"{_count(len(where), 'host')} each keep one table, never two at a table"
    )


def _tables_outcome(plan: Plan, rules: EventRules) -> RuleOutcome:
    broken = _layout_violations(plan, rules)
    used = {t.table for round_ in plan.rounds for t in round_.tables}
    if broken:
        return RuleOutcome("tables", False, str(broken[0]) + f" ({_count(len(broken), 'problem')})")
    return RuleOutcome(
        "tables", True, f"{_count(len(used), 'named table')} used, none over its capacity"
    )


def impossible_request(plan: Plan, rules: EventRules, first: str, second: str) -> str | None:
    """Why a must-meet request cannot be met in this plan, or None when it can."""
    known = plan.participant_by_id()
    for pid in (first, second):
        if pid not in known:
            return f"{pid} is not on the participant list"
    if first == second:
        return "the same person twice"
    a, b = known[first], known[second]
    if not any(a.present_in(r) and b.present_in(r) for r in range(1, len(plan.rounds) + 1)):
        return "they are never present in the same round"
    if a.host and b.host and len(_host_tables(plan)) <= max(len(r.tables) for r in plan.rounds):
        return "both are hosts, who stay at different tables"
    for request in rules.requests:
        if request.kind == "keep_apart" and {request.first, request.second} == {first, second}:
            return "they are also to be kept apart"
    if rules.common_language and no_shared_language(a, b):
        return "they share no language"
    return None


def _must_meet_outcome(plan: Plan, rules: EventRules) -> RuleOutcome:
    together = _met_together(plan)
    missed: list[str] = []
    impossible: list[str] = []
    requests = [q for q in rules.requests if q.kind == "must_meet"]
    for request in requests:
        if together[frozenset((request.first, request.second))]:
            continue
        reason = impossible_request(plan, rules, request.first, request.second)
        label = f"{request.first} and {request.second}"
        if reason is None:
            missed.append(label)
        else:
            impossible.append(f"{label} ({reason})")
    met = len(requests) - len(missed) - len(impossible)
    detail = f"{met} of {_count(len(requests), 'pair')} meet"
    return RuleOutcome("must meet", not missed, _shortfall(detail, missed, impossible))


def _shortfall(detail: str, missed: Sequence[str], impossible: Sequence[str]) -> str:
    """A rule's detail with what was not met and what no plan could meet, when there is any."""
    if missed:
        detail += f"; not met: {', '.join(missed)}"
    if impossible:
        detail += f"; impossible: {', '.join(impossible)}"
    return detail


def _keep_apart_outcome(plan: Plan, rules: EventRules) -> RuleOutcome:
    together = _met_together(plan)
    requests = [q for q in rules.requests if q.kind == "keep_apart"]
    broken = [
        f"{q.first} and {q.second}"
        for q in requests
        if q.first != q.second and together[frozenset((q.first, q.second))]
    ]
    if broken:
        return RuleOutcome("keep apart", False, f"at one table: {', '.join(broken)}")
    return RuleOutcome("keep apart", True, f"{_count(len(requests), 'pair')} never share a table")


def _history_outcome(plan: Plan, rules: EventRules) -> RuleOutcome:
    known = plan.participant_by_id()
    pairs = {frozenset((a, b)) for a, b in rules.history if a in known and b in known and a != b}
    together = _met_together(plan)
    requested = {frozenset((q.first, q.second)) for q in rules.requests if q.kind == "must_meet"}
    again = [pair for pair in pairs if together[pair]]
    asked = sum(1 for pair in again if pair in requested)  # must meet again: the organiser's call
    unasked = len(again) - asked
    detail = f"{unasked or 'none'} of the {_count(len(pairs), 'pair')} who met before meet again"
    if asked:
        detail += f", save {_count(asked, 'must-meet pair')} (as asked)"
    return RuleOutcome("history", not unasked, detail)
