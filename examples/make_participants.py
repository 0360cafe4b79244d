"""Write examples/participants.xlsx: an invented registration list in the spirit of the Geneva
speed meeting "Migration and Integration: who does what?" (about 70 people, 40 organisations).

Deterministic: the same script writes the same bytes, so the committed file is its output.
Run: python examples/make_participants.py
"""

from __future__ import annotations

import io
import random
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

TITLE = (
    "Speed meeting « Migration et intégration à Genève : qui fait quoi ? » "
    "— 16 novembre 2017 — liste des inscriptions"
)
HEADERS = ("ID", "Name", "Organisation", "Email", "Interests", "Languages", "Sector")

# (spellings as the registrants typed them, sector); one spelling per person.
ORGANISATIONS: list[tuple[list[str], str]] = [
    (
        [
            "Hospice général",
            "HOSPICE GÉNÉRAL",
            "Hospice General",
            "hospice général",
            "Hospice général",
        ],
        "public authority",
    ),
    (["Caritas Genève", "Caritas Genève", "CARITAS GENEVE", "Caritas Genève"], "NGO"),
    (
        [
            "Croix-Rouge genevoise",
            "Croix Rouge Genevoise",
            "Croix-Rouge genevoise",
            "Croix-Rouge genevoise",
        ],
        "NGO",
    ),
    (["HUG", "HUG", "hug"], "health"),
    (["EPER", "EPER", "EPER"], "NGO"),
    (["CAUX-IofC", "CAUX-IofC", "Caux-IofC"], "NGO"),
    (["GCSP", "GCSP", "GCSP"], "international organisation"),
    (
        [
            "Bureau de l'intégration des étrangers",
            "Bureau de l'intégration des étrangers",
            "bureau de l'intégration des étrangers",
        ],
        "public authority",
    ),
    (["Ville de Genève", "Ville de Genève", "Ville de Geneve"], "public authority"),
    (["Office cantonal de l'emploi", "Office cantonal de l'emploi"], "employment body"),
    (["UNHCR", "UNHCR"], "international organisation"),
    (["IOM", "IOM"], "international organisation"),
    (["Centre social protestant", "Centre Social Protestant"], "association"),
    (["Camarada", "Camarada"], "association"),
    (["Université de Genève", "Université de Genève"], "public authority"),
    (["ICMC Europe", "ICMC Europe"], "international organisation"),
    (["AGORA", "AGORA"], "association"),
    (["ELISA-Asile"], "association"),
    (["CAMSCO"], "health"),
    (["OSAR"], "NGO"),
    (["Tero Loko"], "association"),
    (["Association Découvrir"], "association"),
    (["Université populaire albanaise"], "association"),
    (["IFAGE"], "employment body"),
    (["OSEO Genève"], "employment body"),
    (["Fondation officielle de la jeunesse"], "public authority"),
    (["Appartenances-Genève"], "health"),
    (["Secrétariat d'État aux migrations"], "public authority"),
    (["Service de protection des mineurs"], "public authority"),
    (["Commune de Vernier"], "public authority"),
    (["Commune de Meyrin"], "public authority"),
    (["Centre de la Roseraie"], "association"),
    (["Armée du Salut"], "NGO"),
    (["Fédération genevoise de coopération"], "NGO"),
    (["Médecins du Monde Suisse"], "health"),
    (["Collectif de soutien aux sans-papiers"], "association"),
    (["Asile LGBT Genève"], "association"),
    (["Association des médiatrices interculturelles"], "association"),
    (["Fondation Qualife"], "employment body"),
    (["Réseau emploi réfugiés"], "employment body"),
]


def _words(text: str) -> list[str]:
    return text.split()


# Invented names, paired within one origin: (first names, last names), a dozen each.
ORIGINS: list[tuple[list[str], list[str]]] = [
    (
        _words("Amira Karim Leila Youssef Nour Hassan Mariam Omar Samira Malik Rania Fatima"),
        _words("Haddad Mansour Benali Khalil Saleh Amrani Bakri Farah Darwish Nasser Aziz Idris"),
    ),
    (
        _words("Tesfay Yonas Selam Abdi Dawit Saba Kidane Rahel Semhar Feven Ermias Aster"),
        _words(
            "Ghebremedhin Berhane Tesfamariam Habte Woldu Asfaha Yohannes Tsegay Negash "
            "Gebre Mebrahtu Kidane"
        ),
    ),
    (
        _words(
            "Olena Dmytro Iryna Oksana Taras Halyna Andriy Natalia Yulia Bohdan Kateryna Svitlana"
        ),
        _words(
            "Kovalenko Shevchenko Bondarenko Melnyk Kravchenko Tkachenko Savchenko Oliynyk "
            "Marchenko Rudenko Lysenko Pavlenko"
        ),
    ),
    (
        _words("Minh Hanh Thanh Linh Quang Huong Tuan Lan Duc Mai Khoa Anh"),
        _words("Nguyen Tran Pham Le Vo Hoang Dang Bui Do Vu Ngo Ly"),
    ),
    (
        _words(
            "Claire Sophie Aurélie Nathalie Élodie Mathilde Camille Julien Margaux Pauline "
            "Chloé Martin"
        ),
        _words(
            "Dubois Fontaine Morel Girard Rochat Perrin Lambert Mercier Favre Bonvin Chevalier Roux"
        ),
    ),
    (
        _words("Urs Beat Reto Regula Ueli Barbara Silvia Verena Andrea Lukas Ursula Matthias"),
        _words(
            "Baumann Keller Huber Zimmermann Schmid Brunner Meier Graf Gerber Wyss Frei Steiner"
        ),
    ),
]
# Two registrants wrote their name in its own script:
# (origin, position) -> (last name in Latin script, for the email; name as written).
OWN_SCRIPT = {(0, 2): ("Mansour", "ليلى منصور"), (2, 1): ("Shevchenko", "Дмитро Шевченко")}

INTERESTS = (
    "housing",
    "employment",
    "language courses",
    "health",
    "mental health",
    "legal support",
    "education",
    "youth",
    "unaccompanied minors",
    "women",
    "volunteering",
    "digital inclusion",
    "culture",
    "civic participation",
    "entrepreneurship",
)
OTHER_LANGUAGES = ("en", "de", "es", "it", "fa", "pt", "ru")
# The language each origin of ORIGINS brings besides French (None: French speakers).
ORIGIN_LANGUAGES = ("ar", "ti", "uk", "vi", None, "de")


def ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", "", folded.lower())


def registrations() -> list[tuple[str, str, str, str, str, str, str]]:
    """The rows below the header, in registration order (organisations interleaved)."""
    rng = random.Random(16112017)
    people: list[tuple[str, str]] = []  # (organisation as typed, sector)
    for spellings, sector in ORGANISATIONS:
        people.extend((spelling, sector) for spelling in spellings)
    rng.shuffle(people)
    rows = []
    for index, (organisation, sector) in enumerate(people):
        origin, position = index % len(ORIGINS), index // len(ORIGINS)
        first_names, last_names = ORIGINS[origin]
        first = first_names[position]
        last = last_names[(position * 5 + origin) % len(last_names)]
        name = f"{first} {last}"
        if (origin, position) in OWN_SCRIPT:
            last, name = OWN_SCRIPT[origin, position]
        email = f"{ascii_slug(first)}.{ascii_slug(last)}@example.org"
        interests = "; ".join(rng.sample(INTERESTS, rng.randint(1, 4)))
        own = ORIGIN_LANGUAGES[origin]
        languages = ["fr", *([own] if own else []), *rng.sample(OTHER_LANGUAGES, rng.randint(0, 1))]
        rows.append(
            (
                f"P{index + 1:03d}",
                name,
                organisation,
                email,
                interests,
                ", ".join(languages),
                sector,
            )
        )
    return rows


def workbook_bytes() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Inscriptions"
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append([])
    sheet.append(list(HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in registrations():
        sheet.append(list(row))
    for letter, width in zip("ABCDEFG", (8, 26, 38, 34, 52, 14, 26), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        row[4].alignment = Alignment(wrap_text=True)
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _fixed_timestamps(content: bytes) -> bytes:
    """The same bytes on every run: zip entry dates and document dates pinned to the event."""
    pinned = "2017-11-16T09:00:00Z"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            part = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                text = part.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rf"\g<1>{pinned}\g<3>",
                    text,
                )
                part = text.encode("utf-8")
            info = zipfile.ZipInfo(entry.filename, date_time=(2017, 11, 16, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, part)
    return out.getvalue()


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "participants.xlsx"
    target.write_bytes(workbook_bytes())
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
