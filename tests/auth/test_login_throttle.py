"""Login throttling cannot be turned against the account's owner (issue 9).

Before: five wrong passwords from anywhere refused the right password from every other address
for 15 minutes, and one address could keep four accounts locked. Now failures slow down the
(account, address) pair that made them; a flood from many addresses trips a per-account ceiling
that still lets the owner in from an address they logged in from before; an admin can unlock.
Failures are written straight to the table where the test needs many (Argon2 is slow).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.main import create_app
from app.models import AuditEvent, LoginFailure
from tests.accounts import PASSWORD, create_user

GUESSER = "203.0.113.66"
OWNER = "198.51.100.7"


@contextmanager
def _app(settings: Settings, **changes: int) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update=changes))
    try:
        yield app
    finally:
        app.state.engine.dispose()


def _login(app: FastAPI, address: str, email: str, password: str = PASSWORD) -> tuple[int, str | None]:
    with TestClient(app, client=(address, 40000)) as client:
        response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    return response.status_code, response.headers.get("Retry-After")


def _failures(engine: Engine, account: str, addresses: list[str], ago: timedelta = timedelta(0)) -> None:
    at = datetime.now(UTC) - ago
    with Session(engine) as session, session.begin():
        session.add_all(
            LoginFailure(account=account, address=address, failed_at=at, detail="wrong password")
            for address in addresses
        )


def _rows(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        failures = session.scalar(select(func.count()).select_from(LoginFailure)) or 0
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return failures, events


def test_a_guesser_elsewhere_locks_nobody_out(settings: Settings, engine: Engine) -> None:
    accounts = [f"user{n}@example.org" for n in range(4)]
    for email in accounts:
        create_user(engine, email, "coordinator")
    with _app(settings) as app:
        for email in accounts:  # five wrong passwords at each of four accounts, from one address
            for _ in range(settings.login_max_failures - 1):
                _failures(engine, email, [GUESSER])
            assert _login(app, GUESSER, email, "not the password")[0] == 401
        assert _login(app, GUESSER, accounts[0])[0] == 429  # the guesser waits, even with the password
        for email in accounts:  # every owner, at their own address, is not affected
            assert _login(app, OWNER, email)[0] == 200


def test_the_wait_doubles_with_each_failure_and_a_refusal_writes_nothing(
    settings: Settings, engine: Engine
) -> None:
    create_user(engine, "slow@example.org", "reader")
    free = settings.login_max_failures
    with _app(settings) as app:
        _failures(engine, "slow@example.org", [GUESSER] * free)
        status, wait = _login(app, GUESSER, "slow@example.org")
        assert status == 429 and wait is not None and 1 <= int(wait) <= 3  # 2 s
        _failures(engine, "slow@example.org", [GUESSER] * 3)
        before = _rows(engine)
        status, wait = _login(app, GUESSER, "slow@example.org")
        assert status == 429 and wait is not None and 15 <= int(wait) <= 17  # 2 ** 4 s
        assert _rows(engine) == before
        # Failures older than the window no longer count.
        with Session(engine) as session, session.begin():
            for failure in session.scalars(select(LoginFailure)):
                failure.failed_at = failure.failed_at - timedelta(seconds=settings.login_window_seconds)
        assert _login(app, GUESSER, "slow@example.org")[0] == 200


def test_a_flood_from_many_addresses_lets_the_owner_in_from_a_known_address(
    settings: Settings, engine: Engine
) -> None:
    create_user(engine, "boss@example.org", "admin")
    with _app(settings, login_max_failures_per_account=10) as app:
        assert _login(app, OWNER, "boss@example.org")[0] == 200  # the owner's usual address
        _failures(engine, "boss@example.org", [f"192.0.2.{n}" for n in range(10)])
        # The ceiling: an address the owner never used waits, whatever it sends ...
        status, wait = _login(app, "192.0.2.200", "boss@example.org")
        assert status == 429 and wait is not None and int(wait) >= 1
        # ... while the known address is still checked (a wrong password there is a plain 401).
        assert _login(app, OWNER, "boss@example.org", "not the password")[0] == 401
        # The owner's right password from the known address still gets in.
        assert _login(app, OWNER, "boss@example.org")[0] == 200


def test_known_addresses_are_kept_hashed(settings: Settings, engine: Engine) -> None:
    create_user(engine, "hashed@example.org", "reader")
    with _app(settings) as app:
        assert _login(app, OWNER, "hashed@example.org")[0] == 200
        assert _login(app, OWNER, "hashed@example.org")[0] == 200  # the same address again
    with Session(engine) as session:
        from app.models.accounts import KnownLoginAddress

        (known,) = session.scalars(select(KnownLoginAddress))
        assert OWNER not in known.address_hash and len(known.address_hash) == 64


def test_a_throttled_attempt_does_not_wait_for_the_sqlite_write_lock(
    settings: Settings, engine: Engine
) -> None:
    """An import (or any writer) holding SQLite's write lock does not delay a refusal: before, every
    login began with BEGIN IMMEDIATE and waited out the busy timeout, throttled or not."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no database-wide write lock")
    create_user(engine, "patient@example.org", "reader")
    _failures(engine, "patient@example.org", [GUESSER] * settings.login_max_failures)
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    try:
        with _app(settings) as app:
            holder.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            status, wait = _login(app, GUESSER, "patient@example.org")
            elapsed = time.monotonic() - started
            holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert status == 429 and wait is not None
    assert elapsed < 2, f"the refusal took {elapsed:.1f} s"
