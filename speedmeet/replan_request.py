"""What `speedmeet replan` is asked to do, from its options: who leaves (`--drop`, the absent list
of `--drop-file`) and who walks in (`--add`: "name; organisation" or a spreadsheet read like the
registrations), with the warnings the reading gave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from speedmeet.checkin import read_absent_file
from speedmeet.errors import ReplanError
from speedmeet.model import Participant, Plan
from speedmeet.readers import read_registrations
from speedmeet.readers.walk_ins import parse_walk_in, walk_ins_from_participants

SHEET_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls", ".xlsb", ".csv", ".tsv", ".txt")
"""An --add value ending like this is a spreadsheet of late arrivals, not a name."""


@dataclass
class ReplanRequest:
    """Who leaves (ids or names) and who arrives, ready for `replanning.replan`."""

    drop: list[str]
    add: list[Participant]
    warnings: list[str] = field(default_factory=list)


def replan_request(
    plan: Plan,
    *,
    from_round: int,
    drop: Sequence[str] = (),
    add: Sequence[str] = (),
    drop_file: Path | None = None,
    hidden_rows: str = "include",
) -> ReplanRequest:
    """The people to drop and to add; a ReplanError when --add brings nobody new and nobody
    leaves, so there is nothing to replan."""
    walk_ins, warnings = read_walk_ins(add, plan, hidden_rows)
    dropped = list(drop)
    if drop_file is not None:
        absent = read_absent_file(drop_file, plan, from_round)
        dropped.extend(absent.ids)
        warnings.extend(absent.warnings)
    if add and not walk_ins and not dropped:
        raise ReplanError("everyone in --add is already in the plan; nothing to replan")
    return ReplanRequest(drop=dropped, add=walk_ins, warnings=warnings)


def read_walk_ins(
    values: Sequence[str], plan: Plan, hidden_rows: str = "include"
) -> tuple[list[Participant], list[str]]:
    """People from --add: "name; organisation" or a spreadsheet read like `speedmeet plan`."""
    walk_ins: list[Participant] = []
    warnings: list[str] = []
    for value in values:
        path = Path(value)
        if path.suffix.lower() not in SHEET_SUFFIXES:
            walk_ins.append(parse_walk_in(value, plan))
            continue
        if not path.is_file():
            raise ReplanError(f"--add {value}: no such file")
        registrations = read_registrations(path, hidden_rows=hidden_rows)
        has_ids = any(field == "id" for field, _ in registrations.mapping)
        warnings.extend(
            warning
            for warning in registrations.warnings
            if has_ids or not warning.startswith("no id column")
        )
        found, skipped = walk_ins_from_participants(
            registrations.participants, plan, keep_ids=has_ids
        )
        walk_ins.extend(found)
        warnings.extend(skipped)
    return walk_ins, warnings
