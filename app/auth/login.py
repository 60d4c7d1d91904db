"""Logging in: check the throttle, verify the password, then write, in that order.

A login is three short steps, each its own unit of work, because the password check is slow
(Argon2, a few hundred milliseconds of CPU) and must not hold anything other requests wait for:

1. read: is this account or address throttled, and the user's hash. Reads only, so on SQLite it
   never takes the write lock, and a throttled attempt ends here having written nothing.
2. verify the password with no database connection held, in one of the process's few
   verification slots (a flood is told 503 instead of queueing on the CPU and the memory).
3. write: the failure (one row and its audit event) or the token, in a transaction of a few
   milliseconds that takes SQLite's write lock at its start instead of upgrading a read snapshot.

So this function owns its transactions: the one exception to "the request commits once".
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from anyio import to_thread
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.audit.service import event, record
from app.auth import throttle
from app.auth.passwords import hash_password, needs_rehash, verification_slots, verify_password
from app.auth.service import canonical_email, secret_hash
from app.core.actor import Actor, Anonymous
from app.core.config import Settings
from app.core.db import session_scope
from app.core.errors import TemporaryPasswordExpired, TooManyRequests, Unauthorized
from app.models import AuthToken, User

log = logging.getLogger(__name__)

WRONG_CREDENTIALS = "wrong email or password, or the account is deactivated"
# What a login names as the account tried when what was typed is no email address: most often the
# password, typed in the email box. The audit trail (read by every coordinator, never changed), the
# throttle's table and the log keep this instead of it. No account has it as its email.
NOT_AN_EMAIL = "(not an email address)"


def _account_tried(email: str) -> str:
    """The account as it is stored (``canonical_email``), or NOT_AN_EMAIL."""
    return canonical_email(email) or NOT_AN_EMAIL


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime
    csrf_token: str | None = None  # a staff session's token for its forms


@dataclass(frozen=True, slots=True)
class _Grant:
    """What a successful login hands out: a bearer token for the API, or a staff browser session."""

    kind: str
    lifetime: timedelta


@dataclass(frozen=True, slots=True)
class _Candidate:
    user_id: int | None
    password_hash: str | None
    active: bool


@contextmanager
def _writing(engine: Engine) -> Iterator[Session]:
    """A short unit of work that takes SQLite's write lock at BEGIN (plain BEGIN elsewhere)."""
    with Session(engine, expire_on_commit=False) as session:
        session.connection(execution_options={"sqlite_immediate": True})
        yield session
        session.commit()


def _read(engine: Engine, settings: Settings, account: str, address: str, now: datetime) -> _Candidate:
    with session_scope(engine) as session:
        user = session.execute(
            select(User.id, User.password_hash, User.active).where(User.email == account)
        ).first()
        refused = throttle.check(session, settings, account, address, user.id if user else None, now)
    if refused is not None:
        # Not audited one by one: under a flood that would be a write per attempt, the very load
        # this refusal exists to shed. The failure that started the throttle is audited instead.
        log.warning(
            "login throttled per %s for %r from %s: retry after %ss",
            refused.scope,
            account,
            address,
            refused.retry_after,
        )
        raise TooManyRequests(
            "too many failed logins for this account from this address, or from this address; "
            "try again later",
            retry_after=refused.retry_after,
        )
    if user is None:
        return _Candidate(None, None, False)
    return _Candidate(user.id, user.password_hash, user.active)


def _record_failure(
    engine: Engine, settings: Settings, who: Anonymous, account: str, address: str, candidate: _Candidate
) -> None:
    if candidate.user_id is None:
        reason = "unknown account"
    else:
        reason = "inactive" if not candidate.active else "wrong password"
    now = datetime.now(UTC)
    with _writing(engine) as session:
        started = throttle.record_failure(session, settings, account, address, reason, now)
        session.add(
            event(
                who, "auth.login_failed", "user", candidate.user_id, after={"reason": reason}, claimed=account
            )
        )
        if started is not None:
            session.add(
                event(
                    who,
                    "auth.login_throttled",
                    "user",
                    candidate.user_id,
                    after={"per": started.scope, "retry_after": started.retry_after},
                    claimed=account,
                )
            )


def _issue(
    engine: Engine,
    settings: Settings,
    who: Anonymous,
    account: str,
    address: str,
    user_id: int,
    new_hash: str | None,
    grant: _Grant,
) -> IssuedToken | None:
    """The token, or None for a temporary password set too long ago (the refusal audited)."""
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    expires_at = now + grant.lifetime
    csrf_token = secrets.token_urlsafe(32) if grant.kind == "session" else None
    with _writing(engine) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:  # deactivated while the password was being checked
            raise Unauthorized(WRONG_CREDENTIALS)
        if _temporary_expired(user, settings, now):
            # Audited (committed with this unit of work), nothing issued; refused below.
            reason = {"reason": "temporary password expired"}
            session.add(event(who, "auth.login_failed", "user", user.id, after=reason, claimed=account))
            return None
        if new_hash is not None:
            user.password_hash = new_hash
        user.last_login_at = now
        throttle.clear_pair(session, account, address)
        throttle.remember_address(session, user.id, address, now)
        session.add(
            AuthToken(
                token_hash=secret_hash(token),
                user_id=user.id,
                kind=grant.kind,
                csrf_token=csrf_token,
                created_at=now,
                last_used_at=now,
                expires_at=expires_at,
            )
        )
        actor = Actor(
            role=user.role,
            label=user.email,
            user_id=user.id,
            entity_id=user.entity_id,
            request_id=who.request_id,
            client_ip=who.client_ip,
        )
        record(session, actor, "auth.login", "user", user.id, after={"via": grant.kind})
    return IssuedToken(token=token, expires_at=expires_at, csrf_token=csrf_token)


def _temporary_expired(user: User, settings: Settings, now: datetime) -> bool:
    """A temporary password (``must_change_password``) set more than the allowed days ago."""
    if not user.must_change_password or user.password_set_at is None:
        return False
    set_at = user.password_set_at
    if set_at.tzinfo is None:  # SQLite hands back naive UTC
        set_at = set_at.replace(tzinfo=UTC)
    return now - set_at > timedelta(days=settings.temporary_password_days)


def _verify(candidate: _Candidate, password: str) -> tuple[bool, str | None]:
    """Whether the password is right, and its new hash when the stored one uses old parameters."""
    valid = verify_password(candidate.password_hash, password)
    if valid and candidate.password_hash is not None and needs_rehash(candidate.password_hash):
        return True, hash_password(password)
    return valid, None


async def login(
    engine: Engine,
    settings: Settings,
    who: Anonymous,
    email: str,
    password: str,
    *,
    staff_session: bool = False,
) -> IssuedToken:
    """A new bearer token (or, with ``staff_session``, a staff workspace session and its CSRF token)
    for valid credentials of an active user; 401 otherwise, 429 while throttled, 503 with
    Retry-After when too many passwords are being checked at once. One throttle for both.

    Each step runs in a worker thread; waiting for a verification slot holds none.
    """
    account = _account_tried(email)
    address = throttle.address_of(who.client_ip)
    candidate = await to_thread.run_sync(_read, engine, settings, account, address, datetime.now(UTC))
    async with verification_slots(settings.login_verify_slots, settings.login_verify_wait).slot():
        valid, new_hash = await to_thread.run_sync(_verify, candidate, password)
    if not valid or not candidate.active or candidate.user_id is None:
        await to_thread.run_sync(_record_failure, engine, settings, who, account, address, candidate)
        raise Unauthorized(WRONG_CREDENTIALS)
    grant = (
        _Grant("session", timedelta(hours=settings.staff_session_max_hours))
        if staff_session
        else _Grant("bearer", timedelta(minutes=settings.token_ttl_minutes))
    )
    issued = await to_thread.run_sync(
        _issue, engine, settings, who, account, address, candidate.user_id, new_hash, grant
    )
    if issued is None:
        raise TemporaryPasswordExpired(
            f"this temporary password was set more than {settings.temporary_password_days} days ago and "
            "no longer signs in: ask an administrator for a new one"
        )
    return issued
