"""Login throttling: slow guessing down without letting anyone lock an account.

Three counts of failed logins in a sliding window, read before any password is checked:

- per (account, address) pair: after ``login_max_failures`` failures, each further attempt from
  that address at that account waits 2, 4, 8 ... seconds (up to the window) after the last one.
  A guesser slows only themselves; the owner elsewhere is not affected.
- per account, a generous ceiling (``login_max_failures_per_account``): a guesser spread over
  many addresses trips it, after which only addresses the user logged in from before (known
  addresses, kept hashed) may try, so the owner at their usual place still gets in.
- per address, across accounts (``login_max_failures_per_ip``): one address guessing at many
  accounts is refused for the rest of the window.

Every function here only reads, except ``record_failure``, ``remember_address`` and
``clear_account``, which the caller runs in a short write of its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.config import Settings
from app.core.timestamps import as_utc
from app.models.accounts import KnownLoginAddress, LoginFailure

# A known address counts for this long after its last successful login.
KNOWN_ADDRESS_DAYS = 180
ADDRESS_LENGTH = 64  # the column's; longer strings are not addresses anyway


# The words of a refused sign-in (the staff sign-in and password pages): the wait the throttle asks
# for, which is 2 seconds after the fifth failure, not "a few minutes".
TOO_MANY_SIGN_INS = _("Too many failed sign-ins. Wait %(wait)s, then try again.")


def too_many_sign_ins(retry_after: int) -> Reason:
    """The refusal naming its wait, in unit symbols every language of the pages writes alike
    ("2 s", "9 min", a part of a minute counted as a whole one)."""
    seconds = max(1, retry_after)
    wait = f"{seconds} s" if seconds < 60 else f"{-(-seconds // 60)} min"
    return Reason(TOO_MANY_SIGN_INS, wait=wait)


@dataclass(frozen=True, slots=True)
class Throttle:
    """Why a login is refused before its password is checked, and for how long."""

    scope: str  # "account and address", "account" or "address"
    retry_after: int


def address_of(client_ip: str | None) -> str:
    return (client_ip or "unknown")[:ADDRESS_LENGTH]


def address_hash(user_id: int, address: str) -> str:
    # Salted with the user id: the table does not list which accounts share an address.
    return hashlib.sha256(f"{user_id}\x00{address}".encode()).hexdigest()


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds()) + 1)


def _pair_wait(session: Session, settings: Settings, account: str, address: str, now: datetime) -> int | None:
    window = timedelta(seconds=settings.login_window_seconds)
    free = settings.login_max_failures
    # The delay doubles per failure, so past ~20 more it is the window anyway: read no more rows.
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(
            LoginFailure.account == account,
            LoginFailure.address == address,
            LoginFailure.failed_at > now - window,
        )
        .order_by(LoginFailure.failed_at.desc())
        .limit(free + 20)
    ).all()
    if len(recent) < free:
        return None
    delay = min(window, timedelta(seconds=2 ** (len(recent) - free + 1)))
    until = as_utc(recent[0]) + delay
    return _seconds_until(until, now) if until > now else None


def _limit_wait(
    session: Session,
    column: InstrumentedAttribute[str],
    value: str,
    limit: int,
    window: timedelta,
    now: datetime,
) -> int | None:
    """Seconds until ``value`` has fewer than ``limit`` failures in the window, or None if it has."""
    recent = session.scalars(
        select(LoginFailure.failed_at)
        .where(column == value, LoginFailure.failed_at > now - window)
        .order_by(LoginFailure.failed_at.desc())
        .limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    return _seconds_until(as_utc(recent[-1]) + window, now)


def is_known_address(session: Session, user_id: int, address: str, now: datetime) -> bool:
    return (
        session.scalar(
            select(KnownLoginAddress.id).where(
                KnownLoginAddress.user_id == user_id,
                KnownLoginAddress.address_hash == address_hash(user_id, address),
                KnownLoginAddress.last_login_at > now - timedelta(days=KNOWN_ADDRESS_DAYS),
            )
        )
        is not None
    )


def check(
    session: Session, settings: Settings, account: str, address: str, user_id: int | None, now: datetime
) -> Throttle | None:
    """Whether a login for ``account`` from ``address`` must wait; reads only."""
    window = timedelta(seconds=settings.login_window_seconds)
    per_address = _limit_wait(
        session, LoginFailure.address, address, settings.login_max_failures_per_ip, window, now
    )
    if per_address is not None:
        return Throttle("address", per_address)
    pair = _pair_wait(session, settings, account, address, now)
    if pair is not None:
        return Throttle("account and address", pair)
    per_account = _limit_wait(
        session, LoginFailure.account, account, settings.login_max_failures_per_account, window, now
    )
    if per_account is None:
        return None
    if user_id is not None and is_known_address(session, user_id, address, now):
        return None  # the owner's usual place gets through a flood from elsewhere
    return Throttle("account", per_account)


def record_failure(
    session: Session, settings: Settings, account: str, address: str, reason: str, now: datetime
) -> Throttle | None:
    """Count a failed login; the throttle it starts, if this failure is the one that reaches a limit."""
    session.add(LoginFailure(account=account, address=address, failed_at=now, detail=reason))
    session.flush()
    window = timedelta(seconds=settings.login_window_seconds)
    since = now - window
    pair = session.scalar(
        select(func.count()).where(
            LoginFailure.account == account, LoginFailure.address == address, LoginFailure.failed_at > since
        )
    )
    if pair == settings.login_max_failures:
        return Throttle("account and address", min(settings.login_window_seconds, 2))
    for column, value, limit, scope in (
        (LoginFailure.account, account, settings.login_max_failures_per_account, "account"),
        (LoginFailure.address, address, settings.login_max_failures_per_ip, "address"),
    ):
        count = session.scalar(select(func.count()).where(column == value, LoginFailure.failed_at > since))
        if count == limit:
            return Throttle(scope, settings.login_window_seconds)
    return None


def remember_address(session: Session, user_id: int, address: str, now: datetime) -> None:
    """Note a successful login from ``address`` (insert or refresh; two at once do not conflict)."""
    values = {"user_id": user_id, "address_hash": address_hash(user_id, address), "last_login_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(KnownLoginAddress).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "address_hash"], set_={"last_login_at": now}
        )
    )
    session.execute(
        delete(KnownLoginAddress).where(
            KnownLoginAddress.user_id == user_id,
            KnownLoginAddress.last_login_at < now - timedelta(days=KNOWN_ADDRESS_DAYS),
        )
    )


def clear_pair(session: Session, account: str, address: str) -> None:
    session.execute(
        delete(LoginFailure).where(LoginFailure.account == account, LoginFailure.address == address)
    )


def clear_account(session: Session, account: str) -> int:
    """Forget every failed login at ``account`` (``nrtd users unlock``); how many were forgotten."""
    result = session.execute(delete(LoginFailure).where(LoginFailure.account == account))
    return int(result.rowcount)  # type: ignore[attr-defined]
