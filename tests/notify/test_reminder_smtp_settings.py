"""An SMTP server that turns the digests away because of the settings (no STARTTLS where it is asked
for, a login it refuses or does not offer): the reason names the setting to change, in words, where
the run printed the library's text (`STARTTLS extension not supported by server.`, `(535,
b'5.7.8 Authentication credentials invalid')`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine

from app.notify.service import run_reminders
from tests.notify.reminder_world import build, outbox, settings_for
from tests.smtp import smtp_server


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
