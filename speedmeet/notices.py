"""Warnings an organiser reads: repeated ones grouped on screen, every one kept in a file.

Forty "look alike" lines push the plan's summary off the screen and are skimmed, not read.
Warnings of one kind share their wording except for the quoted names, the numbers and the
rows, so they are grouped by that shape: the first few of a kind are shown with a count of
the rest, and `warnings.txt` in the output folder holds them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WARNINGS_FILENAME = "warnings.txt"
SHOWN_OF_A_KIND = 2
"""Warnings of one kind shown on screen before the rest are counted."""

_VARIABLE = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)|\d[\d,.]*|\brows?\b")


def kind_of(warning: str) -> str:
    """The warning's shape: its wording with names, numbers and rows left out."""
    return _VARIABLE.sub("_", warning)


@dataclass(frozen=True)
class WarningGroup:
    shown: list[str]
    hidden: int


def grouped(warnings: list[str]) -> list[WarningGroup]:
    """Warnings grouped by kind, in the order each kind first appears."""
    groups: dict[str, list[str]] = {}
    for warning in warnings:
        groups.setdefault(kind_of(warning), []).append(warning)
    result: list[WarningGroup] = []
    for members in groups.values():
        # showing all of three is as short as two and a count
        if len(members) <= SHOWN_OF_A_KIND + 1:
            result.append(WarningGroup(members, 0))
        else:
            result.append(WarningGroup(members[:SHOWN_OF_A_KIND], len(members) - SHOWN_OF_A_KIND))
    return result


def warnings_file(warnings: list[str], source: str) -> str:
    """The text of warnings.txt: every warning, one per line, under the file it is about."""
    if not warnings:
        return f"Reading {source} raised no warning.\n"
    lines = [f"Warnings from reading {source} ({len(warnings)}):", ""]
    lines.extend(f"- {warning}" for warning in warnings)
    return "\n".join(lines) + "\n"
