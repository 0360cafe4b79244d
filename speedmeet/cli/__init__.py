"""The `speedmeet` command: parse arguments, call one library function, show the result.

One module per command or family (`plan`, `check` with `report` and `print`, `replan` with
`history`, `messages`, `venue`); what they share is in `common` (the consoles and
`reporting_errors`, the one place where a SpeedmeetError becomes a single `Error: ...` line on
stderr and exit code 1; typer reports usage errors with exit code 2) and `options`. Commands
import `common` and `options`, never each other; this module imports the commands.
"""

from __future__ import annotations

# Start-up time: `speedmeet --help` and `speedmeet check` must start in a fraction of a second,
# so the modules of this package import only the standard library, typer, rich's console and
# light speedmeet modules at their top (no pydantic models, openpyxl, numpy, fpdf2 or OR-Tools).
# A command imports the heavy modules it needs inside its own function; that is the only reason
# for a function-level import here, never to dodge an import cycle (there is none to dodge).
# Names needed only for type hints go under TYPE_CHECKING.
# `python -X importtime -m speedmeet --help` shows what a change costs.
from typing import Annotated

import typer

from speedmeet.cli.check import check_command, print_command, report_command
from speedmeet.cli.common import console, error_console, reporting_errors
from speedmeet.cli.messages import messages_command
from speedmeet.cli.plan import plan_command
from speedmeet.cli.replan import history_command, replan_command
from speedmeet.cli.venue import venue_command

__all__ = ["app", "console", "error_console", "main", "reporting_errors"]

app = typer.Typer(
    name="speedmeet",
    help="Plan speed-meeting rotations so that everyone meets new people from other organisations.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # click's plain help and usage errors: typer's rich panels would load rich.markdown and
    # markdown-it, a third of `speedmeet --help`'s start-up time
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from speedmeet import __version__  # importlib.metadata, a tenth of the start-up

        console.print(f"speedmeet {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Plan speed-meeting rotations so that everyone meets new people from other organisations."""


app.command("plan")(plan_command)
app.command("print")(print_command)
app.command("report")(report_command)
app.command("check")(check_command)
app.command("replan")(replan_command)
app.command("history")(history_command)
app.command("messages")(messages_command)
app.command("venue")(venue_command)


def main() -> None:
    app()
