"""Write the source workbooks that LibreOffice turns into this folder's .xlsx, .ods and .xls.

`verein-de.xlsx`: a German club's sign-up list with what people and office suites put in a
sheet: a hidden old sheet first, a merged title and a blank row above the header, German
headers, first and last names in two columns, numeric ids, a date column, formulas (e-mail
addresses built from the names, organisations cleaned with TRIM/PROPER, host answers with IF),
and German Tische, Wünsche and Runden sheets.

`versteckt-fr.xlsx`: a French list with a hidden row (a cancelled registration) and a formula
showing an error (#N/A) in a column speedmeet does not read.

`offset-en.xlsx`: a table that starts in column C, row 5, with a blank row inside it and a host
answer that is neither yes nor no.

`filtered-en.xlsx`: a list filtered to one organisation, the other rows hidden by the filter, one
of them with an organisation that a failed lookup shows as #N/A.

openpyxl writes formulas without their results; LibreOffice computes and saves them when it
converts, as it does for a user who saves the file. The README beside this script gives the
commands; the committed files are LibreOffice's output.
Run: python tests/data/formats/make_sources.py OUT_FOLDER
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from openpyxl import Workbook

FIRST = ("Anna", "Jonas", "Lea", "Lukas", "Mia", "Felix", "Emma", "Paul", "Lina", "Ben", "Sophie",
         "Noah", "Hannah", "Elias", "Marie", "Leon", "Clara", "Finn", "Ida", "Karl")  # fmt: skip
LAST = ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann", "Braun", "Krüger")  # fmt: skip
ORGANISATIONS = ("  stadtwerke bern", "Caritas Schweiz", "caritas schweiz ", "HEKS",
                 "Stadt Zürich", "pro senectute", "Rotes Kreuz", "HEKS", "Stadt Zürich",
                 "Migros Kulturprozent")  # fmt: skip
LANGUAGES = ("Deutsch, Englisch", "Deutsch", "Deutsch; Französisch", "de, en", "Deutsch")


def verein() -> Workbook:
    workbook = Workbook()
    old = workbook.active
    old.title = "Alt 2023"
    old.append(["Name", "Organisation"])
    old.append(["Alte Liste", "Vorjahr"])
    old.sheet_state = "hidden"

    sheet = workbook.create_sheet("Anmeldungen")
    sheet.append(["Anmeldungen Netzwerktreffen 2026"])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(["Nr.", "Vorname", "Nachname", "Organisation (roh)", "Organisation", "E-Mail",
                  "Sprachen", "Gastgeber", "Angemeldet am"])  # fmt: skip
    for index in range(40):
        row = index + 4
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7 + index // 20) % len(LAST)]
        raw = ORGANISATIONS[(index * 3) % len(ORGANISATIONS)]
        sheet.append([
            100 + index,
            first,
            last,
            raw,
            f"=PROPER(TRIM(D{row}))",
            f'=LOWER(B{row}&"."&C{row})&"@example.org"',
            LANGUAGES[index % len(LANGUAGES)],
            f'=IF(A{row}<104,"ja","nein")',
            dt.datetime(2026, 3, 1 + index % 28, 9 + index % 8, 0 if index % 2 else 30),
        ])  # fmt: skip
        sheet.cell(row, 9).number_format = "DD.MM.YYYY HH:MM"

    tables = workbook.create_sheet("Tische")
    tables.append(["Tischname", "Plätze", "Rollstuhlgerecht"])
    for number in range(1, 9):
        tables.append([f"Tisch {number}", 5, "ja" if number <= 2 else "nein"])
    wishes = workbook.create_sheet("Wünsche")
    wishes.append(["Person A", "Person B", "Art", "Bemerkung"])
    wishes.append([100, 101, "sollen sich treffen", "Projekt"])
    wishes.append(["Lea Schröder", 103, "getrennt", ""])
    rounds = workbook.create_sheet("Runden")
    rounds.append(["Runde", "Thema"])
    for number, topic in enumerate(("Vorstellung", "Projekte", "Freiwillige", "Ausblick"), 1):
        rounds.append([number, topic])
    return workbook


def versteckt() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Inscrits"
    sheet.append(["Liste des inscrits"])
    sheet.append(["Nom", "Prénom", "Structure", "Code", "Tarif"])
    names = ("Dupont", "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand",
             "Dubois", "Moreau", "Laurent", "Simon")  # fmt: skip
    for index, name in enumerate(names):
        row = index + 3
        sheet.append([name, "Camille", f"Association {index % 5}", f"C{index}",
                      f'=VLOOKUP(D{row},$H$1:$I$2,2,0)'])  # fmt: skip
    sheet["H1"], sheet["I1"] = "C0", 10
    sheet.row_dimensions[5].hidden = True  # Bernard cancelled
    return workbook


def offset() -> Workbook:
    """A table that starts in C5, below a note, with a blank row inside it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Guests"
    sheet["A1"] = "Exported 2026-03-01"
    for number, values in (
        (5, ("Name", "Organisation", "Host")),
        (6, ("Ana Silva", "EPER", "yes")),
        (8, ("Bo Li", "HUG", "")),
        (9, ("Cy Diallo", "OSAR", "maybe")),
    ):
        for column, value in enumerate(values, start=3):
            sheet.cell(number, column, value)
    return workbook


def filtered() -> Workbook:
    """A list filtered to one organisation (the others' rows hidden by the filter), with an
    organisation looked up by a formula that finds nothing (#N/A) in a filtered-out row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Attendees"
    sheet.append(["Name", "Organisation", "Code"])
    people = [("Ana Silva", "EPER"), ("Bo Li", "HUG"), ("Cy Diallo", "EPER"), ("Di Rossi", "OSAR"),
              ("Ed Novak", "EPER"), ("Fa Haddad", "HUG")]  # fmt: skip
    for name, organisation in people:
        sheet.append([name, organisation, organisation[:2]])
    sheet["B5"] = "=VLOOKUP(C5,$E$1:$F$2,2,0)"  # Di Rossi's organisation: a lookup that fails
    sheet["E1"], sheet["F1"] = "EP", "EPER"
    sheet.auto_filter.ref = "A1:C7"
    sheet.auto_filter.add_filter_column(1, ["EPER"])
    for row in (3, 5, 7):  # the rows the filter hides, as Excel saves them
        sheet.row_dimensions[row].hidden = True
    return workbook


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    verein().save(out / "verein-de.xlsx")
    versteckt().save(out / "versteckt-fr.xlsx")
    offset().save(out / "offset-en.xlsx")
    filtered().save(out / "filtered-en.xlsx")
