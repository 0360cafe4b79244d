"""itineraries.pdf: a slip per participant with their table in every round, several to a page.

Slips tile the page in two columns with dashed cut lines between them; the number of rows per page
follows from the number of rounds, so that every slip keeps readable type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.exports.pdf_common import BLACK, GREY, LIGHT, RULE, KitPDF, clean, paper_size
from speedmeet.exports.pdf_plan import plan_document, round_topic, table_label, time_slots
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan

PADDING = 7.0
ROW_H = 5.5
TOPIC_H = 3.8  # the round's topic, in small type under its row
FIXED_H = 2 * PADDING + 4 + 10 + 6 + 2 + 5.5


def _slip(
    pdf: KitPDF,
    person: Participant,
    tables: Sequence[str | None],
    slots: Sequence[str | None],
    topics: Sequence[str],
    title: str,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    """One person's slip: the event's title, their name and organisation, then a row per
    round with its time, their table and the round's topic."""
    inner_x = x + PADDING
    inner_w = width - 2 * PADDING
    top = y + PADDING
    pdf.text_line(title, inner_x, top, inner_w, 4, size=8, min_size=5, color=GREY)
    top += 4
    pdf.name_block(
        person.name, inner_x, top, inner_w, 10, size=17, min_size=8, align="L", max_lines=2
    )
    top += 10
    pdf.text_line(person.organisation, inner_x, top, inner_w, 6, size=10.5, min_size=6, color=GREY)
    top += 8
    round_w = inner_w * 0.22
    time_w = inner_w * 0.38 if any(slots) else 0.0
    topic_share = TOPIC_H / ROW_H if any(topics) else 0.0
    row_h = min(ROW_H, (y + height - PADDING - top) / (len(tables) * (1 + topic_share) + 1))
    rows = _Rows(inner_x, inner_w, round_w, time_w, inner_w - round_w - time_w, row_h)
    _column_headings(pdf, rows, top)
    top += row_h
    for index, table in enumerate(tables):
        top = _round_row(pdf, rows, top, index, table, slots[index], topics[index], topic_share)


@dataclass(frozen=True)
class _Rows:
    """The columns of a slip's rounds (round, time, table) and the height of a row."""

    x: float
    width: float
    round_w: float
    time_w: float
    """0 when the plan has no times."""
    table_w: float
    row_h: float


def _column_headings(pdf: KitPDF, rows: _Rows, top: float) -> None:
    _ = pdf.language.gettext
    for heading, left, column_w in (
        (_("Round"), rows.x, rows.round_w),
        (_("Time"), rows.x + rows.round_w, rows.time_w),
        (_("Table"), rows.x + rows.round_w + rows.time_w, rows.table_w),
    ):
        if column_w:
            pdf.text_line(
                heading, left, top, column_w, rows.row_h, size=8.5, min_size=5, style="B",
                color=GREY,
            )  # fmt: skip


def _round_row(
    pdf: KitPDF,
    rows: _Rows,
    top: float,
    index: int,
    table: str | None,
    slot: str | None,
    topic: str,
    topic_share: float,
) -> float:
    """A round's row (shaded every other round) and its topic in small type below; returns
    where the next row starts."""
    language = pdf.language
    inner_x, round_w, time_w, row_h = rows.x, rows.round_w, rows.time_w, rows.row_h
    topic_h = row_h * topic_share
    if index % 2 == 0:
        pdf.box(inner_x - 1, top, rows.width + 2, row_h + topic_h, fill=LIGHT, border=None)
    pdf.text_line(str(index + 1), inner_x + 1, top, round_w - 1, row_h, size=10.5, min_size=5)
    if time_w:
        pdf.text_line(slot or "", inner_x + round_w, top, time_w, row_h, size=10.5, min_size=5)
    label = table_label(table, language) if table is not None else language.gettext("not attending")
    pdf.text_line(
        label, inner_x + round_w + time_w, top, rows.table_w, row_h, size=11.5, min_size=5,
        style="B" if table is not None else "", color=BLACK if table is not None else GREY,
    )  # fmt: skip
    top += row_h
    if topic_share:
        pdf.text_line(
            topic, inner_x + round_w, top - 0.6, rows.width - round_w, topic_h, size=7.5,
            min_size=4.5, color=GREY,
        )  # fmt: skip
        top += topic_h
    return top


def draw_itineraries(
    plan: Plan, paper: str, participants: Sequence[Participant], language: Language
) -> KitPDF | None:
    """Slips for `participants` in the given order, or None when there is nobody to print for."""
    width, height = paper_size(paper)
    if not participants:
        return None
    _ = language.gettext
    title = clean(plan.settings.title)
    pdf = plan_document(plan, width, height, language, _("{title}: itineraries"))
    seating = plan.seating()
    slots = time_slots(plan, language)
    topics = [round_topic(plan, index) for index in range(len(plan.rounds))]
    row = ROW_H + (TOPIC_H if any(topics) else 0.0)
    need = FIXED_H + row * len(plan.rounds)
    rows = max(1, min(5, int(height // need)))
    slip_w, slip_h = width / 2, height / rows
    per_page = 2 * rows
    for position, person in enumerate(participants):
        spot = position % per_page
        if spot == 0:
            pdf.add_page()
            pdf.dashed(slip_w, 0, slip_w, height, color=RULE)
            for row_index in range(1, rows):
                pdf.dashed(0, row_index * slip_h, width, row_index * slip_h, color=RULE)
        row_index, column = divmod(spot, 2)
        _slip(
            pdf,
            person,
            seating[person.id],
            slots,
            topics,
            title,
            column * slip_w,
            row_index * slip_h,
            slip_w,
            slip_h,
        )
    return pdf
