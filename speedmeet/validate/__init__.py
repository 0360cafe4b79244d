"""Check any finished plan, independently of how it was made: the same checks run on plans
fresh from the solver, on hand-edited plan.json files and in tests.

`validate` gives the labelled violations of the plan's structure and hard rules and its
quality figures (`plan.py`); `rule_report` says how well each of the event's own rules was met
(`rules.py`). Both hold the plan to `speedmeet.layout`'s tables, the ones the solver seats.
"""

from speedmeet.validate.plan import plan_bound, present_ids, validate
from speedmeet.validate.report import Report, RuleOutcome, Violation
from speedmeet.validate.rules import impossible_request, rule_report, rule_violations

__all__ = [
    "Report",
    "RuleOutcome",
    "Violation",
    "impossible_request",
    "plan_bound",
    "present_ids",
    "rule_report",
    "rule_violations",
    "validate",
]
