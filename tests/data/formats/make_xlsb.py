"""Write a binary Excel (.xlsb) copy of an .xlsx workbook: its sheets, in order, hidden or not,
with every cell's value (a formula's saved result) in its place.

LibreOffice reads .xlsb but cannot write it, and Excel is not at hand; pyxlsbwriter (not a
speedmeet dependency: `pip install pyxlsbwriter`, used only to make these test files) writes
the binary records. What it does not carry over: formulas (their results are written instead),
merged cells and number formats other than dates. LibreOffice then reads each copy back (see
the README) to show the file is a workbook an office suite opens.
Run: python tests/data/formats/make_xlsb.py WORKBOOK.xlsx OUT.xlsb
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
from pyxlsbwriter import XlsbWriter


def copy_to_xlsb(source: Path, target: Path) -> None:
    workbook = openpyxl.load_workbook(source, data_only=True)
    with XlsbWriter(str(target)) as writer:
        for worksheet in workbook.worksheets:
            writer.add_sheet(worksheet.title, hidden=worksheet.sheet_state != "visible")
            rows = [list(row) for row in worksheet.iter_rows(values_only=True)]
            writer.write_sheet(rows)


if __name__ == "__main__":
    copy_to_xlsb(Path(sys.argv[1]), Path(sys.argv[2]))
