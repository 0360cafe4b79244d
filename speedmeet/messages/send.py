"""Sending the drafts through the organiser's SMTP server: the only part of speedmeet that
touches the network, imported only when the organiser asks to send.

A log beside the drafts records every address sent or failed, as it happens (appended and
flushed line by line, so a crash loses nothing); a run started again skips every message the
log shows as sent, so nobody gets a message twice. A message counts by its content (recipient,
subject, text and calendar), so a draft re-made from the same plan is the same message.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
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
from email.policy import SMTP
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
        """The message keys the log shows as delivered to the server."""
        if not self.path.exists():
            return set()
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return {row["message"] for row in csv.DictReader(handle) if row["status"] == "sent"}

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
    stopped: str | None = None
    """Why the run stopped before the end (connection lost, sender refused), if it did."""
    not_tried: int = 0


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


def _refusal(error: smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException) -> str:
    text: bytes | str
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
    else:
        code, text = error.smtp_code, error.smtp_error
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"refused by the server: {code} {reply}"


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
    """Send every message the log does not show as sent, one recipient per message.

    A refused recipient is logged and the run goes on; a lost connection or a refused sender
    stops it, and running again resumes after the last message sent.
    """
    report = SendReport()
    done = log.sent()
    pending: list[Outgoing] = []
    for item in messages:
        (report.skipped if item.key in done else pending).append(item)
    if not pending:
        return report
    limit = limit or RateLimit(per_minute)
    smtp = _connect(server)
    try:
        for index, item in enumerate(pending):
            limit.wait()
            message = item.message
            del message["Date"], message["Message-ID"]
            if message["From"] is None:
                message["From"] = sender
            message["Date"] = format_datetime(now())
            message["Message-ID"] = f"<{item.key[:32]}@{sender.domain}>"
            detail = ""
            try:
                smtp.send_message(message, from_addr=sender.addr_spec, to_addrs=[item.address])
            except smtplib.SMTPRecipientsRefused as error:
                detail = _refusal(error)
            except smtplib.SMTPSenderRefused as error:
                report.stopped = f"the server refused the sender {sender.addr_spec}: " + _refusal(
                    error
                ).removeprefix("refused by the server: ")
            except (smtplib.SMTPDataError, smtplib.SMTPNotSupportedError) as error:
                detail = _refusal(error) if isinstance(error, smtplib.SMTPDataError) else str(error)
            except (smtplib.SMTPServerDisconnected, OSError) as error:
                report.stopped = f"the connection to {server.host} was lost ({error})"
            if report.stopped is not None:
                log.record(now(), "failed", item, report.stopped)
                report.failed.append((item, report.stopped))
                report.not_tried = len(pending) - index - 1
                break
            status = "failed" if detail else "sent"
            log.record(now(), status, item, detail)
            if detail:
                report.failed.append((item, detail))
            else:
                report.sent.append(item)
            if on_attempt is not None:
                on_attempt(item, status)
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException, socket.timeout):
            smtp.quit()
    return report
