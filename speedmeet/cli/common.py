"""What the commands share: the consoles, the one place that turns errors into an exit code,
the plan read back for printing or reporting, and the tables shown by both `plan` and `check`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from speedmeet.errors import SpeedmeetError
from speedmeet.files import committed, start_run
from speedmeet.interrupts import Terminated, command_running, quiet_after_stop
from speedmeet.notices import WARNINGS_FILENAME, grouped

if TYPE_CHECKING:
    from speedmeet.model import Plan
    from speedmeet.quality import Quality
    from speedmeet.validate import RuleOutcome

console = Console()
error_console = Console(stderr=True)


@contextlib.contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a user's mistake into one line on stderr and exit code 1, never a traceback."""
    start_run()
    try:
        with command_running():
            yield
    except SpeedmeetError as error:
        error_console.print(
            f"Error: {error.describe()}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(error.exit_code) from None
    except OSError as error:  # a path the system refuses (a name too long, a broken disk)
        where = f"{error.filename}: " if error.filename else ""
        error_console.print(
            f"Error: {where}{error.strerror or error}", markup=False, highlight=False
        )
        raise typer.Exit(1) from None
    except RecursionError:  # a file nested deeper than any real one (a hostile plan.json)
        error_console.print(
            "Error: the file is nested too deeply to be read", markup=False, highlight=False
        )
        raise typer.Exit(1) from None
    except (KeyboardInterrupt, Terminated) as stop:
        raise typer.Exit(stopped(stop, error_console)) from None


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


def read_valid_plan(location: Path) -> tuple[Plan, Quality]:
    """A plan to print or report from: one that follows the rules, or one clear error."""
    from speedmeet.planfile import read_plan
    from speedmeet.validate import validate

    plan = read_plan(location)
    report = validate(plan)
    if not report.ok or report.quality is None:
        raise SpeedmeetError(
            f"{location}: the plan breaks the rules ({report.violations[0]}); "
            "run `speedmeet check` for the full list"
        )
    return plan, report.quality


def plan_folder(plan_dir: Path) -> Path:
    """The folder a command writes into: PLAN_DIR itself, or the folder of the plan.json named."""
    return plan_dir if plan_dir.is_dir() else plan_dir.parent


def warn(text: str) -> None:
    """One yellow warning; `text` is plain text (a header or a name is never read as markup)."""
    console.print(f"[yellow]Warning:[/yellow] {escape(text)}", highlight=False)


def show_warnings(warnings: list[str], folder: Path | None) -> None:
    """Warnings grouped by kind: a few of each, then how many more and where they all are."""
    where = f"{folder / WARNINGS_FILENAME}" if folder is not None else WARNINGS_FILENAME
    for group in grouped(warnings):
        for warning in group.shown:
            warn(warning)
        if group.hidden:
            console.print(
                f"[yellow]Warning:[/yellow] and {group.hidden:,} more like this; every warning "
                f"is in {escape(where)}",
                highlight=False,
            )


def show_quality(
    quality: Quality,
    *,
    proven_optimal: bool,
    seconds: float | None,
    limits: list[str],
    rule_costs: list[str] | None = None,
) -> None:
    """The plan's figures and verdict, then the notes that explain them."""
    from speedmeet.verdicts import quality_notes, verdict

    bound = quality.bound
    table = RichTable(title="Plan quality", show_header=False, box=None, padding=(0, 2))
    table.add_column("figure", style="bold")
    table.add_column("value")
    table.add_row("participants", str(quality.participants))
    table.add_row("organisations", str(quality.organisations))
    table.add_row("rounds", str(len(quality.per_round_tables)))
    table.add_row("tables per round", str(max(quality.per_round_tables, default=0)))
    table.add_row(
        "new cross-organisation pairs",
        f"{quality.new_pairs} of {bound.value} possible ({quality.share:.1%})",
    )
    table.add_row("repeat meetings", str(quality.repeats))
    table.add_row("same-organisation meetings", str(quality.same_organisation))
    words = escape(verdict(quality, proven_optimal=proven_optimal))
    table.add_row("verdict", f"[green]{words}[/green]" if quality.perfect else words)
    if seconds is not None:
        table.add_row("solve time", f"{seconds:.2f} s")
    console.print(table)
    for note in quality_notes(quality, proven_optimal=proven_optimal, limits=limits,
                              rule_costs=rule_costs or []):  # fmt: skip
        console.print(f"  - {note}", highlight=False, markup=False)


def show_rule_outcomes(outcomes: list[RuleOutcome]) -> None:
    """One row per rule: green "met", or yellow "not met" with what fell short."""
    if not outcomes:
        return
    table = RichTable(title="Event rules", show_header=False, box=None, padding=(0, 2))
    table.add_column("status", no_wrap=True)
    table.add_column("rule", style="bold", no_wrap=True)
    table.add_column("detail")
    for outcome in outcomes:
        if outcome.limited:
            status = "[yellow]met where possible[/yellow]"
        else:
            status = "[green]met[/green]" if outcome.met else "[yellow]not met[/yellow]"
        table.add_row(status, escape(outcome.rule), escape(outcome.detail))
    console.print(table)
