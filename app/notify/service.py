"""One run of the reminders: build the period's digests into the outbox, then send what is due.

Run by ``nrtd notify send`` (cron) or by ``nrtd serve`` on NRTD_NOTIFY_SCHEDULE, in its own thread
and with its own database connections, so a slow or failing SMTP server never holds up a request.
Only one run at a time, across processes and replicas: the import lock's mechanism, under its own
name (a second run is told at once and does nothing).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.counts import count_of
from app.core.time_zone import in_zone
from app.core.timestamps import as_utc
from app.import_runs.lock import NOTIFY_ADVISORY_KEY, NOTIFY_LEASE_NAME, Hold, exclusive
from app.models import OutboxMessage
from app.models.base import utcnow
from app.notify.outbox import Built, build_digests
from app.notify.sender import Sent, send_pending, writing

# How long the SQLite lease of a run that stopped renewing it (killed, its host gone) keeps others out.
LOCK_TTL_SECONDS = 3600


@dataclass(frozen=True)
class RunSummary:
    built: Built
    sent: Sent | None  # None: no SMTP server configured, the digests wait in the outbox

    def line(self) -> str:
        digests = count_of(self.built.digests, "digest")
        idle = count_of(self.built.nothing, "person", "people")
        built = f"{digests} built, {self.built.already} already built this period, {idle} with nothing to do"
        if self.built.replaced:
            replaced = count_of(self.built.replaced, "older digest")
            built += f", {replaced} replaced by a newer one (dropped unsent)"
        if self.sent is None:
            return built + "; not sent: NRTD_SMTP_HOST is not set"
        sent = f"{self.sent.sent} sent, {self.sent.retrying} to retry, {self.sent.failed} failed"
        if self.sent.dropped:
            sent += (
                f", {self.sent.dropped} dropped (their person left, became a reader, moved to another "
                "role or entity, had their entity archived or chose no digest, or had nothing waiting any "
                "more)"
            )
        if self.sent.waiting and self.sent.next_retry is not None:
            sent += (
                f", {self.sent.waiting} still waiting for a retry after an earlier failure (the next at "
                f"{self.sent.next_retry:%Y-%m-%d %H:%M} UTC; see nrtd notify status)"
            )
        return f"{built}; {sent}" + (f" (last error: {self.sent.error})" if self.sent.error else "")

    @property
    def unsent(self) -> bool:
        """A digest failed, or waits for a retry (put off in this run or an earlier one)."""
        return self.sent is not None and bool(self.sent.failed or self.sent.retrying or self.sent.waiting)


def _sender_lock(engine: Engine) -> AbstractContextManager[Hold]:
    """The one run that sends: on SQLite its lease is renewed while it works (a slow relay, hundreds
    of digests), else a run past the hour had a second beside it, claiming the digest it was sending."""
    return exclusive(
        engine,
        NOTIFY_LEASE_NAME,
        NOTIFY_ADVISORY_KEY,
        ttl_seconds=LOCK_TTL_SECONDS,
        what="reminder run",
        renew=True,
    )


def run_reminders(engine: Engine, settings: Settings, now: datetime | None = None) -> RunSummary:
    now = now or utcnow()
    with in_zone(settings.time_zone), _sender_lock(engine) as hold:
        with writing(engine) as db:
            built = build_digests(db, settings, now)
        sent = send_pending(engine, settings, now, hold) if settings.smtp_host else None
    return RunSummary(built, sent)


def send_retries(engine: Engine, settings: Settings, now: datetime | None = None) -> Sent | None:
    """Send the digests whose retry time has come, building none (the period's run builds): what
    ``nrtd serve`` runs at a retry time between two scheduled runs. None: no SMTP server configured."""
    if not settings.smtp_host:
        return None
    now = now or utcnow()
    with in_zone(settings.time_zone), _sender_lock(engine) as hold:
        return send_pending(engine, settings, now, hold)


def next_retry(engine: Engine) -> datetime | None:
    """When the earliest digest waiting for a retry is due again, if one is."""
    with Session(engine) as db:
        first = db.scalar(
            select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.state == "pending")
        )
    # In UTC (SQLite's are naive; PostgreSQL's in its session's time zone, the machine's where it was
    # set up): the scheduler logs it and sleeps until it.
    return None if first is None else as_utc(first)


def outbox_counts(engine: Engine) -> dict[str, int]:
    """Digests per state: what ``nrtd notify status`` reports."""
    with Session(engine) as db:
        rows = db.execute(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state))
        return {state: count for state, count in rows}


def failures(engine: Engine, limit: int = 20) -> list[OutboxMessage]:
    """The latest digests given up or waiting for a retry after a failure, with their reasons."""
    with Session(engine, expire_on_commit=False) as db:
        return list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.last_error.is_not(None), OutboxMessage.state.not_in(("sent", "dropped")))
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
            )
        )
