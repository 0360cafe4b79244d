"""`speedmeet messages`: each participant's tables before the event, what changed after a
replan, and whom they met afterwards; written as drafts, sent only with --send.

The lead's `speedmeet.cli` registers the command; its `reporting_errors` and `read_valid_plan`
are imported when the command runs, as `cli_replan` does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console

from speedmeet.errors import SettingsError, SpeedmeetError
from speedmeet.messages import FOLDERS, SEND_LOG, WITHOUT_EMAIL
from speedmeet.messages.template import PLACEHOLDERS, read_template

if TYPE_CHECKING:  # the e-mail and calendar libraries load only when the command runs
    from speedmeet.messages.drafts import DraftsResult
    from speedmeet.messages.send import Outgoing
    from speedmeet.model import Plan

PASSWORD_VARIABLE = "SPEEDMEET_SMTP_PASSWORD"
_VERSION = re.compile(r"^plan\.v(\d+)\.json$")


class Security(StrEnum):
    starttls = "starttls"
    tls = "tls"
    none = "none"


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise SettingsError(f"--date {text!r} is not a date like 2026-03-12") from None


def _timezone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"--timezone {name!r} is not a time zone; write it like Europe/Zurich"
        ) from None
    return name


def _previous_plan(folder: Path, since: str | None) -> tuple[Plan, str]:
    from speedmeet.planfile import read_plan

    """The plan participants were last told about: --since vN or a file, else the latest kept."""
    if since is not None:
        wanted = since.strip()
        path = folder / f"plan.{wanted}.json" if re.fullmatch(r"v\d+", wanted) else Path(wanted)
        return read_plan(path), path.name
    versions = sorted(
        (int(match.group(1)), path)
        for path in folder.glob("plan.v*.json")
        if (match := _VERSION.match(path.name))
    )
    if not versions:
        raise SettingsError(
            f"{folder}: no earlier version of the plan (plan.v1.json, ...); --changes compares "
            "with the plan before `speedmeet replan`"
        )
    path = versions[-1][1]
    return read_plan(path), path.name


def _stamp(plan: Plan, plan_path: Path) -> tuple[dt.datetime, int]:
    """When this version of the plan was made, and how many replans it has had."""
    history = (plan.model_extra or {}).get("replans") or []
    if history:
        try:
            return dt.datetime.fromisoformat(str(history[-1].get("at"))), len(history)
        except ValueError:
            pass
    mtime = plan_path.stat().st_mtime
    return dt.datetime.fromtimestamp(int(mtime), dt.UTC), len(history)


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
    mail-merge csv; with --send, deliver them through your SMTP server."""
    from speedmeet.cli import read_valid_plan, reporting_errors
    from speedmeet.i18n import language
    from speedmeet.messages import texts
    from speedmeet.messages.compose import parse_sender
    from speedmeet.messages.drafts import MessageOptions, write_drafts
    from speedmeet.model import round_slots
    from speedmeet.planfile import read_plan, resolve_plan_path

    console = Console()
    with reporting_errors():
        if after and changes:
            raise SettingsError("--after and --changes are two kinds of message; choose one")
        kind = "after" if after else "changes" if changes else "itinerary"
        if show_template:
            code = None  # the plan's language when PLAN_DIR holds one, else English
            with contextlib.suppress(SpeedmeetError):
                code = read_plan(plan_dir).settings.language
            speech = language(code)
            with texts.speaking(speech, speech.code):
                text = default_template_text(kind)
            console.print(text, highlight=False, markup=False, soft_wrap=True)
            console.print(
                "Placeholders: " + ", ".join(f"{{{name}}}" for name in PLACEHOLDERS[kind]),
                highlight=False,
                markup=False,
            )
            return
        if (dry_run or yes or smtp_host) and not send:
            raise SettingsError("--smtp-host, --dry-run and --yes go with --send")
        if send:
            _check_sending(smtp_host, sender, security.value, smtp_user)
        plan, _ = read_valid_plan(plan_dir)
        plan_path = resolve_plan_path(plan_dir)
        updates = {
            key: value
            for key, value in (
                ("start", start),
                ("round_minutes", round_minutes),
                ("break_minutes", break_minutes),
            )
            if value is not None
        }
        settings = plan.settings.model_copy(update=updates)
        round_slots(settings, len(plan.rounds))  # a bad --start fails here
        previous, since_name = (
            _previous_plan(plan_path.parent, since) if kind == "changes" else (None, "")
        )
        stamp, sequence = _stamp(plan, plan_path)
        options = MessageOptions(
            kind=kind,
            date=_date(date),
            place=place.strip() if place and place.strip() else None,
            timezone=_timezone(timezone),
            sender=parse_sender(sender) if sender else None,
            template=read_template(template, kind) if template else None,
            settings=settings,
            previous=previous,
            stamp=stamp,
            sequence=sequence,
        )
        folder = out if out is not None else plan_path.parent / FOLDERS[kind]
        if kind == "changes":
            console.print(f"Compared with {since_name}.", highlight=False, markup=False)
        speech = language(plan.settings.language)
        with texts.speaking(speech, speech.code):  # the plan's language, as its PDFs speak
            result = write_drafts(plan, folder, options)
        dated = options.date is not None and round_slots(settings, 1)[0] is not None
        _show_result(console, result, kind, dated)
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
        if send:
            _send(
                console,
                result,
                sender=sender,
                host=smtp_host,
                port=smtp_port,
                security=security.value,
                user=smtp_user,
                password_env=password_env,
                per_minute=per_minute,
                dry_run=dry_run,
                yes=yes,
            )


def _check_sending(host: str | None, sender: str | None, security: str, user: str | None) -> None:
    """What --send needs, checked before any draft is written."""
    if not host:
        raise SettingsError("--send needs --smtp-host (your organisation's SMTP server)")
    if not sender:
        raise SettingsError('--send needs --sender "Name <address@example.org>" (the From)')
    local = host in ("localhost", "127.0.0.1", "::1")
    if user and security == "none" and not local:
        raise SettingsError(
            "--security none would send your password unencrypted; use starttls or tls"
        )


def default_template_text(kind: str) -> str:
    from speedmeet.messages.drafts import default_template

    template = default_template(kind)
    return f"Subject: {template.subject}\n\n{template.body}"


def _send(
    console: Console,
    result: DraftsResult,
    *,
    sender: str | None,
    host: str | None,
    port: int | None,
    security: str,
    user: str | None,
    password_env: str,
    per_minute: int,
    dry_run: bool,
    yes: bool,
) -> None:
    """Show the first message and the count, ask, then send; the network is touched only here."""
    from speedmeet.messages.compose import parse_sender
    from speedmeet.messages.send import (
        DEFAULT_PORTS,
        SendLog,
        SmtpServer,
        read_outgoing,
        send_all,
    )

    assert host is not None and sender is not None  # checked before the drafts were written
    server = SmtpServer(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,  # type: ignore[arg-type]
        user=user,
    )
    messages = [read_outgoing(d.path, d.address, d.person.name) for d in result.drafts]
    log = SendLog(result.folder / SEND_LOG)
    done = log.sent()
    pending = [item for item in messages if item.key not in done]
    skipped = len(messages) - len(pending)
    if skipped:
        console.print(
            f"{skipped} of these messages were sent before ({SEND_LOG}); they are not sent again.",
            highlight=False,
        )
    if not pending:
        console.print("Nothing left to send.", highlight=False)
        return
    first = pending[0].message
    text = first.get_body(preferencelist=("plain",))
    console.rule("First message")
    attached = [part.get_filename() or "" for part in first.iter_attachments()]
    console.print(
        f"From: {sender}\nTo: {first['To']}\nSubject: {first['Subject']}"
        + (f"\nAttachment: {', '.join(attached)}" if attached else "")
        + "\n",
        highlight=False,
        markup=False,
    )
    console.print(text.get_content() if text is not None else "", highlight=False, markup=False)
    console.rule()
    minutes = math.ceil(len(pending) / per_minute)
    console.print(
        f"Ready to send {len(pending)} {'message' if len(pending) == 1 else 'messages'} through "
        f"{server.describe()}, at most {per_minute} a minute (about {minutes} min).",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    if dry_run:
        console.print("Dry run: nothing was sent.", highlight=False)
        return
    if not yes and not typer.confirm("Send them now?", default=False):
        console.print("Nothing was sent.", highlight=False)
        return
    statuses: list[str] = []

    def progress(item: Outgoing, status: str) -> None:
        statuses.append(status)
        console.print(
            f"  {len(statuses)}/{len(pending)} {status}: {item.address}",
            highlight=False,
            markup=False,
        )

    try:
        password = None
        if user:
            password = os.environ.get(password_env) or typer.prompt(
                f"SMTP password for {user} at {host}", hide_input=True
            )
        server = SmtpServer(server.host, server.port, server.security, user, password)
        report = send_all(
            pending,
            server,
            parse_sender(sender),
            log,
            per_minute=per_minute,
            on_attempt=progress,
        )
    except KeyboardInterrupt:
        console.print(
            f"Interrupted: {statuses.count('sent')} sent (see {log.path}). Run the same command "
            "again to send the rest; nobody gets a message twice.",
            highlight=False,
            markup=False,
        )
        raise typer.Exit(130) from None
    console.print(
        f"Sent {len(report.sent)}; failed {len(report.failed)}"
        + (f"; unsure {len(report.unsure)}" if report.unsure else "")
        + f"; log: {log.path}",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )
    for item, detail in report.failed:
        console.print(f"  not sent to {item.address}: {detail}", highlight=False, markup=False)
    if report.reconnects:
        console.print(
            f"The server closed the connection "
            f"{'once' if report.reconnects == 1 else f'{report.reconnects} times'} before taking a "
            "message; each time speedmeet connected again and sent it.",
            highlight=False,
        )
    for item in report.unsure:
        console.print(
            f"  may have arrived at {item.address}: the connection broke while the server took "
            "it; it is not sent again (ask them, or delete its line in the log to resend it)",
            highlight=False,
            markup=False,
        )
    if report.stopped is not None:
        raise SpeedmeetError(
            f"{report.stopped}; {len(report.sent)} sent, "
            f"{report.not_tried + 1} not sent yet. Run the same command again to send the rest: "
            "nobody gets a message twice"
        )
    if report.unsure and not report.failed:
        raise SpeedmeetError(
            f"{len(report.unsure)} of {len(pending)} messages may not have arrived (see {log.path})"
        )
    if report.failed:
        raise SpeedmeetError(
            f"{len(report.failed)} of {len(pending)} messages were refused (see {log.path}); "
            "running the command again retries only those"
        )
