"""An SMTP server that turns the digests away because of the settings (no STARTTLS where it is asked
for, a login it refuses or does not offer): the reason names the setting to change, in words, where
the run printed the library's text (`STARTTLS extension not supported by server.`, `(535,
b'5.7.8 Authentication credentials invalid')`)."""

from __future__ import annotations

import ssl
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.models import OutboxMessage
from app.notify import smtp
from app.notify.service import run_reminders
from tests.notify.reminder_world import build, outbox, settings_for
from tests.smtp import Mailbox, smtp_server


def _error(engine: Engine, database_url: str, port: int, **settings: object) -> str:
    run = run_reminders(
        engine, settings_for(database_url, port).model_copy(update=settings), datetime.now(UTC)
    )
    assert run.sent is not None and (run.sent.sent, run.sent.retrying) == (0, 2)
    assert {r.state for r in outbox(engine)} == {"pending"}  # retried once the settings are right
    assert run.sent.error is not None
    return run.sent.error


def test_a_server_without_starttls_names_the_setting(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server() as (_, port):
        error = _error(engine, database_url, port, smtp_starttls=True)
    assert error == (
        f"127.0.0.1:{port}: the server does not offer STARTTLS, which NRTD_SMTP_STARTTLS=true asks for: "
        "use the port where it does (587, or 465 for TLS from the start), or set NRTD_SMTP_STARTTLS=false "
        "if the mail may travel unencrypted to it"
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_a_login_the_server_refuses_names_the_settings(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server(login=("nrtd", "right")) as (_, port):
        error = _error(engine, database_url, port, smtp_username="nrtd", smtp_password=SecretStr("wrong"))
    assert error == (
        f"127.0.0.1:{port}: the server refused the login of NRTD_SMTP_USERNAME=nrtd (535 5.7.8 "
        "Authentication credentials invalid): check NRTD_SMTP_USERNAME and NRTD_SMTP_PASSWORD"
    )


def test_a_login_the_server_does_not_offer_names_the_setting(engine: Engine, database_url: str) -> None:
    build(engine)
    with smtp_server() as (_, port):
        error = _error(engine, database_url, port, smtp_username="nrtd", smtp_password=SecretStr("secret"))
    assert error == (
        f"127.0.0.1:{port}: the server offers no login (AUTH) on this connection, while "
        "NRTD_SMTP_USERNAME is set: leave NRTD_SMTP_USERNAME and NRTD_SMTP_PASSWORD empty for a server "
        "that needs none, or use STARTTLS (NRTD_SMTP_STARTTLS=true) or port 465 if it offers a login "
        "over TLS only"
    )


class Refuses(Mailbox):
    """A server that refuses every recipient (550) or every From address (553)."""

    def __init__(self, at: str) -> None:
        super().__init__()
        self.at = at

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.at == "MAIL":
            return "553 5.7.1 <nrtd@example.gov>: Sender address rejected: not owned by user"
        return await super().handle_MAIL(server, session, envelope, address, options)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.at == "RCPT":
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_refusal_is_given_as_the_server_wrote_it(engine: Engine, database_url: str) -> None:
    # The reasons were Python's reprs: "fp.a@example.gov: refused {'fp.a@example.gov': (550,
    # b'5.1.1 User unknown')}", "... From address nrtd@example.gov: 553 b'5.7.1 <nrtd...'".
    world = build(engine)
    with smtp_server(handler=Refuses("RCPT")) as (_, port):
        run_reminders(engine, settings_for(database_url, port), datetime.now(UTC))
    reasons = {r.recipient: r.last_error for r in outbox(engine)}
    assert reasons[world.fp_a] == f"{world.fp_a}: the server refused this address: 550 5.1.1 User unknown"
    with Session(engine) as db, db.begin():
        db.execute(
            update(OutboxMessage).values(state="pending", next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC))
        )
    with smtp_server(handler=Refuses("MAIL")) as (_, port):
        run_reminders(engine, settings_for(database_url, port), datetime.now(UTC))
    reasons = {r.recipient: r.last_error for r in outbox(engine)}
    assert reasons[world.fp_a] == (
        f"{world.fp_a}: the server refused the From address nrtd@example.gov: 553 5.7.1 "
        "<nrtd@example.gov>: Sender address rejected: not owned by user"
    )


def test_a_certificate_that_does_not_verify_says_how_to_trust_it(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # A ministry's relay with a certificate of its own authority (or self-signed): "[SSL:
    # CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)", and
    # nothing said how to make the service trust it.
    build(engine)
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "key.pem"]
    subprocess.run(
        ["openssl", "req", "-x509", *key, "-subj", "/CN=127.0.0.1", "-days", "1", "-out", "cert.pem"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    with smtp_server(tls_context=context) as (_, port):
        error = _error(engine, database_url, port, smtp_starttls=True)
    assert error.startswith(
        f"127.0.0.1:{port}: the server's certificate does not verify (certificate verify failed: "
        "self-signed certificate): "
    ), error
    assert error.endswith(
        "if it is signed by an authority of your own, add that authority's certificate to the system's "
        "trusted ones (update-ca-certificates), or name a file holding it in the SSL_CERT_FILE variable "
        "of the process sending the digests; if it is for another name, set NRTD_SMTP_HOST to that name"
    ), error


def test_a_server_that_cannot_be_reached_names_the_host_or_port_setting(
    engine: Engine, database_url: str
) -> None:
    # "[Errno -2] Name or service not known" for a misspelt NRTD_SMTP_HOST, "[Errno 111] Connection
    # refused" for a wrong NRTD_SMTP_PORT (or a server down): the settings were not named.
    build(engine)
    with smtp_server() as (_, closed_port):
        pass  # nothing listens there any more
    error = _error(engine, database_url, closed_port)
    assert error == (
        f"127.0.0.1:{closed_port}: nothing answers on port {closed_port} of 127.0.0.1 (connection refused): "
        "the server is down, or NRTD_SMTP_PORT is not its port (587 for submission with STARTTLS, 465 for "
        "TLS from the start, 25)"
    )
    with Session(engine) as db, db.begin():
        db.execute(update(OutboxMessage).values(next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC)))
    error = _error(engine, database_url, 587, smtp_host="mail.nrtd-no-such-host.invalid")
    assert error.startswith(
        "mail.nrtd-no-such-host.invalid:587: NRTD_SMTP_HOST=mail.nrtd-no-such-host.invalid names no host "
        "this machine can find ("
    ), error
    assert error.endswith("): check its spelling, and that this machine's DNS knows it"), error


def test_a_from_address_the_server_cannot_take_fails_no_digest_for_good(
    engine: Engine, database_url: str
) -> None:
    # An accented From address (a ministry's domain as it is spelt) and a server without SMTPUTF8: every
    # digest was marked failed for good, each blaming its recipient, for a fault of the settings.
    build(engine)
    with smtp_server(smtputf8=False) as (_, port):
        error = _error(engine, database_url, port, smtp_from="NRTD <nrtd@ministère.example>")
    assert error == (
        f"127.0.0.1:{port}: NRTD_SMTP_FROM=NRTD <nrtd@ministère.example> is written with letters other than "
        "ASCII, which this server does not take (it does not offer SMTPUTF8): give the address in ASCII "
        "(a domain in its xn-- form)"
    )


def test_a_server_that_does_not_start_tls_on_the_tls_port_names_the_port_setting(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NRTD_SMTP_PORT=465 (TLS from the start) where the server speaks plain SMTP or STARTTLS there:
    # "[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)".
    build(engine)
    with smtp_server() as (_, port):
        monkeypatch.setattr(smtp, "IMPLICIT_TLS_PORT", port)  # this server's port stands for 465
        error = _error(engine, database_url, port)
    assert error.startswith(
        f"127.0.0.1:{port}: the server did not answer in TLS, which NRTD_SMTP_PORT={port} starts at once ("
    ), error
    assert error.endswith(
        "): give the port where it does, or its submission port (587, with NRTD_SMTP_STARTTLS=true)"
    ), error
