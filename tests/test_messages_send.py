"""`speedmeet messages --send` against a real SMTP server (aiosmtpd) on 127.0.0.1, started here:
delivery, a dry run first, refused recipients, a dropped connection resumed without
duplicates, the password kept off the disk, and the rate limit on a clock of the test's own."""

from __future__ import annotations

import csv
import email
import shutil
import socket
import ssl
import subprocess
from collections.abc import Callable, Iterator
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from typer.testing import CliRunner, Result

from speedmeet.cli import app
from speedmeet.i18n import language
from speedmeet.messages.compose import parse_sender
from speedmeet.messages.send import RateLimit, SendLog, SmtpServer, read_outgoing, send_all
from speedmeet.planfile import write_plan
from speedmeet.validate import validate
from tests.conftest import affine_plane_3, make_participants, plan_from_schedule

SENDER = "Speed meeting team <team@example.org>"


class Mailbox:
    """An SMTP server's handler that keeps what it receives, refuses the addresses it is told
    to, and drops the connection once it holds `drop_after` messages."""

    def __init__(
        self,
        refuse: frozenset[str] = frozenset(),
        drop_after: int | None = None,
        per_connection: int | None = None,
        drop_in_data: frozenset[str] = frozenset(),
    ):
        self.refuse = refuse
        self.drop_after = drop_after
        self.per_connection = per_connection
        self.drop_in_data = drop_in_data
        self.received: list[tuple[str, list[str], bytes]] = []
        self.connections: dict[int, int] = {}

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 going away"
        if self.connections.get(id(session), 0) == self.per_connection:
            return "421 4.7.0 too many messages in this connection"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.connections[id(session)] = self.connections.get(id(session), 0) + 1
        if self.drop_in_data & set(envelope.rcpt_tos):
            server.transport.close()  # taken, but the answer never reaches the sender
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def start_server() -> Iterator[Callable[..., tuple[int, Mailbox]]]:
    """Start local SMTP servers on 127.0.0.1; each is stopped at the end of the test."""
    running: list[Controller] = []

    def start(mailbox: Mailbox, **options: Any) -> tuple[int, Mailbox]:
        port = free_port()
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        running.append(controller)
        return port, mailbox

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture
def event(tmp_path: Path) -> Path:
    """Nine people from nine organisations in four rounds of three tables, all with e-mails."""
    people = make_participants([f"Organisation {i}" for i in range(9)])
    for i, person in enumerate(people):
        person.email = f"person{i + 1}@example.org"
        person.name = ["Zoë Martin", "Jürgen Weiß", "أمينة حداد"][i % 3] + f" {i + 1}"
    plan = plan_from_schedule(people, affine_plane_3(), table_size=3)
    plan.settings.start, plan.settings.round_minutes = "14:00", 15
    assert validate(plan).ok
    folder = tmp_path / "event-plan"
    folder.mkdir()
    write_plan(plan, folder / "plan.json")
    return folder


def send(folder: Path, port: int, *extra: str, input: str | None = None) -> Result:
    args = [
        "messages", str(folder), "--date", "2026-03-12", "--sender", SENDER, "--send",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(port), "--security", "none", *extra,
    ]  # fmt: skip
    return CliRunner().invoke(app, args, input=input, env={"COLUMNS": "200"})


def log_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "messages" / "send-log.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def recipients(*mailboxes: Mailbox) -> list[str]:
    return [to for box in mailboxes for _, tos, _ in box.received for to in tos]


def test_send_delivers_each_draft_once_and_a_second_run_sends_nothing(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = start_server(Mailbox())
    result = send(event, port, "--yes")
    assert result.exit_code == 0, result.output
    assert "Ready to send 9 messages through 127.0.0.1:" in result.output
    assert "Sent 9; failed 0" in result.output
    assert sorted(recipients(mailbox)) == sorted(f"person{i}@example.org" for i in range(1, 10))
    for sender, tos, content in mailbox.received:
        assert sender == "team@example.org"
        message = email.message_from_bytes(content, policy=default)
        assert message["X-Unsent"] is None
        assert message["Date"] is not None and message["Message-ID"] is not None
        assert message["To"].addresses[0].addr_spec == tos[0]
        assert str(message["From"]) == SENDER
        assert any(p.get_content_type() == "text/calendar" for p in message.iter_attachments())
    assert [row["status"] for row in log_rows(event)] == ["sent"] * 9

    again = send(event, port, "--yes")
    assert again.exit_code == 0, again.output
    assert "9 of these messages were sent before (send-log.csv)" in again.output
    assert "Nothing left to send." in again.output
    assert len(mailbox.received) == 9


def test_a_dry_run_shows_the_first_message_and_the_count_and_sends_nothing(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = start_server(Mailbox())
    result = send(event, port, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "To: Zoë Martin 1 <person1@example.org>" in result.output
    assert "Subject: Your tables: Speed meeting" in result.output
    assert f"Round 1, {language('en').interval(840, 855)}: table 1" in result.output
    assert "Ready to send 9 messages" in result.output
    assert "Dry run: nothing was sent." in result.output
    declined = send(event, port, input="n\n")
    assert declined.exit_code == 0, declined.output
    assert "Send them now? [y/N]" in declined.output
    assert "Nothing was sent." in declined.output
    assert mailbox.received == []
    assert not (event / "messages" / "send-log.csv").exists()


def test_refused_recipients_are_logged_and_a_second_run_retries_only_them(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    refused = frozenset({"person2@example.org", "person7@example.org"})
    port, strict = start_server(Mailbox(refuse=refused))
    result = send(event, port, "--yes")
    assert result.exit_code == 1
    assert "not sent to person2@example.org: refused by the server: 550 5.1.1" in result.output
    assert "Error: 2 of 9 messages were refused" in result.output
    assert sorted(recipients(strict)) == sorted(
        f"person{i}@example.org" for i in range(1, 10) if f"person{i}@example.org" not in refused
    )
    failed = {row["email"] for row in log_rows(event) if row["status"] == "failed"}
    assert failed == refused

    port, relaxed = start_server(Mailbox())
    retry = send(event, port, "--yes")
    assert retry.exit_code == 0, retry.output
    assert sorted(recipients(relaxed)) == sorted(refused)


def test_a_dropped_connection_is_resumed_without_sending_anyone_twice(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, dropping = start_server(Mailbox(drop_after=4))
    result = send(event, port, "--yes")
    assert result.exit_code == 1
    assert "the connection to 127.0.0.1 was lost" in result.output
    assert "4 sent, 5 not sent yet. Run the same command again to send the rest" in result.output
    assert len(dropping.received) == 4

    port, steady = start_server(Mailbox())
    resumed = send(event, port, "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert "4 of these messages were sent before" in resumed.output
    everyone = recipients(dropping, steady)
    assert sorted(everyone) == sorted(f"person{i}@example.org" for i in range(1, 10))
    assert len(set(everyone)) == len(everyone) == 9


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_password_comes_from_the_environment_or_a_prompt_and_is_never_written(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        assert isinstance(auth, LoginPassword)
        logins.append((auth.login, auth.password))
        return AuthResult(success=auth.password == b"s3cret-Pa55", handled=False)

    port, mailbox = start_server(
        Mailbox(), authenticator=authenticate, auth_require_tls=False, auth_required=True
    )
    result = CliRunner().invoke(
        app,
        ["messages", str(event), "--sender", SENDER, "--send", "--smtp-host", "127.0.0.1",
         "--smtp-port", str(port), "--security", "none", "--smtp-user", "team", "--yes"],
        env={"COLUMNS": "200", "SPEEDMEET_SMTP_PASSWORD": "s3cret-Pa55"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(mailbox.received) == 9
    assert logins == [(b"team", b"s3cret-Pa55")]

    wrong = CliRunner().invoke(
        app,
        ["messages", str(event), "--after", "--sender", SENDER, "--send", "--smtp-host",
         "127.0.0.1", "--smtp-port", str(port), "--security", "none", "--smtp-user", "team"],
        input="y\nnot-it\n",
        env={"COLUMNS": "200", "SPEEDMEET_SMTP_PASSWORD": ""},
    )  # fmt: skip
    assert wrong.exit_code == 1
    assert "SMTP password for team at 127.0.0.1:" in wrong.output
    assert f"Error: the SMTP server 127.0.0.1:{port} refused the login for team" in wrong.output
    assert len(mailbox.received) == 9
    for path in event.rglob("*"):
        if path.is_file():
            assert b"s3cret-Pa55" not in path.read_bytes() and b"not-it" not in path.read_bytes()


def test_starttls_missing_on_the_server_and_a_password_in_clear_are_refused(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = start_server(Mailbox())
    result = CliRunner().invoke(
        app,
        ["messages", str(event), "--sender", SENDER, "--send", "--smtp-host", "127.0.0.1",
         "--smtp-port", str(port), "--yes"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"Error: the SMTP server 127.0.0.1:{port} offers no STARTTLS" in result.output
    clear = CliRunner().invoke(
        app,
        ["messages", str(event), "--sender", SENDER, "--send", "--smtp-host",
         "smtp.example.org", "--security", "none", "--smtp-user", "team", "--yes"],
    )  # fmt: skip
    assert clear.exit_code == 1
    assert "would send your password unencrypted" in clear.output
    assert mailbox.received == []


class FakeClock:
    """A clock that moves only when slept on: the rate limit is tested at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_at_most_n_messages_go_out_in_any_minute(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    assert CliRunner().invoke(app, ["messages", str(event), "--date", "2026-03-12"]).exit_code == 0
    drafts = sorted((event / "messages").glob("*.eml"))
    port, mailbox = start_server(Mailbox())
    clock = FakeClock()
    sent_at: list[float] = []
    report = send_all(
        [read_outgoing(path, f"person{i + 1}@example.org", "x") for i, path in enumerate(drafts)],
        SmtpServer("127.0.0.1", port, "none"),
        parse_sender(SENDER),
        SendLog(event / "messages" / "send-log.csv"),
        per_minute=4,
        limit=RateLimit(4, clock=clock, sleep=clock.sleep),
        on_attempt=lambda item, status: sent_at.append(clock()),
    )
    assert len(report.sent) == len(mailbox.received) == 9
    for index, moment in enumerate(sent_at):
        assert sum(1 for other in sent_at[index:] if other < moment + 60) <= 4
    assert sent_at[-1] - sent_at[0] >= 120  # 9 messages at 4 a minute span two full minutes
    assert clock.sleeps == [60.0, 60.0]


def test_an_address_with_accents_is_sent_with_smtputf8_and_its_domain_in_ascii(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    from speedmeet.planfile import read_plan

    plan = read_plan(event)
    plan.participants[0].email = "Zoë Martin <zoë.martin@exämple.org>"
    write_plan(plan, event / "plan.json")
    port, mailbox = start_server(Mailbox())
    result = send(event, port, "--yes")
    assert result.exit_code == 0, result.output
    assert "zoë.martin@xn--exmple-cua.org" in recipients(mailbox)
    content = next(c for _, tos, c in mailbox.received if tos == ["zoë.martin@xn--exmple-cua.org"])
    message = email.message_from_string(content.decode("utf-8"), policy=default)  # SMTPUTF8
    assert message["To"].addresses[0].addr_spec == "zoë.martin@xn--exmple-cua.org"
    assert message["To"].addresses[0].display_name == "Zoë Martin 1"


def test_ctrl_c_while_sending_says_how_many_went_and_a_second_run_sends_the_rest(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def interrupted_on_the_fourth(self: RateLimit) -> None:
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt

    port, mailbox = start_server(Mailbox())
    with monkeypatch.context() as patch:
        patch.setattr(RateLimit, "wait", interrupted_on_the_fourth)
        result = send(event, port, "--yes")
    assert result.exit_code == 130
    assert "Interrupted: 3 sent (see " in result.output
    assert len(mailbox.received) == 3
    resumed = send(event, port, "--yes")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(recipients(mailbox)) == sorted(f"person{i}@example.org" for i in range(1, 10))


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the system's openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_the_password_goes_only_over_a_verified_encrypted_connection(
    event: Path,
    start_server: Callable[..., tuple[int, Mailbox]],
    certificate: tuple[Path, Path],
    security: str,
) -> None:
    logins: list[bytes] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        logins.append(auth.password)
        return AuthResult(success=True)

    context = server_context(*certificate)
    encryption: dict[str, Any] = (
        {"tls_context": context, "require_starttls": True}
        if security == "starttls"
        # aiosmtpd does not count a connection that began encrypted as TLS for AUTH
        else {"ssl_context": context, "auth_require_tls": False}
    )
    port, mailbox = start_server(Mailbox(), authenticator=authenticate, **encryption)
    args = ["messages", str(event), "--sender", SENDER, "--send", "--smtp-host", "127.0.0.1",
            "--smtp-port", str(port), "--security", security, "--smtp-user", "team", "--yes"]  # fmt: skip
    untrusted = CliRunner().invoke(app, args, env={"SPEEDMEET_SMTP_PASSWORD": "pw"})
    assert untrusted.exit_code == 1
    assert f"Error: no secure connection with 127.0.0.1:{port}" in untrusted.output
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.output
    assert logins == [] and mailbox.received == []
    trusted = CliRunner().invoke(
        app, args, env={"SPEEDMEET_SMTP_PASSWORD": "pw", "SSL_CERT_FILE": str(certificate[0])}
    )
    assert trusted.exit_code == 0, trusted.output
    assert f"through 127.0.0.1:{port} ({security.upper()}) as team" in trusted.output
    assert logins == [b"pw"]
    assert len(mailbox.received) == 9


def test_send_without_a_server_or_a_sender_stops_before_writing_anything(event: Path) -> None:
    for args, expected in [
        (["--sender", SENDER], "Error: --send needs --smtp-host"),
        (["--smtp-host", "smtp.example.org"], "Error: --send needs --sender"),
    ]:
        result = CliRunner().invoke(app, ["messages", str(event), "--send", *args])
        assert result.exit_code == 1
        assert result.output.startswith(expected)
        assert not (event / "messages").exists()


def test_a_server_taking_few_messages_a_connection_gets_a_new_one_and_everyone_once(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = start_server(Mailbox(per_connection=3))
    result = send(event, port, "--yes")
    assert result.exit_code == 0, result.output
    assert "The server closed the connection 2 times before taking a message" in result.output
    everyone = recipients(mailbox)
    assert sorted(everyone) == sorted(f"person{i}@example.org" for i in range(1, 10))
    assert len(mailbox.connections) == 3


def test_a_message_whose_answer_was_lost_is_reported_and_never_sent_again(
    event: Path, start_server: Callable[..., tuple[int, Mailbox]]
) -> None:
    port, mailbox = start_server(Mailbox(drop_in_data=frozenset({"person3@example.org"})))
    result = send(event, port, "--yes")
    assert result.exit_code == 1
    assert "may have arrived at person3@example.org" in result.output
    assert "Error: 1 of 9 messages may not have arrived" in result.output
    assert sorted(recipients(mailbox)) == sorted(f"person{i}@example.org" for i in range(1, 10))
    again = send(event, port, "--yes")
    assert again.exit_code == 0, again.output
    assert "Nothing left to send." in again.output
    assert len(recipients(mailbox)) == 9
    statuses = {row["email"]: row["status"] for row in log_rows(event)}
    assert statuses["person3@example.org"] == "unsure"
