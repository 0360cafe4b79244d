"""Every script prints: Chinese and Korean names with a font of the computer or --font, bold
where the font has a bold, and one warning naming the people when no font has their letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.exports import pdf_fonts
from speedmeet.exports.fonts import system_font_for
from speedmeet.exports.pdf import unprintable_characters, write_print_kit
from speedmeet.model import EventSettings, Participant, Plan, Round, Table

CHINESE = "王秀英"
KOREAN = "김민준"
ARABIC = "أميرة حداد"
CJK_FONT = system_font_for(ord(CHINESE[0]))
needs_cjk_font = pytest.mark.skipif(
    CJK_FONT is None, reason="no CJK font on this computer (e.g. apt install fonts-noto-cjk)"
)


def plan_with(names: list[tuple[str, str]]) -> Plan:
    people = [
        Participant(id=f"P{i}", name=name, organisation=organisation)
        for i, (name, organisation) in enumerate(names)
    ]
    half = len(people) // 2
    return Plan(
        settings=EventSettings(rounds=1, table_size=half),
        participants=people,
        rounds=[
            Round(
                round=1,
                tables=[
                    Table(table="1", participants=[p.id for p in people[:half]]),
                    Table(table="2", participants=[p.id for p in people[half:]]),
                ],
            )
        ],
    )


NAMES = [
    (CHINESE, "北京大学"),
    (KOREAN, "서울시청"),
    (ARABIC, "مؤسسة الأمل"),
    ("Jean Dupont", "Caritas Genève"),
]


def text_of(path: Path) -> str:
    """The text of every page (pypdf reads a NUL before each CJK character; pdftotext does not)."""
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\x00", "")


def fonts_of(path: Path) -> set[str]:
    found: set[str] = set()
    for page in PdfReader(path).pages:
        resources: Any = page["/Resources"]["/Font"]
        found.update(str(resources[key].get_object()["/BaseFont"]) for key in resources)
    return found


@needs_cjk_font
def test_chinese_and_korean_names_print_with_a_font_of_the_computer(tmp_path: Path) -> None:
    plan = plan_with(NAMES)
    assert unprintable_characters(plan) == {}
    sheets, *_ = write_print_kit(plan, tmp_path, what=["sheets", "badges"])
    text = text_of(sheets)
    assert CHINESE in text and KOREAN in text and "北京大学" in text
    assert "\ufffd" not in text
    # Names are bold on round sheets: the CJK font's bold face is used where the system has one.
    assert CJK_FONT is not None
    if CJK_FONT.bold is not None:
        assert any("CJK" in font and "Bold" in font for font in fonts_of(sheets))


def test_names_stay_bold_in_arabic_devanagari_and_other_scripts(tmp_path: Path) -> None:
    names = [
        (ARABIC, "مؤسسة الأمل"),
        ("अमित शर्मा", "Caritas"),
        ("ተስፋዬ ገብረ", "HUG"),
        ("สมชาย ใจดี", "EPER"),
        ("தமிழ்செல்வி", "IOM"),
        ("Jean Dupont", "Caritas Genève"),
    ]
    [sheets] = write_print_kit(plan_with(names), tmp_path, what=["sheets"])
    fonts = fonts_of(sheets)
    for script in ("Arabic", "Devanagari", "Ethiopic", "Thai", "Tamil"):
        assert any(f"NotoSans{script}Bold" in font for font in fonts), script


def write_sheet(path: Path) -> Path:
    rows = [*NAMES, ("Ana Silva", "EPER"), ("Omar Said", "HUG")]
    path.write_text(
        "Name,Organisation\n" + "".join(f"{name},{org}\n" for name, org in rows), encoding="utf-8"
    )
    return path


def test_without_a_font_one_warning_names_the_people_and_the_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_fonts, "system_font_for", lambda character: None)
    source = write_sheet(tmp_path / "people.csv")
    result = CliRunner().invoke(
        cli.app, ["plan", str(source), "--out", str(tmp_path / "out"), "--rounds", "2"]
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert output.count("no font at hand has the characters") == 1
    assert CHINESE in output and KOREAN in output
    assert "fonts-noto-cjk" in output and "--font" in output
    assert ARABIC not in output.split("no font at hand")[1]  # Arabic is shipped: not named
    assert "\ufffd" in text_of(tmp_path / "out" / "badges.pdf")


@needs_cjk_font
def test_a_font_given_with_font_prints_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_fonts, "system_font_for", lambda character: None)
    assert CJK_FONT is not None
    source = write_sheet(tmp_path / "people.csv")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app,
        ["plan", str(source), "--out", str(out), "--rounds", "2", "--font", CJK_FONT.regular.path],
    )
    assert result.exit_code == 0, result.output
    assert "no font at hand" not in result.output
    text = text_of(out / "round-sheets.pdf")
    assert CHINESE in text and "\ufffd" not in text
    # `speedmeet print` reprints with the font the plan was made with.
    again = CliRunner().invoke(cli.app, ["print", str(out), "--what", "itineraries"])
    assert again.exit_code == 0 and "no font at hand" not in again.output


def test_a_plan_naming_a_font_this_computer_lacks_still_prints(tmp_path: Path) -> None:
    """A plan folder carried to another laptop: its --font is not there, the system's fonts
    stand in (or the warning names the people), and nothing fails."""
    plan = plan_with(NAMES)
    plan.settings.font = str(tmp_path / "gone" / "NotoSansCJK.ttc")
    [sheets] = write_print_kit(plan, tmp_path, what=["sheets"])
    assert "Jean Dupont" in text_of(sheets)
    if CJK_FONT is not None:
        assert CHINESE in text_of(sheets)


def test_a_font_file_that_is_no_font_is_one_clear_error(tmp_path: Path) -> None:
    source = write_sheet(tmp_path / "people.csv")
    fake = tmp_path / "font.ttf"
    fake.write_text("not a font", encoding="utf-8")
    for font, message in ((fake, "cannot be read as a font"), (tmp_path / "x.ttf", "no such")):
        result = CliRunner().invoke(
            cli.app,
            ["plan", str(source), "--out", str(tmp_path / "out"), "--font", str(font)],
        )
        assert result.exit_code == 1, result.output
        assert message in result.output and "Traceback" not in result.output
