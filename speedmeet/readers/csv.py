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


def detect(head: bytes, encoding: str | None = None) -> bool:
    """Whether the file looks like text: UTF-16 with its mark, or text in the given encoding, or
    UTF-8 without many control characters (a stray NUL is a cell's problem, not binary)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if encoding is not None:
        try:
            # Cut to whole code units: the head may end inside a UTF-16 or UTF-32 character.
            return not _mostly_control(head.decode(encoding, errors="ignore"))
        except LookupError:
            return True  # the unknown encoding is named when the file is decoded
    # Not Latin-1: UTF-8 bytes of Cyrillic or Arabic text would read as C1 control codes.
    return not _mostly_control(head.decode("utf-8", errors="ignore"))


def utf16_without_mark(head: bytes) -> str | None:
    """The encoding of UTF-16 text saved without its byte-order mark (every other byte NUL)."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


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
    rows = _records(text, delimiter, source)
    _refuse_open_quotes(text, delimiter, rows, source)
    return rows


def decode(content: bytes, source: str, encoding: str | None) -> str:
    """The text of the file: the given encoding, else UTF-16 by its mark, UTF-8, Windows-1252."""
    if encoding is not None:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding '{encoding}'", Location(source)) from None
        if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zlib...
            raise InputError(
                f"'{encoding}' is not a text encoding; use one like utf-8, cp1252 or utf-16",
                Location(source),
            )
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
        if _mostly_control(text[:_SNIFF_CHARS]):
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


def _refuse_open_quotes(text: str, delimiter: str, rows: list[NumberedRow], source: str) -> None:
    """Stop at a quotation mark that opens a cell and swallows the rows below it.

    A quote typed at the start of a cell (`"Doc Brown,Org 0,...`) makes every line after it,
    up to the next quote or the end of the file, one cell: the rows vanish and one participant
    gets all their text. A cell holding line breaks is normal (an address, a list of interests),
    so the cell is refused only when the quote is never closed, or when its lines after the
    first are whole rows themselves (as many cells as most rows of the file have): two such
    lines, or one when rows have four cells or more (an address line of a narrow sheet may
    split into as many parts as its rows).
    """
    widths: dict[int, int] = {}
    for _, record in rows:
        widths[len(record)] = widths.get(len(record), 0) + 1
    width = max(widths.items(), key=lambda item: (item[1], item[0]))[0] if widths else 0
    for number, record in rows:
        for cell in record:
            if "\n" not in cell:
                continue
            lines = [line for line in cell.split("\n")[1:] if line.strip()]
            whole_rows = sum(
                1
                for line in lines
                if len(next(csv.reader([line], delimiter=delimiter), [])) >= width
            )
            if width >= 2 and whole_rows >= (1 if width >= 4 else 2):
                raise _open_quote(number, len(lines), source)
    if rows and _ends_inside_quotes(text, delimiter):
        number, record = rows[-1]
        inner = max(sum(1 for line in c.split("\n")[1:] if line.strip()) for c in record)
        raise _open_quote(number, inner, source)


def _ends_inside_quotes(text: str, delimiter: str) -> bool:
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _open_quote(number: int, lines: int, source: str) -> InputError:
    after = {0: "nothing after it", 1: "the line after it"}.get(
        lines, f"the {lines} lines after it"
    )
    return InputError(
        f"a quotation mark (\") opens a cell in this row and is not closed at the row's end, "
        f"so {after} would be read into that cell; remove the stray quotation mark or close "
        "the cell with another one",
        Location(source, None, number),
    )
