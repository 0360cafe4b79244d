"""The event's own rules as the organiser uses them: `speedmeet plan` on a workbook with Tables,
Requests and Rounds sheets and the --mix, --interests, --history and --online flags; and earlier
plans mapped onto this event's people."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.errors import PlanFileError
from speedmeet.history import load_history
from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.planfile import read_plan, write_plan
from speedmeet.readers import read_registrations
from speedmeet.validate import rule_report, validate

EXAMPLE = Path(__file__).parents[1] / "examples" / "event-with-rules.xlsx"


def one_line(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def earlier_plan(people: Sequence[Participant], tables: Sequence[Sequence[int]]) -> Plan:
    plan = Plan(
        settings=EventSettings(rounds=1, table_size=max(len(t) for t in tables)),
        participants=list(people),
        rounds=[
            Round(
                round=1,
                tables=[
                    Table(table=str(t), participants=[people[i].id for i in members])
                    for t, members in enumerate(tables, start=1)
                ],
            )
        ],
    )
    assert validate(plan).ok
    return plan


NOW = [
    Participant(id="P1", name="Amira Haddad", organisation="Hospice général"),
    Participant(id="P2", name="Jean Dupont", organisation="Caritas Genève"),
    Participant(id="P3", name="Olena Kovalenko", organisation="UNHCR"),
    Participant(id="P4", name="Marco Rossi", organisation="EPER"),
]


def test_history_maps_people_with_the_same_id(tmp_path: Path) -> None:
    write_plan(earlier_plan(NOW, [[0, 1], [2, 3]]), tmp_path / "2025.json")
    pairs, warnings = load_history([tmp_path / "2025.json"], NOW)
    assert pairs == [("P1", "P2"), ("P3", "P4")]
    assert warnings == []


def test_history_finds_renumbered_people_by_name_and_organisation(tmp_path: Path) -> None:
    # Last year's list numbered people differently and spelt names and organisations otherwise;
    # its id "P1" was someone else, who must not be confused with this year's P1.
    before = [
        Participant(id="P1", name="Someone Else", organisation="Ville de Lyon"),
        Participant(id="P7", name="AMIRA HADDAD", organisation="Hospice General"),
        Participant(id="P8", name="Marco  Rossi", organisation="eper"),
        Participant(id="P9", name="Jean Dupont", organisation="Caritas Genève"),
    ]
    write_plan(earlier_plan(before, [[0, 1], [2, 3]]), tmp_path / "2025.json")
    pairs, warnings = load_history([tmp_path / "2025.json"], NOW)
    assert pairs == [("P2", "P4")]  # P1/P7 would be Someone Else with Amira: not a pair here
    assert warnings == [
        f"{tmp_path / '2025.json'}: 1 person of that plan are not in this event (by id, or by "
        "name and organisation): Someone Else (Ville de Lyon)"
    ]


def test_history_unions_several_plans_and_warns_per_plan(tmp_path: Path) -> None:
    stranger = Participant(id="X1", name="Nadia Benali", organisation="Singa")
    write_plan(earlier_plan(NOW, [[0, 1], [2, 3]]), tmp_path / "a.json")
    write_plan(earlier_plan([*NOW, stranger], [[0, 2, 4], [1, 3]]), tmp_path / "b.json")
    pairs, warnings = load_history([tmp_path / "a.json", tmp_path / "b.json"], NOW)
    # The stranger's pairs are dropped; (P1, P2) and (P3, P4) from a.json count once.
    assert pairs == [("P1", "P2"), ("P1", "P3"), ("P2", "P4"), ("P3", "P4")]
    assert (
        len(warnings) == 1 and "b.json: 1 person" in warnings[0] and "Nadia Benali" in warnings[0]
    )


def test_history_missing_plan_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="no such plan file"):
        load_history([tmp_path / "missing.json"], NOW)


def history_for_example(folder: Path) -> Path:
    """An earlier plan where 10 of the example's people (renumbered) sat at two tables of five,
    and one person who does not come this time."""
    people = read_registrations(EXAMPLE).participants[:10]
    renumbered = [p.model_copy(update={"id": f"OLD{i}"}) for i, p in enumerate(people)]
    renumbered.append(Participant(id="OLD99", name="Gone Away", organisation="Elsewhere"))
    plan = earlier_plan(renumbered, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9, 10]])
    path = folder / "last-year" / "plan.json"
    path.parent.mkdir()
    write_plan(plan, path)
    return path


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example event not generated")
def test_plan_with_every_rule_on_the_example(tmp_path: Path) -> None:
    history = history_for_example(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app,
        [
            "plan", str(EXAMPLE), "--out", str(out), "--no-print", "--mix", "sector",
            "--interests", "match", "--history", str(history), "--online", "--time-limit", "5",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert "Event sheets read: sheet 'Tables', sheet 'Requests', sheet 'Rounds'" in output
    # Pairs among the 10 who met: C(5,2) + C(5,2) = 20 (the one who does not come is warned).
    assert (
        "Rules: common language (French 135, English 119, German 31, Arabic 28, Italian 23), "
        "stakeholder mix by Sector (4 groups), shared interests, offers meet needs (102 offer, 98 need), 6 hosts, 30 named tables "
        "(4 accessible), 20 requests (3 must meet, 17 keep apart), history: 20 pairs from 1 "
        "earlier plan, 4 round topics, online breakout rooms"
    ) in output
    assert (
        "on because of the sheet: language (column 'Languages'), hosts (column 'Host'), tables "
        "(sheet 'Tables'), requests (sheet 'Requests'), offers-needs (columns 'Offers' and "
        "'Needs'); --ignore-rule NAME plans without one on because of a flag: mix (--mix "
        "sector), interests (--interests match)"
    ) in output
    assert "1 person of that plan are not in this event" in output and "Gone Away" in output
    assert "Assign by hand in the meeting tool (3 people; rooms in breakout-messages.txt)" in output

    plan = read_plan(out)
    assert [r.topic for r in plan.rounds] == [
        "What do migrants need?",
        "Which resources and skills are available?",
        "Next steps: what do we do together?",
        "Who will you call next week?",
    ]
    for round_number in range(1, 5):
        rooms = (out / f"breakout-rooms-round-{round_number}.csv").read_bytes().decode()
        assert rooms.startswith("Pre-assign Room Name,Email Address\r\n")
        assert rooms.count("\r\n") == 1 + 150 - 3  # everyone with an email, once
    assert (out / "breakout-messages.txt").exists()

    assert validate(plan).ok
    assert plan.rules is not None and plan.rules.online
    outcomes = rule_report(plan)
    assert outcomes and all(o.met for o in outcomes), [o for o in outcomes if not o.met]
    assert "not met" not in output
    rule_lines = [" ".join(line.split()) for line in result.output.splitlines()]
    for outcome in outcomes:  # one line per rule in the summary, saying "met"
        assert f"met {outcome.rule} {outcome.detail.split()[0]}" in " | ".join(rule_lines)
    assert {o.rule for o in outcomes} == {
        "common language", "stakeholder mix", "interests", "offers and needs", "hosts",
        "tables", "must meet", "keep apart", "history",
    }  # fmt: skip
    table_names = {table.table for round_ in plan.rounds for table in round_.tables}
    assert table_names <= {spec.name for spec in plan.rules.tables}


def write_event(folder: Path, header: str, rows: Sequence[str]) -> Path:
    """event.csv in `folder`: the header line, then one line per person."""
    path = folder / "event.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def write_small_event(folder: Path) -> Path:
    return write_event(
        folder,
        "Name,Organisation,Email,Sector",
        [
            f"Person {i},Organisation {i // 2},p{i}@example.org,{('NGO', 'authority')[i % 2]}"
            for i in range(12)
        ],
    )


def test_topic_flags_win_over_a_rounds_file_beside(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    (tmp_path / "rounds.csv").write_text("Topic\nFrom the sheet 1\nFrom the sheet 2\n")
    result = CliRunner().invoke(
        cli.app,
        [
            "plan", str(event), "--rounds", "2", "--table-size", "4", "--no-print",
            "--topic", "Needs", "--topic", "Next steps",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Event sheets read: rounds.csv" in result.output
    assert [r.topic for r in read_plan(tmp_path / "event-plan").rounds] == ["Needs", "Next steps"]


def test_rounds_file_beside_gives_the_topics(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    (tmp_path / "rounds.csv").write_text("Round,Topic\n1,Needs\n2,Resources\n3,Next steps\n")
    result = CliRunner().invoke(
        cli.app, ["plan", str(event), "--rounds", "2", "--table-size", "4", "--no-print"]
    )
    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert "Rules: 3 round topics" in output
    assert "Warning: the Rounds sheet gives 3 topics for 2 rounds (--rounds)" in output
    assert [r.topic for r in read_plan(tmp_path / "event-plan").rounds] == ["Needs", "Resources"]


def test_mix_by_a_column_the_sheet_does_not_have(tmp_path: Path) -> None:
    event = tmp_path / "event.csv"
    event.write_text("Name,Organisation\nA,X\nB,Y\nC,Z\nD,W\n", encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["plan", str(event), "--mix", "sector", "--no-print"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: --mix sector: the sheet has no sector or role column; columns read: 'Name', "
        "'Organisation'. Point to it with --column role=\"<header>\""
    )
    assert not (tmp_path / "event-plan").exists()


def test_mix_by_something_that_is_not_a_category(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    result = CliRunner().invoke(cli.app, ["plan", str(event), "--mix", "email", "--no-print"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: --mix email: speedmeet mixes the tables by a category column (sector, type of "
        "organisation, role); name that column as the sheet writes it"
    )


def test_mix_by_the_header_as_written(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    result = CliRunner().invoke(
        cli.app,
        ["plan", str(event), "--mix", "SECTOR", "--rounds", "2", "--table-size", "4", "--no-print"],
    )
    assert result.exit_code == 0, result.output
    assert "Rules: stakeholder mix by Sector (2 groups)" in one_line(result.output)


def test_unknown_person_in_requests_beside_stops_before_solving(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    (tmp_path / "requests.csv").write_text("Person A,Person B,Kind\nPerson 1,Person 99,apart\n")
    result = CliRunner().invoke(cli.app, ["plan", str(event), "--no-print"])
    assert result.exit_code == 1
    ids = [p.id for p in read_registrations(event).participants]
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {tmp_path / 'requests.csv'}, row 2, column 'Person B': 'Person 99' is not on "
        f"the participant sheet (no id or name matches); did you mean Person 9 (id {ids[9]}) or "
        f"Person 8 (id {ids[8]}) or Person 7 (id {ids[7]})?"
    )
    assert not (tmp_path / "event-plan").exists()


def test_history_from_the_output_folder_is_not_overwritten(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    plain = ["plan", str(event), "--rounds", "2", "--table-size", "4", "--no-print"]
    assert CliRunner().invoke(cli.app, plain).exit_code == 0
    earlier = (tmp_path / "event-plan" / "plan.json").read_bytes()
    result = CliRunner().invoke(cli.app, [*plain, "--history", str(tmp_path / "event-plan")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: writing to {tmp_path / 'event-plan'} would overwrite the input plan.json; "
        "choose another --out"
    )
    assert (tmp_path / "event-plan" / "plan.json").read_bytes() == earlier


def test_history_of_the_same_people_is_counted_and_avoided(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    plain = ["plan", str(event), "--rounds", "1", "--table-size", "3", "--no-print"]
    assert CliRunner().invoke(cli.app, [*plain, "--out", str(tmp_path / "first")]).exit_code == 0
    first = read_plan(tmp_path / "first")
    # One round of 4 tables of 3 people: 4 x C(3,2) = 12 pairs met. The next event can avoid
    # them all: each new table takes one person from three different earlier tables.
    result = CliRunner().invoke(
        cli.app, [*plain, "--history", str(tmp_path / "first"), "--out", str(tmp_path / "second")]
    )
    assert result.exit_code == 0, result.output
    assert "Rules: history: 12 pairs from 1 earlier plan" in one_line(result.output)
    second = read_plan(tmp_path / "second")
    assert validate(second).ok
    before = {
        frozenset((a, b))
        for table in first.rounds[0].tables
        for a in table.participants
        for b in table.participants
        if a != b
    }
    for table in second.rounds[0].tables:
        members = table.participants
        assert not any(frozenset((a, b)) in before for a in members for b in members if a != b)


def test_headers_and_warnings_that_look_like_markup_are_printed_as_typed(tmp_path: Path) -> None:
    event = tmp_path / "event.csv"
    lines = ["Name,Organisation,[/yellow]Sector[b]"]
    lines += [f"Person {i},Organisation {i // 2},{('NGO', 'authority')[i % 2]}" for i in range(12)]
    event.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "rounds.csv").write_text("Topic\n[red]Needs[/]\nNext\nLater\n")
    result = CliRunner().invoke(
        cli.app,
        [
            "plan", str(event), "--rounds", "2", "--table-size", "4", "--no-print",
            "--mix", "[/yellow]Sector[b]",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert "Rules: stakeholder mix by [/yellow]Sector[b] (2 groups), 3 round topics" in output
    assert read_plan(tmp_path / "event-plan").rounds[0].topic == "[red]Needs[/]"


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example event not generated")
def test_the_example_is_what_its_script_writes(tmp_path: Path) -> None:
    script = EXAMPLE.with_name("make_event_with_rules.py")
    subprocess.run([sys.executable, str(script), str(tmp_path / "event.xlsx")], check=True)
    assert (tmp_path / "event.xlsx").read_bytes() == EXAMPLE.read_bytes()


def test_breakout_files_of_an_earlier_plan_are_pointed_out(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    plan = ["plan", str(event), "--table-size", "4", "--no-print", "--online"]
    assert CliRunner().invoke(cli.app, [*plan, "--rounds", "3"]).exit_code == 0
    folder = tmp_path / "event-plan"
    assert (folder / "breakout-rooms-round-3.csv").exists()
    result = CliRunner().invoke(cli.app, [*plan, "--rounds", "2"])
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: breakout-rooms-round-3.csv in {folder} are from an earlier plan; delete them."
    ) in one_line(result.output)
    result = CliRunner().invoke(cli.app, [*plan[:-1], "--rounds", "2"])
    assert result.exit_code == 0, result.output
    assert (
        "Warning: breakout-messages.txt, breakout-rooms-round-1.csv, breakout-rooms-round-2.csv, "
        f"breakout-rooms-round-3.csv in {folder} are from an earlier plan; delete them (or plan "
        "with --online to re-make them)."
    ) in one_line(result.output)


def test_preference_weight_is_shown_kept_in_the_plan_and_warned_when_idle(tmp_path: Path) -> None:
    event = write_event(
        tmp_path,
        "Name,Organisation,Interests",
        [f"Person {i},Organisation {i // 2},{('housing', 'jobs')[i % 2]}" for i in range(12)],
    )
    args = ["plan", str(event), "--rounds", "2", "--table-size", "4", "--no-print"]
    result = CliRunner().invoke(
        cli.app, [*args, "--interests", "match", "--preference-weight", "1.5"]
    )
    assert result.exit_code == 0, result.output
    assert "shared interests, preferences worth 1.5 new pairs each" in one_line(result.output)
    plan = read_plan(tmp_path / "event-plan")
    assert plan.rules is not None and plan.rules.preference_weight == 1.5
    assert validate(plan).ok

    idle = CliRunner().invoke(
        cli.app, [*args, "--preference-weight", "2", "--out", str(tmp_path / "idle")]
    )
    assert idle.exit_code == 0, idle.output
    assert "--preference-weight: there are no preferences to weigh" in one_line(idle.output)


def test_interests_beyond_the_preference_limit_are_named_as_ignored(tmp_path: Path) -> None:
    from speedmeet.problem import PREFERENCE_LIMIT

    people = PREFERENCE_LIMIT + 1
    event = write_event(
        tmp_path,
        "Name,Organisation,Interests",
        [f"Person {i},Organisation {i // 3},{('housing', 'jobs')[i % 2]}" for i in range(people)],
    )
    result = CliRunner().invoke(
        cli.app,
        ["plan", str(event), "--rounds", "2", "--table-size", "8", "--interests", "match",
         "--no-print"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        f"interests and offers/needs are weighed for events of up to {PREFERENCE_LIMIT:,} people "
        f"({people:,} here): the plan keeps the other rules and ignores them"
    ) in one_line(result.output)


def test_mix_by_any_column_of_the_sheet(tmp_path: Path) -> None:
    """A column the reader does not know (here "Gender") becomes the category to mix by."""
    event = write_event(
        tmp_path,
        "Name,Organisation,Sector,Gender",
        [
            f"Person {i},Organisation {i // 2},{('NGO', 'authority')[i % 2]},"
            f"{('woman', 'man')[i % 2]}"
            for i in range(16)
        ],
    )
    result = CliRunner().invoke(
        cli.app,
        ["plan", str(event), "--mix", "gender", "--rounds", "3", "--table-size", "4", "--no-print"],
    )
    assert result.exit_code == 0, result.output
    output = one_line(result.output)
    assert "Rules: stakeholder mix by Gender (2 groups)" in output
    assert "Ignored columns: Sector" in output
    plan = read_plan(tmp_path / "event-plan")
    assert {p.role for p in plan.participants} == {"woman", "man"}
    for round_ in plan.rounds:
        for table in round_.tables:
            roles = [p.role for p in plan.participants if p.id in table.participants]
            assert roles.count("woman") == roles.count("man") == 2


def test_mix_by_a_column_the_sheet_does_not_have_lists_its_columns(tmp_path: Path) -> None:
    event = write_small_event(tmp_path)
    result = CliRunner().invoke(cli.app, ["plan", str(event), "--mix", "gender", "--no-print"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: --mix gender: the sheet has no such column; its columns: 'Name', "
        "'Organisation', 'Email', 'Sector'. Name the column to mix by as the sheet writes it"
    )
    assert not (tmp_path / "event-plan").exists()
