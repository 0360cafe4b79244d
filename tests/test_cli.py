"""The `speedmeet` command as an organiser runs it: exit codes, what it prints, what it writes."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.planfile import read_plan
from speedmeet.validate import validate
from tests.conftest import write_registrations

EXAMPLE = Path(__file__).parents[1] / "examples" / "participants.xlsx"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def event_csv(tmp_path: Path) -> Path:
    # 24 people from 12 organisations of two: 6 tables of 4, 3 rounds.
    rows = [(f"Person {i}", f"Organisation {i // 2}") for i in range(24)]
    return write_registrations(tmp_path / "event.csv", rows)


def test_plan_writes_a_valid_plan_and_workbook(runner: CliRunner, event_csv: Path) -> None:
    result = runner.invoke(
        cli.app, ["plan", str(event_csv), "--rounds", "3", "--table-size", "4", "--no-print"]
    )
    assert result.exit_code == 0, result.output
    out = event_csv.with_name("event-plan")
    plan = read_plan(out)
    report = validate(plan)
    assert report.ok, report.violations
    assert report.quality is not None
    # 6 tables of 4, 3 rounds: 3 x 6 x C(4,2) = 108 pairs possible and reachable.
    assert report.quality.bound.value == 108
    assert report.quality.new_pairs == 108
    assert "24 participants from 12 organisations" in result.output
    assert "108 of 108 possible (100.0%)" in result.output
    assert "perfect" in result.output

    workbook = openpyxl.load_workbook(out / "plan.xlsx")
    assert workbook.sheetnames == ["Summary", "Round 1", "Round 2", "Round 3", "By participant"]
    by_person = workbook["By participant"]
    assert [c.value for c in by_person[1]] == [
        "ID",
        "Name",
        "Organisation",
        "Round 1",
        "Round 2",
        "Round 3",
    ]
    assert by_person.max_row == 25
    seating = plan.seating()
    for row in by_person.iter_rows(min_row=2, values_only=True):
        # Numbered tables are numbers in the workbook, so that they sort 1, 2, 10.
        assert all(isinstance(table, int) for table in row[3:])
        assert [str(table) for table in row[3:]] == seating[str(row[0])]
    assert by_person.freeze_panes == "A2"
    assert workbook["Round 1"].page_setup.orientation == "landscape"
    assert not (out / "badges.pdf").exists()


def test_same_seed_gives_the_same_plan_file(
    runner: CliRunner, event_csv: Path, tmp_path: Path
) -> None:
    contents = []
    for attempt in range(2):
        folder = tmp_path / f"run{attempt}"
        args = ["plan", str(event_csv), "--rounds", "3", "--table-size", "4", "--seed", "7"]
        result = runner.invoke(cli.app, [*args, "--no-print", "--out", str(folder)])
        assert result.exit_code == 0, result.output
        contents.append((folder / "plan.json").read_bytes())
    assert contents[0] == contents[1]


def test_names_that_look_like_formulas_stay_text(runner: CliRunner, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "<script>"]
    rows = [(name, f"Organisation {i}") for i, name in enumerate(hostile)]
    rows += [(f"Person {i}", f"Organisation {i}") for i in range(4, 8)]
    source = write_registrations(tmp_path / "hostile.csv", rows)
    result = runner.invoke(cli.app, ["plan", str(source), "--table-size", "2", "--no-print"])
    assert result.exit_code == 0, result.output
    workbook = openpyxl.load_workbook(tmp_path / "hostile-plan" / "plan.xlsx")
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    for name in hostile:
        matches = [cell for cell in cells if cell.value == name]
        assert matches, name
        assert all(cell.data_type == "s" for cell in matches)


def test_missing_file_is_one_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli.app, ["plan", str(tmp_path / "nothing.xlsx")])
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {tmp_path / 'nothing.xlsx'}: no such file"
    assert "Traceback" not in result.output


def test_too_few_people_for_a_rotation(runner: CliRunner, tmp_path: Path) -> None:
    source = write_registrations(tmp_path / "three.csv", [("A", "X"), ("B", "Y"), ("C", "Z")])
    result = runner.invoke(cli.app, ["plan", str(source), "--no-print"])
    assert result.exit_code == 1
    assert (
        "Error: 3 participants fill only one table of 5: nobody can rotate; "
        "use a smaller --table-size or --tables 2"
    ) in result.output
    assert not (tmp_path / "three-plan" / "plan.json").exists()


@pytest.mark.parametrize(
    ("option", "value"), [("--table-size", "1"), ("--rounds", "0"), ("--tables", "1")]
)
def test_impossible_settings_are_usage_errors(
    runner: CliRunner, event_csv: Path, option: str, value: str
) -> None:
    result = runner.invoke(cli.app, ["plan", str(event_csv), option, value])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_output_folder_may_not_be_the_input(runner: CliRunner, event_csv: Path) -> None:
    before = event_csv.read_bytes()
    result = runner.invoke(cli.app, ["plan", str(event_csv), "--out", str(event_csv)])
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert event_csv.read_bytes() == before


def test_input_inside_the_output_folder_is_never_overwritten(
    runner: CliRunner, tmp_path: Path
) -> None:
    # An organiser keeps their sheet in the plan folder and names it like an output.
    folder = tmp_path / "event"
    folder.mkdir()
    source = write_registrations(
        folder / "plan.json", [(f"Person {i}", f"Organisation {i}") for i in range(8)]
    )
    before = source.read_bytes()
    result = runner.invoke(cli.app, ["plan", str(source), "--out", str(folder), "--no-print"])
    assert result.exit_code == 1
    assert "would overwrite the input" in result.output
    assert source.read_bytes() == before


def test_check_accepts_a_good_plan_and_rejects_a_broken_one(
    runner: CliRunner, event_csv: Path
) -> None:
    planned = runner.invoke(cli.app, ["plan", str(event_csv), "--table-size", "4", "--no-print"])
    assert planned.exit_code == 0, planned.output
    folder = event_csv.with_name("event-plan")
    good = runner.invoke(cli.app, ["check", str(folder)])
    assert good.exit_code == 0
    assert "the plan follows every rule" in good.output

    # Edit by hand: the first person of table 1 also sits at table 2 in round 1.
    plan_file = folder / "plan.json"
    raw = json.loads(plan_file.read_text(encoding="utf-8"))
    tables = raw["rounds"][0]["tables"]
    tables[1]["participants"][0] = tables[0]["participants"][0]
    plan_file.write_text(json.dumps(raw), encoding="utf-8")
    broken = runner.invoke(cli.app, ["check", str(folder)])
    assert broken.exit_code == 1
    assert "[seated-once]" in broken.output
    assert "Error:" in broken.output and "breaks" in broken.output


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example event not generated")
def test_example_event_is_perfect(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        cli.app, ["plan", str(EXAMPLE), "--out", str(tmp_path / "out"), "--no-print"]
    )
    assert result.exit_code == 0, result.output
    report = validate(read_plan(tmp_path / "out"))
    assert report.quality is not None
    assert report.quality.repeats == 0
    assert report.quality.same_organisation == 0
    assert report.quality.share >= 0.98


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for command in cli.app.registered_commands:
        assert command.name is not None
        assert f"speedmeet {command.name}" in readme, command.name


def test_many_rounds_fit_the_workbook(runner: CliRunner, tmp_path: Path) -> None:
    # 30 rounds need columns past Z on the "By participant" sheet.
    source = write_registrations(
        tmp_path / "long.csv", [(f"Person {i}", f"Organisation {i}") for i in range(8)]
    )
    result = runner.invoke(
        cli.app,
        [
            "plan",
            str(source),
            "--rounds",
            "30",
            "--table-size",
            "2",
            "--no-print",
            "--time-limit",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "long-plan" / "plan.xlsx")["By participant"]
    assert sheet.cell(row=1, column=33).value == "Round 30"
