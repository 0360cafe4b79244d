"""The event's own rules, beyond "meet new people from other organisations".

Read from the participant sheet and extra sheets (Tables, Requests, Rounds) or given on the
command line; stored in plan.json so that `check`, `print` and `replan` honour them too.
Plain data: the solver enforces them, the validator measures how well they were met.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

InterestMode = Literal["off", "match", "mix"]
RequestKind = Literal["must_meet", "keep_apart"]


class TableSpec(BaseModel):
    """A named table from the Tables sheet ("Salle A", 6 seats, accessible)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    capacity: int | None = Field(default=None, ge=2)
    accessible: bool = False
    languages: list[str] = Field(default_factory=list)
    """The table's language(s) as tags (its facilitator's): people seated there share one of
    them. Empty: any language the table's people share."""


class Request(BaseModel):
    """A pair the organiser wants together at least once, or never at one table."""

    model_config = ConfigDict(extra="forbid")

    kind: RequestKind
    first: str
    second: str
    note: str | None = None


class EventRules(BaseModel):
    """Everything the solver should respect besides new cross-organisation pairs.

    Defaults switch nothing on that the participant list does not ask for: a common language
    is sought only when people have languages, hosts only when someone is marked as host.
    """

    model_config = ConfigDict(extra="forbid")

    common_language: bool = True
    mix: str | None = None
    """Participant field to spread evenly over the tables of a round (e.g. "role")."""
    mix_label: str | None = None
    """That field's column as the sheet names it ("Sector", "Gender"), for the reports."""
    interests: InterestMode = "off"
    offers_needs: bool = True
    preference_weight: float | None = Field(default=None, gt=0, le=10)
    """What a preferred meeting is worth in new pairs: two people sharing an interest
    (`interests` match) meeting for the first time count as 1 + weight new pairs, one offering
    what the other needs as 1 + twice the weight; with `interests` mix, a meeting of two
    sharing one costs the weight. The other rules keep their rank above both. None:
    preferences come strictly after new pairs (the default)."""
    tables: list[TableSpec] = Field(default_factory=list)
    requests: list[Request] = Field(default_factory=list)
    history: list[tuple[str, str]] = Field(default_factory=list)
    """Pairs of participant ids who met at earlier events: they count as already met."""
    online: bool = False

    def is_plain(self) -> bool:
        """True when no rule beyond the defaults is asked for."""
        return self == EventRules()
