"""Writing and reading the append-only audit trail.

Every write records its event in the same transaction as the change (``record``). Events that
must outlive a failed request (a refusal, a failed login) are built with ``event`` and handed to
the error, which the request's unit of work writes after rolling everything else back.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.actor import Actor, Anonymous
from app.models import AuditEvent


def jsonable(value: Any) -> Any:
    """Dates, decimals and collections as JSON values, so before/after can be stored as JSON."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {name: jsonable(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, on both sides."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def event(
    actor: Actor | Anonymous,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    claimed: str | None = None,
) -> AuditEvent:
    """An audit event, not yet added to any session. ``claimed``: who an anonymous request said it was."""
    who = actor if isinstance(actor, Actor) else None
    return AuditEvent(
        actor_user_id=who.user_id if who else None,
        actor_api_key_id=who.api_key_id if who else None,
        actor=who.label if who else claimed,
        actor_role=who.role if who else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        request_id=actor.request_id,
        client_ip=actor.client_ip,
    )


def record(
    session: Session,
    actor: Actor | Anonymous,
    action: str,
    object_type: str | None = None,
    object_id: int | None = None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an event to the current transaction: it commits or rolls back with the change itself."""
    audit_event = event(actor, action, object_type, object_id, before=before, after=after)
    session.add(audit_event)
    return audit_event


def unused_id(session: Session, id_column: InstrumentedAttribute[int], object_type: str) -> int | None:
    """An id no row of ``id_column``'s table ever had, on SQLite (None elsewhere: PostgreSQL's sequence
    never gives one twice). SQLite gives a new row the id of the last row deleted, so an edit or a
    review sent to a deleted row (its ETag read before the delete: a new row's version is the same)
    reached the new row. The audit trail names every id ever given (each creation is recorded), the
    table the newest."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    audited = select(func.max(AuditEvent.object_id)).where(AuditEvent.object_type == object_type)
    highest = max(session.scalar(audited) or 0, session.scalar(select(func.max(id_column))) or 0)
    return highest + 1
