"""The messages of one plan written as files an organiser opens, sends or mail-merges: a draft
(.eml) and calendar (.ics) per participant with an e-mail, one mail-merge csv, and a csv of the
people who have no usable e-mail, whose message the organiser hands over another way.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path

from speedmeet.cells import csv_cell
from speedmeet.files import all_or_nothing, atomic_path, make_output_folder, write_bytes_atomically
from speedmeet.messages import MAIL_MERGE, WITHOUT_EMAIL, compose, content, texts
from speedmeet.messages.content import PlanView
from speedmeet.messages.template import Template, parse_template, render
from speedmeet.model import EventSettings, Participant, Plan

KINDS = ("itinerary", "changes", "after")
PART = {"itinerary": "itinerary", "changes": "changes", "after": "meetings"}
"""The mail-merge column holding the part of the message a letter of one's own would use."""


@dataclass
class MessageOptions:
    """What the organiser chose for one batch of messages."""

    kind: str = "itinerary"
    date: dt.date | None = None
    place: str | None = None
    timezone: str | None = None
    sender: Address | None = None
    template: Template | None = None
    settings: EventSettings | None = None
    """The plan's settings with the times given on the command line, if any."""
    previous: Plan | None = None
    """For "changes": the plan the participants were last told about."""
    stamp: dt.datetime = field(default_factory=lambda: dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    """When this version of the plan was made (the calendar's DTSTAMP)."""
    sequence: int = 0
    """How many times the plan was replanned (the calendar's SEQUENCE: newer wins)."""


@dataclass(frozen=True)
class Draft:
    person: Participant
    address: str
    path: Path
    subject: str
    body: str
    calendar: Path | None


@dataclass
class DraftsResult:
    folder: Path
    drafts: list[Draft] = field(default_factory=list)
    without_email: list[tuple[Participant, str]] = field(default_factory=list)
    unchanged: int = 0
    """For "changes": people whose tables stayed the same (no message)."""
    written: list[Path] = field(default_factory=list)
    calendars: int = 0


def default_template(kind: str) -> Template:
    source = {
        "itinerary": texts.itinerary_template,
        "changes": texts.changes_template,
        "after": texts.after_template,
    }[kind]()
    return parse_template(source, kind, f"default {kind} template")


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:40]


def _stem(person: Participant) -> str:
    """A file name sorted by id and readable by name ("p001-amira-haddad"), ASCII only."""
    name = _slug(person.name)
    return "-".join(part for part in (_slug(person.id) or "participant", name) if part)


def _recipients(view: PlanView, previous: PlanView | None) -> tuple[list[Participant], int]:
    """Who gets a message, and (for changes) how many were left out as unchanged."""
    if previous is None:
        return [p for p in view.plan.participants if view.seated(p.id)], 0
    chosen: list[Participant] = []
    unchanged = 0
    everyone = {**previous.people, **view.people}
    for person in everyone.values():
        found = content.changes(previous, view, person.id)
        if found is None and not view.seated(person.id):
            continue  # neither before nor now: nothing to say
        if found == []:
            unchanged += 1
            continue
        chosen.append(person)
    return chosen, unchanged


def _values(
    view: PlanView,
    previous: PlanView | None,
    person: Participant,
    options: MessageOptions,
    settings: EventSettings,
) -> tuple[dict[str, str], list[content.Seat]]:
    plan = view.plan
    person_seats = content.seats(view, settings, person.id, options.date)
    values = {
        "name": person.name,
        "organisation": person.organisation,
        "event": plan.settings.title or texts.default_event(),
        "date": texts.long_date(options.date) if options.date else "",
        "place": options.place or "",
        "organiser": (options.sender.display_name if options.sender else "")
        or texts.default_organiser(),
        "calendar_note": "",
    }
    if options.kind == "after":
        values["meetings"] = content.meetings_text(content.table_mates(view, person.id))
    else:
        values["itinerary"] = content.itinerary_text(person_seats)
    if previous is not None:
        values["changes"] = content.changes_text(content.changes(previous, view, person.id))
    return values, person_seats


def _calendar(
    view: PlanView,
    previous: PlanView | None,
    person: Participant,
    person_seats: list[content.Seat],
    options: MessageOptions,
    settings: EventSettings,
) -> bytes | None:
    if options.kind == "after" or options.date is None:
        return None
    plan = view.plan
    lost: list[content.Seat] = []
    if previous is not None:
        earlier = content.seats(previous, settings, person.id, options.date)
        now = {seat.round: seat.table for seat in person_seats}
        lost = [seat for seat in earlier if seat.table is not None and now.get(seat.round) is None]
    return compose.calendar(
        person_seats,
        person_id=person.id,
        event=plan.settings.title or texts.default_event(),
        event_key=event_key(plan.settings.title, options.date, settings.start),
        place=options.place,
        timezone=options.timezone,
        sequence=options.sequence,
        stamp=options.stamp,
        cancelled_rounds=lost,
    )


def event_key(title: str | None, date: dt.date | None, start: str | None) -> str:
    """What identifies the event across replans (which keep title, date and start time): two
    sessions of one title on one day differ by their start."""
    return f"{title or ''}|{date.isoformat() if date else ''}|{start or ''}"


def write_drafts(plan: Plan, folder: Path, options: MessageOptions) -> DraftsResult:
    """Write the batch into `folder` (all files or none), removing drafts of an earlier batch
    there that this one does not make, so that nothing stale is ever sent."""
    settings = options.settings or plan.settings
    template = options.template or default_template(options.kind)
    result = DraftsResult(folder=Path(folder))
    view = PlanView(plan)
    previous = (
        PlanView(options.previous) if options.kind == "changes" and options.previous else None
    )
    if options.kind == "changes" and previous is None:
        raise ValueError("messages about changes need the previous plan")
    recipients, result.unchanged = _recipients(view, previous)
    merge_rows: list[list[str]] = []
    without_rows: list[list[str]] = []
    make_output_folder(folder)
    earlier = _earlier_drafts(folder)
    with all_or_nothing():
        for person in recipients:
            message = _message(view, previous, person, options, settings, template)
            address = compose.usable_address(person.email)
            if address is None:
                reason = "no e-mail" if not person.email else f"'{person.email}' is not an e-mail"
                result.without_email.append((person, reason))
                without_rows.append(
                    [
                        person.id,
                        person.name,
                        person.organisation,
                        person.email or "",
                        reason,
                        message.body,
                    ]
                )
                continue
            merge_rows.append(_write_message(Path(folder), message, address, options, result))
        _write_lists(Path(folder), options.kind, merge_rows, without_rows, result)
    _remove_stale(Path(folder), earlier, result)
    return result


@dataclass(frozen=True)
class _Message:
    """One person's message, rendered from the template, with its calendar when there is one."""

    person: Participant
    values: dict[str, str]
    subject: str
    body: str
    attachment: bytes | None


def _message(
    view: PlanView,
    previous: PlanView | None,
    person: Participant,
    options: MessageOptions,
    settings: EventSettings,
    template: Template,
) -> _Message:
    values, person_seats = _values(view, previous, person, options, settings)
    attachment = _calendar(view, previous, person, person_seats, options, settings)
    if attachment is not None:
        values["calendar_note"] = (
            texts.calendar_update_note() if options.kind == "changes" else texts.calendar_note()
        )
    subject, body = render(template, values)
    return _Message(person, values, subject, body, attachment)


def _write_message(
    folder: Path, message: _Message, address: str, options: MessageOptions, result: DraftsResult
) -> list[str]:
    """Write the draft (and its calendar) of one message; returns its mail-merge row."""
    person = message.person
    stem = _stem(person)
    eml = folder / f"{stem}.eml"
    ics = folder / f"{stem}.ics" if message.attachment is not None else None
    _write_draft(
        eml,
        compose.draft(
            recipient_name=person.name,
            recipient=address,
            subject=message.subject,
            body=message.body,
            sender=options.sender,
            attachment=message.attachment,
        ),
    )
    result.written.append(eml)
    if ics is not None and message.attachment is not None:
        _write_draft(ics, message.attachment)
        result.written.append(ics)
        result.calendars += 1
    result.drafts.append(Draft(person, address, eml, message.subject, message.body, ics))
    return [
        person.id,
        person.name,
        person.organisation,
        address,
        message.subject,
        message.body,
        message.values[PART[options.kind]],
        eml.name,
        ics.name if ics else "",
    ]


def _write_lists(
    folder: Path,
    kind: str,
    merge_rows: list[list[str]],
    without_rows: list[list[str]],
    result: DraftsResult,
) -> None:
    """The mail-merge csv, and the csv of people without a usable e-mail when there are any."""
    merge = folder / MAIL_MERGE
    header = ["id", "name", "organisation", "email", "subject", "message"]
    header += [PART[kind], "draft", "calendar"]
    write_bytes_atomically(merge, _csv(header, merge_rows))
    result.written.append(merge)
    without = folder / WITHOUT_EMAIL
    if without_rows:
        write_bytes_atomically(
            without,
            _csv(["id", "name", "organisation", "email", "why", "message"], without_rows),
        )
        result.written.append(without)


def _remove_stale(folder: Path, earlier: set[str], result: DraftsResult) -> None:
    """Remove what an earlier batch wrote and this one did not: its drafts, its calendars, and
    the list of people without an e-mail when now everyone has one."""
    if not result.without_email:
        with contextlib.suppress(FileNotFoundError):
            (folder / WITHOUT_EMAIL).unlink()
    kept = {path.name for path in result.written}
    for name in earlier - kept:
        with contextlib.suppress(OSError):
            (folder / name).unlink()


def _earlier_drafts(folder: Path) -> set[str]:
    """The drafts and calendars an earlier batch wrote here, as its mail-merge.csv lists them:
    only those are ever removed, never a file of the organiser's own."""
    try:
        with (Path(folder) / MAIL_MERGE).open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()
    names = {row.get(column) or "" for row in rows for column in ("draft", "calendar")}
    return {
        name
        for name in names
        if name.endswith((".eml", ".ics")) and Path(name).name == name and name[0] != "."
    }


def _write_draft(target: Path, data: bytes) -> None:
    """Atomic like every output (a temporary file moved into place), without a disk flush per
    file: a draft lost in a power cut is made again from the plan, while a thousand flushes
    take a minute on a busy disk."""
    with atomic_path(target) as temporary:
        temporary.write_bytes(data)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A csv Excel opens as UTF-8 (byte-order mark) with every cell shown as typed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
