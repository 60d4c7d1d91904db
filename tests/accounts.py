"""Accounts for tests: entities, users and tokens written straight to the database.

Tokens are made the way a login makes them (a random secret, its SHA-256 stored), without
paying for an Argon2 hash per test; logging in for real is tested in tests/auth/test_auth.py.
Each takes where to write: the committed engine, or a rolled-back test's connection (``db``), whose
transaction they join through a savepoint.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.auth import passwords
from app.auth.service import secret_hash
from app.models import AuthToken, Entity, User

PASSWORD = "correct horse battery staple"
_password_hashes: dict[int, str] = {}


def password_hash() -> str:
    """PASSWORD's hash, made once per hasher (tests/conftest.py: cheap, or at production cost)."""
    hasher = passwords._hasher
    if id(hasher) not in _password_hashes:
        _password_hashes[id(hasher)] = passwords.hash_password(PASSWORD)
    return _password_hashes[id(hasher)]


def create_entity(
    bind: Engine | Connection, name: str, *, kind: str = "ministry", acronym: str | None = None
) -> int:
    with Session(bind, join_transaction_mode="create_savepoint") as session, session.begin():
        entity = Entity(name=name, kind=kind, acronym=acronym)
        session.add(entity)
        session.flush()
        return entity.id


def create_user(
    bind: Engine | Connection,
    email: str,
    role: str,
    *,
    entity_id: int | None = None,
    active: bool = True,
    must_change_password: bool = False,
    full_name: str | None = None,
) -> int:
    with Session(bind, join_transaction_mode="create_savepoint") as session, session.begin():
        user = User(
            email=email,
            full_name=full_name,
            role=role,
            entity_id=entity_id,
            password_hash=password_hash(),
            active=active,
            must_change_password=must_change_password,
        )
        session.add(user)
        session.flush()
        return user.id


def issue_token(bind: Engine | Connection, user_id: int, *, ttl: timedelta = timedelta(hours=1)) -> str:
    token = secrets.token_urlsafe(32)
    with Session(bind, join_transaction_mode="create_savepoint") as session, session.begin():
        session.add(
            AuthToken(token_hash=secret_hash(token), user_id=user_id, expires_at=datetime.now(UTC) + ttl)
        )
    return token


def issue_session(
    bind: Engine | Connection,
    user_id: int,
    *,
    ttl: timedelta = timedelta(hours=12),
    last_used: datetime | None = None,
) -> tuple[str, str]:
    """A staff workspace session, as signing in makes one: (the cookie's secret, its CSRF token)."""
    secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with Session(bind, join_transaction_mode="create_savepoint") as session, session.begin():
        session.add(
            AuthToken(
                token_hash=secret_hash(secret),
                user_id=user_id,
                kind="session",
                csrf_token=csrf,
                created_at=now,
                last_used_at=last_used or now,
                expires_at=now + ttl,
            )
        )
    return secret, csrf


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def headers_for(
    bind: Engine | Connection, role: str, *, entity_id: int | None = None, email: str | None = None
) -> dict[str, str]:
    """Authorization headers of a new user with ``role`` (and ``entity_id``)."""
    email = email or f"{role}-{secrets.token_hex(4)}@example.org"
    return bearer(issue_token(bind, create_user(bind, email, role, entity_id=entity_id)))
