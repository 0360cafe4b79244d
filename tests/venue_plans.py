"""Plans for the venue page's tests: accented names of many scripts, and large rounds."""

from __future__ import annotations

from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.validate import validate
from tests.conftest import affine_plane_3

PEOPLE = [
    ("Hélène Dubois", "Hospice Général"),
    ("Amira Haddad", "Caritas Genève"),
    ("Amira Hadj", "Croix-Rouge genevoise"),
    ("Łukasz Żółć", "UNHCR"),
    ("Jean-Pierre Müller", "Ville de Genève"),
    ("Zoë O’Brien", "EPER"),
    ("Søren Ægidius", "IOM"),
    ("Иван Петров", "HUG"),
    ("ليلى منصور", "AGORA"),
]


def nine_plan(people: list[tuple[str, str]] = PEOPLE, *, break_minutes: int = 0) -> Plan:
    """Nine people of nine organisations, four rounds of three tables of three (AG(2,3)):
    everyone meets everyone exactly once."""
    participants = [
        Participant(id=f"P{i + 1}", name=name, organisation=organisation, email=f"p{i}@example.org")
        for i, (name, organisation) in enumerate(people)
    ]
    plan = Plan(
        settings=EventSettings(
            rounds=4,
            table_size=3,
            title="Migration & integration: who does what?",
            topics=["Needs", "Resources", "Next steps", "Wrap-up"],
            round_minutes=8,
            break_minutes=break_minutes,
        ),
        participants=participants,
        rounds=[
            Round(
                round=r,
                tables=[
                    Table(table=str(t), participants=[participants[i].id for i in members])
                    for t, members in enumerate(tables, start=1)
                ],
            )
            for r, tables in enumerate(affine_plane_3(), start=1)
        ],
    )
    assert validate(plan).ok
    return plan


FIRST = ["Maria-Fernanda", "Jean-Baptiste", "Aleksandra", "Mohammed", "Christophe", "Nguyễn"]
LAST = ["Rodríguez-Villalobos", "Kowalczyk", "Abdelrahman", "Papadopoulou", "Schwarzenegger"]


def cyclic_plan(tables: int, size: int = 5, rounds: int = 2) -> Plan:
    """`tables` tables of `size`; in round r person (t, k) sits at table (t + r*k) mod tables, so
    nobody meets twice while `tables` is prime to the shifts. Long names, to test the fit."""
    participants = [
        Participant(
            id=f"P{i + 1:03d}",
            name=f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}",
            organisation=f"Organisation number {i % 41}",
        )
        for i in range(tables * size)
    ]
    schedule = [
        [
            [
                t0 * size + k
                for t0 in range(tables)
                for k in range(size)
                if (t0 + r * k) % tables == t
            ]
            for t in range(tables)
        ]
        for r in range(rounds)
    ]
    plan = Plan(
        settings=EventSettings(rounds=rounds, table_size=size, round_minutes=6),
        participants=participants,
        rounds=[
            Round(
                round=r + 1,
                tables=[
                    Table(table=str(t + 1), participants=[participants[i].id for i in members])
                    for t, members in enumerate(round_tables)
                ],
            )
            for r, round_tables in enumerate(schedule)
        ],
    )
    assert validate(plan).ok
    return plan
