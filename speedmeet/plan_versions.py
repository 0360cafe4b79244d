"""Every version of a plan kept in its folder: a replan keeps the plan it replaces as
plan.vN.json before writing the new plan.json (`save_replan`); `speedmeet history` lists them
(`plan_versions`)."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from speedmeet.changes import ReplanOutcome
from speedmeet.errors import ReplanError
from speedmeet.exports.reprint import CHANGES_FILENAME, changes_csv
from speedmeet.files import atomic_path, write_text_atomically
from speedmeet.model import Plan
from speedmeet.planfile import HISTORY_FIELD, PLAN_FILENAME, read_plan, write_plan

_VERSION_FILE = re.compile(r"^plan\.v(\d+)\.json$")


@dataclass(frozen=True)
class PlanVersion:
    """One plan.json kept in a plan folder, for `speedmeet history`."""

    version: int
    path: Path
    when: datetime | None
    participants: int
    summary: str
    current: bool


def _version_numbers(folder: Path) -> list[int]:
    found: list[int] = []
    for path in folder.glob("plan.v*.json"):
        match = _VERSION_FILE.match(path.name)
        if match:
            found.append(int(match.group(1)))
    return sorted(found)


def save_replan(folder: Path, outcome: ReplanOutcome) -> list[Path]:
    """Keep the previous plan as plan.vN.json, then write plan.json and changes.csv atomically."""
    folder = Path(folder)
    current = folder / PLAN_FILENAME
    kept = folder / f"plan.v{max(_version_numbers(folder), default=0) + 1}.json"
    if current.exists():
        try:
            previous_bytes = current.read_bytes()
        except OSError as error:
            raise ReplanError(
                f"cannot read {current} to keep it: {error.strerror or error}"
            ) from None
        with atomic_path(kept) as temporary:
            temporary.write_bytes(previous_bytes)
            # The kept file carries the old plan's time, which `speedmeet history` shows.
            with contextlib.suppress(OSError):
                stat = current.stat()
                os.utime(temporary, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    else:
        write_plan(outcome.previous, kept)
    write_plan(outcome.plan, current)
    changes = folder / CHANGES_FILENAME
    write_text_atomically(
        changes, "\ufeff" + changes_csv(outcome.changes, outcome.plan.settings.language)
    )
    return [kept, current, changes]


def _summary(plan: Plan) -> tuple[str, datetime | None]:
    history = (plan.model_extra or {}).get(HISTORY_FIELD) or []
    if not history:
        return "original plan", None
    last = history[-1]
    parts = [f"replanned from round {last.get('from_round')}"]
    for key, verb in (("dropped", "dropped"), ("added", "added")):
        ids = last.get(key) or []
        if ids:
            parts.append(f"{verb} {', '.join(ids)}")
    parts.append(f"{len(last.get('moved') or [])} moved")
    when: datetime | None = None
    try:
        when = datetime.fromisoformat(str(last.get("at")))
    except ValueError:
        when = None
    return "; ".join(parts), when


def plan_versions(folder: Path) -> list[PlanVersion]:
    """Every kept version of the plan in `folder`, oldest first, the current plan.json last."""
    folder = Path(folder)
    if not (folder / PLAN_FILENAME).exists():
        raise ReplanError(f"{folder}: no plan.json here; give the folder `speedmeet plan` wrote")
    numbers = _version_numbers(folder)
    files = [(n, folder / f"plan.v{n}.json", False) for n in numbers]
    files.append((max(numbers, default=0) + 1, folder / PLAN_FILENAME, True))
    versions: list[PlanVersion] = []
    for number, path, current in files:
        plan = read_plan(path)
        summary, when = _summary(plan)
        if when is None:
            when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
        attending = sum(
            1
            for p in plan.participants
            if any(p.present_in(r) for r in range(1, len(plan.rounds) + 1))
        )
        versions.append(PlanVersion(number, path, when, attending, summary, current))
    return versions
