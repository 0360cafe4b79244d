"""Message templates: plain text an organiser can edit, with named placeholders in braces.

A template is a `Subject:` line, a blank line and the body. `{name}` is replaced by the
participant's name and so on (see PLACEHOLDERS); `{{` and `}}` write a brace. A line whose
placeholders are all empty is left out, so "Place: {place}" disappears when no place is given.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

from speedmeet.errors import Location, SettingsError

COMMON = ("name", "organisation", "event", "date", "place", "organiser")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "itinerary": (*COMMON, "itinerary", "calendar_note"),
    "changes": (*COMMON, "changes", "itinerary", "calendar_note"),
    "after": (*COMMON, "meetings"),
}
"""The placeholders each kind of message knows (documented in the README)."""

_SUBJECT = re.compile(r"^\s*(subject|objet|betreff)\s*:\s?(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Template:
    subject: str
    body: str


def _fields(text: str, where: Location, allowed: tuple[str, ...]) -> list[str]:
    """The placeholders in one line, each checked against the allowed names."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise SettingsError(
            f"{error} (write {{{{ and }}}} for a brace that is not a placeholder)", where
        ) from None
    names: list[str] = []
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in allowed or spec or conversion:
            known = ", ".join(f"{{{name}}}" for name in allowed)
            raise SettingsError(
                f"unknown placeholder {{{field}}}; the placeholders are {known}", where
            )
        names.append(field)
    return names


def parse_template(text: str, kind: str, source: str) -> Template:
    """Read a template, naming the file and line of anything wrong in it."""
    allowed = PLACEHOLDERS[kind]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff").split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    match = _SUBJECT.match(lines[first]) if first is not None else None
    if first is None or match is None:
        raise SettingsError(
            "a message template starts with a 'Subject: ...' line, then a blank line and the "
            "message",
            Location(source, row=(first or 0) + 1),
        )
    for number, line in enumerate(lines[first:], start=first + 1):
        _fields(line, Location(file=source, row=number), allowed)
    body = "\n".join(lines[first + 1 :]).strip("\n")
    return Template(subject=match.group(2).strip(), body=body)


def read_template(path: Path, kind: str) -> Template:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SettingsError(f"{path}: no such template file") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: the template is not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the template ({error.strerror})") from None
    return parse_template(text, kind, str(path))


def _fill(line: str, values: dict[str, str]) -> str:
    return line.format_map(values)


def render(template: Template, values: dict[str, str]) -> tuple[str, str]:
    """The subject (one line) and body of one message."""
    subject = " ".join(_fill(template.subject, values).split())
    kept: list[str] = []
    for line in template.body.split("\n"):
        names = [field for _, field, _, _ in string.Formatter().parse(line) if field is not None]
        if names and all(not values.get(name, "").strip() for name in names):
            continue
        kept.append(_fill(line, values))
    body = "\n".join(kept)
    body = re.sub(r"\n{3,}", "\n\n", body).strip("\n") + "\n"
    return subject, body
