"""Online events: a breakout-room file per round for the video-meeting tool, and a text per room
to paste in the chat.

The csv is the pre-assigned rooms format of Zoom (`Pre-assign Room Name,Email Address`, one row
per person), which other tools import too: rooms are matched to people by email, so anyone
without an email (or sharing one with someone else) is listed for the host to move by hand.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from speedmeet.cells import csv_cell as safe_cell
from speedmeet.cells import csv_email
from speedmeet.files import write_text_atomically
from speedmeet.i18n import Language
from speedmeet.i18n import language as output_language
from speedmeet.model import Participant, Plan

ROOMS_HEADER = ("Pre-assign Room Name", "Email Address")
MESSAGES_FILENAME = "breakout-messages.txt"


def rooms_filename(round_number: int) -> str:
    return f"breakout-rooms-round-{round_number}.csv"


def online_filenames(rounds: int) -> list[str]:
    """Every file `write_online_exports` may write for a plan of this many rounds."""
    return [rooms_filename(r) for r in range(1, rounds + 1)] + [MESSAGES_FILENAME]


_ROOMS_FILE = re.compile(r"breakout-rooms-round-[1-9][0-9]*\.csv")


def online_outputs_in(folder: Path) -> list[Path]:
    """The breakout-room files a folder holds (from this plan or an earlier one), sorted."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if _ROOMS_FILE.fullmatch(path.name) or path.name == MESSAGES_FILENAME
    )


def room_name(table: str, language: Language | None = None) -> str:
    """A numbered table is "Room 3" ("Salle 3") in the meeting tool; a named table keeps its name."""
    if not table.isdigit():
        return table
    return (language or output_language(None)).gettext("Room {table}").format(table=table)


@dataclass(frozen=True)
class ManualAssignment:
    """Someone the meeting tool cannot place from the csv, and why."""

    participant: Participant
    reason: str


def needs_manual_assignment(plan: Plan) -> list[ManualAssignment]:
    """People without an email, and people whose email someone else also gave (the tool would
    put both in one room), in the order of the participant list."""
    emails = Counter(
        email.casefold() for email in (_email(p) for p in plan.participants) if email is not None
    )
    manual: list[ManualAssignment] = []
    for participant in plan.participants:
        email = _email(participant)
        if email is None:
            manual.append(ManualAssignment(participant, "no email"))
        elif emails[email.casefold()] > 1:
            manual.append(ManualAssignment(participant, f"email {email} is shared"))
    return manual


def _email(participant: Participant) -> str | None:
    email = (participant.email or "").strip()
    return email or None


def rooms_csv(plan: Plan, round_number: int) -> str:
    """The breakout-room assignment of one round, in the order of its tables."""
    manual = {m.participant.id for m in needs_manual_assignment(plan)}
    people = plan.participant_by_id()
    language = output_language(plan.settings.language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(ROOMS_HEADER)
    for table in plan.rounds[round_number - 1].tables:
        for pid in table.participants:
            email = _email(people[pid])
            if pid in manual or email is None:
                continue
            writer.writerow([safe_cell(room_name(table.table, language)), csv_email(email)])
    return buffer.getvalue()


def _person(participant: Participant) -> str:
    return f"{participant.name} ({participant.organisation})"


def messages_text(plan: Plan) -> str:
    """Per round and room, who is in it (one paragraph to paste in the chat), then who must be
    moved by hand and where to in every round; in the plan's output language."""
    language = output_language(plan.settings.language)
    _ = language.gettext
    people = plan.participant_by_id()
    title = plan.settings.title
    heading = _("{title}: breakout rooms").format(title=title) if title else _("Breakout rooms")
    lines: list[str] = [heading, ""]
    for round_ in plan.rounds:
        heading = _("Round {round}").format(round=round_.round)
        lines.append(f"{heading}: {round_.topic}" if round_.topic else heading)
        lines.append("")
        for table in round_.tables:
            members = ", ".join(_person(people[pid]) for pid in table.participants)
            lines.append(f"{room_name(table.table, language)}: {members}")
        lines.append("")
    manual = needs_manual_assignment(plan)
    if manual:
        lines.append(_("To assign by hand (the meeting tool cannot place them by email):"))
        seating = plan.seating()
        for item in manual:
            rooms = ", ".join(
                _("round {round} {room}").format(round=r, room=room_name(table, language))
                for r, table in enumerate(seating[item.participant.id], start=1)
                if table is not None
            )
            email = _email(item.participant)
            reason = (
                _("no email") if email is None else _("email {email} is shared").format(email=email)
            )
            lines.append(f"- {_person(item.participant)}, {reason}: {rooms}")
        lines.append("")
    return "\n".join(lines)


def write_online_exports(plan: Plan, folder: Path) -> list[Path]:
    """Write `breakout-rooms-round-N.csv` for every round and `breakout-messages.txt`, each
    atomically; returns their paths."""
    folder = Path(folder)
    written: list[Path] = []
    for round_ in plan.rounds:
        path = folder / rooms_filename(round_.round)
        write_text_atomically(path, rooms_csv(plan, round_.round))
        written.append(path)
    path = folder / MESSAGES_FILENAME
    write_text_atomically(path, messages_text(plan))
    written.append(path)
    return written


def describe_manual(manual: Sequence[ManualAssignment]) -> list[str]:
    """One line per person the host must move by hand, for the command line."""
    return [f"{_person(item.participant)}: {item.reason}" for item in manual]
