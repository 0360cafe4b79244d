"""The language and the fonts of the printouts, as `speedmeet plan` and `print` choose and report
them: `--lang` or the language of the sheet's headers, `--font` or the fonts of this computer."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from speedmeet.errors import SettingsError
from speedmeet.i18n import language
from speedmeet.model import Plan


def choose_language(requested: str | None, headers_language: str | None) -> tuple[str, str]:
    """The output language's code and why it was chosen, in the organiser's words."""
    if requested is not None:
        return language(requested).tag, "--lang"
    if headers_language is not None:
        chosen = language(headers_language)
        return chosen.code, f"the sheet's headers are in {chosen.name}"
    return language(None).code, "the sheet's headers do not tell; --lang fr or de to change"


def describe_language(code: str, reason: str) -> str:
    chosen = language(code)
    return f"Outputs in {chosen.name} ({reason}), times as {chosen.interval(14 * 60, 14 * 60 + 15)}"


def check_font(font: Path | None) -> str | None:
    """The --font file as stored in the plan's settings, after checking that it is there."""
    if font is None:
        return None
    if not font.is_file():
        raise SettingsError(f"--font {font}: no such font file")
    return str(font.resolve())


def warn_unprintable(console: Console, plan: Plan) -> None:
    """One warning naming the people whose names no font at hand can print, and the remedy."""
    from speedmeet.exports.fonts import how_to_get_a_font
    from speedmeet.exports.pdf import unprintable_characters

    found = unprintable_characters(plan)
    if not found:
        return
    people = plan.participant_by_id()
    names = ", ".join(f"{people[pid].name} ({pid})" for pid in found)
    characters = "".join(dict.fromkeys("".join(found.values())))
    console.print(
        f"[yellow]Warning:[/yellow] no font at hand has the characters {escape(characters)} "
        f"of {len(found)} {'person' if len(found) == 1 else 'people'}: {escape(names)}; they "
        f"print as boxes (\ufffd). To print them, {escape(how_to_get_a_font(characters))}, then run "
        "`speedmeet print` on the plan folder.",
        highlight=False,
    )
