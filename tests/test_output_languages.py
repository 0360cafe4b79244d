"""Outputs in the organiser's language: the catalogues are complete and current, every printed
word comes from them, the language follows the sheet's headers or --lang, times follow the locale.
"""

from __future__ import annotations

import csv
import gettext
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.changes import SeatChange
from speedmeet.errors import SettingsError
from speedmeet.exports.online import write_online_exports
from speedmeet.exports.pdf import write_print_kit
from speedmeet.exports.reprint import changes_csv
from speedmeet.exports.xlsx import write_meetings_xlsx, write_plan_xlsx
from speedmeet.i18n import LOCALE_FOLDER, language, languages
from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.notes import TEMPLATES, translate_note
from speedmeet.quality import Quality
from speedmeet.readers import read_registrations
from speedmeet.readers.columns import header_language
from speedmeet.validate import validate

PACKAGE = Path(__file__).resolve().parent.parent / "speedmeet"
SAMPLES = Path("/work/shared/samples")
TRANSLATED = [code for code in languages() if code != "en"]


def extracted() -> set[str]:
    """Every message id written in the code, found as `pybabel extract` finds them."""
    return {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(PACKAGE), [("**.py", "python")])
    }


def test_french_and_german_are_offered() -> None:
    assert {"en", "fr", "de"} <= set(languages())


@pytest.mark.parametrize("code", ["fr", "de"])
def test_every_output_string_is_translated_and_the_compiled_catalogue_is_current(
    code: str,
) -> None:
    """Fails when a printed string is added or changed without `pybabel update` and a
    translation, or when the .po was edited without `pybabel compile`."""
    folder = LOCALE_FOLDER / code / "LC_MESSAGES"
    with (folder / "speedmeet.po").open("rb") as stream:
        catalogue = read_po(stream, locale=code)
    in_code = extracted()
    in_po = {message.id for message in catalogue if message.id}
    assert in_code - in_po == set(), "strings missing from the catalogue: run pybabel update"
    assert in_po - in_code == set(), "strings no longer in the code: run pybabel update"
    for message in catalogue:
        if message.id:
            assert message.string, f"{code}: no translation for {message.id!r}"
            assert not message.fuzzy, f"{code}: fuzzy translation for {message.id!r}"
            fields = set(re.findall(r"\{\w+\}", str(message.id)))
            assert set(re.findall(r"\{\w+\}", str(message.string))) == fields, message.id
    with (folder / "speedmeet.mo").open("rb") as stream:
        compiled = read_mo(stream)
    assert {m.id: m.string for m in compiled if m.id} == {
        m.id: m.string for m in catalogue if m.id
    }, "the .mo is older than the .po: run pybabel compile"


def test_the_template_lists_what_the_code_says() -> None:
    with (LOCALE_FOLDER / "speedmeet.pot").open("rb") as stream:
        template = read_po(stream)
    assert {message.id for message in template if message.id} == extracted()


def test_times_are_written_in_the_locale_s_form() -> None:
    assert language("en").time(14 * 60).replace("\u202f", " ") == "2:00 PM"
    assert language("fr").time(14 * 60) == "14:00"
    assert language("de").time(14 * 60 + 5) == "14:05"
    assert "14:15" in language("de").interval(14 * 60, 14 * 60 + 15)
    assert language("FR").code == "fr"
    assert language("fr-CH").code == "fr" and language("de_AT").code == "de"
    # A European organiser writing in English gets the 24-hour clock with en-GB.
    assert language("en-GB").time(14 * 60) == "14:00" and language("en-gb").tag == "en-GB"
    with pytest.raises(SettingsError, match="no region 'XX' of fr"):
        language("fr-XX")


def test_an_unknown_language_is_refused_with_the_choice() -> None:
    with pytest.raises(SettingsError, match=r"choose one of en, .*fr"):
        language("xx")


# --- which language a sheet's headers are written in -------------------------------------

HEADERS = {
    "fr": [
        ["Horodateur", "Adresse e-mail", "Nom complet", "Organisation / structure"],
        ["N°", "Nom", "Prénom", "Structure", "E-mail", "Langues parlées", "Thèmes"],
        ["Nom et prénom", "Organisme d'appartenance", "Courriel", "Quels sont vos besoins ?"],
        ["NOM", "PRENOM", "ORGANISME", "SECTEUR"],
    ],
    "de": [
        ["Bestellnummer", "Vorname", "Nachname", "E-Mail-Adresse", "Organisation", "Sprachen"],
        ["Name", "Einrichtung", "Sprachen", "Interessen", "Gastgeber"],
        ["Lfd. Nr.", "Vor- und Nachname", "Arbeitgeber", "Bemerkungen"],
    ],
    "en": [
        ["ID", "Start time", "Completion time", "Email", "Name", "Organization", "Sector"],
        ["First name", "Last name", "Company", "Languages spoken", "Areas of interest"],
        ["Full name", "Organisation", "What we offer", "What we need", "Table host"],
    ],
}


@pytest.mark.parametrize(
    ("code", "headers"), [(code, h) for code, rows in HEADERS.items() for h in rows]
)
def test_the_headers_tell_the_language(code: str, headers: list[str]) -> None:
    assert header_language(headers) == code


@settings(max_examples=60, deadline=None)
@given(
    code=st.sampled_from(sorted(HEADERS)),
    row=st.integers(0, 2),
    case=st.sampled_from([str.upper, str.lower, str.title, lambda text: text]),
    spaces=st.sampled_from(["", " ", "  "]),
    shuffle=st.randoms(use_true_random=False),
)
def test_the_language_survives_case_spacing_and_order(
    code: str, row: int, case: object, spaces: str, shuffle: object
) -> None:
    """Exports write headers in capitals, with stray spaces, in any column order."""
    headers = [spaces + case(header) + spaces for header in HEADERS[code][row]]  # type: ignore[operator]
    shuffle.shuffle(headers)  # type: ignore[attr-defined]
    assert header_language(headers) == code


def test_headers_that_say_nothing_give_no_language() -> None:
    assert header_language(["Name", "Organisation", "E-mail"]) is None
    assert header_language([]) is None


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared sample exports are not here")
@pytest.mark.parametrize(
    ("sample", "code"),
    [
        ("google-forms-fr.csv", "fr"),
        ("paper-list-fr.xlsx", "fr"),
        ("eventbrite-de.csv", "de"),
        ("ms-forms-en.xlsx", "en"),
    ],
)
def test_the_reader_reports_the_language_of_real_exports(sample: str, code: str) -> None:
    assert read_registrations(SAMPLES / sample).language == code


# --- every printed word comes from the catalogue or from the plan ---------------------------

WORD = re.compile(r"[^\W\d_]+")


def small_plan(code: str) -> Plan:
    people = [
        Participant(id=f"P{i}", name=name, organisation=organisation, host=i == 1)
        for i, (name, organisation) in enumerate(
            [
                ("Zoë Lefèvre", "Hospice Général"),
                ("Jean Dupont", "Caritas Genève"),
                ("Amira Haddad", "Croix-Rouge genevoise"),
                ("Olena Kovalenko", "Ville de Lancy"),
            ]
        )
    ]
    plan = Plan(
        settings=EventSettings(
            rounds=2,
            table_size=2,
            title="Qui fait quoi",
            topics=["Besoins", "Ressources"],
            start="14:00",
            round_minutes=15,
            language=code,
        ),
        participants=people,
        rounds=[
            Round(round=1, tables=[Table(table="1", participants=["P0", "P1"]),
                                   Table(table="2", participants=["P2", "P3"])]),
            Round(round=2, tables=[Table(table="1", participants=["P0", "P2"]),
                                   Table(table="2", participants=["P1", "P3"])]),
        ],
    )  # fmt: skip
    return plan


def quality_of(plan: Plan) -> Quality:
    report = validate(plan)
    assert report.ok and report.quality is not None, report.violations
    return report.quality


def allowed_words(plan: Plan, code: str) -> set[str]:
    """Words a page in `code` may hold: the catalogue's translations, the plan's own text, and
    what Babel writes for times (German "Uhr")."""
    words: set[str] = set()
    texts = [*language(code).translations(), plan.settings.title or "", *plan.settings.topics]
    texts += [text for p in plan.participants for text in (p.id, p.name, p.organisation)]
    texts += [language(code).interval(14 * 60, 14 * 60 + 15)]
    for text in texts:
        words.update(word.casefold() for word in WORD.findall(text))
    return words


def pdf_words(path: Path) -> set[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return {word.casefold() for word in WORD.findall(text)}


def unexplained(words: set[str], allowed: set[str]) -> set[str]:
    """Words neither allowed nor two allowed words run together (text read back from a page
    turned upside down may lose the space between two lines)."""
    return {
        word
        for word in words - allowed
        if not any(word[:i] in allowed and word[i:] in allowed for i in range(1, len(word)))
    }


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_printed_word_comes_from_the_catalogue_or_the_plan(code: str, tmp_path: Path) -> None:
    """An English word left in code that is not marked for translation shows up here."""
    plan = small_plan(code)
    allowed = allowed_words(plan, code)
    # The entrance list's letter bands are the initials of the names it files.
    initials = {word[0] for word in allowed if word}
    for path in write_print_kit(plan, tmp_path):
        assert unexplained(pdf_words(path), allowed | initials) == set(), path.name
    workbook_path = write_plan_xlsx(plan, tmp_path / "plan.xlsx", quality_of(plan))
    found: set[str] = set()
    for sheet in [
        *openpyxl.load_workbook(workbook_path).worksheets,
        *openpyxl.load_workbook(write_meetings_xlsx(plan, tmp_path / "m.xlsx")).worksheets,
    ]:
        found.update(word.casefold() for word in WORD.findall(sheet.title))
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    found.update(word.casefold() for word in WORD.findall(value))
    assert found - allowed == set()
    # The chat text of online rounds (everyone here lacks an email: the "by hand" part shows).
    write_online_exports(plan, tmp_path)
    chat = (tmp_path / "breakout-messages.txt").read_text(encoding="utf-8")
    assert unexplained({w.casefold() for w in WORD.findall(chat)}, allowed) == set()
    change = SeatChange("P0", "Zoë Lefèvre", "Hospice Général", 2, "1", "2")
    header = next(csv.reader(io.StringIO(changes_csv([change], code))))
    assert {w.casefold() for h in header for w in WORD.findall(h)} - allowed == set()


def test_german_pages_say_runde_and_tisch(tmp_path: Path) -> None:
    plan = small_plan("de")
    sheets, cards, slips, *_ = write_print_kit(plan, tmp_path)
    sheet_text = PdfReader(sheets).pages[0].extract_text()
    assert "Runde 1" in sheet_text and "Tisch 1" in sheet_text and "14:00" in sheet_text
    assert "Round" not in sheet_text and "PM" not in sheet_text
    assert "wer hier sitzt" in PdfReader(cards).pages[1].extract_text()
    assert "Laufzettel" in str(PdfReader(slips).metadata.title)
    workbook = openpyxl.load_workbook(write_plan_xlsx(plan, tmp_path / "p.xlsx", quality_of(plan)))
    assert workbook.sheetnames == ["Übersicht", "Runde 1", "Runde 2", "Nach Person"]


# --- the CLI: French from a French sheet, --lang to choose --------------------------------


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the shared sample exports are not here")
def test_a_french_export_gives_french_outputs_without_a_flag(tmp_path: Path) -> None:
    source = tmp_path / "inscriptions.csv"
    shutil.copy(SAMPLES / "google-forms-fr.csv", source)
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        cli.app,
        ["plan", str(source), "--out", str(out), "--start", "9:30", "--round-minutes", "20"],
    )
    assert result.exit_code == 0, result.output
    assert "Outputs in French (the sheet's headers are in French)" in result.output
    assert Plan.model_validate_json((out / "plan.json").read_text()).settings.language == "fr"
    sheets = PdfReader(out / "round-sheets.pdf").pages[0].extract_text()
    assert "Tour 1" in sheets and "09:30" in sheets
    badges = PdfReader(out / "badges.pdf").pages[0].extract_text()
    assert "Tour" in badges and "Horaire" in badges and "Round" not in badges
    assert openpyxl.load_workbook(out / "plan.xlsx").sheetnames[0] == "Résumé"

    german = CliRunner().invoke(cli.app, ["print", str(out), "--lang", "de", "--what", "sheets"])
    assert german.exit_code == 0, german.output
    assert "Runde 1" in PdfReader(out / "round-sheets.pdf").pages[0].extract_text()


def test_lang_chooses_and_an_unknown_one_is_one_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "Name,Organisation\n" + "".join(f"Person {i},Org {i % 5}\n" for i in range(12)),
        encoding="utf-8",
    )
    out = tmp_path / "plan"
    result = CliRunner().invoke(
        cli.app, ["plan", str(source), "--out", str(out), "--lang", "de", "--rounds", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "Outputs in German (--lang)" in result.output
    assert "Runde 1" in PdfReader(out / "round-sheets.pdf").pages[0].extract_text()
    plain = CliRunner().invoke(
        cli.app, ["plan", str(source), "--out", str(tmp_path / "en"), "--no-print"]
    )
    assert "Outputs in English (the sheet's headers do not tell" in plain.output
    bad = CliRunner().invoke(cli.app, ["plan", str(source), "--out", str(out), "--lang", "xx"])
    assert bad.exit_code == 1
    assert "Error: outputs cannot be written in 'xx': choose one of en, " in bad.output
    assert "Traceback" not in bad.output


def test_a_new_catalogue_is_a_new_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a language is adding one compiled catalogue: nothing else to change."""
    from babel.messages.mofile import write_mo

    from speedmeet import i18n

    folder = tmp_path / "it" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (LOCALE_FOLDER / "fr" / "LC_MESSAGES" / "speedmeet.po").open("rb") as stream:
        catalogue = read_po(stream, locale="it")
    for message in catalogue:
        if message.id == "Round {round}":
            message.string = "Turno {round}"
    with (folder / "speedmeet.mo").open("wb") as stream:
        write_mo(stream, catalogue)
    for code in ("fr", "de"):
        (tmp_path / code).symlink_to(LOCALE_FOLDER / code)
    monkeypatch.setattr(i18n, "LOCALE_FOLDER", tmp_path)
    i18n.language.cache_clear()
    try:
        assert "it" in i18n.languages()
        italian = i18n.language("it")
        assert italian.gettext("Round {round}") == "Turno {round}"
        assert italian.time(14 * 60) == "14:00"
        assert isinstance(italian._catalogue, gettext.GNUTranslations)
    finally:
        i18n.language.cache_clear()


# --- the plan's notes (why it cannot do better) in the output language -----------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_each_note_is_read_back_and_written_in_the_output_language(template: str) -> None:
    values = {
        field: "Hospice général" if field == "organisation" else str(7 + i)
        for i, field in enumerate(re.findall(r"\{(\w+)\}", template))
    }
    english = template.format(**values)
    for code in TRANSLATED:
        written = translate_note(english, language(code))
        assert written == language(code).gettext(template).format(**values)
        assert written != english
    assert translate_note(english, language("en")) == english


def test_a_note_no_template_knows_stays_as_written() -> None:
    assert translate_note("a note from an older version", language("fr")) == (
        "a note from an older version"
    )


def test_the_workbook_notes_of_a_real_plan_are_french(tmp_path: Path) -> None:
    """Three colleagues of one organisation at two tables: one meeting among them is forced."""
    people = [
        Participant(id=f"P{i}", name=f"Personne {i}", organisation="Caritas" if i < 3 else f"O{i}")
        for i in range(4)
    ]
    plan = Plan(
        settings=EventSettings(rounds=1, table_size=2, language="fr"),
        participants=people,
        rounds=[
            Round(
                round=1,
                tables=[
                    Table(table="1", participants=["P0", "P3"]),
                    Table(table="2", participants=["P1", "P2"]),
                ],
            )
        ],
    )
    workbook = openpyxl.load_workbook(
        write_plan_xlsx(plan, tmp_path / "plan.xlsx", quality_of(plan))
    )
    notes = [
        row[1] for row in workbook["Résumé"].iter_rows(values_only=True) if row[0] == "Remarque"
    ]
    assert notes == [
        "1 rencontres entre collègues sont inévitables : Caritas a 3 personnes pour 2 tables"
    ]


def test_the_package_ships_every_catalogue_and_font() -> None:
    """`pip install .` must carry the compiled catalogues: pyproject's package data lists them."""
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["speedmeet"]
    shipped = [*PACKAGE.glob("locales/*/LC_MESSAGES/*.mo"), *PACKAGE.glob("fonts/*.ttf")]
    assert len(shipped) > 20
    for path in shipped:
        relative = path.relative_to(PACKAGE).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative
