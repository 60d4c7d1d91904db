"""``nrtd users create`` as an operator runs it: real subprocesses against the test database."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.auth.passwords import verify_password
from app.core.config import Settings
from app.main import create_app
from app.models import AuditEvent, User
from tests.accounts import create_entity
from tests.conftest import ROOT

PASSWORD = "a long enough admin passphrase"


def users_create(
    database_url: str, *args: str, stdin: str = PASSWORD + "\n"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "users", "create", *args],
        cwd=ROOT,
        env={**os.environ, "NRTD_DATABASE_URL": database_url, "USER": "operator", "LOGNAME": "operator"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _users(engine: Engine) -> list[User]:
    with Session(engine) as session:
        return list(session.scalars(select(User).order_by(User.id)))


def test_creates_the_first_admin_who_can_log_in(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    result = users_create(
        database_url, "Admin@Example.org", "--role", "admin", "--name", "First Admin", "--password-stdin"
    )
    assert result.returncode == 0, result.stderr
    (user,) = _users(engine)
    assert result.stdout.strip() == str(user.id)
    assert user.email == "admin@example.org" and user.role == "admin" and user.full_name == "First Admin"
    assert user.active and verify_password(user.password_hash, PASSWORD)
    with Session(engine) as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.create"))
        assert event.actor == "cli:operator" and event.actor_role == "admin" and event.object_id == user.id
        assert event.actor_user_id is None
    app = create_app(settings)
    try:
        with TestClient(app) as client:
            login = client.post(
                "/api/v1/auth/token", data={"username": "admin@example.org", "password": PASSWORD}
            )
            assert login.status_code == 200
            token = login.json()["access_token"]
            assert (
                client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"}).status_code == 200
            )
    finally:
        app.state.engine.dispose()


def test_focal_point_with_entity_and_crlf_password(engine: Engine, database_url: str) -> None:
    entity_id = create_entity(engine, "Ministry of Justice")
    result = users_create(
        database_url,
        "fp@example.org",
        "--role",
        "focal_point",
        "--entity",
        str(entity_id),
        "--password-stdin",
        stdin=PASSWORD + "\r\n",
    )
    assert result.returncode == 0, result.stderr
    (user,) = _users(engine)
    assert user.entity_id == entity_id and verify_password(user.password_hash, PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["weak@example.org", "--role", "admin", "--password-stdin"], "short\n", "at least 12 characters"),
        (["nostdin@example.org", "--role", "admin"], PASSWORD, "--password-stdin"),
        (["fp@example.org", "--role", "focal_point", "--password-stdin"], PASSWORD, "--entity"),
        (
            ["fp@example.org", "--role", "focal_point", "--entity", "9999", "--password-stdin"],
            PASSWORD,
            "--entity",
        ),
        (["x@example.org", "--role", "superuser", "--password-stdin"], PASSWORD, "--role"),
        (["not-an-email", "--role", "reader", "--password-stdin"], PASSWORD, "EMAIL"),
        (["empty@example.org", "--role", "reader", "--password-stdin"], "", "password"),
    ],
)
def test_refusals_exit_2_with_a_clear_message(
    engine: Engine, database_url: str, args: list[str], stdin: str, message: str
) -> None:
    result = users_create(database_url, *args, stdin=stdin)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stdout == ""
    assert _users(engine) == []


def test_duplicate_email_exits_1(engine: Engine, database_url: str) -> None:
    assert (
        users_create(database_url, "dup@example.org", "--role", "reader", "--password-stdin").returncode == 0
    )
    again = users_create(database_url, "DUP@example.org", "--role", "admin", "--password-stdin")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 1
        assert session.scalar(select(User.role)) == "reader"
