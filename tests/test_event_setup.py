"""The rules an event is planned with, decided in the library (not in the command line): what
`speedmeet plan` shows is what `event_setup` returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from speedmeet.errors import SettingsError
from speedmeet.event_setup import event_setup, read_registrations_to_mix, times_warning
from speedmeet.readers import read_event_sheets
from tests.conftest import write_registrations

EXAMPLE = Path(__file__).parents[1] / "examples" / "event-with-rules.xlsx"


def test_the_example_s_rules_with_hosts_ignored_and_a_weight() -> None:
    registrations = read_registrations_to_mix(
        EXAMPLE, mix="Sector", sheet=None, encoding=None, columns={}, hidden_rows="include"
    )
    sheets = read_event_sheets(EXAMPLE, registrations.participants)
    setup = event_setup(
        registrations, sheets, mix="Sector", interests=None, history=[], online=False,
        topics=len(sheets.topics), rounds=4, weight=1.0, ignored=["hosts"],
    )  # fmt: skip

    assert any(p.host for p in registrations.participants)  # the sheet's hosts, as read
    assert not any(p.host for p in setup.participants)  # planned without the hosts rule
    assert (setup.rules.mix, setup.rules.mix_label) == ("role", "sector")
    assert "stakeholder mix by Sector (4 groups)" in setup.described
    assert not any("host" in part for part in setup.described)
    assert [s.name for s in setup.switches if s.by_flag] == ["mix"]
    assert setup.switch_lines[-1] == "on because of a flag: mix (--mix sector)"
    assert setup.ignored == ["hosts"]
    assert setup.warnings == []


def test_a_column_the_reader_left_out_is_read_as_the_category(tmp_path: Path) -> None:
    source = tmp_path / "event.csv"
    source.write_text(
        "Name,Organisation,Country\n"
        + "".join(f"Person {i},Org {i % 4},{['CH', 'FR'][i % 2]}\n" for i in range(8))
    )
    registrations = read_registrations_to_mix(
        source, mix="country", sheet=None, encoding=None, columns={}, hidden_rows="include"
    )
    sheets = read_event_sheets(source, registrations.participants)
    setup = event_setup(
        registrations, sheets, mix="country", interests="match", history=[], online=False,
        topics=0, rounds=2,
    )  # fmt: skip

    assert dict(registrations.mapping)["role"] == "Country"
    assert "stakeholder mix by Country (2 groups)" in setup.described
    assert setup.warnings == ["--interests match: nobody has interests in the sheet"]


def test_mix_names_a_column_that_is_no_category(tmp_path: Path) -> None:
    source = write_registrations(tmp_path / "event.csv", [("Ann", "A"), ("Bob", "B")])
    registrations = read_registrations_to_mix(
        source, mix="name", sheet=None, encoding=None, columns={}, hidden_rows="include"
    )
    sheets = read_event_sheets(source, registrations.participants)
    with pytest.raises(SettingsError, match="--mix name: speedmeet mixes the tables by"):
        event_setup(
            registrations, sheets, mix="name", interests=None, history=[], online=False,
            topics=0, rounds=2,
        )  # fmt: skip


def test_times_are_shown_only_with_both_start_and_length() -> None:
    assert times_warning(None, None) is None
    assert times_warning("14:00", 10) is None
    assert times_warning("14:00", None) == (
        "the round sheets show times only with both --start and --round-minutes; "
        "--start alone is not shown"
    )
    assert str(times_warning(None, 10)).endswith("; --round-minutes alone is not shown")
