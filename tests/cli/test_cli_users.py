"""``nrtd users create`` and ``unlock`` against the test database, run in this process
(``tests.cli_runner``) as an operator named "operator"; the first admin also by a process of its own."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.auth.passwords import verify_password
from app.core import db as core_db
from app.core.config import Settings
from app.import_runs.lock import import_lock
from app.models import AuditEvent, LoginFailure, User
from tests.accounts import PASSWORD as ACCOUNT_PASSWORD
from tests.accounts import create_entity, create_user
from tests.apps import app_for
from tests.cli_runner import run_cli
from tests.conftest import ROOT

PASSWORD = "a long enough admin passphrase"
# The command hashes at production cost; the logins here check those hashes as a server would.
pytestmark = pytest.mark.argon2_cost


OPERATOR = {"USER": "operator", "LOGNAME": "operator"}


def users_create(
    database_url: str, *args: str, stdin: str = PASSWORD + "\n", process: bool = False
) -> subprocess.CompletedProcess[str]:
    if not process:
        env = {"NRTD_DATABASE_URL": database_url, **OPERATOR}
        return run_cli(["users", "create", *args], env=env, input=stdin)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "users", "create", *args],
        cwd=ROOT,
        env={**os.environ, "NRTD_DATABASE_URL": database_url, **OPERATOR},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _users(engine: Engine) -> list[User]:
    with Session(engine) as session:
        return list(session.scalars(select(User).order_by(User.id)))


@pytest.mark.slow
def test_creates_the_first_admin_who_can_log_in(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    result = users_create(
        database_url,
        *("Admin@Example.org", "--role", "admin", "--name", "First Admin", "--password-stdin"),
        process=True,
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
    app = app_for(settings)
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


@pytest.mark.slow
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


EMPTY_PASSWORD = (
    "password: standard input held none (an empty line, or nothing): pipe it in, e.g. "
    "printf '%s\\n' \"$PASSWORD\" | nrtd users create ... --password-stdin\n"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["weak@example.org", "--role", "admin", "--password-stdin"], "short\n", "at least 12 characters"),
        (
            ["weak@example.org", "--role", "admin", "--password-stdin"],
            "password1234\n",
            "password: is too easy to guess (this is a very common password)",
        ),
        (
            ["jo.weakling@example.org", "--role", "admin", "--password-stdin"],
            "jo.weakling.2026\n",
            "password: is too easy to guess (it is made of the account's email or name)",
        ),
        (["nostdin@example.org", "--role", "admin"], PASSWORD, "--password-stdin"),
        (["fp@example.org", "--role", "focal_point", "--password-stdin"], PASSWORD, "--entity"),
        (
            ["fp@example.org", "--role", "focal_point", "--entity", "9999", "--password-stdin"],
            PASSWORD,
            "--entity",
        ),
        (["x@example.org", "--role", "superuser", "--password-stdin"], PASSWORD, "--role"),
        (["not-an-email", "--role", "reader", "--password-stdin"], PASSWORD, "EMAIL"),
        # Before: "must be at least 12 characters", as if one had been given (a pipe from an unset
        # variable, or `docker compose run -T` with nothing piped in).
        *[
            (["empty@example.org", "--role", "reader", "--password-stdin"], empty, EMPTY_PASSWORD)
            for empty in ("", "\n", "\r\n")
        ],
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


@pytest.mark.slow
def test_a_password_file_saved_in_a_legacy_encoding_is_refused_in_one_line(
    engine: Engine, database_url: str
) -> None:
    # `nrtd users create ... --password-stdin < password.txt`, the file saved by a Windows editor in
    # Windows-1252: a traceback (UnicodeEncodeError: surrogates not allowed, or UnicodeDecodeError).
    env = {"NRTD_DATABASE_URL": database_url, **OPERATOR}
    args = ["users", "create", "latin@example.org", "--role", "reader", "--password-stdin"]
    result = run_cli(args, env=env, input="contraseña muy larga de verdad\n".encode("cp1252"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "password: standard input is not UTF-8 (at its byte 9): save the password's file "
        "as UTF-8, or pipe it in, e.g. printf '%s\\n' \"$PASSWORD\" | nrtd users create ... "
        "--password-stdin\n"
    )
    assert "Traceback" not in result.stderr and result.stdout == ""  # nor any of the password
    assert _users(engine) == []


@pytest.mark.slow
def test_a_password_file_starting_with_a_byte_order_mark_holds_the_password_alone(
    engine: Engine, database_url: str
) -> None:
    # Notepad saves "UTF-8" with a byte-order mark: it became the password's first character, and the
    # admin could never sign in with the password they had typed.
    env = {"NRTD_DATABASE_URL": database_url, **OPERATOR}
    args = ["users", "create", "bom@example.org", "--role", "admin", "--password-stdin"]
    result = run_cli(args, env=env, input=b"\xef\xbb\xbf" + PASSWORD.encode() + b"\r\n")
    assert result.returncode == 0, result.stderr
    (user,) = _users(engine)
    assert verify_password(user.password_hash, PASSWORD)


ENTITY_HINT = (
    "; an entity's id is on the staff workspace's page /staff/entities (an admin or a coordinator "
    "creates the entities there, or with POST /api/v1/entities) and in GET /api/v1/entities"
)


@pytest.mark.slow
def test_a_focal_point_without_a_known_entity_says_where_ids_are(engine: Engine, database_url: str) -> None:
    # Before: "choose one" and "no such entity", with no word of where an operator at a shell, on a
    # new instance with no entity yet, finds or makes one.
    for args, reason in (
        ([], "a focal point needs the entity they work for: choose one"),
        (["--entity", "9999"], "no such entity"),
    ):
        result = users_create(
            database_url, "fp@example.org", "--role", "focal_point", *args, "--password-stdin", stdin=PASSWORD
        )
        assert result.returncode == 2
        assert result.stderr == f"--entity: {reason}{ENTITY_HINT}\n"
    assert _users(engine) == []


@pytest.mark.slow
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


def users_unlock(database_url: str, email: str) -> subprocess.CompletedProcess[str]:
    return run_cli(["users", "unlock", email], env={"NRTD_DATABASE_URL": database_url, **OPERATOR})


@pytest.mark.slow
def test_unlock_forgets_the_accounts_failed_logins_and_is_audited(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    user_id = create_user(engine, "locked@example.org", "admin")
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add_all(
            LoginFailure(account=account, address=f"192.0.2.{n}", failed_at=now, detail="wrong password")
            for n in range(settings.login_max_failures_per_account)
            for account in ("locked@example.org", "someone.else@example.org")
        )
    app = app_for(settings)
    try:
        with TestClient(app) as client:
            form = {"username": "locked@example.org", "password": ACCOUNT_PASSWORD}
            assert client.post("/api/v1/auth/token", data=form).status_code == 429
            result = users_unlock(database_url, "Locked@Example.org")
            assert result.returncode == 0, result.stderr
            assert f"forgot {settings.login_max_failures_per_account} failed logins" in result.stderr
            assert client.post("/api/v1/auth/token", data=form).status_code == 200
    finally:
        app.state.engine.dispose()
    with Session(engine) as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "user.unlock"))
        assert event.actor == "cli:operator" and event.object_id == user_id
        assert event.after == {"failed_logins_cleared": settings.login_max_failures_per_account}
        # Other accounts' failures stay.
        left = session.scalars(select(LoginFailure.account).distinct()).all()
        assert left == ["someone.else@example.org"]


@pytest.mark.slow
def test_unlock_of_an_unknown_email_exits_1(engine: Engine, database_url: str) -> None:
    result = users_unlock(database_url, "nobody@example.org")
    assert result.returncode == 1
    assert "no user has the email nobody@example.org" in result.stderr


# -- a write lock held by another process (SQLite: an import holds it for its whole run) -----------


@contextmanager
def _write_lock_held(engine: Engine, seconds: float | None = None) -> Iterator[None]:
    """Another connection's write transaction on the test's SQLite file, for ``seconds`` or throughout."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, holder.execute, ("ROLLBACK",)) if seconds else None
    try:
        if release:
            release.start()
        yield
    finally:
        if release:
            release.join()
        else:
            holder.execute("ROLLBACK")
        holder.close()


def test_users_commands_wait_for_the_write_lock(engine: Engine, database_url: str) -> None:
    create_user(engine, "locked@example.org", "admin")
    for command in (["unlock", "locked@example.org"], ["create", "new@example.org", "--role", "reader"]):
        started = time.monotonic()
        with _write_lock_held(engine, seconds=1.0):
            if command[0] == "unlock":
                result = users_unlock(database_url, *command[1:])
            else:
                result = users_create(database_url, *command[1:], "--password-stdin")
        assert result.returncode == 0, result.stderr  # it waited (30 s at most) rather than failing at once
        assert time.monotonic() - started >= 0.9
    assert [u.email for u in _users(engine)] == ["locked@example.org", "new@example.org"]


def test_users_commands_still_locked_out_say_so_in_one_line_and_exit_75(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core_db, "DEFAULT_SQLITE_BUSY_SECONDS", 0.5)  # the CLI's 30 s, shortened
    create_user(engine, "locked@example.org", "admin")
    with import_lock(engine, ttl_seconds=60), _write_lock_held(engine):
        unlock = users_unlock(database_url, "locked@example.org")
        create = users_create(database_url, "new@example.org", "--role", "reader", "--password-stdin")
    for result in (unlock, create):
        assert result.returncode == 75, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr == (
            "the database stayed locked for 0.5 s (an import is running and holds it): nothing was "
            "changed; try again later\n"
        )
    assert [u.email for u in _users(engine)] == ["locked@example.org"]
