"""The print kit: round sheets, table cards, itineraries and badges as PDFs beside plan.json.

Everything is checked before the first file is written, so a wrong layout or start time never
leaves half a kit; each PDF is written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Literal

from speedmeet.errors import SettingsError
from speedmeet.exports import PRINTABLES
from speedmeet.exports.pdf_badges import badge_layout as find_badge_layout
from speedmeet.exports.pdf_badges import draw_badges
from speedmeet.exports.pdf_cards import draw_table_cards
from speedmeet.exports.pdf_common import KitPDF, clean, paper_size
from speedmeet.exports.pdf_entrance import draw_entrance_list
from speedmeet.exports.pdf_itineraries import draw_itineraries
from speedmeet.exports.pdf_plan import plan_texts, selected_participants
from speedmeet.exports.pdf_sheets import draw_round_sheets
from speedmeet.files import write_bytes_atomically
from speedmeet.i18n import Language
from speedmeet.i18n import language as output_language
from speedmeet.model import Plan, round_slots

PDF_NAMES = {
    "sheets": "round-sheets.pdf",
    "cards": "table-cards.pdf",
    "itineraries": "itineraries.pdf",
    "badges": "badges.pdf",
    "entrance": "entrance-list.pdf",
}


def unprintable_characters(plan: Plan) -> dict[str, str]:
    """Participant id -> characters of their name or organisation that no shipped font has.

    Those print as a replacement mark (�) rather than vanish, and the CLI warns (the shipped
    fonts cover Latin, Greek, Cyrillic, Arabic, Hebrew, Ethiopic, Armenian, Georgian, Devanagari,
    Bengali, Tamil and Thai; Chinese, Japanese and Korean need --font or a font of the system).
    """
    probe = KitPDF(
        100.0,
        100.0,
        "",
        plan_texts(plan),
        language=output_language(plan.settings.language),
        font=plan.settings.font,
        probe=True,
    )
    if not probe.unprintable:
        return {}
    found: dict[str, str] = {}
    for person in plan.participants:
        text = clean(f"{person.name} {person.organisation}")
        characters = "".join(dict.fromkeys(c for c in text if ord(c) in probe.unprintable))
        if characters:
            found[person.id] = characters
    return found


def changed_tables(previous: Plan, plan: Plan) -> set[str]:
    """Tables whose card reads differently in `plan` than in `previous`: someone joined or left
    it in some round, or it is new, or it is gone. The card lists every round, so any change
    means a new card."""

    def cards(of: Plan) -> dict[str, list[tuple[str, ...] | None]]:
        people = of.participant_by_id()
        listing: dict[str, list[tuple[str, ...] | None]] = {}
        for index, round_ in enumerate(of.rounds):
            for table in round_.tables:
                rounds = listing.setdefault(table.table, [None] * len(of.rounds))
                rounds[index] = tuple(
                    f"{people[pid].name}\n{people[pid].organisation}\n{people[pid].host}"
                    for pid in table.participants
                )
        return listing

    before, after = cards(previous), cards(plan)
    return {name for name in after if before.get(name) != after[name]}


def tables_to_reprint(
    plan: Plan, only_participants: Collection[str] | None, only_rounds: Collection[int] | None
) -> set[str] | None:
    """Tables whose card lists one of the chosen participants in one of the chosen rounds.

    None (every table) when nothing is chosen: a full print.
    """
    if only_participants is None and only_rounds is None:
        return None
    tables: set[str] = set()
    for round_ in plan.rounds:
        if only_rounds is not None and round_.round not in only_rounds:
            continue
        for table in round_.tables:
            if only_participants is None or any(
                pid in only_participants for pid in table.participants
            ):
                tables.add(table.table)
    return tables


def _check_what(what: Sequence[str]) -> list[str]:
    """The documents asked for, in a known spelling; `--what sheets,badges` may arrive unsplit."""
    chosen: list[str] = []
    for item in what:
        for part in str(item).split(","):
            key = part.strip().casefold()
            if key not in PRINTABLES:
                raise SettingsError(
                    f"cannot print {part.strip()!r}: choose from {', '.join(PRINTABLES)}"
                )
            if key not in chosen:
                chosen.append(key)
    return chosen


def write_print_kit(
    plan: Plan,
    folder: Path,
    *,
    what: Sequence[str] = PRINTABLES,
    paper: Literal["A4", "Letter"] | None = None,
    badge_layout: str | None = None,
    qr: bool | None = None,
    skip: int = 0,
    only_participants: Collection[str] | None = None,
    only_rounds: Collection[int] | None = None,
    only_tables: Collection[str] | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the chosen PDFs into `folder` and return their paths, in the order of PRINTABLES.

    `only_participants` (ids) limits badges, itineraries and table cards to those people;
    `only_rounds` (1-based) limits round sheets and table cards to those rounds; both serve a
    reprint after `replan`; `only_tables` names the table cards to print (else the tables
    those people sit at in those rounds). The entrance list is always whole. A document with nothing to show is not written. Paper,
    badge layout, QR and language default to the plan's settings, so a reprint looks like the
    first print.
    """
    language = output_language(lang or plan.settings.language)
    paper = paper or plan.settings.paper
    badge_layout = badge_layout or plan.settings.badge_layout
    qr = plan.settings.qr if qr is None else qr
    chosen = _check_what(what)
    _check_settings(plan, paper, badge_layout, skip if "badges" in chosen else None)
    makers = _document_makers(
        plan,
        paper,
        language,
        badges=(badge_layout, qr, skip),
        only_participants=only_participants,
        only_rounds=only_rounds,
        only_tables=only_tables,
    )
    written: list[Path] = []
    for key in PRINTABLES:
        if key not in chosen:
            continue
        document = makers[key]()
        if document is None:
            continue
        target = Path(folder) / PDF_NAMES[key]
        write_bytes_atomically(target, bytes(document.output()))
        written.append(target)
    return written


def _check_settings(plan: Plan, paper: str, badge_layout: str, skip: int | None) -> None:
    """Paper, badge layout, labels to skip (when badges are printed) and round times, checked
    before the first file is written."""
    paper_size(paper)
    layout = find_badge_layout(badge_layout, paper)
    if skip is not None and not 0 <= skip < layout.per_sheet:
        raise SettingsError(
            f"--skip {skip}: a {layout.name} sheet has {layout.per_sheet} places, so skip 0 to {layout.per_sheet - 1}"
        )
    round_slots(plan.settings, len(plan.rounds))


def _document_makers(
    plan: Plan,
    paper: str,
    language: Language,
    *,
    badges: tuple[str, bool, int],
    only_participants: Collection[str] | None,
    only_rounds: Collection[int] | None,
    only_tables: Collection[str] | None,
) -> dict[str, Callable[[], KitPDF | None]]:
    """Each document of the kit as a call that draws it (None when it has nothing to show),
    limited to the chosen people, rounds and tables; `badges` is the layout, QR and skip."""
    people = selected_participants(plan, only_participants)
    rounds = None if only_rounds is None else set(only_rounds)
    participants = None if only_participants is None else set(only_participants)
    layout_name, qr, skip = badges
    return {
        "sheets": lambda: draw_round_sheets(plan, paper, language, rounds),
        "cards": lambda: draw_table_cards(
            plan,
            paper,
            language,
            tables_to_reprint(plan, participants, rounds) if only_tables is None else only_tables,
        ),
        "itineraries": lambda: draw_itineraries(plan, paper, people, language),
        "badges": lambda: draw_badges(
            plan,
            people,
            layout_name=layout_name,
            paper=paper,
            qr=qr,
            skip=skip,
            language=language,
        ),
        # One alphabetical list: any change of seats means printing it whole again.
        "entrance": lambda: (
            draw_entrance_list(plan, paper, language)
            if (only_participants is None and only_rounds is None)
            or only_participants
            or only_rounds
            else None
        ),
    }
