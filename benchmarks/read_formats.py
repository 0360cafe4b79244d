"""Reading speed per format (issue 18): one 50,000-row registration sheet as .xlsx, .ods, .xls
and .xlsb, best of several runs: the format's reader alone (sheet to rows) and the whole
`speedmeet.readers.read_registrations` (with the steps every format shares).

The sheet is written by openpyxl (a title row, then ID, name, organisation, e-mail, languages,
interests, a date), saved again by LibreOffice as .xlsx, .ods and .xls (`soffice --headless
--convert-to`), and as .xlsb by pyxlsbwriter when it is installed (LibreOffice cannot write
.xlsb). Both .xlsx files are timed: openpyxl's own and LibreOffice's.
Run: python benchmarks/read_formats.py [--rows 50000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import openpyxl

from speedmeet.readers import read_registrations
from speedmeet.readers.formats import parse_workbook

LANGUAGES = ("French", "English", "German", "Italian, English", "fr, en", "Deutsch; English")
INTERESTS = ("housing", "employment", "health", "language courses", "volunteering", "culture")


def write_sheet(path: Path, rows: int, seed: int = 18) -> None:
    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Registrations")
    sheet.append(["Registrations, network day 2026"])
    sheet.append(["ID", "Name", "Organisation", "Email", "Languages", "Interests", "Registered"])
    start = dt.datetime(2026, 1, 5, 9, 0)
    for index in range(rows):
        sheet.append(
            [
                index + 1,
                f"Person {index + 1}",
                f"Organisation {rng.randrange(rows // 4)}",
                f"person{index + 1}@example.org",
                rng.choice(LANGUAGES),
                ", ".join(rng.sample(INTERESTS, 2)),
                start + dt.timedelta(minutes=rng.randrange(60 * 24 * 60)),
            ]
        )
    workbook.save(path)


def convert(source: Path, fmt: str, out: Path) -> Path | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    target = out / fmt
    target.mkdir()
    subprocess.run(
        [soffice, "--headless", "--convert-to", fmt, "--outdir", str(target), str(source)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return target / f"{source.stem}.{fmt}"


def to_xlsb(source: Path, out: Path) -> Path | None:
    try:
        from pyxlsbwriter import XlsbWriter
    except ImportError:
        return None
    workbook = openpyxl.load_workbook(source, read_only=True)
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    width = max(len(row) for row in rows)  # pyxlsbwriter wants rows of one width
    target = out / f"{source.stem}.xlsb"
    with XlsbWriter(str(target)) as writer:
        writer.add_sheet(workbook.worksheets[0].title)
        writer.write_sheet([row + [None] * (width - len(row)) for row in rows])
    workbook.close()
    return target


def best_times(path: Path, fmt: str, repeat: int) -> tuple[float, float, int]:
    """Best seconds for the format's reader alone (the sheet to a table of rows) and for the
    whole read (with the shared steps: names, organisations, duplicates, warnings)."""
    sheet = whole = float("inf")
    count = 0
    for _ in range(repeat):
        started = time.perf_counter()
        parse_workbook(path, str(path), fmt, sheet=None, overrides={})
        sheet = min(sheet, time.perf_counter() - started)
        started = time.perf_counter()
        registrations = read_registrations(path)
        whole = min(whole, time.perf_counter() - started)
        count = len(registrations.participants)
    return sheet, whole, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "registrations.xlsx"
        write_sheet(source, options.rows)
        files: list[tuple[str, str, Path | None]] = [
            ("xlsx (openpyxl)", "xlsx", source),
            ("xlsx (LibreOffice)", "xlsx", convert(source, "xlsx", work)),
            ("ods (LibreOffice)", "ods", convert(source, "ods", work)),
            ("xls (LibreOffice)", "xls", convert(source, "xls", work)),
            ("xlsb (pyxlsbwriter)", "xlsb", to_xlsb(source, work)),
        ]
        print(f"Reading a registration sheet of {options.rows:,} rows, best of {options.repeat}\n")
        print("| file | size MB | participants | sheet read s | vs xlsx | whole read s | vs xlsx |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        baseline: tuple[float, float] | None = None
        for label, fmt, path in files:
            if path is None:
                print(f"| {label} | not made (tool missing) | | | | | |")
                continue
            sheet, whole, count = best_times(path, fmt, options.repeat)
            baseline = baseline or (sheet, whole)
            size = path.stat().st_size / 1024**2
            print(
                f"| {label} | {size:.1f} | {count:,} | {sheet:.2f} | {sheet / baseline[0]:.2f}x "
                f"| {whole:.2f} | {whole / baseline[1]:.2f}x |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
