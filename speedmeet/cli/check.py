"""`speedmeet check`, `report` and `print`: read a plan made earlier, check it, report on it or
print it again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from speedmeet.cli.common import (
    console,
    error_console,
    plan_folder,
    read_valid_plan,
    reporting_errors,
    show_quality,
    show_rule_outcomes,
)
from speedmeet.cli.options import BadgeLayout, Paper, chosen_printables
from speedmeet.defaults import PRINTABLES
from speedmeet.errors import SpeedmeetError
from speedmeet.files import all_or_nothing


def print_command(
    plan_dir: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN_DIR", help="Folder holding plan.json.")
    ],
    what: Annotated[
        str, typer.Option(help="Comma-separated: sheets, cards, itineraries, badges, entrance.")
    ] = ",".join(PRINTABLES),
    paper: Annotated[
        Paper | None, typer.Option(help="Paper size (default: as when planned).")
    ] = None,
    badges: Annotated[
        BadgeLayout | None, typer.Option(help="Badge layout (default: as when planned).")
    ] = None,
    qr: Annotated[
        bool | None, typer.Option("--qr/--no-qr", help="QR code with the id on badges.")
    ] = None,
    skip: Annotated[
        int, typer.Option(min=0, help="Labels already used on the first badge sheet.")
    ] = 0,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language: en, fr, de (default: as when planned).")
    ] = None,
    font: Annotated[
        Path | None, typer.Option(help="Font file for names the shipped fonts lack.")
    ] = None,
) -> None:
    """Re-make the PDFs (round sheets, table cards, itineraries, badges) from a plan."""
    from speedmeet.cli.language import check_font, choose_language, warn_unprintable

    with reporting_errors(), all_or_nothing():
        chosen = chosen_printables(what, PRINTABLES)
        plan, _ = read_valid_plan(plan_dir)
        if lang is not None or font is not None:
            changed = {"language": choose_language(lang, None)[0] if lang else None}
            changed["font"] = check_font(font)
            kept = {key: value for key, value in changed.items() if value is not None}
            plan = plan.model_copy(update={"settings": plan.settings.model_copy(update=kept)})
        folder = plan_folder(plan_dir)
        from speedmeet.exports.pdf import write_print_kit  # fpdf2 loads only when printing

        written = write_print_kit(
            plan,
            folder,
            what=chosen,
            paper=paper.value if paper else None,
            badge_layout=badges.value if badges else None,
            qr=qr,
            skip=skip,
        )
        console.print(
            f"Written in {folder}: " + ", ".join(path.name for path in written),
            highlight=False,
            markup=False,
        )
        warn_unprintable(console, plan)


def report_command(
    plan_dir: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN_DIR", help="Folder holding plan.json.")
    ],
) -> None:
    """Write meetings.xlsx: who met whom, per person and per organisation, after the event."""
    from speedmeet.exports import write_meetings_report

    with reporting_errors():
        plan, quality = read_valid_plan(plan_dir)
        path = write_meetings_report(plan, plan_folder(plan_dir))
        console.print(
            f"Written {path}: {quality.new_pairs} cross-organisation pairs met among "
            f"{quality.participants} people from {quality.organisations} organisations.",
            highlight=False,
            markup=False,
        )


def check_command(
    plan_path: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN", help="plan.json or its folder.")
    ],
) -> None:
    """Check a plan against the rules and show how good it is."""
    from speedmeet.planfile import read_plan, resolve_plan_path
    from speedmeet.validate import rule_report, validate
    from speedmeet.verdicts import check_summary

    with reporting_errors():
        plan_file = resolve_plan_path(plan_path)  # named as such: the folder may hold others
        plan = read_plan(plan_file)
        report = validate(plan)
        if not report.ok:
            for violation in report.violations:
                error_console.print(str(violation), markup=False, highlight=False)
            raise SpeedmeetError(f"{plan_file}: the plan breaks {len(report.violations)} rule(s)")
        assert report.quality is not None
        outcomes = rule_report(plan)
        console.print(f"{plan_file}: {check_summary(outcomes)}", highlight=False, markup=False)
        solve = plan.solve
        show_quality(
            report.quality,
            proven_optimal=bool(solve and solve.proven_optimal),
            seconds=None,
            limits=solve.limits if solve else [],
            rule_costs=solve.rule_costs if solve else [],
        )
        show_rule_outcomes(outcomes)
