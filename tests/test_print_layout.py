"""Pages as they come out of the printer: one round sheet per round, plan.xlsx printed through
LibreOffice like the PDFs, and a replan that reprints the card of every table that changed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from speedmeet.exports.pdf import changed_tables, write_print_kit
from speedmeet.exports.reprint import write_replan_outputs
from speedmeet.exports.xlsx import write_plan_xlsx
from speedmeet.model import Plan
from speedmeet.plan_versions import save_replan
from speedmeet.planfile import read_plan, write_plan
from speedmeet.replanning import replan
from speedmeet.validate import validate
from tests.test_pdf import MM, _characters_outside
from tests.test_replan import cyclic_plan, members_of

A4_LANDSCAPE = (842.0, 595.0)


def with_topics_and_times(plan: Plan) -> Plan:
    plan.settings.topics = ["What do migrants need?", "Which resources are there?"]
    plan.settings.start = "9:00"
    plan.settings.round_minutes = 20
    return plan


@pytest.mark.parametrize(("tables", "size"), [(16, 6), (14, 5), (12, 6)])
def test_a_round_of_up_to_16_tables_of_6_is_one_page(
    tables: int, size: int, tmp_path: Path
) -> None:
    plan = with_topics_and_times(cyclic_plan(tables, size))
    assert validate(plan).ok
    [sheets] = write_print_kit(plan, tmp_path, what=["sheets"])
    pages = [page.extract_text() for page in PdfReader(sheets).pages]
    assert len(pages) == len(plan.rounds)
    people = plan.participant_by_id()
    for number, text in enumerate(pages, start=1):
        assert f"Round {number}" in text and " AM" in text
        flat = " ".join(text.split())
        for table in plan.rounds[number - 1].tables:
            assert f"Table {table.table}" in flat
            for pid in table.participants:
                assert people[pid].name in flat
    assert "What do migrants need?" in pages[0]
    assert _characters_outside(sheets, [(11 * MM, 11 * MM, 199 * MM, 286 * MM)]) == []


def test_a_round_too_big_for_one_page_keeps_readable_type_over_two(tmp_path: Path) -> None:
    plan = cyclic_plan(29, 6)  # 29 tables of 6: more than a page can hold at a readable size
    [sheets] = write_print_kit(plan, tmp_path, what=["sheets"])
    assert len(PdfReader(sheets).pages) > len(plan.rounds)


def test_itineraries_show_each_round_s_topic(tmp_path: Path) -> None:
    plan = with_topics_and_times(cyclic_plan(14, 5))
    [slips] = write_print_kit(plan, tmp_path, what=["itineraries"], only_participants=["P0001"])
    text = PdfReader(slips).pages[0].extract_text()
    assert "What do migrants need?" in text and "Which resources are there?" in text


# --- plan.xlsx through LibreOffice -----------------------------------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def long_named(plan: Plan) -> Plan:
    for person in plan.participants[::7]:
        person.organisation = "Bureau de l'intégration des étrangers et de la citoyenneté (BIE)"
    return plan


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt install libreoffice-calc-nogui) to print plan.xlsx",
)
def test_plan_xlsx_prints_on_a4_without_gridlines_with_the_header_on_every_page(
    tmp_path: Path,
) -> None:
    plan = long_named(cyclic_plan(16, 6, rounds=2))
    report = validate(plan)
    assert report.quality is not None
    workbook_path = write_plan_xlsx(plan, tmp_path / "plan.xlsx", report.quality)
    subprocess.run(
        [
            str(SOFFICE),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(workbook_path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pages = PdfReader(tmp_path / "plan.pdf").pages
    assert len(pages) > 4  # 96 people: the round and participant sheets run over pages
    headers = ("Figure Value", "Table Name Organisation", "ID Name Organisation Round 1 Round 2")
    for page in pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_LANDSCAPE[0]) < 2 and abs(height - A4_LANDSCAPE[1]) < 2
        # Gridlines are stroked lines; the workbook has fills and no borders, so none at all.
        content = page.get_contents()
        assert content is not None
        assert re.search(rb"\sS\s", b" " + content.get_data() + b" ") is None
        text = " ".join(page.extract_text().split())
        assert any(header in text for header in headers), text[:120]
        # Long organisation names wrap inside their column rather than being cut.
    all_text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "(BIE)" in all_text
    workbook = openpyxl.load_workbook(workbook_path)
    first_round = workbook["Round 1"]
    numbers = [row[0] for row in first_round.iter_rows(min_row=3, values_only=True)]
    assert all(isinstance(number, int) for number in numbers)
    assert sorted(set(numbers)) == list(range(1, 17))
    assert first_round.page_setup.paperSize == 9  # A4
    assert first_round.print_options.gridLines is False


def test_plan_xlsx_takes_the_paper_of_the_plan(tmp_path: Path) -> None:
    plan = cyclic_plan(5, 3)
    plan.settings.paper = "Letter"
    report = validate(plan)
    assert report.quality is not None
    workbook = openpyxl.load_workbook(write_plan_xlsx(plan, tmp_path / "p.xlsx", report.quality))
    assert {sheet.page_setup.paperSize for sheet in workbook.worksheets} == {1}
    assert all(not sheet.sheet_view.showGridLines for sheet in workbook.worksheets)


# --- a replan reprints every card whose people changed ---------------------------------------


def card_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def card_tables(path: Path) -> set[str]:
    return set(re.findall(r"Table (\w+): who sits here", card_text(path)))


def test_the_card_of_a_table_someone_left_is_reprinted(tmp_path: Path) -> None:
    before = cyclic_plan(14, 5)
    folder = tmp_path / "event"
    folder.mkdir()
    write_plan(before, folder / "plan.json")
    leaver = members_of(before, 3, "4")[0]
    outcome = replan(before, from_round=3, drop=[leaver], time_limit=5, seed=0)
    save_replan(folder, outcome)
    exports = write_replan_outputs(folder, outcome)
    cards = folder / "reprint" / "table-cards.pdf"
    assert cards in exports.reprint
    reprinted = card_tables(cards)
    left = {t for r in (3, 4) for t in [before.seating()[leaver][r - 1]] if t is not None}
    assert left <= reprinted
    assert reprinted == changed_tables(before, read_plan(folder))
    # Cards list every round: the leaver stays on the cards of rounds 1-2 and leaves those of
    # rounds 3-4, so the whole set of cards names them half as often as before.
    name = before.participant_by_id()[leaver].name
    old_cards = write_print_kit(before, tmp_path, what=["cards"])[0]
    old = card_text(old_cards).count(name)
    assert old > 0 and card_text(folder / "table-cards.pdf").count(name) == old // 2


def test_changed_tables_sees_joins_and_leaves_and_nothing_else() -> None:
    before = cyclic_plan(7, 3)
    after = before.model_copy(deep=True)
    moved = after.rounds[1].tables[0].participants.pop()
    after.rounds[1].tables[1].participants.append(moved)
    assert changed_tables(before, after) == {
        after.rounds[1].tables[0].table,
        after.rounds[1].tables[1].table,
    }
    assert changed_tables(before, before.model_copy(deep=True)) == set()


def test_replan_through_the_cli_names_the_cards_to_reprint(tmp_path: Path) -> None:
    """As the organiser runs it: someone leaves after round 2, nobody else moves; the cards of
    the tables they would have sat at are in reprint/, in the plan's language."""
    from typer.testing import CliRunner

    from speedmeet import cli

    folder = tmp_path / "event"
    folder.mkdir()
    plan = cyclic_plan(14, 5)
    plan.settings.language = "fr"
    write_plan(plan, folder / "plan.json")
    leaver = members_of(plan, 3, "4")[0]
    result = CliRunner().invoke(
        cli.app, ["replan", str(folder), "--from-round", "3", "--drop", leaver]
    )
    assert result.exit_code == 0, result.output
    assert "table-cards.pdf" in result.output.split("To reprint")[1]
    text = card_text(folder / "reprint" / "table-cards.pdf")
    seats = plan.seating()[leaver]
    for table in {seats[2], seats[3]}:
        assert f"Table {table} : qui s'assoit ici" in text
    header = (folder / "changes.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "tour,table avant,table après,id,nom,organisation"
