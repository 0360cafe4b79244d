"""table-cards.pdf: a tent card per table, folded along the middle of a landscape sheet.

The outside page shows the table name huge on both halves, the upper half upside down, so that
the folded card reads the right way from both sides of the table. The inside page (the back of
the sheet when printed on both sides, or a loose sheet tucked inside) lists who sits at the table
in each round, for the table host; it too is set twice, one half upside down, so it reads the
right way up whichever way the sheet was turned.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from speedmeet.exports.pdf_common import GREY, LIGHT, POINT, RULE, KitPDF, clean, paper_size
from speedmeet.exports.pdf_plan import (
    is_numbered,
    organisation_line,
    plan_document,
    table_label,
    table_names,
    time_slots,
)
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan

SIDE = 12.0
MAX_COLUMNS = 6
MIN_INSIDE_SCALE = 0.8  # below this the host's list takes the whole inside page


def _outside_half(pdf: KitPDF, top: float, height: float, table: str, title: str) -> None:
    """One face of the tent: `Table` and the number, or a named table's name, as big as fits."""
    _ = pdf.language.gettext
    width = pdf.w - 2 * SIDE
    name = clean(table)
    area_top = top + 8
    area_h = height - 8 - 12
    if is_numbered(name):
        pdf.text_line(
            _("TABLE"), SIDE, area_top, width, 11, size=30, style="B", align="C", color=GREY
        )
        area_top += 13
        area_h -= 13
        # Digits have no descenders and capitals about 0.714 of the type size tall; a cell
        # 0.828 type sizes high puts the baseline so that the digits fill the area exactly.
        type_mm = area_h / 0.714
        pdf.text_line(
            name,
            SIDE,
            area_top,
            width,
            0.828 * type_mm,
            size=type_mm / POINT,
            min_size=40,
            style="B",
            align="C",
        )
    else:
        pdf.text_line(
            name,
            SIDE,
            area_top,
            width,
            area_h,
            size=area_h / (1.05 * POINT),
            min_size=30,
            style="B",
            align="C",
        )
    pdf.text_line(
        title, SIDE, top + height - 12, width, 8, size=12, min_size=7, align="C", color=GREY
    )


def _people_at(plan: Plan, table: str) -> list[list[Participant] | None]:
    """Who sits at `table` in each round (None when the table is not used that round)."""
    people = plan.participant_by_id()
    seated: list[list[Participant] | None] = []
    for round_ in plan.rounds:
        match = next((t for t in round_.tables if t.table == table), None)
        seated.append(None if match is None else [people[pid] for pid in match.participants])
    return seated


def _bands_and_columns(rounds: int) -> tuple[int, int]:
    bands = max(1, math.ceil(rounds / MAX_COLUMNS))
    return bands, max(1, math.ceil(rounds / bands))


def _band_need(seated: list[list[Participant] | None]) -> float:
    """Height at full size of one band of rounds: heading and the largest table's people."""
    seats = max((len(people) for people in seated if people), default=1)
    return 10 + seats * (10.5 * 1.2 + 8 * 1.2) * POINT + 2


def _inside_scale(seated: list[list[Participant] | None], rounds: int, height: float) -> float:
    """Type scale for the host's list in a space `height` tall (heading and margins included)."""
    bands, _ = _bands_and_columns(rounds)
    room = height - 7 - 11 - 6
    return min(1.4, room / (bands * _band_need(seated) + (bands - 1) * 2))


def _inside_half(
    pdf: KitPDF,
    top: float,
    height: float,
    plan: Plan,
    table: str,
    seated: list[list[Participant] | None],
    slots: list[str | None],
) -> None:
    """The host's view: for every round, the people at this table and their organisations."""
    width = pdf.w - 2 * SIDE
    y = top + 7
    _inside_heading(pdf, y, width, plan, table)
    y += 11
    rounds = len(plan.rounds)
    columns = _bands_and_columns(rounds)[1]
    gap = 3.0
    column_w = (width - gap * (columns - 1)) / columns
    scale = _inside_scale(seated, rounds, height)
    band_h = _band_need(seated) * scale
    for index, people in enumerate(seated):
        band, column = divmod(index, columns)
        x = SIDE + column * (column_w + gap)
        cell_top = y + band * (band_h + 2 * scale)
        heading = pdf.language.gettext("Round {round}").format(round=plan.rounds[index].round)
        _round_cell(pdf, x, cell_top, column_w, scale, heading, slots[index], people)
        if people and column < columns - 1 and index < rounds - 1:
            pdf.rule(
                x + column_w + gap / 2,
                cell_top,
                x + column_w + gap / 2,
                cell_top + band_h,
                width=0.2,
                color=RULE,
            )


def _inside_heading(pdf: KitPDF, y: float, width: float, plan: Plan, table: str) -> None:
    """ "Table 3: who sits here" on the left, the event's title on the right."""
    language = pdf.language
    pdf.text_line(
        language.gettext("{table}: who sits here").format(table=table_label(table, language)),
        SIDE, y, width * 0.6, 9, size=17, min_size=10, style="B",
    )  # fmt: skip
    pdf.text_line(
        clean(plan.settings.title), SIDE + width * 0.6, y, width * 0.4, 9, size=10, min_size=6,
        align="R", color=GREY,
    )  # fmt: skip


def _round_cell(
    pdf: KitPDF,
    x: float,
    cell_top: float,
    column_w: float,
    scale: float,
    heading: str,
    slot: str | None,
    people: list[Participant] | None,
) -> None:
    """One round on the host's list: its heading and time, then each name over its organisation."""
    language = pdf.language
    pdf.box(x, cell_top, column_w, 9 * scale, fill=LIGHT, border=None)
    pdf.text_line(
        f"{heading}  {slot}" if slot else heading, x + 1.5, cell_top, column_w - 3, 9 * scale,
        size=11 * scale, min_size=6, style="B",
    )  # fmt: skip
    row = cell_top + 10 * scale
    if not people:
        pdf.text_line(
            language.gettext("not used this round"), x + 1.5, row, column_w - 3, 6 * scale,
            size=9 * scale, min_size=5, color=GREY,
        )  # fmt: skip
        return
    for person in people:
        name_h = 10.5 * 1.2 * POINT * scale
        pdf.text_line(
            person.name, x + 1.5, row, column_w - 3, name_h, size=10.5 * scale, min_size=5,
            style="B",
        )  # fmt: skip
        row += name_h
        organisation_h = 8 * 1.2 * POINT * scale
        pdf.text_line(
            organisation_line(person, language), x + 1.5, row, column_w - 3, organisation_h,
            size=8 * scale, min_size=4.5, color=GREY,
        )  # fmt: skip
        row += organisation_h


def _fold(pdf: KitPDF) -> None:
    middle = pdf.h / 2
    pdf.dashed(4, middle, pdf.w - 4, middle)
    pdf.text_line(
        pdf.language.gettext("fold"), pdf.w - 16, middle - 4.5, 12, 4, size=7, align="R", color=GREY
    )


def draw_table_cards(
    plan: Plan, paper: str, language: Language, tables: Collection[str] | None = None
) -> KitPDF | None:
    """The tent cards of the chosen tables (all when None), or None when there are none."""
    portrait_w, portrait_h = paper_size(paper)
    chosen = [name for name in table_names(plan) if tables is None or name in tables]
    if not chosen:
        return None
    _ = language.gettext
    title = clean(plan.settings.title)
    pdf = plan_document(plan, portrait_h, portrait_w, language, _("{title}: table cards"))
    slots = time_slots(plan, language)
    half = pdf.h / 2
    for table in chosen:
        pdf.add_page()
        _outside_half(pdf, half, half, table, title)
        with pdf.rotation(180, pdf.w / 2, half):
            _outside_half(pdf, half, half, table, title)
        _fold(pdf)
        seated = _people_at(plan, table)
        pdf.add_page()
        if _inside_scale(seated, len(plan.rounds), half) >= MIN_INSIDE_SCALE:
            _inside_half(pdf, half, half, plan, table, seated, slots)
            with pdf.rotation(180, pdf.w / 2, half):
                _inside_half(pdf, half, half, plan, table, seated, slots)
            _fold(pdf)
        else:
            # Too many rounds or people for half a sheet: the whole page, for the host's hand.
            _inside_half(pdf, 0, pdf.h, plan, table, seated, slots)
    return pdf
