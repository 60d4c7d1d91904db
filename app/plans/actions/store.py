"""Loading actions, deciding whose they are, and changing their status: shared by the plans services."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.auth.permissions import ensure_entity, within_entity
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import NotFound
from app.core.row_locks import lock_for_write
from app.models import Action, ActionEntity


def load_action(session: Session, action_id: int) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(Reason(_("action %(id)s does not exist"), id=action_id))
    return action


def entity_ids(session: Session, action: Action) -> set[int]:
    """The lead and supporting entities: a focal point of any of them may work on the action."""
    supporting = session.scalars(select(ActionEntity.entity_id).where(ActionEntity.action_id == action.id))
    ids = set(supporting)
    if action.lead_entity_id is not None:
        ids.add(action.lead_entity_id)
    return ids


def owns_action(session: Session, actor: Actor, action: Action) -> bool:
    """Whether ``ensure_own_action`` lets ``actor`` through: managers, and a focal point of the action's
    lead or supporting entities (who alone may read its progress updates)."""
    return actor.is_manager or within_entity(actor, entity_ids(session, action))


def may_work_on(session: Session, actor: Actor, action_id: int) -> bool:
    """Whether ``ensure_own_action`` lets ``actor`` through: what a page asks before offering a form."""
    return owns_action(session, actor, load_action(session, action_id))


def ensure_own_action(
    session: Session, actor: Actor, action: Action, object_type: str = "action", object_id: int | None = None
) -> None:
    """Managers pass; a focal point only when the action is led or supported by their entity (403)."""
    if actor.is_manager:
        return
    ensure_entity(
        actor, entity_ids(session, action), object_type, action.id if object_id is None else object_id
    )


def change_status(
    session: Session, actor: Actor, action: Action, status: str, progress_update_id: int
) -> None:
    """Set an action's status (an approved progress update reports it), audited as an update. The
    action is locked and read again first: a coordinator's save of it may have committed since it
    was read (its version moved), which this write would otherwise fail on. The event names the
    update (``progress_update_id``): a person's change of the status is told from it."""
    lock_for_write(session, action)
    if action.status == status:
        return
    before = {"status": action.status}
    action.status = status
    action.updated_at = datetime.now(UTC)
    session.flush()
    after = {"status": status, "progress_update_id": progress_update_id}
    record(session, actor, "action.update", "action", action.id, before=before, after=after)
