"""Errors a user can cause and fix, each saying where the problem is in their own words.

Only the CLI turns these into a message on stderr and an exit code; library code raises them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in the user's file something is: as the user sees it (1-based rows, header text)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)


class SpeedmeetError(Exception):
    """A problem the user can fix; printed as one line `Error: ...`, exit code 1."""

    exit_code = 1

    def __init__(self, message: str, where: Location | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[type[SpeedmeetError], tuple[str, Location | None]]:
        """Pickled with its parts, so that an error raised in a reader's child process keeps
        its location (Exception would pickle only the text)."""
        return (type(self), (self.message, self.where))

    def describe(self) -> str:
        if self.where is not None and str(self.where):
            return f"{self.where}: {self.message}"
        return self.message


class InputError(SpeedmeetError):
    """The registration file cannot be read or makes no sense as a participant list."""


class SettingsError(SpeedmeetError):
    """The event settings cannot work (e.g. tables of one, zero rounds)."""


class PlanFileError(SpeedmeetError):
    """A plan.json that is missing, unreadable or breaks the rules."""


class OutputError(SpeedmeetError):
    """An output cannot be written (read-only folder, full disk, would overwrite the input)."""


class ReplanError(SpeedmeetError):
    """A replan request that cannot be carried out as asked (unknown person, bad round...)."""
