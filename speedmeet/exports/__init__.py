"""Everything an organiser prints or opens, made from a plan: plan.json, plan.xlsx, the PDFs and
venue.html, the page for the day.

openpyxl, fpdf2 and segno are imported only inside this package.
"""

from __future__ import annotations

from pathlib import Path

from speedmeet.defaults import PRINTABLES as PRINTABLES  # the documents of the print kit
from speedmeet.exports.venue import VENUE_FILENAME, write_venue_page
from speedmeet.exports.xlsx import write_meetings_xlsx, write_plan_xlsx
from speedmeet.files import make_output_folder
from speedmeet.model import Plan
from speedmeet.planfile import PLAN_FILENAME, write_plan
from speedmeet.quality import Quality

XLSX_FILENAME = "plan.xlsx"
MEETINGS_FILENAME = "meetings.xlsx"
PDF_FILENAMES = (
    "round-sheets.pdf",
    "table-cards.pdf",
    "itineraries.pdf",
    "badges.pdf",
    "entrance-list.pdf",
)
OUTPUT_NAMES = (PLAN_FILENAME, XLSX_FILENAME, MEETINGS_FILENAME, *PDF_FILENAMES, VENUE_FILENAME)
"""Every file a plan folder may receive, so that no input is ever written over."""


def write_plan_outputs(
    plan: Plan, folder: Path, quality: Quality, *, print_kit: bool = True
) -> list[Path]:
    """Write plan.json first (the source of truth), then the workbook, venue.html and, unless
    `print_kit` is False, the PDFs (paper, badges and QR as the plan's settings say). Each file
    is written atomically."""
    make_output_folder(folder)
    written = [folder / PLAN_FILENAME]
    write_plan(plan, written[0])
    written.append(write_plan_xlsx(plan, folder / XLSX_FILENAME, quality))
    written.append(write_venue_page(plan, folder))
    if print_kit:
        from speedmeet.exports.pdf import write_print_kit  # fpdf2 loads only when printing

        written.extend(write_print_kit(plan, folder))
    return written


def write_meetings_report(plan: Plan, folder: Path) -> Path:
    """meetings.xlsx beside the plan: who met whom, per person and per organisation."""
    make_output_folder(folder)
    return write_meetings_xlsx(plan, folder / MEETINGS_FILENAME)
