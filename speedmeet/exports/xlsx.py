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
from speedmeet.i18n import Language
from speedmeet.i18n import language as output_language
from speedmeet.meetings import OrganisationMeetings, PersonMeetings, who_met_whom
from speedmeet.model import Plan, Round
from speedmeet.notes import translate_note
from speedmeet.quality import Quality

# The workbook's own font named on every styled cell: a font without a name prints in
# LibreOffice's default serif, beside sans-serif data.
FONT_NAME = "Calibri"
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
TABLE_FILL = PatternFill("solid", fgColor="D9E1F2")
NO_FILL = PatternFill(fill_type=None)
PAPER_CODES = {"a4": 9, "letter": 1}  # the paperSize codes of the Office Open XML standard
MAX_COLUMN_WIDTH = 45.0  # characters; longer names and organisations wrap


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


def table_value(table: str) -> int | str:
    """A numbered table as a number, so that tables sort 1, 2, 10 and not 1, 10, 2."""
    name = table.strip()
    return int(name) if name.isdigit() and len(name) < 10 else table


def _prepare_for_print(
    sheet: WriteOnlyWorksheet, widths: Sequence[float], header_row: int, paper: str = "A4"
) -> None:
    """Print set-up as the PDFs have it: the plan's paper, landscape, the page width, the header
    row on every page, and no gridlines (the header's fill and the table bands guide the eye)."""
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_CODES.get(paper.casefold(), PAPER_CODES["a4"])
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.sheet_view.showGridLines = False
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def _fitted_widths(
    rows: Sequence[Sequence[Any]], least: Sequence[float], most: float = MAX_COLUMN_WIDTH
) -> list[float]:
    """Column widths (in characters) that show the longest entry, up to `most`; longer entries
    wrap (their cells are set to wrap), so a long organisation name never runs off the page."""
    widths = [float(w) for w in least]
    for row in rows:
        for index, value in enumerate(row):
            if value is None or index >= len(widths):
                continue
            widths[index] = max(widths[index], min(most, len(str(value)) * 1.1 + 2))
    return widths


def _title(plan: Plan, language: Language) -> str:
    return plan.settings.title or language.gettext("Speed meeting")


def write_plan_xlsx(
    plan: Plan, path: Path, quality: Quality, language: Language | None = None
) -> Path:
    """Write the workbook atomically, in the plan's output language; returns its path: the
    summary, a sheet per round, then one row per participant."""
    language = language or output_language(plan.settings.language)
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, plan, quality, language)
    for round_ in plan.rounds:
        _round_sheet(workbook, plan, round_, language)
    _by_participant_sheet(workbook, plan, language)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


_WRAPPED = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")


def _summary_rows(plan: Plan, quality: Quality, language: Language) -> list[tuple[str, Any]]:
    """The figures of the plan's quality, with the solver's and the bound's notes."""
    _ = language.gettext
    bound = quality.bound
    yes, no = _("yes"), _("no")
    rows: list[tuple[str, Any]] = [
        (_("Participants"), quality.participants),
        (_("Organisations"), quality.organisations),
        (_("Rounds"), len(plan.rounds)),
        (_("Tables per round"), max(quality.per_round_tables, default=0)),
        (
            _("Table size (at most)"),
            plan.settings.table_size if plan.settings.tables is None else "-",
        ),
        (_("New cross-organisation pairs"), quality.new_pairs),
        (_("Best possible (upper bound)"), bound.value),
        (_("Share of the best possible"), quality.share),
        (_("Repeat meetings"), quality.repeats),
        (_("Same-organisation meetings"), quality.same_organisation),
        (_("Perfect plan"), yes if quality.perfect else no),
    ]
    if plan.solve is not None:
        rows.append(
            (_("Proven optimal"), yes if plan.solve.proven_optimal or quality.perfect else no)
        )
        rows.extend((_("Note"), translate_note(limit, language)) for limit in plan.solve.limits)
    rows.extend((_("Note"), translate_note(reason, language)) for reason in bound.reasons)
    return rows


def _summary_sheet(workbook: Workbook, plan: Plan, quality: Quality, language: Language) -> None:
    _ = language.gettext
    summary = workbook.create_sheet(_("Summary"))
    rows = _summary_rows(plan, quality, language)
    _prepare_for_print(
        summary, _fitted_widths(rows, [30, 16], most=70), header_row=2, paper=plan.settings.paper
    )
    summary.append([_cell(summary, _title(plan, language), font=TITLE_FONT)])
    summary.append(_header(summary, [_("Figure"), _("Value")]))
    for label, value in rows:
        shown = _cell(summary, value, alignment=_WRAPPED)
        if label == _("Share of the best possible"):
            shown.number_format = "0.0%"
        summary.append([_cell(summary, label, alignment=_TOP), shown])


def _round_sheet(workbook: Workbook, plan: Plan, round_: Round, language: Language) -> None:
    """The round's tables in order, each table's number shaded on its first row."""
    _ = language.gettext
    people = plan.participant_by_id()
    sheet = workbook.create_sheet(_("Round {round}").format(round=round_.round))
    listing = [
        (table_value(table.table), people[pid].name, people[pid].organisation)
        for table in round_.tables
        for pid in table.participants
    ]
    _prepare_for_print(
        sheet, _fitted_widths(listing, [8, 20, 20]), header_row=2, paper=plan.settings.paper
    )
    heading = _("{title} - round {round}").format(title=_title(plan, language), round=round_.round)
    topic = round_.topic or (
        plan.settings.topics[round_.round - 1]
        if round_.round <= len(plan.settings.topics)
        else None
    )
    if topic:
        heading += f": {topic}"
    sheet.append([_cell(sheet, heading, font=TITLE_FONT)])
    sheet.append(_header(sheet, [_("Table"), _("Name"), _("Organisation")]))
    for table in round_.tables:
        for seat, pid in enumerate(table.participants):
            person = people[pid]
            first = seat == 0
            sheet.append(
                [
                    _cell(
                        sheet,
                        table_value(table.table),
                        font=Font(name=FONT_NAME, bold=first),
                        fill=TABLE_FILL if first else NO_FILL,
                        alignment=Alignment(horizontal="left", vertical="top"),
                    ),
                    _cell(sheet, person.name, alignment=_WRAPPED),
                    _cell(sheet, person.organisation, alignment=_WRAPPED),
                ]
            )


def _by_participant_sheet(workbook: Workbook, plan: Plan, language: Language) -> None:
    """One row per person, by name: their table in each round."""
    _ = language.gettext
    seating = plan.seating()
    by_person = workbook.create_sheet(_("By participant"))
    round_titles = [_("Round {round}").format(round=r.round) for r in plan.rounds]
    ordered = sorted(plan.participants, key=lambda p: (p.name.casefold(), p.id))
    _prepare_for_print(
        by_person,
        _fitted_widths(
            [(p.id, p.name, p.organisation) for p in ordered],
            [8, 20, 20] + [max(8.0, len(title) * 1.1 + 2) for title in round_titles],
        ),
        header_row=1,
        paper=plan.settings.paper,
    )
    by_person.append(_header(by_person, [_("ID"), _("Name"), _("Organisation"), *round_titles]))
    centred = Alignment(horizontal="center", vertical="top")
    for person in ordered:
        tables = [table_value(table) if table is not None else "-" for table in seating[person.id]]
        by_person.append(
            [
                _cell(by_person, person.id, alignment=_TOP),
                _cell(by_person, person.name, alignment=_WRAPPED),
                _cell(by_person, person.organisation, alignment=_WRAPPED),
                *(_cell(by_person, table, alignment=centred) for table in tables),
            ]
        )


def write_meetings_xlsx(plan: Plan, path: Path) -> Path:
    """Who met whom, per person and per organisation: the report for the funder."""
    language = output_language(plan.settings.language)
    by_person, by_organisation = who_met_whom(plan)
    workbook = Workbook(write_only=True)
    _people_met_sheet(workbook, plan, by_person, language)
    _organisations_met_sheet(workbook, plan, by_organisation, language)
    with atomic_path(path) as temporary:
        workbook.save(temporary)
    return path


def _people_met_sheet(
    workbook: Workbook, plan: Plan, by_person: dict[str, PersonMeetings], language: Language
) -> None:
    """A row per person: how many people and organisations they met, and whom in which round."""
    _ = language.gettext
    people = plan.participant_by_id()
    sheet = workbook.create_sheet(_("People"))
    _prepare_for_print(sheet, [10, 28, 28, 12, 16, 90], header_row=1, paper=plan.settings.paper)
    sheet.append(
        _header(
            sheet,
            [
                _("ID"),
                _("Name"),
                _("Organisation"),
                _("People met"),
                _("Organisations met"),
                _("Met (round)"),
            ],
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
                _cell(sheet, listing, alignment=Alignment(wrap_text=True, vertical="top")),
            ]
        )


def _organisations_met_sheet(
    workbook: Workbook,
    plan: Plan,
    by_organisation: dict[str, OrganisationMeetings],
    language: Language,
) -> None:
    """A row per organisation: its people, and the organisations they met with how many pairs."""
    _ = language.gettext
    sheet = workbook.create_sheet(_("Organisations"))
    _prepare_for_print(sheet, [34, 10, 18, 100], header_row=1, paper=plan.settings.paper)
    sheet.append(
        _header(sheet, [_("Organisation"), _("People"), _("Organisations met"), _("Met (pairs)")])
    )
    for organisation in sorted(by_organisation, key=str.casefold):
        entry = by_organisation[organisation]
        listing = "; ".join(f"{other} ({count})" for other, count in entry.met.items())
        sheet.append(
            [
                _cell(sheet, organisation),
                _cell(sheet, entry.people),
                _cell(sheet, len(entry.met)),
                _cell(sheet, listing, alignment=Alignment(wrap_text=True, vertical="top")),
            ]
        )
