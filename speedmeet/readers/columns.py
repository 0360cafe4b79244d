"""Header recognition: which column of a registration export holds which participant field.

Exports come from Excel, Google Forms, Microsoft Forms and ticketing tools, in English, French
or German, often with the whole question as the header ("Quels sont vos centres d'intérêt ?").
Headers are folded (case, accents, punctuation) and matched against phrases; the longest
matching phrase wins, so "Nom de l'organisation" is an organisation and not a name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from speedmeet.model import organisation_key

FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "first_name",
    "last_name",
    "organisation",
    "email",
    "interests",
    "languages",
    "role",
    "offers",
    "needs",
    "host",
    "first_round",
    "last_round",
    "consent",
)


def _phrases(listing: str) -> tuple[str, ...]:
    """Phrases written as one comma-separated string, already folded."""
    return tuple(phrase.strip() for phrase in listing.split(",") if phrase.strip())


# Timestamps and free-text comments: recognised so that their words ("langue" in a comment's
# question) do not claim a field, and listed as ignored.
IGNORED = "ignored"

# A phrase in `_EXACT` matches only the whole header: "N°" is an id but "N° de téléphone" is not.
_EXACT: dict[str, tuple[str, ...]] = {
    "id": _phrases(
        "id, n, no, nr, num, number, numero, nummer, ref, code, key, uid, pid, nummer, "
        "lfd nr, laufende nummer"
    ),
    "name": _phrases(
        "name, names, nom, noms, participant, participante, participants, teilnehmer, "
        "teilnehmerin, teilnehmende, attendee, person, personne"
    ),
    "host": ("host", "hote", "hotesse", "gastgeber", "gastgeberin"),
    "role": ("type", "job", "poste", "titre de poste"),
    "offers": ("offer", "offre", "angebot", "propose", "bietet"),
    "needs": ("need", "besoin", "bedarf", "sucht", "recherche"),
    IGNORED: ("date", "datum", "time", "heure", "zeit", "status", "statut"),
}

_PHRASES: dict[str, tuple[str, ...]] = {
    "id": _phrases(
        "registration id, registration number, registration no, participant id, "
        "participant number, attendee id, attendee number, ticket id, ticket number, "
        "order id, order number, order no, badge id, badge number, id number, "
        "bestellnummer, ticketnummer, teilnehmernummer, anmeldenummer, anmelde id, "
        "numero d inscription, n d inscription, numero de participant, "
        "numero participant, id participant, identifiant, reference, referenz, "
        "numero de badge, numero de billet, numero de commande"
    ),
    "name": _phrases(
        "name, nom, full name, nom complet, nom et prenom, nom prenom, prenom et nom, "
        "prenom nom, nom et prenoms, vollstandiger name, vor und nachname, "
        "vorname und name, name und vorname, vorname und nachname, your name, votre nom, "
        "ihr name, participant name, attendee name, name of participant, "
        "nom du participant, nom de la personne, name of attendee, first and last name, "
        "first name and last name, name surname"
    ),
    "first_name": _phrases(
        "first name, firstname, given name, given names, forename, prenom, prenoms, "
        "vorname, vornamen"
    ),
    "last_name": _phrases(
        "last name, lastname, surname, family name, nom de famille, nachname, familienname"
    ),
    "organisation": _phrases(
        "organisation, organization, organisations, organizations, organisme, structure, "
        "institution, company, employer, affiliation, entreprise, societe, employeur, "
        "arbeitgeber, firma, unternehmen, einrichtung, organisme d appartenance, "
        "structure d appartenance, organisation name, organization name, "
        "nom de l organisation, nom de la structure, name der organisation, workplace, "
        "lieu de travail, arbeitsstelle, institution name, company name"
    ),
    "email": _phrases(
        "email, e mail, mail, courriel, adresse e mail, adresse email, email address, "
        "e mail address, e mail adresse, emailadresse, mailadresse, "
        "adresse electronique, mel, messagerie, adresse de messagerie"
    ),
    "interests": _phrases(
        "interests, interest, interets, interet, centres d interet, centre d interet, "
        "interessen, interessensgebiete, interessengebiete, areas of interest, topics, "
        "topic, themes, thematiques, thematique, themen, themenbereiche, sujets, "
        "expertise, focus areas, fields of interest, domaines d interet, schwerpunkte, "
        "schwerpunkt"
    ),
    "languages": _phrases(
        "languages, language, langues, langue, langues parlees, languages spoken, "
        "spoken languages, sprachen, sprache, sprachkenntnisse, gesprochene sprachen"
    ),
    "role": _phrases(
        "role, rolle, fonction, function, position, job title, funktion, beruf, "
        "profession, sector, secteur, branche, type of organisation, "
        "type of organization, organisation type, organization type, "
        "type d organisation, type de structure, art der organisation, organisationstyp, "
        "category, categorie, kategorie, stakeholder type, type d acteur, akteurstyp"
    ),
    "offers": _phrases(
        "offers, we offer, what we offer, what i offer, i offer, can offer, we can offer, "
        "what can you offer, services offered, resources offered, offres, nous proposons, "
        "je propose, ce que nous proposons, ce que je propose, proposons, propose, bietet, "
        "wir bieten, ich biete, was wir bieten, angebote, unser angebot"
    ),
    "needs": _phrases(
        "needs, we need, what we need, what i need, i need, looking for, we are looking for, "
        "seeking, besoins, nos besoins, mes besoins, nous cherchons, nous recherchons, "
        "je cherche, sucht, wir suchen, ich suche, was wir suchen, bedarf, unser bedarf, "
        "bedurfnisse"
    ),
    "host": _phrases(
        "table host, host, facilitator, facilitatrice, animateur, animatrice, moderator, "
        "moderatorin, moderateur, moderatrice, tischgastgeber"
    ),
    "first_round": _phrases(
        "first round, from round, arrives round, arrival round, arrives at round, "
        "joins at round, premier tour, a partir du tour, tour d arrivee, erste runde, "
        "ab runde"
    ),
    "last_round": _phrases(
        "last round, until round, leaves after round, departure round, dernier tour, "
        "jusqu au tour, tour de depart, letzte runde, bis runde"
    ),
    "consent": _phrases(
        "consent, consentement, einwilligung, einverstandnis, einverstanden, "
        "i agree to share, j accepte de partager, accord, d accord, accord de partage, "
        "share email, share e mail, share my email, "
        "share my e mail, share your email, share your e mail, share contact, "
        "share my contact, share contact details, contact sharing, email sharing, "
        "e mail sharing, partage de l email, partage du courriel, partager mon email, "
        "partager mon e mail, partager mon adresse, partager votre adresse, "
        "partager mon courriel, partager votre courriel, weitergabe, weitergeben, "
        "e mail weitergeben, kontaktdaten weitergeben, weitergabe der e mail adresse, "
        "weitergabe meiner e mail adresse, weitergabe meiner kontaktdaten"
    ),
    IGNORED: _phrases(
        "horodateur, timestamp, zeitstempel, start time, completion time, end time, "
        "heure de debut, heure de fin, date de soumission, submitted at, submitted on, "
        "submission date, submission time, created at, date created, last modified time, "
        "last modified, comment, comments, commentaire, commentaires, remarque, "
        "remarques, remarks, notes, note, bemerkung, bemerkungen, kommentar, "
        "anmerkungen, order date, bestelldatum, date de commande, registration date, "
        "date d inscription, anmeldedatum, "
        # Accepting a privacy policy or terms is not agreeing to have one's e-mail shared with
        # the people one meets: such a column is no consent column.
        "gdpr, rgpd, dsgvo, data protection, protection des donnees, datenschutz, "
        "privacy policy, privacy notice, politique de confidentialite, datenschutzerklarung, "
        "terms and conditions, terms, conditions generales, cgu, cgv, agb, "
        "nutzungsbedingungen, gdpr consent, consent gdpr, rgpd consentement, "
        "consentement rgpd, dsgvo einwilligung, einwilligung dsgvo, einwilligung datenschutz, "
        "datenschutz einwilligung, consent to data processing, consent to the processing, "
        "consentement au traitement, einwilligung zur datenverarbeitung"
    ),
}

# A header that starts as a comment is one, whatever it mentions ("Comments (languages, diet)").
_COMMENT_WORDS = frozenset(
    _phrases(
        "comment, comments, commentaire, commentaires, remarque, remarques, remarks, "
        "bemerkung, bemerkungen, kommentar, kommentare, anmerkungen"
    )
)

# A bare "Name"/"Nom" beside a first-name column is the family name (French and German forms).
_BARE_NAMES = frozenset({"name", "names", "nom", "noms"})


# The event's extra sheets (or csv files beside the participant file), by their folded name.
EVENT_SHEETS: dict[str, frozenset[str]] = {
    "tables": frozenset(
        _phrases("tables, table, tische, tisch, salles, salle, rooms, room, raume, raum")
    ),
    "requests": frozenset(
        _phrases(
            "requests, request, demandes, demande, paires, pairs, wunsche, wunsch, anfragen, "
            "paare, souhaits"
        )
    ),
    "rounds": frozenset(
        _phrases("rounds, round, tours, tour, runden, runde, topics, themes, themen, sujets")
    ),
}


def event_sheet_kind(sheet_name: str) -> str | None:
    """ "tables", "requests" or "rounds" for a sheet (or csv file stem) of that name, else None."""
    folded = fold_header(sheet_name)
    return next((kind for kind, names in EVENT_SHEETS.items() if folded in names), None)


def fold_header(text: str) -> str:
    """Fold header text for comparison; "#" reads as "number" (Eventbrite's "Order #")."""
    return organisation_key(text.replace("#", " number "))


def recognise(header: str) -> tuple[str, int] | None:
    """The field a header names and how strongly (exact phrases beat contained ones), or None."""
    candidates = _candidates(header)
    return candidates[0][:2] if candidates else None


def _candidates(header: str) -> list[tuple[str, int, bool]]:
    """Every field a header may name: (field, score, named at its start), strongest first."""
    folded = fold_header(header)
    if not folded:
        return []
    padded = f" {folded} "
    scores: dict[str, tuple[int, bool]] = {}

    def offer(field_name: str, score: int, at_start: bool) -> None:
        if field_name not in scores or score > scores[field_name][0]:
            scores[field_name] = (score, at_start)

    for field_name, phrases in _EXACT.items():
        if folded in phrases:
            offer(field_name, 1000 + len(folded), True)
    if folded.split()[0] in _COMMENT_WORDS:
        offer(IGNORED, 500 + len(folded), True)
    for field_name, phrases in _PHRASES.items():
        for phrase in phrases:
            if folded == phrase:
                offer(field_name, 1000 + len(phrase), True)
            elif f" {phrase} " in padded:
                offer(field_name, len(phrase), padded.startswith(f" {phrase} "))
    ranked = sorted(scores.items(), key=lambda item: -item[1][0])
    return [(field_name, score, at_start) for field_name, (score, at_start) in ranked]


def header_row_score(cells: Sequence[str], overrides: Mapping[str, str]) -> float:
    """How much a row looks like the header of a participant table.

    Each distinct field recognised counts one, ignored columns (timestamps) a half, and a header
    text the user named with `--column` counts ten so that their choice decides the row.
    """
    wanted = {fold_header(text) for text in overrides.values()}
    fields: set[str] = set()
    score = 0.0
    for cell in cells:
        if not cell:
            continue
        if fold_header(cell) in wanted:
            score += 10
            continue
        match = recognise(cell)
        if match is None:
            continue
        if match[0] == IGNORED:
            score += 0.5
        elif match[0] not in fields:
            fields.add(match[0])
            score += 1
    return score


@dataclass
class ColumnMapping:
    """Which column (0-based index into the header row) holds each field."""

    fields: dict[str, int] = field(default_factory=dict)
    ignored: list[int] = field(default_factory=list)
    missing_overrides: list[tuple[str, str]] = field(default_factory=list)

    def has_name(self) -> bool:
        return any(f in self.fields for f in ("name", "first_name", "last_name"))


def map_columns(headers: Sequence[str], overrides: Mapping[str, str]) -> ColumnMapping:
    """Assign each field its best header; the user's `--column` choices come first.

    Overrides whose header is not in the row are reported in `missing_overrides` so the caller
    can name the headers that do exist.
    """
    mapping = ColumnMapping()
    taken: set[int] = set()
    for field_name, text in overrides.items():
        index = _find_header(headers, text)
        if index is None:
            mapping.missing_overrides.append((field_name, text))
        else:
            mapping.fields[field_name] = index
            taken.add(index)

    # Strongest claims first; a header whose best field went to a stronger header may still take
    # a field it names at its start ("Role in your organisation" beside "Organisation").
    claims: list[tuple[int, int, str]] = []  # (-score, column index, field)
    for index, header in enumerate(headers):
        if index in taken:
            continue
        for rank, (field_name, score, at_start) in enumerate(_candidates(header)):
            if rank == 0 or at_start:
                claims.append((-score, index, field_name))
    settled: set[int] = set()
    for _, index, field_name in sorted(claims):
        if index in settled or index in taken or field_name in mapping.fields:
            continue
        settled.add(index)
        if field_name != IGNORED:
            mapping.fields[field_name] = index

    name_index = mapping.fields.get("name")
    if (
        "name" not in overrides
        and name_index is not None
        and "first_name" in mapping.fields
        and "last_name" not in mapping.fields
        and fold_header(headers[name_index]) in _BARE_NAMES
    ):
        mapping.fields["last_name"] = mapping.fields.pop("name")

    used = set(mapping.fields.values())
    mapping.ignored = [i for i, header in enumerate(headers) if header and i not in used]
    return mapping


def _find_header(headers: Sequence[str], text: str) -> int | None:
    """The column whose header is `text`: exact first, then ignoring case and accents."""
    stripped = text.strip()
    for index, header in enumerate(headers):
        if header.strip() == stripped:
            return index
    folded = fold_header(stripped)
    for index, header in enumerate(headers):
        if folded and fold_header(header) == folded:
            return index
    return None


# Words that belong to one language's headers only (folded: no case, no accents), for telling
# which language the sheet is written in. Words shared by the languages ("organisation", "name",
# "email", "adresse", "date") are left out: they tell nothing.
HEADER_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        _phrases(
            "timestamp, first, last, given, surname, full, your, organization, organizations, "
            "company, employer, interests, interest, areas, fields, languages, language, spoken, "
            "comments, comment, remarks, start, completion, end, time, sector, role, job, "
            "offers, offer, needs, need, we, looking, for, host, facilitator, round, rounds, "
            "registration, number, attendee, ticket, order, of, and, the, what, are, submitted, "
            "created, modified, category, topics, focus, consent, agree, people, participants"
        )
    ),
    "fr": frozenset(
        _phrases(
            "horodateur, courriel, nom, noms, complet, prenom, prenoms, organisme, "
            "appartenance, centres, centre, interet, interets, langues, langue, parlees, "
            "commentaire, commentaires, remarque, remarques, secteur, fonction, besoins, "
            "proposons, propose, hote, hotesse, animateur, animatrice, tour, societe, "
            "entreprise, employeur, thematique, thematiques, sujets, domaines, vos, votre, "
            "quels, quelles, quel, sont, numero, inscription, identifiant, participante, "
            "personne, categorie, acteur, soumission, heure, debut, fin, lieu, travail, la, le, "
            "les, du, des, et, de, d, l, consentement, j, accepte, donnees"
        )
    ),
    "de": frozenset(
        _phrases(
            "bestellnummer, vorname, vornamen, nachname, familienname, interessen, sprachen, "
            "sprache, sprachkenntnisse, gesprochene, einrichtung, firma, unternehmen, "
            "arbeitgeber, arbeitsstelle, funktion, beruf, rolle, kategorie, bietet, angebot, "
            "angebote, wir, ich, suchen, suche, sucht, bedarf, gastgeber, gastgeberin, runde, "
            "ab, bis, erste, letzte, teilnehmer, teilnehmerin, teilnehmende, nummer, nr, lfd, "
            "laufende, datum, zeit, zeitstempel, anmeldedatum, bemerkung, bemerkungen, "
            "kommentar, anmerkungen, ihr, vollstandiger, und, der, die, das, schwerpunkte, "
            "themen, einwilligung, datenschutz, referenz, ticketnummer, teilnehmernummer, "
            "anmeldenummer, bestelldatum, akteurstyp, organisationstyp"
        )
    ),
}


def header_language(headers: Sequence[str]) -> str | None:
    """The language the sheet's headers are written in ("en", "fr" or "de"), or None when they
    do not tell (ids, "Name", "Organisation", "E-mail" are the same in all three).

    Each header votes for the language most of its words belong to; the most votes win, and a
    tie tells nothing.
    """
    votes = dict.fromkeys(HEADER_WORDS, 0)
    for header in headers:
        words = fold_header(header).split()
        counts = {
            code: sum(word in vocabulary for word in words)
            for code, vocabulary in HEADER_WORDS.items()
        }
        best = max(counts.values())
        leaders = [code for code, count in counts.items() if count == best]
        if best and len(leaders) == 1:
            votes[leaders[0]] += 1
    most = max(votes.values())
    winners = [code for code, count in votes.items() if count == most]
    return winners[0] if most and len(winners) == 1 else None
