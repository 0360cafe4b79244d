"""What every printed page shares: paper sizes, colours, and text that fits its box.

Organisers print on office printers with names from every script, so text is drawn through one
`KitPDF`, which loads the fonts the document's texts need (see `pdf_fonts.py`), shapes only
strings that need it (shaping is slow, and most names do not need it), and never lets a name run
out of its box: it shrinks the type down to a floor and, past that, narrows the letters. Its words
come from the output language. What the documents read from a plan is in `pdf_plan.py`.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

from speedmeet.errors import SettingsError
from speedmeet.exports.pdf_fonts import FAMILY, REPLACEMENT, load_fonts
from speedmeet.i18n import Language
from speedmeet.i18n import language as output_language

PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "Letter": (215.9, 279.4)}
POINT = 25.4 / 72  # millimetres per typographic point
BLACK = (0, 0, 0)
GREY = (90, 90, 90)
LIGHT = (225, 225, 225)
RULE = (150, 150, 150)
LEADING = 1.12  # line spacing of names set on several lines, in type sizes


def paper_size(paper: str) -> tuple[float, float]:
    """Portrait width and height in millimetres of a paper name, in any letter case."""
    for name, size in PAPER_SIZES.items():
        if name.casefold() == str(paper).casefold():
            return size
    raise SettingsError(f"unknown paper {paper!r}: choose one of {', '.join(PAPER_SIZES)}")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """Text as it should print: composed accents, no control characters, single spaces."""
    if not text:
        return ""
    composed = unicodedata.normalize("NFC", str(text))
    return _SPACES.sub(" ", _CONTROL.sub(" ", composed)).strip()


_SHAPED_RANGES = (
    (0x0590, 0x08FF),  # Hebrew, Arabic, Syriac, Thaana, N'Ko...: joined and right to left
    (0x0900, 0x0DFF),  # Indic scripts: conjuncts and reordered vowels
    (0x0E00, 0x0FFF),  # Thai, Lao, Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x18AF),  # Khmer, Mongolian
    (0x200C, 0x200F),  # joiners and direction marks
    (0xFB1D, 0xFDFF),  # Hebrew and Arabic presentation forms
    (0xFE70, 0xFEFF),
)


@lru_cache(maxsize=65536)
def needs_shaping(text: str) -> bool:
    """Whether plain glyph-by-glyph output would be wrong: right-to-left, joined or combining text.

    Shaping every string costs about a third of a millisecond each, which adds up over a thousand
    badges, while Latin, Greek and Cyrillic names (after NFC) print right without it.
    """
    for char in text:
        code = ord(char)
        if code < 0x0300:
            continue
        if unicodedata.combining(char) or any(low <= code <= high for low, high in _SHAPED_RANGES):
            return True
    return False


@dataclass(frozen=True)
class Fitted:
    """How a line of text was set: the type size used and any horizontal narrowing (percent)."""

    size: float
    stretch: float = 100.0


class KitPDF(FPDF):
    """An FPDF in millimetres with the shipped fonts, no automatic page breaks and no text markup.

    Markup stays off (names like `<b>` or `**x**` print as typed) and the `{nb}` page-count
    alias is disabled so that no participant's text is ever rewritten.
    """

    def __init__(
        self,
        width: float,
        height: float,
        title: str,
        texts: Iterable[str] = (),
        *,
        language: Language | None = None,
        font: str | None = None,
        probe: bool = False,
    ) -> None:
        """`texts` are the strings the document will hold: fallback fonts are loaded only for
        characters among them that the main font lacks (loading a font costs tens of ms); then
        `font` (a file the organiser named) and the fonts of this computer for what is left.
        A `probe` only learns which characters no font has: it reads the named and system fonts'
        character maps instead of loading them (a CJK font takes seconds to load)."""
        super().__init__(orientation="P", unit="mm", format=(width, height))
        self.language = language or output_language(None)
        self._set_up(title)
        everything = (title, *texts, *self.language.translations())
        needed = {ord(char) for text in everything for char in clean(text) if not char.isspace()}
        fonts = load_fonts(self, needed, font, probe=probe)
        self._main_chars = fonts.main_chars
        if fonts.fallbacks:
            self.set_fallback_fonts(fonts.fallbacks, exact_match=False)
        self.unprintable = fonts.missing
        """Characters of `texts` that no font found has: printed as REPLACEMENT, never dropped."""
        self._replace = dict.fromkeys(fonts.missing, REPLACEMENT)
        self.set_font(FAMILY, "", 10)
        self._shaping = False
        # Width at 1 pt of each (text, style) measured so far: names recur on many pages.
        self._widths: dict[tuple[str, str], float] = {}
        self._plain: dict[str, bool] = {}

    def _set_up(self, title: str) -> None:
        """Millimetres from the page's edge, no automatic breaks, no rewriting, a fixed date."""
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.c_margin = 0
        self.alias_nb_pages(None)  # type: ignore[arg-type]
        self.set_creator("speedmeet")
        self.set_title(title)
        self.set_creation_date(datetime.combine(date(2000, 1, 1), datetime.min.time()))
        # Badges and label sheets must come out at actual size: ask viewers not to scale.
        self.viewer_preferences = ViewerPreferences(print_scaling="None")

    def printable(self, text: str | None) -> str:
        """`clean` text with the characters no shipped font has replaced by a visible mark."""
        cleaned = clean(text)
        return cleaned.translate(self._replace) if self._replace else cleaned

    def _is_plain(self, text: str) -> bool:
        """Whether the main font alone prints `text` glyph by glyph (no shaping, no fallback)."""
        plain = self._plain.get(text)
        if plain is None:
            plain = not needs_shaping(text) and all(ord(char) in self._main_chars for char in text)
            self._plain[text] = plain
        return plain

    def _shape_for(self, text: str) -> None:
        wanted = needs_shaping(text)
        if wanted != self._shaping:
            self.set_text_shaping(wanted)
            self._shaping = wanted

    def width_of(self, text: str, size: float, style: str = "") -> float:
        """Printed width in millimetres of `text` at `size` points (shaped when it needs it)."""
        unit = self._widths.get((text, style))
        if unit is None:
            self._shape_for(text)
            self.set_font(FAMILY, style, 100.0)
            unit = float(self.get_string_width(text)) / 100.0
            self._widths[(text, style)] = unit
        return unit * size

    def fit(self, text: str, width: float, size: float, min_size: float, style: str = "") -> Fitted:
        """The largest size up to `size` at which `text` fits `width`, narrowed below `min_size`."""
        natural = self.width_of(text, size, style)
        if natural <= width or natural == 0:
            return Fitted(size)
        shrunk = size * width / natural * 0.995
        if shrunk >= min_size:
            return Fitted(shrunk)
        at_floor = natural * min_size / size
        return Fitted(min_size, max(1.0, 100.0 * width / at_floor * 0.995))

    def text_line(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        size: float,
        min_size: float | None = None,
        style: str = "",
        align: str = "L",
        color: tuple[int, int, int] = BLACK,
    ) -> Fitted:
        """Draw one line of text in a box, vertically centred, shrunk to fit its width."""
        text = self.printable(text)
        fitted = self.fit(
            text, width, size, min_size if min_size is not None else size * 0.5, style
        )
        if not text:
            return fitted
        self.set_font(FAMILY, style, fitted.size)
        self.set_text_color(*color)
        self.set_stretching(fitted.stretch)
        if self._is_plain(text):
            # The fast path (ten times quicker than a cell): the baseline where `cell` puts it.
            printed = self.width_of(text, fitted.size, style) * fitted.stretch / 100.0
            offset = {"L": 0.0, "C": (width - printed) / 2, "R": width - printed}[align]
            self.text(x + offset, y + 0.5 * height + 0.3 * fitted.size * POINT, text)
        else:
            self._shape_for(text)
            self.set_xy(x, y)
            self.cell(width, height, text, align=align)
        if fitted.stretch != 100.0:
            self.set_stretching(100.0)
        return fitted

    def wrap(self, text: str, width: float, size: float, style: str = "") -> list[str]:
        """Greedy word wrap at `size`; a single word wider than the line stays whole (it shrinks)."""
        words = self.printable(text).split(" ")
        lines: list[str] = []
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if current and self.width_of(candidate, size, style) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        return lines

    def wrapped_size(
        self, text: str, width: float, height: float, size: float, min_size: float, style: str = ""
    ) -> tuple[float, list[str]]:
        """The largest size (stepping down) at which `text` wraps into lines filling `height`.

        Lines are 1.2 times the type size apart. At the floor, the text is cut to the lines that
        fit and each line is shrunk on its own, so nothing ever leaves its box.
        """
        current = size
        while True:
            lines = self.wrap(text, width, current, style)
            if len(lines) * current * 1.2 * POINT <= height or current <= min_size:
                break
            current = max(min_size, current * 0.9)
        room = max(1, int(height // (current * 1.2 * POINT)))
        if len(lines) > room:
            lines = [*lines[: room - 1], " ".join(lines[room - 1 :])]
        return current, lines

    def paragraph(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        size: float,
        min_size: float,
        style: str = "",
        align: str = "L",
        color: tuple[int, int, int] = BLACK,
    ) -> float:
        """Draw wrapped text from the top of its box; returns the height used."""
        current, lines = self.wrapped_size(text, width, height, size, min_size, style)
        step = current * 1.2 * POINT
        for index, text_line in enumerate(lines):
            self.text_line(
                text_line,
                x,
                y + index * step,
                width,
                step,
                size=current,
                min_size=current * 0.6,
                style=style,
                align=align,
                color=color,
            )
        return step * len(lines)

    def name_block(
        self,
        text: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        size: float,
        min_size: float,
        style: str = "B",
        align: str = "C",
        max_lines: int = 3,
    ) -> Fitted:
        """A name as large as its box allows, on one line or, when that makes it clearly larger,
        on up to `max_lines` lines broken at spaces so that the longest line is as short as possible."""
        text = self.printable(text)
        words = text.split(" ")
        space = self.width_of(" ", 10.0, style)
        widths = [self.width_of(word, 10.0, style) for word in words]
        best_size, best_lines = -1.0, [text]
        for count in range(1, min(max_lines, len(words)) + 1):
            cap = min(size, height / (count * LEADING * POINT))
            if count > 1 and (cap < min_size or math.comb(len(words) - 1, count - 1) > 5000):
                break
            widest, lines = _balanced_lines(words, widths, space, count)
            candidate = min(cap, 10.0 * width / widest * 0.99) if widest > 0 else cap
            if candidate > best_size * 1.08:
                best_size, best_lines = candidate, lines
        if len(best_lines) == 1:
            return self.text_line(
                text,
                x,
                y,
                width,
                height,
                size=best_size,
                min_size=min_size,
                style=style,
                align=align,
            )
        chosen = max(best_size, min_size)
        step = chosen * LEADING * POINT
        top = y + (height - len(best_lines) * step) / 2
        for index, part in enumerate(best_lines):
            self.text_line(
                part,
                x,
                top + index * step,
                width,
                step,
                size=chosen,
                min_size=min_size,
                style=style,
                align=align,
            )
        return Fitted(chosen)

    def dashed(
        self, x1: float, y1: float, x2: float, y2: float, color: tuple[int, int, int] = RULE
    ) -> None:
        """A cut or fold line."""
        self.set_draw_color(*color)
        self.set_line_width(0.25)
        self.set_dash_pattern(dash=2.5, gap=1.5)
        self.line(x1, y1, x2, y2)
        self.set_dash_pattern()

    def rule(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        width: float = 0.25,
        color: tuple[int, int, int] = BLACK,
    ) -> None:
        self.set_draw_color(*color)
        self.set_line_width(width)
        self.line(x1, y1, x2, y2)

    def box(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        fill: tuple[int, int, int] | None = None,
        border: tuple[int, int, int] | None = RULE,
        line_width: float = 0.3,
    ) -> None:
        style = ("F" if fill else "") + ("D" if border else "")
        if not style:
            return
        if fill:
            self.set_fill_color(*fill)
        if border:
            self.set_draw_color(*border)
            self.set_line_width(line_width)
        self.rect(x, y, width, height, style=style)


def _balanced_lines(
    words: Sequence[str], widths: Sequence[float], space: float, count: int
) -> tuple[float, list[str]]:
    """Break words into `count` lines so that the widest line is as narrow as possible."""
    best_widest = math.inf
    best_cuts: tuple[int, ...] = (0,)
    for cuts in itertools.combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        widest = max(
            sum(widths[bounds[i] : bounds[i + 1]]) + space * (bounds[i + 1] - bounds[i] - 1)
            for i in range(count)
        )
        if widest < best_widest:
            best_widest, best_cuts = widest, (0, *cuts)
    bounds = (*best_cuts, len(words))
    return best_widest, [" ".join(words[bounds[i] : bounds[i + 1]]) for i in range(count)]
