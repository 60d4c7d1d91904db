"""A signed-in user replacing their own password (``POST /api/v1/me/password``, the staff password page).

The current password is asked for so that whoever holds a session or a token (a stolen token, a
workstation left signed in) cannot make the account theirs. That check is a password guess like a
login's, so it is held to the login's throttle (``app.auth.throttle``): a wrong current password
counts as a failed login of the account from the caller's address, and once the account and
address have had ``NRTD_LOGIN_MAX_FAILURES`` failures the change is refused with 429 and
Retry-After, the right password included, before any password is checked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.audit.service import event, record
from app.auth import throttle
from app.auth.passwords import (
    PreparedHash,
    VerifiedPassword,
    new_password_hash,
    password_matches,
    verify_password,
)
from app.auth.service import normalise_email
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.config import Settings
from app.core.errors import InvalidInput, NotFound, TooManyRequests
from app.models import AuthToken, LoginFailure, User
from app.users.password_policy import MAX_LENGTH, password_problem

WRONG_CURRENT = "wrong current password"


def _user(session: Session, actor: Actor) -> User:
    if actor.user_id is None:
        raise InvalidInput(
            "an API key has no password", errors=[{"field": "current_password", "reason": _("no password")}]
        )
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(f"user {actor.user_id} does not exist")
    return user


def _refused_guess(account: str, address: str, actor: Actor, user_id: int, now: datetime) -> InvalidInput:
    """The 422 of a wrong current password, carrying the failure the throttle counts and its audit
    event: the request's own writes are rolled back, these are kept (``DomainError.persist``)."""
    failure = LoginFailure(account=account, address=address, failed_at=now, detail=WRONG_CURRENT)
    audited = event(actor, "auth.login_failed", "user", user_id, after={"reason": WRONG_CURRENT})
    return InvalidInput(
        "the current password is wrong",
        errors=[{"field": "current_password", "reason": _("does not match your current password")}],
        persist=[failure, audited],
    )


def _throttle(
    session: Session, settings: Settings, actor: Actor, user: User, now: datetime
) -> tuple[str, str, throttle.Throttle | None]:
    """The account and address a guess of the current password counts for, and the login throttle's
    refusal of them if any."""
    account = normalise_email(user.email)
    address = throttle.address_of(actor.client_ip)
    return account, address, throttle.check(session, settings, account, address, user.id, now)


def verify_beforehand(
    session: Session, settings: Settings, actor: Actor, current: object
) -> VerifiedPassword | None:
    """``change_own_password``'s verification of the current password, made before the write
    transaction opens (``app.users.prehash``), in a read of its own; the change then takes its
    answer. None where nothing is verified yet: an API key, no password sent, or a pair the throttle
    holds back (the change then refuses without a guess, as always)."""
    if not isinstance(current, str) or not current or len(current) > MAX_LENGTH or actor.user_id is None:
        return None
    user = session.get(User, actor.user_id)
    if user is None or _throttle(session, settings, actor, user, datetime.now(UTC))[2] is not None:
        return None
    return VerifiedPassword(current, user.password_hash, verify_password(user.password_hash, current))


def change_own_password(
    session: Session,
    settings: Settings,
    actor: Actor,
    current: str,
    new: str,
    *,
    prepared: PreparedHash | None = None,
    verified: VerifiedPassword | None = None,
) -> None:
    """The current password is required (and throttled as a login is), the new one must pass the
    password policy and differ. Every other session and token of theirs ends; this one stays.
    ``prepared``: the new password's hash, ``verified``: the current one's verification, both made
    before the transaction opened (``app.users.prehash``)."""
    user = _user(session, actor)
    now = datetime.now(UTC)
    account, address, refused = _throttle(session, settings, actor, user, now)
    if refused is not None:
        raise TooManyRequests(
            # The sign-in form's words (a wrong current password is a failed sign-in), a catalogue
            # message: the staff error page says it in its language.
            throttle.too_many_sign_ins(refused.retry_after),
            retry_after=refused.retry_after,
        )
    if not password_matches(user.password_hash, current, verified):
        raise _refused_guess(account, address, actor, user.id, now)
    if current == new:
        raise InvalidInput(
            "the new password is the current one",
            errors=[{"field": "new_password", "reason": _("must differ from the current password")}],
        )
    if problem := password_problem(new, email=user.email, full_name=user.full_name):
        raise InvalidInput(f"new_password: {problem}", errors=[{"field": "new_password", "reason": problem}])
    user.password_hash = new_password_hash(new, prepared)
    user.password_set_at = now
    user.must_change_password = False
    user.updated_at = now
    throttle.clear_pair(session, account, address)
    session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None), AuthToken.id != actor.token_id)
        .values(revoked_at=now)
    )
    session.flush()
    record(session, actor, "user.password_changed", "user", user.id)
