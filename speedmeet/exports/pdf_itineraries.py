"""itineraries.pdf: a slip per participant with their table in every round, several to a page.

Slips tile the page in two columns with dashed cut lines between them; the number of rows per page
follows from the number of rounds, so that every slip keeps readable type.
"""

from __future__ import annotations

from collections.abc import Sequence

from speedmeet.exports.pdf_common import (
    BLACK,
    GREY,
    LIGHT,
    RULE,
    KitPDF,
    clean,
    paper_size,
    plan_document,
    round_topic,
    table_label,
    time_slots,
)
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
    language = pdf.language
    _ = language.gettext
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
    timed = any(slots)
    topical = any(topics)
    round_w = inner_w * 0.22
    time_w = inner_w * 0.38 if timed else 0.0
    table_w = inner_w - round_w - time_w
    topic_share = TOPIC_H / ROW_H if topical else 0.0
    row_h = min(ROW_H, (y + height - PADDING - top) / (len(tables) * (1 + topic_share) + 1))
    topic_h = row_h * topic_share
    for heading, left, column_w in (
        (_("Round"), inner_x, round_w),
        (_("Time"), inner_x + round_w, time_w),
        (_("Table"), inner_x + round_w + time_w, table_w),
    ):
        if column_w:
            pdf.text_line(
                heading, left, top, column_w, row_h, size=8.5, min_size=5, style="B", color=GREY
            )
    top += row_h
    for index, table in enumerate(tables):
        if index % 2 == 0:
            pdf.box(inner_x - 1, top, inner_w + 2, row_h + topic_h, fill=LIGHT, border=None)
        pdf.text_line(str(index + 1), inner_x + 1, top, round_w - 1, row_h, size=10.5, min_size=5)
        if timed:
            pdf.text_line(
                slots[index] or "", inner_x + round_w, top, time_w, row_h, size=10.5, min_size=5
            )
        label = table_label(table, language) if table is not None else _("not attending")
        pdf.text_line(
            label,
            inner_x + round_w + time_w,
            top,
            table_w,
            row_h,
            size=11.5,
            min_size=5,
            style="B" if table is not None else "",
            color=BLACK if table is not None else GREY,
        )
        top += row_h
        if topical:
            pdf.text_line(
                topics[index],
                inner_x + round_w,
                top - 0.6,
                inner_w - round_w,
                topic_h,
                size=7.5,
                min_size=4.5,
                color=GREY,
            )
            top += topic_h


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
