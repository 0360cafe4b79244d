"""`speedmeet replan` and `speedmeet history`: the commands an organiser runs between rounds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from speedmeet.cli.common import reporting_errors
from speedmeet.cli.options import HiddenRows, check_seed
from speedmeet.defaults import DEFAULT_TIME_LIMIT
from speedmeet.files import all_or_nothing

if TYPE_CHECKING:
    from speedmeet.changes import ReplanOutcome
    from speedmeet.exports.reprint import ReplanExports
    from speedmeet.quality import Quality


def _quality_table(before: Quality | None, after: Quality | None) -> RichTable:
    table = RichTable(title="Plan quality", box=None, padding=(0, 2))
    table.add_column("figure", style="bold")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")

    def figures(quality: Quality | None) -> list[str]:
        if quality is None:
            return ["-"] * 4
        return [
            str(quality.participants),
            f"{quality.new_pairs} of {quality.bound.value} ({quality.share:.1%})",
            str(quality.repeats),
            str(quality.same_organisation),
        ]

    labels = ["participants", "new cross-organisation pairs", "repeats", "same-organisation"]
    for label, old, new in zip(labels, figures(before), figures(after), strict=True):
        table.add_row(label, old, new)
    return table


def show_outcome(console: Console, outcome: ReplanOutcome) -> None:
    """Who leaves, who arrives, who moves where, and how the plan stands now."""
    for person in outcome.dropped:
        console.print(
            f"Leaves after round {outcome.from_round - 1}: {person.name} ({person.id})"
            if outcome.from_round > 1
            else f"Removed: {person.name} ({person.id})",
            highlight=False,
            markup=False,
        )
    for person in outcome.added:
        console.print(
            f"Joins from round {person.first_round}: {person.name} ({person.id}, "
            f"{person.organisation})",
            highlight=False,
            markup=False,
        )
    moved = set(outcome.moved)
    shown = [c for c in outcome.changes if c.participant_id in moved or c.old_table is None]
    console.print(
        f"{len(moved)} {'person moves' if len(moved) == 1 else 'people move'} "
        f"(rounds {outcome.from_round} onwards; earlier rounds unchanged):",
        highlight=False,
    )
    for change in shown:
        console.print(f"  {change.describe()}", highlight=False, markup=False)
    console.print(_quality_table(outcome.quality_before, outcome.quality_after))
    for warning in outcome.warnings:
        console.print(f"[yellow]Warning:[/yellow] {escape(warning)}", highlight=False)
    console.print(f"Replanned in {outcome.seconds:.2f} s.", highlight=False)


def replan_command(
    plan_dir: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN_DIR", help="Folder holding plan.json.")
    ],
    from_round: Annotated[
        int,
        typer.Option("--from-round", help="First round to replan; earlier rounds have been held."),
    ],
    drop: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ID|NAME",
            help="Someone who leaves or did not come: id or name (repeatable).",
        ),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(
            metavar='"NAME; ORG"|FILE',
            help='A walk-in as "name; organisation", or a spreadsheet of them (repeatable).',
        ),
    ] = None,
    drop_file: Annotated[
        Path | None,
        typer.Option(
            "--drop-file",
            metavar="FILE",
            help="A csv of people who did not come (id or name per row), e.g. the absent "
            "list that venue.html downloads at check-in.",
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Search effort in seconds of an ordinary laptop (counted in work, so the new "
            "plan does not depend on the machine's load).",
        ),
    ] = DEFAULT_TIME_LIMIT,
    seed: Annotated[int, typer.Option(help="Same request and seed, same new plan.")] = 0,
    hidden_rows: Annotated[
        HiddenRows,
        typer.Option(
            help="Rows hidden or filtered out in an --add workbook: plan them, or skip them."
        ),
    ] = HiddenRows.include,
    print_kit: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Re-make the PDFs and the reprint folder.")
    ] = True,
) -> None:
    """Replan the rounds still to come after people leave or walk in, moving as few as possible.

    The previous plan is kept as plan.vN.json; changes.csv lists every seat that changed and
    reprint/ holds only the pages to print again.

    \f
    Longer than 60 lines only by its signature, one `Annotated` option per flag; the request is
    read by `speedmeet.replan_request`, the new plan made by `speedmeet.replanning`.
    """
    from speedmeet.cli.language import warn_unprintable
    from speedmeet.exports.reprint import write_replan_outputs
    from speedmeet.plan_versions import save_replan
    from speedmeet.planfile import read_plan, resolve_plan_path
    from speedmeet.replan_request import replan_request
    from speedmeet.replanning import replan

    console = Console()
    with reporting_errors():
        check_seed(seed)
        plan = read_plan(plan_dir)
        folder = resolve_plan_path(plan_dir).parent
        request = replan_request(
            plan, from_round=from_round, drop=drop or [], add=add or [], drop_file=drop_file,
            hidden_rows=hidden_rows.value,
        )  # fmt: skip
        outcome = replan(
            plan,
            from_round=from_round,
            drop=request.drop,
            add=request.add,
            time_limit=time_limit,
            seed=seed,
        )
        outcome.warnings[:0] = request.warnings
        with all_or_nothing():  # a failure midway leaves plan.json and every export as they were
            saved = save_replan(folder, outcome)
            exports = write_replan_outputs(folder, outcome, print_kit=print_kit)
        show_outcome(console, outcome)
        _show_written(console, folder, saved, exports)
        if print_kit and outcome.added:
            warn_unprintable(console, outcome.plan)  # a walk-in's name no font at hand prints


def _show_written(
    console: Console, folder: Path, saved: list[Path], exports: ReplanExports
) -> None:
    """The kept version, the files written, the pages to print again, and notes on them."""
    written = [*saved, *(path for path in exports.written if path not in saved)]
    console.print(
        f"Kept the previous plan as {saved[0].name}; written in {folder}: "
        + ", ".join(path.name for path in written),
        highlight=False,
        markup=False,
    )
    if exports.reprint:
        console.print(
            f"To reprint ({folder / 'reprint'}): "
            + ", ".join(path.name for path in exports.reprint),
            highlight=False,
            markup=False,
        )
    for note in exports.notes:
        console.print(f"[yellow]Note:[/yellow] {escape(note)}", highlight=False)


def history_command(
    plan_dir: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN_DIR", help="Folder holding plan.json.")
    ],
) -> None:
    """List the versions of a plan kept by `speedmeet replan`, oldest first."""
    from speedmeet.plan_versions import plan_versions

    console = Console()
    with reporting_errors():
        versions = plan_versions(plan_dir)
        table = RichTable(title=Text(f"Plan versions in {plan_dir}"))
        table.add_column("version", justify="right")
        table.add_column("file")
        table.add_column("time")
        table.add_column("participants", justify="right")
        table.add_column("what changed")
        for version in versions:
            when = version.when.strftime("%Y-%m-%d %H:%M") if version.when else "-"
            table.add_row(
                f"v{version.version}" + (" (current)" if version.current else ""),
                Text(version.path.name),
                when,
                str(version.participants),
                Text(version.summary),
            )
        console.print(table)
