"""Shared test helpers: small plans built by hand, so rules can be tested without the solver."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from speedmeet.model import EventSettings, Participant, Plan, Round, Table


def make_participants(organisations: Sequence[str]) -> list[Participant]:
    """Participant i gets id P<i+1>, a readable name and the given organisation."""
    return [
        Participant(id=f"P{i + 1}", name=f"Person {i + 1}", organisation=organisation)
        for i, organisation in enumerate(organisations)
    ]


def write_registrations(path: Path, people: Sequence[tuple[str, str]]) -> Path:
    """A registration csv as a form tool exports it: name, organisation and an e-mail address."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation", "Email"])
        for i, (name, organisation) in enumerate(people):
            writer.writerow([name, organisation, f"person{i}@example.org"])
    return path


def plan_from_schedule(
    participants: Sequence[Participant],
    schedule: Sequence[Sequence[Sequence[int]]],
    *,
    table_size: int,
    tables: int | None = None,
) -> Plan:
    """A Plan whose table t of round r seats participants at the given list positions."""
    return Plan(
        settings=EventSettings(rounds=len(schedule), table_size=table_size, tables=tables),
        participants=list(participants),
        rounds=[
            Round(
                round=r,
                tables=[
                    Table(table=str(t), participants=[participants[i].id for i in members])
                    for t, members in enumerate(round_tables, start=1)
                ],
            )
            for r, round_tables in enumerate(schedule, start=1)
        ],
    )


def affine_plane_3() -> list[list[list[int]]]:
    """AG(2,3): 9 points (x, y) -> index 3x+y; 4 parallel classes of 3 lines of 3 points.

    Every pair of points lies on exactly one line, so 4 rounds seat all 36 pairs once.
    """
    rounds: list[list[list[int]]] = [[[3 * x + y for y in range(3)] for x in range(3)]]
    for slope in range(3):
        rounds.append([[3 * x + (slope * x + c) % 3 for x in range(3)] for c in range(3)])
    return rounds


@pytest.fixture(autouse=True)
def wide_console(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fix rich's width so that wrapped output does not depend on the terminal running the
    tests (or on pytest-xdist's workers, which have none): the CLI's own consoles, and, through
    COLUMNS, every console a command makes while it runs (replan's, typer's help)."""
    from speedmeet import cli

    monkeypatch.setenv("COLUMNS", "400")
    saved = cli.console.width, cli.error_console.width
    cli.console.width = cli.error_console.width = 400
    yield
    cli.console.width, cli.error_console.width = saved


@pytest.fixture
def nine_singletons() -> list[Participant]:
    return make_participants([f"Organisation {i}" for i in range(9)])
