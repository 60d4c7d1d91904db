"""Marking a follow-up reply due or a periodic report due as sent: the State met it, though the
committee has not yet graded the reply or reviewed the report (until then both stayed overdue, in
every digest and feed). A coordinator's choice, one row each, audited; read by app.deadlines.sources."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.dates import not_in_future
from app.core.errors import NotFound
from app.deadlines.marks import SentMark
from app.deadlines.publications import lock_deadline
from app.deadlines.schemas import DeadlineSent
from app.deadlines.sources import SOURCES, Window
from app.models import DeadlineCompletion
from app.models.base import utcnow


def set_sent(session: Session, actor: Actor, wanted: DeadlineSent) -> bool:
    """Mark one follow-up deadline as sent on ``wanted.sent_on`` (None: not sent); True when that
    changed anything."""
    if wanted.sent_on is not None:
        not_in_future(wanted.sent_on, "sent_on")
    lock_deadline(session, wanted.kind, wanted.object_id)
    due = next(
        (item.date for item in SOURCES[wanted.kind](session, Window()) if item.object_id == wanted.object_id),
        None,
    )
    if due is None:
        raise NotFound(f"no {wanted.kind} deadline {wanted.object_id}")
    row = session.get(DeadlineCompletion, (wanted.kind, wanted.object_id))
    # A mark made for an earlier round of it is no mark of this one (app.deadlines.marks).
    applies = row is not None and SentMark(row.sent_on, row.answered_due, row.version).answers(due)
    before = row.sent_on if row is not None and applies else None
    if before == wanted.sent_on:
        return False
    if row is None:
        row = DeadlineCompletion(kind=wanted.kind, object_id=wanted.object_id, version=0)
        session.add(row)
    row.sent_on, row.version = wanted.sent_on, row.version + 1
    row.answered_due = due if wanted.sent_on is not None else None  # the date this mark answers
    row.marked_by_id, row.marked_at = actor.user_id, utcnow()
    session.flush()
    action = "deadline.sent" if wanted.sent_on is not None else "deadline.unsent"
    record(
        session,
        actor,
        action,
        wanted.kind,
        wanted.object_id,
        before={"sent_on": before},
        after={"sent_on": wanted.sent_on, "due": due},
    )
    return True
