"""Online events: the breakout-room csv a meeting tool imports, the chat text per room, and the
people the host must place by hand."""

from __future__ import annotations

import csv
from pathlib import Path

from speedmeet.exports.online import (
    ROOMS_HEADER,
    messages_text,
    needs_manual_assignment,
    rooms_csv,
    write_online_exports,
)
from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.validate import validate


def online_plan() -> Plan:
    """6 people, 2 rounds of 2 tables of 3; one numbered table and one named table per round."""
    people = [
        Participant(
            id="P1", name="Amira Haddad", organisation="Hospice général", email="amira@a.org"
        ),
        Participant(id="P2", name="Jean Dupont", organisation="Caritas", email="jean@c.org"),
        Participant(id="P3", name="Olena K", organisation="UNHCR", email=None),
        Participant(id="P4", name='=HYPERLINK("x")', organisation="-Org", email="=cmd@x.org"),
        Participant(id="P5", name="Marco Rossi", organisation="EPER", email="office@e.org"),
        Participant(id="P6", name="Ana Silva", organisation="IOM", email="OFFICE@e.org"),
    ]
    return Plan(
        settings=EventSettings(rounds=2, table_size=3, title="Regional platform"),
        participants=people,
        rounds=[
            Round(
                round=1,
                topic="Needs",
                tables=[
                    Table(table="1", participants=["P1", "P2", "P3"]),
                    Table(table="+Terrace", participants=["P4", "P5", "P6"]),
                ],
            ),
            Round(
                round=2,
                tables=[
                    Table(table="1", participants=["P1", "P4", "P5"]),
                    Table(table="+Terrace", participants=["P2", "P3", "P6"]),
                ],
            ),
        ],
    )


def test_the_plan_used_here_follows_the_rules() -> None:
    assert validate(online_plan()).ok


def test_rooms_csv_is_the_pre_assigned_rooms_format_exactly() -> None:
    # P3 has no email; P5 and P6 share one (case aside): all three are left to the host.
    # "+Terrace" and "=cmd@x.org" would be formulas in a spreadsheet: they get a leading quote.
    assert rooms_csv(online_plan(), 1) == (
        "Pre-assign Room Name,Email Address\r\n"
        "Room 1,amira@a.org\r\n"
        "Room 1,jean@c.org\r\n"
        "'+Terrace,'=cmd@x.org\r\n"
    )
    assert rooms_csv(online_plan(), 2) == (
        "Pre-assign Room Name,Email Address\r\n"
        "Room 1,amira@a.org\r\n"
        "Room 1,'=cmd@x.org\r\n"
        "'+Terrace,jean@c.org\r\n"
    )


def test_people_without_email_or_sharing_one_are_listed() -> None:
    manual = needs_manual_assignment(online_plan())
    assert [(m.participant.id, m.reason) for m in manual] == [
        ("P3", "no email"),
        ("P5", "email office@e.org is shared"),
        ("P6", "email OFFICE@e.org is shared"),
    ]


def test_messages_per_round_and_room_then_who_to_move_by_hand() -> None:
    assert messages_text(online_plan()) == "\n".join(
        [
            "Regional platform: breakout rooms",
            "",
            "Round 1: Needs",
            "",
            "Room 1: Amira Haddad (Hospice général), Jean Dupont (Caritas), Olena K (UNHCR)",
            '+Terrace: =HYPERLINK("x") (-Org), Marco Rossi (EPER), Ana Silva (IOM)',
            "",
            "Round 2",
            "",
            'Room 1: Amira Haddad (Hospice général), =HYPERLINK("x") (-Org), Marco Rossi (EPER)',
            "+Terrace: Jean Dupont (Caritas), Olena K (UNHCR), Ana Silva (IOM)",
            "",
            "To assign by hand (the meeting tool cannot place them by email):",
            "- Olena K (UNHCR), no email: round 1 Room 1, round 2 +Terrace",
            "- Marco Rossi (EPER), email office@e.org is shared: round 1 +Terrace, round 2 Room 1",
            "- Ana Silva (IOM), email OFFICE@e.org is shared: round 1 +Terrace, round 2 +Terrace",
            "",
        ]
    )


def test_write_online_exports_writes_every_round_and_the_messages(tmp_path: Path) -> None:
    plan = online_plan()
    written = write_online_exports(plan, tmp_path / "out")
    assert [path.name for path in written] == [
        "breakout-rooms-round-1.csv",
        "breakout-rooms-round-2.csv",
        "breakout-messages.txt",
    ]
    for round_number, path in enumerate(written[:2], start=1):
        assert path.read_bytes() == rooms_csv(plan, round_number).encode("utf-8")
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == ROOMS_HEADER
    assert written[2].read_text(encoding="utf-8") == messages_text(plan)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def test_everyone_with_an_own_email_is_in_exactly_one_room_per_round() -> None:
    plan = online_plan()
    manual = {m.participant.id for m in needs_manual_assignment(plan)}
    emails = {p.email for p in plan.participants if p.id not in manual}
    for round_number in (1, 2):
        rows = list(csv.reader(rooms_csv(plan, round_number).splitlines()))[1:]
        assert sorted(email.removeprefix("'") for _, email in rows) == sorted(
            e for e in emails if e is not None
        )
