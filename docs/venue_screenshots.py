"""Re-make the README's screenshots of venue.html (needs Chromium and Playwright).

    python -m speedmeet plan examples/participants.xlsx --out /tmp/example-plan --no-print \
        --round-minutes 8 --title "Migration and Integration: who does what?" \
        --topic Needs --topic Resources --topic "Next steps"
    python docs/venue_screenshots.py /tmp/example-plan/venue.html
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def main(page_path: str) -> None:
    url = Path(page_path).resolve().as_uri()
    docs = Path(__file__).resolve().parent
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        screen = browser.new_page(viewport={"width": 1600, "height": 900})
        screen.clock.install(time=1_800_000_000_000)
        screen.clock.pause_at(1_800_000_001_000)
        screen.goto(url + "#round=2")
        screen.keyboard.press("Space")
        screen.clock.run_for("01:18")
        screen.screenshot(path=str(docs / "venue-round-screen.png"))
        search = browser.new_page(viewport={"width": 1100, "height": 420})
        search.goto(url + "#find=aurelie&round=2")
        search.screenshot(path=str(docs / "venue-find-your-table.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
