"""The event's own rules on a realistic event: how well each is met, at what cost in new pairs
and time against the same event without them (issue "The event's own rules").

    python benchmarks/rules_bench.py [--people 150] [--rounds 5] [--table-size 6] [--seeds 3]

A seeded generator makes an event of about 150 people from about 60 organisations, 5 languages
(most people speak French or English, some only one of the others), 4 sectors in uneven shares,
6 hosts, 20 requests (10 must-meet, 10 keep-apart), interests and offers/needs. Each seed is
solved four ways: plain (no rules), hard rules only (hosts, requests, common language), those
plus the stakeholder mix, and every rule (plus interests and offers/needs); every plan is
validated. "seconds" is the whole `make_plan` call (reading aside): the solve and the rules'
set-up and checks.
Timings are wall clock on a shared machine: noisy.
"""

from __future__ import annotations

import argparse
import random
import time

from speedmeet.model import EventSettings, Participant
from speedmeet.planning import PlanOutcome, make_plan
from speedmeet.rules import EventRules, Request
from speedmeet.validate import rule_report, validate

LANGUAGES = ["fr", "en", "de", "it", "ar"]
SECTORS = ["NGO", "public authority", "employment body", "academia"]
SECTOR_SHARES = [0.4, 0.3, 0.2, 0.1]
TOPICS = ["housing", "jobs", "health", "language courses", "legal aid", "childcare", "training"]


def realistic_event(people: int, seed: int) -> tuple[list[Participant], EventRules]:
    """Participants with languages, sectors, interests, offers/needs and 6 hosts; 20 requests."""
    chance = random.Random(seed)
    participants: list[Participant] = []
    organisation = 0
    while len(participants) < people:
        organisation += 1
        size = min(chance.choice([1, 1, 2, 2, 3, 4, 5]), people - len(participants))
        sector = chance.choices(SECTORS, SECTOR_SHARES)[0]
        for _ in range(size):
            i = len(participants) + 1
            main = chance.choices(["fr", "en", "both"], [0.35, 0.35, 0.3])[0]
            spoken = {"fr", "en"} if main == "both" else {main}
            if chance.random() < 0.3:
                spoken.add(chance.choice(LANGUAGES[2:]))
            participants.append(
                Participant(
                    id=f"P{i}",
                    name=f"Person {i}",
                    organisation=f"Organisation {organisation}",
                    languages=sorted(spoken),
                    role=sector,
                    interests=chance.sample(TOPICS, chance.randint(1, 2)),
                    offers=chance.sample(TOPICS, 1) if chance.random() < 0.3 else [],
                    needs=chance.sample(TOPICS, 1) if chance.random() < 0.3 else [],
                    host=False,
                )
            )
    hosts = chance.sample(range(people), 6)
    for h in hosts:
        participants[h] = participants[h].model_copy(update={"host": True})
    others = [p.id for i, p in enumerate(participants) if i not in hosts]
    requests = []
    for kind in ("must_meet", "keep_apart"):
        for _ in range(10):
            first, second = chance.sample(others, 2)
            requests.append(Request(kind=kind, first=first, second=second))
    rules = EventRules(mix="role", interests="match", requests=requests)
    return participants, rules


def hard_only(rules: EventRules) -> EventRules:
    """The same event without the soft rules (mix, interests, offers/needs)."""
    return rules.model_copy(update={"mix": None, "interests": "off", "offers_needs": False})


def with_mix(rules: EventRules) -> EventRules:
    """The hard rules and the stakeholder mix, without interests and offers/needs."""
    return rules.model_copy(update={"interests": "off", "offers_needs": False})


def run(
    participants: list[Participant], settings: EventSettings, rules: EventRules | None
) -> tuple[PlanOutcome, float]:
    started = time.perf_counter()
    outcome = make_plan(participants, settings, rules=rules)
    seconds = time.perf_counter() - started
    assert validate(outcome.plan).ok
    return outcome, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--table-size", type=int, default=6)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=10.0)
    options = parser.parse_args()
    print(
        "| seed | plan | new pairs | bound | % of plain | seconds | rules met |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    for seed in range(options.seeds):
        participants, rules = realistic_event(options.people, seed)
        settings = EventSettings(
            rounds=options.rounds,
            table_size=options.table_size,
            time_limit=options.time_limit,
            seed=seed,
        )
        plain, plain_seconds = run(participants, settings, None)
        plain_pairs = plain.result.pairs
        for label, chosen in (
            ("plain", None),
            ("hard rules", hard_only(rules)),
            ("hard rules + mix", with_mix(rules)),
            ("all rules", rules),
        ):
            outcome, seconds = (
                (plain, plain_seconds) if chosen is None else run(participants, settings, chosen)
            )
            report = rule_report(outcome.plan)
            met = ", ".join(f"{o.rule}: {'yes' if o.met else 'NO'}" for o in report) or "-"
            share = 100.0 * outcome.result.pairs / plain_pairs
            print(
                f"| {seed} | {label} | {outcome.result.pairs} | {outcome.result.bound} | "
                f"{share:.2f}% | {seconds:.2f} | {met} |"
            )
            if chosen is rules:
                for o in report:
                    print(f"|   |   |   |   |   |   | {o.rule}: {o.detail} |")


if __name__ == "__main__":
    main()
