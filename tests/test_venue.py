"""venue.html as a file, the absent list read back by `replan --drop-file`, family-name filing and
the entrance list: everything of the day that needs no browser to check."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner, Result

from speedmeet.checkin import read_absent_file
from speedmeet.cli import app
from speedmeet.errors import SpeedmeetError
from speedmeet.exports.pdf import write_print_kit
from speedmeet.exports.venue import PAGE_TEXTS, script_json, venue_data, venue_html
from speedmeet.model import Participant
from speedmeet.names import family_order, file_name
from speedmeet.planfile import read_plan, write_plan
from speedmeet.validate import validate
from tests.conftest import write_registrations
from tests.venue_plans import PEOPLE, cyclic_plan, nine_plan


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def page_data(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="plan-data">(.*?)</script>', html, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def test_names_holding_markup_stay_data_inside_the_page() -> None:
    nasty = [
        ("</script><script>alert(1)</script>", "Org </SCRIPT >"),
        ("<!-- Amira", "x\u2028y\u2029z"),
        ("{{DATA}} & {{TITLE}}", "<b>bold</b>"),
        *PEOPLE[3:],
    ]
    plan = nine_plan(nasty)
    plan.settings.title = "</title><script>alert(2)</script> {{DATA}}"
    html = venue_html(plan)
    assert html.lower().count("</script") == 2  # the data's end and the script's end
    assert "<!-- Amira" not in html
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt; {{DATA}}</title>" in html
    data = page_data(html)
    assert data == json.loads(json.dumps(venue_data(plan)))
    people = data["people"]
    assert isinstance(people, list)
    assert [p["name"] for p in people] == [name for name, _ in nasty]
    assert [p["organisation"] for p in people] == [org for _, org in nasty]


@given(st.text(), st.text())
def test_any_text_stays_data_inside_a_script_element(name: str, organisation: str) -> None:
    embedded = script_json({"name": name, "organisation": organisation})
    assert "<" not in embedded and ">" not in embedded and "\u2028" not in embedded
    assert json.loads(embedded) == {"name": name, "organisation": organisation}


def test_the_page_loads_nothing_and_shows_no_email() -> None:
    html = venue_html(nine_plan())
    assert re.search(r"https?://|//[a-z]", html, re.I) is None
    assert "default-src 'none'" in html
    assert "@example.org" not in html
    assert not re.search(r"<(img|link|iframe|audio|video|source)[^>]+(src|href)=\"(?!data:)", html)


def test_every_word_of_the_page_comes_from_one_table_of_texts() -> None:
    """The page's words are in PAGE_TEXTS, so a translation replaces them all."""
    html = venue_html(nine_plan())
    script = html[html.index('<script>\n"use strict"') :]
    used = set(re.findall(r"\bT\.(\w+)", script)) | {
        f"tab_{view}" for view in ("round", "find", "checkin")
    }
    assert used <= set(PAGE_TEXTS)
    assert set(PAGE_TEXTS) - used <= {"event", "no_javascript", "table"}
    body = html[html.index("<body>") :]
    markup = re.sub(r"<(script|noscript)\b.*?</\1>|<[^>]+>", " ", body, flags=re.S)
    assert markup.split() == []  # no word is written in the markup itself


def test_plan_writes_the_page_and_the_venue_command_rewrites_it(tmp_path: Path) -> None:
    sheet = write_registrations(
        tmp_path / "people.csv", [(f"Person {i}", f"Organisation {i % 4}") for i in range(10)]
    )
    folder = tmp_path / "people-plan"
    result = run("plan", str(sheet), "--out", str(folder), "--no-print", "--time-limit", "1")
    assert result.exit_code == 0, result.output
    assert "venue.html" in result.output
    data = page_data((folder / "venue.html").read_text(encoding="utf-8"))
    assert data["minutes"] == 10
    assert "@example.org" not in (folder / "venue.html").read_text(encoding="utf-8")
    rounds = data["rounds"]
    assert isinstance(rounds, list)
    assert len(rounds) == len(read_plan(folder).rounds)

    result = run("venue", str(folder), "--round-minutes", "7")
    assert result.exit_code == 0, result.output
    assert f"Written {folder / 'venue.html'}" in result.output
    assert page_data((folder / "venue.html").read_text(encoding="utf-8"))["minutes"] == 7
    assert read_plan(folder).settings.round_minutes is None  # the plan itself is unchanged

    result = run("venue", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "no such plan file" in result.output
    assert "Traceback" not in result.output


@pytest.fixture
def planned(tmp_path: Path) -> Path:
    folder = tmp_path / "event-plan"
    folder.mkdir()
    write_plan(nine_plan(), folder / "plan.json")
    return folder


ABSENT_FILES = {
    "the page's own download": (
        "utf-8",
        "\ufeffid,name,organisation\r\nP1,Hélène Dubois,Hospice Général\r\n"
        'P5,Jean-Pierre Müller,"Ville de Genève, Service social"\r\n',
    ),
    "French header, semicolons": ("utf-8", "N°;Nom;Organisme\nP1;Hélène Dubois;HG\nP5;;\n"),
    "German header, tabs": ("utf-8", "Name\tID\nHélène Dubois\tP1\nJean-Pierre Müller\tP5\n"),
    "names only, no header": ("utf-8", "hélène dubois\n\n  JEAN-PIERRE MÜLLER  \n"),
    "a Name column only": ("utf-8", "Full name\nHélène Dubois\nJean-Pierre Müller\n"),
    "re-saved by Excel in cp1252": ("cp1252", "ID;Name\r\nP1;Hélène Dubois\r\n;Jean-Pierre Müller\r\n"),
    "ids unknown, names known": ("utf-8", "id,name\nX-1,Hélène Dubois\nX-2,Jean-Pierre Müller\n"),
    "blank rows and a repeat": ("utf-8", "id\n\nP1\n,\nP5\nP1\n"),
}  # fmt: skip


@pytest.mark.parametrize("variant", list(ABSENT_FILES))
def test_absent_lists_written_in_many_ways_name_the_same_people(
    planned: Path, tmp_path: Path, variant: str
) -> None:
    encoding, text = ABSENT_FILES[variant]
    path = tmp_path / "absent.csv"
    path.write_bytes(text.encode(encoding))
    absent = read_absent_file(path, read_plan(planned), 1)
    assert absent.ids == ["P1", "P5"]
    assert absent.warnings == []


def test_an_absent_list_naming_someone_unknown_stops_at_that_row(
    planned: Path, tmp_path: Path
) -> None:
    path = tmp_path / "absent.csv"
    path.write_text("id,name\nP1,Hélène Dubois\nP77,Nobody Known\n", encoding="utf-8")
    with pytest.raises(
        SpeedmeetError, match=r"absent\.csv, row 3, column 'id': no participant has the id"
    ):
        read_absent_file(path, read_plan(planned), 1)
    result = run("replan", str(planned), "--from-round", "1", "--drop-file", str(path))
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: absent.csv, row 3, column 'id': no participant has the id or name 'P77'"
    )
    assert "Traceback" not in result.output
    assert read_plan(planned) == nine_plan()  # the plan is left as it was

    path.write_text("id,name\n\n", encoding="utf-8")
    result = run("replan", str(planned), "--from-round", "1", "--drop-file", str(path))
    assert result.exit_code == 1
    assert "nobody to drop" in result.output
    result = run("replan", str(planned), "--from-round", "1", "--drop-file", "missing.csv")
    assert result.exit_code == 1
    assert "Error: --drop-file missing.csv: no such file" in result.output


def test_replan_drops_the_people_of_the_absent_list(planned: Path, tmp_path: Path) -> None:
    path = tmp_path / "absent.csv"
    path.write_text("id,name,organisation\r\nP1,Hélène Dubois,HG\r\n", encoding="utf-8-sig")
    result = run("replan", str(planned), "--from-round", "1", "--drop-file", str(path), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "Removed: Hélène Dubois (P1)" in result.output
    after = read_plan(planned)
    assert validate(after).ok
    assert all("P1" not in table.participants for r in after.rounds for table in r.tables)
    people = page_data((planned / "venue.html").read_text(encoding="utf-8"))["people"]
    assert isinstance(people, list)
    assert "Hélène Dubois" not in [p["name"] for p in people]
    assert len(people) == 8


def test_an_absent_list_sets_aside_who_has_left_already(planned: Path, tmp_path: Path) -> None:
    result = run("replan", str(planned), "--from-round", "3", "--drop", "P3", "--no-pdf")
    assert result.exit_code == 0, result.output
    path = tmp_path / "absent.csv"
    path.write_text("id,name\nP3,Amira Hadj\nP2,Amira Haddad\n", encoding="utf-8")
    result = run("replan", str(planned), "--from-round", "3", "--drop-file", str(path), "--no-pdf")
    assert result.exit_code == 0, result.output
    assert "absent.csv, row 2: Amira Hadj (P3) is not in round 3 or later already" in result.output
    assert "Leaves after round 2: Amira Haddad (P2)" in result.output
    assert validate(read_plan(planned)).ok


@pytest.mark.parametrize(
    ("name", "listed", "initial"),
    [
        ("Amira Haddad", "Haddad, Amira", "H"),
        ("Haddad, Amira", "Haddad, Amira", "H"),
        ("HADDAD Amira", "HADDAD, Amira", "H"),
        ("Amira HADDAD", "HADDAD, Amira", "H"),
        ("Ludwig van Beethoven", "Beethoven, Ludwig van", "B"),
        ("Jean de La Fontaine", "La Fontaine, Jean de", "L"),
        ("Anna  de Souza ", "Souza, Anna de", "S"),
        ("Élodie Dubois", "Dubois, Élodie", "D"),
        ("Émile Zola", "Zola, Émile", "Z"),
        ("Ørsted", "Ørsted", "O"),
        ("Иван Петров", "Петров, Иван", "П"),
        ("NASA", "NASA", "N"),
    ],
)
def test_family_names_are_found_as_people_write_them(name: str, listed: str, initial: str) -> None:
    filed = file_name(name)
    assert filed.listed == listed
    assert filed.initial == initial


def test_family_order_ignores_accents_and_case() -> None:
    people = [
        Participant(id=str(i), name=name, organisation="O")
        for i, name in enumerate(["zoë Ábel", "Ana ÁLVAREZ", "Bea abel", "Carl Éclair", "Dan Eck"])
    ]
    assert [p.name for p, _ in family_order(people)] == [
        "Bea abel",
        "zoë Ábel",
        "Ana ÁLVAREZ",
        "Dan Eck",
        "Carl Éclair",
    ]


def test_entrance_list_is_alphabetical_by_family_name_with_tabs_over_pages(tmp_path: Path) -> None:
    plan = cyclic_plan(13, size=5, rounds=3)  # 65 people: several pages
    written = write_print_kit(plan, tmp_path, what=["entrance"])
    assert written == [tmp_path / "entrance-list.pdf"]
    pages = [page.extract_text() for page in PdfReader(written[0]).pages]
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert "Entrance list" in text
        assert f"page {number} of {len(pages)}" in text
        assert "Round 1" in text and "Round 3" in text
        tabs = [line.strip() for line in text.splitlines() if re.fullmatch(r"[A-Z]", line.strip())]
        assert set("ABKPRS") <= set(tabs)  # every letter of the index, on every page
    text = "\n".join(pages)
    order = [name.listed for _, name in family_order(plan.participants)]
    positions = [text.find(listed) for listed in order]
    assert all(position >= 0 for position in positions), order
    assert positions == sorted(positions)
    seating = plan.seating()
    person, filed = family_order(plan.participants)[0]
    lines = text.splitlines()
    below = lines[next(i for i, line in enumerate(lines) if filed.listed in line) + 1]
    assert below == f"{person.organisation} " + " ".join(str(t) for t in seating[person.id])


def test_entrance_list_of_a_small_event_is_one_page_without_tabs(tmp_path: Path) -> None:
    written = write_print_kit(nine_plan(), tmp_path, what=["entrance"])
    reader = PdfReader(written[0])
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "page 1 of" not in text
    assert text.find("Dubois") < text.find("Haddad") < text.find("Hadj") < text.find("Müller")


def test_a_translation_of_the_texts_reaches_every_word_of_the_page() -> None:
    html = venue_html(nine_plan(), translate=lambda text: f"«{text}»", language="fr")
    data = page_data(html)
    texts = data["texts"]
    assert isinstance(texts, dict)
    assert texts == {key: f"«{text}»" for key, text in PAGE_TEXTS.items()}
    rounds = data["rounds"]
    assert isinstance(rounds, list)
    assert rounds[0]["tables"][0]["label"] == "«Table 1»"
    assert '<html lang="fr">' in html


def test_an_absent_list_in_utf16_or_as_a_workbook(planned: Path, tmp_path: Path) -> None:
    path = tmp_path / "absent.txt"
    path.write_bytes("ID\tName\r\nP1\tHélène Dubois\r\nP5\t\r\n".encode("utf-16"))
    assert read_absent_file(path, read_plan(planned), 1).ids == ["P1", "P5"]
    workbook = tmp_path / "absent.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(100))
    result = run("replan", str(planned), "--from-round", "1", "--drop-file", str(workbook))
    assert result.exit_code == 1
    assert "a workbook; save the list as csv" in result.output


def test_a_family_name_column_files_people_as_the_sheet_says(tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Prénom;Nom;Organisation\n"
        "Gabriel;García Márquez;Fundación\n"
        "Ana;de la Cruz;Ville\n"
        "Jean;Martin;Caritas\n"
        "Zoé;Abel;EPER\n",
        encoding="utf-8",
    )
    from speedmeet.readers import read_registrations

    people = read_registrations(sheet).participants
    assert people[0].name == "Gabriel García Márquez"
    assert [name.listed for _, name in family_order(people)] == [
        "Abel, Zoé",
        "de la Cruz, Ana",
        "García Márquez, Gabriel",
        "Martin, Jean",
    ]
