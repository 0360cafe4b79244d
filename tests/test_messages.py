"""`speedmeet messages` as an organiser runs it: drafts and calendars that match the plan,
who-you-met lists that respect consent, change notices after a replan, templates."""

from __future__ import annotations

import csv
import datetime as dt
import email
import os
import random
import shutil
import socket
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import cast

import icalendar
import pytest
from typer.testing import CliRunner, Result

from speedmeet.cli import app
from speedmeet.i18n import language
from speedmeet.messages.compose import event_uid
from speedmeet.messages.drafts import event_key
from speedmeet.model import Plan
from speedmeet.planfile import read_plan
from speedmeet.validate import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "participants.xlsx"


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input, env={"COLUMNS": "200", **(env or {})})


def parse(path: Path) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(path.read_bytes(), policy=default))


def attachment(message: EmailMessage) -> icalendar.Calendar | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return icalendar.Calendar.from_ical(payload)
    return None


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def plan_event(tmp: Path, sheet: Path, *extra: str) -> Path:
    folder = tmp / "event-plan"
    result = run(
        "plan", str(sheet), "--out", str(folder), "--no-print", "--time-limit", "2",
        "--title", "Migration et intégration : qui fait quoi ?",
        "--start", "14:00", "--round-minutes", "20", "--break-minutes", "5",
        "--topic", "Besoins des migrant·e·s", "--topic", "Ressources", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert validate(read_plan(folder)).ok
    return folder


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plan_event(tmp_path_factory.mktemp("example"), EXAMPLE)


@pytest.fixture
def event(example_plan: Path, tmp_path: Path) -> Path:
    """A private copy of the example plan, so that each test writes its own messages."""
    return Path(shutil.copytree(example_plan, tmp_path / "event-plan"))


def test_every_person_with_an_email_gets_a_draft_whose_calendar_matches_their_tables(
    event: Path,
) -> None:
    result = run(
        "messages", str(event), "--date", "2026-03-12", "--place", "Uni Mail, Genève",
        "--sender", "Bureau de l'intégration <integration@example.ch>",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = read_plan(event)
    seating = plan.seating()
    folder = event / "messages"
    drafts = sorted(folder.glob("*.eml"))
    with_email = [p for p in plan.participants if p.email]
    assert len(drafts) == len(with_email) == 70
    assert f"{len(drafts)} itineraries as drafts (.eml) with calendar files (.ics)" in (
        result.output
    )
    by_address = {p.email: p for p in with_email}
    for path in drafts:
        message = parse(path)
        assert message["X-Unsent"] == "1"
        assert str(message["From"]) == "Bureau de l'intégration <integration@example.ch>"
        person = by_address[message["To"].addresses[0].addr_spec]
        assert message["To"].addresses[0].display_name == person.name
        assert message["Subject"] == "Your tables: Migration et intégration : qui fait quoi ?"
        text = text_of(message)
        assert f"Dear {person.name}," in text
        assert "\nThursday, March 12, 2026\n" in text
        cal = attachment(message)
        assert cal is not None
        assert cal.to_ical() == (path.with_suffix(".ics")).read_bytes()
        events = sorted(cal.walk("VEVENT"), key=lambda e: e.start)
        tables = seating[person.id]
        assert len(events) == sum(1 for t in tables if t is not None)
        for number, table in enumerate(tables, start=1):
            begin = dt.datetime(2026, 3, 12, 14, 0) + dt.timedelta(minutes=25 * (number - 1))
            first = 14 * 60 + 25 * (number - 1)
            line = f"Round {number}, {language('en').interval(first, first + 20)}"
            assert f"{line}: table {table}" in text
            found = [e for e in events if e.start == begin]
            assert len(found) == 1
            assert found[0].end == begin + dt.timedelta(minutes=20)
            assert str(found[0]["LOCATION"]) == f"Uni Mail, Genève, table {table}"
            assert str(found[0]["SUMMARY"]) == (
                f"Round {number}, table {table} – Migration et intégration : qui fait quoi ?"
            )
            assert str(found[0]["UID"]) == event_uid(
                event_key(plan.settings.title, dt.date(2026, 3, 12), "14:00"), person.id, number
            )
        assert "(topic: Besoins des migrant·e·s)" in text
    with (folder / "mail-merge.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 70
    assert {row["email"] for row in rows} == set(by_address)
    assert all(row["message"].startswith(f"Dear {row['name']},") for row in rows)


def test_drafts_are_plain_ascii_mail_with_utf8_names_and_the_same_bytes_each_run(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "inscriptions.csv"
    people = [
        ("Zoë Ångström-Çelik", "Hospice général", "zoe@example.org"),
        ("أمينة حداد", "Croix-Rouge genevoise", "amina@example.org"),
        ("王小明", "Université de Genève", "wang@example.org"),
        ("Jürgen Weiß", "Caritas Genève", "juergen@example.de"),
        ("Олена Бондаренко", "Ville de Genève", "olena@example.org"),
        ("Anne Martin", "Hospice général", "anne@example.org"),
    ]
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Nom", "Organisme", "Courriel"])
        writer.writerows(people)
    folder = plan_event(tmp_path, sheet, "--table-size", "3", "--rounds", "3")
    args = ("messages", str(folder), "--date", "2026-11-16", "--timezone", "Europe/Zurich")
    assert run(*args).exit_code == 0
    first = {path.name: path.read_bytes() for path in (folder / "messages").iterdir()}
    assert run(*args).exit_code == 0
    assert first == {path.name: path.read_bytes() for path in (folder / "messages").iterdir()}
    for name, data in first.items():
        if not name.endswith(".eml"):
            continue
        data.decode("ascii")  # headers encoded as RFC 2047 words, bodies quoted-printable
        assert max(len(line) for line in data.split(b"\r\n")) <= 998
        message = parse(folder / "messages" / name)
        strict = email.message_from_bytes(data, policy=default.clone(raise_on_defect=True))
        assert not [defect for part in strict.walk() for defect in part.defects]
        assert not [v.defects for part in strict.walk() for _, v in part.items() if v.defects]
        recipient = message["To"].addresses[0]
        assert (recipient.display_name, "", recipient.addr_spec) in [
            (n, "", e) for n, _, e in people
        ]
        assert f"Bonjour {recipient.display_name}," in text_of(message)  # a French sheet
        cal = attachment(message)
        assert cal is not None
        first_event = min(cal.walk("VEVENT"), key=lambda e: e.start)
        assert first_event.start.utcoffset() == dt.timedelta(hours=1)  # 14:00 in Geneva, CET
        assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Zurich"


def test_people_without_a_usable_email_are_listed_and_get_their_text_in_a_csv(
    tmp_path: Path,
) -> None:
    sheet = tmp_path / "registrations.csv"
    sheet.write_text(
        "Name,Organisation,Email\n"
        "Ana Silva,Org A,ana@example.org\nBen Okafor,Org B,\nCléa Roux,Org C,n/a\n"
        "Dan Berg,Org D,dan at example dot org\nEva Lund,Org E,eva@example.org\n"
        "Femi Ade,Org F,femi@example.org\n",
        encoding="utf-8",
    )
    folder = plan_event(tmp_path, sheet, "--table-size", "3", "--rounds", "2")
    result = run("messages", str(folder))
    assert result.exit_code == 0, result.output
    assert "No usable e-mail for 3 people" in result.output
    assert "  - Ben Okafor (Org B): no e-mail" in result.output
    assert "  - Cléa Roux (Org C): 'n/a' is not an e-mail" in result.output
    assert "  - Dan Berg (Org D): 'dan at example dot org' is not an e-mail" in result.output
    assert "No calendar files: give --date" in result.output
    assert len(list((folder / "messages").glob("*.eml"))) == 3
    assert not list((folder / "messages").glob("*.ics"))
    with (folder / "messages" / "without-email.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["name"] for row in rows] == ["Ben Okafor", "Cléa Roux", "Dan Berg"]
    assert rows[0]["message"].startswith("Dear Ben Okafor,")
    assert f"Round 1, {language('en').interval(840, 860)}: table " in rows[0]["message"]


def test_a_template_file_replaces_the_default_and_a_wrong_placeholder_is_named(
    event: Path, tmp_path: Path
) -> None:
    template = tmp_path / "invitation.txt"
    template.write_text(
        "Objet : Vos tables, {name}\n\nBonjour {name} ({organisation}),\n\nLieu : {place}\n"
        "{itinerary}\n\n{{sans accolade}}\n",
        encoding="utf-8",
    )
    result = run("messages", str(event), "--template", str(template))
    assert result.exit_code == 0, result.output
    message = parse(next((event / "messages").glob("p001-*.eml")))
    person = read_plan(event).participants[0]
    assert message["Subject"] == f"Vos tables, {person.name}"
    text = text_of(message)
    assert text.startswith(
        f"Bonjour {person.name} ({person.organisation}),\n\n"
        f"Round 1, {language('en').interval(840, 860)}: table"
    )
    assert "Lieu" not in text  # no --place: the line goes
    assert "{sans accolade}" in text

    template.write_text("Subject: Hello\n\nDear {nom},\n{itinerary}\n", encoding="utf-8")
    result = run("messages", str(event), "--template", str(template))
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {template}, row 3: unknown placeholder {{nom}}; the placeholders are {{name}}, "
        "{organisation}, {event}, {date}, {place}, {organiser}, {itinerary}, {calendar_note}"
    )
    template.write_text("Dear {name}\n", encoding="utf-8")
    result = run("messages", str(event), "--template", str(template))
    assert result.exit_code == 1
    assert "starts with a 'Subject: ...' line" in result.output


def consent_sheet(path: Path, seed: int) -> dict[str, tuple[str, bool]]:
    """A registration csv with a consent column written as a form tool would, in one of three
    languages; returns each e-mail's name and whether that person consented."""
    rng = random.Random(seed)
    header, yes, no = rng.choice(
        [
            ("I agree to share my e-mail with the people I meet", ["Yes", "yes, I agree", "x"],
             ["No", "", "I do not agree"]),
            ("Accord pour partager mon courriel", ["Oui", "oui, j'accepte", "X", "1"],
             ["Non", "", "non merci", "0"]),
            ("Einwilligung", ["Ja", "ja, einverstanden", "x"], ["Nein", "", "nicht einverstanden"]),
        ]
    )  # fmt: skip
    people: dict[str, tuple[str, bool]] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=rng.choice([",", ";"]))
        writer.writerow(["Name", "Organisation", "E-mail", header])
        for i in range(16):
            agreed = rng.random() < 0.5
            address = f"person{i}.{seed}@example.org"
            name = f"Person {i}"
            people[address] = (name, agreed)
            writer.writerow([name, f"Org {i % 6}", address, rng.choice(yes if agreed else no)])
    return people


@pytest.mark.parametrize("seed", range(4))
def test_after_the_event_nobody_sees_an_address_whose_owner_did_not_consent(
    tmp_path: Path, seed: int
) -> None:
    people = consent_sheet(tmp_path / "registrations.csv", seed)
    folder = plan_event(tmp_path, tmp_path / "registrations.csv", "--table-size", "4")
    plan = read_plan(folder)
    assert {p.email: p.consent for p in plan.participants} == {
        address: agreed for address, (_, agreed) in people.items()
    }
    result = run("messages", str(folder), "--after")
    assert result.exit_code == 0, result.output
    agreed_count = sum(1 for _, agreed in people.values() if agreed)
    assert f"{agreed_count} of 16 people agreed to share their e-mail" in result.output
    out = folder / "messages-after"
    drafts = {parse(path)["To"].addresses[0].addr_spec: path for path in out.glob("*.eml")}
    assert set(drafts) == set(people)
    for address, (name, agreed) in people.items():
        for owner, path in drafts.items():
            shown = address in text_of(parse(path))
            met = _met(plan, owner, address)
            assert shown == (agreed and met), (name, owner)
            if owner != address and not agreed:
                assert address not in path.read_bytes().decode("ascii")
    with (out / "mail-merge.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            for address, (_, agreed) in people.items():
                if not agreed and address != row["email"]:
                    assert address not in "".join(row.values())
    message = parse(next(iter(drafts.values())))
    words = {
        "en": ("These are the people you sat with", "Round 1, table "),
        "fr": ("Voici les personnes avec qui vous avez partagé une table", "Tour 1, table "),
        "de": ("Mit diesen Personen haben Sie an einem Tisch gesessen", "Runde 1, Tisch "),
    }[plan.settings.language]  # the sheet's language is the messages' language
    assert all(part in text_of(message) for part in words)


def _met(plan: Plan, first: str, second: str) -> bool:
    ids = {p.email: p.id for p in plan.participants}
    return first != second and any(
        ids[first] in table.participants and ids[second] in table.participants
        for round_ in plan.rounds
        for table in round_.tables
    )


def test_after_a_replan_only_people_whose_tables_changed_get_a_message_saying_what_changed(
    event: Path,
) -> None:
    date = ("--date", "2026-03-12")
    assert run("messages", str(event), *date).exit_code == 0
    before = read_plan(event)
    leaver = before.participants[0]
    original = parse(next((event / "messages").glob("p001-*.eml")))
    result = run(
        "replan", str(event), "--from-round", "3", "--drop", leaver.id, "--no-pdf",
        "--add", "Jean Dupont; Caritas Genève", "--add", "Lea Vogel; Stadt Zürich",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    after = read_plan(event)
    result = run("messages", str(event), "--changes", *date)
    assert result.exit_code == 0, result.output
    assert "Compared with plan.v1.json." in result.output
    old_seats, new_seats = before.seating(), after.seating()
    changed = {p.id for p in after.participants if old_seats.get(p.id) != new_seats[p.id]}
    walk_ins = {p.id for p in after.participants if p.id not in old_seats}
    assert leaver.id in changed and len(walk_ins) == 2 and walk_ins < changed
    assert len(changed) < len(after.participants)
    folder = event / "messages-changes"
    drafts = {path.name.split("-")[0].upper(): path for path in folder.glob("*.eml")}
    assert set(drafts) == changed - walk_ins  # walk-ins added by name have no e-mail
    with (folder / "without-email.csv").open(encoding="utf-8-sig", newline="") as handle:
        notes = {row["id"]: row["message"] for row in csv.DictReader(handle)}
    assert set(notes) == walk_ins
    assert all("You are new in the plan; your tables are below." in n for n in notes.values())
    assert f"{len(after.participants) - len(changed)} people whose tables did not change" in (
        result.output
    )
    key = event_key(after.settings.title, dt.date(2026, 3, 12), after.settings.start)
    for pid, path in drafts.items():
        message = parse(path)
        text = text_of(message)
        assert message["Subject"].startswith("Your tables have changed: Migration")
        cal = attachment(message)
        assert cal is not None
        events = {int(str(e["UID"]).split("-r")[-1].split("@")[0]): e for e in cal.walk("VEVENT")}
        for number in (3, 4):
            old, new = old_seats[pid][number - 1], new_seats[pid][number - 1]
            if old != new and old is not None and new is not None:
                assert f"Round {number}: table {new} (was table {old})" in text
            if new is None and old is not None:
                assert f"Round {number}: no longer seated (was table {old})" in text
                assert events[number]["STATUS"] == "CANCELLED"
            if new is not None:
                assert events[number]["STATUS"] == "CONFIRMED"
            assert str(events[number]["UID"]) == event_uid(key, pid, number)
            assert events[number]["SEQUENCE"] == 1
    leaver_cal = attachment(original)
    assert leaver_cal is not None
    assert {str(e["UID"]) for e in leaver_cal.walk("VEVENT")} >= {
        event_uid(key, leaver.id, 3),
        event_uid(key, leaver.id, 4),
    }


def test_without_send_nothing_touches_the_network(
    event: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("speedmeet messages opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for kind in ([], ["--after"]):
        result = run("messages", str(event), "--date", "2026-03-12", *kind)
        assert result.exit_code == 0, result.output


def test_bad_options_get_one_clear_line(event: Path) -> None:
    cases = [
        (["--date", "12/03/2026"], "Error: --date '12/03/2026' is not a date like 2026-03-12"),
        (["--timezone", "Geneva"], "Error: --timezone 'Geneva' is not a time zone"),
        (["--sender", "organiser"], "Error: --sender 'organiser' is not an e-mail address"),
        (["--after", "--changes"], "Error: --after and --changes are two kinds of message"),
        (["--changes"], "no earlier version of the plan"),
        (["--smtp-host", "smtp.example.org"], "Error: --smtp-host, --dry-run and --yes go with"),
    ]
    for args, expected in cases:
        result = run("messages", str(event), *args)
        assert result.exit_code == 1, args
        assert expected in result.output
        assert "Traceback" not in result.output


def test_the_shown_default_template_used_as_a_file_gives_the_same_messages(
    event: Path, tmp_path: Path
) -> None:
    for kind in ([], ["--after"]):
        shown = run("messages", str(event), "--show-template", *kind)
        assert shown.exit_code == 0
        text, _, placeholders = shown.output.rpartition("Placeholders: ")
        assert "{name}" in placeholders
        template = tmp_path / "template.txt"
        template.write_text(text, encoding="utf-8")
        args = ("messages", str(event), "--date", "2026-03-12", *kind)
        assert run(*args).exit_code == 0
        folder = event / ("messages-after" if kind else "messages")
        default_bytes = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert run(*args, "--template", str(template)).exit_code == 0
        assert {p.name: p.read_bytes() for p in folder.iterdir()} == default_bytes


def test_drafts_of_an_earlier_batch_go_but_the_organisers_own_files_stay(event: Path) -> None:
    assert run("messages", str(event)).exit_code == 0
    own = event / "messages" / "note to self.eml"
    own.write_text("Subject: keep me\n\nmine\n", encoding="utf-8")
    leaver = read_plan(event).participants[0]
    stale = next((event / "messages").glob("p001-*.eml"))
    result = run("replan", str(event), "--from-round", "1", "--drop", leaver.id, "--no-pdf")
    assert result.exit_code == 0, result.output
    result = run("messages", str(event))
    assert result.exit_code == 0, result.output
    assert "This plan was replanned: --changes writes messages only for" in result.output
    assert not stale.exists()
    assert own.read_text(encoding="utf-8") == "Subject: keep me\n\nmine\n"
    assert len(list((event / "messages").glob("p*.eml"))) == 69


@pytest.mark.parametrize(
    ("cell", "address"),
    [
        ("amira@example.org", "amira@example.org"),
        ("  Amira.Haddad@Example.ORG ", "Amira.Haddad@Example.ORG"),
        ("Amira Haddad <amira@example.org>", "amira@example.org"),
        ("mailto:amira@example.org", "amira@example.org"),
        ("amira@example.org; amira.private@example.com", "amira@example.org"),
        ("amira@example.org, office@example.org", "amira@example.org"),
        ("amira@example.org.", "amira@example.org"),
        ("jürgen@müller.de", "jürgen@xn--mller-kva.de"),
        ("n/a", None),
        ("-", None),
        ("amira at example dot org", None),
        ("amira@localhost", None),
        ("amira@@example.org", None),
    ],
)
def test_addresses_as_people_type_them(cell: str, address: str | None) -> None:
    from speedmeet.messages.compose import usable_address

    assert usable_address(cell) == address


def test_every_word_of_a_message_goes_through_the_one_catalogue(
    event: Path, tmp_path: Path
) -> None:
    """A catalogue installed in `texts` reaches the subject, the text, the calendar and the date:
    the plan's language only needs its translations of these strings."""
    from speedmeet.messages import texts
    from speedmeet.messages.drafts import MessageOptions, write_drafts

    class Shouting:
        def gettext(self, message: str) -> str:
            return message.replace("Round", "TOUR").replace("Dear", "BONJOUR")

        def interval(self, start: int, end: int) -> str:
            return f"{start // 60}h{start % 60:02d} à {end // 60}h{end % 60:02d}"

    with texts.speaking(Shouting(), "fr"):
        result = write_drafts(
            read_plan(event), tmp_path / "fr", MessageOptions(date=dt.date(2026, 11, 16))
        )
    assert texts.time_slot(840, 860) == "14:00–14:20"  # English again after the batch
    message = parse(result.drafts[0].path)
    text = text_of(message)
    assert text.startswith("BONJOUR ")
    assert "TOUR 1, 14h00 à 14h20: table" in text and "Round" not in text
    assert "lundi 16 novembre 2026" in text
    cal = attachment(message)
    assert cal is not None
    assert all(str(e["SUMMARY"]).startswith("TOUR ") for e in cal.walk("VEVENT"))


def test_the_smtp_code_and_the_calendar_library_load_only_when_needed(event: Path) -> None:
    """Every speedmeet command starts without them, and `messages` without --send never loads
    the code that speaks to a mail server."""
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "import speedmeet.cli as cli\n"
        "assert 'icalendar' not in sys.modules and 'smtplib' not in sys.modules\n"
        f"result = CliRunner().invoke(cli.app, ['messages', {str(event)!r}, '--after'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'smtplib' not in sys.modules and 'speedmeet.messages.send' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert done.returncode == 0, done.stderr
