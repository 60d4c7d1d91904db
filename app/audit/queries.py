"""Reading the audit trail: newest first, keyset pages on the id, filters served by its indexes."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.audit.schemas import AuditEventOut, AuditListParams, AuditPage
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.core.timestamps import as_utc
from app.models import AuditEvent

_EVENTS = CursorOrder("audit-events", (int,))


def _conditions(params: AuditListParams) -> list[ColumnElement[bool]]:
    ev = AuditEvent
    conditions: list[ColumnElement[bool]] = []
    if params.actor_user_id is not None:
        conditions.append(ev.actor_user_id == params.actor_user_id)
    if params.actor and params.actor.strip():
        conditions.append(func.lower(ev.actor).contains(params.actor.strip().lower(), autoescape=True))
    if params.action:
        action = params.action.strip()
        if action.endswith(("*", ".")):
            conditions.append(ev.action.startswith(action.rstrip("*"), autoescape=True))
        else:
            conditions.append(ev.action == action)
    if params.object_type:
        conditions.append(ev.object_type == params.object_type)
    if params.object_id is not None:
        conditions.append(ev.object_id == params.object_id)
    # Stored in UTC (SQLite keeps no offset): compare in UTC.
    if params.since is not None:
        conditions.append(ev.at >= as_utc(params.since))
    if params.until is not None:
        conditions.append(ev.at < as_utc(params.until))
    if params.request_id:
        conditions.append(ev.request_id == params.request_id)
    return conditions


def list_events(session: Session, params: AuditListParams) -> AuditPage:
    conditions = _conditions(params)
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*conditions)) or 0
    if params.cursor:
        (before_id,) = decode_cursor(params.cursor, _EVENTS)
        conditions.append(AuditEvent.id < before_id)
    query = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc())
    events, next_cursor = keyset_page(session, query, params.limit, lambda event: (event.id,), order=_EVENTS)
    return AuditPage(
        items=[AuditEventOut.model_validate(e, from_attributes=True) for e in events],
        next_cursor=next_cursor,
        total=total,
    )


def latest_change(session: Session, object_type: str, object_id: int) -> AuditEventOut | None:
    """The object's most recent change: a refused attempt (``authz.denied``) is recorded on the object
    too, but changed nothing, so it is never "who changed it last"; ``user.role_changed`` repeats the
    role of the ``user.update`` written just before it, which names every field the change made."""
    event = session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
            AuditEvent.action.not_in(("authz.denied", "user.role_changed")),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return AuditEventOut.model_validate(event, from_attributes=True) if event else None
