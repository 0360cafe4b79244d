"""Readers under fuzzing and load: any bytes give participants or one clear InputError, never
a traceback; a 5,000-person sheet is read in full (its speed is measured in benchmarks/).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speedmeet.errors import InputError
from speedmeet.readers import Registrations, read_registrations

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "participants.xlsx"
EXAMPLE_BYTES = EXAMPLE.read_bytes()
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def read_or_refuse(path: Path) -> None:
    """The only two outcomes a user may see."""
    try:
        registrations = read_registrations(path)
    except InputError as error:
        assert str(error).startswith(str(path))
        assert "\n" not in str(error)
        return
    assert isinstance(registrations, Registrations)
    assert registrations.participants
    ids = [p.id for p in registrations.participants]
    assert len(set(ids)) == len(ids)


@FUZZ
@given(content=st.binary(max_size=3000), suffix=st.sampled_from([".xlsx", ".csv", ".txt"]))
def test_random_bytes(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    read_or_refuse(path)


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.integers(0, len(EXAMPLE_BYTES) - 1), st.integers(0, 255)), max_size=12
    ),
    cut=st.one_of(st.none(), st.integers(0, len(EXAMPLE_BYTES))),
)
def test_mutated_workbook(tmp_path: Path, changes: list[tuple[int, int]], cut: int | None) -> None:
    content = bytearray(EXAMPLE_BYTES)
    for position, value in changes:
        content[position] = value
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(bytes(content[:cut]))
    read_or_refuse(path)


cells = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)


@settings(FUZZ, max_examples=100)
@given(
    rows=st.lists(st.lists(cells, min_size=1, max_size=5), max_size=8),
    header=st.sampled_from([["Name", "Organisation"], ["Nom", "Prénom", "Organisme"], []]),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_random_csv_tables(
    tmp_path: Path, rows: list[list[str]], header: list[str], delimiter: str, encoding: str
) -> None:
    lines = [delimiter.join(row) for row in ([header] if header else []) + rows]
    path = tmp_path / "fuzz.csv"
    path.write_bytes("\n".join(lines).encode(encoding, errors="surrogatepass"))
    read_or_refuse(path)


def write_event(path: Path, people: int) -> Path:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    sheet.append(["Liste des inscriptions"])
    sheet.append(["ID", "Name", "Organisation", "Email", "Interests", "Languages", "Sector"])
    for i in range(people):
        sheet.append(
            [
                i + 1,
                f"Person {i}",
                f"Organisation {i % 1500}",
                f"p{i}@example.org",
                "housing; employment; health;",
                "fr, en",
                "NGO",
            ]
        )
    workbook.save(path)
    return path


def test_five_thousand_people_are_all_read(tmp_path: Path) -> None:
    # How long it takes is measured in benchmarks/fuzz_inputs.py --limits, not here: a test
    # must not depend on the machine's speed.
    path = write_event(tmp_path / "big.xlsx", 5_000)
    registrations = read_registrations(path)
    assert len(registrations.participants) == 5_000
    assert len({p.organisation for p in registrations.participants}) == 1_500
