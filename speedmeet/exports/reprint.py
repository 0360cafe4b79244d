"""What the room needs after a replan: changes.csv (who moves where) and a `reprint/` folder
with only the pages that changed, beside every export of the plan made again."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from speedmeet.cells import csv_cell
from speedmeet.changes import ReplanOutcome, SeatChange
from speedmeet.i18n import language

CHANGES_FILENAME = "changes.csv"
REPRINT_FOLDER = "reprint"


def changes_csv(changes: Sequence[SeatChange], lang: str | None = None) -> str:
    """changes.csv text: one row per person and round whose table changed; the headers in the
    plan's output language."""
    _ = language(lang).gettext
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [_("round"), _("table before"), _("table after"), _("id"), _("name"), _("organisation")]
    )
    for change in changes:
        writer.writerow(
            [
                change.round,
                csv_cell(change.old_table or ""),
                csv_cell(change.new_table or ""),
                csv_cell(change.participant_id),
                csv_cell(change.name),
                csv_cell(change.organisation),
            ]
        )
    return buffer.getvalue()


@dataclass
class ReplanExports:
    """What `write_replan_outputs` wrote, and anything it could not make."""

    written: list[Path] = field(default_factory=list)
    reprint: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def write_replan_outputs(
    folder: Path, outcome: ReplanOutcome, *, print_kit: bool = True
) -> ReplanExports:
    """Re-make every export of the plan folder, and a `reprint/` folder with only what changed:
    the badges and itineraries of people who moved or arrived, the sheets of changed rounds, and
    the card of every table someone joined or left."""
    from speedmeet.exports import (
        MEETINGS_FILENAME,
        PDF_FILENAMES,
        write_meetings_report,
        write_plan_outputs,
    )
    from speedmeet.exports.pdf import changed_tables, write_print_kit

    folder = Path(folder)
    exports = ReplanExports()
    if outcome.quality_after is None:
        exports.notes.append("the new plan has no quality figures; exports were not re-made")
        return exports
    exports.written = write_plan_outputs(
        outcome.plan, folder, outcome.quality_after, print_kit=print_kit
    )
    if (folder / MEETINGS_FILENAME).exists():
        exports.written.append(write_meetings_report(outcome.plan, folder))
    if outcome.plan.rules is not None and outcome.plan.rules.online:
        from speedmeet.exports.online import write_online_exports

        exports.written.extend(write_online_exports(outcome.plan, folder))
    if not print_kit:
        stale = [name for name in PDF_FILENAMES if (folder / name).exists()]
        if stale:
            exports.notes.append(
                f"{', '.join(stale)} still show the previous plan; "
                f"run `speedmeet print {folder}` to re-make them"
            )
        return exports
    reprint = folder / REPRINT_FOLDER
    for name in PDF_FILENAMES:
        # A reprint folder from an earlier replan would mix old pages with new ones.
        with contextlib.suppress(FileNotFoundError):
            (reprint / name).unlink()
    if outcome.changed_rounds:
        exports.reprint = write_print_kit(
            outcome.plan,
            reprint,
            only_participants=outcome.reprint_participants,
            only_rounds=outcome.changed_rounds,
            only_tables=changed_tables(outcome.previous, outcome.plan),
        )
    return exports
