"""Checks of what the user typed that the command-line framework cannot make, and the one line
said when a run is stopped; shared by `speedmeet plan` and `speedmeet replan`."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from rich.console import Console

from speedmeet.errors import SettingsError
from speedmeet.files import committed
from speedmeet.interrupts import Terminated, quiet_after_stop


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


def stopped(stop: BaseException, console: Console) -> int:
    """One line on Ctrl-C, SIGTERM or SIGHUP, and the exit code: 0 once the outputs are in place
    (the stop came while the summary was shown), else 128 + the signal's number."""
    quiet_after_stop()
    name = "Stopped by " + stop.name if isinstance(stop, Terminated) else "Interrupted"
    written = committed()
    if written:
        console.print(
            f"{name}: the outputs were already written in {written[-1].parent}.",
            highlight=False,
            markup=False,
        )
        return 0
    console.print(f"{name}: nothing was written.", highlight=False, markup=False)
    return stop.exit_code if isinstance(stop, Terminated) else 130
