"""`speedmeet messages --send`: show the first message and the count, ask, then send; the
network is touched only here."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from speedmeet.errors import SpeedmeetError
from speedmeet.messages import SEND_LOG

if TYPE_CHECKING:  # the e-mail libraries load only when sending
    from speedmeet.messages.drafts import DraftsResult
    from speedmeet.messages.send import Outgoing, SendLog, SendReport, SmtpServer


@dataclass(frozen=True)
class SmtpOptions:
    """The server and sender the options name (checked before any draft was written)."""

    sender: str | None
    host: str | None
    port: int | None
    security: str
    user: str | None
    password_env: str
    per_minute: int


def send_drafts(
    console: Console, result: DraftsResult, smtp: SmtpOptions, *, dry_run: bool, yes: bool
) -> None:
    """Send the drafts not sent before, after showing the first and asking (unless --yes)."""
    from speedmeet.messages.send import DEFAULT_PORTS, SendLog, SmtpServer, read_outgoing

    assert smtp.host is not None and smtp.sender is not None  # checked before the drafts
    server = SmtpServer(
        host=smtp.host,
        port=smtp.port or DEFAULT_PORTS[smtp.security],
        security=smtp.security,  # type: ignore[arg-type]
        user=smtp.user,
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
    _show_first(console, pending, smtp, server)
    if dry_run:
        console.print("Dry run: nothing was sent.", highlight=False)
        return
    if not yes and not typer.confirm("Send them now?", default=False):
        console.print("Nothing was sent.", highlight=False)
        return
    report = _deliver(console, pending, smtp, server, log)
    _show_report(console, report, len(pending), log)


def _show_first(
    console: Console, pending: list[Outgoing], smtp: SmtpOptions, server: SmtpServer
) -> None:
    """The first message as it will leave, and how many follow at what pace."""
    first = pending[0].message
    text = first.get_body(preferencelist=("plain",))
    console.rule("First message")
    attached = [part.get_filename() or "" for part in first.iter_attachments()]
    console.print(
        f"From: {smtp.sender}\nTo: {first['To']}\nSubject: {first['Subject']}"
        + (f"\nAttachment: {', '.join(attached)}" if attached else "")
        + "\n",
        highlight=False,
        markup=False,
    )
    console.print(text.get_content() if text is not None else "", highlight=False, markup=False)
    console.rule()
    minutes = math.ceil(len(pending) / smtp.per_minute)
    console.print(
        f"Ready to send {len(pending)} {'message' if len(pending) == 1 else 'messages'} through "
        f"{server.describe()}, at most {smtp.per_minute} a minute (about {minutes} min).",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


def _deliver(
    console: Console,
    pending: list[Outgoing],
    smtp: SmtpOptions,
    server: SmtpServer,
    log: SendLog,
) -> SendReport:
    """Send, one line per message; Ctrl-C stops with what was sent, never sending one twice."""
    from speedmeet.messages.compose import parse_sender
    from speedmeet.messages.send import SmtpServer, send_all

    assert smtp.sender is not None
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
        if smtp.user:
            password = os.environ.get(smtp.password_env) or typer.prompt(
                f"SMTP password for {smtp.user} at {smtp.host}", hide_input=True
            )
        server = SmtpServer(server.host, server.port, server.security, smtp.user, password)
        return send_all(
            pending,
            server,
            parse_sender(smtp.sender),
            log,
            per_minute=smtp.per_minute,
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


def _show_report(console: Console, report: SendReport, pending: int, log: SendLog) -> None:
    """What was sent, refused or may have arrived; an error when anything is left to send."""
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
            f"{len(report.unsure)} of {pending} messages may not have arrived (see {log.path})"
        )
    if report.failed:
        raise SpeedmeetError(
            f"{len(report.failed)} of {pending} messages were refused (see {log.path}); "
            "running the command again retries only those"
        )
