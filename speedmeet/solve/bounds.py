"""The best any plan could reach for an instance, with the reasons in the organiser's words.

Starts from the PRODUCT.md bound (tightened by same-organisation pairs no layout avoids, see
`speedmeet.quality.upper_bound`) and adds impossibilities known from design theory.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, comb, isqrt

from speedmeet import notes
from speedmeet.quality import forced_same_organisation_pairs, upper_bound
from speedmeet.solve.problem import Instance


def bound_for(instance: Instance) -> tuple[int, list[str]]:
    """The tightened bound on new cross-organisation pairs and plain-words reasons for it."""
    organisation_of = {p: str(o) for p, o in enumerate(instance.organisations)}
    layouts = [list(instance.table_sizes)] * instance.rounds
    bound = upper_bound(organisation_of, layouts)
    value = bound.value
    reasons: list[str] = []
    if bound.unavoidable_same_organisation:
        largest = max(_organisation_sizes(instance).values())
        reasons.append(
            notes.UNAVOIDABLE_IN_SOME_ORGANISATION.format(
                count=bound.unavoidable_same_organisation,
                largest=largest,
                tables=len(instance.table_sizes),
            )
        )
    crowded = _crowded_rounds(instance)
    if crowded > bound.unavoidable_same_organisation:
        capacity = bound.table_capacity + bound.unavoidable_same_organisation - crowded
        if capacity < value:
            value = capacity
            tables = len(instance.table_sizes)
            reasons.append(
                notes.CROWDED_ROUNDS.format(
                    count=crowded, tables=tables, size=max(instance.table_sizes)
                )
            )
    square = _missing_latin_squares(instance)
    if square is not None and bound.table_capacity - square < value:
        value = bound.table_capacity - square
        template = notes.NO_LATIN_SQUARES if square > 1 else notes.NO_LATIN_SQUARES_ONE
        reasons.append(
            template.format(
                count=square,
                people=instance.n,
                tables=len(instance.table_sizes),
                size=instance.table_sizes[0],
            )
        )
    unreachable = _unreachable_pairs(instance)
    if unreachable:
        honest = _bound_without(instance, unreachable, bound.all_cross_pairs)
        if honest < value:
            value = honest
            reasons.append(notes.UNREACHABLE_PAIRS.format(count=len(unreachable)))
    if not reasons and value < bound.all_cross_pairs:
        if value == bound.per_person:
            reasons.append(notes.PER_PERSON_LIMIT)
        else:
            reasons.append(notes.TABLE_LIMIT)
    return value, reasons


def _unreachable_pairs(instance: Instance) -> set[tuple[int, int]]:
    """Cross-organisation pairs no plan may count as new under the event's rules."""
    rules = instance.rules
    if rules is None:
        return set()
    org = instance.organisations
    pairs = {(min(a, b), max(a, b)) for a, b in (*rules.already_met, *rules.keep_apart)}
    hosted = list(zip(rules.hosts, rules.host_tables, strict=True))
    for i, (host, table) in enumerate(hosted):
        for other, other_table in hosted[i + 1 :]:
            if table != other_table:
                pairs.add((min(host, other), max(host, other)))
    return {(a, b) for a, b in pairs if a != b and org[a] != org[b]}


def _bound_without(instance: Instance, unreachable: set[tuple[int, int]], all_cross: int) -> int:
    """All cross-organisation pairs and each person's reach, less the unreachable pairs."""
    sizes = _organisation_sizes(instance)
    missing = [0] * instance.n
    for a, b in unreachable:
        missing[a] += 1
        missing[b] += 1
    seats_beside = instance.rounds * (max(instance.table_sizes) - 1)
    reach = sum(
        min(seats_beside, instance.n - sizes[o] - missing[p])
        for p, o in enumerate(instance.organisations)
    )
    return min(all_cross - len(unreachable), reach // 2)


def _organisation_sizes(instance: Instance) -> dict[int, int]:
    sizes: dict[int, int] = {}
    for o in instance.organisations:
        sizes[o] = sizes.get(o, 0) + 1
    return sizes


def _crowded_rounds(instance: Instance) -> int:
    """Wasted meetings forced when tables are larger than their number, as 12 people at 3 tables of 4.

    A table of s people drawn from the T tables of an earlier round holds at least the pairs of
    s spread as evenly as possible over T, already met: F such pairs for every two rounds, so
    C(R, 2) F in all. A pair meeting in m rounds counts in C(m, 2) of them and wastes at least
    m - 1 meetings, at most R / 2 of them per wasted meeting: (R - 1) F wasted meetings at least.
    """
    sizes = list(instance.table_sizes)
    if instance.rounds < 2 or not sizes:
        return 0
    per_two_rounds = sum(forced_same_organisation_pairs(s, sizes) for s in sizes)
    return (instance.rounds - 1) * per_two_rounds


def _missing_latin_squares(instance: Instance) -> int | None:
    """Repeats forced at 36 people in 6 tables of 6 over 4 or more rounds, else None.

    Four rounds without a repeat would be four partitions of 36 people into 6 tables of 6, any
    two tables of different rounds sharing at most one person: the first two rounds make a 6 x 6
    grid and the other two would be two orthogonal Latin squares of order 6, which do not exist
    (Tarry, 1900). So every choice of 4 rounds out of R holds a pair that meets twice in them.
    A pair meeting in m rounds wastes m - 1 meetings and lies in the choices that hold at least
    two of its m rounds; dividing C(R, 4) by the most choices one wasted meeting can cover gives
    the fewest wasted meetings. Only used when no same-organisation meeting is forced, so that
    the waste counted here is not already taken off the table capacity.
    """
    sizes = list(instance.table_sizes)
    order = isqrt(instance.n)
    rounds = instance.rounds
    if order != 6 or order * order != instance.n or sizes != [order] * order or rounds < 4:
        return None
    if any(count > order for count in _organisation_sizes(instance).values()):
        return None
    choices = comb(rounds, 4)
    best_cover = max(
        Fraction(choices - comb(rounds - m, 4) - m * comb(rounds - m, 3), m - 1)
        for m in range(2, rounds + 1)
    )
    return ceil(choices / best_cover)
