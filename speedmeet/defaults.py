"""Defaults and names the command line needs before any command runs: plain constants, so that
`speedmeet --help` loads no heavy module (pydantic, openpyxl, numpy) to show them."""

from __future__ import annotations

DEFAULT_ROUNDS = 4
DEFAULT_TABLE_SIZE = 5
DEFAULT_TIME_LIMIT = 10.0

PRINTABLES = ("sheets", "cards", "itineraries", "badges", "entrance")
"""The documents of the print kit, in the order they are made (`speedmeet print --what`)."""

IGNORABLE = ("language", "hosts", "tables", "requests", "offers-needs", "mix", "interests")
"""Names `--ignore-rule` takes, in the order the summary lists the rules."""
