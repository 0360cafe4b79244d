"""The domain: participants, event settings and the plan (rounds -> tables -> participant ids).

Plain pydantic models with no file access and nothing heavy imported, so that readers, the
solver, the validator and the exports all speak the same language. `plan.json` is written and
read back by `Plan` alone.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from speedmeet.defaults import DEFAULT_ROUNDS as DEFAULT_ROUNDS
from speedmeet.defaults import DEFAULT_TABLE_SIZE as DEFAULT_TABLE_SIZE
from speedmeet.defaults import DEFAULT_TIME_LIMIT as DEFAULT_TIME_LIMIT
from speedmeet.errors import SettingsError
from speedmeet.rules import EventRules

PLAN_FORMAT: Literal["speedmeet-plan"] = "speedmeet-plan"
PLAN_VERSION: Literal[1] = 1


def organisation_key(name: str) -> str:
    """Fold an organisation name so that spellings of one organisation compare equal.

    Case, accents, spacing and punctuation are ignored: "HOSPICE GÉNÉRAL ", "Hospice general"
    and "Hospice-Général" all give "hospice general".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    no_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"\w+", no_accents.casefold())
    return " ".join(words)


class Participant(BaseModel):
    """One registered person. `organisation` is the display name shared by everyone of it."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    organisation: str = Field(min_length=1)
    family_name: str | None = None
    """The family name when the sheet gives it in a column of its own (alphabetical lists)."""
    email: str | None = None
    interests: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    role: str | None = None
    offers: list[str] = Field(default_factory=list)
    needs: list[str] = Field(default_factory=list)
    host: bool = False
    first_round: int | None = Field(default=None, ge=1)
    last_round: int | None = Field(default=None, ge=1)
    consent: bool = False
    """Agreed that their e-mail address may be given to the people they meet (the sheet's
    consent column); without it the address reaches nobody but the organiser."""

    @property
    def organisation_key(self) -> str:
        return organisation_key(self.organisation)

    def present_in(self, round_number: int) -> bool:
        """Whether this person attends the given round (1-based), by their presence window."""
        if self.first_round is not None and round_number < self.first_round:
            return False
        return not (self.last_round is not None and round_number > self.last_round)


class EventSettings(BaseModel):
    """What the organiser chose: how many rounds, how big the tables, how long to search."""

    model_config = ConfigDict(extra="forbid")

    rounds: int = Field(default=DEFAULT_ROUNDS, ge=1)
    table_size: int = Field(default=DEFAULT_TABLE_SIZE, ge=2)
    tables: int | None = Field(default=None, ge=1)
    time_limit: float = Field(default=DEFAULT_TIME_LIMIT, gt=0)
    seed: int = 0
    title: str | None = None
    topics: list[str] = Field(default_factory=list)
    start: str | None = None
    round_minutes: int | None = Field(default=None, ge=1)
    break_minutes: int = Field(default=0, ge=0)
    paper: Literal["A4", "Letter"] = "A4"
    badge_layout: str = "a6-4up"
    qr: bool = False
    language: str = "en"
    """Language of the printed outputs (a catalogue in speedmeet/locales, or English)."""
    font: str | None = None
    """A font file (--font) for characters the shipped fonts lack, e.g. Chinese or Korean."""


def table_sizes(participant_count: int, table_size: int, tables: int | None = None) -> list[int]:
    """Sizes of the tables of one round: as few tables as fit, sizes differing by at most one.

    With `tables` given, exactly that many tables (never more than there are people).
    Larger tables come first.
    """
    if participant_count <= 0:
        return []
    count = tables if tables is not None else math.ceil(participant_count / table_size)
    count = max(1, min(count, participant_count))
    base, extra = divmod(participant_count, count)
    return [base + 1] * extra + [base] * (count - extra)


class Table(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table: str
    participants: list[str]


class Round(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round: int = Field(ge=1)
    topic: str | None = None
    tables: list[Table]


class SolveSummary(BaseModel):
    """How the plan was found and how it stands against the best possible (informative)."""

    model_config = ConfigDict(extra="allow")

    status: str
    method: str = ""
    bound: int
    proven_optimal: bool
    limits: list[str] = Field(default_factory=list)
    ended_by: Literal["safety stop"] | None = None
    """"safety stop" when the wall clock, not the search's own work budget, ended the search
    (an overloaded machine): only then may the same input, settings and seed give another
    plan. Absent otherwise."""
    rule_costs: list[str] = Field(default_factory=list)
    """What each rule cost in new pairs against the same event planned without it, in the
    organiser's words; empty when no rule cost any (or the plan is perfect)."""


class Plan(BaseModel):
    """The contract every export and `replan` reads (see PRODUCT.md, "The plan file")."""

    model_config = ConfigDict(extra="allow")

    format: Literal["speedmeet-plan"] = PLAN_FORMAT
    version: Literal[1] = PLAN_VERSION
    settings: EventSettings
    participants: list[Participant]
    rounds: list[Round]
    solve: SolveSummary | None = None
    rules: EventRules | None = None

    @field_validator("participants")
    @classmethod
    def _unique_ids(cls, participants: list[Participant]) -> list[Participant]:
        seen: set[str] = set()
        for participant in participants:
            if participant.id in seen:
                raise ValueError(f"participant id {participant.id!r} appears twice")
            seen.add(participant.id)
        return participants

    @model_validator(mode="after")
    def _rounds_in_order(self) -> Plan:
        for index, round_ in enumerate(self.rounds, start=1):
            if round_.round != index:
                raise ValueError(
                    f"rounds must be numbered 1, 2, 3...; found {round_.round} at {index}"
                )
        return self

    def participant_by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def seating(self) -> dict[str, list[str | None]]:
        """For each participant id, the table name they sit at in each round (None if absent)."""
        result: dict[str, list[str | None]] = {
            p.id: [None] * len(self.rounds) for p in self.participants
        }
        for r, round_ in enumerate(self.rounds):
            for table in round_.tables:
                for pid in table.participants:
                    if pid in result:
                        result[pid][r] = table.table
        return result


def most_frequent_spelling(spellings: Iterable[str]) -> str:
    """The display name for an organisation: its most frequent spelling; between spellings
    as frequent, one in ordinary capitals ("Caritas Genève", not "CARITAS GENÈVE" or
    "caritas genève") with single spaces, then the first seen."""
    stripped = [s.strip() for s in spellings]
    counts = Counter(stripped)
    best = max(counts.values())
    tied = [s for s in dict.fromkeys(stripped) if counts[s] == best]
    return min(tied, key=lambda s: (_unusual_capitals(s), "  " in s))


def _unusual_capitals(name: str) -> bool:
    """All capitals in a name with a long word (an acronym such as "HUG" is ordinary), or
    no capital at all."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return False
    shouting = name.isupper() and any(len(word) > 4 for word in re.findall(r"\w+", name))
    return shouting or name.islower()


def organisation_sizes(participants: Sequence[Participant]) -> dict[str, int]:
    """How many participants each organisation has, by display name."""
    return dict(Counter(p.organisation for p in participants))


_CLOCK = re.compile(r"^\s*(\d{1,2})\s*(?:[:hH.]\s*(\d{2})?)?\s*$")


def _start_minutes(start: str) -> int:
    match = _CLOCK.match(start)
    if match is None or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise SettingsError(f"start time {start!r} is not a time of day like 14:00")
    return int(match.group(1)) * 60 + int(match.group(2) or 0)


def check_start(start: str) -> None:
    """Refuse a start time that is not a time of day, whether or not the rounds have a length."""
    _start_minutes(start)


def _clock(minutes: int) -> str:
    hours, mins = divmod(minutes % (24 * 60), 60)
    return f"{hours:02d}:{mins:02d}"


def round_times(settings: EventSettings, round_count: int) -> list[tuple[int, int]] | None:
    """Start and end of each round in minutes after midnight, or None when no time is set."""
    if not settings.start or not settings.round_minutes:
        return None
    begin = _start_minutes(settings.start)
    step = settings.round_minutes + settings.break_minutes
    return [
        (begin + index * step, begin + index * step + settings.round_minutes)
        for index in range(round_count)
    ]


def round_slots(settings: EventSettings, round_count: int) -> list[str | None]:
    """`14:00–14:15` for each round when a start time and round length are set, else None each."""
    times = round_times(settings, round_count)
    if times is None:
        return [None] * round_count
    return [f"{_clock(first)}–{_clock(last)}" for first, last in times]
