"""The language of the outputs: gettext catalogues in the package, times in the locale's form.

Printed words go through `Language.gettext` (aliased `_` where they are written, so that Babel's
`pybabel extract` finds them); the catalogues are `speedmeet/locales/<code>/LC_MESSAGES/
speedmeet.po`, compiled to `.mo` beside them and shipped in the package. English is the source
language and needs no catalogue. Adding a language is adding one catalogue (README, "Languages").
"""

from __future__ import annotations

import gettext
from datetime import time
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_time

from speedmeet.errors import SettingsError

LOCALE_FOLDER = Path(__file__).resolve().parent / "locales"
DOMAIN = "speedmeet"
SOURCE_LANGUAGE = "en"


def languages() -> tuple[str, ...]:
    """Codes of the languages the outputs can be written in: English and every compiled catalogue."""
    found = sorted(
        path.parent.parent.name for path in LOCALE_FOLDER.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
    )
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


class Language:
    """One output language: its catalogue and its way of writing times."""

    def __init__(self, code: str, region: str | None = None) -> None:
        self.code = code
        """The catalogue's language ("fr")."""
        self.tag = f"{code}-{region}" if region else code
        """The language as chosen, with its region when one was given ("en-GB"): the region
        decides how times are written (British English writes 14:00, American 2:00 PM)."""
        if code == SOURCE_LANGUAGE:
            self._catalogue: gettext.NullTranslations = gettext.NullTranslations()
        else:
            with (LOCALE_FOLDER / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as stream:
                self._catalogue = gettext.GNUTranslations(stream)
        self._locale = Locale.parse(f"{code}_{region}" if region else code)
        # 12-hour locales write "2:00 PM", the others "14:00": the locale's own short form says.
        pattern = str(self._locale.time_formats["short"].pattern)
        self._skeleton = "Hm" if "H" in pattern else "hm"

    @property
    def name(self) -> str:
        """The language's name in English ("French"), for the console summary."""
        return str(self._locale.get_display_name(SOURCE_LANGUAGE))

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self._catalogue.ngettext(singular, plural, count)

    def translations(self) -> list[str]:
        """Every translated string of the catalogue, so that a document loads fonts for them too."""
        catalogue: dict[object, str] = getattr(self._catalogue, "_catalog", {})
        return [text for text in catalogue.values() if isinstance(text, str)]

    def time(self, minutes: int) -> str:
        """A time of day given in minutes after midnight: "14:00", "2:00 PM"."""
        return format_time(_clock(minutes), "short", locale=self._locale)

    def interval(self, start: int, end: int) -> str:
        """A round's time slot: "14:00 – 14:15", "2:00 – 2:15 PM", "14:00–14:15 Uhr"."""
        return format_interval(_clock(start), _clock(end), self._skeleton, locale=self._locale)


def _clock(minutes: int) -> time:
    hours, mins = divmod(minutes % (24 * 60), 60)
    return time(hours, mins)


@lru_cache(maxsize=16)
def language(code: str | None) -> Language:
    """The output language for a code such as "fr" or "en-GB" (any case, "-" or "_"); English
    when None. A region takes its language's catalogue and its own way of writing times."""
    wanted, _, region = (code or SOURCE_LANGUAGE).strip().replace("_", "-").partition("-")
    known = languages()
    if wanted.casefold() not in known:
        raise SettingsError(
            f"outputs cannot be written in {code!r}: choose one of {', '.join(known)}"
        )
    if region:
        try:
            Locale.parse(f"{wanted.casefold()}_{region.upper()}")
        except (ValueError, UnknownLocaleError):
            raise SettingsError(
                f"outputs cannot be written in {code!r}: no region {region!r} of "
                f"{wanted.casefold()} is known (e.g. en-GB, fr-CH, de-AT)"
            ) from None
    return Language(wanted.casefold(), region.upper() or None)
