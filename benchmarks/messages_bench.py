"""How long `speedmeet messages` takes to write its drafts for events of growing size.

    python benchmarks/messages_bench.py [--sizes 70,500,2000] [--rounds 4]

Each event is a made-up plan (tables of five, four rounds, 14:00 start) written into a
temporary folder; the figures are wall-clock seconds for the itineraries (.eml + .ics each) and
the who-you-met lists (.eml each), so they are noisy on a shared machine. Nothing is sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speedmeet.messages.drafts import MessageOptions, write_drafts
from speedmeet.model import EventSettings, Participant, Plan, Round, Table


def made_up_plan(size: int, rounds: int, table_size: int = 5) -> Plan:
    people = [
        Participant(
            id=f"P{i:05d}",
            name=f"Person {i}",
            organisation=f"Organisation {i % max(1, size // 3)}",
            email=f"person{i}@example.org",
            consent=i % 2 == 0,
        )
        for i in range(size)
    ]
    tables = (size + table_size - 1) // table_size
    schedule: list[Round] = []
    for number in range(1, rounds + 1):
        order = sorted(range(size), key=lambda i: (i * (7 * number + 1)) % size)
        schedule.append(
            Round(
                round=number,
                tables=[
                    Table(
                        table=str(t + 1),
                        participants=[people[i].id for i in order[t::tables]],
                    )
                    for t in range(tables)
                ],
            )
        )
    settings = EventSettings(rounds=rounds, table_size=table_size, start="14:00", round_minutes=20)
    return Plan(settings=settings, participants=people, rounds=schedule)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="70,500,2000")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    print(f"{'people':>7} {'itineraries (s)':>16} {'who-you-met (s)':>16} {'ms/person':>10}")
    for size in (int(text) for text in args.sizes.split(",")):
        plan = made_up_plan(size, args.rounds)
        with tempfile.TemporaryDirectory() as folder:
            began = time.perf_counter()
            write_drafts(
                plan,
                Path(folder) / "messages",
                MessageOptions(date=dt.date(2026, 3, 12), settings=plan.settings),
            )
            itineraries = time.perf_counter() - began
            began = time.perf_counter()
            write_drafts(plan, Path(folder) / "messages-after", MessageOptions(kind="after"))
            after = time.perf_counter() - began
        per_person = 1000 * (itineraries + after) / size
        print(f"{size:>7} {itineraries:>16.2f} {after:>16.2f} {per_person:>10.1f}")


if __name__ == "__main__":
    main()
