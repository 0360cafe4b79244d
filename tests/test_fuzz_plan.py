"""`speedmeet plan` on random events: a plan the validator accepts, or one clear error; never a
traceback. Sizes lean small so that the run stays well under a minute; `benchmarks/fuzz_inputs.py`
runs the same property (and the readers on hostile bytes) for as long as one likes.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import event as outcome
from hypothesis import strategies as st
from typer.testing import CliRunner

from speedmeet import cli
from speedmeet.planfile import read_plan
from speedmeet.validate import validate


@dataclass(frozen=True)
class RandomEvent:
    names: list[str]
    organisations: list[str]
    """One entry per participant; "" for someone who registered no organisation."""
    rounds: int
    table_size: int
    tables: int | None

    def options(self) -> list[str]:
        chosen = ["--rounds", str(self.rounds), "--table-size", str(self.table_size)]
        if self.tables is not None:
            chosen += ["--tables", str(self.tables)]
        return chosen


NAME_TEXT = st.one_of(
    st.just("Person"),
    st.sampled_from(["=1+1", "@SUM(A1)", "[/]", "[/yellow]", "<b>", "Ørsted-Kühn", "Nguyễn"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=20),
)


@st.composite
def random_events(draw: st.DrawFn) -> RandomEvent:
    """1-300 people, mostly few; organisations from all-singletons to one big employer."""
    people = draw(st.one_of(st.integers(2, 24), st.integers(2, 80), st.integers(1, 300)))
    kinds = draw(st.integers(1, people))
    skew = draw(st.floats(0.0, 3.0))  # 0: even sizes; 3: one organisation dominates
    shuffle = random.Random(draw(st.integers(0, 2**32 - 1)))
    weights = [1.0 / (rank + 1) ** skew for rank in range(kinds)]
    organisations = []
    for index in shuffle.choices(range(kinds), weights=weights, k=people):
        spelling = f"Organisation {index}"
        variant = shuffle.random()
        if variant < 0.05:
            spelling = ""
        elif variant < 0.15:
            spelling = f"  ORGANISATION {index} "  # folded together with the usual spelling
        organisations.append(spelling)
    # Names as forms deliver them: any script, formula- or markup-like text, stray spaces; the
    # number keeps two people from being taken for one registration.
    stems = draw(st.lists(NAME_TEXT, min_size=1, max_size=8))
    names = [f"{stems[i % len(stems)]} {i}" for i in range(people)]
    return RandomEvent(
        names=names,
        organisations=organisations,
        rounds=draw(st.integers(1, 8)),
        table_size=draw(st.integers(2, 9)),
        tables=draw(st.one_of(st.none(), st.none(), st.integers(2, 40))),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(event=random_events())
def test_plan_is_valid_or_one_clear_error(
    tmp_path_factory: pytest.TempPathFactory, event: RandomEvent
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "event.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Name", "Organisation"])
        writer.writerows(zip(event.names, event.organisations, strict=True))
    out = folder / "out"
    arguments = [*event.options(), "--time-limit", "1", "--no-print", "--out", str(out)]
    note(f"{len(event.organisations)} people, {' '.join(arguments[:-2])}")

    result = CliRunner().invoke(cli.app, ["plan", str(source), *arguments])

    assert isinstance(result.exception, SystemExit | None), result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        outcome("planned")
        plan = read_plan(out)
        report = validate(plan)
        assert report.ok, report.violations
        assert len(plan.participants) == len(event.organisations)
        assert len(plan.rounds) == event.rounds
    else:
        assert result.exit_code == 1, result.output
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        outcome("refused: " + re.sub(r"\d+", "N", lines[0].removeprefix("Error: "))[:60])
        assert not (out / "plan.json").exists()
