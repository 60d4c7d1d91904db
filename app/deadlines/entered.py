"""Deadlines a coordinator enters: the next UPR review (and its mid-term report) and any other date.
Created, changed and deleted by managers with If-Match, each write audited; read by whoever may see
them in the calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import changed, record, snapshot
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, NotFound
from app.core.etag import check_if_match, etag
from app.core.row_locks import lock_for_write
from app.deadlines.schemas import DeadlineCreate, DeadlinePatch, EnteredDeadlineOut
from app.deadlines.service import Audience
from app.deadlines.sources import midterm_date, midterm_suggestion
from app.models import AuditEvent, Deadline, Entity, Mechanism

UPR = "UPR"
_FIELDS = (
    "kind",
    "title",
    "due_on",
    "mechanism_id",
    "entity_id",
    "notes",
    "published",
    "done",
    "last_review_on",
    "midterm_on",
    "midterm_done",
)
_UPR_ONLY = ("last_review_on", "midterm_on", "midterm_done")


def _out(session: Session, row: Deadline) -> tuple[EnteredDeadlineOut, str]:
    mechanism = session.get(Mechanism, row.mechanism_id) if row.mechanism_id else None
    suggested = (
        midterm_suggestion(row.last_review_on, row.due_on)
        if row.kind == "upr_review" and row.last_review_on is not None
        else None
    )
    detail = EnteredDeadlineOut(
        id=row.id,
        kind=row.kind,
        title=row.title,
        due_on=row.due_on,
        mechanism=mechanism.code if mechanism else None,
        entity_id=row.entity_id,
        notes=row.notes,
        published=row.published,
        done=row.done,
        last_review_on=row.last_review_on,
        midterm_on=row.midterm_on,
        midterm_suggested=suggested,
        midterm_date=midterm_date(row) if row.kind == "upr_review" else None,
        midterm_done=row.midterm_done,
        version=row.version,
        created_by_id=row.created_by_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
    return detail, etag(row.version)


def _invalid(field: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{field}: {reason}", errors=[{"field": field, "reason": reason}])


def _mechanism_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    found = session.scalar(select(Mechanism.id).where(Mechanism.code == code))
    if found is None:
        raise _invalid("mechanism", Reason(_("no mechanism has the code %(code)s"), code=code[:64]))
    return found


def _check_entity(session: Session, entity_id: int | None, current: int | None = None) -> None:
    """A deadline goes to a current entity (one it already has may stay, even if archived since)."""
    if entity_id is None or entity_id == current:
        return
    entity = session.get(Entity, entity_id)
    if entity is None or entity.archived:
        raise _invalid("entity_id", _("no current entity has this id"))


def _check_cycle(row: Deadline) -> None:
    """The UPR fields belong to a review, and its dates follow one another."""
    if row.kind != "upr_review":
        for name in _UPR_ONLY:
            if getattr(row, name):
                raise _invalid(name, _("only a upr_review deadline has it"))
        return
    last, mid = row.last_review_on, row.midterm_on
    if last is not None and last >= row.due_on:
        raise _invalid("last_review_on", _("must be before the next review date"))
    if mid is not None and not ((last or date.min) < mid < row.due_on):
        raise _invalid("midterm_on", _("must be after the last review date and before the next review date"))


def visible_deadline(session: Session, audience: Audience, deadline_id: int) -> Deadline:
    """The entered deadline, if ``audience`` may see it; 404 otherwise (its existence is not told)."""
    row = session.get(Deadline, deadline_id)
    if row is None or not _sees(audience, row):
        raise NotFound(Reason(_("deadline %(id)s does not exist"), id=deadline_id))
    return row


def _sees(audience: Audience, row: Deadline) -> bool:
    if audience.everything:
        return True
    if audience.published_only:
        return row.published
    return row.entity_id is None or row.entity_id == audience.entity_id


def get_deadline(session: Session, actor: Actor, deadline_id: int) -> tuple[EnteredDeadlineOut, str]:
    return _out(session, visible_deadline(session, Audience.of(session, actor), deadline_id))


def create_deadline(session: Session, actor: Actor, body: DeadlineCreate) -> tuple[EnteredDeadlineOut, str]:
    if body.mechanism is not None:
        mechanism_id = _mechanism_id(session, body.mechanism)
    else:
        mechanism_id = _upr_id(session) if body.kind == "upr_review" else None
    _check_entity(session, body.entity_id)
    row = Deadline(
        kind=body.kind,
        title=body.title,
        due_on=body.due_on,
        mechanism_id=mechanism_id,
        entity_id=body.entity_id,
        notes=body.notes or None,
        published=body.published,
        done=body.done,
        last_review_on=body.last_review_on,
        midterm_on=body.midterm_on,
        midterm_done=body.midterm_done,
        created_by_id=actor.user_id,
    )
    _check_cycle(row)
    fresh = _unused_id(session)
    if fresh is not None:
        row.id = fresh
    session.add(row)
    session.flush()
    record(session, actor, "deadline.create", "deadline", row.id, after=snapshot(row, _FIELDS))
    return _out(session, row)


def _unused_id(session: Session) -> int | None:
    """An id no deadline ever had, on SQLite (None elsewhere: PostgreSQL's sequence never gives one
    twice). SQLite gives a new row the id of the last row deleted, and the id is the deadline's
    identity outside the database: its feed event's UID, its audit trail, its workspace address. The
    audit trail names every id ever given (each creation is recorded), the table the newest."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    audited = select(func.max(AuditEvent.object_id)).where(AuditEvent.object_type == "deadline")
    highest = max(session.scalar(audited) or 0, session.scalar(select(func.max(Deadline.id))) or 0)
    return highest + 1


def _upr_id(session: Session) -> int | None:
    """The UPR's mechanism row, when the database knows it (a review without one is still a review)."""
    return session.scalar(select(Mechanism.id).where(Mechanism.code == UPR))


def update_deadline(
    session: Session, actor: Actor, deadline_id: int, body: DeadlinePatch, if_match: str | None
) -> tuple[EnteredDeadlineOut, str]:
    row = visible_deadline(session, Audience.of(session, actor), deadline_id)
    lock_for_write(session, row)
    check_if_match(if_match, etag(row.version))
    before = snapshot(row, _FIELDS)
    sent = body.model_fields_set
    values: dict[str, Any] = {name: getattr(body, name) for name in sent if name != "mechanism"}
    if "mechanism" in sent:
        values["mechanism_id"] = _mechanism_id(session, body.mechanism)
    if "entity_id" in sent:
        _check_entity(session, body.entity_id, row.entity_id)
    if "notes" in sent:
        values["notes"] = body.notes or None
    for name, value in values.items():
        setattr(row, name, value)
    _check_cycle(row)
    old, new = changed(before, snapshot(row, _FIELDS))
    if new:
        row.updated_at = datetime.now(UTC)
        session.flush()
        record(session, actor, "deadline.update", "deadline", row.id, before=old, after=new)
    return _out(session, row)


def delete_deadline(session: Session, actor: Actor, deadline_id: int, if_match: str | None) -> None:
    row = visible_deadline(session, Audience.of(session, actor), deadline_id)
    lock_for_write(session, row)
    check_if_match(if_match, etag(row.version))
    record(session, actor, "deadline.delete", "deadline", row.id, before=snapshot(row, _FIELDS))
    session.delete(row)
    session.flush()
