"""The solver benchmark of issue 3: every event of the ladder, run as an organiser runs it.

    python benchmarks/run.py [--quick] [--only NAME] [--direct]

Each event is written as a participant file (xlsx, or csv from 5,000 people on) in a temporary
folder, planned with `speedmeet plan FILE --rounds R --table-size K --out DIR --no-print` in a
subprocess, and the written plan.json is checked with `speedmeet.validate.validate`. The table
shows the bound, the pairs reached, repeats, same-organisation meetings, the solve time the tool
reports, the wall-clock time of the whole command and its peak memory, and whether the issue's
target for that row is met. `--direct` (used automatically when the CLI cannot be imported)
calls `speedmeet.solve.solve` in a subprocess instead, so "run" then covers no file reading or
writing. Timings are wall clock on whatever machine runs this: on a shared machine, noisy.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rules_bench import realistic_event

from speedmeet.model import Plan
from speedmeet.planfile import read_plan
from speedmeet.validate import validate

XLSX_LIMIT = 2000
"""Events up to this many people are written as xlsx; larger ones as csv (faster to write)."""


@dataclass(frozen=True)
class Event:
    """One row of the ladder and the issue's target for it."""

    name: str
    organisations: list[int]
    table_size: int
    rounds: int
    time_limit: float
    target_share: float
    target_solve: float | None
    target_run: float | None = None
    quick: bool = True
    note: str = ""
    rules_seed: int | None = None
    """Set for the event of `rules_bench.realistic_event` (languages, sectors, interests,
    offers and needs, hosts, requests); with `all_rules` it is planned with every rule on."""
    all_rules: bool = False
    baseline: str | None = None
    """The plain row this one is measured against: at most 1% fewer new pairs, at most twice
    its time (issue "The event's own rules"), the whole command's: see `_against`."""

    @property
    def people(self) -> int:
        return len(self.organisations)


def organisations_of(
    people: int, organisation_count: int, seed: int, largest: int = 8
) -> list[int]:
    """`people` spread over exactly `organisation_count` organisations of 1..largest people."""
    if not organisation_count <= people <= organisation_count * largest:
        raise ValueError(
            f"{people} people cannot form {organisation_count} organisations of 1-{largest}"
        )
    rng = random.Random(seed)
    sizes = [1] * organisation_count
    extra = people - organisation_count
    while extra:
        o = rng.randrange(organisation_count)
        if sizes[o] < largest:
            sizes[o] += 1
            extra -= 1
    return [o for o, size in enumerate(sizes) for _ in range(size)]


def mixed_organisations(people: int, seed: int, largest: int = 8) -> list[int]:
    """Organisations of mixed sizes, mostly small: as registrations of a real event look."""
    rng = random.Random(seed)
    weights = [6, 4, 3, 2, 1, 1, 1, 1][:largest]
    organisations: list[int] = []
    o = 0
    while len(organisations) < people:
        size = min(
            rng.choices(range(1, largest + 1), weights=weights)[0], people - len(organisations)
        )
        organisations += [o] * size
        o += 1
    return organisations


def singletons(people: int) -> list[int]:
    return list(range(people))


def ladder() -> list[Event]:
    """The events of issue 3, with its targets (share of the bound, solve and run seconds)."""
    events = [
        Event("realistic-18-k3-r4", mixed_organisations(18, 1), 3, 4, 10, 1.0, 0.5, 2.0),
        Event(
            "realistic-22-k4-r5",
            mixed_organisations(22, 2),
            4,
            5,
            10,
            1.0,
            0.5,
            2.0,
            note="tables of 4 and 3",
        ),
        Event(
            "realistic-45-k3-r8", mixed_organisations(45, 3), 3, 8, 10, 1.0, 0.5, 2.0, quick=False
        ),
        Event("geneva-70-40orgs-k5-r4", organisations_of(70, 40, 4), 5, 4, 10, 1.0, 0.5, 2.0),
        Event("realistic-120-k6-r6", mixed_organisations(120, 5), 6, 6, 10, 1.0, 0.5, 2.0),
        Event(
            "realistic-200-k2-r8", mixed_organisations(200, 6), 2, 8, 10, 1.0, 0.5, 2.0, quick=False
        ),
        Event(
            "realistic-333-k7-r5", mixed_organisations(333, 7), 7, 5, 10, 1.0, 0.5, 2.0, quick=False
        ),
        Event("realistic-500-k8-r8", mixed_organisations(500, 8), 8, 8, 10, 1.0, 0.5, 2.0),
        Event(
            "delegations-500-k5-r6", mixed_organisations(500, 9, largest=8), 5, 6, 10, 1.0, 0.5, 2.0
        ),
        Event("150-60orgs-k6-r25", organisations_of(150, 60, 10), 6, 25, 10, 1.0, 1.0),
        Event("2000-600orgs-k8-r5", organisations_of(2000, 600, 11), 8, 5, 10, 1.0, 2.0, 10.0),
        Event("5000-k8-r6", mixed_organisations(5000, 12), 8, 6, 10, 1.0, 5.0, 30.0, quick=False),
        Event(
            "20000-k8-r6",
            mixed_organisations(20000, 13),
            8,
            6,
            60,
            0.9999,
            None,
            120.0,
            quick=False,
        ),
        Event("one-to-one-40-k2-r15", organisations_of(40, 25, 14, largest=3), 2, 15, 10, 1.0, 0.5),
        Event("golfer-15-k3-r7", singletons(15), 3, 7, 10, 1.0, 1.0, note="Kirkman"),
        Event("golfer-16-k4-r5", singletons(16), 4, 5, 10, 1.0, 1.0),
        Event("golfer-25-k5-r6", singletons(25), 5, 6, 10, 1.0, 1.0, quick=False),
        Event("golfer-28-k4-r9", singletons(28), 4, 9, 10, 1.0, 1.0),
        Event("golfer-32-k4-r9", singletons(32), 4, 9, 10, 1.0, 1.0),
        Event("golfer-36-k4-r8", singletons(36), 4, 8, 10, 1.0, 1.0, quick=False),
        Event("golfer-40-k4-r13", singletons(40), 4, 13, 10, 1.0, 1.0),
        Event("golfer-18-k3-r8", singletons(18), 3, 8, 10, 1.0, 10.0),
        Event("golfer-32-k4-r10", singletons(32), 4, 10, 60, 1.0, 60.0),
        Event("36-14orgs-k6-r5", organisations_of(36, 14, 15), 6, 5, 30, 0.975, None, quick=False),
        Event(
            "delegations-60-6x10-k6-r6",
            [d for d in range(6) for _ in range(10)],
            6,
            6,
            30,
            0.99,
            None,
        ),
        Event("70-40orgs-k5-r15", organisations_of(70, 40, 16), 5, 15, 60, 0.97, None, quick=False),
        Event(
            "144-60orgs-k6-r20", organisations_of(144, 60, 17), 6, 20, 60, 0.97, None, quick=False
        ),
        Event("40-one-org-of-12-k4-r5", [0] * 12 + list(range(1, 29)), 4, 5, 10, 1.0, None),
    ]
    for seed in (0, 1):
        organisations = [int(p.organisation.split()[-1]) for p in realistic_event(150, seed)[0]]
        plain = f"rules-event-{seed}-plain"
        events.append(Event(plain, organisations, 6, 5, 10, 1.0, 0.5, rules_seed=seed))
        events.append(
            Event(
                f"rules-event-{seed}-all-rules",
                organisations,
                6,
                5,
                10,
                0.99,
                None,
                rules_seed=seed,
                all_rules=True,
                baseline=plain,
                note="150 people, 5 languages, 4 sectors, 6 hosts, 20 requests",
            )
        )
    return events


def write_participants(event: Event, folder: Path) -> Path:
    """The event as a registration file: names "Person 17", organisations "Organisation 5"."""
    if event.rules_seed is not None:
        return write_rules_event(event, folder)
    rows = [(f"Person {i + 1}", f"Organisation {o + 1}") for i, o in enumerate(event.organisations)]
    if event.people <= XLSX_LIMIT:
        from openpyxl import Workbook

        path = folder / f"{event.name}.xlsx"
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Registrations"
        sheet.append(["Name", "Organisation"])
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
        return path
    path = folder / f"{event.name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation"])
        writer.writerows(rows)
    return path


def write_rules_event(event: Event, folder: Path) -> Path:
    """The realistic event with its rule columns and a Requests sheet, as an organiser writes
    them (without them for a plain row: names and organisations only)."""
    from openpyxl import Workbook

    participants, rules = realistic_event(event.people, event.rules_seed or 0)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    joined = "; ".join
    if event.all_rules:
        sheet.append(
            ["Name", "Organisation", "Languages", "Sector", "Interests", "Offers", "Needs", "Host"]
        )
        for p in participants:
            sheet.append([
                p.name, p.organisation, ", ".join(p.languages), p.role, joined(p.interests),
                joined(p.offers), joined(p.needs), "yes" if p.host else "",
            ])  # fmt: skip
        requests = workbook.create_sheet("Requests")
        requests.append(["Person A", "Person B", "Request"])
        names = {p.id: p.name for p in participants}
        for q in rules.requests:
            kind = "must meet" if q.kind == "must_meet" else "keep apart"
            requests.append([names[q.first], names[q.second], kind])
    else:
        sheet.append(["Name", "Organisation"])
        for p in participants:
            sheet.append([p.name, p.organisation])
    path = folder / f"{event.name}.xlsx"
    workbook.save(path)
    return path


DIRECT_RUNNER = """
import json, sys, time
from speedmeet.model import table_sizes
from speedmeet.solve import solve
from speedmeet.solve.problem import Instance
event = json.load(open(sys.argv[1]))
sizes = table_sizes(len(event["organisations"]), event["table_size"])
started = time.perf_counter()
result = solve(Instance(event["organisations"], sizes, event["rounds"], time_limit=event["time_limit"]))
json.dump({"schedule": result.schedule, "seconds": time.perf_counter() - started,
           "status": result.status, "method": result.method}, open(sys.argv[2], "w"))
"""


@dataclass
class Outcome:
    event: Event
    bound: int = 0
    pairs: int = 0
    repeats: int = 0
    same_organisation: int = 0
    solve_seconds: float | None = None
    run_seconds: float = 0.0
    peak_mb: float = 0.0
    method: str = ""
    rules: str = ""
    rules_met: bool = True
    baseline: Outcome | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return 1.0 if self.bound == 0 else self.pairs / self.bound

    @property
    def verdict(self) -> str:
        """ "met" (with the figures judged, for a rules row), or what falls short of the
        issue's target for this row."""
        event = self.event
        if self.problems:
            return "FAILED"
        short = []
        if self.baseline is not None:
            return _against(self, self.baseline)
        if self.share < event.target_share:
            short.append("share")
        if event.target_solve is not None:
            if self.solve_seconds is None:
                # plan.json holds no solve time: the whole run bounds it from above.
                if self.run_seconds > event.target_solve:
                    short.append("solve s unknown")
            elif self.solve_seconds > event.target_solve:
                short.append("solve s")
        if event.target_run is not None and self.run_seconds > event.target_run:
            short.append("run s")
        return "MISSED: " + ", ".join(short) if short else "met"


def _against(outcome: Outcome, baseline: Outcome) -> str:
    """The verdict of a row with rules against its plain twin (see `Event.baseline`).

    The time compared is what the organiser waits for, the whole command (reading the
    workbook and its extra sheets, solving, checking the rules, writing). The solver's own
    time is shown in the verdict too but is not the test: the plain event is a design built
    in about 0.02 s, so any search for the rules at all is many times that."""
    short = []
    if outcome.pairs < outcome.event.target_share * baseline.pairs:
        short.append("pairs vs plain")
    ratio = outcome.run_seconds / max(baseline.run_seconds, 0.01)
    if ratio > 2:
        short.append("run s vs plain")
    if not outcome.rules_met:
        short.append("rules")
    solve = ""
    if outcome.solve_seconds is not None and baseline.solve_seconds is not None:
        solve = f", solve {outcome.solve_seconds:.2f} s vs {baseline.solve_seconds:.2f} s"
    figures = f"run {ratio:.1f}x plain{solve}"
    return f"MISSED: {', '.join(short)} ({figures})" if short else f"met ({figures})"


PEAK_WRAPPER = """
import atexit, runpy, sys
PEAK_FILE = sys.argv[1]
def peak():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    with open(PEAK_FILE, "w") as out:
                        out.write(line.split()[1])
    except OSError:
        pass
atexit.register(peak)
mode, target = sys.argv[2], sys.argv[3]
sys.argv = [target, *sys.argv[4:]]
if mode == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<benchmark>", "exec"), {"__name__": "__main__"})
"""
"""Runs `python -m module ...` or `python -c code ...` and writes the process's own peak
memory (VmHWM, kB) at exit. The parent's resource usage cannot tell it: on Linux a child's
ru_maxrss keeps the high-water mark of the benchmark process it was forked from."""


def run_measured(command: list[str], log: Path) -> tuple[int, float, float]:
    """Exit code, wall-clock seconds and peak memory (MB) of one child process; `command` is
    [python, "-m", module, ...] or [python, "-c", code, ...]."""
    peak_file = log.with_suffix(".peak")
    wrapped = [command[0], "-c", PEAK_WRAPPER, str(peak_file), *command[1:]]
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(
            wrapped, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    try:
        peak_mb = int(peak_file.read_text(encoding="utf-8")) / 1024
    except (OSError, ValueError):  # no /proc: the rusage figure, an upper bound
        peak_mb = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return process.returncode, seconds, peak_mb


STARTUP_RUNS = 9
"""Counted runs of `speedmeet --help` (after one not counted) for the start-up figure."""


def startup_seconds() -> tuple[float, float]:
    """Median whole-process wall-clock and CPU seconds of `python -m speedmeet --help` (issue
    13's "fast to start": under 0.25 s), over `STARTUP_RUNS` runs after a warm-up."""
    walls: list[float] = []
    cpus: list[float] = []
    for run in range(STARTUP_RUNS + 1):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "speedmeet", "--help"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        _, _, usage = os.wait4(process.pid, 0)
        if run:  # the first fills the disk cache and writes the .pyc files
            walls.append(time.perf_counter() - started)
            cpus.append(usage.ru_utime + usage.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def record_quality(outcome: Outcome, plan: Plan) -> None:
    """The validator's verdict and figures for the plan, into the outcome's row."""
    report = validate(plan)
    outcome.problems += [str(v) for v in report.violations[:3]]
    if report.quality is not None:
        quality = report.quality
        outcome.bound, outcome.pairs = quality.bound.value, quality.new_pairs
        outcome.repeats, outcome.same_organisation = quality.repeats, quality.same_organisation


def run_cli(event: Event, folder: Path) -> Outcome:
    outcome = Outcome(event)
    source = write_participants(event, folder)
    out = folder / f"{event.name}-plan"
    command = [
        sys.executable, "-m", "speedmeet", "plan", str(source),
        "--rounds", str(event.rounds), "--table-size", str(event.table_size),
        "--time-limit", str(event.time_limit), "--out", str(out), "--no-print",
    ]  # fmt: skip
    if event.all_rules:
        command += ["--mix", "sector", "--interests", "match"]
    log = folder / f"{event.name}.log"
    code, outcome.run_seconds, outcome.peak_mb = run_measured(command, log)
    if code != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        outcome.problems.append(f"exit code {code}: {' | '.join(tail)}")
        return outcome
    plan = read_plan(out)
    record_quality(outcome, plan)
    # plan.json stays byte-identical run to run, so it holds no timing: the solve time is the
    # one the command prints in its summary.
    printed = re.search(
        r"solve time\s+([0-9.]+) s", log.read_text(encoding="utf-8", errors="replace")
    )
    outcome.solve_seconds = float(printed.group(1)) if printed else None
    summary = json.loads((out / "plan.json").read_text(encoding="utf-8")).get("solve", {})
    outcome.method = str(summary.get("method", ""))
    if event.all_rules:
        from speedmeet.validate import rule_report

        rules = rule_report(plan)
        outcome.rules = "; ".join(rule_cell(o.rule, o.met, o.detail) for o in rules)
        outcome.rules_met = all(o.met for o in rules)
    return outcome


def rule_cell(rule: str, met: bool, detail: str) -> str:
    """One rule in a few words for the table: "offers and needs 45/45", "mix NOT met"."""
    counted = re.search(r"(\d[\d,]*) of (\d[\d,]*)", detail)
    figure = f" {counted.group(1)}/{counted.group(2)}" if counted else ""
    if met and counted and counted.group(1) != counted.group(2):
        figure += " (the rest impossible)"
    return f"{rule}{figure}" + ("" if met else " NOT met")


def run_direct(event: Event, folder: Path) -> Outcome:
    """Fallback without the CLI: the solver alone in a subprocess, its plan validated here."""
    from speedmeet.model import EventSettings, Participant, Round, Table

    outcome = Outcome(event)
    request, answer = folder / f"{event.name}.json", folder / f"{event.name}-answer.json"
    request.write_text(json.dumps({
        "organisations": event.organisations, "table_size": event.table_size,
        "rounds": event.rounds, "time_limit": event.time_limit,
    }), encoding="utf-8")  # fmt: skip
    command = [sys.executable, "-c", DIRECT_RUNNER, str(request), str(answer)]
    code, outcome.run_seconds, outcome.peak_mb = run_measured(command, folder / f"{event.name}.log")
    if code != 0:
        outcome.problems.append(f"exit code {code}")
        return outcome
    result = json.loads(answer.read_text(encoding="utf-8"))
    outcome.solve_seconds, outcome.method = result["seconds"], result["method"]
    participants = [
        Participant(id=f"P{i + 1}", name=f"Person {i + 1}", organisation=f"Organisation {o + 1}")
        for i, o in enumerate(event.organisations)
    ]
    rounds = [
        Round(round=r + 1, tables=[
            Table(table=str(t + 1), participants=[f"P{i + 1}" for i in table]) for t, table in enumerate(tables)
        ])
        for r, tables in enumerate(result["schedule"])
    ]  # fmt: skip
    plan = Plan(
        settings=EventSettings(rounds=event.rounds, table_size=event.table_size),
        participants=participants,
        rounds=rounds,
    )
    record_quality(outcome, plan)
    return outcome


COLUMNS = (
    "instance", "n", "k", "rounds", "bound", "pairs", "% bound", "repeats", "same org",
    "solve s", "run s", "peak MB", "method", "rules", "target",
)  # fmt: skip


def row(outcome: Outcome) -> list[str]:
    event = outcome.event
    solve = "-" if outcome.solve_seconds is None else f"{outcome.solve_seconds:.2f}"
    return [
        event.name, str(event.people), str(event.table_size), str(event.rounds),
        str(outcome.bound), str(outcome.pairs), f"{100 * outcome.share:.2f}",
        str(outcome.repeats), str(outcome.same_organisation), solve,
        f"{outcome.run_seconds:.2f}", f"{outcome.peak_mb:.0f}", outcome.method,
        outcome.rules or "-", outcome.verdict,
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description="Run the speedmeet solver benchmark (issue 3).")
    parser.add_argument(
        "--quick", action="store_true", help="a subset that finishes in about a minute"
    )
    parser.add_argument("--only", metavar="NAME", help="only events whose name contains NAME")
    parser.add_argument("--direct", action="store_true", help="call the solver, not the CLI")
    parser.add_argument(
        "--startup", action="store_true", help="only the start-up time of `speedmeet --help`"
    )
    arguments = parser.parse_args()

    direct = arguments.direct or importlib.util.find_spec("speedmeet.cli") is None
    events = [
        e
        for e in ladder()
        if (not arguments.quick or e.quick)
        and (arguments.only is None or arguments.only in e.name)
        and not (direct and e.all_rules)  # the direct fallback passes no rules
    ]
    if not events:
        parser.error(f"no event matches {arguments.only!r}")
    if direct:
        print(
            "fallback mode: speedmeet.solve.solve called directly; run s excludes reading and writing files\n"
        )
    if not direct:
        wall, cpu = startup_seconds()
        print(
            f"start-up: `speedmeet --help` takes {wall:.3f} s (median wall clock of "
            f"{STARTUP_RUNS} runs; {cpu:.3f} s CPU)\n",
            flush=True,
        )
    if arguments.startup:
        return 0
    rows: list[list[str]] = []
    done: dict[str, Outcome] = {}
    with tempfile.TemporaryDirectory(prefix="speedmeet-bench-") as folder:
        for event in events:
            if event.baseline is not None and event.baseline not in done:
                done[event.baseline] = (run_direct if direct else run_cli)(
                    next(e for e in ladder() if e.name == event.baseline), Path(folder)
                )
            outcome = (run_direct if direct else run_cli)(event, Path(folder))
            outcome.baseline = done.get(event.baseline) if event.baseline else None
            done[event.name] = outcome
            if not rows:  # a Markdown table, so that it pastes into the README and notes as it is
                print("| " + " | ".join(COLUMNS) + " |", flush=True)
                print("|" + "|".join("---" for _ in COLUMNS) + "|", flush=True)
            rows.append(row(outcome))
            print("| " + " | ".join(rows[-1]) + " |", flush=True)
            for problem in outcome.problems:
                print(f"    {event.name}: {problem}", flush=True)
    missed = sum(1 for cells in rows if not cells[-1].startswith("met"))
    print(f"\n{len(rows) - missed} of {len(rows)} targets met", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
