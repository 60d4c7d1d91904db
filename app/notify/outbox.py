"""Building the digests of a period into the outbox: one row per person and period, committed before
anything is sent, so that a crash between building and sending loses nothing and a rerun builds
nothing twice (the row's unique (user, period) says it is done). A person's digest of an earlier
period still waiting for a retry is dropped when their new one is built: it would come with it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.time_zone import day_start, local_day
from app.models import OutboxMessage, User
from app.models.accounts import DigestFrequency
from app.notify.digest import language_of, render_digest
from app.notify.items import work_for


def period_of(frequency: DigestFrequency, today: date) -> str | None:
    """The period a digest of ``frequency`` built today belongs to: the day, or the ISO week."""
    if frequency == "daily":
        return today.isoformat()
    if frequency == "weekly":
        year, week, _ = today.isocalendar()
        return f"{year}-W{week:02d}"
    return None


def message_domain(base_url: str) -> str:
    """The right-hand side of the digests' Message-IDs: the site's host, an IPv6 address in brackets
    (RFC 5322's domain literal); a port, a login or a path are no part of it."""
    host = urlsplit(base_url).hostname or "nrtd"
    return f"[{host}]" if ":" in host else host


@dataclass(frozen=True)
class Built:
    digests: int  # built now
    already: int  # built before in the same period
    nothing: int  # people with nothing to do
    replaced: int = 0  # older digests still unsent, dropped for the newer one built now


def _replace_older(db: Session, user_id: int, period: str) -> int:
    """Drop the person's older digests still waiting to be sent (a retry after a failure): the one of
    ``period``, built now, lists what is theirs today; both would otherwise arrive together."""
    result = db.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.user_id == user_id,
            OutboxMessage.period != period,
            OutboxMessage.state.in_(("pending", "sending")),
        )
        .values(state="dropped", last_error=f"not sent: replaced by the digest of {period}")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def build_digests(db: Session, settings: Settings, now: datetime) -> Built:
    """Build the digest of every active person whose period has none yet, due at ``now``; the caller
    commits."""
    today = local_day(now)  # the instance's day (NRTD_TIME_ZONE): a digest's period, what is overdue
    built = already = nothing = replaced = 0
    users = db.scalars(select(User).where(User.active.is_(True), User.digest != "never").order_by(User.id))
    periods = [period_of("daily", today), period_of("weekly", today)]
    query = select(OutboxMessage.user_id, OutboxMessage.period).where(OutboxMessage.period.in_(periods))
    done = {(user_id, period) for user_id, period in db.execute(query)}
    # At most one digest a day: someone who changed how often (weekly to daily, or back) after today's
    # would otherwise get it again under the new period at the next run of the day.
    built_today = set(
        db.scalars(
            select(OutboxMessage.user_id).where(
                OutboxMessage.created_at >= day_start(today),
                OutboxMessage.state != "dropped",
            )
        )
    )
    for user in users:
        period = period_of(user.digest, today)  # type: ignore[arg-type]
        if period is None:
            continue
        if (user.id, period) in done or user.id in built_today:
            already += 1
            continue
        sections = work_for(db, user, settings.notify_due_days, today)
        if not sections:
            nothing += 1
            continue
        digest = render_digest(user, sections, settings.base_url, today)
        domain = message_domain(settings.base_url)
        db.add(
            OutboxMessage(
                user_id=user.id,
                period=period,
                recipient=user.email,
                language=language_of(user),
                subject=digest.subject,
                body=digest.body,
                items=digest.items,
                state="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
                message_id=f"<digest.{user.id}.{period}.{secrets.token_hex(8)}@{domain}>",
            )
        )
        replaced += _replace_older(db, user.id, period)
        built += 1
    return Built(built, already, nothing, replaced)
