"""Languages read as people write them (issue 12): every style becomes the same tags."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speedmeet.languages import describe_spoken, normalise_languages, read_languages
from speedmeet.readers import read_registrations

# How people write each language: codes in any case, with a region, three-letter codes, names
# in English, French, German and the language's own script.
SPELLINGS = {
    "fr": ["fr", "FR", "fr-CH", "fra", "French", "français", "francais", "Französisch", "FRANÇAIS"],
    "en": ["en", "EN", "eng", "English", "anglais", "Englisch", "en-GB", "Anglais"],
    "de": ["de", "DE", "German", "allemand", "Deutsch", "deu"],
    "ar": ["ar", "ara", "Arabic", "arabe", "Arabisch", "العربية"],
    "ti": ["ti", "tir", "Tigrinya", "tigrigna", "Tigrinisch", "ትግርኛ"],
    "fa": ["fa", "Farsi", "Persian", "persan", "Persisch", "فارسی"],
    "uk": ["uk", "Ukrainian", "ukrainien", "Ukrainisch", "українська"],
    "es": ["es", "spa", "Spanish", "espagnol", "Spanisch", "Español"],
}
LEVELS = ["", " (B2)", " (notions)", " - native", " (langue maternelle)", " courant", " fluent",
          " (C1)", " - Muttersprache", " (Grundkenntnisse)", ": A2"]  # fmt: skip
SEPARATORS = [", ", ",", "; ", " / ", "/", " + ", " & ", "\n", " et ", " and ", " und ", " y "]


@pytest.mark.parametrize(
    ("cell", "tags"),
    [
        ("fr en", ["fr", "en"]),
        ("FR EN", ["fr", "en"]),
        ("Français / Arabe", ["fr", "ar"]),
        ("French and English", ["fr", "en"]),
        ("Deutsch + Englisch", ["de", "en"]),
        ("français (langue maternelle), anglais (B2)", ["fr", "en"]),
        ("FR - native + eng", ["fr", "en"]),
        ("Spanisch (langue maternelle) et FRA (B2) et Allemand (courant)", ["es", "fr", "de"]),
        ("fr-CH - native and ukrainien - native and DE", ["fr", "uk", "de"]),
        ("Farsi", ["fa"]),
        ("persan", ["fa"]),
        ("Persian", ["fa"]),
        ("ትግርኛ", ["ti"]),
        ("العربية", ["ar"]),
        ("francais", ["fr"]),
        ("Deutsch und Französisch y Español", ["de", "fr", "es"]),
        ("un peu d'anglais", ["en"]),
        ("fr, fr-CH, French", ["fr"]),  # one language, however often it is written
        ("and French", ["fr"]),
        ("French, English and", ["fr", "en"]),
        ("1. Français 2. Anglais", ["fr", "en"]),
        ("Englisch: fließend", ["en"]),
        ("et", ["et"]),  # Estonian, alone in its cell
        ("B2", []),
        ("", []),
    ],
)
def test_cells_as_people_write_them(cell: str, tags: list[str]) -> None:
    read = read_languages(cell)
    assert read.tags == tags
    assert read.unknown == []


def test_a_word_that_is_no_language_is_kept_as_written() -> None:
    read = read_languages("fr, Blorpish (courant)")
    assert read.tags == ["fr"]
    assert read.unknown == ["Blorpish"]
    assert read.spoken == ["fr", "Blorpish"]


def test_stored_values_of_any_version_become_tags() -> None:
    # a plan.json written before languages were read as tags compares with a walk-in's tags
    assert normalise_languages(["Français (courant)", "en", "Blorpish"]) == [
        "fr",
        "en",
        "Blorpish",
    ]
    assert normalise_languages(["fr", "ar"]) == ["fr", "ar"]


def test_the_summary_names_languages_in_the_organisers_terms() -> None:
    spoken = [["fr", "ar"], ["fr"], ["fr", "ti"], ["Blorpish"]]
    assert describe_spoken(spoken) == "French 3, Arabic 1, Blorpish 1, Tigrinya 1"
    assert describe_spoken(spoken, limit=2) == "French 3, Arabic 1 and 2 more"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=4, unique=True),
    st.data(),
)
def test_any_mix_of_spellings_levels_and_separators(
    languages: list[str], data: st.DataObject
) -> None:
    parts = [
        data.draw(st.sampled_from(SPELLINGS[code])) + data.draw(st.sampled_from(LEVELS))
        for code in languages
    ]
    separator = data.draw(st.sampled_from(SEPARATORS))
    read = read_languages(separator.join(parts))
    assert read.tags == languages
    assert read.unknown == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=2, max_size=4, unique=True))
def test_plain_spaces_between_codes(languages: list[str]) -> None:
    assert read_languages(" ".join(code.upper() for code in languages)).tags == languages


def test_the_reader_turns_every_style_into_tags_and_warns_unknown_words_once(
    tmp_path: Path,
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nom", "Structure", "Langues parlées"])
    sheet.append(["Amira", "Hospice général", "Français / Arabe"])
    sheet.append(["Jean", "Caritas", "FR - native + eng"])
    sheet.append(["Olena", "Croix-Rouge", "українська, Blorpish"])
    sheet.append(["Yonas", "Armée du Salut", "ትግርኛ et blorpish (notions)"])
    path = tmp_path / "inscriptions.xlsx"
    workbook.save(path)
    registrations = read_registrations(path)
    spoken = {p.name: p.languages for p in registrations.participants}
    assert spoken == {
        "Amira": ["fr", "ar"],
        "Jean": ["fr", "en"],
        "Olena": ["uk", "Blorpish"],
        "Yonas": ["ti", "Blorpish"],  # spelt as its first row wrote it, so the two share it
    }
    unknown = [w for w in registrations.warnings if "Blorpish" in w]
    assert unknown == [
        "'Blorpish' in the languages of rows 4 and 5 is no language speedmeet knows: kept as "
        "written, so only people who wrote it share it"
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_cell_is_read_without_error_and_reads_the_same_again(cell: str) -> None:
    # control characters, stray brackets, scripts of every kind: never a traceback, and what
    # was read (as plan.json stores it) reads back unchanged
    read = read_languages(cell)
    assert normalise_languages(read.spoken) == read.spoken


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=3, unique=True),
        min_size=2,
        max_size=6,
    ),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    st.data(),
)
def test_a_csv_export_reads_every_persons_languages(
    spoken: list[list[str]], delimiter: str, encoding: str, data: st.DataObject
) -> None:
    # as form and ticketing tools save them: any delimiter, cells quoted when they hold it,
    # an encoding of their choice (scripts cp1252 cannot hold are written as codes there)
    def spelling(code: str) -> str:
        choices = [s for s in SPELLINGS[code] if encoding != "cp1252" or s.isascii()]
        return data.draw(st.sampled_from(choices)) + data.draw(st.sampled_from(LEVELS))

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["Name", "Organisation", "Languages"])
    for i, languages in enumerate(spoken):
        separator = data.draw(st.sampled_from(SEPARATORS))
        writer.writerow([f"Person {i}", f"Org {i}", separator.join(map(spelling, languages))])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(buffer.getvalue().encode(encoding))
        registrations = read_registrations(path)
    assert [p.languages for p in registrations.participants] == spoken
