"""From the options of `speedmeet messages` to a batch of drafts: the kind of message, the
date, time zone and times checked, the plan participants were last told about (for --changes),
when this version of the plan was made, and the drafts written in the plan's language."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from speedmeet.errors import SettingsError, SpeedmeetError
from speedmeet.i18n import language
from speedmeet.messages import texts
from speedmeet.messages.compose import parse_sender
from speedmeet.messages.drafts import DraftsResult, MessageOptions, default_template, write_drafts
from speedmeet.messages.template import read_template
from speedmeet.model import EventSettings, Plan, round_slots
from speedmeet.planfile import read_plan

_VERSION = re.compile(r"^plan\.v(\d+)\.json$")


@dataclass(frozen=True)
class MessageTimes:
    """Times for plans made without them (--start, --round-minutes, --break-minutes)."""

    start: str | None = None
    round_minutes: int | None = None
    break_minutes: int | None = None


@dataclass(frozen=True)
class MessageBatch:
    """One batch of messages to write: what the organiser chose, and against which plan."""

    options: MessageOptions
    since: str
    """For --changes: the file of the plan compared with ("plan.v2.json"); else ""."""

    @property
    def dated(self) -> bool:
        """Whether the messages carry calendar files: a date, and rounds with a start time."""
        settings = self.options.settings
        return (
            self.options.date is not None
            and settings is not None
            and round_slots(settings, 1)[0] is not None
        )


def message_kind(*, after: bool, changes: bool) -> str:
    """ "itinerary" before the event, "changes" after a replan, "after" once it is over."""
    if after and changes:
        raise SettingsError("--after and --changes are two kinds of message; choose one")
    return "after" if after else "changes" if changes else "itinerary"


def template_text(kind: str, plan_dir: Path) -> str:
    """The default template of a kind, in the plan's language when PLAN_DIR holds one, else in
    English."""
    code = None
    with contextlib.suppress(SpeedmeetError):
        code = read_plan(plan_dir).settings.language
    speech = language(code)
    with texts.speaking(speech, speech.code):
        template = default_template(kind)
    return f"Subject: {template.subject}\n\n{template.body}"


def check_sending(host: str | None, sender: str | None, security: str, user: str | None) -> None:
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


def message_batch(
    plan: Plan,
    plan_path: Path,
    kind: str,
    *,
    since: str | None = None,
    date: str | None = None,
    place: str | None = None,
    timezone: str | None = None,
    sender: str | None = None,
    template: Path | None = None,
    times: MessageTimes = MessageTimes(),
) -> MessageBatch:
    """The organiser's choices checked, with the plan participants were last told about."""
    settings = _settings(plan, times)
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
    return MessageBatch(options=options, since=since_name)


def write_messages(plan: Plan, folder: Path, batch: MessageBatch) -> DraftsResult:
    """The drafts, written in the plan's language, as its PDFs speak."""
    speech = language(plan.settings.language)
    with texts.speaking(speech, speech.code):
        return write_drafts(plan, folder, batch.options)


def _settings(plan: Plan, times: MessageTimes) -> EventSettings:
    """The plan's settings with the times given on the command line; a bad --start fails here."""
    updates = {
        key: value
        for key, value in (
            ("start", times.start),
            ("round_minutes", times.round_minutes),
            ("break_minutes", times.break_minutes),
        )
        if value is not None
    }
    settings = plan.settings.model_copy(update=updates)
    round_slots(settings, len(plan.rounds))
    return settings


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
