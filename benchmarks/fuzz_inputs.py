"""A long fuzz run over what reaches speedmeet from outside: registration files and events.

    python benchmarks/fuzz_inputs.py --seconds 300 [--seed N] [--crashes DIR] [--only readers|plan]
    python benchmarks/fuzz_inputs.py --limits

Readers get random bytes, the example workbook with bytes flipped or cut, the same workbook with
its sheet XML damaged inside a valid zip (so the XML parser, not the zip reader, is reached), the
.ods, .xls and .xlsb test copies with bytes flipped or cut (and an .ods with its content.xml
damaged), and csv files with random text, delimiters and encodings. `speedmeet plan` (the real CLI, in process,
`--no-print`) gets random events of 1-300 people with random organisations and settings.

The only acceptable outcomes are: participants read (with unique ids), one InputError, a plan that
`speedmeet.validate.validate` accepts, or exit code 1 with one `Error:` line. Anything else is a
crash: its input is saved in the crashes folder with the traceback beside it, and the run ends
with exit code 1. A reader taking more than 10 s on one file counts as a crash too (a hang).

`--limits` instead measures the limits of issue 7: how long a 5,000-person workbook takes to read
(and the peak memory of planning it), and how long the work a `--time-limit` buys takes on an
event that cannot be perfect (the wall clock is only a safety stop), with the plan written and
valid. Wall-clock figures: noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.errors import InputError
from speedmeet.planfile import read_plan
from speedmeet.readers import read_registrations
from speedmeet.validate import validate

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "participants.xlsx"
SLOW_READ_SECONDS = 10.0


@dataclass
class Tally:
    """Outcomes per kind of input, the slowest read, and the crashes saved so far."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    slowest: tuple[float, str] = (0.0, "")
    refusals: Counter[str] = field(default_factory=Counter)
    """Why plans were refused, numbers and paths left out: a sudden change shows here."""
    crashes: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Sample:
    """One fuzz input: the file's bytes and the name it is saved under (its suffix matters)."""

    kind: str
    name: str
    content: bytes


def _flip_bytes(rng: random.Random, content: bytes) -> bytes:
    changed = bytearray(content)
    for _ in range(rng.randint(1, 16)):
        changed[rng.randrange(len(changed))] = rng.randrange(256)
    if rng.random() < 0.3:
        changed = changed[: rng.randrange(len(changed) + 1)]
    if rng.random() < 0.2:
        at = rng.randrange(len(changed) + 1)
        changed[at:at] = rng.randbytes(rng.randint(1, 64))
    return bytes(changed)


def random_bytes(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    suffix = rng.choice([".xlsx", ".csv", ".txt", ".xls"])
    return Sample("random bytes", f"random{suffix}", rng.randbytes(rng.randint(0, 4096)))


def mutated_workbook(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    return Sample("mutated xlsx bytes", "mutated.xlsx", _flip_bytes(rng, example))


def damaged_sheet_xml(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    """A well-formed zip whose parts are damaged: the XML parser and openpyxl must cope."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(example)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        names = source.namelist()
        victim = rng.choice([name for name in names if name.endswith(".xml")] or names)
        for name in names:
            part = source.read(name)
            if name == victim and part:
                part = _flip_bytes(rng, part)
            if rng.random() < 0.03:
                continue  # a part missing altogether
            target.writestr(name, part)
    return Sample("damaged xml in xlsx", "damaged.xlsx", output.getvalue())


def mutated_csv(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    return Sample("mutated csv bytes", "mutated.csv", _flip_bytes(rng, csv_text))


def random_csv_table(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    """Rows of random text under a plausible header, in a random delimiter and encoding."""
    alphabet = "abcdeéèüßœ ,;\t\"'=+-@\n\r\x07\u200b\u202eأب中文🙂"
    header = rng.choice(
        [["Name", "Organisation"], ["Nom", "Prénom", "Organisme", "E-mail"], ["ID", "Name"], []]
    )
    rows = [header] if header else []
    for _ in range(rng.randint(0, 40)):
        rows.append(
            [
                "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
                for _ in range(rng.randint(1, 6))
            ]
        )
    delimiter = rng.choice([",", ";", "\t"])
    text = "\n".join(delimiter.join(row) for row in rows)
    if rng.random() < 0.05:
        text += "\x00"  # a NUL makes it binary: refused as a whole
    encoding = rng.choice(["utf-8", "utf-8-sig", "utf-16", "cp1252"])
    return Sample("random csv table", "table.csv", text.encode(encoding, errors="replace"))


FORMAT_COPIES = sorted(
    path
    for path in (Path(__file__).resolve().parents[1] / "tests" / "data" / "formats").iterdir()
    if path.suffix in (".ods", ".xls", ".xlsb") and path.stem != "aborts-calamine"
)


def mutated_office_copy(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    """A LibreOffice .ods or .xls (or an .xlsb) with bytes flipped or cut: calamine's readers,
    the hidden-row and error pass over their records, and the child process they run in."""
    source = rng.choice(FORMAT_COPIES)
    kind = f"mutated {source.suffix[1:]} bytes"
    return Sample(kind, f"mutated{source.suffix}", _flip_bytes(rng, source.read_bytes()))


def damaged_ods_xml(rng: random.Random, example: bytes, csv_text: bytes) -> Sample:
    """A well-formed .ods zip whose content.xml is damaged: calamine's XML reading must cope."""
    source = rng.choice([path for path in FORMAT_COPIES if path.suffix == ".ods"])
    output = io.BytesIO()
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for name in original.namelist():
            part = original.read(name)
            if name == "content.xml":
                part = _flip_bytes(rng, part)
            target.writestr(name, part)
    return Sample("damaged xml in ods", "damaged.ods", output.getvalue())


MAKERS: list[Callable[[random.Random, bytes, bytes], Sample]] = [
    random_bytes,
    mutated_workbook,
    damaged_sheet_xml,
    mutated_csv,
    random_csv_table,
    *([mutated_office_copy, damaged_ods_xml] if FORMAT_COPIES else []),
]


def example_as_csv(example: Path) -> bytes:
    """The example event written as a semicolon csv, the seed for csv mutations."""
    registrations = read_registrations(example)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["N°", "Nom", "Organisme", "E-mail"])
    for person in registrations.participants:
        writer.writerow([person.id, person.name, person.organisation, person.email or ""])
    return buffer.getvalue().encode("cp1252", errors="replace")


def save_crash(crashes: Path, tally: Tally, label: str, files: dict[str, bytes], why: str) -> None:
    folder = crashes / f"{len(tally.crashes) + 1:03d}-{label.replace(' ', '-')}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    (folder / "why.txt").write_text(why, encoding="utf-8")
    tally.crashes.append(folder)
    print(f"CRASH ({label}) saved in {folder}", flush=True)


def fuzz_reader(
    rng: random.Random, work: Path, crashes: Path, tally: Tally, seeds: tuple[bytes, bytes]
) -> None:
    sample = rng.choice(MAKERS)(rng, *seeds)
    path = work / sample.name
    path.write_bytes(sample.content)
    began = time.perf_counter()
    problem = ""
    try:
        registrations = read_registrations(path)
    except InputError as error:
        outcome = "refused"
        if not str(error).startswith(str(path)) or "\n" in str(error):
            problem = f"unclear message: {error!r}"
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # a Rust panic from a compiled reader is no Exception
        outcome = "crash"
        problem = traceback.format_exc()
    else:
        outcome = "read"
        ids = [p.id for p in registrations.participants]
        if not ids or len(set(ids)) != len(ids):
            problem = f"participants read with missing or repeated ids: {ids[:20]}"
    seconds = time.perf_counter() - began
    tally.slowest = max(tally.slowest, (seconds, sample.kind))
    if seconds > SLOW_READ_SECONDS:
        problem = problem or f"reading took {seconds:.1f} s"
    if problem:
        outcome = "crash"
        save_crash(crashes, tally, sample.kind, {sample.name: sample.content}, problem)
    tally.counts[(sample.kind, outcome)] += 1


def _random_name(rng: random.Random) -> str:
    """A name as forms deliver it: any script, or text a spreadsheet or terminal might run."""
    kind = rng.random()
    if kind < 0.3:
        return "Person"
    if kind < 0.5:
        return rng.choice(["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "[/]", "[/yellow]", "<b>"])
    scripts = [(0x41, 0x7A), (0xC0, 0x17F), (0x400, 0x4FF), (0x600, 0x6FF), (0x4E00, 0x9FFF)]
    low, high = rng.choice(scripts)
    return "".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 16)))


def random_event_csv(rng: random.Random) -> tuple[bytes, list[str]]:
    """A registration csv of 1-300 people (mostly few) and random `plan` options."""
    people = rng.choice([rng.randint(2, 24), rng.randint(2, 80), rng.randint(1, 300)])
    kinds = rng.randint(1, people)
    skew = rng.uniform(0.0, 3.0)
    weights = [1.0 / (rank + 1) ** skew for rank in range(kinds)]
    stems = [_random_name(rng) for _ in range(rng.randint(1, 8))]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Organisation", "Email"])
    for i, index in enumerate(rng.choices(range(kinds), weights=weights, k=people)):
        organisation = rng.choice([f"Organisation {index}", f" ORGANISATION {index}  "])
        if rng.random() < 0.05:
            organisation = ""
        writer.writerow([f"{rng.choice(stems)} {i}", organisation, f"person{i}@example.org"])
    options = ["--rounds", str(rng.randint(1, 8)), "--table-size", str(rng.randint(2, 9))]
    if rng.random() < 0.3:
        options += ["--tables", str(rng.randint(2, 40))]
    options += ["--seed", str(rng.randint(0, 1000))]
    return buffer.getvalue().encode("utf-8"), options


def fuzz_plan(rng: random.Random, work: Path, crashes: Path, tally: Tally) -> None:
    content, options = random_event_csv(rng)
    source = work / "event.csv"
    source.write_bytes(content)
    out = work / "event-plan"
    for old in out.glob("*") if out.exists() else []:
        old.unlink()
    arguments = [
        "plan",
        str(source),
        *options,
        "--time-limit",
        "1",
        "--no-print",
        "--out",
        str(out),
    ]
    result = CliRunner().invoke(cli.app, arguments)
    problem = ""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problem = "".join(traceback.format_exception(result.exception))
    elif result.exit_code == 0:
        outcome = "planned"
        report = validate(read_plan(out))
        if not report.ok:
            problem = "invalid plan: " + "; ".join(str(v) for v in report.violations[:10])
    else:
        outcome = "refused"
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1].replace(str(source), "FILE") if lines else ""
        tally.refusals[re.sub(r"\d+", "N", reason)] += 1
        if result.exit_code != 1 or len(lines) != 1 or not lines[0].startswith("Error: "):
            problem = f"exit {result.exit_code}, stderr:\n{result.stderr}"
    if problem:
        outcome = "crash"
        why = f"speedmeet {' '.join(options)}\n\n{problem}\n\n{result.output}"
        save_crash(crashes, tally, "plan", {"event.csv": content}, why)
    tally.counts[("random event (plan)", outcome)] += 1


def report(tally: Tally, seconds: float) -> None:
    kinds = sorted({kind for kind, _ in tally.counts})
    outcomes = sorted({outcome for _, outcome in tally.counts})
    print(f"\n{sum(tally.counts.values())} inputs in {seconds:.0f} s")
    print(f"{'input':28}" + "".join(f"{outcome:>10}" for outcome in outcomes))
    for kind in kinds:
        print(f"{kind:28}" + "".join(f"{tally.counts[(kind, o)]:>10}" for o in outcomes))
    print(f"slowest read: {tally.slowest[0]:.2f} s ({tally.slowest[1]})")
    for reason, count in tally.refusals.most_common(6):
        print(f"  plan refused {count} times: {reason}")
    if tally.crashes:
        print(f"{len(tally.crashes)} crash(es), inputs saved in:")
        for folder in tally.crashes:
            print(f"  {folder}")
    else:
        print("no crash")


def _workbook_of(path: Path, people: int, organisations: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Registrations")
    sheet.append(["Name", "Organisation", "Email", "Interests", "Languages"])
    for i in range(people):
        sheet.append(
            [
                f"Person {i}",
                f"Organisation {i % organisations}",
                f"person{i}@example.org",
                "housing; employment; language courses",
                "fr, en",
            ]
        )
    workbook.save(path)
    return path


def _run_plan(source: Path, options: list[str]) -> tuple[float, float | None, int, str]:
    """Wall seconds, solve seconds as reported, peak memory (MB) and output of one CLI run."""
    command = [sys.executable, "-m", "speedmeet", "plan", str(source), *options, "--no-print"]
    wrapper = (
        "import resource, subprocess, sys, time; began = time.perf_counter(); "
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
        "print(time.perf_counter() - began, "
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode); "
        "print(done.stdout + done.stderr)"
    )
    finished = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    first, _, output = finished.stdout.partition("\n")
    wall, peak_kb, code = first.split()
    if code != "0":
        raise RuntimeError(f"speedmeet plan failed:\n{output}")
    solve = re.search(r"solve time\s+([0-9.]+) s", output)
    return float(wall), float(solve.group(1)) if solve else None, int(peak_kb) // 1024, output


def measure_limits() -> None:
    with tempfile.TemporaryDirectory(prefix="speedmeet-limits-") as scratch:
        folder = Path(scratch)
        big = _workbook_of(folder / "big.xlsx", 5_000, 1_200)
        began = time.perf_counter()
        registrations = read_registrations(big)
        seconds = time.perf_counter() - began
        print(
            f"5,000-person workbook read in {seconds:.2f} s ({len(registrations.participants)} people)"
        )
        wall, solve, peak, _ = _run_plan(
            big,
            [
                "--rounds",
                "4",
                "--table-size",
                "5",
                "--time-limit",
                "10",
                "--out",
                str(folder / "big"),
            ],
        )
        plan = read_plan(folder / "big")
        print(
            f"5,000 people planned (--time-limit 10): whole command {wall:.1f} s, solve {solve} s, "
            f"peak memory {peak} MB, valid: {validate(plan).ok}"
        )
        tight = _workbook_of(folder / "tight.xlsx", 70, 40)
        for limit in (3, 6):
            wall, solve, peak, _ = _run_plan(
                tight,
                [
                    "--rounds",
                    "15",
                    "--table-size",
                    "5",
                    "--time-limit",
                    str(limit),
                    "--out",
                    str(folder / f"tight{limit}"),
                ],
            )
            report = validate(read_plan(folder / f"tight{limit}"))
            assert report.quality is not None
            print(
                f"70 people / 40 organisations, 15 rounds, --time-limit {limit}: solve {solve} s, "
                f"whole command {wall:.1f} s (with start-up, reading and writing), peak {peak} MB; "
                f"plan valid: {report.ok}, {report.quality.new_pairs} of "
                f"{report.quality.bound.value} pairs, {report.quality.repeats} repeats"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to run")
    parser.add_argument("--seed", type=int, default=None, help="repeat a run exactly")
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--only", choices=["readers", "plan"], default=None)
    parser.add_argument(
        "--plan-share", type=float, default=0.15, help="share of inputs that are events to plan"
    )
    parser.add_argument("--limits", action="store_true", help="measure read time and time limit")
    arguments = parser.parse_args()
    if arguments.limits:
        measure_limits()
        return 0
    seed = arguments.seed if arguments.seed is not None else random.randrange(2**32)
    print(f"fuzzing for {arguments.seconds:.0f} s, seed {seed}", flush=True)
    rng = random.Random(seed)
    cli.console.width = cli.error_console.width = 400  # one message, one line
    seeds = (EXAMPLE.read_bytes(), example_as_csv(EXAMPLE))
    tally = Tally()
    began = time.monotonic()
    last_note = began
    with tempfile.TemporaryDirectory(prefix="speedmeet-fuzz-") as scratch:
        work = Path(scratch)
        while time.monotonic() - began < arguments.seconds:
            plan_turn = arguments.only == "plan" or (
                arguments.only is None and rng.random() < arguments.plan_share
            )
            if plan_turn:
                fuzz_plan(rng, work, arguments.crashes, tally)
            else:
                fuzz_reader(rng, work, arguments.crashes, tally, seeds)
            if time.monotonic() - last_note > 30:
                last_note = time.monotonic()
                print(
                    f"  {sum(tally.counts.values())} inputs, {len(tally.crashes)} crashes",
                    flush=True,
                )
    report(tally, time.monotonic() - began)
    return 1 if tally.crashes else 0


if __name__ == "__main__":
    sys.exit(main())
