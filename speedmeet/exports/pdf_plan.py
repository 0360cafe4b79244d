"""What the print kit reads from a plan: who to print for and in which order, each round's topic
and times, the tables and how they are called, and the document that holds them.
"""

from __future__ import annotations

from collections.abc import Iterable

from speedmeet.exports.pdf_common import KitPDF, clean
from speedmeet.i18n import Language
from speedmeet.model import Participant, Plan, organisation_key, round_times


def name_order(participants: Iterable[Participant]) -> list[Participant]:
    """Alphabetical by name, ignoring case and accents: the order badges are laid out on a desk."""
    return sorted(participants, key=lambda p: (organisation_key(p.name), p.name, p.id))


def selected_participants(plan: Plan, only: Iterable[str] | None) -> list[Participant]:
    """Participants to print for, in name order; `only` (ids) limits them for a reprint."""
    if only is None:
        return name_order(plan.participants)
    wanted = set(only)
    return name_order(p for p in plan.participants if p.id in wanted)


def round_topic(plan: Plan, round_index: int) -> str:
    """The round's own topic, else the event's topic for that round, else nothing."""
    own = plan.rounds[round_index].topic
    if own:
        return clean(own)
    topics = plan.settings.topics
    return clean(topics[round_index]) if round_index < len(topics) else ""


def organisation_line(person: Participant, language: Language) -> str:
    """The line under a name in table lists: the organisation, and whether they host the table."""
    if not person.host:
        return person.organisation
    return language.gettext("{organisation} · table host").format(organisation=person.organisation)


def time_slots(plan: Plan, language: Language) -> list[str | None]:
    """Each round's time slot in the language's form ("14:00 – 14:15", "2:00 – 2:15 PM")."""
    times = round_times(plan.settings, len(plan.rounds))
    if times is None:
        return [None] * len(plan.rounds)
    return [language.interval(start, end) for start, end in times]


def start_times(plan: Plan, language: Language) -> list[str | None]:
    """Each round's start time in the language's form ("14:00", "2:00 PM")."""
    times = round_times(plan.settings, len(plan.rounds))
    if times is None:
        return [None] * len(plan.rounds)
    return [language.time(start) for start, _ in times]


def plan_texts(plan: Plan) -> list[str]:
    """Every string of the plan that may be printed, to choose the fonts a document needs."""
    texts = [plan.settings.title or "", *plan.settings.topics]
    texts.extend(round_.topic or "" for round_ in plan.rounds)
    texts.extend(table for round_ in plan.rounds for table in (t.table for t in round_.tables))
    for person in plan.participants:
        texts.extend((person.name, person.organisation))
    return texts


def table_names(plan: Plan) -> list[str]:
    """Every table of the event in order of first appearance: tables are the same across rounds."""
    seen: dict[str, None] = {}
    for round_ in plan.rounds:
        for table in round_.tables:
            seen.setdefault(table.table, None)
    return list(seen)


def is_numbered(table: str) -> bool:
    """Whether a table is known by a number or a short code ("3", "B2") rather than a name."""
    name = clean(table)
    return name.isdigit() or len(name) <= 3


def table_label(table: str, language: Language) -> str:
    """`Table 3` for numbered tables; a named table ("Jardin") is shown as named."""
    name = clean(table)
    return language.gettext("Table {table}").format(table=name) if is_numbered(name) else name


def plan_document(
    plan: Plan, width: float, height: float, language: Language, heading: str
) -> KitPDF:
    """A document of the print kit: `heading` (a translated "{title}: ...") names it with the
    event's title, and its fonts are chosen for the plan's texts and the plan's `--font`."""
    title = clean(plan.settings.title) or language.gettext("Event")
    return KitPDF(
        width,
        height,
        heading.format(title=title),
        plan_texts(plan),
        language=language,
        font=plan.settings.font,
    )
