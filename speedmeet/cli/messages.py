"""`speedmeet messages`: each participant's tables before the event, what changed after a
replan, and whom they met afterwards; written as drafts, sent only with --send."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from speedmeet.cli.common import read_valid_plan, reporting_errors
from speedmeet.cli.sending import SmtpOptions, send_drafts
from speedmeet.errors import SettingsError
from speedmeet.messages import FOLDERS, WITHOUT_EMAIL
from speedmeet.messages.template import PLACEHOLDERS

if TYPE_CHECKING:  # the e-mail and calendar libraries load only when the command runs
    from speedmeet.messages.drafts import DraftsResult
    from speedmeet.model import Plan

PASSWORD_VARIABLE = "SPEEDMEET_SMTP_PASSWORD"


class Security(StrEnum):
    starttls = "starttls"
    tls = "tls"
    none = "none"


def _show_result(console: Console, result: DraftsResult, kind: str, dated: bool) -> None:
    what = {
        "itinerary": ("itinerary", "itineraries"),
        "changes": ("change notice", "change notices"),
        "after": ("who-you-met list", "who-you-met lists"),
    }[kind]
    count = len(result.drafts)
    calendars = " with calendar files (.ics)" if result.calendars else ""
    console.print(
        f"Written in {result.folder}: {count} {what[0] if count == 1 else what[1]} as drafts (.eml)"
        f"{calendars}, and mail-merge.csv",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if kind == "changes":
        console.print(
            f"{result.unchanged} people whose tables did not change get no message.",
            highlight=False,
        )
    if kind != "after" and not dated:
        console.print(
            "No calendar files: give --date (e.g. --date 2026-03-12); the rounds also need a "
            "start time and length (--start, --round-minutes).",
            highlight=False,
        )
    if result.without_email:
        console.print(
            f"No usable e-mail for {len(result.without_email)} "
            f"{'person' if len(result.without_email) == 1 else 'people'} (their messages are "
            f"in {WITHOUT_EMAIL}, to hand over another way):",
            highlight=False,
            markup=False,
        )
        for person, reason in result.without_email:
            console.print(
                f"  - {person.name} ({person.organisation}): {reason}",
                highlight=False,
                markup=False,
            )


def messages_command(
    plan_dir: Annotated[Path, typer.Argument(metavar="PLAN_DIR", help="Folder holding plan.json.")],
    after: Annotated[
        bool,
        typer.Option(
            "--after",
            help="After the event: each person's list of whom they sat with (e-mail addresses "
            "only of those who consented).",
        ),
    ] = False,
    changes: Annotated[
        bool,
        typer.Option(
            "--changes", help="After a replan: messages only for people whose tables changed."
        ),
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(
            metavar="vN|FILE",
            help="With --changes: the plan version people were told about (default: the latest "
            "kept plan.vN.json).",
        ),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="Date of the event (2026-03-12), for the calendar files.")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where the event takes place.")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(help="Time zone of the times, e.g. Europe/Zurich (default: local time)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="Start of round 1, if the plan has none (14:00).")
    ] = None,
    round_minutes: Annotated[
        int | None, typer.Option(min=1, help="Length of a round, if the plan has none.")
    ] = None,
    break_minutes: Annotated[
        int | None, typer.Option(min=0, help="Break between rounds, if the plan has none.")
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(help="Message template: a 'Subject:' line, a blank line, the text."),
    ] = None,
    show_template: Annotated[
        bool, typer.Option("--show-template", help="Print the default template and stop.")
    ] = False,
    sender: Annotated[
        str | None,
        typer.Option(help='From: "Name <address@example.org>"; the name signs the message.'),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the drafts (default: messages/ in the plan folder)."),
    ] = None,
    send: Annotated[
        bool, typer.Option("--send", help="Send the messages through an SMTP server.")
    ] = False,
    smtp_host: Annotated[str | None, typer.Option(help="SMTP server, e.g. smtp.example.org.")] = (
        None
    ),
    smtp_port: Annotated[
        int | None, typer.Option(help="SMTP port (default: 587, 465 with TLS).")
    ] = None,
    security: Annotated[
        Security, typer.Option(help="starttls (port 587), tls (465) or none (local servers).")
    ] = Security.starttls,
    smtp_user: Annotated[str | None, typer.Option(help="SMTP login name.")] = None,
    password_env: Annotated[
        str,
        typer.Option(
            help="Environment variable holding the SMTP password; without it you are asked."
        ),
    ] = PASSWORD_VARIABLE,
    per_minute: Annotated[
        int, typer.Option(min=1, help="Send at most this many messages a minute.")
    ] = 20,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --send: show what would be sent, send nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="With --send: send without asking to confirm.")
    ] = False,
) -> None:
    """Write each participant's message as an e-mail draft with a calendar file, and a
    mail-merge csv; with --send, deliver them through your SMTP server.

    \f
    Longer than 60 lines only by its signature, one `Annotated` option per flag; the choices
    are checked and the drafts written by `speedmeet.message_setup`.
    """
    from speedmeet.message_setup import (
        MessageTimes,
        check_sending,
        message_batch,
        message_kind,
        write_messages,
    )
    from speedmeet.planfile import resolve_plan_path

    console = Console()
    with reporting_errors():
        kind = message_kind(after=after, changes=changes)
        if show_template:
            _show_template(console, kind, plan_dir)
            return
        if (dry_run or yes or smtp_host) and not send:
            raise SettingsError("--smtp-host, --dry-run and --yes go with --send")
        if send:
            check_sending(smtp_host, sender, security.value, smtp_user)
        plan, _ = read_valid_plan(plan_dir)
        plan_path = resolve_plan_path(plan_dir)
        batch = message_batch(
            plan, plan_path, kind, since=since, date=date, place=place, timezone=timezone,
            sender=sender, template=template,
            times=MessageTimes(start, round_minutes, break_minutes),
        )  # fmt: skip
        folder = out if out is not None else plan_path.parent / FOLDERS[kind]
        if kind == "changes":
            console.print(f"Compared with {batch.since}.", highlight=False, markup=False)
        result = write_messages(plan, folder, batch)
        _show_result(console, result, kind, batch.dated)
        _show_notes(console, plan, plan_path, kind)
        if send:
            smtp = SmtpOptions(
                sender=sender, host=smtp_host, port=smtp_port, security=security.value,
                user=smtp_user, password_env=password_env, per_minute=per_minute,
            )  # fmt: skip
            send_drafts(console, result, smtp, dry_run=dry_run, yes=yes)


def _show_template(console: Console, kind: str, plan_dir: Path) -> None:
    """The default template, in the plan's language, and the placeholders it may use."""
    from speedmeet.message_setup import template_text

    console.print(template_text(kind, plan_dir), highlight=False, markup=False, soft_wrap=True)
    console.print(
        "Placeholders: " + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind]),
        highlight=False,
        markup=False,
    )


def _show_notes(console: Console, plan: Plan, plan_path: Path, kind: str) -> None:
    """Whose addresses the who-you-met lists show, and that a replanned plan has --changes."""
    if kind == "after":
        sharing = sum(1 for p in plan.participants if p.consent and p.email)
        console.print(
            f"{sharing} of {len(plan.participants)} people agreed to share their e-mail "
            "(the sheet's consent column); only their addresses appear in the lists.",
            highlight=False,
            soft_wrap=True,
        )
    if kind == "itinerary" and any(plan_path.parent.glob("plan.v*.json")):
        console.print(
            "This plan was replanned: --changes writes messages only for the people whose "
            "tables changed.",
            highlight=False,
        )
