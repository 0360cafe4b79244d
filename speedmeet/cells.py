"""Text that a spreadsheet must show as text, never run as a formula (OWASP CSV injection)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(text: str) -> str:
    """A csv cell that Excel and LibreOffice open as the text typed: a leading quote disarms it."""
    return "'" + text if looks_like_formula(text) else text
