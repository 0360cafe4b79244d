"""round-sheets.pdf: for each round, every table with its people, big enough to read on a wall.

Names are set at about 20 pt bold (5 mm capitals, readable at two metres), organisations smaller
below them; two tables side by side, as many rows as the page holds, a new page for each round.
A round that would spill onto a second page is set in three or four columns of smaller type
instead, down to a floor (about 9 pt names), so that up to 16 tables of 6 fit on one A4 page:
facilitators read one sheet per round, not a sheet and a near-empty one.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from speedmeet.exports.pdf_common import GREY, LIGHT, POINT, RULE, KitPDF, clean, paper_size
from speedmeet.exports.pdf_plan import (
    organisation_line,
    plan_document,
    round_topic,
    table_label,
    time_slots,
)
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan, Table

MARGIN = 12.0
COLUMN_GAP = 6.0
ROW_GAP = 5.0
NAME_PT = 21.0
ORGANISATION_PT = 13.5
TABLE_PT = 26.0
MIN_SCALE = 0.8  # names stay at 17 pt or more, still readable at two metres
ONE_PAGE_MIN_SCALE = 0.42  # in 3 or 4 columns, names at 9 pt or more: read at arm's length
MAX_COLUMNS = 4


def _draw_header(
    pdf: KitPDF, plan: Plan, round_index: int, slot: str | None, page: int, pages: int
) -> float:
    """Event title, round number, time slot and topic; returns where the tables may start."""
    _ = pdf.language.gettext
    width = pdf.w - 2 * MARGIN
    y = MARGIN
    title = clean(plan.settings.title)
    counter = _("page {page} of {pages}").format(page=page, pages=pages) if pages > 1 else ""
    pdf.text_line(title, MARGIN, y, width * 0.78, 7, size=14, min_size=9, color=GREY)
    pdf.text_line(
        counter, MARGIN + width * 0.78, y, width * 0.22, 7, size=12, align="R", color=GREY
    )
    y += 8
    heading = _("Round {round}").format(round=plan.rounds[round_index].round)
    if slot:
        pdf.text_line(heading, MARGIN, y, width * 0.5, 17, size=40, min_size=24, style="B")
        pdf.text_line(
            slot,
            MARGIN + width * 0.5,
            y,
            width * 0.5,
            17,
            size=32,
            min_size=18,
            style="B",
            align="R",
        )
    else:
        pdf.text_line(heading, MARGIN, y, width, 17, size=40, min_size=24, style="B")
    y += 19
    topic = round_topic(plan, round_index)
    if topic:
        y += pdf.paragraph(topic, MARGIN, y, width, 25, size=18, min_size=12)
        y += 1
    pdf.rule(MARGIN, y, pdf.w - MARGIN, y, width=0.6)
    return y + 5


def _table_box(
    pdf: KitPDF,
    table: Table,
    people: dict[str, Participant],
    two_line_names: set[str],
    x: float,
    y: float,
    width: float,
    height: float,
    scale: float,
) -> None:
    """A table's box: its name on a shaded band, then each person's name over their organisation."""
    header = 13.0 * scale
    pdf.box(x, y, width, height, border=RULE, line_width=0.4)
    pdf.box(x, y, width, header, fill=LIGHT, border=None)
    pad = 4.0 if scale >= MIN_SCALE else 2.0  # narrow columns keep less room at the sides
    left = x + pad
    inner = width - 2 * pad
    pdf.text_line(
        table_label(table.table, pdf.language), left, y, inner, header, size=TABLE_PT * scale,
        min_size=min(12.0, TABLE_PT * scale), style="B",
    )  # fmt: skip
    row = y + header + 2 * scale
    for pid in table.participants:
        row = _person(pdf, people[pid], pid in two_line_names, left, row, inner, scale)


def _person(
    pdf: KitPDF,
    person: Participant,
    two_lines: bool,
    left: float,
    row: float,
    inner: float,
    scale: float,
) -> float:
    """A name in bold (on two lines when one would shrink it too far) over the organisation;
    returns where the next person starts."""
    name_h = NAME_PT * scale * 1.2 * POINT
    organisation_h = ORGANISATION_PT * scale * 1.25 * POINT
    if two_lines:
        pdf.name_block(
            person.name, left, row, inner, 2 * name_h, size=NAME_PT * scale,
            min_size=min(12.0, NAME_PT * scale), align="L", max_lines=2,
        )  # fmt: skip
        row += name_h
    else:
        pdf.text_line(
            person.name, left, row, inner, name_h, size=NAME_PT * scale,
            min_size=min(12.0, NAME_PT * scale), style="B",
        )  # fmt: skip
    pdf.text_line(
        organisation_line(person, pdf.language), left, row + name_h, inner, organisation_h,
        size=ORGANISATION_PT * scale, min_size=min(8.0, ORGANISATION_PT * scale), color=GREY,
    )  # fmt: skip
    return row + (name_h + organisation_h + 1.0 * scale)


def _box_height(table: Table, two_line_names: set[str], scale: float) -> float:
    per_person = (NAME_PT * 1.2 + ORGANISATION_PT * 1.25) * POINT + 1.0
    extra_lines = sum(1 for pid in table.participants if pid in two_line_names)
    people = len(table.participants) * per_person + extra_lines * NAME_PT * 1.2 * POINT
    return (13.0 + 2.0 + people + 2.0) * scale


def _rows_and_scale(room: float, natural: float, tables: int) -> tuple[int, float]:
    """Rows of tables per page and the type scale: full size, unless type a little smaller
    (never below MIN_SCALE) saves paper by fitting another row."""
    rows = max(1, int((room + ROW_GAP) // (natural + ROW_GAP)))
    best = (rows, min(1.0, room / natural))
    for more in range(rows + 1, rows + 3):
        scale = (room - (more - 1) * ROW_GAP) / more / natural
        if scale < MIN_SCALE:
            break
        if math.ceil(tables / (2 * more)) < math.ceil(tables / (2 * best[0])):
            best = (more, scale)
    return best


def _one_page(
    room: float, natural: float, tables: int, page_width: float
) -> tuple[int, int, float] | None:
    """Columns, rows and type scale that put every table of a round on one page in 3 or 4
    columns, the largest type first; None when the type would go below ONE_PAGE_MIN_SCALE."""
    two_columns = (page_width - 2 * MARGIN - COLUMN_GAP) / 2
    best: tuple[int, int, float] | None = None
    for columns in range(3, MAX_COLUMNS + 1):
        rows = math.ceil(tables / columns)
        width = (page_width - 2 * MARGIN - (columns - 1) * COLUMN_GAP / 2) / columns
        by_height = (room - (rows - 1) * ROW_GAP / 2) / rows / natural
        scale = min(1.0, by_height, width / two_columns)
        if scale >= ONE_PAGE_MIN_SCALE and (best is None or scale > best[2]):
            best = (columns, rows, scale)
    return best


def _header_height(pdf: KitPDF, plan: Plan, round_index: int) -> float:
    """Where the tables start below the header, measured without drawing it."""
    y = MARGIN + 8 + 19
    topic = round_topic(plan, round_index)
    if topic:
        size, lines = pdf.wrapped_size(topic, pdf.w - 2 * MARGIN, 25, 18, 12)
        y += size * 1.2 * POINT * len(lines) + 1
    return y + 5


def draw_round_sheets(
    plan: Plan, paper: str, language: Language, only_rounds: Collection[int] | None = None
) -> KitPDF | None:
    """The round sheets document, or None when no round is selected."""
    width, height = paper_size(paper)
    chosen = [r for r in plan.rounds if only_rounds is None or r.round in only_rounds]
    if not chosen:
        return None
    _ = language.gettext
    pdf = plan_document(plan, width, height, language, _("{title}: round sheets"))
    people = plan.participant_by_id()
    slots = time_slots(plan, language)
    column_width = (width - 2 * MARGIN - COLUMN_GAP) / 2
    # Names that would shrink below readable size on one line get two lines.
    two_line_names = {
        person.id
        for person in plan.participants
        if " " in pdf.printable(person.name)
        and pdf.width_of(pdf.printable(person.name), NAME_PT * MIN_SCALE, "B") > column_width - 8
    }
    for round_ in chosen:
        index = round_.round - 1
        tables = round_.tables
        top = _header_height(pdf, plan, index)
        room = height - MARGIN - top
        natural = max((_box_height(t, two_line_names, 1.0) for t in tables), default=20.0)
        rows, scale = _rows_and_scale(room, natural, len(tables))
        columns, box_w, gap = 2, column_width, COLUMN_GAP
        if math.ceil(len(tables) / (2 * rows)) > 1:
            packed = _one_page(room, natural, len(tables), width)
            if packed is not None:
                columns, rows, scale = packed
                gap = COLUMN_GAP / 2
                box_w = (width - 2 * MARGIN - (columns - 1) * gap) / columns
        row_gap = ROW_GAP if columns == 2 else ROW_GAP / 2
        box_h = natural * scale
        per_page = rows * columns
        pages = max(1, math.ceil(len(tables) / per_page))
        for page in range(pages):
            pdf.add_page()
            start = _draw_header(pdf, plan, index, slots[index], page + 1, pages)
            for position, table in enumerate(tables[page * per_page : (page + 1) * per_page]):
                row, column = divmod(position, columns)
                x = MARGIN + column * (box_w + gap)
                y = start + row * (box_h + row_gap)
                _table_box(pdf, table, people, two_line_names, x, y, box_w, box_h, scale)
    return pdf
