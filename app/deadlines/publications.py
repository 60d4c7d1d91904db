"""Publishing the deadlines the calendar reads from the treaty-body follow-up (follow-up replies due,
periodic reports due): a coordinator's choice, one row each, audited. Entered deadlines carry their
own ``published`` (app.deadlines.entered)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core import advisory
from app.core.actor import Actor
from app.core.errors import NotFound
from app.deadlines.schemas import DeadlinePublish
from app.deadlines.sources import PUBLISHABLE_KINDS, SOURCES, Window
from app.models import DeadlinePublication

# Each kind's lock (app.core.advisory): two coordinators publishing one deadline, or marking it sent,
# at once each found it as it was and wrote its row; the second was refused 409 (a publication the
# first had added) or counted no change (a sent mark's version read before the first's).
_LOCKS = {
    "follow_up_reply": advisory.DEADLINE_FOLLOW_UP_REPLY,
    "periodic_report": advisory.DEADLINE_PERIODIC_REPORT,
}

assert set(_LOCKS) == set(PUBLISHABLE_KINDS)


def lock_deadline(session: Session, kind: str, object_id: int) -> None:
    """One writer at a time on this deadline's publication and sent mark, until it commits."""
    advisory.lock_until_commit(session, [(_LOCKS[kind], object_id)])


def set_published(session: Session, actor: Actor, wanted: DeadlinePublish) -> bool:
    """Publish or unpublish one follow-up deadline; True when that changed anything."""
    lock_deadline(session, wanted.kind, wanted.object_id)
    if not any(item.object_id == wanted.object_id for item in SOURCES[wanted.kind](session, Window())):
        raise NotFound(f"no {wanted.kind} deadline {wanted.object_id}")
    row = session.scalars(
        select(DeadlinePublication).where(
            DeadlinePublication.kind == wanted.kind, DeadlinePublication.object_id == wanted.object_id
        )
    ).first()
    if (row is not None) == wanted.published:
        return False
    if wanted.published:
        session.add(
            DeadlinePublication(kind=wanted.kind, object_id=wanted.object_id, published_by_id=actor.user_id)
        )
    else:
        session.execute(
            delete(DeadlinePublication).where(
                DeadlinePublication.kind == wanted.kind, DeadlinePublication.object_id == wanted.object_id
            )
        )
    session.flush()
    action = "deadline.publish" if wanted.published else "deadline.unpublish"
    record(session, actor, action, wanted.kind, wanted.object_id)
    return True
