"""Who met whom, after the event: per person and per organisation, read back from meetings.xlsx."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.meetings import who_met_whom
from speedmeet.model import Plan
from speedmeet.planfile import write_plan
from tests.conftest import make_participants, plan_from_schedule


def small_plan() -> Plan:
    # A1 A2 from A, B1 from B, C1 from C. Round 1: {A1,B1} {A2,C1}; round 2: {A1,C1} {A2,B1}.
    people = make_participants(["A", "A", "B", "C"])
    return plan_from_schedule(people, [[[0, 2], [1, 3]], [[0, 3], [1, 2]]], table_size=2)


def test_who_met_whom_per_person_and_organisation() -> None:
    by_person, by_organisation = who_met_whom(small_plan())
    assert by_person["P1"].met == {"P3": [1], "P4": [2]}
    assert by_person["P2"].met == {"P4": [1], "P3": [2]}
    assert by_organisation["A"].people == 2
    # Both A people met B1 and C1: 2 pairs with each organisation.
    assert by_organisation["A"].met == {"B": 2, "C": 2}
    assert by_organisation["B"].met == {"A": 2}


def test_report_command_writes_meetings_workbook(tmp_path: Path) -> None:
    write_plan(small_plan(), tmp_path / "plan.json")
    result = CliRunner().invoke(cli.app, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(tmp_path / "meetings.xlsx")
    people = list(workbook["People"].iter_rows(values_only=True))
    assert people[0] == (
        "ID",
        "Name",
        "Organisation",
        "People met",
        "Organisations met",
        "Met (round)",
    )
    assert people[1] == ("P1", "Person 1", "A", 2, 2, "Person 3, B (1); Person 4, C (2)")
    organisations = list(workbook["Organisations"].iter_rows(values_only=True))
    assert organisations[1] == ("A", 2, 2, "B (2); C (2)")
