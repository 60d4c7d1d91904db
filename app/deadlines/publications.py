"""Publishing the deadlines the calendar reads from the treaty-body follow-up (follow-up replies due,
periodic reports due): a coordinator's choice, one row each, audited. Entered deadlines carry their
own ``published`` (app.deadlines.entered)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.errors import NotFound
from app.deadlines.schemas import DeadlinePublish
from app.deadlines.sources import SOURCES, Window
from app.models import DeadlinePublication


def set_published(session: Session, actor: Actor, wanted: DeadlinePublish) -> bool:
    """Publish or unpublish one follow-up deadline; True when that changed anything."""
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
