"""plan.xlsx: a workbook an organiser prints as it is (a sheet per round, one row per person, the
quality summary). Written in openpyxl's streaming mode so that 20,000 people stay quick."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from speedmeet.cells import looks_like_formula
from speedmeet.files import atomic_path
from speedmeet.meetings import who_met_whom
from speedmeet.model import Plan
from speedmeet.quality import Quality

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(bold=True, size=14)
TABLE_FILL = PatternFill("solid", fgColor="D9E1F2")


def _cell(sheet: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell whose text is always text: a name like `=HYPERLINK(...)` never becomes a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _header(sheet: WriteOnlyWorksheet, titles: Sequence[str]) -> list[WriteOnlyCell]:
    return [_cell(sheet, title, font=HEADER_FONT, fill=HEADER_FILL) for title in titles]


def _prepare_for_print(sheet: WriteOnlyWorksheet, widths: Sequence[float], header_row: int) -> None:
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def _title(plan: Plan) -> str:
    return plan.settings.title or "Speed meeting"


def write_plan_xlsx(plan: Plan, path: Path, quality: Quality) -> Path:
    """Write the workbook atomically; returns its path."""
    workbook = Workbook(write_only=True)
    people = plan.participant_by_id()
    seating = plan.seating()

    summary = workbook.create_sheet("Summary")
    _prepare_for_print(summary, [42, 22], header_row=2)
    summary.append([_cell(summary, _title(plan), font=TITLE_FONT)])
    summary.append(_header(summary, ["Figure", "Value"]))
    bound = quality.bound
    rows: list[tuple[str, Any]] = [
        ("Participants", quality.participants),
        ("Organisations", quality.organisations),
        ("Rounds", len(plan.rounds)),
        ("Tables per round", max(quality.per_round_tables, default=0)),
        ("Table size (at most)", plan.settings.table_size if plan.settings.tables is None else "-"),
        ("New cross-organisation pairs", quality.new_pairs),
        ("Best possible (upper bound)", bound.value),
        ("Share of the best possible", f"{quality.share:.1%}"),
        ("Repeat meetings", quality.repeats),
        ("Same-organisation meetings", quality.same_organisation),
        ("Perfect plan", "yes" if quality.perfect else "no"),
    ]
    if plan.solve is not None:
        rows.append(
            ("Proven optimal", "yes" if plan.solve.proven_optimal or quality.perfect else "no")
        )
        rows.extend(("Note", limit) for limit in plan.solve.limits)
    rows.extend(("Note", reason) for reason in bound.reasons)
    for label, value in rows:
        summary.append([_cell(summary, label), _cell(summary, value)])

    for round_ in plan.rounds:
        sheet = workbook.create_sheet(f"Round {round_.round}")
        _prepare_for_print(sheet, [10, 34, 34], header_row=2)
        heading = f"{_title(plan)} - round {round_.round}"
        if round_.topic:
            heading += f": {round_.topic}"
        sheet.append([_cell(sheet, heading, font=TITLE_FONT)])
        sheet.append(_header(sheet, ["Table", "Name", "Organisation"]))
        for table in round_.tables:
            for seat, pid in enumerate(table.participants):
                person = people[pid]
                label = _cell(sheet, f"Table {table.table}", font=Font(bold=True), fill=TABLE_FILL)
                sheet.append(
                    [
                        label if seat == 0 else _cell(sheet, None),
                        _cell(sheet, person.name),
                        _cell(sheet, person.organisation),
                    ]
                )

    by_person = workbook.create_sheet("By participant")
    round_titles = [f"Round {r.round}" for r in plan.rounds]
    _prepare_for_print(by_person, [10, 30, 30] + [10] * len(round_titles), header_row=1)
    by_person.append(_header(by_person, ["ID", "Name", "Organisation", *round_titles]))
    centred = Alignment(horizontal="center")
    for person in sorted(plan.participants, key=lambda p: (p.name.casefold(), p.id)):
        tables = [table if table is not None else "-" for table in seating[person.id]]
        by_person.append(
            [
                _cell(by_person, person.id),
                _cell(by_person, person.name),
                _cell(by_person, person.organisation),
                *(_cell(by_person, table, alignment=centred) for table in tables),
            ]
        )

    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


def write_meetings_xlsx(plan: Plan, path: Path) -> Path:
    """Who met whom, per person and per organisation: the report for the funder."""
    people = plan.participant_by_id()
    by_person, by_organisation = who_met_whom(plan)
    workbook = Workbook(write_only=True)

    sheet = workbook.create_sheet("People")
    _prepare_for_print(sheet, [10, 28, 28, 12, 16, 90], header_row=1)
    sheet.append(
        _header(
            sheet,
            ["ID", "Name", "Organisation", "People met", "Organisations met", "Met (round)"],
        )
    )
    for person in sorted(plan.participants, key=lambda p: (p.name.casefold(), p.id)):
        met = by_person[person.id].met
        organisations = {people[other].organisation for other in met} - {person.organisation}
        listing = "; ".join(
            f"{people[other].name}, {people[other].organisation} ({', '.join(map(str, rounds))})"
            for other, rounds in sorted(
                met.items(), key=lambda item: (item[1], people[item[0]].name)
            )
        )
        sheet.append(
            [
                _cell(sheet, person.id),
                _cell(sheet, person.name),
                _cell(sheet, person.organisation),
                _cell(sheet, len(met)),
                _cell(sheet, len(organisations)),
                _cell(sheet, listing),
            ]
        )

    sheet = workbook.create_sheet("Organisations")
    _prepare_for_print(sheet, [34, 10, 18, 100], header_row=1)
    sheet.append(_header(sheet, ["Organisation", "People", "Organisations met", "Met (pairs)"]))
    for organisation in sorted(by_organisation, key=str.casefold):
        entry = by_organisation[organisation]
        listing = "; ".join(f"{other} ({count})" for other, count in entry.met.items())
        sheet.append(
            [
                _cell(sheet, organisation),
                _cell(sheet, entry.people),
                _cell(sheet, len(entry.met)),
                _cell(sheet, listing),
            ]
        )

    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path
