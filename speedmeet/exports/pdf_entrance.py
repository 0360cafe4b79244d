"""entrance-list.pdf: everyone by family name with their table in every round, for the door.

Pinned on a wall or held at the welcome desk, it is read standing up: names at 16 pt, tables at
20 pt bold. A new letter starts with a band; when the list runs over pages, a thumb index of A-Z
tabs down the right edge shows which letters each page holds, so one finds the page from afar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.exports.pdf_common import BLACK, GREY, LIGHT, KitPDF, clean, paper_size
from speedmeet.exports.pdf_plan import plan_document
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan
from speedmeet.names import FiledName, family_order

MARGIN = 12.0
TAB_W = 11.0
HEADER_H = 24.0
COLUMNS_H = 8.0
ROW_H = 12.5
BAND_H = 8.0
NAME_PT = 16.0
ORGANISATION_PT = 10.0
TABLE_PT = 20.0
LETTERS = [chr(code) for code in range(ord("A"), ord("Z") + 1)]
OTHER = "#"
"""The tab of names that start with a letter outside A-Z (other scripts)."""


def _tab(initial: str) -> str:
    return initial if initial in LETTERS else OTHER


def _layout(
    filed: list[tuple[Participant, FiledName]], room: float
) -> list[list[tuple[str, Participant | None, FiledName | None]]]:
    """Pages of lines: ("band", None, None) for a letter band, ("row", person, name) for a person.

    A band never ends a page: it moves to the next one with its first name.
    """
    pages: list[list[tuple[str, Participant | None, FiledName | None]]] = [[]]
    used = 0.0
    previous = ""
    for person, name in filed:
        tab = _tab(name.initial)
        needed = ROW_H + (BAND_H if tab != previous else 0.0)
        if used + needed > room and pages[-1]:
            pages.append([])
            used = 0.0
        if tab != previous:
            pages[-1].append((tab, None, None))
            used += BAND_H
        pages[-1].append(("", person, name))
        used += ROW_H
        previous = tab
    return pages


def _draw_tabs(pdf: KitPDF, on_page: set[str], tabs: list[str], top: float, bottom: float) -> None:
    step = (bottom - top) / len(tabs)
    x = pdf.w - TAB_W
    for index, tab in enumerate(tabs):
        y = top + index * step
        here = tab in on_page
        pdf.box(x, y, TAB_W, step, fill=BLACK if here else LIGHT, border=(255, 255, 255))
        pdf.text_line(
            tab,
            x,
            y,
            TAB_W,
            step,
            size=min(13.0, step / 0.5),
            min_size=6,
            style="B",
            align="C",
            color=(255, 255, 255) if here else GREY,
        )


def _draw_name(pdf: KitPDF, name: FiledName, x: float, y: float, width: float) -> None:
    """ "Family, Given" on one line, family in bold: shrunk together when it is long, each part
    drawn on its own so that a right-to-left name keeps its comma after the family name."""
    family = pdf.printable(name.family)
    given = pdf.printable(name.given)
    comma = pdf.width_of(", ", NAME_PT) if given else 0.0
    parts = [pdf.width_of(family, NAME_PT, "B"), comma, pdf.width_of(given, NAME_PT)]
    scale = min(1.0, width / max(sum(parts), 0.01))
    size = max(NAME_PT * scale, 9.0)
    boxes = [part * scale for part in parts]
    pdf.text_line(family, x, y, boxes[0], 7, size=size, min_size=size, style="B")
    if given:
        pdf.text_line(",", x + boxes[0], y, boxes[1], 7, size=size, min_size=size)
        pdf.text_line(given, x + boxes[0] + boxes[1], y, boxes[2], 7, size=size, min_size=size)


@dataclass(frozen=True)
class _Columns:
    """Where the list's columns sit across the page: the name, then one per round."""

    right: float
    inner: float
    rounds: int
    round_w: float
    name_w: float

    def round_x(self, round_index: int) -> float:
        return MARGIN + self.name_w + 2 + round_index * self.round_w


def draw_entrance_list(plan: Plan, paper: str, language: Language) -> KitPDF | None:
    """The entrance list of everyone seated in some round, or None when nobody is."""
    width, height = paper_size(paper)
    seating = plan.seating()
    seated = [p for p in plan.participants if any(seating[p.id])]
    if not seated:
        return None
    _ = language.gettext
    title = clean(plan.settings.title)
    pdf = plan_document(plan, width, height, language, _("{title}: entrance list"))
    filed = family_order(seated)
    room = height - 2 * MARGIN - HEADER_H - COLUMNS_H
    pages = _layout(filed, room)
    tabbed = len(pages) > 1
    tabs = [*LETTERS, *([OTHER] if any(_tab(n.initial) == OTHER for _, n in filed) else [])]
    right = width - MARGIN - (TAB_W if tabbed else 0.0)
    inner = right - MARGIN
    rounds = len(plan.rounds)
    round_w = min(24.0, inner * 0.5 / rounds)
    columns = _Columns(right, inner, rounds, round_w, inner - rounds * round_w - 2)
    for number, lines in enumerate(pages, start=1):
        pdf.add_page()
        counter = _("page {number} of {total}").format(number=number, total=len(pages))
        _page_header(pdf, title, counter if tabbed else None, columns)
        y = _column_headings(pdf, MARGIN + HEADER_H, columns)
        row = 0
        for tab, person, name in lines:
            if person is None or name is None:
                pdf.text_line(tab, MARGIN, y, inner, BAND_H, size=16, style="B")
                pdf.rule(MARGIN, y + BAND_H - 0.5, right, y + BAND_H - 0.5, width=0.3)
                y += BAND_H
                row = 0
                continue
            if row % 2 == 1:
                pdf.box(MARGIN, y, inner, ROW_H, fill=LIGHT, border=None)
            _person_row(pdf, person, name, seating[person.id], y, columns)
            y += ROW_H
            row += 1
        for r in range(1, rounds):
            x = columns.round_x(r)
            pdf.rule(x, MARGIN + HEADER_H, x, y, width=0.2, color=GREY)
        if tabbed:
            on_page = {tab for tab, person, _ in lines if person is None}
            on_page |= {_tab(n.initial) for _, _, n in lines if n is not None}
            _draw_tabs(pdf, on_page, tabs, MARGIN, height - MARGIN)
    return pdf


def _page_header(pdf: KitPDF, title: str, counter: str | None, columns: _Columns) -> None:
    """The event's title, "page 2 of 5" when the list runs over pages, and "Entrance list"."""
    inner = columns.inner
    y = MARGIN
    pdf.text_line(title, MARGIN, y, inner * 0.75, 7, size=12, min_size=8, color=GREY)
    if counter is not None:
        pdf.text_line(
            counter, MARGIN + inner * 0.75, y, inner * 0.25, 7, size=12, align="R", color=GREY
        )
    pdf.text_line(
        pdf.language.gettext("Entrance list"), MARGIN, y + 7, inner, 14, size=28, min_size=16,
        style="B",
    )  # fmt: skip


def _column_headings(pdf: KitPDF, y: float, columns: _Columns) -> float:
    """ "Name" and the rounds over their columns, ruled below; returns where the rows start.

    "Round 3" over each column while it fits at a readable size, else one "Round" over the
    numbers."""
    _ = pdf.language.gettext
    rounds, round_w = columns.rounds, columns.round_w
    pdf.text_line(_("Name"), MARGIN, y, columns.name_w, COLUMNS_H, size=11, style="B", color=GREY)
    wide = pdf.width_of(_("Round {round}").format(round=rounds), 11, "B") <= round_w - 1
    if not wide:
        pdf.text_line(
            _("Round"), columns.round_x(0), y - 4, rounds * round_w, 4, size=9, style="B",
            align="C", color=GREY,
        )  # fmt: skip
    for r in range(rounds):
        pdf.text_line(
            _("Round {round}").format(round=r + 1) if wide else str(r + 1), columns.round_x(r),
            y, round_w, COLUMNS_H, size=11, min_size=6, style="B", align="C", color=GREY,
        )  # fmt: skip
    pdf.rule(MARGIN, y + COLUMNS_H, columns.right, y + COLUMNS_H, width=0.5)
    return y + COLUMNS_H


def _person_row(
    pdf: KitPDF,
    person: Participant,
    name: FiledName,
    tables: Sequence[str | None],
    y: float,
    columns: _Columns,
) -> None:
    """A person's name over their organisation, then their table in each round."""
    _draw_name(pdf, name, MARGIN + 1, y + 0.5, columns.name_w - 1)
    pdf.text_line(
        person.organisation, MARGIN + 1, y + 7, columns.name_w - 1, 5, size=ORGANISATION_PT,
        min_size=6, color=GREY,
    )  # fmt: skip
    for r, table in enumerate(tables):
        pdf.text_line(
            clean(table) if table is not None else "–", columns.round_x(r), y, columns.round_w,
            ROW_H, size=TABLE_PT, min_size=7, style="B", align="C",
            color=BLACK if table is not None else GREY,
        )  # fmt: skip
