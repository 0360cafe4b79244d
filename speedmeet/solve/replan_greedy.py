"""A quick seating of the rounds to come, valid and usually free of conflicts, for the replan's
search to start from (`greedy_seating`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from speedmeet.solve.objective import round_pairs
from speedmeet.solve.problem import Pair
from speedmeet.solve.replan_problem import ReplanProblem, ReplanRound

APART_COST = 1_000
"""Greedy cost of seating a keep-apart pair together: far above any number of repeats."""


@dataclass(frozen=True)
class _Clash:
    """How badly a person fits a table, for the greedy seating."""

    organisations: Sequence[int]
    met: Mapping[Pair, int]
    moved: set[int]
    apart: frozenset[Pair] = frozenset()
    staying: frozenset[int] = frozenset()
    """Hosts: never asked to leave their table."""
    languages: Sequence[frozenset[str]] | None = None

    def lacks_language(self, person: int, members: Sequence[int]) -> bool:
        """Whether the table would have no language everyone there speaks."""
        if self.languages is None or not self.languages[person]:
            return False
        shared = set(self.languages[person])
        for other in members:
            if self.languages[other]:
                shared &= self.languages[other]
        return not shared

    def cost(self, person: int, members: Sequence[int]) -> int:
        """People at the table this person already met or works with (a keep-apart partner
        counts as many)."""
        total = 0
        for other in members:
            if other == person:
                continue
            pair = (min(person, other), max(person, other))
            if pair in self.apart:
                total += APART_COST
            elif self.organisations[person] == self.organisations[other] or self.met.get(pair, 0):
                total += 1
        return total

    def first_to_leave(self, members: Sequence[int]) -> int | None:
        """Who leaves a table first: someone who already moved, else the worst fit; never a
        host (None when only hosts sit there)."""
        movable = [p for p in members if p not in self.staying]
        if not movable:
            return None
        return min(movable, key=lambda p: (p not in self.moved, -self.cost(p, members), p))


def _send_away(clash: _Clash, members: list[int], pool: list[int]) -> bool:
    """Take the first to leave from a table into the pool; False when nobody may leave."""
    leaver = clash.first_to_leave(members)
    if leaver is None:
        return False
    members.remove(leaver)
    pool.append(leaver)
    return True


def greedy_seating(problem: ReplanProblem, focus: Sequence[Sequence[int]]) -> list[list[list[int]]]:
    """A quick seating to start the search from: round by round, close the emptiest tables
    without a host, take out whoever makes a table too big, and seat everyone left standing
    where they meet the fewest people already met or from their own organisation (never a
    keep-apart partner when avoidable). People who already moved in an earlier round are the
    first asked to move again (one wrong badge, not two)."""
    seating = [[list(members) for members in round_.old_tables] for round_ in problem.rounds]
    moved: set[int] = set()
    for i, (round_, tables) in enumerate(zip(problem.rounds, focus, strict=True)):
        seating[i].extend([] for _ in range(round_.width - len(round_.old_tables)))
        met: Counter[Pair] = Counter(problem.held_meetings)
        for j, other in enumerate(seating):
            if j != i:
                met.update(round_pairs(other))
        clash = _Clash(
            problem.organisations,
            met,
            moved,
            problem.apart,
            frozenset(round_.pinned),
            problem.languages,
        )
        pool, open_tables = _close_tables(round_, tables, seating[i])
        _make_room(round_, open_tables, seating[i], pool, clash)
        for p in pool:
            _seat(round_, open_tables, seating[i], p, clash)
    return seating


def _close_tables(
    round_: ReplanRound, tables: Sequence[int], seated: list[list[int]]
) -> tuple[list[int], list[int]]:
    """Hosts to their tables, the emptiest focus tables without a host closed: (the people
    left standing, the focus tables still open)."""
    pool = list(round_.newcomers)
    for p, t in round_.pinned.items():
        if p in pool:
            pool.remove(p)
            seated[t].append(p)
    old = len(round_.old_tables)
    inside = [t for t in tables if t < old]
    open_count = round_.table_count - (old - len(inside))
    hosted = {t for t in round_.pinned.values()}
    closing = sorted(tables, key=lambda t: (t in hosted, len(seated[t]), -round_.bounds(t)[1], t))[
        : len(tables) - open_count
    ]
    for t in closing:
        pool.extend(seated[t])
        seated[t] = []
    return pool, [t for t in tables if t not in closing]


def _make_room(
    round_: ReplanRound,
    open_tables: Sequence[int],
    seated: list[list[int]],
    pool: list[int],
    clash: _Clash,
) -> None:
    """Send people from tables above their most into the pool, then from tables above their
    fewest while the seats every table must fill exceed the people in focus, so that the
    short tables can be filled."""
    people = sum(len(seated[t]) for t in open_tables) + len(pool)
    for t in open_tables:
        while len(seated[t]) > round_.bounds(t)[1] and _send_away(clash, seated[t], pool):
            pass
    while sum(max(len(seated[t]), round_.bounds(t)[0]) for t in open_tables) > people:
        roomy = [t for t in open_tables if len(seated[t]) > round_.bounds(t)[0]]
        if not any(_send_away(clash, seated[t], pool) for t in roomy):
            break


def _seat(
    round_: ReplanRound,
    open_tables: Sequence[int],
    seated: list[list[int]],
    person: int,
    clash: _Clash,
) -> None:
    """Seat one person standing at a table short of its fewest (else with room) where they
    meet the fewest people already met, at home when that ties; a move is remembered."""
    short = [t for t in open_tables if len(seated[t]) < round_.bounds(t)[0]]
    if not short:
        short = [t for t in open_tables if len(seated[t]) < round_.bounds(t)[1]]
    if not short:
        short = list(open_tables)
    home = next((t for t, members in enumerate(round_.old_tables) if person in members), None)
    target = min(
        short,
        key=lambda t: (
            clash.cost(person, seated[t]),
            t != home,
            clash.lacks_language(person, seated[t]),
            t,
        ),
    )
    seated[target].append(person)
    if target != home and home is not None:
        clash.moved.add(person)
