"""Write examples/event-with-rules.xlsx: an invented event that uses every rule speedmeet knows.

About 150 people from 60 organisations of four sectors (public authorities, NGOs, employment
bodies, international organisations), speaking five languages, six of them table hosts; a
Tables sheet (named tables, seats, access), a Requests sheet (pairs to bring together or keep
apart, by id or by name) and a Rounds sheet (the Geneva event's three questions and one more).

Deterministic: the same script writes the same bytes, so the committed file is its output.
Run: python examples/make_event_with_rules.py
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from make_participants import _fixed_timestamps, ascii_slug
from openpyxl import Workbook
from openpyxl.styles import Font

PARTICIPANT_HEADERS = (
    "ID", "Name", "Organisation", "Email", "Sector", "Languages", "Interests", "Offers",
    "Needs", "Host",
)  # fmt: skip

SECTORS = ("public authority", "NGO", "employment body", "international organisation")

# Organisation names per sector: 60 in all, from one to four registrations each.
ORGANISATION_NAMES: dict[str, list[str]] = {
    "public authority": [
        "Hospice général", "Bureau de l'intégration des étrangers", "Ville de Genève",
        "Office cantonal de la population", "Ville de Lyon", "Stadt Zürich",
        "Comune di Torino", "Ville de Grenoble", "Département de l'Isère",
        "Conseil départemental de Saône-et-Loire", "Commune de Vernier", "Ville de Lausanne",
        "Canton de Vaud", "Stadt Basel", "Comune di Milano",
    ],
    "NGO": [
        "Caritas Genève", "Croix-Rouge genevoise", "EPER", "Camarada", "Centre de contact "
        "Suisses-Immigrés", "Forum Réfugiés", "La Cimade", "Entraide Protestante", "AMIC",
        "Elisa-Asile", "Appartenances", "Singa", "Welcome Home", "Diaconia", "Emmaüs",
        "Migrant Women Network", "Terre des hommes", "Caritas Schweiz", "ORS Service",
        "Asile LGBT",
    ],
    "employment body": [
        "Office cantonal de l'emploi", "Pôle emploi Isère", "Pôle emploi Mâcon",
        "Mission locale Grenoble", "Bundesagentur für Arbeit", "Agence pour l'emploi",
        "Fédération des entreprises romandes", "Chambre de commerce de Genève",
        "IPT Intégration pour tous", "OSEO Genève", "Job Service", "Mission locale Chalon",
    ],
    "international organisation": [
        "UNHCR", "IOM", "ILO", "OECD Migration", "ICMPD", "UN-Habitat", "Council of Europe",
        "Cities Alliance", "UCLG", "IFRC", "WHO Migration Health", "GCSP", "MC2CM Secretariat",
    ],
}  # fmt: skip

FIRST_NAMES = (
    "Amira", "Jean", "Lucía", "Mehmet", "Sophie", "Olena", "Thi Lan", "Kofi", "Marco", "Ana",
    "Yusuf", "Claire", "Dawit", "Ingrid", "Rahim", "Elena", "Pierre", "Fatima", "Lukas",
    "Nadia", "Tomás", "Aylin", "Hugo", "Mariam", "Stefan", "Leila", "Paolo", "Grace", "Omar",
    "Julia",
)  # fmt: skip
LAST_NAMES = (
    "Haddad", "Dupont", "García", "Yilmaz", "Martin", "Kovalenko", "Nguyen", "Mensah", "Rossi",
    "Silva", "Demir", "Bernard", "Tesfaye", "Berg", "Karimi", "Popescu", "Moreau", "Benali",
    "Huber", "Chraibi", "Ferreira", "Kaya", "Lefebvre", "Mahmoud", "Meier", "Saidi", "Conti",
    "Owusu", "Farah", "Schmid",
)  # fmt: skip

INTERESTS = ("housing", "employment", "health", "education", "legal advice", "language courses")
SERVICES = (
    "legal support", "housing", "language courses", "job placement", "health care",
    "training", "interpreting", "mentoring",
)  # fmt: skip

TABLES = [
    ("Salle A", 5, "yes"), ("Salle B", 5, "yes"), ("Salle C", 5, ""), ("Salle D", 5, ""),
    ("Salle E", 5, ""), ("Salle F", 5, ""), ("Terrasse 1", 5, ""), ("Terrasse 2", 5, ""),
    ("Terrasse 3", 5, ""), ("Terrasse 4", 5, ""), ("Foyer 1", 5, "yes"), ("Foyer 2", 5, "yes"),
    ("Foyer 3", 5, ""), ("Foyer 4", 5, ""), ("Jardin 1", 5, ""), ("Jardin 2", 5, ""),
    ("Jardin 3", 5, ""), ("Jardin 4", 5, ""), ("Bibliothèque 1", 5, ""),
    ("Bibliothèque 2", 5, ""), ("Atelier 1", 5, ""), ("Atelier 2", 5, ""), ("Atelier 3", 5, ""),
    ("Atelier 4", 5, ""), ("Galerie 1", 5, ""), ("Galerie 2", 5, ""), ("Galerie 3", 5, ""),
    ("Galerie 4", 5, ""), ("Mezzanine 1", 5, ""), ("Mezzanine 2", 5, ""),
]  # fmt: skip

ROUND_TOPICS = (
    "What do migrants need?",
    "Which resources and skills are available?",
    "Next steps: what do we do together?",
    "Who will you call next week?",
)

HOSTS = 6
PEOPLE_WITHOUT_EMAIL = 3

Row = tuple[str, str, str, str, str, str, str, str, str, str]


def participants() -> list[Row]:
    """The participant rows, organisations interleaved as registrations arrive."""
    rng = random.Random(20261123)
    people: list[tuple[str, str]] = []  # (organisation, sector)
    for sector in SECTORS:
        for name in ORGANISATION_NAMES[sector]:
            people.extend((name, sector) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
    rng.shuffle(people)
    people = people[:150]
    names = [f"{first} {last}" for last in LAST_NAMES for first in FIRST_NAMES]
    rng.shuffle(names)
    host_rows = set(rng.sample(range(len(people)), HOSTS))
    no_email = set(rng.sample(sorted(set(range(len(people))) - host_rows), PEOPLE_WITHOUT_EMAIL))
    rows: list[Row] = []
    for index, (organisation, sector) in enumerate(people):
        name = names[index]
        first, _, last = name.partition(" ")
        email = "" if index in no_email else f"{ascii_slug(first)}.{ascii_slug(last)}@example.org"
        # French is the working language of most; a tenth speak English and not French.
        if index % 10 == 7:
            languages = ["en", *rng.sample(("de", "it", "ar"), rng.randint(0, 1))]
        else:
            languages = ["fr", *(["en"] if rng.random() < 0.7 else [])]
            languages += rng.sample(("de", "it", "ar"), rng.randint(0, 1))
        rows.append(
            (
                f"R{index + 1:03d}",
                name,
                organisation,
                email,
                sector,
                ", ".join(languages),
                "; ".join(rng.sample(INTERESTS, rng.randint(1, 3))),
                "; ".join(rng.sample(SERVICES, rng.randint(0, 2))),
                "; ".join(rng.sample(SERVICES, rng.randint(0, 2))),
                "yes" if index in host_rows else "",
            )
        )
    return rows


def requests(rows: list[Row]) -> list[tuple[str, str, str, str]]:
    """3 pairs who must meet and 17 kept apart; people named by id or by name, never a host
    twice (two hosts never leave their tables, so they could not meet)."""
    rng = random.Random(112026)
    hosts = {row[0] for row in rows if row[9]}
    chosen: set[frozenset[str]] = set()
    result: list[tuple[str, str, str, str]] = []
    kinds = ["must meet"] * 3 + ["keep apart"] * 17
    notes = {"must meet": "same project, never met", "keep apart": "ongoing dispute"}
    while len(result) < len(kinds):
        first, second = rng.sample(rows, 2)
        pair = frozenset((first[0], second[0]))
        if first[2] == second[2] or pair in chosen or (first[0] in hosts and second[0] in hosts):
            continue
        chosen.add(pair)
        kind = kinds[len(result)]
        # Every other request names people as the participant sheet writes them.
        by_name = len(result) % 2 == 1
        result.append(
            (
                first[1] if by_name else first[0],
                second[1] if by_name else second[0],
                kind,
                notes[kind] if len(result) % 5 == 0 else "",
            )
        )
    return result


def workbook_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(list(PARTICIPANT_HEADERS))
    rows = participants()
    for row in rows:
        sheet.append(list(row))

    tables = workbook.create_sheet("Tables")
    tables.append(["Table", "Seats", "Accessible"])
    for name, seats, accessible in TABLES:
        tables.append([name, seats, accessible])

    pairs = workbook.create_sheet("Requests")
    pairs.append(["Person A", "Person B", "Request", "Note"])
    for request in requests(rows):
        pairs.append(list(request))

    rounds = workbook.create_sheet("Rounds")
    rounds.append(["Round", "Topic"])
    for number, topic in enumerate(ROUND_TOPICS, start=1):
        rounds.append([number, topic])

    for worksheet in workbook.worksheets:
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def main() -> None:
    default = Path(__file__).parent / "event-with-rules.xlsx"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    target.write_bytes(workbook_bytes())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
