"""The `speedmeet` command: parse arguments, call one library function, show the result.

Every command runs inside `reporting_errors()`, the one place where a SpeedmeetError becomes a
single `Error: ...` line on stderr and exit code 1; typer reports usage errors with exit code 2.
"""

from __future__ import annotations

# Start-up time: `speedmeet --help` and `speedmeet check` must start in a fraction of a second,
# so this module imports only the standard library, typer, rich's console and the light
# speedmeet modules below (no pydantic models, openpyxl, numpy, fpdf2 or OR-Tools). A command
# imports what it needs inside its own function, and a new command does the same: heavy
# modules inside the command, names needed only for type hints under TYPE_CHECKING.
# `python -X importtime -m speedmeet --help` shows what a change costs.
import contextlib
import threading
import time
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from speedmeet.cli_checks import HiddenRows, check_plain_text, check_seed, stopped
from speedmeet.cli_messages import messages_command
from speedmeet.cli_replan import history_command, replan_command
from speedmeet.cli_venue import venue_command
from speedmeet.defaults import (
    DEFAULT_ROUNDS,
    DEFAULT_TABLE_SIZE,
    DEFAULT_TIME_LIMIT,
    IGNORABLE,
    PRINTABLES,
)
from speedmeet.errors import InputError, Location, SettingsError, SpeedmeetError
from speedmeet.files import (
    all_or_nothing,
    check_output_folder,
    refuse_overwriting_inputs,
    start_run,
    write_text_atomically,
)
from speedmeet.interrupts import Terminated, command_running
from speedmeet.notices import WARNINGS_FILENAME, grouped, warnings_file

if TYPE_CHECKING:
    from speedmeet.model import EventSettings, Participant, Plan
    from speedmeet.planning import PlanOutcome
    from speedmeet.quality import Quality
    from speedmeet.readers import EventSheets, Registrations
    from speedmeet.rule_switches import RuleSwitch
    from speedmeet.rules import EventRules
    from speedmeet.validate import RuleOutcome


SAFETY_STOP_NOTE = (
    "the machine was too busy for the search's work: the wall clock's safety stop ended it "
    "(plan.json says so), so another run may give another plan; run again on a less busy "
    "machine, or with a lower --time-limit, for a reproducible plan"
)


class Paper(StrEnum):
    A4 = "A4"
    Letter = "Letter"


class Interests(StrEnum):
    match = "match"
    mix = "mix"


class BadgeLayout(StrEnum):
    a6_4up = "a6-4up"
    card_10up = "card-10up"
    letter_8up = "letter-8up"


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


def _version(value: bool) -> None:
    if value:
        from speedmeet import __version__

        console.print(f"speedmeet {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Plan speed-meeting rotations so that everyone meets new people from other organisations."""


def _parse_columns(columns: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in columns:
        field, sep, header = item.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise SettingsError(f'--column takes FIELD="Header in the sheet", not {item!r}')
        mapping[field.strip().lower()] = header.strip()
    return mapping


def show_warnings(warnings: list[str], folder: Path | None) -> None:
    """Warnings grouped by kind: a few of each, then how many more and where they all are."""
    where = f"{folder / WARNINGS_FILENAME}" if folder is not None else WARNINGS_FILENAME
    for group in grouped(warnings):
        for warning in group.shown:
            console.print(f"[yellow]Warning:[/yellow] {escape(warning)}", highlight=False)
        if group.hidden:
            console.print(
                f"[yellow]Warning:[/yellow] and {group.hidden:,} more like this; every warning "
                f"is in {escape(where)}",
                highlight=False,
            )


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


MIX_FIELDS = ("role",)
"""Participant fields that name a group to spread over the tables (sector, type, role...)."""


def _unread_mix_column(
    requested: str | None, registrations: Registrations, overrides: dict[str, str]
) -> str | None:
    """The header `--mix` names when it is a column of the sheet that the reader did not take
    (e.g. "Country" or "Gender"), unless the category column was set with --column role."""
    from speedmeet.model import organisation_key

    if requested is None or "role" in overrides:
        return None
    wanted = organisation_key(requested)
    if any(organisation_key(header) == wanted for _, header in registrations.mapping):
        return None
    return next((h for h in registrations.ignored if organisation_key(h) == wanted), None)


def mix_field(requested: str, registrations: Registrations) -> tuple[str, str]:
    """The participant field `--mix` names, and the word to show for it (the header as written).

    `--mix` takes the header of the sheet ("Sector"), a word recognised as that column in
    English, French or German ("secteur", "type") or the field's name ("role").
    """
    from speedmeet.model import organisation_key
    from speedmeet.readers.columns import recognise

    headers = dict(registrations.mapping)
    wanted = organisation_key(requested)
    field = next(
        (name for name, header in registrations.mapping if organisation_key(header) == wanted),
        None,
    )
    if field is None and wanted in MIX_FIELDS:
        field = wanted
    if field is None:
        recognised = recognise(requested)
        field = recognised[0] if recognised else None
    if field is None:
        columns = [header for _, header in registrations.mapping] + registrations.ignored
        found = ", ".join(f"'{header}'" for header in columns)
        raise SettingsError(
            f"--mix {requested}: the sheet has no such column; its columns: {found}. "
            "Name the column to mix by as the sheet writes it"
        )
    if field not in MIX_FIELDS:
        raise SettingsError(
            f"--mix {requested}: speedmeet mixes the tables by a category column (sector, "
            "type of organisation, role); name that column as the sheet writes it"
        )
    if field not in headers:
        found = ", ".join(f"'{header}'" for _, header in registrations.mapping)
        raise SettingsError(
            f"--mix {requested}: the sheet has no sector or role column; columns read: {found}. "
            f'Point to it with --column role="<header>"'
        )
    if not any(getattr(p, field) for p in registrations.participants):
        raise SettingsError(f"--mix {requested}: the column '{headers[field]}' is empty")
    return field, headers[field]


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def describe_rules(
    rules: EventRules,
    participants: list[Participant],
    *,
    mix_label: str | None,
    history_plans: int,
    topics: int,
) -> list[str]:
    """The rules in force, in the organiser's words, for the "understood" summary."""
    from speedmeet.languages import describe_spoken
    from speedmeet.model import organisation_key

    parts: list[str] = []
    if rules.common_language and any(p.languages for p in participants):
        parts.append(f"common language ({describe_spoken(p.languages for p in participants)})")
    if rules.mix is not None:
        groups = {organisation_key(str(getattr(p, rules.mix) or "")) for p in participants}
        groups.discard("")
        parts.append(
            f"stakeholder mix by {mix_label or rules.mix} ({_count(len(groups), 'group')})"
        )
    if rules.interests != "off":
        verb = "shared" if rules.interests == "match" else "varied"
        parts.append(f"{verb} interests")
    if rules.preference_weight is not None:
        parts.append(f"preferences worth {rules.preference_weight:g} new pairs each")
    if (
        rules.offers_needs
        and any(p.offers for p in participants)
        and any(p.needs for p in participants)
    ):
        offering = sum(1 for p in participants if p.offers)
        needing = sum(1 for p in participants if p.needs)
        parts.append(f"offers meet needs ({offering} offer, {needing} need)")
    hosts = sum(1 for p in participants if p.host)
    if hosts:
        parts.append(_count(hosts, "host"))
    if rules.tables:
        accessible = sum(1 for table in rules.tables if table.accessible)
        extra = f" ({accessible} accessible)" if accessible else ""
        speaking = sum(1 for table in rules.tables if table.languages)
        extra += f" ({speaking} with a language)" if speaking else ""
        parts.append(f"{_count(len(rules.tables), 'named table')}{extra}")
    if rules.requests:
        meet = sum(1 for request in rules.requests if request.kind == "must_meet")
        apart = len(rules.requests) - meet
        parts.append(
            f"{_count(len(rules.requests), 'request')} ({meet} must meet, {apart} keep apart)"
        )
    if history_plans:
        parts.append(
            f"history: {_count(len(rules.history), 'pair')} from "
            f"{_count(history_plans, 'earlier plan')}"
        )
    if topics:
        parts.append(_count(topics, "round topic"))
    if rules.online:
        parts.append("online breakout rooms")
    return parts


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


def show_quality(
    quality: Quality,
    *,
    proven_optimal: bool,
    seconds: float | None,
    limits: list[str],
    rule_costs: list[str] | None = None,
) -> None:
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


def _solve_with_progress(
    registrations: Registrations,
    settings: EventSettings,
    rules: EventRules,
    switches: list[RuleSwitch] | None = None,
) -> tuple[PlanOutcome, bool]:
    """Run the solver beside a live progress bar; Ctrl-C stops it and keeps the best plan so far."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from speedmeet.planning import make_plan
    from speedmeet.rule_switches import rule_costs
    from speedmeet.solve.problem import Progress as SolveProgress

    stop = threading.Event()
    outcome: list[PlanOutcome] = []
    failure: list[BaseException] = []
    interrupted = False

    with Progress(
        TextColumn("[bold]Solving[/bold] {task.fields[phase]}"),
        BarColumn(),
        TextColumn("{task.fields[pairs]}"),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task("solve", total=None, phase="", pairs="")

        def report(update: SolveProgress) -> None:
            progress.update(
                task,
                completed=update.pairs,
                total=max(update.bound, 1),
                phase=update.phase,
                pairs=f"{update.pairs} / {update.bound} pairs",
            )

        def work() -> None:
            try:
                planned = make_plan(
                    registrations.participants,
                    settings,
                    rules=rules,
                    on_progress=report,
                    stop=stop,
                )
                if switches and not planned.quality.perfect and not stop.is_set():
                    progress.update(task, phase="what the rules cost", pairs="")
                    costs = rule_costs(
                        registrations.participants, settings, rules, planned, switches, stop=stop
                    )
                    if planned.plan.solve is not None:
                        planned.plan.solve.rule_costs = [cost.describe() for cost in costs]
                outcome.append(planned)
            except BaseException as error:  # handed to the main thread, re-raised there
                failure.append(error)
            finally:
                done.set()

        # Waiting on an Event, not Thread.join(): an interrupted join can report a live thread
        # as finished, and Ctrl-C must only ask the solver to stop, never lose its result.
        done = threading.Event()
        worker = threading.Thread(target=work, name="speedmeet-solver", daemon=True)
        worker.start()
        announced = error_console.is_terminal  # a terminal shows the progress bar instead
        while not done.is_set():
            try:
                if not announced:  # a log, or a test waiting for the solve to start
                    announced = True
                    console.print("Solving (Ctrl-C keeps the best plan so far)...")
                done.wait(timeout=0.1)
            except KeyboardInterrupt:
                if not interrupted:
                    interrupted = True
                    stop.set()
                    error_console.print("Stopping: keeping the best plan found so far...")
    if failure:
        raise failure[0]
    return outcome[0], interrupted


@app.command("plan")
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
    """Read a registration spreadsheet, solve the rotation and write plan.json, plan.xlsx and PDFs."""
    from speedmeet.cli_language import (
        check_font,
        choose_language,
        describe_language,
        warn_unprintable,
    )
    from speedmeet.exports import OUTPUT_NAMES, PDF_FILENAMES, write_plan_outputs
    from speedmeet.exports.online import (
        describe_manual,
        needs_manual_assignment,
        online_filenames,
        online_outputs_in,
        write_online_exports,
    )
    from speedmeet.model import EventSettings, check_start, round_slots
    from speedmeet.planfile import resolve_plan_path
    from speedmeet.readers import read_event_sheets, read_registrations
    from speedmeet.rule_switches import ignored_rules, rules_in_force
    from speedmeet.validate import rule_report

    with reporting_errors():
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
        ignored = ignored_rules(ignore_rule or [])
        folder = out if out is not None else participants.with_name(f"{participants.stem}-plan")
        outputs = [*OUTPUT_NAMES, WARNINGS_FILENAME, *(online_filenames(rounds) if online else [])]
        history_files = [resolve_plan_path(path) for path in history or []]
        refuse_overwriting_inputs(folder, [participants, *history_files], outputs)
        check_output_folder(folder)
        overrides = _parse_columns(column or [])
        registrations = read_registrations(
            participants,
            sheet=sheet,
            encoding=encoding,
            columns=overrides,
            hidden_rows=hidden_rows.value,
        )
        mixed_by = _unread_mix_column(mix, registrations, overrides)
        if (
            mixed_by is not None
        ):  # --mix names a column the reader left out: read it as the category
            registrations = read_registrations(
                participants,
                sheet=sheet,
                encoding=encoding,
                columns={**overrides, "role": mixed_by},
                hidden_rows=hidden_rows.value,
            )
        sheets = read_event_sheets(participants, registrations.participants, encoding=encoding)
        show_understood(registrations, folder)
        output_language, language_reason = choose_language(lang, registrations.language)
        console.print(describe_language(output_language, language_reason), highlight=False)
        topics = topic or sheets.topics
        rules = _event_rules(
            registrations, sheets, mix=mix, interests=interests, history=history_files,
            online=online, topics=len(topics), rounds=rounds, weight=preference_weight,
            ignored=ignored, folder=folder,
        )  # fmt: skip
        switches = rules_in_force(
            registrations.participants, rules, columns=dict(registrations.mapping),
            sheets=sheets.found,
        )  # fmt: skip
        settings = EventSettings(
            rounds=rounds,
            table_size=table_size,
            tables=tables,
            time_limit=time_limit,
            seed=seed,
            title=title,
            topics=topics,
            start=start,
            round_minutes=round_minutes,
            break_minutes=break_minutes,
            paper=paper.value,
            badge_layout=badges.value,
            qr=qr,
            language=output_language,
            font=check_font(font),
        )
        round_slots(settings, settings.rounds)  # a bad --start fails now, not after the solve
        if (start is None) != (round_minutes is None):
            console.print(
                "[yellow]Warning:[/yellow] the round sheets show times only with both --start "
                "and --round-minutes; " + ("--start" if start else "--round-minutes") + " alone "
                "is not shown",
                highlight=False,
            )
        began = time.perf_counter()
        outcome, interrupted = _solve_with_progress(registrations, settings, rules, switches)
        if interrupted:
            console.print("[yellow]Interrupted:[/yellow] writing the best plan found so far.")
        with all_or_nothing():  # Ctrl-C or a full disk midway keeps every previous file
            written = write_plan_outputs(
                outcome.plan, folder, outcome.quality, print_kit=not no_print
            )
            write_text_atomically(
                folder / WARNINGS_FILENAME,
                warnings_file(registrations.warnings, str(participants)),
            )
            written.append(folder / WARNINGS_FILENAME)
            if online:
                written.extend(write_online_exports(outcome.plan, folder))
        show_quality(
            outcome.quality,
            proven_optimal=outcome.result.proven_optimal,
            seconds=outcome.result.seconds,
            limits=outcome.result.limits,
            rule_costs=outcome.plan.solve.rule_costs if outcome.plan.solve else [],
        )
        if outcome.result.clock_stopped:
            console.print(f"[yellow]Warning:[/yellow] {SAFETY_STOP_NOTE}", highlight=False)
        show_rule_outcomes(rule_report(outcome.plan))
        if not no_print:
            warn_unprintable(console, outcome.plan)
        if online:
            manual = needs_manual_assignment(outcome.plan)
            if manual:
                console.print(
                    f"[yellow]Assign by hand[/yellow] in the meeting tool "
                    f"({_count(len(manual), 'person', 'people')}; rooms in breakout-messages.txt):",
                    highlight=False,
                )
                for line in describe_manual(manual):
                    console.print(f"  - {line}", highlight=False, markup=False)
        console.print(
            f"Written in {folder} ({time.perf_counter() - began:.1f} s): "
            + ", ".join(path.name for path in written),
            highlight=False,
            markup=False,
        )
        stale = [name for name in PDF_FILENAMES if (folder / name).exists() and no_print]
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


def _event_rules(
    registrations: Registrations,
    sheets: EventSheets,
    *,
    mix: str | None,
    interests: Interests | None,
    history: list[Path],
    online: bool,
    topics: int,
    rounds: int,
    weight: float | None = None,
    ignored: list[str] | None = None,
    folder: Path | None = None,
) -> EventRules:
    """The rules from the extra sheets and the flags, shown to the organiser before solving,
    each with why it is on; those named by --ignore-rule are switched off first (for hosts,
    in `registrations.participants`)."""
    from speedmeet.history import load_history
    from speedmeet.problem import PREFERENCE_LIMIT
    from speedmeet.rule_switches import describe_switches, rules_in_force, without_rule
    from speedmeet.rules import EventRules

    people = registrations.participants
    warnings = list(sheets.warnings)
    mix_choice = mix_field(mix, registrations) if mix is not None else None
    if interests is not None and not any(p.interests for p in people):
        warnings.append(f"--interests {interests.value}: nobody has interests in the sheet")
    pairs: list[tuple[str, str]] = []
    if history:
        pairs, history_warnings = load_history(history, people)
        warnings.extend(history_warnings)
    if sheets.topics and topics == len(sheets.topics) and len(sheets.topics) != rounds:
        warnings.append(
            f"the Rounds sheet gives {_count(len(sheets.topics), 'topic')} for "
            f"{_count(rounds, 'round')} (--rounds)"
        )
    rules = EventRules(
        mix=mix_choice[0] if mix_choice else None,
        mix_label=mix_choice[1].lower() if mix_choice else None,
        interests=interests.value if interests is not None else "off",
        tables=sheets.tables,
        requests=sheets.requests,
        history=pairs,
        online=online,
        preference_weight=weight,
    )
    for name in ignored or []:
        people, rules = without_rule(name, people, rules)
    registrations.participants = people
    offers_needs = (
        rules.offers_needs and any(p.offers for p in people) and any(p.needs for p in people)
    )
    if len(people) > PREFERENCE_LIMIT and (rules.interests != "off" or offers_needs):
        warnings.append(
            f"interests and offers/needs are weighed for events of up to {PREFERENCE_LIMIT:,} "
            f"people ({len(people):,} here): the plan keeps the other rules and ignores them"
        )
    if weight is not None and rules.interests == "off" and not offers_needs:
        warnings.append(
            "--preference-weight: there are no preferences to weigh (no --interests, and no "
            "offers meeting needs)"
        )
    if sheets.found:
        console.print(
            "Event sheets read: " + ", ".join(sheets.found), highlight=False, markup=False
        )
    parts = describe_rules(
        rules,
        people,
        mix_label=mix_choice[1] if mix_choice else None,
        history_plans=len(history),
        topics=topics,
    )
    if parts:
        console.print("[bold]Rules:[/bold] " + escape(", ".join(parts)), highlight=False)
    switches = rules_in_force(
        people, rules, columns=dict(registrations.mapping), sheets=sheets.found
    )
    for line in describe_switches(switches):
        console.print(f"  {line}", highlight=False, markup=False)
    if ignored:
        console.print(
            "Rules switched off (--ignore-rule): " + ", ".join(ignored),
            highlight=False,
            markup=False,
        )
    show_warnings(warnings, folder)
    registrations.warnings.extend(warnings)  # all of them go to warnings.txt
    return rules


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


@app.command("print")
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
    from speedmeet.cli_language import check_font, choose_language, warn_unprintable

    with reporting_errors(), all_or_nothing():
        chosen = [item.strip() for item in what.split(",") if item.strip()]
        unknown = [item for item in chosen if item not in PRINTABLES]
        if unknown or not chosen:
            raise SettingsError(
                f"--what takes some of {', '.join(PRINTABLES)}; not {', '.join(unknown) or 'nothing'}"
            )
        plan, _ = read_valid_plan(plan_dir)
        if lang is not None or font is not None:
            changed = {"language": choose_language(lang, None)[0] if lang else None}
            changed["font"] = check_font(font)
            kept = {key: value for key, value in changed.items() if value is not None}
            plan = plan.model_copy(update={"settings": plan.settings.model_copy(update=kept)})
        folder = plan_dir if plan_dir.is_dir() else plan_dir.parent
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


@app.command("report")
def report_command(
    plan_dir: Annotated[
        Path, typer.Argument(readable=False, metavar="PLAN_DIR", help="Folder holding plan.json.")
    ],
) -> None:
    """Write meetings.xlsx: who met whom, per person and per organisation, after the event."""
    from speedmeet.exports import write_meetings_report

    with reporting_errors():
        plan, quality = read_valid_plan(plan_dir)
        folder = plan_dir if plan_dir.is_dir() else plan_dir.parent
        path = write_meetings_report(plan, folder)
        console.print(
            f"Written {path}: {quality.new_pairs} cross-organisation pairs met among "
            f"{quality.participants} people from {quality.organisations} organisations.",
            highlight=False,
            markup=False,
        )


@app.command("check")
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


app.command("replan")(replan_command)
app.command("history")(history_command)
app.command("messages")(messages_command)
app.command("venue")(venue_command)


def main() -> None:
    app()
