"""`speedmeet venue`: (re)write venue.html for a plan made earlier, e.g. with a new round length."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from speedmeet.cli.common import reporting_errors
from speedmeet.files import all_or_nothing


def venue_command(
    plan_dir: Annotated[Path, typer.Argument(metavar="PLAN_DIR", help="Folder holding plan.json.")],
    round_minutes: Annotated[
        int | None,
        typer.Option(min=1, max=240, help="Countdown of a round (default: as planned, else 10)."),
    ] = None,
) -> None:
    """Write venue.html: the round screen with its timer, find-your-table and check-in.

    The page works offline from the plan folder or a USB stick, in any current browser.
    """
    from speedmeet.exports.venue import write_venue_page
    from speedmeet.planfile import read_plan, resolve_plan_path

    console = Console()
    with reporting_errors(), all_or_nothing():
        plan = read_plan(plan_dir)
        if round_minutes is not None:
            plan.settings.round_minutes = round_minutes
        folder = resolve_plan_path(plan_dir).parent
        path = write_venue_page(plan, folder)
    console.print(
        f"Written {path}: open it in a browser (no internet needed).",
        highlight=False,
        markup=False,
    )
