"""venue.html: the page for the day itself, one self-contained file beside plan.json.

A projector shows the round with a countdown and every table; a second screen or a phone finds
someone's table; the organiser ticks arrivals at the door and downloads the absent people for
`speedmeet replan --drop-file`. Venues often have no internet and the list must not go online, so
the page carries its data, styles and script inline and its Content-Security-Policy forbids every
network request. It shows names, organisations and tables only, never an e-mail address.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from speedmeet.files import write_text_atomically
from speedmeet.model import Plan, round_slots
from speedmeet.names import file_name

VENUE_FILENAME = "venue.html"
TEMPLATE = "venue_page.html"
_FIELD = re.compile(r"\{\{(TITLE|LANG|NOSCRIPT|DATA)\}\}")
DEFAULT_ROUND_MINUTES = 10
TABLES_PER_SCREEN = 30
"""Most tables shown at once on the projector; a larger round is shown in pages."""
ABSENT_FILENAME = "absent.csv"
ABSENT_HEADER = ("id", "name", "organisation")
"""The columns of the check-in download, read back by `speedmeet replan --drop-file`."""


def N_(message: str) -> str:
    """Marks a word of the page for translation (`pybabel extract` knows N_); it is translated
    when the page is written, in the language of the printouts."""
    return message


PAGE_TEXTS: dict[str, str] = {
    "event": N_("Speed meeting"),
    "tab_round": N_("Round screen"),
    "tab_find": N_("Find your table"),
    "tab_checkin": N_("Check-in"),
    "round_of": N_("Round {n} of {total}"),
    "next_round": N_("Next: round {n} of {total}"),
    "break": N_("Break"),
    "time_up": N_("Time is up: move to your next table"),
    "last_over": N_("That was the last round. Thank you!"),
    "press_start": N_("Space: start"),
    "paused": N_("Paused"),
    "table": N_("Table {name}"),
    "tables_page": N_("Tables {first}–{last} · page {page} of {pages}"),
    "minutes": N_("Minutes per round"),
    "mute": N_("Mute the bell"),
    "unmute": N_("Sound the bell"),
    "fullscreen": N_("Full screen"),
    "keys": N_("Space start/pause · R reset · ← → round · PgUp PgDn page · F full screen · M bell"),
    "search_label": N_("Your name"),
    "search_placeholder": N_("Type a few letters of your name"),
    "search_hint": N_(
        "Type a few letters of a first or family name; accents and capitals do not matter."
    ),
    "no_match": N_("Nobody found for “{query}”."),
    "more_matches": N_("{count} more: type more letters."),
    "round_short": N_("Round {n}"),
    "not_seated": N_("not attending"),
    "host": N_("table host"),
    "arrived": N_("{arrived} of {total} arrived · {absent} absent"),
    "filter_label": N_("Filter"),
    "download_absent": N_("Download the absent list (csv)"),
    "everyone_here": N_("Everyone has arrived: no replan is needed."),
    "clear_ticks": N_("Untick everyone"),
    "clear_confirm": N_("Untick everyone on this computer?"),
    "joining_later": N_("Not listed here, as they join after round 1 ({count}): {names}."),
    "checkin_help": N_("Tick people as they arrive. Then download the absent list and run:"),
    "no_javascript": N_("This page needs JavaScript, which is switched off in this browser."),
}
"""Every word the page shows, in one place: handed to the page as `plan.texts`, so that a
translation of these strings translates the whole page."""


def page_texts(translate: Callable[[str], str] | None = None) -> dict[str, str]:
    """The page's words, through `translate` (a catalogue's gettext) when one is given."""
    return {key: translate(text) if translate else text for key, text in PAGE_TEXTS.items()}


def _table_label(table: str, texts: dict[str, str]) -> str:
    """`Table 3` for numbered or short names, a named table ("Jardin") as named, as on paper."""
    name = " ".join(table.split())
    return texts["table"].format(name=name) if name.isdigit() or len(name) <= 3 else name


def venue_data(
    plan: Plan, *, plan_folder: str = "PLAN_DIR", texts: dict[str, str] | None = None
) -> dict[str, object]:
    """What the page needs and nothing more: names, organisations and tables (no e-mail)."""
    texts = dict(PAGE_TEXTS if texts is None else texts)
    seated = {
        pid for round_ in plan.rounds for table in round_.tables for pid in table.participants
    }
    people = [p for p in plan.participants if p.id in seated]
    index = {person.id: position for position, person in enumerate(people)}
    slots = round_slots(plan.settings, len(plan.rounds))
    topics = plan.settings.topics
    rounds: list[dict[str, object]] = []
    for position, round_ in enumerate(plan.rounds):
        topic = round_.topic or (topics[position] if position < len(topics) else "")
        rounds.append(
            {
                "topic": topic or "",
                "slot": slots[position] or "",
                "tables": [
                    {
                        "label": _table_label(table.table, texts),
                        "people": [index[pid] for pid in table.participants],
                    }
                    for table in round_.tables
                ],
            }
        )
    entries: list[dict[str, object]] = []
    for person in people:
        filed = file_name(person.name, person.family_name)
        entries.append(
            {
                "id": person.id,
                "name": person.name,
                "organisation": person.organisation,
                "host": person.host,
                "sort": filed.key,
            }
        )
    fingerprint = hashlib.sha256(
        json.dumps([plan.settings.title, [p.id for p in people]], ensure_ascii=False).encode()
    ).hexdigest()[:16]
    return {
        "title": plan.settings.title or texts["event"],
        "minutes": plan.settings.round_minutes or DEFAULT_ROUND_MINUTES,
        "breakMinutes": plan.settings.break_minutes,
        "perScreen": TABLES_PER_SCREEN,
        "people": entries,
        "rounds": rounds,
        "texts": texts,
        "storageKey": f"speedmeet-checkin-{fingerprint}",
        "absentFile": ABSENT_FILENAME,
        "absentHeader": list(ABSENT_HEADER),
        "replanCommand": (
            f"speedmeet replan {_shell_word(plan_folder)} --from-round 1 "
            f"--drop-file {ABSENT_FILENAME}"
        ),
    }


def _shell_word(text: str) -> str:
    """A folder name as typed in a shell: quoted when it holds spaces or special characters."""
    if text and all(c.isalnum() or c in "-_./" for c in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def script_json(value: object) -> str:
    """JSON that can sit inside a <script> element whatever the names hold.

    `<`, `>` and `&` are written as \\u escapes, so no name can close the element ("</script>")
    or open a comment ("<!--"); U+2028 and U+2029 likewise, for older JavaScript parsers.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def venue_html(
    plan: Plan,
    *,
    plan_folder: str = "PLAN_DIR",
    translate: Callable[[str], str] | None = None,
    language: str = "en",
) -> str:
    """The whole page as text: the template with the plan's data put in its place."""
    template = resources.files("speedmeet.exports").joinpath(TEMPLATE).read_text("utf-8")
    texts = page_texts(translate)
    data = venue_data(plan, plan_folder=plan_folder, texts=texts)
    fields = {
        "TITLE": html.escape(str(data["title"])),
        "LANG": html.escape(language),
        "NOSCRIPT": html.escape(texts["no_javascript"]),
        "DATA": script_json(data),
    }
    # One pass, so that a title holding "{{DATA}}" stays text.
    return _FIELD.sub(lambda match: fields[match.group(1)], template)


def write_venue_page(plan: Plan, folder: Path) -> Path:
    """Write venue.html into the plan folder, atomically; returns its path."""
    from speedmeet.i18n import language as output_language

    speech = output_language(plan.settings.language)
    target = Path(folder) / VENUE_FILENAME
    page = venue_html(
        plan,
        plan_folder=Path(folder).name or ".",
        translate=speech.gettext,
        language=speech.code,
    )
    write_text_atomically(target, page)
    return target
