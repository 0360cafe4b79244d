"""The consent column as registration tools write it: headers and answers in English, French
and German, Excel check boxes, csv from forms; anything unclear counts as no and is reported."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from speedmeet.readers import read_registrations
from speedmeet.readers.registration_rows import consent_answer

HEADERS = [
    "Consent",
    "consent to share e-mail",
    "I agree to share my email with the people I meet",
    "May we share your e-mail address with the people you meet?",
    "Accord",
    "Accord pour partager mon courriel",
    "J'accepte de partager mon adresse e-mail",
    "Consentement au partage de mon e-mail",
    "Einwilligung",
    "Einwilligung zur Weitergabe der E-Mail-Adresse",
    "Weitergabe meiner E-Mail-Adresse",
    "Einwilligung zur Weitergabe meiner E-Mail-Adresse (DSGVO)",
]
NOT_CONSENT = [
    "Datenschutz",
    "DSGVO-Einwilligung",
    "Consentement (RGPD)",
    "GDPR consent",
    "I agree to the terms and conditions",
    "J'accepte la politique de confidentialité",
    "J'accepte que mes données soient traitées (RGPD)",
    "Ich akzeptiere die Datenschutzerklärung",
]
YES = ["Yes", "yes", "YES, I agree", "y", "x", "X", "1", "TRUE", "Oui", "oui, j'accepte",
       "D'accord", "Ja", "ja, einverstanden", "Ich stimme zu", "OK", " yes "]  # fmt: skip
NO = ["No", "no", "", " ", "0", "FALSE", "Non", "non merci", "Je n'accepte pas", "Nein",
      "nein danke", "Ich stimme nicht zu", "I do not agree", "-"]  # fmt: skip


@pytest.mark.parametrize("answer", YES)
def test_a_yes_in_any_of_the_three_languages_is_consent(answer: str) -> None:
    assert consent_answer(answer) is True


@pytest.mark.parametrize("answer", NO)
def test_a_no_or_an_empty_cell_is_no_consent(answer: str) -> None:
    assert consent_answer(answer) is False


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_answer_with_a_no_in_it_is_never_read_as_consent(text: str) -> None:
    for no in ("no", "non", "nein", "not", "pas", "nicht"):
        assert consent_answer(f"{text} {no} {text}") is not True
        assert consent_answer(f"yes {no}") is False


def write_sheet(path: Path, header: str, answers: list[object], *, delimiter: str = ",") -> Path:
    people = [
        [f"Person {i}", f"Org {i % 3}", f"p{i}@example.org", a] for i, a in enumerate(answers)
    ]
    if path.suffix == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.append(["Inscriptions 2026"])  # a title row above the header
        sheet.append(["Name", "Organisation", "E-mail", header])
        for row in people:
            sheet.append(row)
        workbook.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter)
            writer.writerow(["Name", "Organisation", "E-mail", header])
            writer.writerows(people)
    return path


@pytest.mark.parametrize("header", HEADERS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_consent_column_is_recognised_and_read_in_every_form(
    tmp_path: Path, header: str, suffix: str
) -> None:
    rng = random.Random(f"{header}{suffix}")
    answers = [rng.choice(YES) if i % 2 else rng.choice(NO) for i in range(12)]
    path = write_sheet(tmp_path / f"registrations{suffix}", header, list(answers), delimiter=";")
    registrations = read_registrations(path)
    assert ("consent", header) in registrations.mapping
    assert ("email", "E-mail") in registrations.mapping
    assert [p.consent for p in registrations.participants] == [bool(i % 2) for i in range(12)]
    assert [p.email for p in registrations.participants] == [f"p{i}@example.org" for i in range(12)]


def test_excel_check_boxes_and_an_unclear_answer_which_counts_as_no_and_is_reported(
    tmp_path: Path,
) -> None:
    path = write_sheet(tmp_path / "form.xlsx", "Consent", [True, False, None, "maybe later", 1])
    registrations = read_registrations(path)
    assert [p.consent for p in registrations.participants] == [True, False, False, False, True]
    assert (
        "row 6: the answer in 'Consent' is not a clear yes or no; read as no (their e-mail is "
        "not shared)"
    ) in registrations.warnings


def test_a_sheet_without_a_consent_column_shares_nobody_s_address(tmp_path: Path) -> None:
    path = tmp_path / "registrations.csv"
    path.write_text("Name,Organisation,Email\nAna,Org A,ana@example.org\n", encoding="utf-8")
    assert [p.consent for p in read_registrations(path).participants] == [False]


def test_the_consent_column_can_be_named_by_hand(tmp_path: Path) -> None:
    path = write_sheet(tmp_path / "registrations.csv", "Q7", ["oui", "non"])
    registrations = read_registrations(path, columns={"consent": "Q7"})
    assert [p.consent for p in registrations.participants] == [True, False]


@pytest.mark.parametrize("header", NOT_CONSENT)
def test_accepting_a_privacy_policy_or_terms_is_not_consent_to_share_an_address(
    tmp_path: Path, header: str
) -> None:
    """Forms ask everyone to accept data processing; a yes there says nothing about giving
    one's e-mail to the people one meets, so that column is ignored."""
    path = write_sheet(tmp_path / "registrations.csv", header, ["yes", "x", "Oui", "Ja"])
    registrations = read_registrations(path)
    assert "consent" not in dict(registrations.mapping)
    assert header in registrations.ignored
    assert [p.consent for p in registrations.participants] == [False] * 4
