"""What the validator answers: labelled violations of a plan, and how each rule stands."""

from __future__ import annotations

from dataclasses import dataclass, field

from speedmeet.quality import Quality


@dataclass(frozen=True)
class Violation:
    """One broken rule, with the short label a report (and a test) names it by."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass
class Report:
    violations: list[Violation] = field(default_factory=list)
    quality: Quality | None = None

    @property
    def ok(self) -> bool:
        return not self.violations

    def add(self, rule: str, message: str) -> None:
        self.violations.append(Violation(rule, message))


@dataclass(frozen=True)
class RuleOutcome:
    """How one rule stands in a plan: met (or met as far as the event allows, said in
    `detail`) and one line for the organiser."""

    rule: str
    met: bool
    detail: str
    limited: bool = False
    """Met only as far as the event allows: the letter of the rule is not (tables without a
    common language because someone there speaks no language anyone else does)."""
