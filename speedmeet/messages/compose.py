"""A participant's message as a mail client opens it: an RFC 5322 draft built with the standard
`email` package, with the rounds as an iCalendar attachment built with `icalendar`.

Drafts carry `X-Unsent: 1`, which makes Outlook open them ready to send; Thunderbird and Apple
Mail open them as messages ("Edit as new" / "Send again"). Names and subjects in any script are
encoded as the standards say (RFC 2047 words in headers, UTF-8 bodies).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import getaddresses
from zoneinfo import ZoneInfo

import icalendar

from speedmeet import __version__
from speedmeet.errors import SettingsError
from speedmeet.messages import texts
from speedmeet.messages.content import Seat

_ADDRESS = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]+$")


def usable_address(text: str | None) -> str | None:
    """The address in a cell when it can receive mail ("Name <a@b.org>", "mailto:a@b.org", the
    first of "a@b.org; c@d.org"), its domain in ASCII (IDNA); None for "n/a" or "john at x"."""
    if not text:
        return None
    cleaned = re.sub(r"(?i)mailto:", "", text.strip())
    found = [address for _, address in getaddresses([cleaned.replace(";", ",")])]
    found += [token.strip("<>()") for token in re.split(r"[\s;,]+", cleaned)]
    address = next((a.rstrip(".") for a in found if _ADDRESS.match(a.rstrip("."))), None)
    if address is None:
        return None
    username, _, domain = address.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{username}@{ascii_domain}"


def parse_sender(text: str) -> Address:
    """`--sender "Team Name <team@example.org>"` or a bare address, checked."""
    match = re.match(r"^\s*(.*?)\s*<([^<>]+)>\s*$", text)
    name, address = (match.group(1).strip('" '), match.group(2)) if match else ("", text.strip())
    if usable_address(address) is None:
        raise SettingsError(
            f'--sender {text!r} is not an e-mail address; write "Name <address@example.org>"'
        )
    return _address(name, address)


def _address(name: str, address: str) -> Address:
    username, _, domain = address.strip().rpartition("@")
    try:
        return Address(display_name=name, username=username, domain=domain)
    except (ValueError, IndexError) as error:
        raise SettingsError(f"{address}: not an e-mail address ({error})") from None


def event_uid(event_key: str, person_id: str, round_number: int) -> str:
    """The same person, event and round always get the same UID, so that an itinerary sent again
    after a replan updates the calendar entries instead of adding new ones."""
    digest = hashlib.sha256(f"{event_key}\x00{person_id}".encode()).hexdigest()[:20]
    return f"speedmeet-{digest}-r{round_number}@speedmeet.invalid"


def calendar(
    person_seats: Sequence[Seat],
    *,
    person_id: str,
    event: str,
    event_key: str,
    place: str | None,
    timezone: str | None,
    sequence: int,
    stamp: dt.datetime,
    cancelled_rounds: Sequence[Seat] = (),
) -> bytes | None:
    """One VEVENT per seated round, and a CANCELLED one for each round the person lost since the
    itinerary they were sent; None when the rounds have no date and times."""
    timed = [seat for seat in person_seats if seat.table is not None and seat.start is not None]
    lost = [seat for seat in cancelled_rounds if seat.start is not None and seat.table is not None]
    if not timed and not lost:
        return None
    zone = ZoneInfo(timezone) if timezone else None
    cal = icalendar.Calendar.new(
        prodid=f"-//speedmeet//speedmeet {__version__}//EN",
        method="PUBLISH",
        name=event,
        uid=f"speedmeet-{hashlib.sha256(f'{event_key}|{person_id}'.encode()).hexdigest()[:20]}",
    )
    stamp_utc = stamp.astimezone(dt.UTC)
    for seat, status in [*((s, "CONFIRMED") for s in timed), *((s, "CANCELLED") for s in lost)]:
        assert seat.start is not None and seat.end is not None and seat.table is not None
        start, end = seat.start, seat.end
        if zone is not None:
            start, end = start.replace(tzinfo=zone), end.replace(tzinfo=zone)
        entry = icalendar.Event.new(
            uid=event_uid(event_key, person_id, seat.round),
            summary=texts.event_summary(event, seat.round, seat.table),
            description=texts.event_description(seat.round, seat.table, seat.topic),
            location=texts.event_location(place, seat.table),
            start=start,
            end=end,
            stamp=stamp_utc,
            sequence=sequence,
        )
        entry.add("status", status)
        cal.add_component(entry)
    if zone is not None:
        cal.add_missing_timezones()
    return bytes(cal.to_ical())


def draft(
    *,
    recipient_name: str,
    recipient: str,
    subject: str,
    body: str,
    sender: Address | None,
    attachment: bytes | None,
) -> bytes:
    """The .eml bytes: a text part, and the calendar as an attachment when there is one."""
    # An address with a non-ASCII name part ("jürgen@...") needs UTF-8 headers (RFC 6531).
    message = EmailMessage(policy=SMTP if recipient.isascii() else SMTPUTF8)
    message["X-Unsent"] = "1"
    if sender is not None:
        message["From"] = sender
    message["To"] = _address(recipient_name, recipient)
    message["Subject"] = subject
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    if attachment is not None:
        message.add_attachment(
            attachment,
            maintype="text",
            subtype="calendar",
            filename=texts.calendar_filename(),
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    # A boundary made from the content, not at random: the same plan gives the same files.
    if attachment is not None:
        digest = hashlib.sha256(f"{recipient}\x00{subject}\x00{body}".encode() + attachment)
        message.set_boundary(f"speedmeet-{digest.hexdigest()[:24]}")
    return message.as_bytes()
