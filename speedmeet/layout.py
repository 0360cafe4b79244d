"""The tables of a round: how many, their names and how many people each seats.

One layout for everyone who needs it: the solver's table sizes (`speedmeet.planning`), the
validator's checks (`speedmeet.validate`), replanning's tables and size bounds
(`replanned_tables`) and the exports' table names all come from here.

Without a Tables sheet: tables "1", "2", ... of `model.table_sizes`, sizes at most one apart.
With one (`EventRules.tables`): the first tables of the sheet, as many as the settings call for
and more when their seats do not suffice; people spread as evenly as the capacities allow, so
two tables differ by more than one person only when the smaller one is full.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from speedmeet.errors import Location, SettingsError
from speedmeet.model import EventSettings, Plan, table_sizes
from speedmeet.rules import EventRules, TableSpec

TABLES_SHEET = "Tables"

Layout = list[tuple[str, int]]
"""(table name, people seated) for each table of one round."""


def table_capacity(spec: TableSpec, settings: EventSettings, participant_count: int) -> int:
    """Seats at a table: its capacity, else the table size (any number with --tables)."""
    if spec.capacity is not None:
        return spec.capacity
    return settings.table_size if settings.tables is None else participant_count


def table_layout(
    participant_count: int, settings: EventSettings, rules: EventRules | None
) -> Layout:
    """Names and sizes of the tables of a round of `participant_count` people (see the module
    docstring); a SettingsError naming the Tables sheet when its seats are too few."""
    if rules is None or not rules.tables:
        sizes = table_sizes(participant_count, settings.table_size, settings.tables)
        return [(str(t), size) for t, size in enumerate(sizes, start=1)]
    specs = rules.tables
    seats = [table_capacity(spec, settings, participant_count) for spec in specs]
    if sum(seats) < participant_count:
        raise SettingsError(
            f"the tables listed seat {sum(seats)} people but {participant_count} take part; "
            "add tables or seats, or leave capacities empty",
            Location(sheet=TABLES_SHEET),
        )
    wanted = len(table_sizes(participant_count, settings.table_size, settings.tables))
    used = max(1, min(wanted, len(specs), participant_count // 2 or 1))
    while sum(seats[:used]) < participant_count:
        used += 1
    sizes = [0] * used
    for _ in range(participant_count):
        open_tables = [t for t in range(used) if sizes[t] < seats[t]]
        emptiest = min(open_tables, key=lambda t: (sizes[t], -seats[t], t))
        sizes[emptiest] += 1
    return [(specs[t].name, sizes[t]) for t in range(used)]


def event_layout(
    participant_count: int, settings: EventSettings, rules: EventRules | None = None
) -> Layout:
    """The layout of every round of a new plan, or a SettingsError saying why the settings
    cannot work (too few people, tables of one, nobody able to rotate)."""
    if participant_count < 2:
        raise SettingsError(
            f"a speed meeting needs at least 2 participants; the list has {participant_count}"
        )
    if settings.tables is not None and settings.tables > participant_count // 2:
        raise SettingsError(
            f"{settings.tables} tables for {participant_count} participants would leave someone "
            f"alone at a table; use at most {participant_count // 2} tables"
        )
    layout = table_layout(participant_count, settings, rules)
    if len(layout) < 2:
        raise SettingsError(
            f"{participant_count} participants fill only one table of {settings.table_size}: "
            "nobody can rotate; use a smaller --table-size or --tables 2"
        )
    return layout


def host_tables(
    layout: Sequence[tuple[str, int]], rules: EventRules | None, hosts: int
) -> list[int]:
    """The table index of each host: accessible tables first (a host may be a person with
    reduced mobility), then in the sheet's order; shared only when hosts outnumber tables."""
    accessible = set()
    if rules is not None:
        accessible = {spec.name for spec in rules.tables if spec.accessible}
    order = sorted(range(len(layout)), key=lambda t: (layout[t][0] not in accessible, t))
    return [order[i % len(order)] for i in range(hosts)]


def even_share(total: int, table_size: int, present: int) -> int:
    """The most people of one category a table holds when spread evenly (rounded up)."""
    return -(-total * table_size // max(present, 1))


@dataclass(frozen=True)
class ReplannedTables:
    """The tables of one replanned round: the old ones, then any new ones, and how many
    people each may seat (None: the round's level or level + 1 everywhere)."""

    count: int
    """Tables the round needs for the people now present."""
    names: list[str]
    """Old tables in the old plan's order, then new ones."""
    size_bounds: list[tuple[int, int]] | None


def replanned_tables(plan: Plan, round_number: int, present: int) -> ReplannedTables:
    """The tables of round `round_number` of `plan` once `present` people attend it: as many
    as a new plan would have, new ones named after the plan's tables (15, 16... after 1-14)
    or taken from the Tables sheet, each seating the round's level (or level + 1) people,
    capped by its capacity. A SettingsError names the Tables sheet when it falls short."""
    old_names = [table.table for table in plan.rounds[round_number - 1].tables]
    rules = plan.rules
    if rules is None or not rules.tables or present < 2:
        count = len(table_sizes(present, plan.settings.table_size, plan.settings.tables))
        new = _new_table_names(plan, max(0, count - len(old_names)))
        return ReplannedTables(count, [*old_names, *new], None)
    try:
        layout = table_layout(present, plan.settings, rules)
    except SettingsError as error:
        raise SettingsError(
            f"round {round_number} after this change: {error.message}", error.where
        ) from None
    specs = {spec.name: spec for spec in rules.tables}
    missing = [name for name in old_names if name not in specs]
    if missing:
        raise SettingsError(
            f"round {round_number} seats people at table {missing[0]!r}, which is not on the "
            f"{TABLES_SHEET} sheet",
            Location(sheet=TABLES_SHEET),
        )
    spare = [spec.name for spec in rules.tables if spec.name not in old_names]
    names = [*old_names, *spare[: max(0, len(layout) - len(old_names))]]
    if len(names) < len(layout):
        raise SettingsError(
            f"round {round_number} after this change needs {len(layout)} tables but the "
            f"{TABLES_SHEET} sheet lists {len(rules.tables)}; add tables to the sheet",
            Location(sheet=TABLES_SHEET),
        )
    capacity = {name: table_capacity(spec, plan.settings, present) for name, spec in specs.items()}
    open_sizes = [size for name, size in layout if size < capacity[name]]
    level = min(open_sizes) if open_sizes else max(size for _, size in layout)
    bounds = [(min(capacity[name], level), min(capacity[name], level + 1)) for name in names]
    return ReplannedTables(len(layout), names, bounds)


def _new_table_names(plan: Plan, count: int) -> list[str]:
    """Names for tables the plan never had: after tables 1-14 come 15, 16..."""
    used = {table.table for round_ in plan.rounds for table in round_.tables}
    numbers = [int(name) for name in used if name.isdigit()]
    number = max(numbers, default=0) + 1
    names: list[str] = []
    while len(names) < count:
        if str(number) not in used:
            names.append(str(number))
        number += 1
    return names
