"""Handing the outbox to the SMTP server: each digest claimed (``sending``, committed), sent, then
marked ``sent``. A temporary failure (the server down, a 4xx answer) puts it back with a growing
delay; a permanent one (5xx), or the last attempt, marks it ``failed`` with the reason; a refusal of
the From address is the settings' (a relay wanting a login), not the digest's, and is retried. A server
that ends the session (a 421 answer, say, from one limiting the messages per connection) is connected
to again for the next digest. A digest whose person was deactivated, made a reader or chose no
digest, or was moved to another role or entity, or whose entity was archived, since it was built is
``dropped``: a retry may come hours later, and someone who left must not receive the work of the ministry.

A digest found ``sending`` when a run starts was being sent by a run that died (only one run sends at
a time: the lock in ``app.notify.service``). It is sent again with the same Message-ID; the one case
where that makes a repeat is a death after the server accepted it and before ``sent`` was committed.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Literal

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.actor import FOCAL_POINT, READER
from app.core.config import Settings
from app.core.time_zone import local_day
from app.core.timestamps import as_utc
from app.entities.service import current_entity_id
from app.import_runs.lock import Hold
from app.models import AuditEvent, OutboxMessage, User
from app.notify.digest import language_of, render_digest, staff_link
from app.notify.items import work_for
from app.notify.smtp import SmtpUnavailable, connect, reply

# Attempts before a digest is given up (failed); the delays double from one minute up to six hours.
MAX_ATTEMPTS = 10
FIRST_DELAY = timedelta(minutes=1)
LONGEST_DELAY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    delay: timedelta = FIRST_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, LONGEST_DELAY)


@dataclass(frozen=True)
class Sent:
    sent: int
    retrying: int
    failed: int
    error: str | None  # the last failure, for the run's report
    # Digests a run before this one could not send, not attempted now: their retry time is still to come.
    waiting: int = 0
    next_retry: datetime | None = None  # the earliest of their retry times
    # Not sent: their person was deactivated or chose no digest since they were built, or has nothing
    # waiting any more when a retry comes.
    dropped: int = 0


def message(row: OutboxMessage, settings: Settings, now: datetime) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = row.recipient
    mail["Subject"] = row.subject
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = row.message_id
    # RFC 3834: an automatic message; no out-of-office reply is wanted. Exchange (Outlook) does not
    # read that header but its own: without it, everyone away answers the digest.
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    # Where to stop it or make it rarer, as mail programs offer it ("Unsubscribe", RFC 2369): the
    # account page, in the digest's language, as the footer says. Not one-click (RFC 8058): the
    # choice is the person's, signed in.
    mail["List-Unsubscribe"] = f"<{staff_link(settings.base_url, row.language, '/staff/account')}>"
    mail.set_content(row.body)
    mail["Content-Language"] = row.language  # after set_content, which replaces the Content-* headers
    return mail


def _due(db: Session, now: datetime) -> list[int]:
    return list(
        db.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.state.in_(("pending", "sending")), OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
        )
    )


def _waiting(db: Session, now: datetime) -> tuple[int, datetime | None]:
    """How many digests wait for their retry time (a failed attempt put it after ``now``), and the
    earliest of those times."""
    count, first = db.execute(
        select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.state == "pending", OutboxMessage.next_attempt_at > now
        )
    ).one()
    # In UTC: PostgreSQL answers in its session's time zone, the machine's where it was set up.
    return int(count), None if first is None else as_utc(first)


def _moved_since(db: Session, user_id: int, built_at: datetime) -> bool:
    """An admin changed the account's role or entity after its digest was built: the digest lists
    the work of the role and entity it had then (the audit trail records each change)."""
    changes = db.scalars(
        select(AuditEvent.before).where(
            AuditEvent.action == "user.update",
            AuditEvent.object_type == "user",
            AuditEvent.object_id == user_id,
            AuditEvent.at >= built_at,
        )
    )
    return any(before and {"role", "entity_id"} & before.keys() for before in changes)


def _unwanted(db: Session, user: User, built_at: datetime) -> str | None:
    """Why ``user`` must no longer receive a digest built for them at ``built_at``, if they must not."""
    if not user.active:
        return "the account was deactivated"
    if user.role == READER:
        return "the account is now a reader's (readers get no digest)"
    if user.digest == "never":
        return "the person chose no digest"
    if (
        user.role == FOCAL_POINT
        and user.entity_id is not None
        and current_entity_id(db, user.entity_id) is None
    ):
        return "the person's entity was archived"
    if _moved_since(db, user.id, built_at):
        return "the account moved to another role or entity since the digest was built"
    return None


def _rewritten(db: Session, row: OutboxMessage, user: User, settings: Settings, now: datetime) -> bool:
    """A digest that did not go when it was built (a failure put it off, or the run sending it died)
    written again with what is waiting for its person now, in the language they now chose: hours
    later, a deadline may have been deleted, moved or met, an update approved. False when nothing
    is left to tell. The Message-ID stays: it is the same digest, sent late."""
    today = local_day(now)
    sections = work_for(db, user, settings.notify_due_days, today)
    if not sections:
        return False
    digest = render_digest(user, sections, settings.base_url, today)
    row.subject, row.body, row.items = digest.subject, digest.body, digest.items
    row.language = language_of(user)
    return True


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """A transaction that takes SQLite's write lock at its start: one that read first and wrote after
    failed at once ("database is locked") when the run's lease was renewed in between."""
    with Session(engine, expire_on_commit=False) as db, db.begin():
        db.connection(execution_options={"sqlite_immediate": True})
        yield db


def _claim(
    engine: Engine, row_id: int, settings: Settings, now: datetime, hold: Hold | None
) -> OutboxMessage | Literal["dropped", "gone", "lost"]:
    """The digest, marked ``sending``; ``dropped`` when its person no longer wants it, or has nothing
    waiting any more; ``gone`` when it no longer waits (another run sent it, or put it off, since
    this one listed it); ``lost`` when this run's lock was taken over (on SQLite, a run that could not
    renew its lease in time): the run holding it now sends, this one claims nothing more. The lease is
    renewed in the claim's own transaction, so no digest is claimed by a run that no longer holds it."""
    with writing(engine) as db:
        if hold is not None and not hold.confirm(db.connection()):
            return "lost"
        row = db.get_one(OutboxMessage, row_id)
        if row.state not in ("pending", "sending") or as_utc(row.next_attempt_at) > now:
            return "gone"
        user = db.get_one(User, row.user_id)
        unwanted = _unwanted(db, user, row.created_at)
        if unwanted is None and row.attempts and not _rewritten(db, row, user, settings, now):
            unwanted = "nothing is waiting for the person any more"
        if unwanted:
            row.state, row.last_error = "dropped", f"not sent: {unwanted}"
            return "dropped"
        row.state = "sending"
        row.attempts += 1
    return row


def _settle(engine: Engine, row_id: int, now: datetime, error: str | None, permanent: bool = False) -> str:
    with writing(engine) as db:
        row = db.get_one(OutboxMessage, row_id)
        if error is None:
            row.state, row.sent_at, row.last_error = "sent", now, None
        elif permanent or row.attempts >= MAX_ATTEMPTS:
            row.state, row.last_error = "failed", error
        else:
            row.state, row.last_error = "pending", error
            row.next_attempt_at = now + retry_delay(row.attempts)
        return row.state


def _send_one(
    client: smtplib.SMTP, engine: Engine, row: OutboxMessage, settings: Settings, now: datetime
) -> tuple[str, str | None]:
    """Hand one claimed digest to the server and settle it: its new state, and the failure if any."""
    try:
        client.send_message(message(row, settings, now))
    except smtplib.SMTPRecipientsRefused as exc:
        answers = "; ".join(reply(code, text) for code, text in exc.recipients.values())
        error = f"{row.recipient}: the server refused this address: {answers}"
        permanent = all(code >= 500 for code, _ in exc.recipients.values())
        return _settle(engine, row.id, now, error, permanent), error
    except smtplib.SMTPSenderRefused as exc:
        # The From address refused (a relay that wants a login, a From it does not allow): the
        # settings', not the digest's, whatever the code; retried once they are put right.
        error = (
            f"{row.recipient}: the server refused the From address {exc.sender}: "
            f"{reply(exc.smtp_code, exc.smtp_error)}"
        )
        return _settle(engine, row.id, now, error), error
    except smtplib.SMTPResponseException as exc:
        error = f"{row.recipient}: {reply(exc.smtp_code, exc.smtp_error)}"
        return _settle(engine, row.id, now, error, exc.smtp_code >= 500), error
    except smtplib.SMTPNotSupportedError as exc:
        # An address written with other than ASCII, and a server without SMTPUTF8: no retry changes that.
        error = f"{row.recipient}: {exc}"
        return _settle(engine, row.id, now, error, permanent=True), error
    except (OSError, smtplib.SMTPException) as exc:
        error = f"{row.recipient}: {exc}"
        return _settle(engine, row.id, now, error), error
    return _settle(engine, row.id, now, None), None


def send_pending(engine: Engine, settings: Settings, now: datetime, hold: Hold | None = None) -> Sent:
    """Send every digest that is due; the caller holds the sender's lock (``hold``, renewed and
    checked at each claim)."""
    with Session(engine) as db:
        due = _due(db, now)
        waiting, next_retry = _waiting(db, now)
    if not due:
        return Sent(0, 0, 0, None, waiting, next_retry)
    sent = retrying = failed = dropped = 0
    error: str | None = None
    # The session, or why none could be opened (then every digest left waits for a later run).
    session: smtplib.SMTP | SmtpUnavailable | None = None
    try:
        for row_id in due:
            row = _claim(engine, row_id, settings, now, hold)
            if row == "lost":
                error = (
                    "the run's lock was lost (taken over by another run, or its database connection "
                    "dropped): the run holding it sends the digests left"
                )
                break
            if row == "gone":
                continue
            if row == "dropped":
                dropped += 1
                continue
            if session is None or (isinstance(session, smtplib.SMTP) and session.sock is None):
                # The first digest, or the server ended the session (a 421 answer, a dropped
                # connection): a new session, rather than charging every digest left an attempt.
                try:
                    session = connect(settings)
                except SmtpUnavailable as exc:
                    session = exc
            if isinstance(session, SmtpUnavailable):
                error = str(session)
                state = _settle(engine, row_id, now, error)
            else:
                state, failure = _send_one(session, engine, row, settings, now)
                error = failure or error
            sent += state == "sent"
            failed += state == "failed"
            retrying += state == "pending"
    finally:
        if isinstance(session, smtplib.SMTP):
            with suppress(OSError, smtplib.SMTPException):
                session.quit()
            session.close()
    return Sent(sent, retrying, failed, error, waiting, next_retry, dropped)
