"""plan.json: written and read back by the same `Plan` model, atomically."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from speedmeet.errors import PlanFileError
from speedmeet.files import write_text_atomically
from speedmeet.model import Plan

PLAN_FILENAME = "plan.json"
HISTORY_FIELD = "replans"
"""Extra plan.json field: one entry per replan, saying what changed and when."""
MAX_PLAN_BYTES = 200 * 1024 * 1024
"""A plan of 50,000 people is a few tens of MB; anything far larger is not a plan."""


def plan_to_json(plan: Plan) -> str:
    """Stable, human-diffable text: the same plan always gives the same bytes.

    Participants carry only the fields that say something (no empty lists, no `host: false`),
    so the file stays as short as the contract in PRODUCT.md.
    """
    content = plan.model_dump(mode="json", exclude_none=True)
    content["participants"] = [
        {key: value for key, value in person.items() if value not in ([], False)}
        for person in content["participants"]
    ]
    return json.dumps(content, ensure_ascii=False, indent=2) + "\n"


def write_plan(plan: Plan, path: Path) -> None:
    write_text_atomically(path, plan_to_json(plan))


def resolve_plan_path(location: Path) -> Path:
    """Accept either a plan folder or the plan.json inside it."""
    location = Path(location)
    return location / PLAN_FILENAME if location.is_dir() else location


def read_plan(location: Path) -> Plan:
    path = resolve_plan_path(location)
    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            # a pipe would wait forever, /dev/zero would fill the memory
            raise PlanFileError(f"{path}: this is not a regular file; give the plan.json file")
        if path.is_file() and path.stat().st_size > MAX_PLAN_BYTES:
            raise PlanFileError(
                f"{path}: the file is {path.stat().st_size / 1024**2:,.0f} MB; no speedmeet plan "
                f"is that large (at most {MAX_PLAN_BYTES // 1024**2} MB)"
            )
        # utf-8-sig: Notepad and some editors save JSON with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlanFileError(f"{path}: no such plan file") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path}: this is a folder, not a plan file") from None
    except PermissionError:
        raise PlanFileError(f"{path}: cannot read the plan file: permission denied") from None
    except UnicodeDecodeError as error:
        raise PlanFileError(
            f"{path}: not a speedmeet plan (byte {error.start + 1} is not UTF-8 text)"
        ) from None
    except OSError as error:
        raise PlanFileError(
            f"{path}: cannot read the plan file ({error.strerror or error})"
        ) from None
    try:
        raw = json.loads(text)
    except RecursionError:
        raise PlanFileError(
            f"{path}: not a speedmeet plan (its lists are nested thousands of levels deep)"
        ) from None
    except json.JSONDecodeError as error:
        raise PlanFileError(
            f"{path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    if not isinstance(raw, dict) or raw.get("format") != "speedmeet-plan":
        raise PlanFileError(f'{path}: not a speedmeet plan ("format" should be "speedmeet-plan")')
    if raw.get("version") != 1:
        raise PlanFileError(
            f"{path}: plan version {raw.get('version')!r} is not supported (expected 1)"
        )
    try:
        return Plan.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'plan'}: "
            + issue["msg"].removeprefix("Value error, ")
            for issue in error.errors()
        )
        raise PlanFileError(f"{path}: {problems}") from None
