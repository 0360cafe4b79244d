"""Realistic registration sheets with languages, interests and sectors, planned as organisers do.

    python benchmarks/realistic_sheets.py [--quick]

Each sheet is a workbook as a person types it: a title row, French headers, family name first,
organisations of 1-6 people, a sector and interests per person, and a languages cell written
in every style people use (codes in any case, names in English, French, German or the
language's own script, levels such as "(B2)" or "- native", separators from commas to "et",
"und", "+" and plain spaces). Everyone speaks French unless the sheet says otherwise (`only`:
people who speak only another language, as at an event with newly arrived refugees).

For each sheet the table shows the pairs against the best possible with the languages column
(the rule on), with `--ignore-rule language`, and for the same sheet without the column, with
the processor time of the whole command (the fastest of three runs; on a shared machine the
wall clock is mostly noise) and the solve time it reports: the rule is free when everyone
shares a language, and its cost is named when someone does not. Every plan is checked with the validator.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

REPO = Path(__file__).resolve().parents[1]

LANGUAGE_SPELLINGS: dict[str, list[str]] = {
    "fr": ["fr", "FR", "fr-CH", "fra", "French", "français", "francais", "Französisch", "FRANÇAIS"],
    "en": ["en", "EN", "eng", "English", "anglais", "Englisch", "en-GB"],
    "de": ["de", "DE", "German", "allemand", "Deutsch", "deu"],
    "ar": ["ar", "ara", "Arabic", "arabe", "Arabisch", "العربية"],
    "ti": ["ti", "tir", "Tigrinya", "tigrigna", "Tigrinisch", "ትግርኛ"],
    "fa": ["fa", "Farsi", "Persian", "persan", "Persisch", "فارسی"],
    "uk": ["uk", "Ukrainian", "ukrainien", "Ukrainisch", "українська"],
    "es": ["es", "spa", "Spanish", "espagnol", "Spanisch", "Español"],
    "it": ["it", "Italian", "italien", "Italienisch", "italiano"],
}
LEVELS = ["", "", "", " (B2)", " (notions)", " - native", " (langue maternelle)", " courant",
          " (fluent)", " (C1)", " - Muttersprache"]  # fmt: skip
SEPARATORS = [", ", "; ", " / ", "/", " + ", " & ", "\n", " et ", " and ", " und ", " y "]
SECTORS = ["public authority", "NGO", "employment", "association", "health", "education"]
INTERESTS = ["housing", "jobs", "language courses", "health", "children", "legal advice", "sport"]


@dataclass(frozen=True)
class Sheet:
    """One generated event: its size, the rounds and tables it is planned with."""

    name: str
    people: int
    rounds: int
    table_size: int
    seed: int
    only: tuple[tuple[str, int], ...] = ()
    """(language, how many people speak only it)."""


SHEETS = [
    Sheet("paper-40", 40, 4, 5, 1),
    Sheet("forms-60", 60, 4, 4, 2),
    Sheet("network-90", 90, 5, 5, 3),
    Sheet("forum-150", 150, 6, 6, 4),
    Sheet("platform-24", 24, 3, 4, 5),
    Sheet("refugees-60", 60, 4, 4, 6, only=(("ti", 6),)),
]
QUICK = ("paper-40", "forms-60", "refugees-60")


def language_cell(languages: list[str], rng: random.Random) -> str:
    """One person's languages as they might type them."""
    if len(languages) > 1 and rng.random() < 0.2:  # plain spaces between codes: "fr en"
        return " ".join(rng.choice([code, code.upper()]) for code in languages)
    parts = [rng.choice(LANGUAGE_SPELLINGS[code]) + rng.choice(LEVELS) for code in languages]
    separator = rng.choice(SEPARATORS)
    return separator.join(parts)


def write_sheet(path: Path, sheet: Sheet, *, languages: bool = True) -> Path:
    """The sheet as an organiser's workbook (see the module docstring)."""
    rng = random.Random(sheet.seed)
    workbook = openpyxl.Workbook()
    table = workbook.active
    table.title = "Inscriptions"
    table.append([f"Rencontres {sheet.name}"])
    table.append([])
    headers = ["N°", "Nom", "Prénom", "Structure", "E-mail", "Secteur", "Thèmes"]
    table.append([*headers, "Langues parlées"] if languages else headers)
    only = [code for code, count in sheet.only for _ in range(count)]
    organisation = 0
    left_in_organisation = 0
    others = [code for code in LANGUAGE_SPELLINGS if code != "fr"]
    for number in range(1, sheet.people + 1):
        if left_in_organisation == 0:
            organisation += 1
            left_in_organisation = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
        left_in_organisation -= 1
        spoken = (
            [only.pop()]
            if only and number % 7 == 3
            else ["fr", *rng.sample(others, rng.choice([0, 1, 1, 2]))]
        )
        rng.shuffle(spoken)
        row = [
            number,
            f"NOM{number}",
            f"Prénom {number}",
            f"Structure {chr(65 + organisation % 26)}{organisation}",
            f"person{number}@example.org",
            rng.choice(SECTORS),
            ", ".join(rng.sample(INTERESTS, 2)),
        ]
        table.append([*row, language_cell(spoken, rng)] if languages else row)
    workbook.save(path)
    return path


@dataclass(frozen=True)
class Run:
    pairs: int
    bound: int
    repeats: int
    same_organisation: int
    seconds: float
    output: str
    cpu: float = 0.0


def plan(path: Path, sheet: Sheet, out: Path, *extra: str) -> Run:
    """`speedmeet plan` as an organiser runs it, the plan checked by the validator."""
    sys.path.insert(0, str(REPO))
    from speedmeet.planfile import read_plan
    from speedmeet.validate import validate

    command = [sys.executable, "-m", "speedmeet", "plan", str(path), "--out", str(out),
               "--rounds", str(sheet.rounds), "--table-size", str(sheet.table_size),
               "--no-print", *extra]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # processor time of the whole command: on a shared machine its wall clock is mostly noise
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    report = validate(read_plan(out))
    assert report.ok and report.quality is not None, report.violations
    quality = report.quality
    solve = re.search(r"solve time\s+([\d.]+) s", done.stdout)
    return Run(quality.new_pairs, quality.bound.value, quality.repeats,
               quality.same_organisation, float(solve.group(1)) if solve else 0.0,
               done.stdout, cpu)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three sheets only")
    options = parser.parse_args()
    print("| sheet | people | rounds x size | with languages | --ignore-rule language |"
          " no languages column | command CPU time with / without column | rule's cost named |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for sheet in SHEETS:
        if options.quick and sheet.name not in QUICK:
            continue
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            with_column = write_sheet(root / f"{sheet.name}.xlsx", sheet)
            without_column = write_sheet(root / f"{sheet.name}-plain.xlsx", sheet, languages=False)
            # the fastest of three runs each: this machine is shared, one run is noise
            ruled = min((plan(with_column, sheet, root / "ruled") for _ in range(3)),
                        key=lambda run: run.cpu)  # fmt: skip
            ignored = plan(with_column, sheet, root / "ignored", "--ignore-rule", "language")
            plain = min((plan(without_column, sheet, root / "plain") for _ in range(3)),
                        key=lambda run: run.cpu)  # fmt: skip

        def figures(run: Run) -> str:
            return (
                f"{run.pairs}/{run.bound} ({run.pairs / max(run.bound, 1):.1%}), "
                f"{run.repeats} rep, {run.same_organisation} same org"
            )

        named = "cost" in ruled.output and "--ignore-rule language to put" in ruled.output
        cost_named = "yes" if named else ("n/a (perfect)" if ruled.pairs >= ruled.bound else "NO")
        print(
            f"| {sheet.name} | {sheet.people} | {sheet.rounds} x {sheet.table_size} | "
            f"{figures(ruled)} | {figures(ignored)} | {figures(plain)} | "
            f"{ruled.cpu:.2f} s / {plain.cpu:.2f} s ({ruled.cpu / plain.cpu:.2f}x; solve "
            f"{ruled.seconds:.2f} s / {plain.seconds:.2f} s) | "
            f"{cost_named} |"
        )


if __name__ == "__main__":
    main()
