"""Loading actions, deciding whose they are, and the helpers every plans service shares."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.auth.permissions import ensure_entity
from app.core.actor import Actor
from app.core.errors import InvalidInput, NotFound
from app.models import Action, ActionEntity
from app.models.plan import OPEN_ACTION_STATUSES


def utc_today() -> date:
    return datetime.now(UTC).date()


def not_in_future(day: date, field: str) -> None:
    """Refuse a report or measurement dated in the future.

    A day of slack: "today" in a time zone ahead of UTC (up to +14 h) is tomorrow in UTC.
    """
    if day > utc_today() + timedelta(days=1):
        raise InvalidInput(
            f"{field}: {day.isoformat()} is in the future",
            errors=[{"field": field, "reason": "in the future"}],
        )


def is_overdue(action: Action, today: date) -> bool:
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTION_STATUSES


def load_action(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(f"action {action_id} does not exist")
    return action


def entity_ids(session: Session, action: Action) -> set[int]:
    """The lead and supporting entities: a focal point of any of them may work on the action."""
    supporting = session.scalars(select(ActionEntity.entity_id).where(ActionEntity.action_id == action.id))
    ids = set(supporting)
    if action.lead_entity_id is not None:
        ids.add(action.lead_entity_id)
    return ids


def ensure_own_action(
    session: Session, actor: Actor, action: Action, object_type: str = "action", object_id: int | None = None
) -> None:
    """Managers pass; a focal point only when the action is led or supported by their entity (403)."""
    if actor.is_manager:
        return
    ensure_entity(
        actor, entity_ids(session, action), object_type, action.id if object_id is None else object_id
    )


def change_status(session: Session, actor: Actor, action: Action, status: str) -> None:
    """Set an action's status (an approved progress update reports it), audited as an update."""
    if action.status == status:
        return
    before = {"status": action.status}
    action.status = status
    action.updated_at = datetime.now(UTC)
    session.flush()
    record(session, actor, "action.update", "action", action.id, before=before, after={"status": status})
