"""Text that a spreadsheet must show as text, never run as a formula (OWASP CSV injection)."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def csv_cell(text: str) -> str:
    """A csv cell that Excel and LibreOffice open as the text typed: a leading quote disarms it."""
    return "'" + text if looks_like_formula(text) else text


# Letters, digits and . _ % + - before the @, a dotted domain after: with only these characters
# a spreadsheet can at worst compute a harmless #NAME?, never call a function or another program.
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def csv_email(text: str) -> str:
    """An e-mail cell for import into a meeting tool: "+events@x.org" and "-j@x.org" are real
    addresses and stay as written (a leading quote would break them); anything else that looks
    like a formula is disarmed as any other cell."""
    return text if _PLAIN_EMAIL.fullmatch(text) else csv_cell(text)
