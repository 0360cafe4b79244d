"""Languages as people write them, turned into one canonical tag each (`fr`, `ar`, `ti`).

A registration cell reads `fr en`, `Français / Arabe`, `Deutsch + Englisch`, `FR - native + eng`
or `français (langue maternelle), anglais (B2)`: codes and names in any case and in English,
French, German or the language's own script, level notes and connecting words between them.
Names and codes are looked up in `langcodes` (with `language-data`, the CLDR names in every
language), not in a table of our own; only the words that are *not* languages (levels,
"and"/"et"/"und"/"y") are listed here. The common-language rule compares tags, so `French`,
`francais` and `fr-CH` are one language. A word that is no language is kept as written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import langcodes

_ITEM_SEPARATORS = re.compile(r"[,;/+&|\n\r\t•·]+")
"""Between two languages: commas, semicolons, slashes, plus, ampersand, bars, line breaks."""

_NOTES = re.compile(r"\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?")
"""A note in brackets, "(B2)", "(langue maternelle)", even one left unclosed."""

_LEVEL_AFTER_DASH = re.compile(r"\s+[-–—:]+\s*|\s*[-–—:]+\s+|\s*[–—:]\s*")
"""A dash or colon with a space beside it starts a level note ("FR - native", "English: C1");
a hyphen inside a tag ("fr-CH") has none."""

_CONNECTORS = frozenset({"and", "et", "und", "y", "u", "e", "or", "ou", "oder", "o", "plus"})
"""Words that join two languages in English, French, German, Spanish, Italian."""

_LEVEL_WORDS = frozenset(
    """
    native natives nativ natif native-speaker speaker mother tongue first second language
    languages langue langues maternelle maternel materna muttersprache muttersprachlich
    muttersprachler erstsprache zweitsprache sprache sprachen courant courante couramment
    fluent fluently fluency fliessend fließend flüssig verhandlungssicher gut good very tres très
    bien bon bonne sehr basic basics base bases notion notions some little bit peu un une a
    d des du le les l grundkenntnisse kenntnisse grundlagen elementary beginner
    débutant debutant débutante anfänger anfaenger intermediate intermédiaire intermediaire
    moyen moyenne mittel mittelstufe advanced avancé avance avancée fortgeschritten level
    levels niveau niveaux stufe business professional professionnel professionnelle beruflich
    working scolaire school schulkenntnisse only seulement nur also aussi auch bilingual
    bilingue zweisprachig written spoken read écrit ecrit parlé parle lu lesen schreiben
    sprechen oral orale mündlich schriftlich parfait parfaitement perfect perfekt excellent
    excellente learning dialect dialecte dialectal dialekt variety apprentissage lerne cours understand comprends verstehe
    """.split()  # noqa: SIM905
)
"""Words of a level note ("langue maternelle", "fluent", "Grundkenntnisse"), dropped silently."""

_CEFR = re.compile(r"^(?:[abc][12][+-]?|[abc]|[abc][12]/[abc][12])$", re.IGNORECASE)
"""A CEFR level such as B2, C1+, A1/A2."""

_ELISION = re.compile(r"^(?:[dl]|qu)['’]", re.IGNORECASE)
"""French elision before a name: "d'anglais", "l'arabe"."""

_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$", re.IGNORECASE)


@dataclass(frozen=True)
class ReadLanguages:
    """What one cell says: canonical tags in the order written, and words that are no language."""

    tags: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def spoken(self) -> list[str]:
        """Every language of the cell as the rule compares them: tags, then unknown words as
        written (two people who wrote the same unknown word still share it)."""
        return [*self.tags, *self.unknown]


def read_languages(cell: str) -> ReadLanguages:
    """The languages of one cell as people write them (module docstring), each once."""
    tags, unknown = _read_cell(cell)
    return ReadLanguages(list(tags), list(unknown))


@lru_cache(maxsize=4096)
def _read_cell(cell: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`read_languages`, remembered: a sheet repeats the same few cells ("fr, en") often."""
    tags: list[str] = []
    unknown: list[str] = []
    for item in _ITEM_SEPARATORS.split(_NOTES.sub(" ", cell)):
        for piece in _LEVEL_AFTER_DASH.split(item):
            found, left = _read_piece(piece)
            tags.extend(tag for tag in found if tag not in tags)
            unknown.extend(word for word in left if _fold(word) not in {_fold(u) for u in unknown})
    return tuple(tags), tuple(unknown)


def normalise_languages(values: Iterable[str]) -> list[str]:
    """Languages as stored by any version of speedmeet (tags or text as written), as tags:
    a plan written before languages were read this way compares with today's walk-ins."""
    spoken: list[str] = []
    for value in values:
        for language in read_languages(value).spoken:
            if language not in spoken:
                spoken.append(language)
    return spoken


def is_tag(language: str) -> bool:
    """Whether a participant's language is a canonical tag (not a word kept as written)."""
    return (
        _CODE.match(language) is not None
        and language == language.lower()
        and (langcodes.tag_is_valid(language))
    )


def language_name(language: str) -> str:
    """The language's English name ("French", "Tigrinya"); a word kept as written stays so."""
    if not is_tag(language):
        return language
    return _display_name(language)


def spoken_counts(languages_of_people: Iterable[Iterable[str]]) -> list[tuple[str, int]]:
    """How many people speak each language, most spoken first (then by name)."""
    counts: Counter[str] = Counter()
    for spoken in languages_of_people:
        counts.update(set(spoken))
    return sorted(counts.items(), key=lambda item: (-item[1], language_name(item[0])))


def describe_spoken(languages_of_people: Iterable[Iterable[str]], limit: int = 8) -> str:
    """ "French 60, Arabic 9, Tigrinya 3 and 4 more": the organiser's names, not codes."""
    counts = spoken_counts(languages_of_people)
    shown = ", ".join(f"{language_name(tag)} {count}" for tag, count in counts[:limit])
    rest = len(counts) - limit
    return shown + (f" and {rest} more" if rest > 0 else "")


@lru_cache(maxsize=512)
def _display_name(tag: str) -> str:
    name = str(langcodes.Language.get(tag).display_name("en"))
    return name[:1].upper() + name[1:]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _read_piece(piece: str) -> tuple[list[str], list[str]]:
    """Languages in a piece with no separator left: names of one or more words, codes, level
    words and connectors, e.g. "Français et Anglais courant" or "fr en"."""
    words = [_clean_word(word) for word in piece.split()]
    words = [word for word in words if word]
    if not words:
        return [], []
    tags: list[str] = []
    unknown: list[str] = []
    pending: list[str] = []  # unknown words in a row, kept together as written

    def flush() -> None:
        if pending:
            unknown.append(" ".join(pending))
            pending.clear()

    start = 0
    while start < len(words):
        if _fold(words[start]) in _CONNECTORS and len(words) > 1:  # "et" alone is Estonian
            flush()
            start += 1
            continue
        for end in range(len(words), start, -1):
            tag = _lookup_words(tuple(words[start:end]))
            if tag is not None:
                flush()
                if tag not in tags:
                    tags.append(tag)
                start = end
                break
        else:
            word = words[start]
            folded = _fold(word)
            if folded in _LEVEL_WORDS or _CEFR.match(word):
                flush()
            elif any(c.isalpha() for c in word):
                pending.append(word)
            start += 1
    flush()
    return tags, unknown


def _clean_word(word: str) -> str:
    word = _ELISION.sub("", word.strip())
    return word.strip(".,:;!?'\"’“”«»()[]*-–—_")


def _lookup_words(words: tuple[str, ...]) -> str | None:
    """The tag of a name of several words only when every word belongs to it: `langcodes`
    also finds a name at the start of longer text ("French and English" -> French), which
    would drop the rest."""
    tag = _lookup(" ".join(words))
    if tag is None or len(words) == 1:
        return tag
    return None if _lookup(" ".join(words[:-1])) == tag else tag


@lru_cache(maxsize=4096)
def _lookup(text: str) -> str | None:
    """The canonical tag of a code or a name, None when it is neither.

    Codes: any valid two-letter code, three-letter codes of languages that also have one
    ("fra", "eng", "tir"), and tags with a region or script ("fr-CH", "pt_BR"). Names of four
    letters or more in any language CLDR knows ("Französisch", "العربية"). Short words are
    not looked up as names: "en" or "the" are also the names of small languages.
    """
    if not text or not text.isprintable() or _fold(text) in _LEVEL_WORDS:
        return None  # the name index reads control characters as its own separators
    if _CODE.match(text):
        tag = _code(text.replace("_", "-"))
        if tag is not None:
            return tag
    if len(text) < 4:
        return None
    try:
        found = langcodes.find(text)
    except LookupError:
        return None
    return _canonical(str(found))


def _code(text: str) -> str | None:
    try:
        language = langcodes.Language.get(text)
    except (LookupError, ValueError):
        return None
    if not language.is_valid() or language.language is None:
        return None
    tag = _canonical(str(language))
    if tag is None:
        return None
    primary = text.split("-")[0]
    if len(primary) == 3 and len(tag) != 2:
        return None  # "bon", "new", "and": words far more often than codes
    return tag


def _canonical(tag: str) -> str | None:
    """The language alone, in its standard form: `fr-CH` -> `fr`, `cmn` -> `zh`, `fre` -> `fr`."""
    try:
        standard = langcodes.Language.get(langcodes.standardize_tag(tag, macro=True))
    except (LookupError, ValueError):
        return None
    if standard.language in (None, "und", "zxx", "mul", "mis"):
        return None
    return str(standard.language)
