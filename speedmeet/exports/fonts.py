"""Fonts on this computer for characters the shipped fonts lack (Chinese, Japanese, Korean...).

The package ships Noto fonts for the scripts most registrations hold, but a CJK font weighs tens
of megabytes, so those come from the system: fontconfig (`fc-list`) is asked for a font with the
character, else the usual places of the Noto CJK fonts are tried. Nothing is downloaded.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x9FFF),  # CJK radicals, kana, Bopomofo, Hangul compatibility, ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x3FFFF),  # rarer ideographs
)


def how_to_get_a_font(characters: str) -> str:
    """What to install for these characters: Noto CJK for Chinese, Japanese and Korean, the
    whole Noto family for other scripts; or name a font with --font."""
    cjk = any(low <= ord(c) <= high for c in characters for low, high in _CJK_RANGES)
    package, family = ("fonts-noto-cjk", "Noto Sans CJK") if cjk else ("fonts-noto", "Noto")
    return (
        f"install a font that has them (on Debian or Ubuntu: sudo apt install {package}; "
        f"elsewhere the {family} fonts from fonts.google.com/noto) or give one with --font FILE"
    )


# Where Noto CJK (or the system's own CJK fonts) usually live when fontconfig is not there to ask.
USUAL_PLACES: tuple[tuple[str, str | None], ...] = (
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    ),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", None),
    ("/System/Library/Fonts/AppleSDGothicNeo.ttc", None),
    ("C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/msyhbd.ttc"),
    ("C:/Windows/Fonts/malgun.ttf", "C:/Windows/Fonts/malgunbd.ttf"),
)


@dataclass(frozen=True)
class FontFace:
    """One face of a font file (a .ttc collection holds several, by index)."""

    path: str
    index: int = 0


@dataclass(frozen=True)
class SystemFont:
    """A regular face and, when the system has one, its bold."""

    regular: FontFace
    bold: FontFace | None


def _fc_list(character: int) -> list[tuple[str, int, str, str]]:
    """(file, index, family, style) of every font fontconfig knows that has `character`."""
    command = shutil.which("fc-list")
    if command is None:
        return []
    try:
        found = subprocess.run(
            [
                command,
                "-f",
                "%{file}|%{index}|%{family[0]}|%{style[0]}\n",
                f":charset={character:x}",
            ],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces: list[tuple[str, int, str, str]] = []
    for line in found.splitlines():
        parts = line.split("|")
        if (
            len(parts) == 4
            and parts[1].isdigit()
            and parts[0].lower().endswith((".ttf", ".otf", ".ttc"))
        ):
            faces.append((parts[0], int(parts[1]), parts[2], parts[3]))
    return faces


def _rank(face: tuple[str, int, str, str]) -> tuple[int, int, int, str, int]:
    """Sans before serif, proportional before monospaced, Simplified Chinese forms first."""
    path, index, family, _ = face
    lowered = family.lower()
    return (
        0 if "sans" in lowered else 1,
        1 if "mono" in lowered else 0,
        0 if lowered.endswith(" sc") else 1,
        family + path,
        index,
    )


@lru_cache(maxsize=32)
def face_coverage(face: FontFace) -> frozenset[int]:
    """The characters a font face has, read from its character map alone (a fraction of what
    loading it for printing costs: a CJK font is tens of megabytes). Empty for an unreadable file."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # fontTools raises many kinds for a file that is not a font
        return frozenset()


@lru_cache(maxsize=256)
def system_font_for(character: int) -> SystemFont | None:
    """A font on this computer with `character`, regular and bold, or None."""
    faces = _fc_list(character)
    regular = sorted(
        (f for f in faces if "bold" not in f[3].lower() and "italic" not in f[3].lower()),
        key=_rank,
    )
    if regular:
        path, index, family, _ = regular[0]
        bolds = sorted(
            (
                f
                for f in faces
                if f[2] == family and "bold" in f[3].lower() and "italic" not in f[3].lower()
            ),
            key=_rank,
        )
        bold = FontFace(bolds[0][0], bolds[0][1]) if bolds else None
        return SystemFont(FontFace(path, index), bold)
    if shutil.which("fc-list") is not None:
        return None  # fontconfig knows the fonts of this computer: none has it
    for regular_path, bold_path in USUAL_PLACES:
        if Path(regular_path).is_file():
            bold = FontFace(bold_path) if bold_path and Path(bold_path).is_file() else None
            return SystemFont(FontFace(regular_path), bold)
    return None
