"""`speedmeet plan`: read the registrations, say what was understood, solve, write the plan."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table as RichTable

from speedmeet.cli.common import (
    console,
    reporting_errors,
    show_quality,
    show_rule_outcomes,
    show_warnings,
    warn,
)
from speedmeet.cli.options import (
    BadgeLayout,
    HiddenRows,
    Interests,
    Paper,
    check_plain_text,
    check_seed,
    parse_columns,
)
from speedmeet.cli.progress import solve_with_progress
from speedmeet.defaults import DEFAULT_ROUNDS, DEFAULT_TABLE_SIZE, DEFAULT_TIME_LIMIT, IGNORABLE
from speedmeet.errors import InputError, Location, SettingsError
from speedmeet.files import (
    all_or_nothing,
    check_output_folder,
    refuse_overwriting_inputs,
    write_text_atomically,
)
from speedmeet.notices import WARNINGS_FILENAME, warnings_file

if TYPE_CHECKING:
    from speedmeet.event_setup import EventSetup
    from speedmeet.model import EventSettings
    from speedmeet.planning import PlanOutcome
    from speedmeet.readers import Registrations

SAFETY_STOP_NOTE = (
    "the machine was too busy for the search's work: the wall clock's safety stop ended it "
    "(plan.json says so), so another run may give another plan; run again on a less busy "
    "machine, or with a lower --time-limit, for a reproducible plan"
)


def plan_command(
    participants: Annotated[
        Path,
        typer.Argument(
            readable=False, help="Registration spreadsheet (.xlsx, .ods, .xls, .xlsb or .csv)."
        ),
    ],
    rounds: Annotated[int, typer.Option(min=1, help="Number of rounds.")] = DEFAULT_ROUNDS,
    table_size: Annotated[
        int, typer.Option(min=2, help="Most people at one table.")
    ] = DEFAULT_TABLE_SIZE,
    tables: Annotated[
        int | None, typer.Option(min=2, help="Number of tables instead of a table size.")
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            min=0.1,
            help="Search effort in seconds of an ordinary laptop (counted in work, so the "
            "plan does not depend on the machine's load); stops early when the plan is perfect.",
        ),
    ] = DEFAULT_TIME_LIMIT,
    seed: Annotated[
        int, typer.Option(help="Same input, settings and seed give the same plan.")
    ] = 0,
    out: Annotated[
        Path | None,
        typer.Option(
            readable=False, help="Output folder (default: <input name>-plan beside the input)."
        ),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="Sheet to read in a workbook.")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding of a csv file.")] = None,
    hidden_rows: Annotated[
        HiddenRows,
        typer.Option(help="Rows hidden or filtered out in the workbook: plan them, or skip them."),
    ] = HiddenRows.include,
    column: Annotated[
        list[str] | None,
        typer.Option(help='Override a column: FIELD="Header", e.g. organisation="Organisme".'),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Event title printed on every page.")] = None,
    topic: Annotated[
        list[str] | None, typer.Option(help="Topic of a round, once per round in order.")
    ] = None,
    start: Annotated[str | None, typer.Option(help="Start time of round 1, e.g. 14:00.")] = None,
    round_minutes: Annotated[int | None, typer.Option(min=1, help="Length of a round.")] = None,
    break_minutes: Annotated[int, typer.Option(min=0, help="Break between rounds.")] = 0,
    no_print: Annotated[bool, typer.Option("--no-print", help="Skip the PDFs.")] = False,
    paper: Annotated[Paper, typer.Option(help="Paper size of the PDFs.")] = Paper.A4,
    badges: Annotated[BadgeLayout, typer.Option(help="Badge layout.")] = BadgeLayout.a6_4up,
    qr: Annotated[
        bool, typer.Option("--qr", help="Print a QR code with the id on badges.")
    ] = False,
    mix: Annotated[
        str | None,
        typer.Option(help="Spread this column (e.g. sector) evenly over the tables of a round."),
    ] = None,
    interests: Annotated[
        Interests | None,
        typer.Option(help="Seat people who share interests together (match) or apart (mix)."),
    ] = None,
    preference_weight: Annotated[
        float | None,
        typer.Option(
            min=0.01,
            max=10,
            help="Let interests and offers/needs trade against new pairs: a first meeting of "
            "two people sharing an interest counts as 1 + this many new pairs, of someone "
            "offering what the other needs 1 + twice as many (default: new pairs come first).",
        ),
    ] = None,
    history: Annotated[
        list[Path] | None,
        typer.Option(
            readable=False, help="plan.json of an earlier event: who met there counts as met."
        ),
    ] = None,
    online: Annotated[
        bool, typer.Option("--online", help="Also write breakout-room files for online rounds.")
    ] = False,
    ignore_rule: Annotated[
        list[str] | None,
        typer.Option(
            help="Plan without a rule the sheet switched on: " + ", ".join(IGNORABLE) + "."
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Language of the outputs: en, fr, de (default: the sheet's headers')."
        ),
    ] = None,
    font: Annotated[
        Path | None,
        typer.Option(help="Font file for names the shipped fonts lack (Chinese, Korean...)."),
    ] = None,
) -> None:
    """Read a registration spreadsheet, solve the rotation and write plan.json, plan.xlsx and PDFs.

    \f
    Longer than 60 lines only by its signature, one `Annotated` option per flag; the body reads,
    calls the library (`speedmeet.event_setup`, `planning`, `exports`) and shows the result.
    """
    from speedmeet.cli.language import check_font, choose_language, describe_language
    from speedmeet.event_setup import event_setup, read_registrations_to_mix, times_warning
    from speedmeet.model import EventSettings, round_slots
    from speedmeet.readers import read_event_sheets
    from speedmeet.rule_switches import ignored_rules

    with reporting_errors():
        _check_options(participants, seed=seed, start=start, title=title, topic=topic,
                       rounds=rounds)  # fmt: skip
        ignored = ignored_rules(ignore_rule or [])
        folder = out if out is not None else participants.with_name(f"{participants.stem}-plan")
        history_files = _prepare_folder(folder, participants, history or [], rounds, online)
        registrations = read_registrations_to_mix(
            participants, mix=mix, sheet=sheet, encoding=encoding,
            columns=parse_columns(column or []), hidden_rows=hidden_rows.value,
        )  # fmt: skip
        sheets = read_event_sheets(participants, registrations.participants, encoding=encoding)
        show_understood(registrations, folder)
        output_language, language_reason = choose_language(lang, registrations.language)
        console.print(describe_language(output_language, language_reason), highlight=False)
        topics = topic or sheets.topics
        setup = event_setup(
            registrations, sheets, mix=mix, interests=interests.value if interests else None,
            history=history_files, online=online, topics=len(topics), rounds=rounds,
            weight=preference_weight, ignored=ignored,
        )  # fmt: skip
        show_setup(setup, folder)
        settings = EventSettings(
            rounds=rounds, table_size=table_size, tables=tables, time_limit=time_limit,
            seed=seed, title=title, topics=topics, start=start, round_minutes=round_minutes,
            break_minutes=break_minutes, paper=paper.value, badge_layout=badges.value, qr=qr,
            language=output_language, font=check_font(font),
        )  # fmt: skip
        round_slots(settings, settings.rounds)  # a bad --start fails now, not after the solve
        unshown_times = times_warning(start, round_minutes)
        if unshown_times is not None:
            warn(unshown_times)
        began = time.perf_counter()
        outcome = _solve(setup, settings)
        warnings = [*registrations.warnings, *setup.warnings]  # all of them go to warnings.txt
        written = _write(outcome, folder, warnings, participants, online=online, pdf=not no_print)
        _show_plan(outcome, online=online, pdf=not no_print)
        _show_written(folder, written, began, online=online, pdf=not no_print)


def _check_options(
    participants: Path,
    *,
    seed: int,
    start: str | None,
    title: str | None,
    topic: list[str] | None,
    rounds: int,
) -> None:
    """What can be refused before anything is read."""
    from speedmeet.model import check_start

    if not participants.exists():
        raise InputError(f"{participants}: no such file")
    if participants.is_dir():  # before its name is used for the output folder ("." has none)
        raise InputError("this is a folder, not a file", Location(str(participants)))
    check_seed(seed)
    if start is not None:
        check_start(start)
    check_plain_text("--title", [title] if title else [])
    check_plain_text("--topic", topic or [])
    if topic and len(topic) > rounds:
        raise SettingsError(
            f"{len(topic)} --topic values for {rounds} rounds; give at most one per round"
        )


def _prepare_folder(
    folder: Path, participants: Path, history: list[Path], rounds: int, online: bool
) -> list[Path]:
    """Refuse an output folder that would overwrite an input or cannot be written; the plan
    files --history names."""
    from speedmeet.exports import OUTPUT_NAMES
    from speedmeet.exports.online import online_filenames
    from speedmeet.planfile import resolve_plan_path

    outputs = [*OUTPUT_NAMES, WARNINGS_FILENAME, *(online_filenames(rounds) if online else [])]
    history_files = [resolve_plan_path(path) for path in history]
    refuse_overwriting_inputs(folder, [participants, *history_files], outputs)
    check_output_folder(folder)
    return history_files


def show_understood(registrations: Registrations, folder: Path | None = None) -> None:
    """Tell the organiser what was read, so a wrong column shows up before anything is printed."""
    where = registrations.source
    if registrations.sheet:
        where += f", sheet '{registrations.sheet}'"
    header = f"row {registrations.header_row}"
    if registrations.header_start and registrations.header_start < registrations.header_row:
        header = f"rows {registrations.header_start}-{registrations.header_row}"
    console.print(f"[bold]Read[/bold] {escape(where)}, header in {header}", highlight=False)
    table = RichTable(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("field")
    table.add_column("column in the sheet")
    for field, header in registrations.mapping:
        table.add_row(field, escape(header))  # a header is the user's text, not markup
    console.print(table)
    if registrations.ignored:
        console.print(
            "Ignored columns: " + ", ".join(registrations.ignored), highlight=False, markup=False
        )
    participants = registrations.participants
    organisations = len({p.organisation for p in participants})
    console.print(
        f"{len(participants)} participants from {organisations} organisations", highlight=False
    )
    if registrations.rows is not None:
        console.print(registrations.rows.summary(), highlight=False, markup=False)
    show_warnings(registrations.warnings, folder)


def show_setup(setup: EventSetup, folder: Path | None) -> None:
    """The rules the event is planned with and why each is on, before the solve starts."""
    if setup.sheets_read:
        console.print(
            "Event sheets read: " + ", ".join(setup.sheets_read), highlight=False, markup=False
        )
    if setup.described:
        console.print("[bold]Rules:[/bold] " + escape(", ".join(setup.described)), highlight=False)
    for line in setup.switch_lines:
        console.print(f"  {line}", highlight=False, markup=False)
    if setup.ignored:
        console.print(
            "Rules switched off (--ignore-rule): " + ", ".join(setup.ignored),
            highlight=False,
            markup=False,
        )
    show_warnings(setup.warnings, folder)


def _solve(setup: EventSetup, settings: EventSettings) -> PlanOutcome:
    outcome, interrupted = solve_with_progress(setup, settings)
    if interrupted:
        console.print("[yellow]Interrupted:[/yellow] writing the best plan found so far.")
    return outcome


def _write(
    outcome: PlanOutcome,
    folder: Path,
    warnings: list[str],
    participants: Path,
    *,
    online: bool,
    pdf: bool,
) -> list[Path]:
    """Every output, or none: Ctrl-C or a full disk midway keeps every previous file."""
    from speedmeet.exports import write_plan_outputs
    from speedmeet.exports.online import write_online_exports

    with all_or_nothing():
        written = write_plan_outputs(outcome.plan, folder, outcome.quality, print_kit=pdf)
        write_text_atomically(
            folder / WARNINGS_FILENAME, warnings_file(warnings, str(participants))
        )
        written.append(folder / WARNINGS_FILENAME)
        if online:
            written.extend(write_online_exports(outcome.plan, folder))
    return written


def _show_plan(outcome: PlanOutcome, *, online: bool, pdf: bool) -> None:
    """How good the plan is, how each rule fared, and what the organiser must still do."""
    from speedmeet.cli.language import warn_unprintable
    from speedmeet.event_setup import count
    from speedmeet.exports.online import describe_manual, needs_manual_assignment
    from speedmeet.validate import rule_report

    show_quality(
        outcome.quality,
        proven_optimal=outcome.result.proven_optimal,
        seconds=outcome.result.seconds,
        limits=outcome.result.limits,
        rule_costs=outcome.plan.solve.rule_costs if outcome.plan.solve else [],
    )
    if outcome.result.clock_stopped:
        warn(SAFETY_STOP_NOTE)
    show_rule_outcomes(rule_report(outcome.plan))
    if pdf:
        warn_unprintable(console, outcome.plan)
    manual = needs_manual_assignment(outcome.plan) if online else []
    if manual:
        console.print(
            f"[yellow]Assign by hand[/yellow] in the meeting tool "
            f"({count(len(manual), 'person', 'people')}; rooms in breakout-messages.txt):",
            highlight=False,
        )
        for line in describe_manual(manual):
            console.print(f"  - {line}", highlight=False, markup=False)


def _show_written(
    folder: Path, written: list[Path], began: float, *, online: bool, pdf: bool
) -> None:
    """What was written, and the files in the folder that an earlier plan left behind."""
    from speedmeet.exports import PDF_FILENAMES
    from speedmeet.exports.online import online_outputs_in

    console.print(
        f"Written in {folder} ({time.perf_counter() - began:.1f} s): "
        + ", ".join(path.name for path in written),
        highlight=False,
        markup=False,
    )
    stale = [name for name in PDF_FILENAMES if (folder / name).exists() and not pdf]
    if stale:
        console.print(
            f"[yellow]Warning:[/yellow] {', '.join(stale)} in {escape(str(folder))} still show "
            f"an earlier plan; run `speedmeet print {escape(str(folder))}` to re-make them.",
            highlight=False,
        )
    written_names = {path.name for path in written}
    stale_rooms = [p.name for p in online_outputs_in(folder) if p.name not in written_names]
    if stale_rooms:
        again = "" if online else " (or plan with --online to re-make them)"
        console.print(
            f"[yellow]Warning:[/yellow] {escape(', '.join(stale_rooms))} in "
            f"{escape(str(folder))} are from an earlier plan; delete them{again}.",
            highlight=False,
        )
