"""`speedmeet replan` and `speedmeet history` as an organiser runs them between rounds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from speedmeet.cli import app
from speedmeet.planfile import read_plan, write_plan
from speedmeet.rules import EventRules
from speedmeet.validate import validate
from tests.test_replan import cyclic_plan, members_of, table_of


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def event(tmp_path: Path) -> Path:
    folder = tmp_path / "event-plan"
    folder.mkdir()
    write_plan(cyclic_plan(14, 5), folder / "plan.json")
    return folder


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_replan_says_who_moves_keeps_the_old_plan_and_writes_a_reprint_folder(
    event: Path,
) -> None:
    before = read_plan(event)
    leavers = [members_of(before, 3, "1")[0], members_of(before, 3, "1")[1]]
    stayer = members_of(before, 3, "7")[0]
    result = run(
        "replan",
        str(event),
        "--from-round",
        "3",
        "--drop",
        leavers[0],
        "--drop",
        before.participant_by_id()[leavers[1]].name,
        "--add",
        "Jean Dupont; Caritas Genève",
    )
    assert result.exit_code == 0, result.output
    after = read_plan(event)
    assert validate(after).ok
    assert read_plan(event / "plan.v1.json") == before
    walk_in = next(p for p in after.participants if p.name == "Jean Dupont")
    assert f"Joins from round 3: Jean Dupont ({walk_in.id}, Caritas Genève)" in result.output
    assert f"Jean Dupont: round 3 not seated -> table {table_of(after, walk_in.id, 3)}" in (
        result.output
    )
    for pid in leavers:
        assert f"Leaves after round 2: {before.participant_by_id()[pid].name} ({pid})" in (
            result.output
        )
    moved = [
        p
        for p in after.participants
        if p.id not in leavers and p.id != walk_in.id
        if any(table_of(after, p.id, r) != table_of(before, p.id, r) for r in (3, 4))
    ]
    for person in moved:
        assert f"{person.name}: round" in result.output
    assert "Kept the previous plan as plan.v1.json" in result.output
    assert "new cross-organisation pairs" in result.output

    with open(event / "changes.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["round", "table before", "table after", "id", "name", "organisation"]
    assert [
        "3",
        "",
        table_of(after, walk_in.id, 3),
        walk_in.id,
        "Jean Dupont",
        "Caritas Genève",
    ] in rows

    badges = pdf_text(event / "reprint" / "badges.pdf")
    assert "Jean Dupont" in badges
    assert before.participant_by_id()[stayer].name not in badges
    assert (event / "reprint" / "round-sheets.pdf").exists()
    assert (event / "plan.xlsx").exists()


def test_walk_ins_can_come_from_a_spreadsheet(event: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "late-arrivals.xlsx"
    workbook = Workbook()
    rows = [["Name", "Organisation"], ["Nadia Benali", "org 4-1"], ["Tom Weber", "Stadt Bern"]]
    for row in rows:
        workbook.active.append(row)
    workbook.save(sheet)
    result = run("replan", str(event), "--from-round", "4", "--add", str(sheet), "--no-pdf")
    assert result.exit_code == 0, result.output
    after = read_plan(event)
    added = {p.name: p for p in after.participants if p.first_round == 4}
    assert set(added) == {"Nadia Benali", "Tom Weber"}
    assert added["Nadia Benali"].organisation == "Org 4-1"
    assert sorted(p.id for p in added.values()) == ["P0071", "P0072"]
    assert all(table_of(after, p.id, 4) for p in added.values())
    assert validate(after).ok


def test_history_lists_every_version(event: Path) -> None:
    assert (
        run("replan", str(event), "--from-round", "2", "--drop", "P0003", "--no-pdf").exit_code == 0
    )
    assert (
        run("replan", str(event), "--from-round", "3", "--add", "Ana; Org X", "--no-pdf").exit_code
        == 0
    )
    result = run("history", str(event))
    assert result.exit_code == 0, result.output
    assert "plan.v1.json" in result.output and "original plan" in result.output
    assert "plan.v2.json" in result.output and "dropped P0003" in result.output
    assert "v3 (current)" in result.output and "added P0071" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from-round", "9", "--drop", "P0001"], "Error: --from-round 9: the plan has 4 rounds"),
        (
            ["--from-round", "2", "--drop", "Nobody Atall"],
            "Error: no participant has the id or name",
        ),
        (["--from-round", "2", "--add", "missing.xlsx"], "Error: --add missing.xlsx: no such file"),
    ],
)
def test_mistakes_give_one_error_line_and_change_nothing(
    event: Path, args: list[str], message: str
) -> None:
    before = (event / "plan.json").read_bytes()
    result = run("replan", str(event), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert (event / "plan.json").read_bytes() == before
    assert not (event / "plan.v1.json").exists()


def test_a_folder_without_a_plan_is_an_error(tmp_path: Path) -> None:
    result = run("history", str(tmp_path))
    assert result.exit_code == 1
    assert "Error:" in result.output and "no plan.json" in result.output


def test_replan_remakes_the_online_breakout_rooms(event: Path) -> None:
    plan = read_plan(event)
    for person in plan.participants:
        person.email = f"{person.id.lower()}@example.org"
    plan.rules = EventRules(online=True)
    write_plan(plan, event / "plan.json")
    leaver = members_of(plan, 2, "1")[0]
    result = run("replan", str(event), "--from-round", "2", "--drop", leaver, "--no-pdf")
    assert result.exit_code == 0, result.output
    after = read_plan(event)
    seating = after.seating()
    for round_ in after.rounds:
        rows = list(
            csv.reader((event / f"breakout-rooms-round-{round_.round}.csv").open(encoding="utf-8"))
        )
        assert rows[0] == ["Pre-assign Room Name", "Email Address"]
        rooms = {email: room for room, email in rows[1:]}
        for person in after.participants:
            table = seating[person.id][round_.round - 1]
            if table is None:
                assert person.email not in rooms
            else:
                assert rooms[str(person.email)] == f"Room {table}"
