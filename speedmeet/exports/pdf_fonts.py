"""The fonts a printed document loads: the shipped Noto families, tried in order for characters
the main one lacks, then a font the organiser names (--font), then fonts of this computer (see
`fonts.py`). Each is loaded only when the document's texts need it: loading a font costs tens of
milliseconds, a CJK font seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from speedmeet.errors import SettingsError
from speedmeet.exports.fonts import FontFace, SystemFont, face_coverage, system_font_for

FONT_FOLDER = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "NotoSans"
# Noto Sans covers Latin (with Vietnamese), Greek and Cyrillic. The others are tried in this order
# for characters it lacks, loaded only when a document needs them; each has its bold, so that a
# name set in bold stays bold in every script.
FONT_FILES: dict[str, dict[str, str]] = {
    family: {"": f"{family}-Regular.ttf", "B": f"{family}-Bold.ttf"}
    for family in (
        FAMILY,
        "NotoSansArabic",
        "NotoSansHebrew",
        "NotoSansEthiopic",
        "NotoSansArmenian",
        "NotoSansGeorgian",
        "NotoSansDevanagari",
        "NotoSansBengali",
        "NotoSansTamil",
        "NotoSansThai",
    )
}
REPLACEMENT = "\ufffd"  # printed for characters no font has, shipped, named or on the system
MAX_SYSTEM_FONTS = 4  # fonts of this computer added to one document, at most

# Characters each font family covers, learnt when it is first loaded in this process.
_COVERAGE: dict[str, frozenset[int]] = {}


@dataclass(frozen=True)
class DocumentFonts:
    """What a document loaded: the characters its main font has in every style, the fallback
    families in the order they are tried, and the characters no font has."""

    main_chars: frozenset[int]
    fallbacks: list[str]
    missing: frozenset[int]


def load_fonts(pdf: FPDF, needed: set[int], font: str | None, *, probe: bool) -> DocumentFonts:
    """Load the main family, then fallbacks for the `needed` characters it lacks.

    A `probe` only learns which characters no font has: it reads the named and system fonts'
    character maps instead of loading them. A plan folder carried to another computer may name
    a font that is not there: the fonts of this computer stand in, and the warning names anyone
    left without one.
    """
    _add_family(pdf, FAMILY)
    main_fonts = [pdf.fonts[FAMILY.lower() + style] for style in FONT_FILES[FAMILY]]
    main_chars: frozenset[int] = frozenset.intersection(
        *(frozenset(font.cmap) for font in main_fonts)  # type: ignore[union-attr]
    )
    missing = set(needed)
    missing -= frozenset.union(*(frozenset(font.cmap) for font in main_fonts))  # type: ignore[union-attr]
    fallbacks: list[str] = []
    for family in FONT_FILES:
        if family == FAMILY or not missing:
            continue
        known = _COVERAGE.get(family)
        if known is not None and not known & missing:
            continue
        covered = _add_family(pdf, family)
        missing -= covered
        fallbacks.append(family)
    if missing and font and Path(font).is_file():
        missing -= _add_face(pdf, "userfont", FontFace(font), None, probe=probe, named=font)
        if not probe:
            fallbacks.append("userfont")
    missing = _add_system_fonts(pdf, missing, fallbacks, probe=probe)
    return DocumentFonts(main_chars, fallbacks, frozenset(missing))


def _add_face(
    pdf: FPDF,
    family: str,
    regular: FontFace,
    bold: FontFace | None,
    *,
    probe: bool,
    named: str | None = None,
) -> frozenset[int]:
    """Load a font file's regular (and bold) face as a fallback family; returns its characters.

    `named` is the file as the organiser gave it with --font: a file that cannot be read as a
    font is their mistake, told as such; a system font that fails is skipped.
    """
    if probe:
        covered = face_coverage(regular)
        if not covered and named is not None:
            raise SettingsError(f"--font {named}: this file cannot be read as a font")
        return covered
    try:
        pdf.add_font(family, "", regular.path, collection_font_number=regular.index)
        if bold is not None:
            pdf.add_font(family, "B", bold.path, collection_font_number=bold.index)
    except Exception as error:  # fontTools raises many kinds for a file that is not a font
        if named is not None:
            raise SettingsError(
                f"--font {named}: this file cannot be read as a font ({error})"
            ) from None
        return frozenset()
    return frozenset(pdf.fonts[family].cmap)  # type: ignore[union-attr]


def _add_system_fonts(
    pdf: FPDF, missing: set[int], fallbacks: list[str], *, probe: bool
) -> set[int]:
    """Add fonts of this computer until every character has one; returns those still missing."""
    loaded: set[SystemFont] = set()
    unreachable: set[int] = set()
    while missing - unreachable and len(loaded) < MAX_SYSTEM_FONTS:
        character = min(missing - unreachable)
        found = system_font_for(character)
        if found is None or found in loaded:
            unreachable.add(character)
            continue
        loaded.add(found)
        family = f"systemfont{len(loaded)}"
        covered = _add_face(pdf, family, found.regular, found.bold, probe=probe)
        if covered and not probe:
            fallbacks.append(family)
        if character not in covered:
            unreachable.add(character)
        missing -= covered
    return missing


def _add_family(pdf: FPDF, family: str) -> frozenset[int]:
    """Load a shipped font family; returns (and remembers) the characters it covers."""
    for style, filename in FONT_FILES[family].items():
        pdf.add_font(family, style, str(FONT_FOLDER / filename))
    covered = frozenset(pdf.fonts[family.lower()].cmap)  # type: ignore[union-attr]
    _COVERAGE[family] = covered
    return covered
