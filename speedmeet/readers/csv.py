"""Text exports (.csv, .tsv, .txt): encoding and delimiter found, quoted multi-line cells kept.

Excel saves csv in the machine's code page (Windows-1252 in Western Europe) with ";" where the
decimal comma is used; form tools write UTF-8, sometimes with a byte-order mark; Excel's
"Unicode text" is UTF-16 with tabs. Rows are numbered as a spreadsheet shows them: one per record,
so a cell holding a line break does not shift the numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from pathlib import Path

from speedmeet.errors import InputError, Location
from speedmeet.readers.table import (
    NumberedRow,
    SheetTable,
    check_header,
    collect_table,
    find_header,
)

DELIMITERS = (",", ";", "\t")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50


def detect(head: bytes) -> bool:
    """Whether the file looks like text: UTF-16 with its mark, or no NUL bytes at all."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    # Not Latin-1: UTF-8 bytes of Cyrillic or Arabic text would read as C1 control codes.
    return b"\x00" not in head and not _mostly_control(head.decode("utf-8", errors="ignore"))


def parse(
    path: Path, source: str, *, encoding: str | None, overrides: dict[str, str]
) -> SheetTable:
    rows = read_rows(path, source, encoding=encoding)
    guess = find_header(rows, overrides)
    if guess is None:
        raise InputError("the file is empty", Location(source))
    check_header(guess, Location(source, None, guess.row))
    return collect_table(rows, guess, source, None)


def read_rows(path: Path, source: str, *, encoding: str | None) -> list[NumberedRow]:
    """Every record of a text file with its row number, delimiter and encoding found."""
    text = decode(path.read_bytes(), source, encoding)
    if not any(char.isalnum() for char in text):  # blank lines, or only delimiters
        raise InputError("the file is empty", Location(source))
    first_line, _, rest = text.partition("\n")
    if re.fullmatch(r"sep=(.)\r?", first_line):
        # Excel's hint line: it names the delimiter and is not shown as a row
        delimiter, text = first_line[4], rest
    else:
        delimiter = sniff_delimiter(text)
    return _records(text, delimiter, source)


def decode(content: bytes, source: str, encoding: str | None) -> str:
    """The text of the file: the given encoding, else UTF-16 by its mark, UTF-8, Windows-1252."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'", Location(source)) from None
        candidates = [encoding]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "cp1252"]
    failure: UnicodeDecodeError | None = None
    for candidate in candidates:
        try:
            text = content.decode(candidate)
        except UnicodeDecodeError as error:
            failure = error  # the last encoding tried is the most forgiving: its error tells most
            continue
        if "\x00" in text or _mostly_control(text[:_SNIFF_CHARS]):
            raise InputError(_NOT_A_SPREADSHEET, Location(source))
        return text.removeprefix("\ufeff")
    assert failure is not None
    if encoding is None and (
        b"\x00" in content[:_SNIFF_CHARS]
        or _mostly_control(content[:_SNIFF_CHARS].decode("utf-8", errors="ignore"))
    ):
        raise InputError(_NOT_A_SPREADSHEET, Location(source))
    row = content[: failure.start].count(b"\n") + 1
    tried = encoding or "UTF-8 or Windows-1252"
    raise InputError(
        f"byte 0x{content[failure.start]:02x} cannot be read as {tried}; save the file as "
        "UTF-8 or give its encoding with --encoding",
        Location(source, None, row),
    )


_NOT_A_SPREADSHEET = (
    "this is not a spreadsheet: it is neither an Excel workbook nor a text (csv) file"
)


def _mostly_control(text: str) -> bool:
    """Binary content read as text: more than 5% control characters other than line breaks."""
    if not text:
        return False
    control = sum(1 for char in text if char not in "\t\n\r" and unicodedata.category(char) == "Cc")
    return control > 0.05 * len(text)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the most rows of one width > 1."""
    sample = text[:_SNIFF_CHARS]
    best = (",", 0, 0)
    for delimiter in DELIMITERS:
        widths: list[int] = []
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
                if len(widths) >= _SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        counts: dict[int, int] = {}
        for width in widths:
            if width > 1:
                counts[width] = counts.get(width, 0) + 1
        if not counts:
            continue
        modal_width, agreeing = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (agreeing, modal_width) > (best[1], best[2]):
            best = (delimiter, agreeing, modal_width)
    return best[0]


def _records(text: str, delimiter: str, source: str) -> list[NumberedRow]:
    """Every record with its row number (a record may span lines when a cell is quoted)."""
    rows: list[NumberedRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            record = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            raise InputError(
                f"the row cannot be read as csv ({error}); is a quotation mark left open?",
                Location(source, None, number),
            ) from None
        rows.append((number, record))
