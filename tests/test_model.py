"""The domain model and the plan file contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speedmeet.errors import PlanFileError
from speedmeet.model import Participant, most_frequent_spelling, organisation_key, table_sizes
from speedmeet.planfile import plan_to_json, read_plan, write_plan
from tests.conftest import affine_plane_3, make_participants, plan_from_schedule


@pytest.mark.parametrize(
    "spelling", ["HOSPICE GÉNÉRAL ", "Hospice general", "Hospice-Général", " hospice  Général."]
)
def test_organisation_spellings_fold_together(spelling: str) -> None:
    assert organisation_key(spelling) == "hospice general"


def test_display_name_is_the_most_frequent_spelling() -> None:
    spellings = ["HOSPICE GÉNÉRAL", "Hospice général", "Hospice général ", "hospice general"]
    assert most_frequent_spelling(spellings) == "Hospice général"


@pytest.mark.parametrize(
    ("people", "size", "tables", "expected"),
    [
        (70, 5, None, [5] * 14),
        (22, 4, None, [4, 4, 4, 4, 3, 3]),
        (9, 3, None, [3, 3, 3]),
        (10, 5, 3, [4, 3, 3]),
        (7, 8, None, [7]),
    ],
)
def test_table_sizes(people: int, size: int, tables: int | None, expected: list[int]) -> None:
    assert table_sizes(people, size, tables) == expected


@given(st.integers(1, 500), st.integers(2, 12))
def test_table_sizes_balanced_and_within_size(people: int, size: int) -> None:
    sizes = table_sizes(people, size)
    assert sum(sizes) == people
    assert max(sizes) - min(sizes) <= 1
    assert max(sizes) <= size
    assert len(sizes) == -(-people // size)


def test_plan_file_has_the_documented_shape_and_round_trips(tmp_path: Path) -> None:
    people = make_participants([f"Organisation {i}" for i in range(9)])
    plan = plan_from_schedule(people, affine_plane_3(), table_size=3)
    path = tmp_path / "plan.json"
    write_plan(plan, path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == "speedmeet-plan"
    assert raw["version"] == 1
    assert raw["settings"]["rounds"] == 4
    assert raw["settings"]["table_size"] == 3
    assert raw["participants"][0] == {
        "id": "P1",
        "name": "Person 1",
        "organisation": "Organisation 0",
    }
    assert raw["rounds"][0]["round"] == 1
    assert raw["rounds"][0]["tables"][0] == {"table": "1", "participants": ["P1", "P2", "P3"]}
    again = read_plan(tmp_path)
    assert again == plan
    assert plan_to_json(again) == path.read_text(encoding="utf-8")


def test_non_latin_names_are_kept_readable_in_the_plan_file(tmp_path: Path) -> None:
    plan = plan_from_schedule(
        [
            Participant(id="P1", name="أمينة حداد", organisation="HUG"),
            Participant(id="P2", name="Nguyễn Thị Lan", organisation="EPER"),
        ],
        [[[0, 1]]],
        table_size=2,
    )
    write_plan(plan, tmp_path / "plan.json")
    assert "أمينة حداد" in (tmp_path / "plan.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ('{"format": "other"}', "not a speedmeet plan"),
        ('{"format": "speedmeet-plan", "version": 7}', "plan version 7 is not supported"),
        (
            '{"format": "speedmeet-plan", "version": 1, "settings": {"rounds": 1}, '
            '"participants": [{"id": "P1", "name": "A", "organisation": "X"}, '
            '{"id": "P1", "name": "B", "organisation": "Y"}], "rounds": []}',
            "participant id 'P1' appears twice",
        ),
    ],
)
def test_broken_plan_files_are_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PlanFileError, match=r"plan\.json: ") as caught:
        read_plan(path)
    assert message in str(caught.value)


def test_missing_plan_file(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="no such plan file"):
        read_plan(tmp_path / "nothing")
