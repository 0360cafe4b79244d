"""Reading registration files as organisers export them: messy sheets, three languages, csv
quirks, and the bad files that must be refused with one clear line naming where the problem is.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest

from speedmeet.errors import InputError
from speedmeet.model import Participant
from speedmeet.readers import Registrations, read_registrations
from speedmeet.readers.columns import map_columns, recognise

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
EXAMPLE = REPO / "examples" / "participants.xlsx"

Cell = str | int | float | None


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[Cell]],
    *,
    sheet: str = "Inscriptions",
    merge_title: bool = False,
    before: Sequence[tuple[str, Sequence[Sequence[Cell]]]] = (),
) -> Path:
    """A workbook whose sheet `sheet` holds `rows` from A1; `before` are sheets placed first."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, other_rows in before:
        other = workbook.create_sheet(name)
        for row in other_rows:
            other.append(list(row))
    worksheet = workbook.create_sheet(sheet)
    for row in rows:
        worksheet.append(list(row))
    if merge_title:
        worksheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    workbook.save(path)
    return path


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def by_name(registrations: Registrations) -> dict[str, Participant]:
    return {p.name: p for p in registrations.participants}


def message_of(path: Path, **options: object) -> str:
    with pytest.raises(InputError) as caught:
        read_registrations(path, **options)  # type: ignore[arg-type]
    return str(caught.value)


# --- header recognition -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Quels sont vos centres d'intérêt ?", "interests"),
        ("Centres d'intérêt", "interests"),
        ("Areas of interest", "interests"),
        ("Interessen", "interests"),
        ("Organisation / structure", "organisation"),
        ("Organisme", "organisation"),
        ("Organisme d'appartenance", "organisation"),
        ("Structure", "organisation"),
        ("Institution", "organisation"),
        ("Organization", "organisation"),
        ("Company", "organisation"),
        ("Employer", "organisation"),
        ("Affiliation", "organisation"),
        ("Nom de l'organisation", "organisation"),
        ("Nom complet", "name"),
        ("Full name", "name"),
        ("Name", "name"),
        ("Vorname", "first_name"),
        ("Prénom", "first_name"),
        ("Nachname", "last_name"),
        ("Nom de famille", "last_name"),
        ("Adresse e-mail", "email"),
        ("E-Mail-Adresse", "email"),
        ("Courriel", "email"),
        ("Bestellnummer", "id"),
        ("N°", "id"),
        ("Nr.", "id"),
        ("Ref", "id"),
        ("Registration ID", "id"),
        ("ID", "id"),
        ("Order #", "id"),
        ("Sprachen", "languages"),
        ("Langues parlées", "languages"),
        ("Languages", "languages"),
        ("Sector", "role"),
        ("Secteur", "role"),
        ("Branche", "role"),
        ("Rolle", "role"),
        ("Role", "role"),
        ("Fonction", "role"),
        ("Type d'organisation", "role"),
        ("Table host", "host"),
        ("Horodateur", "ignored"),
        ("Timestamp", "ignored"),
        ("Start time", "ignored"),
        ("Completion time", "ignored"),
        ("Zeitstempel", "ignored"),
        ("Commentaire", "ignored"),
        ("Comments (languages, diet...)", "ignored"),
    ],
)
def test_headers_are_recognised_in_three_languages(header: str, field: str) -> None:
    match = recognise(header)
    assert match is not None and match[0] == field


@pytest.mark.parametrize("header", ["N° de téléphone", "Téléphone", "Diet", "", "Adresse postale"])
def test_unrelated_headers_claim_no_field(header: str) -> None:
    assert recognise(header) is None


# --- the files organisers bring ----------------------------------------------------------


def test_example_event_is_read_with_its_title_row_and_case_variants() -> None:
    registrations = read_registrations(EXAMPLE)
    participants = registrations.participants
    assert registrations.sheet == "Inscriptions"
    assert registrations.header_row == 3
    assert len(participants) == 70
    sizes = Counter(p.organisation for p in participants)
    assert len(sizes) == 40
    # "Hospice général" was typed four ways; everyone shows its most frequent spelling
    assert sizes["Hospice général"] == 5
    assert sizes["Caritas Genève"] == 4 and sizes["Croix-Rouge genevoise"] == 4
    assert [p.id for p in participants] == [f"P{i:03d}" for i in range(1, 71)]
    assert all(p.interests and p.languages and p.role for p in participants)
    assert registrations.warnings == []
    assert ("organisation", "Organisation") in registrations.mapping
    assert ("role", "Sector") in registrations.mapping


def test_example_file_is_the_generators_output(tmp_path: Path) -> None:
    import io
    import runpy

    generator = runpy.run_path(str(REPO / "examples" / "make_participants.py"))
    made = generator["workbook_bytes"]()
    assert generator["workbook_bytes"]() == made  # deterministic, byte for byte

    def cells(content: bytes) -> list[tuple[object, ...]]:
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        return list(workbook.active.iter_rows(values_only=True))

    # compared by content: another openpyxl version may lay out the same cells differently
    assert cells(made) == cells(EXAMPLE.read_bytes())


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"sample {path} is not available")
    return path


def test_google_forms_export_in_french() -> None:
    registrations = read_registrations(sample("google-forms-fr.csv"))
    assert dict(registrations.mapping) == {
        "email": "Adresse e-mail",
        "name": "Nom complet",
        "organisation": "Organisation / structure",
        "interests": "Quels sont vos centres d'intérêt ?",
        "languages": "Langues parlées",
    }
    assert registrations.ignored == ["Horodateur", "Commentaire"]
    assert len(registrations.participants) == 45  # 46 rows, one registered twice
    assert "row 47 repeats row 5 (same email: Omar Roux); counted once, row 5 is kept" in (
        registrations.warnings
    )
    people = by_name(registrations)
    ismail = people["Ismail Nasser"]
    assert ismail.interests == ["civic participation", "women", "mobility"]
    assert ismail.languages == ["fr", "uk"]
    icmc = {p.organisation for p in registrations.participants if "icmc" in p.organisation.lower()}
    # "ICMC EUROPE" and "ICMC Europe" are one organisation, shown in ordinary capitals (a tie)
    assert icmc == {"ICMC Europe"}
    assert any(w.startswith("no id column") for w in registrations.warnings)


def test_eventbrite_export_in_german_cp1252_with_first_and_last_names() -> None:
    registrations = read_registrations(sample("eventbrite-de.csv"))
    assert dict(registrations.mapping)["id"] == "Bestellnummer"
    assert dict(registrations.mapping)["first_name"] == "Vorname"
    assert dict(registrations.mapping)["last_name"] == "Nachname"
    first = registrations.participants[0]
    assert (first.id, first.name, first.organisation) == (
        "100000",
        "Abdi Ghebremedhin",
        "Caritas Genève",
    )
    assert len(registrations.participants) == 36
    assert registrations.warnings == []


def test_microsoft_forms_export_with_trailing_semicolons() -> None:
    registrations = read_registrations(sample("ms-forms-en.xlsx"))
    assert registrations.sheet == "Form1"
    assert registrations.ignored == ["Start time", "Completion time"]
    first = registrations.participants[0]
    assert first.id == "1"
    assert first.interests == ["mental health"]  # "mental health;" has no empty second value
    assert first.languages == ["ar", "es", "fr"]
    assert first.role == "Local authority"
    assert len(registrations.participants) == 28


def test_french_export_with_title_blank_rows_and_case_variants(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "inscriptions.xlsx",
        [
            ["Rencontre des acteurs de l'intégration - inscriptions"],
            [],
            ["N°", "Nom", "Prénom", "Organisme", "Centres d'intérêt", "Courriel"],
            [12, "Haddad", "Amira", "Hospice général", "logement, emploi", "a@example.org"],
            [None, None, None, None, None, None],
            [13, "Kovalenko", "Olena", "HOSPICE GÉNÉRAL ", "santé\nemploi", "o@example.org"],
            [14, "Dubois", "Claire", "Hospice General", "", "c@example.org"],
            [15, "Nguyen", "Minh", "hospice général", "jeunesse;", "m@example.org"],
            [],
            [16, "Berhane", "Selam", "Caritas Genève", "santé", "s@example.org"],
        ],
        merge_title=True,
    )
    registrations = read_registrations(path)
    assert registrations.header_row == 3
    assert dict(registrations.mapping) == {
        "id": "N°",
        "last_name": "Nom",
        "first_name": "Prénom",
        "organisation": "Organisme",
        "interests": "Centres d'intérêt",
        "email": "Courriel",
    }
    people = by_name(registrations)
    assert list(people) == [
        "Amira Haddad",
        "Olena Kovalenko",
        "Claire Dubois",
        "Minh Nguyen",
        "Selam Berhane",
    ]
    assert [p.id for p in registrations.participants] == ["12", "13", "14", "15", "16"]
    hospice = {p.organisation for p in registrations.participants[:4]}
    assert hospice == {"Hospice général"}  # typed four ways, shown in its most frequent spelling
    assert people["Olena Kovalenko"].interests == ["santé", "emploi"]
    assert people["Minh Nguyen"].interests == ["jeunesse"]


def test_semicolon_csv_in_cp1252_with_quoted_multiline_cell(tmp_path: Path) -> None:
    text = (
        "Liste des participants;;;\r\n"
        "Prénom;Nom;Structure;Intérêts\r\n"
        'Hélène;Müller;Croix-Rouge genevoise;"santé\r\nlogement"\r\n'
        "\r\n"
        "Zoë;Lefèvre;CROIX-ROUGE GENEVOISE;emploi\r\n"
        "François;Çelik;EPER;\r\n"
    )
    path = write_csv(tmp_path / "export.csv", text, "cp1252")
    registrations = read_registrations(path)
    assert registrations.header_row == 2
    names = [p.name for p in registrations.participants]
    assert names == ["Hélène Müller", "Zoë Lefèvre", "François Çelik"]
    assert registrations.participants[0].interests == ["santé", "logement"]
    assert {p.organisation for p in registrations.participants[:2]} == {"Croix-Rouge genevoise"}


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path: Path) -> None:
    # the quoted cell spans two lines but is one row, so the duplicate is row 4, not line 5
    text = 'Name,Organisation,Email\nAna,EPER,"a@example.org"\nBo,"HUG\nGenève",b@example.org\nAna,EPER,\n'
    registrations = read_registrations(write_csv(tmp_path / "r.csv", text))
    assert registrations.warnings[0] == (
        "row 4 repeats row 2 (same name and organisation: Ana); counted once, row 2 is kept"
    )


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("Name\tOrganisation\nAna\tEPER\nBo\tHUG\n", "utf-8"),
        ("\ufeffName,Organisation\nAna,EPER\nBo,HUG\n", "utf-8"),
        ("Name\tOrganisation\nAna\tEPER\nBo\tHUG\n", "utf-16"),
        ("Name;Organisation\nAna;EPER\nBo;HUG\n", "cp1252"),
    ],
)
def test_delimiters_and_encodings_are_found(tmp_path: Path, content: str, encoding: str) -> None:
    registrations = read_registrations(write_csv(tmp_path / "r.txt", content, encoding))
    assert [(p.name, p.organisation) for p in registrations.participants] == [
        ("Ana", "EPER"),
        ("Bo", "HUG"),
    ]


def test_given_encoding_is_used(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", "Name,Organisation\nŁucja,Kraków\nBo,HUG\n", "iso-8859-2")
    registrations = read_registrations(path, encoding="iso-8859-2")
    assert registrations.participants[0].name == "Łucja"


def test_first_sheet_with_a_participant_table_is_chosen(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Name", "Organisation"], ["Ana", "EPER"]],
        sheet="Participants",
        before=[("Notes", [["Budget", "CHF 300"]])],
    )
    registrations = read_registrations(path)
    assert registrations.sheet == "Participants"
    chosen = read_registrations(path, sheet="participants")  # case does not matter
    assert chosen.sheet == "Participants"


def test_column_override_names_an_unusual_header(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Name", "Maison", "Organisation"], ["Ana", "EPER", "x"], ["Bo", "HUG", "x"]],
    )
    registrations = read_registrations(path, columns={"organisation": "Maison"})
    assert [p.organisation for p in registrations.participants] == ["EPER", "HUG"]
    assert ("organisation", "Maison") in registrations.mapping
    assert "Organisation" in registrations.ignored


# --- organisations, duplicates, ids ---------------------------------------------------------


def test_duplicates_by_email_or_name_and_organisation_are_counted_once(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Name", "Organisation", "Email"],
            ["Ana Silva", "EPER", "ana@example.org"],
            ["Ana S.", "EPER", "ANA@example.org"],
            ["Bo Li", "HUG", ""],
            ["BO LI", "hug", "bo@example.org"],
            ["Mohammed Ali", "Hospice général", "m1@example.org"],
            ["Mohammed Ali", "Hospice général", "m2@example.org"],
        ],
    )
    registrations = read_registrations(path)
    assert [p.name for p in registrations.participants] == [
        "Ana Silva",
        "Bo Li",
        "Mohammed Ali",
        "Mohammed Ali",  # two people of one name: different emails
    ]
    assert registrations.warnings[:2] == [
        "row 3 repeats row 2 (same email: Ana S.); counted once, row 2 is kept",
        "row 5 repeats row 4 (same name and organisation: BO LI); counted once, row 4 is kept",
    ]


def test_person_without_organisation_is_their_own(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Name", "Organisation"],
            ["Ana", "EPER"],
            ["Bo", ""],
            ["Cy", "Privé"],
            ["Di", "privé"],
        ],
    )
    registrations = read_registrations(path)
    organisations = [p.organisation for p in registrations.participants]
    assert organisations == [
        "EPER",
        "Bo (no organisation)",
        "Cy (no organisation)",
        "Di (no organisation)",
    ]
    assert "row 3: Bo has no organisation; they count as their own organisation" in (
        registrations.warnings
    )
    assert (
        "row 4: Cy has no organisation ('Privé' counts as none); they count as their own "
        "organisation" in registrations.warnings
    )


def test_look_alike_organisations_are_warned_not_folded(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Name", "Organisation"],
            ["Ana", "Caritas Genève"],
            ["Bo", "Caritas Geneve SA"],
            ["Cy", "Hospice général"],
            ["Di", "Hospice genral"],
            ["Ed", "HUG"],
            ["Flo", "HUB"],
        ],
    )
    registrations = read_registrations(path)
    assert len({p.organisation for p in registrations.participants}) == 6
    look_alike = [w for w in registrations.warnings if "look alike" in w]
    assert look_alike == [
        "organisations 'Caritas Genève' (row 2) and 'Caritas Geneve SA' (row 3) look alike but "
        "are kept apart; if they are one organisation, write them the same way",
        "organisations 'Hospice général' (row 4) and 'Hospice genral' (row 5) look alike but "
        "are kept apart; if they are one organisation, write them the same way",
    ]  # HUG and HUB: too short to call a typo


def test_generated_ids_are_stable_when_the_sheet_is_reordered(tmp_path: Path) -> None:
    rows = [
        ["Nadia Roux", "OSAR", "n@example.org"],
        ["Tesfay Habte", "EPER", ""],
        ["Olena Melnyk", "HUG", "o@example.org"],
    ]
    header = ["Name", "Organisation", "Email"]
    first = read_registrations(write_xlsx(tmp_path / "a.xlsx", [header, *rows]))
    second = read_registrations(write_xlsx(tmp_path / "b.xlsx", [header, *reversed(rows)]))
    ids_first = {p.name: p.id for p in first.participants}
    ids_second = {p.name: p.id for p in second.participants}
    assert ids_first == ids_second
    assert len(set(ids_first.values())) == 3
    assert all(i.startswith("P") and len(i) == 7 for i in ids_first.values())
    assert first.warnings == [
        "no id column: ids were made from each person's name, organisation and email "
        f"(e.g. {first.participants[0].id}); they stay the same when the sheet is read again"
    ]


# --- never touch the input --------------------------------------------------------------------


def test_reading_never_changes_the_input(tmp_path: Path) -> None:
    xlsx_path = EXAMPLE
    csv_path = write_csv(tmp_path / "r.csv", "Name;Organisation\nAna;EPER\n", "cp1252")
    for path in (xlsx_path, csv_path):
        before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        read_registrations(path)
        after = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        assert before == after


@pytest.mark.parametrize("file_name", ["export.xls", "export", "EXPORT.XLSM"])
def test_workbook_is_told_by_content_not_by_name(tmp_path: Path, file_name: str) -> None:
    path = write_xlsx(tmp_path / "w.xlsx", [["Name", "Organisation"], ["Ana", "EPER"]])
    renamed = path.rename(tmp_path / file_name)
    assert [p.name for p in read_registrations(renamed).participants] == ["Ana"]


def test_excel_separator_hint_line_is_obeyed(tmp_path: Path) -> None:
    text = "sep=;\r\nName;Organisation;Interests\r\nAna;EPER;a, b\r\nBo;HUG;c\r\n"
    registrations = read_registrations(write_csv(tmp_path / "r.csv", text))
    assert registrations.header_row == 1  # Excel hides the hint line
    assert registrations.participants[0].interests == ["a", "b"]


def test_hosts_and_presence_windows_are_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [
            ["Name", "Organisation", "Table host", "First round", "Last round"],
            ["Ana", "EPER", "x", None, 2],
            ["Bo", "HUG", "", 3, None],
            ["Cy", "OSAR", "oui", None, None],
        ],
    )
    people = by_name(read_registrations(path))
    assert [(p.host, p.first_round, p.last_round) for p in people.values()] == [
        (True, None, 2),
        (False, 3, None),
        (True, None, None),
    ]


def test_presence_window_backwards_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Name", "Organisation", "First round", "Last round"], ["Ana", "EPER", 3, 2]],
    )
    assert message_of(path) == (
        f"{path}, sheet 'Inscriptions', row 2: comes from round 3 but leaves after round 2"
    )


def test_column_override_for_split_names(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [["Given", "Family", "Org"], ["Ana", "Silva", "EPER"], ["Bo", "Li", "HUG"]],
    )
    registrations = read_registrations(
        path, columns={"first_name": "Given", "last_name": "family", "organisation": "Org"}
    )
    assert [p.name for p in registrations.participants] == ["Ana Silva", "Bo Li"]
    assert registrations.mapping == [
        ("first_name", "Given"),
        ("last_name", "Family"),
        ("organisation", "Org"),
    ]


def test_many_warnings_of_one_kind_are_counted_not_listed(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Name", "Organisation"]]
    rows += [[f"Person {i}", None] for i in range(40)]  # 40 people without organisation
    rows += [[None, "EPER"]] * 3  # 3 rows without a name
    rows += [["Ana", "EPER"], ["Ana", "EPER"]]
    registrations = read_registrations(write_xlsx(tmp_path / "r.xlsx", rows))
    alone = [w for w in registrations.warnings if "no organisation" in w]
    assert len(alone) == 31
    assert alone[-1] == "10 more people have no organisation; each counts as their own"
    assert "rows 42, 43 and 44 have no name and are skipped" in registrations.warnings
    assert len(registrations.participants) == 41


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (  # Eventbrite in English: the attendee number, not the order number shared by a group
            "Order #|Order Date|First Name|Last Name|Email|Ticket Type|Attendee #|Company|Job Title",
            {
                "id": "Attendee #",
                "first_name": "First Name",
                "last_name": "Last Name",
                "email": "Email",
                "organisation": "Company",
                "role": "Job Title",
            },
        ),
        (  # Microsoft Forms in French
            "ID|Heure de début|Heure de fin|Adresse de messagerie|Nom|Votre organisation|Fonction",
            {
                "id": "ID",
                "email": "Adresse de messagerie",
                "name": "Nom",
                "organisation": "Votre organisation",
                "role": "Fonction",
            },
        ),
        (  # Google Forms in English, whole questions; two headers mention "organisation"
            "Timestamp|Email Address|Your name|Which organisation do you represent?|"
            "What topics interest you most?|Which languages do you speak?|"
            "Role in your organisation|Anything else?",
            {
                "email": "Email Address",
                "name": "Your name",
                "organisation": "Which organisation do you represent?",
                "interests": "What topics interest you most?",
                "languages": "Which languages do you speak?",
                "role": "Role in your organisation",
            },
        ),
        (  # German: a bare "Name" beside "Vorname" is the family name
            "Name|Vorname|Institution|Funktion|E-Mail",
            {
                "last_name": "Name",
                "first_name": "Vorname",
                "organisation": "Institution",
                "role": "Funktion",
                "email": "E-Mail",
            },
        ),
    ],
)
def test_form_exports_are_mapped(headers: str, expected: dict[str, str]) -> None:
    header_list = headers.split("|")
    mapping = map_columns(header_list, {})
    assert {field: header_list[i] for field, i in mapping.fields.items()} == expected


def test_hidden_sheet_is_passed_over_for_a_visible_one(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    old = workbook.active
    old.title = "Old list"
    old.append(["Name", "Organisation"])
    old.append(["Zed", "Old"])
    old.sheet_state = "hidden"
    current = workbook.create_sheet("Participants")
    current.append(["Name", "Organisation"])
    current.append(["Ana", "EPER"])
    workbook.save(tmp_path / "r.xlsx")
    registrations = read_registrations(tmp_path / "r.xlsx")
    assert registrations.sheet == "Participants"
    assert read_registrations(tmp_path / "r.xlsx", sheet="Old list").participants[0].name == "Zed"
