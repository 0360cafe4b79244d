"""Sending the drafts through the organiser's SMTP server: the only part of speedmeet that
touches the network, imported only when the organiser asks to send.

A log beside the drafts records every address sent, refused or unsure as it happens (appended
and flushed line by line, so a crash loses nothing); a run started again skips every message
the log shows as sent or unsure, so nobody gets a message twice. A message counts by its
content (recipient, subject, text and calendar), so a draft re-made from the same plan is the
same message.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import smtplib
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from speedmeet.errors import SpeedmeetError

Security = Literal["starttls", "tls", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
LOG_HEADER = ["time", "status", "email", "name", "file", "message", "detail"]


class SendError(SpeedmeetError):
    """The SMTP server cannot be reached, refuses the login, or refuses the sender."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: Security = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    def describe(self) -> str:
        how = {"starttls": "STARTTLS", "tls": "TLS", "none": "no encryption"}[self.security]
        who = f" as {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({how}){who}"


@dataclass(frozen=True)
class Outgoing:
    """A draft ready to go: the message as written on disk, and what identifies it."""

    path: Path
    address: str
    name: str
    key: str
    message: EmailMessage


def message_key(message: EmailMessage) -> str:
    """What makes two messages the same: recipient, subject, text and attachments, leaving out
    the calendar's DTSTAMP (when the plan file was written), which says nothing new."""
    digest = hashlib.sha256()
    digest.update(str(message["To"]).encode())
    digest.update(b"\x00" + str(message["Subject"]).encode())
    for part in message.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        lines = payload.splitlines()
        kept = [line for line in lines if not line.startswith(b"DTSTAMP")]
        digest.update(b"\x00" + b"\n".join(kept))
    return digest.hexdigest()


def read_outgoing(path: Path, address: str, name: str) -> Outgoing:
    message = message_from_bytes(path.read_bytes(), policy=SMTP)
    del message["X-Unsent"]  # a draft flag; the sent message is no draft
    return Outgoing(path, address, name, message_key(message), message)


class SendLog:
    """send-log.csv: one line per attempt, in the order they happened."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def sent(self) -> set[str]:
        """The message keys the log shows as handed to the server (sent, or unsure: the
        connection broke before the server answered), which are never sent again."""
        if not self.path.exists():
            return set()
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return {
                row["message"]
                for row in csv.DictReader(handle)
                if row["status"] in ("sent", "unsure")
            }

    def record(self, when: datetime, status: str, item: Outgoing, detail: str = "") -> None:
        new = not self.path.exists()
        with self.path.open("a", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            if new:
                writer.writerow(LOG_HEADER)
            writer.writerow(
                [
                    when.isoformat(timespec="seconds"),
                    status,
                    item.address,
                    item.name,
                    item.path.name,
                    item.key,
                    detail,
                ]
            )
            handle.flush()
            os.fsync(handle.fileno())


class RateLimit:
    """At most `per_minute` messages in any 60 seconds. The clock and the sleep are given, so
    that tests run at once on a clock of their own."""

    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.recent: deque[float] = deque()

    def wait(self) -> None:
        if len(self.recent) >= self.per_minute:
            pause = self.recent[0] + 60.0 - self.clock()
            if pause > 0:
                self.sleep(pause)
            self.recent.popleft()
        self.recent.append(self.clock())


@dataclass
class SendReport:
    sent: list[Outgoing] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)
    skipped: list[Outgoing] = field(default_factory=list)
    unsure: list[Outgoing] = field(default_factory=list)
    """Handed over when the connection broke: they may have arrived, and are not sent again."""
    stopped: str | None = None
    """Why the run stopped before the end (connection lost, sender refused), if it did."""
    not_tried: int = 0
    reconnects: int = 0


def _connect(server: SmtpServer) -> smtplib.SMTP:
    where = f"{server.host}:{server.port}"
    context = ssl.create_default_context()
    try:
        if server.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            smtp.starttls(context=context)
    except smtplib.SMTPNotSupportedError:
        raise SendError(
            f"the SMTP server {where} offers no STARTTLS; use --security tls (port 465) if "
            "it takes encrypted connections"
        ) from None
    except ssl.SSLError as error:
        raise SendError(f"no secure connection with {where}: {error.reason}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise SendError(f"cannot reach the SMTP server {where}: {error}") from None
    if server.user:
        try:
            smtp.login(server.user, server.password or "")
        except smtplib.SMTPAuthenticationError:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
            raise SendError(
                f"the SMTP server {where} refused the login for {server.user}"
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"login at {where} failed: {error}") from None
    return smtp


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


class _NotTaken(Exception):
    """The server closed or is closing the connection before it took the message: sending it
    again on a new connection cannot make a duplicate."""


class _SenderRefused(Exception):
    """The server refuses the From address: no message can go."""


def _flatten(message: EmailMessage, international: bool) -> bytes:
    return message.as_bytes(policy=SMTPUTF8 if international else SMTP)


def _deliver(smtp: smtplib.SMTP, item: Outgoing, sender: Address) -> tuple[str, str]:
    """MAIL, RCPT and DATA one at a time, so that a failure says whether the server can have
    taken the message: ("sent", ""), ("failed", reply) when refused, or ("unsure", why) when
    the connection broke after the whole message went out but before the server's answer."""
    try:
        smtp.ehlo_or_helo_if_needed()
        international = not f"{sender.addr_spec}{item.address}".isascii()
        options: list[str] = []
        if international:
            if not smtp.has_extn("smtputf8"):
                return "failed", "the server does not take addresses with accents (SMTPUTF8)"
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        content = _flatten(item.message, international)
        code, reply = smtp.mail(sender.addr_spec, options)
        if code == 421:
            raise _NotTaken(_reply(code, reply))
        if code >= 500:
            raise _SenderRefused(_reply(code, reply))
        if code != 250:
            smtp.rset()
            return "failed", f"refused by the server: {_reply(code, reply)}"
        code, reply = smtp.rcpt(item.address)
        if code == 421:
            raise _NotTaken(_reply(code, reply))
        if code not in (250, 251):
            smtp.rset()
            return "failed", f"refused by the server: {_reply(code, reply)}"
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code == 421:
            raise _NotTaken(_reply(code, reply))
        if code != 354:
            smtp.rset()
            return "failed", f"refused by the server: {_reply(code, reply)}"
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        raise _NotTaken(str(error) or type(error).__name__) from None
    body = re.sub(rb"(?m)^\.", b"..", content.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    try:
        smtp.send(body + b".\r\n")
        code, reply = smtp.getreply()
    except (smtplib.SMTPServerDisconnected, OSError) as error:
        return "unsure", f"the connection broke while the server took the message ({error})"
    if code == 250:
        return "sent", ""
    if code == 421:
        raise _NotTaken(_reply(code, reply))
    return "failed", f"refused by the server: {_reply(code, reply)}"


MAX_RECONNECTS = 3
"""New connections tried in a row for one message before the run stops (a server that closes
after so many messages per connection gets a new one each time)."""


def send_all(
    messages: Sequence[Outgoing],
    server: SmtpServer,
    sender: Address,
    log: SendLog,
    *,
    per_minute: int,
    limit: RateLimit | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    on_attempt: Callable[[Outgoing, str], None] | None = None,
) -> SendReport:
    """Send every message the log does not show as sent or unsure, one recipient per message.

    A refused recipient is logged and the run goes on. A connection the server closes before
    taking a message is opened again (some servers take only so many messages a connection);
    when that keeps failing, or the server refuses the sender, the run stops, and running it
    again resumes after the last message sent. A message whose connection broke after it was
    handed over is "unsure": it may have arrived, so it is never sent again by itself.
    """
    report = SendReport()
    pending = _pending(messages, log, report)
    if not pending:
        return report
    limit = limit or RateLimit(per_minute)
    smtp: smtplib.SMTP | None = _connect(server)
    index = reconnects = 0
    try:
        while index < len(pending):
            item = pending[index]
            if reconnects == 0:
                limit.wait()
            _stamp(item, sender, now)
            try:
                if smtp is None:
                    smtp = _connect(server)
                status, detail = _deliver(smtp, item, sender)
            except (_NotTaken, SendError) as lost:
                _close(smtp)
                smtp = None
                reconnects += 1
                report.reconnects += 1
                if reconnects <= MAX_RECONNECTS:
                    continue
                report.stopped = f"the connection to {server.host} was lost ({lost})"
            except _SenderRefused as refusal:
                report.stopped = f"the server refused the sender {sender.addr_spec}: {refusal}"
            if report.stopped is not None:
                _record(report, log, item, "failed", report.stopped, now)
                report.not_tried = len(pending) - index - 1
                break
            reconnects = 0
            _record(report, log, item, status, detail, now)
            if on_attempt is not None:
                on_attempt(item, status)
            index += 1
    finally:
        _close(smtp, politely=True)
    return report


def _pending(messages: Sequence[Outgoing], log: SendLog, report: SendReport) -> list[Outgoing]:
    """The messages to send: those the log does not show as sent or unsure (skipped)."""
    done = log.sent()
    pending: list[Outgoing] = []
    for item in messages:
        (report.skipped if item.key in done else pending).append(item)
    return pending


def _record(
    report: SendReport,
    log: SendLog,
    item: Outgoing,
    status: str,
    detail: str,
    now: Callable[[], datetime],
) -> None:
    """What became of one message, in the log (first) and in the report."""
    log.record(now(), status, item, detail)
    {"sent": report.sent, "unsure": report.unsure}.get(status, []).append(item)
    if status == "failed":
        report.failed.append((item, detail))


def _stamp(item: Outgoing, sender: Address, now: Callable[[], datetime]) -> None:
    """The headers a sent message carries and a draft does not: From, Date and Message-ID."""
    message = item.message
    del message["Date"], message["Message-ID"]
    if message["From"] is None:
        message["From"] = sender
    message["Date"] = format_datetime(now())
    message["Message-ID"] = f"<{item.key[:32]}@{sender.domain}>"


def _close(smtp: smtplib.SMTP | None, *, politely: bool = False) -> None:
    if smtp is None:
        return
    with contextlib.suppress(OSError, smtplib.SMTPException, socket.timeout):
        if politely:
            smtp.quit()
        else:
            smtp.close()
