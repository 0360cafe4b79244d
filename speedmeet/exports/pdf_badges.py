"""badges.pdf: a badge per participant, at actual size on pouch inserts, card sheets or label sheets.

Each badge shows the name as large as it fits, the organisation, and a grid round -> table so that
people know where to go without asking; optionally a QR code. Layouts match common stock:

- `a6-4up`: four A6 (105 x 148.5 mm) on A4, for badge pouches; with US Letter paper, four
  quarter-letter inserts (4.25 x 5.5 in).
- `card-10up`: ten 85 x 54 mm business cards on A4 (2 x 5, 15 mm side and 13.5 mm top margins,
  10 mm between the columns); with US Letter paper, ten 3.5 x 2 in cards (0.75 in side margins).
- `letter-8up`: eight 3 3/8 x 2 1/3 in name-badge labels on US Letter (2 x 4, Avery 5395 style).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import segno

from speedmeet.errors import SettingsError
from speedmeet.exports.pdf_common import BLACK, GREY, LIGHT, POINT, RULE, KitPDF, clean, paper_size
from speedmeet.exports.pdf_plan import plan_document, start_times
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan

INCH = 25.4


@dataclass(frozen=True)
class BadgeLayout:
    """Where badges sit on a sheet, in millimetres from the top-left corner of the page."""

    name: str
    page: tuple[float, float]
    badge: tuple[float, float]
    columns: int
    rows: int
    left: float
    top: float
    pitch: tuple[float, float]

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, spot: int) -> tuple[float, float]:
        row, column = divmod(spot, self.columns)
        return self.left + column * self.pitch[0], self.top + row * self.pitch[1]


BADGE_LAYOUTS = ("a6-4up", "card-10up", "letter-8up")


def badge_layout(name: str, paper: str) -> BadgeLayout:
    """The sheet for a layout name; `paper` picks the A4 or US Letter variant where there is one."""
    page = paper_size(paper)
    letter = page == paper_size("Letter")
    key = str(name).casefold()
    if key == "a6-4up":
        badge = (4.25 * INCH, 5.5 * INCH) if letter else (105.0, 148.5)
        return BadgeLayout(
            key,
            page,
            badge,
            2,
            2,
            (page[0] - 2 * badge[0]) / 2,
            (page[1] - 2 * badge[1]) / 2,
            badge,
        )
    if key == "card-10up":
        if letter:
            return BadgeLayout(
                key,
                page,
                (3.5 * INCH, 2 * INCH),
                2,
                5,
                0.75 * INCH,
                0.5 * INCH,
                (3.5 * INCH, 2 * INCH),
            )
        return BadgeLayout(key, page, (85.0, 54.0), 2, 5, 15.0, 13.5, (95.0, 54.0))
    if key == "letter-8up":
        return BadgeLayout(
            key,
            paper_size("Letter"),
            (3.375 * INCH, 7 / 3 * INCH),
            2,
            4,
            0.6875 * INCH,
            (11 - 3 * 2.5 - 7 / 3) / 2 * INCH,
            (3.75 * INCH, 2.5 * INCH),
        )
    raise SettingsError(f"unknown badge layout {name!r}: choose one of {', '.join(BADGE_LAYOUTS)}")


def qr_content(person: Participant) -> str:
    """What the QR code holds: the participant id only.

    Contact details would need the participant's consent, which registrations do not record yet.
    """
    return person.id


def draw_qr(pdf: KitPDF, content: str, x: float, y: float, size: float) -> None:
    """A regular QR code (never a Micro QR) with its four-module quiet zone inside `size`.

    Dark modules are merged into horizontal runs and written as one filled path: a thousand
    badges would otherwise cost over a hundred thousand separate rectangles.
    """
    code = segno.make_qr(content, error="m")
    matrix = code.matrix
    modules = len(matrix)
    module = size / (modules + 8)
    scale = pdf.k
    left = (x + 4 * module) * scale
    page_top = pdf.h * scale
    step = module * scale
    runs: list[str] = []
    for row_index, row in enumerate(matrix):
        column = 0
        while column < modules:
            if row[column]:
                start = column
                while column < modules and row[column]:
                    column += 1
                top = page_top - (y + 4 * module) * scale - row_index * step
                runs.append(
                    f"{left + start * step:.3f} {top:.3f} {(column - start) * step:.3f} {-step * 1.01:.3f} re"
                )
            else:
                column += 1
    pdf.set_fill_color(*BLACK)
    pdf._out(" ".join(runs) + " f")  # one path for the whole code


@dataclass(frozen=True)
class _Style:
    """Type sizes and spaces of a badge, from its size: a pouch insert or a card."""

    padding: float
    title_pt: float
    title_h: float
    name_pt: float
    name_min_pt: float
    name_h: float
    name_lines: int
    organisation_pt: float
    organisation_h: float
    round_pt: float
    round_h: float
    time_h: float
    table_pt: float
    table_h: float
    min_column: float
    max_bands: int
    qr: float


def _style(width: float, height: float) -> _Style:
    if height > width:  # pouch insert, portrait
        return _Style(
            padding=8,
            title_pt=12,
            title_h=9,
            name_pt=42,
            name_min_pt=14,
            name_h=44,
            name_lines=4,
            organisation_pt=16,
            organisation_h=17,
            round_pt=10,
            round_h=7,
            time_h=5,
            table_pt=26,
            table_h=14,
            min_column=11,
            max_bands=4,
            qr=28,
        )
    return _Style(
        padding=4.2,
        title_pt=7.5,
        title_h=4,
        name_pt=24,
        name_min_pt=8,
        name_h=15,
        name_lines=3,
        organisation_pt=9.5,
        organisation_h=5,
        round_pt=6.5,
        round_h=3.8,
        time_h=0,
        table_pt=13,
        table_h=6.2,
        min_column=7.5,
        max_bands=2,
        qr=min(17.0, height * 0.33),
    )


@dataclass(frozen=True)
class _GridShape:
    """How a badge's round -> table grid is cut: label column, rounds per band, bands."""

    label_w: float
    columns: int
    bands: int
    timed: bool
    band_h: float
    column_w: float


def _grid_shape(
    pdf: KitPDF,
    style: _Style,
    width: float,
    tables: Sequence[str | None],
    slots: Sequence[str | None],
) -> _GridShape:
    """As many rounds to a band as fit; named tables ("Salle du Conseil") need wider columns,
    hence more bands, within a limit."""
    label_w = min(14.0, width * 0.18)
    widest = max(
        (pdf.width_of(clean(t), style.table_pt * 0.6, "B") for t in tables if t), default=0.0
    )
    column_need = max(style.min_column, widest + 1.5)
    columns = max(1, min(len(tables), int((width - label_w) // column_need)))
    columns = max(columns, math.ceil(len(tables) / style.max_bands))
    bands = max(1, math.ceil(len(tables) / columns))
    timed = style.time_h > 0 and any(slots)
    band_h = style.round_h + (style.time_h if timed else 0) + style.table_h
    column_w = (width - label_w) / columns
    return _GridShape(label_w, columns, bands, timed, band_h, column_w)


def _grid(
    pdf: KitPDF,
    style: _Style,
    x: float,
    bottom: float,
    width: float,
    tables: Sequence[str | None],
    slots: Sequence[str | None],
) -> float:
    """The round -> table grid ending at `bottom`, in as many bands as its width needs; returns its top.

    `slots` are the rounds' start times."""
    shape = _grid_shape(pdf, style, width, tables, slots)
    columns, band_h = shape.columns, shape.band_h
    top = bottom - shape.bands * band_h - (shape.bands - 1) * 1.5
    for band in range(shape.bands):
        y = top + band * (band_h + 1.5)
        _band_labels(pdf, style, shape, x, y, width)
        for offset, round_index in enumerate(
            range(band * columns, min(len(tables), (band + 1) * columns))
        ):
            column_x = x + shape.label_w + offset * shape.column_w
            _round_column(
                pdf, style, shape, column_x, y, round_index, tables[round_index], slots[round_index]
            )
            if offset:
                pdf.rule(column_x, y, column_x, y + band_h, width=0.2, color=RULE)
        pdf.box(x, y, width, band_h, border=RULE, line_width=0.3)
    return top


def _band_labels(
    pdf: KitPDF, style: _Style, shape: _GridShape, x: float, y: float, width: float
) -> None:
    """The band's shaded heading row and its labels on the left: Round, Time, Table."""
    _ = pdf.language.gettext
    timed = shape.timed
    label_w = shape.label_w
    pdf.box(x, y, width, style.round_h + (style.time_h if timed else 0), fill=LIGHT, border=None)
    pdf.text_line(
        _("Round"), x + 0.8, y, label_w - 0.8, style.round_h, size=style.round_pt, min_size=4,
        color=GREY,
    )  # fmt: skip
    if timed:
        pdf.text_line(
            _("Time"), x + 0.8, y + style.round_h, label_w - 0.8, style.time_h,
            size=style.round_pt * 0.85, min_size=4, color=GREY,
        )  # fmt: skip
    table_y = y + style.round_h + (style.time_h if timed else 0)
    pdf.text_line(
        _("Table"), x + 0.8, table_y, label_w - 0.8, style.table_h, size=style.round_pt,
        min_size=4, color=GREY,
    )  # fmt: skip


def _round_column(
    pdf: KitPDF,
    style: _Style,
    shape: _GridShape,
    column_x: float,
    y: float,
    round_index: int,
    table: str | None,
    slot: str | None,
) -> None:
    """One round of the grid: its number, its start time, and the table in large bold type."""
    column_w = shape.column_w
    pdf.text_line(
        str(round_index + 1), column_x, y, column_w, style.round_h, size=style.round_pt,
        min_size=4, style="B", align="C", color=GREY,
    )  # fmt: skip
    if shape.timed:
        pdf.text_line(
            slot or "", column_x, y + style.round_h, column_w, style.time_h,
            size=style.round_pt * 0.85, min_size=4, align="C", color=GREY,
        )  # fmt: skip
    table_y = y + style.round_h + (style.time_h if shape.timed else 0)
    pdf.text_line(
        clean(table) if table is not None else "–", column_x + 0.4, table_y, column_w - 0.8,
        style.table_h, size=style.table_pt, min_size=5, style="B", align="C",
    )  # fmt: skip


def _badge(
    pdf: KitPDF,
    style: _Style,
    person: Participant,
    tables: Sequence[str | None],
    slots: Sequence[str | None],
    title: str,
    qr: bool,
    x: float,
    y: float,
    width: float,
    height: float,
) -> None:
    """One badge: the event's title on top, the grid (and QR code) at the bottom, and the name
    and organisation as large as they fit in between."""
    inner_x, inner_w = x + style.padding, width - 2 * style.padding
    top = y + style.padding
    bottom = y + height - style.padding
    pdf.text_line(
        title, inner_x, top, inner_w, style.title_h, size=style.title_pt, min_size=4.5,
        align="C", color=GREY,
    )  # fmt: skip
    top += style.title_h
    grid_w = inner_w - (style.qr + 1.5 if qr else 0)
    grid_top = _grid(pdf, style, inner_x, bottom, grid_w, tables, slots)
    if qr:
        draw_qr(pdf, qr_content(person), inner_x + inner_w - style.qr, bottom - style.qr, style.qr)
        grid_top = min(grid_top, bottom - style.qr)
    _name_and_organisation(pdf, style, person, inner_x, inner_w, top, grid_top - 1.5 - top)


def _name_and_organisation(
    pdf: KitPDF,
    style: _Style,
    person: Participant,
    x: float,
    width: float,
    top: float,
    room: float,
) -> None:
    """The name in bold and the organisation under it, centred in the `room` left between the
    title and the grid; the organisation wraps when there is height for two lines."""
    name_h = min(style.name_h, room - style.organisation_h)
    organisation_h = min(style.organisation_h, room - name_h)
    free = room - name_h - organisation_h
    top += free / 2
    pdf.name_block(
        person.name, x, top, width, name_h, size=style.name_pt, min_size=style.name_min_pt,
        max_lines=style.name_lines,
    )  # fmt: skip
    top += name_h
    if organisation_h >= 2 * style.organisation_pt * 1.2 * POINT * 0.75:
        pdf.paragraph(
            person.organisation, x, top, width, organisation_h, size=style.organisation_pt,
            min_size=style.organisation_pt * 0.6, align="C", color=GREY,
        )  # fmt: skip
    else:
        pdf.text_line(
            person.organisation, x, top, width, organisation_h, size=style.organisation_pt,
            min_size=4.5, align="C", color=GREY,
        )  # fmt: skip


def _cut_marks(pdf: KitPDF, layout: BadgeLayout) -> None:
    """Marks where to cut: ticks in the page margins and gaps, dashed guides between touching badges."""
    width, height = layout.badge
    xs = sorted(
        {
            round(layout.left + c * layout.pitch[0] + edge, 3)
            for c in range(layout.columns)
            for edge in (0.0, width)
        }
    )
    ys = sorted(
        {
            round(layout.top + r * layout.pitch[1] + edge, 3)
            for r in range(layout.rows)
            for edge in (0.0, height)
        }
    )
    first_y, last_y = ys[0], ys[-1]
    first_x, last_x = xs[0], xs[-1]
    for cut in xs:
        if first_y >= 3:
            pdf.rule(cut, max(0.5, first_y - 7), cut, first_y - 1.5, width=0.2)
            pdf.rule(cut, last_y + 1.5, cut, min(pdf.h - 0.5, last_y + 7), width=0.2)
        else:
            pdf.rule(cut, 4, cut, 10, width=0.2)
            pdf.rule(cut, pdf.h - 10, cut, pdf.h - 4, width=0.2)
    for cut in ys:
        if first_x >= 3:
            pdf.rule(max(0.5, first_x - 7), cut, first_x - 1.5, cut, width=0.2)
            pdf.rule(last_x + 1.5, cut, min(pdf.w - 0.5, last_x + 7), cut, width=0.2)
        else:
            pdf.rule(4, cut, 10, cut, width=0.2)
            pdf.rule(pdf.w - 10, cut, pdf.w - 4, cut, width=0.2)
    gap_x = layout.pitch[0] - width
    gap_y = layout.pitch[1] - height
    if layout.columns > 1 and gap_x < 1:
        for column in range(1, layout.columns):
            cut = layout.left + column * layout.pitch[0]
            pdf.dashed(cut, first_y, cut, last_y)
    elif layout.columns > 1:
        for column in range(1, layout.columns):
            gap_start = layout.left + column * layout.pitch[0] - gap_x
            for cut in ys:
                pdf.rule(gap_start + 1.5, cut, gap_start + gap_x - 1.5, cut, width=0.2)
    if layout.rows > 1 and gap_y < 1:
        for row in range(1, layout.rows):
            cut = layout.top + row * layout.pitch[1]
            for column in range(layout.columns):
                left = layout.left + column * layout.pitch[0]
                pdf.dashed(left, cut, left + width, cut)


def draw_badges(
    plan: Plan,
    participants: Sequence[Participant],
    *,
    layout_name: str,
    paper: str,
    qr: bool,
    skip: int,
    language: Language,
) -> KitPDF | None:
    """Badges for `participants` in order, starting `skip` places into the first sheet."""
    layout = badge_layout(layout_name, paper)
    if skip < 0 or skip >= layout.per_sheet:
        raise SettingsError(
            f"--skip {skip}: a {layout.name} sheet has {layout.per_sheet} places, so skip 0 to {layout.per_sheet - 1}"
        )
    if not participants:
        return None
    _ = language.gettext
    title = clean(plan.settings.title)
    pdf = plan_document(plan, layout.page[0], layout.page[1], language, _("{title}: badges"))
    seating = plan.seating()
    slots = start_times(plan, language)
    style = _style(*layout.badge)
    for index, person in enumerate(participants):
        spot = (skip + index) % layout.per_sheet
        if index == 0 or spot == 0:
            pdf.add_page()
            _cut_marks(pdf, layout)
        x, y = layout.position(spot)
        _badge(pdf, style, person, seating[person.id], slots, title, qr, x, y, *layout.badge)
    return pdf
