"""The print kit read back as an organiser and a reader of the PDFs would: pages, names, tables, QR.

The plan is built by hand (no solver): nine people from nine organisations, three rounds of three
tables of three, with names in several scripts, a very long name and text that looks like markup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from speedmeet.errors import SettingsError
from speedmeet.exports import pdf_fonts
from speedmeet.exports.pdf import PDF_NAMES, PRINTABLES, unprintable_characters, write_print_kit
from speedmeet.model import EventSettings, Participant, Plan, Round, Table
from speedmeet.validate import validate

LONG_NAME = (
    "Maximiliano Alessandro Bartholomew von Hohenzollern-Sigmaringen de la Fuente y Montenegro"
)
ARABIC_NAME = "أميرة حداد"
PEOPLE = [
    ("P1", "Zoë Lefèvre", "Hospice Général"),
    ("P2", "Nguyễn Thị Minh Khai", "Caritas Genève"),
    ("P3", "Амира Хаддад", "Croix-Rouge genevoise"),
    ("P4", ARABIC_NAME, "مؤسسة الأمل"),
    ("P5", LONG_NAME, "Bureau de l'intégration des étrangers"),
    ("P6", "Γιώργος Παπαδόπουλος", "Ville de Lancy"),
    ("P7", "<script>alert(1)</script>", '=HYPERLINK("http://example.invalid")'),
    ("P8", "Ana Silva", "EPER"),
    ("P9", "Jean Dupont", "Université de Genève"),
]
# Positions (0-based) of the people at tables 1, 2, 3 in each round: nobody meets anyone twice.
SCHEDULE = [
    [[0, 1, 2], [3, 4, 5], [6, 7, 8]],
    [[0, 3, 6], [1, 4, 7], [2, 5, 8]],
    [[0, 4, 8], [1, 5, 6], [2, 3, 7]],
]
TOPICS = ["What do migrants need?", "Which resources does each organisation bring?", "Next steps"]


def build_plan() -> Plan:
    participants = [Participant(id=pid, name=name, organisation=org) for pid, name, org in PEOPLE]
    participants[8].host = True  # Jean Dupont hosts a table
    made = Plan(
        settings=EventSettings(
            rounds=3,
            table_size=3,
            title="Who does what?",
            topics=TOPICS,
            start="14:00",
            round_minutes=15,
            break_minutes=5,
        ),
        participants=participants,
        rounds=[
            Round(
                round=r,
                tables=[
                    Table(table=str(t), participants=[participants[i].id for i in seats])
                    for t, seats in enumerate(tables, start=1)
                ],
            )
            for r, tables in enumerate(SCHEDULE, start=1)
        ],
    )
    assert validate(made).ok
    return made


@pytest.fixture
def plan() -> Plan:
    return build_plan()


TITLE = "Who does what?"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The whole kit with the defaults (A4, A6 badges), written once for the tests that read it."""
    folder = tmp_path_factory.mktemp("kit")
    written = write_print_kit(build_plan(), folder)
    assert written == [folder / PDF_NAMES[key] for key in PRINTABLES]
    return {path.name: path for path in written}


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squeeze(text: str) -> str:
    """Text without whitespace: a name broken over lines still reads as the same letters."""
    return "".join(text.split())


def name_found(name: str, text: str) -> bool:
    """Latin, Greek and Cyrillic names read back whole; right-to-left names come back word by
    word in visual order, so for those every word must be there and the last word first."""
    if re.search(r"[\u0590-\u08ff]", name):
        return " ".join(reversed(name.split())) in text
    return squeeze(name) in squeeze(text)


def pieces(path: Path) -> list[str]:
    """The text of each badge or slip: each one starts with the event title."""
    found: list[str] = []
    for text in page_texts(path):
        found.extend(part for part in text.split(TITLE)[1:])
    return found


def owner(piece: str, plan: Plan) -> Participant:
    [person] = [p for p in plan.participants if name_found(p.name, piece)]
    return person


def test_the_kit_has_every_document_with_the_expected_pages(kit: dict[str, Path]) -> None:
    pages = {name: len(PdfReader(path).pages) for name, path in kit.items()}
    # Three tables fit on a sheet, so one page per round; a card is an outside and an inside
    # page per table; slips for three rounds, each with its topic, take four rows of two, so
    # nine take two pages; four A6 badges per A4 sheet: ceil(9 / 4) = 3; nine names on one
    # entrance list.
    assert pages == {
        "round-sheets.pdf": 3,
        "table-cards.pdf": 6,
        "itineraries.pdf": 2,
        "badges.pdf": 3,
        "entrance-list.pdf": 1,
    }
    assert not list(next(iter(kit.values())).parent.glob("*.part"))


def test_every_name_and_organisation_is_printed(kit: dict[str, Path]) -> None:
    for name in ("badges.pdf", "itineraries.pdf", "round-sheets.pdf", "table-cards.pdf"):
        text = "\n".join(page_texts(kit[name]))
        for _, person, organisation in PEOPLE:
            assert name_found(person, text), (name, person)
            assert name_found(organisation, text), (name, organisation)


def test_arabic_is_shaped_and_set_right_to_left(kit: dict[str, Path]) -> None:
    """Unshaped output would read back in logical order ("أميرة حداد"); shaped and reordered
    text reads back in visual order, the family name on the left."""
    text = "\n".join(page_texts(kit["badges.pdf"]))
    assert "حداد أميرة" in text and ARABIC_NAME not in text
    fonts = {str(font) for page in PdfReader(kit["badges.pdf"]).pages for font in _font_names(page)}
    assert any("NotoSansArabic" in font for font in fonts)


def _font_names(page: Any) -> list[str]:
    resources = page["/Resources"]["/Font"]
    return [resources[key].get_object()["/BaseFont"] for key in resources]


def _tables_in_order(text: str) -> list[str]:
    return re.findall(r"Table (\d+)", text)


def test_each_itinerary_lists_the_tables_of_the_plan(kit: dict[str, Path]) -> None:
    plan = build_plan()
    seating = plan.seating()
    slips = pieces(kit["itineraries.pdf"])
    assert len(slips) == len(plan.participants)
    for slip in slips:
        person = owner(slip, plan)
        assert _tables_in_order(slip) == seating[person.id], person.name
        # English times in the English form (CLDR "en"): 12-hour clock, "PM" said once.
        assert "2:00 – 2:15 PM" in slip and "2:40 – 2:55 PM" in slip


def test_each_badge_shows_the_tables_of_the_plan(kit: dict[str, Path]) -> None:
    plan = build_plan()
    seating = plan.seating()
    badges = pieces(kit["badges.pdf"])
    assert sorted(owner(badge, plan).id for badge in badges) == sorted(seating)
    starts = ["2:00 PM", "2:20 PM", "2:40 PM"]
    for badge in badges:
        lines = badge.splitlines()
        grid = lines[lines.index("Table") + 1 :][: 3 * len(plan.rounds)]
        # Column by column: the round, its start time and the table.
        expected = [
            value
            for r, table in enumerate(seating[owner(badge, plan).id], start=1)
            for value in (str(r), starts[r - 1], str(table))
        ]
        assert grid == expected


def test_round_sheets_show_the_round_time_topic_and_every_table(kit: dict[str, Path]) -> None:
    texts = page_texts(kit["round-sheets.pdf"])
    for number, text in enumerate(texts, start=1):
        assert f"Round {number}" in text
        assert TOPICS[number - 1] in text
        assert _tables_in_order(text) == ["1", "2", "3"]
        assert "Université de Genève · table host" in text
    assert "2:20 – 2:35 PM" in texts[1]


def test_table_cards_list_who_sits_there_each_round(kit: dict[str, Path]) -> None:
    plan = build_plan()
    texts = page_texts(kit["table-cards.pdf"])
    for index, table in enumerate(["1", "2", "3"]):
        outside, inside = texts[2 * index], texts[2 * index + 1]
        assert outside.count(table) >= 2  # the number on both halves
        for round_ in plan.rounds:
            [seated] = [t for t in round_.tables if t.table == table]
            for pid in seated.participants:
                assert name_found(plan.participant_by_id()[pid].name, inside)


def test_markup_and_formulas_print_as_typed(kit: dict[str, Path]) -> None:
    for name, path in kit.items():
        text = squeeze("\n".join(page_texts(path)))
        assert "<script>alert(1)</script>" in text, name
        assert squeeze('=HYPERLINK("http://example.invalid")') in text, name


def test_page_count_aliases_are_not_expanded_in_names(plan: Plan, tmp_path: Path) -> None:
    plan.participants[7].name = "Ana {nb} Silva"
    [badges] = write_print_kit(plan, tmp_path, what=["badges"], only_participants=["P8"])
    assert "Ana{nb}Silva" in squeeze(page_texts(badges)[0])


def test_badges_ask_to_be_printed_at_actual_size(kit: dict[str, Path]) -> None:
    preferences: Any = PdfReader(kit["badges.pdf"]).root_object["/ViewerPreferences"]
    assert preferences["/PrintScaling"] == "/None"
    box = PdfReader(kit["badges.pdf"]).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (210, 297)


def _name_sizes(path: Path, names: list[str]) -> dict[str, float]:
    """The largest type size any line of each name is set in, read from the text operators."""
    sizes: dict[str, float] = {}
    for page in PdfReader(path).pages:

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
            for name in names:
                if len(text.strip()) >= 4 and text.strip() in name:
                    sizes[name] = max(sizes.get(name, 0.0), size * abs(tm[0]))

        page.extract_text(visitor_text=visit)
    return sizes


def _characters_outside(path: Path, cells: list[tuple[float, float, float, float]]) -> list[str]:
    """Characters whose box is not inside one cell (left, top, right, bottom in points from the
    top-left corner), rendered by pdfium as a printer would."""
    stray: list[str] = []
    document = pdfium.PdfDocument(path)
    try:
        for page in document:
            height = page.get_height()
            textpage = page.get_textpage()
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if not char.strip():
                    continue
                left, bottom, right, top = textpage.get_charbox(index)
                box = (left, height - top, right, height - bottom)
                if not any(
                    c[0] - 0.5 <= box[0]
                    and box[2] <= c[2] + 0.5
                    and c[1] - 0.5 <= box[1]
                    and box[3] <= c[3] + 0.5
                    for c in cells
                ):
                    stray.append(char)
    finally:
        document.close()
    return stray


MM = 72 / 25.4


CARD_CELLS = [
    # card-10up on A4: 85 x 54 mm cards, 15 mm from the left, 13.5 mm from the top, 95 mm apart.
    ((15 + c * 95) * MM, (13.5 + r * 54) * MM, (15 + c * 95 + 85) * MM, (13.5 + (r + 1) * 54) * MM)
    for r in range(5)
    for c in range(2)
]
A6_CELLS = [
    (c * 105 * MM, r * 148.5 * MM, (c + 1) * 105 * MM, (r + 1) * 148.5 * MM)
    for r in range(2)
    for c in range(2)
]


def test_a_long_name_shrinks_and_never_leaves_its_badge(plan: Plan, tmp_path: Path) -> None:
    [badges] = write_print_kit(
        plan, tmp_path, what=["badges"], badge_layout="card-10up", only_participants=["P5", "P8"]
    )
    sizes = _name_sizes(badges, [LONG_NAME, "Ana Silva"])
    assert sizes["Ana Silva"] >= 20
    assert sizes[LONG_NAME] < sizes["Ana Silva"] * 0.6
    assert _characters_outside(badges, CARD_CELLS) == []


@pytest.mark.parametrize(("layout", "cells"), [("card-10up", CARD_CELLS), ("a6-4up", A6_CELLS)])
def test_a_name_too_long_even_at_the_smallest_size_is_narrowed_to_fit(
    plan: Plan, tmp_path: Path, layout: str, cells: list[tuple[float, float, float, float]]
) -> None:
    """One word of 120 letters cannot shrink or break enough: its letters are narrowed instead."""
    plan.participants[7].name = "Wolfeschlegelsteinhausenbergerdorff" * 3 + "Senior"
    plan.participants[7].organisation = "Organisation" * 12
    [badges] = write_print_kit(
        plan, tmp_path, what=["badges"], badge_layout=layout, only_participants=["P8"]
    )
    assert squeeze(plan.participants[7].name) in squeeze(page_texts(badges)[0])
    assert _characters_outside(badges, cells) == []


def test_characters_no_font_has_are_reported_and_marked(
    plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a computer without a CJK font, Chinese prints as boxes, and the people are reported."""
    monkeypatch.setattr(pdf_fonts, "system_font_for", lambda character: None)
    plan.participants[7].name = "王秀英"
    plan.participants[8].name = "ተስፋዬ ገብረ"  # Tigrinya, Ethiopic script: shipped
    plan.participants[8].organisation = "தமிழ் சங்கம்"  # Tamil: shipped
    assert unprintable_characters(plan) == {"P8": "王秀英"}
    [badges] = write_print_kit(plan, tmp_path, what=["badges"], only_participants=["P8", "P9"])
    text = page_texts(badges)[0]
    assert "\ufffd" * 3 in text
    assert "ተስፋዬ" in text


def test_itineraries_and_sheets_keep_text_inside_their_slips_and_page(kit: dict[str, Path]) -> None:
    slips, sheets = kit["itineraries.pdf"], kit["round-sheets.pdf"]
    # Three rounds with their topics: four rows of two 105 x 74.25 mm slips on A4.
    slip_cells = [
        (c * 105 * MM, r * 74.25 * MM, (c + 1) * 105 * MM, (r + 1) * 74.25 * MM)
        for r in range(4)
        for c in range(2)
    ]
    assert _characters_outside(slips, slip_cells) == []
    page = [(12 * MM, 12 * MM, (210 - 12) * MM, (297 - 12) * MM)]
    assert _characters_outside(sheets, page) == []


def test_qr_codes_decode_to_the_participant_ids(plan: Plan, tmp_path: Path) -> None:
    [badges] = write_print_kit(
        plan,
        tmp_path,
        what=["badges"],
        badge_layout="card-10up",
        qr=True,
        only_participants=["P1", "P4", "P5"],
    )
    document = pdfium.PdfDocument(badges)
    try:
        image = document[0].render(scale=300 / 72).to_pil()
    finally:
        document.close()
    found = zxingcpp.read_barcodes(image)
    assert sorted(code.text for code in found) == ["P1", "P4", "P5"]
    assert {code.format for code in found} == {zxingcpp.BarcodeFormat.QRCode}


def test_skip_starts_on_a_partly_used_sheet(plan: Plan, tmp_path: Path) -> None:
    [badges] = write_print_kit(plan, tmp_path, what=["badges"], skip=3)
    texts = page_texts(badges)
    # One badge in the last place of the first sheet, then 4 and 4.
    assert len(texts) == 3
    assert texts[0].count("Who does what?") == 1
    document = pdfium.PdfDocument(badges)
    try:
        textpage = document[0].get_textpage()
        left, bottom, _, _ = textpage.get_charbox(0)
    finally:
        document.close()
    assert left > 105 * MM and bottom < 148.5 * MM  # bottom-right A6 (PDF y grows upwards)


def test_a_reprint_holds_only_the_chosen_people_and_rounds(plan: Plan, tmp_path: Path) -> None:
    written = write_print_kit(plan, tmp_path, only_participants=["P2"], only_rounds=[2])
    by_name = {path.name: page_texts(path) for path in written}
    assert len(by_name["round-sheets.pdf"]) == 1 and "Round 2" in by_name["round-sheets.pdf"][0]
    assert "Round 1" not in by_name["round-sheets.pdf"][0]
    # P2 sits at table 2 in round 2: only that table's card (outside and inside).
    assert len(by_name["table-cards.pdf"]) == 2 and "Table 2" in by_name["table-cards.pdf"][1]
    for name in ("itineraries.pdf", "badges.pdf"):
        text = "\n".join(by_name[name])
        assert name_found("Nguyễn Thị Minh Khai", text)
        assert not name_found("Zoë Lefèvre", text) and not name_found("Ana Silva", text)


def test_someone_who_leaves_early_sees_where_they_no_longer_sit(plan: Plan, tmp_path: Path) -> None:
    plan.participants[8].last_round = 2
    plan.rounds[2].tables[0].participants.remove("P9")
    assert validate(plan).ok
    slips, badges = write_print_kit(
        plan, tmp_path, what=["itineraries", "badges"], only_participants=["P9"]
    )
    assert "not attending" in page_texts(slips)[0]
    lines = page_texts(badges)[0].splitlines()
    assert lines[lines.index("Table") + 1 :][6:9] == ["3", "2:40 PM", "–"]


def test_documents_can_be_asked_for_as_one_comma_separated_word(plan: Plan, tmp_path: Path) -> None:
    written = write_print_kit(plan, tmp_path, what=["badges,sheets"])
    assert [path.name for path in written] == ["round-sheets.pdf", "badges.pdf"]


def test_an_empty_plan_prints_nothing(tmp_path: Path) -> None:
    empty = Plan(settings=EventSettings(rounds=1, table_size=3), participants=[], rounds=[])
    assert write_print_kit(empty, tmp_path) == []


def test_nothing_to_reprint_writes_nothing(plan: Plan, tmp_path: Path) -> None:
    assert write_print_kit(plan, tmp_path, only_participants=[], only_rounds=[]) == []


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"badge_layout": "a7-16up"}, "unknown badge layout 'a7-16up'"),
        ({"paper": "A3"}, "unknown paper 'A3'"),
        ({"what": ["posters"]}, "cannot print 'posters'"),
        ({"skip": 4}, "skip 0 to 3"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_written(
    plan: Plan, tmp_path: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=re.escape(message)):
        write_print_kit(plan, tmp_path, **options)
    assert list(tmp_path.iterdir()) == []


def test_a_start_time_that_is_not_a_time_is_refused(plan: Plan, tmp_path: Path) -> None:
    plan.settings.start = "after lunch"
    with pytest.raises(SettingsError, match="not a time of day"):
        write_print_kit(plan, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_letter_paper_and_label_layouts_have_their_sizes(plan: Plan, tmp_path: Path) -> None:
    written = write_print_kit(plan, tmp_path, paper="Letter", badge_layout="letter-8up")
    for path in written:
        box = PdfReader(path).pages[0].mediabox
        size = sorted((round(float(box.width)), round(float(box.height))))
        assert size == [612, 792], path.name
    assert len(PdfReader(tmp_path / "badges.pdf").pages) == 2  # eight labels a sheet
