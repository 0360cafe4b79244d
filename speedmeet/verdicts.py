"""The plan in words: a verdict that matches its figures, the reasons it is what it is, and the
first line of `speedmeet check`. Shared by `plan` and `check` so that both say the same."""

from __future__ import annotations

from speedmeet.quality import Quality
from speedmeet.validate import RuleOutcome


def verdict(quality: Quality, *, proven_optimal: bool = False) -> str:
    """The plan in words that match its figures: perfect, within 1% of the best possible,
    or how far below it; "proven" only when an exhaustive search showed nothing better."""
    if quality.perfect:
        return "perfect: the best possible plan"
    below = 1.0 - quality.share
    if proven_optimal:
        return (
            f"the best plan this event allows (proven by an exhaustive search), {below:.1%} "
            "below the simple bound"
        )
    if 100 * (quality.bound.value - quality.new_pairs) <= quality.bound.value:  # exact, no float
        return f"within 1% of the best possible ({below:.1%} below it)"
    return f"{below:.1%} below the best possible"


GENERIC_LIMITS = (
    "each person can meet only so many people in the rounds available",
    "the tables hold only so many pairs per round",
)
"""What sets the best possible in an ordinary event: no reason why a plan falls short of it."""


def quality_notes(
    quality: Quality, *, proven_optimal: bool, limits: list[str], rule_costs: list[str]
) -> list[str]:
    """Why the plan is what it is, in the order that explains its verdict: what each rule cost,
    then the event's own limits (colleagues who must meet, repeats no plan avoids), and for a
    plan short of the best possible with nothing else to blame, that the search stopped there."""
    # the bound's own words name the organisation; the solver's say the same without the name
    named = {reason.split(":")[0] for reason in quality.bound.reasons}
    limits = [*quality.bound.reasons, *(note for note in limits if note.split(":")[0] not in named)]
    bound = quality.bound
    if quality.repeats and bound.value >= bound.all_cross_pairs and quality.perfect:
        rounds = len(quality.per_round_tables)
        limits.append(
            f"{quality.repeats} repeat meetings are unavoidable: everyone meets everyone from "
            f"another organisation, and {rounds} rounds seat more meetings than that "
            "(fewer --rounds would do)"
        )
    if quality.perfect:
        # A perfect plan needs no excuse; only unavoidable meetings are worth a word.
        return [note for note in limits if "unavoidable" in note or "cannot" in note]
    notes = [*rule_costs, *(note for note in limits if note not in GENERIC_LIMITS)]
    if not rule_costs and not proven_optimal:
        short = quality.bound.value - quality.new_pairs
        notes.append(
            f"the search stopped {short} new {'pair' if short == 1 else 'pairs'} short of the "
            "best possible: a longer --time-limit or another --seed may find a better plan"
        )
    return notes


def check_summary(outcomes: list[RuleOutcome]) -> str:
    """The first line of `check` for a plan that breaks no hard rule: "follows every rule"
    only when every rule of the event is met to the letter, else which ones are not."""
    unmet = [outcome.rule for outcome in outcomes if not outcome.met]
    limited = [outcome.rule for outcome in outcomes if outcome.met and outcome.limited]
    if unmet:
        return (
            f"the plan breaks no hard rule, but {_count(len(unmet), 'rule')} "
            f"{'is' if len(unmet) == 1 else 'are'} not met: {', '.join(unmet)} (see below)."
        )
    if limited:
        return (
            f"the plan breaks no hard rule; {', '.join(limited)} is met only as far as this "
            "event allows (see below)."
        )
    return "the plan follows every rule."


def _count(number: int, singular: str) -> str:
    return f"{number} {singular if number == 1 else singular + 's'}"
