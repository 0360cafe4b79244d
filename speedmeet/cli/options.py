"""The choices the options offer, and checks of what the user typed that the command-line
framework cannot make; shared by `plan`, `print` and `replan`."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from speedmeet.errors import SettingsError


class Paper(StrEnum):
    A4 = "A4"
    Letter = "Letter"


class Interests(StrEnum):
    match = "match"
    mix = "mix"


class BadgeLayout(StrEnum):
    a6_4up = "a6-4up"
    card_10up = "card-10up"
    letter_8up = "letter-8up"


class HiddenRows(StrEnum):
    """--hidden-rows: plan the rows hidden or filtered out in a workbook, or leave them out."""

    include = "include"
    skip = "skip"


MAX_SEED = 2**31 - 1
"""The solvers take a 32-bit signed seed."""


def check_seed(seed: int) -> None:
    if not 0 <= seed <= MAX_SEED:
        raise SettingsError(f"--seed takes a whole number from 0 to {MAX_SEED}, not {seed}")


def check_plain_text(option: str, values: list[str]) -> None:
    """Refuse control characters in text printed on every page (a workbook cannot hold them)."""
    for value in values:
        codes = [char for char in value if unicodedata.category(char) == "Cc"]
        if codes:
            raise SettingsError(
                f"{option} holds a control character ({codes[0]!r}); write it as plain text"
            )


def parse_columns(columns: list[str]) -> dict[str, str]:
    """--column FIELD="Header" as a mapping from field to the header the user wrote."""
    mapping: dict[str, str] = {}
    for item in columns:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise SettingsError(f'--column takes FIELD="Header in the sheet", not {item!r}')
        mapping[field.strip().lower()] = header.strip()
    return mapping


def chosen_printables(what: str, printables: tuple[str, ...]) -> list[str]:
    """The documents `print --what` names, in the order given."""
    chosen = [item.strip() for item in what.split(",") if item.strip()]
    unknown = [item for item in chosen if item not in printables]
    if unknown or not chosen:
        raise SettingsError(
            f"--what takes some of {', '.join(printables)}; not {', '.join(unknown) or 'nothing'}"
        )
    return chosen
