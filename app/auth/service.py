"""Bearer tokens, staff sessions and API keys: who a credential belongs to. No FastAPI here. Logging
in is in ``app.auth.login``, its throttling in ``app.auth.throttle``.

Tokens and API keys are random 256-bit secrets: only their SHA-256 is stored, so a leaked
database does not hand out sessions. The user (role, entity, active) is read on every request,
so deactivating someone or changing their role takes effect on their next request.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError
from sqlalchemy import Connection, bindparam, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.audit.service import record
from app.auth.permissions import refuse
from app.auth.schemas import EntityRef, MeOut
from app.core.actor import FOCAL_POINT, Actor, Anonymous
from app.core.errors import Unauthorized
from app.core.timestamps import as_utc
from app.models import ApiKey, AuthToken, Entity, User

API_KEY_PREFIX = "nrtd_"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_api_key_secret() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def canonical_email(typed: str) -> str | None:
    """An address as accounts store it, read by the rule their email is made with (a domain in
    Unicode, as an "xn--" domain is stored; accents composed), lower-cased; None for no address."""
    try:
        _name, address = validate_email(typed.strip())
    except PydanticCustomError:
        return None
    return normalise_email(address)


def _now() -> datetime:
    return datetime.now(UTC)


def logout(session: Session, actor: Actor) -> None:
    """Revoke the token or session the request came with. An API key is revoked by an admin instead: its
    logout is refused, not answered 204, so that a script does not believe its key ended while it works on."""
    if actor.api_key_id is not None:
        revoke = f"/api/v1/api-keys/{actor.api_key_id}/revoke"
        raise refuse(
            actor,
            f"an API key does not log out: an admin revokes it (POST {revoke})",
            "api_key",
            actor.api_key_id,
        )
    if actor.token_id is None:
        return
    token = session.get(AuthToken, actor.token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = _now()
        record(session, actor, "auth.logout", "user", actor.user_id)
        session.flush()


def _archived_entity(session: Session, role: str, entity_id: int | None) -> str | None:
    """The name of a focal point's entity if it is archived (the one place the actor's entity is
    resolved for writing: ``app.auth.permissions.ensure_writes_allowed`` refuses their writes)."""
    if role != FOCAL_POINT or entity_id is None:
        return None
    return session.scalar(select(Entity.name).where(Entity.id == entity_id, Entity.archived.is_(True)))


def _user_actor(session: Session, user: User, token: AuthToken, who: Anonymous) -> Actor:
    return Actor(
        role=user.role,
        label=user.email,
        user_id=user.id,
        entity_id=user.entity_id,
        token_id=token.id,
        password_change_required=user.must_change_password,
        request_id=who.request_id,
        client_ip=who.client_ip,
        archived_entity=_archived_entity(session, user.role, user.entity_id),
    )


# The credentials' lookups, built once (a statement is immutable): building one and its cache key
# on every request cost more than running it.
_TOKEN_AND_USER = (
    select(AuthToken, User)
    .join(User, User.id == AuthToken.user_id)
    .where(AuthToken.token_hash == bindparam("token_hash"), AuthToken.kind == bindparam("kind"))
)
_KEY_BY_HASH = select(ApiKey).where(ApiKey.key_hash == bindparam("key_hash"))


def _token_and_user(session: Session, secret: str, kind: str) -> tuple[AuthToken, User] | None:
    row = session.execute(_TOKEN_AND_USER, {"token_hash": secret_hash(secret), "kind": kind}).first()
    return None if row is None else (row.AuthToken, row.User)


def authenticate(session: Session, credential: str, who: Anonymous, *, touch: bool = True) -> Actor:
    """The actor behind a bearer token or API key; 401 for anything unknown, expired or revoked.
    A staff session's secret is not a bearer token: it authenticates the staff pages only. ``touch``
    false: a look that writes nothing (an API key's last use is left to the request's own check)."""
    if credential.startswith(API_KEY_PREFIX):
        return _api_key_actor(session, credential, who, touch=touch)
    found = _token_and_user(session, credential, "bearer")
    if found is None:
        raise Unauthorized("unknown token: log in again")
    token, user = found
    if token.revoked_at is not None or as_utc(token.expires_at) <= _now():
        raise Unauthorized("the token has expired or was revoked: log in again")
    if not user.active:
        raise Unauthorized("the account is deactivated")
    return _user_actor(session, user, token, who)


@dataclass(frozen=True, slots=True)
class StaffSession:
    """A signed-in browser: who, and the token its forms must send back (CSRF)."""

    actor: Actor
    csrf_token: str


# The idle clock is written at most this often, not on every page: a page view stays a read.
TOUCH_EVERY = timedelta(minutes=1)


def authenticate_session(
    session: Session, secret: str, who: Anonymous, idle: timedelta, *, touch: bool = True
) -> StaffSession:
    """The staff session behind a cookie; 401 when unknown, revoked, past its absolute lifetime, or
    unused for longer than ``idle`` (for good: its idle clock is never written again). ``touch``
    false: a look that writes nothing (the idle clock is left to the request's own check)."""
    found = _token_and_user(session, secret, "session")
    if found is None:
        raise Unauthorized("you are not signed in")
    token, user = found
    now = _now()
    if token.revoked_at is not None or as_utc(token.expires_at) <= now:
        raise Unauthorized("your session has ended: sign in again")
    if not user.active:
        raise Unauthorized("the account is deactivated")
    last_used = as_utc(token.last_used_at or token.created_at)
    if now - last_used > idle:
        raise Unauthorized("your session ended after a time without activity: sign in again")
    if touch and now - last_used > TOUCH_EVERY:
        token.last_used_at = now
        session.flush()
    assert token.csrf_token is not None
    return StaffSession(_user_actor(session, user, token, who), token.csrf_token)


# When this process last failed to write each key's last use (by its hash, which no other key has):
# a write that could not have its lock (an import holding SQLite's) is tried again a minute later,
# not on every request of the key meanwhile.
_use_not_noted: dict[str, float] = {}


def _note_key_use(session: Session, key: ApiKey, now: datetime) -> None:
    """Write when ``key`` was last used, at most once a minute (``TOUCH_EVERY``): a key's reads stay
    reads between. The write never holds the request up or fails it: it waits for no lock (SQLite:
    it gives up at once; PostgreSQL: a row another request of the key is writing is skipped), and one
    that could not be made is made by a later request.

    It is made in a savepoint of the request's transaction, except in a SQLite read: there it would
    take the database's write lock and keep it until the response, and the public rate limit, which
    counts in the same file meanwhile, found it taken (the count failed after 250 ms). A read writes
    it in a transaction of its own, committed at once."""
    if key.last_used_at is not None and now - as_utc(key.last_used_at) <= TOUCH_EVERY:
        return
    clock = time.monotonic()
    if clock - _use_not_noted.get(key.key_hash, float("-inf")) <= TOUCH_EVERY.total_seconds():
        return
    conn = session.connection()
    try:
        if conn.dialect.name == "sqlite" and not conn.get_execution_options().get("sqlite_immediate"):
            with conn.engine.connect() as own, own.begin():
                _write_key_use(own, key.id, now)
        else:
            with session.begin_nested():
                _write_key_use(conn, key.id, now)
    except OperationalError:
        _use_not_noted[key.key_hash] = clock  # locked: a later request writes it


def _write_key_use(conn: Connection, key_id: int, now: datetime) -> None:
    stale = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - TOUCH_EVERY)
    free = select(ApiKey.id).where(ApiKey.id == key_id, stale).with_for_update(skip_locked=True)
    waits = conn.exec_driver_sql("PRAGMA busy_timeout").scalar() if conn.dialect.name == "sqlite" else None
    try:
        if waits is not None:
            conn.exec_driver_sql("PRAGMA busy_timeout=0")
        conn.execute(update(ApiKey).where(ApiKey.id == free.scalar_subquery()).values(last_used_at=now))
    finally:
        if waits is not None:
            conn.exec_driver_sql(f"PRAGMA busy_timeout={int(waits)}")


def _api_key_actor(session: Session, credential: str, who: Anonymous, *, touch: bool) -> Actor:
    key = session.scalar(_KEY_BY_HASH, {"key_hash": secret_hash(credential)})
    now = _now()
    if key is None:
        raise Unauthorized("unknown API key")
    if key.revoked_at is not None or (key.expires_at is not None and as_utc(key.expires_at) <= now):
        raise Unauthorized("the API key has expired or was revoked")
    if touch:
        _note_key_use(session, key, now)
    return Actor(
        role=key.role,
        label=f"api-key:{key.name}",
        api_key_id=key.id,
        entity_id=key.entity_id,
        read_only=key.scope == "read",
        request_id=who.request_id,
        client_ip=who.client_ip,
        archived_entity=_archived_entity(session, key.role, key.entity_id),
    )


def describe(session: Session, actor: Actor) -> MeOut:
    """The caller as /me shows it: the user or API key, its role and entity."""
    entity = session.get(Entity, actor.entity_id) if actor.entity_id else None
    entity_ref = EntityRef(id=entity.id, name=entity.name, acronym=entity.acronym) if entity else None
    if actor.user_id is not None:
        user = session.get(User, actor.user_id)
        assert user is not None
        return MeOut(
            kind="user",
            id=user.id,
            email=user.email,
            name=user.full_name,
            role=actor.role,
            entity=entity_ref,
            read_only=False,
        )
    key = session.get(ApiKey, actor.api_key_id)
    assert key is not None
    return MeOut(
        kind="api_key",
        id=key.id,
        email=None,
        name=key.name,
        role=actor.role,
        entity=entity_ref,
        read_only=actor.read_only,
    )
