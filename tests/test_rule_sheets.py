"""The event's extra sheets as an organiser writes them: Tables, Requests and Rounds in the
registration workbook or as csv files beside it, in English, French or German."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedmeet.errors import InputError
from speedmeet.readers import read_event_sheets, read_registrations
from speedmeet.rules import Request, TableSpec

PEOPLE = [
    ("P1", "Amira Haddad", "Hospice général", "fr, ar", "public authority", "legal support", ""),
    ("P2", "Jean Dupont", "Caritas Genève", "fr", "NGO", "", "legal support; housing"),
    ("P3", "Olena Kovalenko", "UNHCR", "en, uk", "international organisation", "", ""),
    ("P4", "Marco Rossi", "Pôle emploi", "fr, it", "employment body", "job placement", ""),
    ("P5", "Jean Dupont", "EPER", "fr", "NGO", "", ""),
    ("P6", "Thi Lan Nguyen", "Croix-Rouge", "fr, vi", "NGO", "", "job placement"),
]


def write_workbook(path: Path, sheets: dict[str, Sequence[Sequence[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    workbook.save(path)
    return path


def participant_rows(
    headers: Sequence[str] = (
        "ID", "Name", "Organisation", "Languages", "Sector", "Offers", "Needs",
    ),
) -> list[Sequence[object]]:  # fmt: skip
    return [headers, *PEOPLE]


def write_csv(path: Path, rows: Sequence[Sequence[object]], delimiter: str = ",") -> Path:
    lines = [delimiter.join(str(cell) for cell in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_workbook_sheets_in_english(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "event.xlsx",
        {
            "Participants": participant_rows(),
            "Tables": [
                ("Table", "Seats", "Accessible"),
                ("Salle A", 6, "yes"),
                ("Terrace", 4, ""),
                ("Garden", None, "no"),
            ],
            "Requests": [
                ("Person A", "Person B", "Request", "Note"),
                ("P1", "Olena Kovalenko", "must meet", "same project"),
                ("Marco Rossi", "P6", "keep apart", None),
            ],
            "Rounds": [("Round", "Topic"), (1, "Migrants' needs"), (2, "Resources and skills")],
        },
    )
    registrations = read_registrations(path)
    sheets = read_event_sheets(path, registrations.participants)
    assert sheets.found == ["sheet 'Tables'", "sheet 'Requests'", "sheet 'Rounds'"]
    assert sheets.tables == [
        TableSpec(name="Salle A", capacity=6, accessible=True),
        TableSpec(name="Terrace", capacity=4, accessible=False),
        TableSpec(name="Garden", capacity=None, accessible=False),
    ]
    assert sheets.requests == [
        Request(kind="must_meet", first="P1", second="P3", note="same project"),
        Request(kind="keep_apart", first="P4", second="P6"),
    ]
    assert sheets.topics == ["Migrants' needs", "Resources and skills"]
    assert sheets.warnings == []


def test_participant_sheet_is_found_even_after_the_event_sheets(tmp_path: Path) -> None:
    # The Tables sheet has a "Name" column: it must not be taken for the participant list.
    path = write_workbook(
        tmp_path / "event.xlsx",
        {
            "Tables": [("Name", "Capacity"), ("Salle A", 5), ("Salle B", 5)],
            "Requests": [("Person A", "Person B", "Kind"), ("P1", "P2", "keep apart")],
            "Inscriptions": participant_rows(),
        },
    )
    registrations = read_registrations(path)
    assert registrations.sheet == "Inscriptions"
    assert [p.id for p in registrations.participants] == [row[0] for row in PEOPLE]


def test_offers_needs_and_languages_columns(tmp_path: Path) -> None:
    for headers in (
        ("ID", "Name", "Organisation", "Languages", "Sector", "Offers", "Needs"),
        ("N°", "Nom", "Organisme", "Langues", "Secteur", "Nous proposons", "Nos besoins"),
        ("Nr.", "Name", "Organisation", "Sprachen", "Branche", "Bietet", "Sucht"),
    ):
        path = write_workbook(tmp_path / "people.xlsx", {"Sheet": participant_rows(headers)})
        registrations = read_registrations(path)
        mapped = dict(registrations.mapping)
        assert mapped["offers"] == headers[5] and mapped["needs"] == headers[6], headers
        jean = registrations.participants[1]
        assert jean.needs == ["legal support", "housing"]
        assert registrations.participants[0].offers == ["legal support"]
        assert registrations.participants[0].languages == ["fr", "ar"]
        assert registrations.participants[0].role == "public authority"


def test_csv_beside_in_french(tmp_path: Path) -> None:
    people = write_csv(tmp_path / "inscrits.csv", participant_rows(), delimiter=";")
    write_csv(
        tmp_path / "tables.csv",
        [("Salle", "Places", "Accès PMR"), ("Salle A", 6, "oui"), ("Patio", 4, "non")],
        delimiter=";",
    )
    write_csv(
        tmp_path / "demandes.csv",
        [
            ("Personne A", "Personne B", "Demande"),
            ("Amira Haddad", "P4", "doivent se rencontrer"),
            ("P2", "Olena Kovalenko", "à séparer"),
        ],
        delimiter=";",
    )
    write_csv(tmp_path / "tours.csv", [("Tour", "Thème"), (2, "Ressources"), (1, "Besoins")])
    registrations = read_registrations(people)
    sheets = read_event_sheets(people, registrations.participants)
    assert sheets.found == ["tables.csv", "demandes.csv", "tours.csv"]
    assert sheets.tables == [
        TableSpec(name="Salle A", capacity=6, accessible=True),
        TableSpec(name="Patio", capacity=4),
    ]
    assert [(r.kind, r.first, r.second) for r in sheets.requests] == [
        ("must_meet", "P1", "P4"),
        ("keep_apart", "P2", "P3"),
    ]
    assert sheets.topics == ["Besoins", "Ressources"]


def test_workbook_sheets_in_german_with_seats_in_the_name(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "anmeldungen.xlsx",
        {
            "Teilnehmende": participant_rows(("Nr.", "Name", "Organisation", "Sprachen")),
            "Tische": [
                ("Tisch", "Barrierefrei"),
                ("Salle A - 6", "ja"),
                ("Terrasse: 4", "nein"),
                ("Raum 3 (5 Plätze)", ""),
                ("Tisch 7", ""),
            ],
            "Wünsche": [
                ("Erste Person", "Zweite Person", "Art"),
                ("P1", "P2", "sollen sich treffen"),
                ("P3", "P4", "getrennt"),
            ],
            "Runden": [("Thema",), ("Bedürfnisse",), ("Nächste Schritte",)],
        },
    )
    registrations = read_registrations(path)
    sheets = read_event_sheets(path, registrations.participants)
    assert sheets.tables == [
        TableSpec(name="Salle A", capacity=6, accessible=True),
        TableSpec(name="Terrasse", capacity=4),
        TableSpec(name="Raum 3", capacity=5),
        TableSpec(name="Tisch 7"),
    ]
    assert [(r.kind, r.first, r.second) for r in sheets.requests] == [
        ("must_meet", "P1", "P2"),
        ("keep_apart", "P3", "P4"),
    ]
    assert sheets.topics == ["Bedürfnisse", "Nächste Schritte"]


def test_a_workbook_without_extra_sheets_reads_nothing(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "event.xlsx", {"Participants": participant_rows()})
    sheets = read_event_sheets(path, read_registrations(path).participants)
    assert (sheets.tables, sheets.requests, sheets.topics, sheets.found) == ([], [], [], [])


def test_csv_beside_a_workbook_that_has_the_sheet_is_ignored_with_a_warning(
    tmp_path: Path,
) -> None:
    path = write_workbook(
        tmp_path / "event.xlsx",
        {"Participants": participant_rows(), "Rounds": [("Topic",), ("Needs",)]},
    )
    write_csv(tmp_path / "rounds.csv", [("Topic",), ("Other",)])
    sheets = read_event_sheets(path, read_registrations(path).participants)
    assert sheets.topics == ["Needs"]
    assert sheets.warnings == ["rounds.csv is ignored: the workbook has its own sheet 'Rounds'"]


def read_requests_error(tmp_path: Path, request: Sequence[object]) -> str:
    path = write_workbook(
        tmp_path / "event.xlsx",
        {
            "Participants": participant_rows(),
            "Requests": [("Person A", "Person B", "Kind"), ("P1", "P2", "keep apart"), request],
        },
    )
    with pytest.raises(InputError) as caught:
        read_event_sheets(path, read_registrations(path).participants)
    return str(caught.value)


def test_unknown_person_names_sheet_row_column_and_close_names(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("Amira Hadad", "P2", "must meet"))
    assert message == (
        f"{tmp_path / 'event.xlsx'}, sheet 'Requests', row 3, column 'Person A': "
        "'Amira Hadad' is not on the participant sheet (no id or name matches); "
        "did you mean Amira Haddad (id P1)?"
    )


def test_unknown_person_without_any_close_name(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("P1", "Zzz", "must meet"))
    assert message == (
        f"{tmp_path / 'event.xlsx'}, sheet 'Requests', row 3, column 'Person B': "
        "'Zzz' is not on the participant sheet (no id or name matches)"
    )


def test_ambiguous_name_lists_the_candidates(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("jean dupont", "P3", "keep apart"))
    assert message == (
        f"{tmp_path / 'event.xlsx'}, sheet 'Requests', row 3, column 'Person A': "
        "'jean dupont' names 2 participants: Jean Dupont (Caritas Genève, id P2); "
        "Jean Dupont (EPER, id P5); write the id instead"
    )


def test_unknown_kind_of_request(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("P1", "P3", "maybe"))
    assert message == (
        f"{tmp_path / 'event.xlsx'}, sheet 'Requests', row 3, column 'Kind': 'maybe' is not a "
        'kind of request; write "must meet" or "keep apart" (also "doivent se rencontrer" / '
        '"à séparer", "sollen sich treffen" / "getrennt")'
    )


def test_contradicting_requests_are_refused(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("P2", "P1", "must meet"))
    assert message == (
        f"{tmp_path / 'event.xlsx'}, sheet 'Requests', row 3: Jean Dupont and Amira Haddad must "
        "meet in one row and be kept apart in the other (rows 2 and 3); keep one of them"
    )


def test_same_person_twice_is_refused(tmp_path: Path) -> None:
    message = read_requests_error(tmp_path, ("P3", "Olena Kovalenko", "must meet"))
    assert message.endswith(
        "sheet 'Requests', row 3: Olena Kovalenko is named twice: a request is about two "
        "different people"
    )


def test_repeated_request_counts_once(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "event.xlsx",
        {
            "Participants": participant_rows(),
            "Requests": [
                ("Person A", "Person B", "Kind"),
                ("P1", "P2", "apart"),
                ("P2", "P1", "apart"),
            ],
        },
    )
    sheets = read_event_sheets(path, read_registrations(path).participants)
    assert len(sheets.requests) == 1
    assert sheets.warnings == [
        "sheet 'Requests' row 3 repeats row 2 (Jean Dupont and Amira Haddad); counted once"
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [("Table", "Seats"), ("Salle A", "six")],
            "sheet 'Tables', row 2, column 'Seats': 'six' is not a number of seats (2 or more)",
        ),
        (
            [("Table", "Seats"), ("Salle A", 5), ("salle a", 4)],
            "sheet 'Tables', row 3, column 'Table': table 'salle a' is already listed in row 2; "
            "table names must be unique",
        ),
        (
            [("Seats", "Where"), (5, "Salle A")],
            "sheet 'Tables': no name column (a header such as 'table', 'table name', 'name', "
            "'nom'); headers found: 'Seats', 'Where'",
        ),
    ],
)
def test_table_sheet_errors(tmp_path: Path, rows: list[Sequence[object]], expected: str) -> None:
    path = write_workbook(tmp_path / "e.xlsx", {"Participants": participant_rows(), "Tables": rows})
    with pytest.raises(InputError) as caught:
        read_event_sheets(path, read_registrations(path).participants)
    assert str(caught.value) == f"{path}, {expected}"


def test_round_missing_from_the_rounds_sheet(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "e.xlsx",
        {"Participants": participant_rows(), "Rounds": [("Round", "Topic"), (1, "A"), (3, "C")]},
    )
    with pytest.raises(InputError) as caught:
        read_event_sheets(path, read_registrations(path).participants)
    assert str(caught.value) == (
        f"{path}, sheet 'Rounds', column 'Round': round 2 has no row; give a topic for every "
        "round from 1 to 3"
    )


def test_csv_error_names_the_file_and_row(tmp_path: Path) -> None:
    people = write_csv(tmp_path / "people.csv", participant_rows())
    write_csv(tmp_path / "requests.csv", [("Person A", "Person B", "Kind"), ("P1", "P9", "apart")])
    with pytest.raises(InputError) as caught:
        read_event_sheets(people, read_registrations(people).participants)
    assert str(caught.value) == (
        f"{tmp_path / 'requests.csv'}, row 2, column 'Person B': 'P9' is not on the participant "
        "sheet (no id or name matches)"
    )


CELLS = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["tables", "requests", "rounds"]),
    header=st.lists(
        st.sampled_from(["Table", "Seats", "Person A", "Person B", "Kind", "Round", "Topic", "x"])
        | CELLS,
        min_size=1,
        max_size=4,
    ),
    body=st.lists(
        st.lists(
            st.sampled_from(["P1", "Jean Dupont", "keep apart", "3", "yes"]) | CELLS, max_size=4
        ),
        max_size=6,
    ),
)
def test_any_extra_sheet_is_read_or_refused_with_an_input_error(
    tmp_path: Path, kind: str, header: list[str], body: list[list[str]]
) -> None:
    folder = tmp_path / kind
    folder.mkdir(exist_ok=True)
    people = folder / "people.csv"
    if not people.exists():
        write_csv(people, participant_rows())
    with (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *body])
    try:
        sheets = read_event_sheets(people, read_registrations(people).participants)
    except InputError as error:
        assert f"{kind}.csv" in str(error)
        return
    ids = {row[0] for row in PEOPLE}
    for request in sheets.requests:
        assert request.first in ids and request.second in ids and request.first != request.second
    assert all(table.name for table in sheets.tables)
