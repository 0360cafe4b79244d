"""Every word a participant reads in a message, in one place so that it can be translated.

Each text goes through `_()`, the gettext marker: with no catalogue installed it returns the
English text unchanged; `use_translations()` installs a gettext catalogue (for instance Babel's
French or German one) for the plan's language. Placeholders in braces are filled in after
translation, so a translator moves them freely and never translates their names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
from collections.abc import Iterator
from typing import Protocol

from babel.dates import format_date


class Catalogue(Protocol):
    """Anything that translates a message: a gettext catalogue or the project's language."""

    def gettext(self, message: str, /) -> str: ...


_translations: Catalogue = gettext.NullTranslations()
_locale = "en"


def use_translations(translations: Catalogue | None, locale: str = "en") -> None:
    """Install the catalogue for the plan's language and its locale for dates (None: English)."""
    global _translations, _locale
    _translations = translations or gettext.NullTranslations()
    _locale = locale if translations is not None else "en"


@contextlib.contextmanager
def speaking(translations: Catalogue | None, locale: str = "en") -> Iterator[None]:
    """The plan's language for one batch of messages, English again afterwards."""
    saved = _translations, _locale
    use_translations(translations, locale)
    try:
        yield
    finally:
        use_translations(*saved)


def time_slot(start: int, end: int) -> str:
    """A round's times (minutes after midnight) as the language writes them: "14:00–14:20";
    a catalogue that knows its locale's way (an `interval` method) writes them its way."""
    interval = getattr(_translations, "interval", None)
    if callable(interval):
        return str(interval(start, end))
    return f"{_clock(start)}–{_clock(end)}"


def _clock(minutes: int) -> str:
    hours, mins = divmod(minutes % (24 * 60), 60)
    return f"{hours:02d}:{mins:02d}"


def long_date(date: dt.date) -> str:
    """The date as people write it in the plan's language: "Thursday, March 12, 2026"."""
    return format_date(date, format="full", locale=_locale)


def _(message: str) -> str:
    return _translations.gettext(message)


# The default templates: a "Subject:" line, a blank line, then the body. Placeholders are named
# in braces; a line whose placeholders are all empty is left out (no "Place: " without a place).


def itinerary_template() -> str:
    return _(
        "Subject: Your tables: {event}\n"
        "\n"
        "Dear {name},\n"
        "\n"
        "Here are your tables at the speed meeting; please keep this message at hand on the "
        "day.\n"
        "\n"
        "{event}\n"
        "{date}\n"
        "{place}\n"
        "\n"
        "{itinerary}\n"
        "\n"
        "{calendar_note}\n"
        "\n"
        "See you there,\n"
        "{organiser}\n"
    )


def changes_template() -> str:
    return _(
        "Subject: Your tables have changed: {event}\n"
        "\n"
        "Dear {name},\n"
        "\n"
        "The seating plan of the speed meeting has changed, and so have your tables:\n"
        "\n"
        "{changes}\n"
        "\n"
        "Your tables now:\n"
        "\n"
        "{itinerary}\n"
        "\n"
        "{calendar_note}\n"
        "\n"
        "Best regards,\n"
        "{organiser}\n"
    )


def after_template() -> str:
    return _(
        "Subject: The people you met: {event}\n"
        "\n"
        "Dear {name},\n"
        "\n"
        "Thank you for taking part in the speed meeting. These are the people you sat with, "
        "so that a conversation can turn into working together:\n"
        "\n"
        "{meetings}\n"
        "\n"
        "An e-mail address is shown only for those who agreed to share it when they "
        "registered.\n"
        "\n"
        "Best regards,\n"
        "{organiser}\n"
    )


def default_event() -> str:
    """The event's name when the plan has no title (it stands alone on a line and in subjects)."""
    return _("Speed meeting")


def default_organiser() -> str:
    """Who signs a message when --sender gives no name."""
    return _("The organising team")


def calendar_note() -> str:
    return _("The attached calendar file (.ics) puts each round in your calendar.")


def calendar_update_note() -> str:
    return _("Open the attached calendar file (.ics) to update the rounds in your calendar.")


def round_line(round_number: int, slot: str | None, table: str, topic: str | None) -> str:
    """One line of an itinerary: "Round 1, 14:00–14:20: table 7 (topic: ...)"."""
    when = (
        _("Round {round}, {time}").format(round=round_number, time=slot)
        if slot
        else _("Round {round}").format(round=round_number)
    )
    line = _("{when}: table {table}").format(when=when, table=table)
    if topic:
        line += " " + _("(topic: {topic})").format(topic=topic)
    return line


def round_absent_line(round_number: int, slot: str | None) -> str:
    when = (
        _("Round {round}, {time}").format(round=round_number, time=slot)
        if slot
        else _("Round {round}").format(round=round_number)
    )
    return _("{when}: not seated").format(when=when)


def change_line(round_number: int, before: str | None, after: str | None) -> str:
    """What changed in one round: a move, a new seat or a seat given up."""
    if before is not None and after is not None:
        return _("Round {round}: table {after} (was table {before})").format(
            round=round_number, before=before, after=after
        )
    if after is not None:
        return _("Round {round}: table {after} (you were not seated)").format(
            round=round_number, after=after
        )
    return _("Round {round}: no longer seated (was table {before})").format(
        round=round_number, before=before
    )


def new_in_plan_line() -> str:
    return _("You are new in the plan; your tables are below.")


def met_round_heading(round_number: int, table: str) -> str:
    return _("Round {round}, table {table}:").format(round=round_number, table=table)


def met_line(name: str, organisation: str, email: str | None) -> str:
    line = _("{name} ({organisation})").format(name=name, organisation=organisation)
    return f"{line}, {email}" if email else line


def met_nobody() -> str:
    return _("You did not share a table with anyone in the plan.")


def event_summary(event: str, round_number: int, table: str) -> str:
    """The title of one round in a calendar."""
    return _("Round {round}, table {table} – {event}").format(
        event=event, round=round_number, table=table
    )


def event_description(round_number: int, table: str, topic: str | None) -> str:
    text = _("Round {round}: table {table}.").format(round=round_number, table=table)
    if topic:
        text += "\n" + _("Topic: {topic}").format(topic=topic)
    return text


def event_location(place: str | None, table: str) -> str:
    table_text = _("table {table}").format(table=table)
    return f"{place}, {table_text}" if place else table_text[:1].upper() + table_text[1:]


def calendar_filename() -> str:
    return _("tables") + ".ics"
