"""Rows in the organiser's words: what became of every row below the header, rows listed as a
person lists them ("rows 4 and 9"), and no more than a screenful of warnings of one kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from speedmeet.readers.table import SheetTable

# Beyond this many warnings of one kind, the rest are counted in one line.
MAX_WARNINGS_OF_A_KIND = 30


@dataclass
class RowAccount:
    """What became of every row below the header: each row is in exactly one list."""

    data_rows: int
    read: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)
    """Repeats of an earlier registration, counted once."""
    blank: list[int] = field(default_factory=list)
    hidden_skipped: list[int] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)
    nameless: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    """Rows that hold something but cannot be a participant (a name made of invisible
    characters)."""
    hidden_read: list[int] = field(default_factory=list)
    """Rows of `read` that are hidden in the sheet (planned, as `--hidden-rows include` says)."""

    def accounted(self) -> int:
        return sum(
            len(rows)
            for rows in (
                self.read, self.merged, self.blank, self.hidden_skipped, self.repeated_headers,
                self.nameless, self.refused,
            )
        )  # fmt: skip

    def summary(self) -> str:
        """One line for the organiser: "32 rows below the header: 29 read, 1 merged ..."."""
        hidden = (
            f" ({len(self.hidden_read)} of them hidden in the sheet)" if self.hidden_read else ""
        )
        parts = [f"{len(self.read)} read{hidden}"]
        if self.merged:
            parts.append(f"{len(self.merged)} merged as a repeat of an earlier row")
        skipped = [
            (len(self.blank), "blank"),
            (len(self.hidden_skipped), "hidden"),
            (len(self.repeated_headers), "repeating the header"),
            (len(self.nameless), "without a name"),
        ]
        reasons = [f"{count} {why}" for count, why in skipped if count]
        if reasons:
            total = sum(count for count, _ in skipped)
            parts.append(f"{total} skipped ({', '.join(reasons)})")
        if self.refused:
            parts.append(f"{len(self.refused)} refused")
        rows = "row" if self.data_rows == 1 else "rows"
        return f"{self.data_rows} {rows} below the header: " + ", ".join(parts)


def hidden_warning(table: SheetTable, hidden_rows: str) -> str:
    count = len(table.hidden_rows)
    rows = rows_text(table.hidden_rows)
    how = "filtered out or hidden" if table.filtered else "hidden"
    verb = "is" if count == 1 else "are"
    if hidden_rows == "skip":
        return f"{rows} {verb} {how} in the sheet and left out (--hidden-rows skip)"
    return (
        f"{rows} {verb} {how} in the sheet and planned like the others; to leave "
        f"{'it' if count == 1 else 'them'} out, plan with --hidden-rows skip"
    )


def rows_text(numbers: Sequence[int]) -> str:
    """Rows as a person would list them: "row 4", "rows 4 and 9", "rows 1, 2, ... and 35 more"."""
    if len(numbers) == 1:
        return f"row {numbers[0]}"
    if len(numbers) > 10:
        shown = ", ".join(str(n) for n in numbers[:10])
        return f"rows {shown} and {len(numbers) - 10} more"
    return "rows " + ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def capped(lines: list[str], rest: str) -> list[str]:
    """At most MAX_WARNINGS_OF_A_KIND lines of one kind, then one line counting the rest."""
    if len(lines) <= MAX_WARNINGS_OF_A_KIND:
        return lines
    hidden = len(lines) - MAX_WARNINGS_OF_A_KIND
    return [*lines[:MAX_WARNINGS_OF_A_KIND], f"{hidden:,} {rest}"]
