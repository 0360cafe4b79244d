"""Issue 12 as an organiser meets it: real sheets with a languages column plan perfect, a rule
never costs pairs in silence, verdicts and `check` tell the truth, warnings stay readable."""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest
from typer.testing import CliRunner

from speedmeet import cli, verdicts
from speedmeet.model import Participant
from speedmeet.planfile import read_plan, write_plan
from speedmeet.quality import Bound, Quality
from speedmeet.rules import EventRules
from speedmeet.validate import validate
from tests.conftest import plan_from_schedule

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
SAMPLE_FILES = [
    "paper-list-fr.xlsx",
    "google-forms-fr.csv",
    "ms-forms-en.xlsx",
    "eventbrite-de.csv",
]


def one_line(text: str) -> str:
    return " ".join(text.split())


def realistic_sheets() -> ModuleType:
    """The benchmark's generator of realistic sheets (benchmarks/ is not a package)."""
    path = REPO / "benchmarks" / "realistic_sheets.py"
    spec = importlib.util.spec_from_file_location("realistic_sheets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def plan_sheet(path: Path, out: Path, *options: str) -> tuple[str, Path]:
    result = CliRunner().invoke(
        cli.app, ["plan", str(path), "--out", str(out), "--no-print", *options]
    )
    assert result.exit_code == 0, result.output
    return one_line(result.output), out


def checked_quality(folder: Path) -> Quality:
    report = validate(read_plan(folder))
    assert report.ok, report.violations
    assert report.quality is not None
    return report.quality


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_plans_perfect_with_its_languages(name: str, tmp_path: Path) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {path} is not available")
    output, folder = plan_sheet(path, tmp_path / "out")
    quality = checked_quality(folder)
    assert (quality.share, quality.repeats, quality.same_organisation) == (1.0, 0, 0)
    assert "verdict perfect: the best possible plan" in output
    # everyone speaks French, whatever way they wrote it; the summary names the languages
    plan = read_plan(folder)
    assert all("fr" in p.languages for p in plan.participants)
    assert "Rules: common language (French " in output
    assert "every table shares a language" in output
    header = {"paper-list-fr.xlsx": "Langues parlées", "google-forms-fr.csv": "Langues parlées",
              "ms-forms-en.xlsx": "Languages", "eventbrite-de.csv": "Sprachen"}[name]  # fmt: skip
    assert (
        f"on because of the sheet: language (column '{header}'); --ignore-rule NAME plans "
        "without one"
    ) in output


@pytest.mark.parametrize("name", ["paper-40", "forms-60", "platform-24"])
def test_generated_realistic_sheets_plan_perfect_with_their_languages(
    name: str, tmp_path: Path
) -> None:
    sheets = realistic_sheets()
    sheet = next(s for s in sheets.SHEETS if s.name == name)
    path = sheets.write_sheet(tmp_path / f"{name}.xlsx", sheet)
    options = ["--rounds", str(sheet.rounds), "--table-size", str(sheet.table_size)]
    output, folder = plan_sheet(path, tmp_path / "out", *options)
    quality = checked_quality(folder)
    assert (quality.share, quality.repeats, quality.same_organisation) == (1.0, 0, 0), output
    assert "warnings.txt" in output


def test_a_rule_that_costs_pairs_says_so_and_can_be_switched_off(tmp_path: Path) -> None:
    sheets = realistic_sheets()
    sheet = next(s for s in sheets.SHEETS if s.name == "refugees-60")
    path = sheets.write_sheet(tmp_path / "refugees.xlsx", sheet)
    options = ["--rounds", str(sheet.rounds), "--table-size", str(sheet.table_size)]
    output, folder = plan_sheet(path, tmp_path / "ruled", *options)
    ruled = checked_quality(folder)
    assert not ruled.perfect  # six people speak only Tigrinya: they sit together
    cost = re.search(r"the common-language rule cost (\d+) new pairs \((\d+) without it\)", output)
    assert cost is not None, output
    assert int(cost.group(2)) - int(cost.group(1)) == ruled.new_pairs
    assert "6 people speak only Tigrinya" in output
    assert "plan with --ignore-rule language to put new pairs first" in output
    assert f"verdict {1 - ruled.share:.1%} below the best possible" in output
    assert "each person can meet only so many people" not in output  # not the reason

    output, folder = plan_sheet(path, tmp_path / "ignored", *options, "--ignore-rule", "language")
    ignored = checked_quality(folder)
    assert (ignored.share, ignored.repeats, ignored.same_organisation) == (1.0, 0, 0)
    assert ignored.new_pairs == int(cost.group(2))
    assert "Rules switched off (--ignore-rule): language" in output
    assert read_plan(folder).rules == EventRules(common_language=False)

    # the cost is kept in plan.json, and `check` says it too
    checked = CliRunner().invoke(cli.app, ["check", str(tmp_path / "ruled")])
    assert checked.exit_code == 0
    assert "the common-language rule cost" in one_line(checked.output)


def test_people_who_share_no_language_are_named_and_cost_no_pairs(tmp_path: Path) -> None:
    path = tmp_path / "inscriptions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation", "Languages"])
        for i in range(30):
            writer.writerow([f"Person {i}", f"Org {chr(65 + i // 2)}", "fr, en" if i % 3 else "fr"])
        writer.writerow(["Ayla Quispe", "Runasimi", "Quechua"])
        writer.writerow(["Tesfay Ghebre", "Eritrean Community", "ትግርኛ"])
    output, folder = plan_sheet(path, tmp_path / "out")
    quality = checked_quality(folder)
    assert (quality.share, quality.repeats, quality.same_organisation) == (1.0, 0, 0)
    assert "met where possible common language" in output
    assert (
        "too few others speak their language to fill a table: Ayla Quispe speaks Quechua; Tesfay Ghebre speaks Tigrinya"
        in output
    )

    checked = CliRunner().invoke(cli.app, ["check", str(folder)])
    assert checked.exit_code == 0
    first = checked.output.splitlines()[0]
    assert "follows every rule" not in first
    assert "common language is met only as far as this event allows" in first


def test_check_never_says_every_rule_is_followed_when_one_is_not(tmp_path: Path) -> None:
    # Two French and two German speakers from four organisations, one round at two tables of
    # two that mix them: neither table shares a language, and nobody is alone with theirs.
    people = [
        Participant(id=f"P{i}", name=f"Person {i}", organisation=f"Org {i}", languages=[lang])
        for i, lang in enumerate(["fr", "fr", "de", "de"])
    ]
    plan = plan_from_schedule(people, [[[0, 2], [1, 3]]], table_size=2)
    plan.rules = EventRules()
    write_plan(plan, tmp_path / "plan.json")
    result = CliRunner().invoke(cli.app, ["check", str(tmp_path)])
    assert result.exit_code == 0  # no hard rule is broken: everyone is seated as they should
    output = one_line(result.output)
    assert "follows every rule" not in output
    assert "the plan breaks no hard rule, but 1 rule is not met: common language" in output
    assert "not met common language 2 tables without a common language" in output


def quality(new_pairs: int, bound: int) -> Quality:
    limits = Bound(bound, bound, bound, bound, 0)
    return Quality(participants=10, organisations=10, new_pairs=new_pairs, bound=limits,
                   repeats=0, same_organisation=0)  # fmt: skip


@pytest.mark.parametrize(
    ("pairs", "verdict"),
    [
        (1000, "perfect: the best possible plan"),
        (995, "within 1% of the best possible (0.5% below it)"),
        (990, "within 1% of the best possible (1.0% below it)"),
        (972, "2.8% below the best possible"),
        (728, "27.2% below the best possible"),
    ],
)
def test_the_verdict_matches_the_figures(pairs: int, verdict: str) -> None:
    assert verdicts.verdict(quality(pairs, 1000)) == verdict


def test_a_plan_short_with_no_rule_to_blame_says_the_search_stopped() -> None:
    notes = verdicts.quality_notes(
        quality(972, 1000),
        proven_optimal=False,
        limits=["each person can meet only so many people in the rounds available"],
        rule_costs=[],
    )
    assert notes == [
        "the search stopped 28 new pairs short of the best possible: a longer --time-limit "
        "or another --seed may find a better plan"
    ]


def write_sheet(path: Path, organisations: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation"])
        for i, organisation in enumerate(organisations):
            writer.writerow([f"Person {i}", organisation])
    return path


def test_numbered_organisations_are_not_look_alikes(tmp_path: Path) -> None:
    organisations = [f"Team {i}" for i in range(1, 13)] + ["Association 38", "Association 39"]
    organisations += ["Solo 001", "Solo 002", "Caritas Genève", "Caritas Genéve SA"]
    output, _ = plan_sheet(write_sheet(tmp_path / "teams.csv", organisations), tmp_path / "out")
    look_alike = [line for line in output.split("Warning:") if "look alike" in line]
    assert len(look_alike) == 1 and "Caritas" in look_alike[0]


def test_repeated_warnings_are_grouped_and_all_written_to_warnings_txt(tmp_path: Path) -> None:
    # ten pairs of organisations one typo apart: ten look-alike warnings of one kind
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echoes", "Foxtrot", "Golfer", "Hotels",
             "Indigo", "Juliet"]  # fmt: skip
    organisations = [o for word in words for o in (f"{word}hilfe", f"{word}hilfee")]
    output, folder = plan_sheet(write_sheet(tmp_path / "typos.csv", organisations), tmp_path / "o")
    look_alike = [line for line in output.split("Warning:") if "look alike" in line]
    assert len(look_alike) == 2
    assert f"Warning: and 8 more like this; every warning is in {folder / 'warnings.txt'}" in output
    written = (folder / "warnings.txt").read_text(encoding="utf-8")
    assert written.count("look alike") == 10
    assert "Juliethilfe" in written


def test_ties_between_spellings_show_ordinary_capitals(tmp_path: Path) -> None:
    organisations = ["CARITAS GENÈVE", "Caritas Genève", "caritas genève", "Caritas Genève",
                     "CARITAS GENÈVE", "HUG", "Hug", "Other", "Another"]  # fmt: skip
    _, folder = plan_sheet(write_sheet(tmp_path / "ties.csv", organisations), tmp_path / "out")
    shown = {p.organisation for p in read_plan(folder).participants}
    assert "Caritas Genève" in shown and "CARITAS GENÈVE" not in shown
    assert "HUG" in shown  # an acronym in capitals is the ordinary way to write it


def test_a_language_group_too_small_for_a_table_costs_no_pairs(tmp_path: Path) -> None:
    # Three people speak only Tigrinya and tables seat five: no table of theirs can share a
    # language, so seating them together would cost repeat meetings for nothing.
    path = tmp_path / "inscriptions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation", "Languages"])
        for i in range(37):
            writer.writerow([f"Person {i}", f"Structure {chr(65 + i // 2)}", "Français"])
        for i, name in enumerate(["Yonas", "Senait", "Dawit"]):
            writer.writerow([name, f"Eritrean group {chr(65 + i)}", "Tigrinya (langue maternelle)"])
    output, folder = plan_sheet(path, tmp_path / "out", "--table-size", "5")
    quality = checked_quality(folder)
    assert (quality.share, quality.repeats, quality.same_organisation) == (1.0, 0, 0), output
    assert "met where possible common language" in output
    assert "Yonas speaks Tigrinya; Senait speaks Tigrinya; Dawit speaks Tigrinya" in output


def test_an_unknown_rule_name_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "people.csv", [f"Org {i}" for i in range(8)])
    result = CliRunner().invoke(
        cli.app, ["plan", str(path), "--out", str(tmp_path / "out"), "--ignore-rule", "langue"]
    )
    assert result.exit_code == 1
    assert result.output == (
        "Error: --ignore-rule langue: no such rule; the rules are language, hosts, tables, "
        "requests, offers-needs, mix, interests\n"
    )
    assert not (tmp_path / "out").exists()


def test_walk_ins_languages_are_read_like_the_registrations(tmp_path: Path) -> None:
    sheets = realistic_sheets()
    sheet = next(s for s in sheets.SHEETS if s.name == "platform-24")
    path = sheets.write_sheet(tmp_path / "platform.xlsx", sheet)
    _, folder = plan_sheet(path, tmp_path / "out", "--rounds", "3", "--table-size", "4")
    late = tmp_path / "late.csv"
    with late.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation", "Sprachen"])
        writer.writerow(["Lena Vogel", "Caritas Zürich", "Französisch (fließend) und Englisch"])
    result = CliRunner().invoke(
        cli.app, ["replan", str(folder), "--from-round", "2", "--add", str(late)]
    )
    assert result.exit_code == 0, result.output
    plan = read_plan(folder)
    lena = next(p for p in plan.participants if p.name == "Lena Vogel")
    assert lena.languages == ["fr", "en"]
    assert validate(plan).ok


def test_a_perfect_plan_says_why_its_repeats_and_colleagues_cannot_be_avoided(
    tmp_path: Path,
) -> None:
    # 12 people from 12 organisations at 3 tables of 4 for 8 rounds: 144 meetings for 66
    # pairs, so 78 repeats whatever the plan.
    output, folder = plan_sheet(
        write_sheet(tmp_path / "small.csv", [f"Org {i}" for i in range(12)]),
        tmp_path / "out", "--rounds", "8", "--table-size", "4",
    )  # fmt: skip
    assert checked_quality(folder).repeats == 78
    assert "78 repeat meetings are unavoidable: everyone meets everyone from another" in output
    # 8 people of one organisation at 4 tables: two colleagues per table, every round, once
    # said with the organisation's name
    organisations = ["Hospice"] * 8 + [f"Org {i}" for i in range(12)]
    output, _ = plan_sheet(
        write_sheet(tmp_path / "big.csv", organisations), tmp_path / "big",
        "--rounds", "4", "--table-size", "5",
    )  # fmt: skip
    assert output.count("same-organisation meetings are unavoidable") == 1
    assert "16 same-organisation meetings are unavoidable: Hospice has 8 people for 4 tables" in (
        output
    )


def test_a_tables_sheet_language_is_read_like_the_registrations_and_kept(tmp_path: Path) -> None:
    # 16 people at 4 tables of 4: four speak Arabic (and French), from four organisations;
    # table "Salle A" is the Arabic-speaking facilitator's, so its people share Arabic.
    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "Participants"
    people.append(["Nom", "Structure", "Langues"])
    for i in range(16):
        people.append([f"Personne {i}", f"Structure {i}", "arabe + français" if i < 4 else "FR"])
    tables = workbook.create_sheet("Tables")
    tables.append(["Table", "Places", "Langue"])
    tables.append(["Salle A", 4, "العربية (langue de la table)"])
    for name in ("Salle B", "Salle C", "Salle D"):
        tables.append([name, 4, ""])
    path = tmp_path / "event.xlsx"
    workbook.save(path)
    output, folder = plan_sheet(path, tmp_path / "out", "--table-size", "4", "--rounds", "2")
    assert "4 named tables (1 with a language)" in output
    plan = read_plan(folder)
    assert plan.rules is not None and plan.rules.tables[0].languages == ["ar"]
    arabic = {p.id for p in plan.participants if "ar" in p.languages}
    for round_ in plan.rounds:
        salle_a = next(t for t in round_.tables if t.table == "Salle A")
        assert set(salle_a.participants) == arabic
    assert "met common language every table shares a language" in output
    # the same four at one table in both rounds: the rule's cost is named
    assert "the common-language rule cost" in output
    assert "table 'Salle A' seats only Arabic speakers (4 people)" in output


def test_a_replan_keeps_a_tables_language_where_it_costs_no_move(tmp_path: Path) -> None:
    from speedmeet.replanning import replan

    workbook = openpyxl.Workbook()
    people = workbook.active
    people.title = "Participants"
    people.append(["Nom", "Structure", "Langues"])
    for i in range(16):
        people.append([f"Personne {i}", f"Structure {i}", "arabe + français" if i < 4 else "FR"])
    tables = workbook.create_sheet("Tables")
    tables.append(["Table", "Places", "Langue"])
    for name, language in (("Salle A", "ar"), ("Salle B", ""), ("Salle C", ""), ("Salle D", "")):
        tables.append([name, 4, language])
    path = tmp_path / "event.xlsx"
    workbook.save(path)
    _, folder = plan_sheet(path, tmp_path / "out", "--table-size", "4", "--rounds", "2")
    plan = read_plan(folder)
    second = {t.table: t.participants for t in plan.rounds[1].tables}
    # one leaves Salle A and one Salle B in round 2; two walk in, one of them speaks Arabic:
    # either could take either seat for the same pairs and moves, so the language decides
    leaving = [second["Salle A"][0], second["Salle B"][0]]
    arrivals = [
        Participant(id="W1", name="Walk-in French", organisation="New 1", languages=["fr"]),
        Participant(id="W2", name="Walk-in Arabic", organisation="New 2", languages=["ar", "fr"]),
    ]
    outcome = replan(plan, from_round=2, drop=leaving, add=arrivals)
    assert validate(outcome.plan).ok
    salle_a = next(t for t in outcome.plan.rounds[1].tables if t.table == "Salle A")
    assert "W2" in salle_a.participants
    assert outcome.moved == []
