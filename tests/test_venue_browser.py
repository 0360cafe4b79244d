"""venue.html in a real browser: Debian's Chromium driven through Playwright, as on the day.

Every request the page makes is intercepted and counted; the clock is the test's, so the countdown
and the bell are tested without waiting. Skipped, with the reason, only when no Chromium is found.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from speedmeet.cli import app
from speedmeet.exports.venue import write_venue_page
from speedmeet.model import Plan
from speedmeet.planfile import read_plan, write_plan
from speedmeet.validate import validate
from tests.conftest import write_registrations
from tests.venue_plans import PEOPLE, cyclic_plan, nine_plan

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')"
)


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("SPEEDMEET_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium found at /usr/bin/chromium or on PATH (apt-get install chromium, "
    "or set SPEEDMEET_CHROMIUM); the venue page's browser tests need one",
)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Requests:
    """Every request the page made, seen both by the router and by the page's request event."""

    routed: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@dataclass
class Venue:
    """A page opened from its file, with the requests it made and its console errors."""

    page: Any
    url: str
    requests: Requests
    errors: list[str]

    def open(self, fragment: str = "") -> None:
        self.page.goto(self.url + fragment)

    def text(self, selector: str) -> str:
        return str(self.page.locator(selector).inner_text())

    def table_members(self) -> list[set[str]]:
        return [
            set(card.locator(".name").all_inner_texts())
            for card in self.page.locator("#tables .table").all()
        ]


@pytest.fixture
def open_venue(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []
    errors: list[str] = []

    def opener(
        plan: Plan,
        *,
        viewport: tuple[int, int] = (1920, 1080),
        clock: bool = False,
        folder: Path | None = None,
    ) -> Venue:
        folder = folder or tmp_path / f"plan-{len(contexts)}"
        if not (folder / "venue.html").exists():
            write_venue_page(plan, folder)
        url = (folder / "venue.html").as_uri()
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, accept_downloads=True
        )
        contexts.append(context)
        requests = Requests()

        def route(handled: Any) -> None:
            requests.routed.append(handled.request.url)
            if handled.request.url == url.split("#")[0]:
                handled.continue_()
            else:
                handled.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("request", lambda request: requests.seen.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        if clock:  # the test's clock: time moves only when the test says so
            page.clock.install(time=1_800_000_000_000)
            page.clock.pause_at(1_800_000_001_000)
        # Counts the bell's tones: the page strikes it with Web Audio oscillators.
        page.add_init_script(
            "window.__tones = 0; const __start = OscillatorNode.prototype.start;"
            "OscillatorNode.prototype.start = function (...a) { window.__tones += 1;"
            " return __start.apply(this, a); };"
        )
        return Venue(page, url, requests, errors)

    yield opener
    for context in contexts:
        context.close()
    assert errors == []  # no test passes with the page's script failing on the way


def test_the_page_makes_no_network_request_whatever_the_names_hold(open_venue: Any) -> None:
    nasty = [
        ("<img src=https://example.org/pixel.png>", "Org <b>bold</b>"),
        ("</script><script>fetch('https://example.org/x')</script>", "Org & Co"),
        ("<!-- Amira \u2028 Line", "https://example.org/org"),
        *PEOPLE[3:],
    ]
    venue = open_venue(nine_plan(nasty))
    venue.open()
    page = venue.page
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("m")
    page.get_by_role("button", name="Find your table").click()
    page.locator("#search").fill("script")
    assert "</script><script>fetch('https://example.org/x')</script>" in venue.text("#results")
    page.locator("#search").fill("img")
    assert "<img src=https://example.org/pixel.png>" in venue.text("#results")
    page.get_by_role("button", name="Check-in").click()
    page.locator("#checkin-list input").first.check()
    page.get_by_role("button", name="Round screen").click()
    page.wait_for_timeout(200)
    assert venue.requests.seen == [venue.url]
    assert venue.requests.routed == [venue.url]
    assert venue.errors == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("helene", ["Hélène Dubois"]),
        ("HÉLÈNE dub", ["Hélène Dubois"]),
        ("amira h", ["Amira Haddad", "Amira Hadj"]),
        ("amira hadd", ["Amira Haddad"]),
        ("lukasz zolc", ["Łukasz Żółć"]),
        ("jean pierre mul", ["Jean-Pierre Müller"]),
        ("muller", ["Jean-Pierre Müller"]),
        ("zoe o'brien", ["Zoë O’Brien"]),
        ("soren aegidius", ["Søren Ægidius"]),
        ("иван", ["Иван Петров"]),
        ("ليلى", ["ليلى منصور"]),
        ("nobody", []),
    ],
)
def test_search_ignores_accents_case_and_punctuation(
    open_venue: Any, query: str, expected: list[str]
) -> None:
    plan = nine_plan()
    venue = open_venue(plan)
    venue.open("#find=")
    venue.page.locator("#search").fill(query)
    found = venue.page.locator("#results .who").all_inner_texts()
    assert sorted(found) == expected
    if expected:
        person = next(p for p in plan.participants if p.name == expected[0])
        chips = venue.page.locator("#results > li").first.locator(".rounds b").all_inner_texts()
        assert chips == [f"Table {table}" for table in plan.seating()[person.id]]
    else:
        assert query in venue.text("#find-hint")


def test_typing_at_the_entrance_screen_always_searches(open_venue: Any) -> None:
    venue = open_venue(nine_plan())
    venue.open("#find=")
    page = venue.page
    page.locator("#find").click(position={"x": 5, "y": 300})  # focus left the search box
    page.keyboard.type("frm")  # letters that are keys of the round screen elsewhere
    assert page.locator("#search").input_value() == "frm"
    page.locator("#search").fill("")
    page.locator("#search").blur()
    page.keyboard.type("helene")
    assert page.locator("#results .who").all_inner_texts() == ["Hélène Dubois"]
    assert "find=helene" in page.url
    assert page.evaluate("document.fullscreenElement") is None


def test_timer_counts_down_warns_in_the_last_minute_and_rings(open_venue: Any) -> None:
    venue = open_venue(nine_plan(), clock=True)
    venue.open()
    page, clock = venue.page, venue.page.clock
    assert venue.text("#clock") == "8:00"
    assert "Space" in venue.text("#status")
    page.keyboard.press("Space")
    clock.run_for("03:00")
    assert venue.text("#clock") == "5:00"
    page.keyboard.press("Space")  # pause: time stands still
    clock.run_for("01:00")
    assert venue.text("#clock") == "5:00"
    assert "Paused" in venue.text("#status")
    page.keyboard.press("Space")
    clock.run_for("04:01")
    assert venue.text("#clock") == "0:59"
    assert "warn" in (page.locator("#clock").get_attribute("class") or "")
    assert page.evaluate("window.__tones") == 0
    clock.run_for("01:00")
    assert page.evaluate("document.documentElement.dataset.rings") == "1"
    assert page.evaluate("window.__tones") > 0
    assert venue.text("#clock") == "0:00"
    assert venue.text("#round-label") == "Next: round 2 of 4"
    page.keyboard.press("Space")  # the next round starts
    clock.run_for("00:01")
    assert venue.text("#round-label") == "Round 2 of 4"
    assert venue.text("#clock") == "7:59"
    page.keyboard.press("r")
    assert venue.text("#clock") == "8:00"
    assert venue.errors == []


def test_the_bell_can_be_muted_and_a_break_shows_the_next_round(open_venue: Any) -> None:
    plan = nine_plan(break_minutes=2)
    venue = open_venue(plan, clock=True)
    venue.open("#round=1&minutes=3")
    page, clock = venue.page, venue.page.clock
    assert page.locator("#minutes").input_value() == "3"
    page.keyboard.press("m")
    page.keyboard.press("Space")
    clock.run_for("03:00")
    assert page.evaluate("window.__tones") == 0
    assert venue.text("#round-label") == "Break · Next: round 2 of 4"
    assert venue.text("#topic") == "Resources"
    round_two = [
        {plan.participant_by_id()[pid].name for pid in table.participants}
        for table in plan.rounds[1].tables
    ]
    assert venue.table_members() == round_two
    clock.run_for("01:00")
    assert venue.text("#clock") == "1:00"
    page.keyboard.press("m")  # the bell again at the end of the break
    clock.run_for("01:00")
    assert page.evaluate("window.__tones") > 0
    assert venue.text("#round-label") == "Round 2 of 4"
    assert venue.text("#clock") == "3:00"


def test_arrow_keys_move_between_rounds(open_venue: Any) -> None:
    plan = nine_plan()
    names = plan.participant_by_id()
    expected = [
        [{names[pid].name for pid in table.participants} for table in round_.tables]
        for round_ in plan.rounds
    ]
    venue = open_venue(plan)
    venue.open()
    page = venue.page
    assert venue.table_members() == expected[0]
    page.keyboard.press("ArrowRight")
    assert venue.text("#round-label") == "Round 2 of 4"
    assert venue.text("#topic") == "Resources"
    assert venue.table_members() == expected[1]
    assert "round=2" in page.url
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert venue.text("#round-label") == "Round 4 of 4"
    assert venue.table_members() == expected[3]
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    assert venue.text("#round-label") == "Round 1 of 4"


def test_f_puts_the_round_screen_in_full_screen_and_back(open_venue: Any) -> None:
    venue = open_venue(nine_plan())
    venue.open()
    page = venue.page
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    assert not page.locator("#bar").is_visible()  # the buttons leave the screen to the tables
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    assert page.locator("#bar").is_visible()


def test_the_address_opens_the_right_view(open_venue: Any) -> None:
    plan = nine_plan()
    names = plan.participant_by_id()
    venue = open_venue(plan)
    venue.open("#round=3")
    assert venue.text("#round-label") == "Round 3 of 4"
    assert venue.table_members() == [
        {names[pid].name for pid in table.participants} for table in plan.rounds[2].tables
    ]
    venue.open("#find=amira")
    page = venue.page
    page.reload()
    assert page.locator("#find").is_visible()
    assert not page.locator("#projector").is_visible()
    assert page.locator("#search").input_value() == "amira"
    assert sorted(page.locator("#results .who").all_inner_texts()) == ["Amira Haddad", "Amira Hadj"]
    venue.open("#find=amira%20hadd&round=2")
    page.reload()
    card = page.locator("#results > li")
    assert card.count() == 1
    current = card.locator(".rounds li.current")
    assert current.count() == 1
    assert current.inner_text().startswith("Round 2")
    table = plan.seating()["P2"][1]
    assert current.locator("b").inner_text() == f"Table {table}"
    venue.open("#view=checkin")
    page.reload()
    assert page.locator("#checkin").is_visible()
    assert page.locator("#checkin-list li").count() == 9


def _boxes(page: Any) -> dict[str, Any]:
    return dict(
        page.evaluate(
            """() => {
        const box = (el) => { const r = el.getBoundingClientRect();
          return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
        return {
          viewport: {width: innerWidth, height: innerHeight},
          page: {width: document.documentElement.scrollWidth,
                 height: document.documentElement.scrollHeight},
          font: parseFloat(getComputedStyle(document.getElementById('tables')).fontSize),
          tables: [...document.querySelectorAll('#tables .table')].map((card) => ({
            label: card.querySelector('h2').textContent,
            box: box(card),
            heading: box(card.querySelector('h2')),
            names: [...card.querySelectorAll('.name')].map((n) => ({text: n.textContent, box: box(n)})),
          })),
        };
      }"""
        )
    )


def _inside(inner: dict[str, float], outer: dict[str, float]) -> bool:
    return (
        inner["left"] >= outer["left"] - 0.5
        and inner["right"] <= outer["right"] + 0.5
        and inner["top"] >= outer["top"] - 0.5
        and inner["bottom"] <= outer["bottom"] + 0.5
    )


def test_thirty_tables_fit_one_1920x1080_screen(open_venue: Any, tmp_path: Path) -> None:
    plan = cyclic_plan(30, rounds=2)  # 150 people with long names
    venue = open_venue(plan)
    venue.open()
    shot = tmp_path / "thirty.png"
    venue.page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    found = _boxes(venue.page)
    screen = {"left": 0, "top": 0, "right": 1920, "bottom": 1080}
    assert found["page"] == {"width": 1920, "height": 1080}  # nothing scrolls
    assert [t["label"] for t in found["tables"]] == [f"Table {n}" for n in range(1, 31)]
    names = plan.participant_by_id()
    for table, card in zip(plan.rounds[0].tables, found["tables"], strict=True):
        assert _inside(card["box"], screen)
        assert _inside(card["heading"], card["box"])
        assert [n["text"] for n in card["names"]] == [names[pid].name for pid in table.participants]
        for name in card["names"]:
            assert _inside(name["box"], card["box"]), (card["label"], name)
    cards = [t["box"] for t in found["tables"]]
    for i, first in enumerate(cards):
        for second in cards[i + 1 :]:
            apart = (
                first["right"] <= second["left"]
                or second["right"] <= first["left"]
                or first["bottom"] <= second["top"]
                or second["bottom"] <= first["top"]
            )
            assert apart
    assert found["font"] >= 16  # names readable across a room, not shrunk to fit


def test_more_than_thirty_tables_are_shown_in_pages(open_venue: Any) -> None:
    plan = cyclic_plan(47, size=3, rounds=1)
    venue = open_venue(plan, clock=True)
    venue.open()
    page = venue.page
    first = [t["label"] for t in _boxes(page)["tables"]]
    assert first == [f"Table {n}" for n in range(1, 25)]
    assert "Tables 1–24 · page 1 of 2" in venue.text("#status")
    page.keyboard.press("PageDown")
    second = _boxes(page)
    assert [t["label"] for t in second["tables"]] == [f"Table {n}" for n in range(25, 48)]
    assert second["page"] == {"width": 1920, "height": 1080}
    page.clock.run_for("00:16")  # pages turn by themselves for the room
    assert [t["label"] for t in _boxes(page)["tables"]] == first


def test_checkin_downloads_the_absent_list_that_replan_accepts(
    open_venue: Any, tmp_path: Path
) -> None:
    people = [(f"{first} {last}", f"Organisation {i % 6}") for i, (first, last) in enumerate(
        zip(["Amira", "Hélène", "Jonas", "Olena", "Karim", "Zoë", "Ueli", "Sofia", "Malik", "Anh", "Rahel", "Dawit"],
            ["Haddad", "Dubois", "Keller", "Bondarenko", "Amrani", "Favre", "Huber", "Rossi", "Nasser", "Ngo", "Tesfaye", "Gebre"], strict=True)
    )]  # fmt: skip
    sheet = write_registrations(tmp_path / "registrations.csv", people)
    folder = tmp_path / "event-plan"
    planned = CliRunner().invoke(
        app,
        [
            *("plan", str(sheet), "--out", str(folder), "--rounds", "3", "--table-size", "4"),
            *("--no-print", "--time-limit", "2", "--round-minutes", "12"),
        ],
    )
    assert planned.exit_code == 0, planned.output
    assert (folder / "venue.html").is_file()
    plan = read_plan(folder)
    venue = open_venue(plan, folder=folder)
    venue.open("#view=checkin")
    page = venue.page
    absent = {"Hélène Dubois", "Zoë Favre"}
    for name in (p for p, _ in people if p not in absent):
        page.locator("#filter").fill(name.split()[0])
        page.locator("#checkin-list label", has_text=name).locator("input").check()
    page.locator("#filter").fill("")
    assert venue.text("#arrived-count") == "10 of 12 arrived · 2 absent"
    page.reload()  # the ticks survive a reload of the page
    assert venue.text("#arrived-count") == "10 of 12 arrived · 2 absent"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the absent list (csv)").click()
    download = download_info.value
    assert download.suggested_filename == "absent.csv"
    csv_path = tmp_path / "absent.csv"
    download.save_as(str(csv_path))
    assert "speedmeet replan event-plan --from-round 1 --drop-file absent.csv" in venue.text(
        "#checkin-help"
    )
    assert venue.requests.seen[0] == venue.url
    assert all(not url.startswith(("http:", "https:")) for url in venue.requests.seen)

    replanned = CliRunner().invoke(
        app,
        [
            *("replan", str(folder), "--from-round", "1", "--drop-file", str(csv_path)),
            *("--no-pdf", "--time-limit", "2"),
        ],
    )
    assert replanned.exit_code == 0, replanned.output
    for name in absent:
        assert f"Removed: {name}" in replanned.output
    after = read_plan(folder)
    report = validate(after)
    assert report.ok, report.violations
    seated = {pid for r in after.rounds for t in r.tables for pid in t.participants}
    by_name = {p.name: p.id for p in plan.participants}
    assert seated == {by_name[name] for name, _ in people if name not in absent}
    # replan rewrote the page: the people who did not come are gone from it
    html = (folder / "venue.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="plan-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert sorted(p["name"] for p in data["people"]) == sorted(
        name for name, _ in people if name not in absent
    )
    assert data["minutes"] == 12


def test_the_page_reads_on_a_phone(open_venue: Any) -> None:
    venue = open_venue(nine_plan(), viewport=(390, 844))
    venue.open("#find=helene")
    page = venue.page
    page.reload()
    assert page.locator("#results .who").all_inner_texts() == ["Hélène Dubois"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    venue.open("#round=1")
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert len(venue.table_members()) == 3
    for card in _boxes(page)["tables"]:  # one below the other, each showing its people
        assert len(card["names"]) == 3
        for name in card["names"]:
            assert name["box"]["bottom"] > name["box"]["top"]
            assert _inside(name["box"], card["box"])


def test_no_email_address_reaches_the_page(tmp_path: Path) -> None:
    plan = nine_plan()
    path = write_venue_page(plan, tmp_path)
    html = path.read_text(encoding="utf-8")
    assert "@example.org" not in html
    write_plan(plan, tmp_path / "plan.json")
    assert "@example.org" in (tmp_path / "plan.json").read_text(encoding="utf-8")


def test_checkin_leaves_out_people_who_join_after_round_one(open_venue: Any) -> None:
    plan = nine_plan()
    late = plan.participants[8]
    late.first_round = 2
    for table in plan.rounds[0].tables:
        if late.id in table.participants:
            table.participants.remove(late.id)
    assert validate(plan).ok
    venue = open_venue(plan)
    venue.open("#view=checkin")
    page = venue.page
    assert page.locator("#checkin-list li").count() == 8
    assert late.name not in venue.text("#checkin-list")
    assert f"join after round 1 (1): {late.name}" in venue.text("#checkin-help")
    assert venue.text("#arrived-count") == "0 of 8 arrived · 8 absent"
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the absent list (csv)").click()
    rows = Path(download_info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "id,name,organisation"
    assert len(rows) == 9
    assert not any(row.startswith(f"{late.id},") for row in rows)
