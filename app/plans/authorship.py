"""Whose entity wrote something: a focal point edits and submits what their entity wrote, not another
entity's draft (shared by progress updates and indicator values)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.permissions import WRITTEN_ELSEWHERE, refuse
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.models import User


def written_by_entity(
    session: Session, actor: Actor, author_id: int | None, lead_entity_id: int | None
) -> bool:
    """Whether ``actor`` may speak for what ``author_id`` wrote: a manager, the author, or anyone of
    the author's entity (an author without an entity speaks for themselves only). What has no author
    was written with an API key, whose entity is not kept: it is the lead entity's (``lead_entity_id``,
    of the action it hangs under), never a supporting entity's to take over."""
    if actor.is_manager or (author_id is not None and author_id == actor.user_id):
        return True
    if author_id is None:
        return actor.entity_id is not None and actor.entity_id == lead_entity_id
    author_entity = session.scalar(select(User.entity_id).where(User.id == author_id))
    return author_entity is not None and author_entity == actor.entity_id


def ensure_author_entity(
    session: Session,
    actor: Actor,
    author_id: int | None,
    lead_entity_id: int | None,
    what: str,
    object_type: str,
    object_id: int,
) -> None:
    """Managers pass, and the author, and anyone of the author's entity; others are refused (403)."""
    if not written_by_entity(session, actor, author_id, lead_entity_id):
        known = WRITTEN_ELSEWHERE.get(object_type)
        reason = Reason(known) if known else f"this {what} was written by another entity"
        raise refuse(actor, reason, object_type, object_id)


SUPPORTING_KEY = _(
    "an API key writes only on the actions its entity leads: what a key writes has no author and is "
    "the action's lead entity's, so a supporting entity's key could not edit, submit or delete it; "
    "a focal point of the entity writes it in their own name"
)


def ensure_key_writes_for_lead(
    actor: Actor, lead_entity_id: int | None, object_type: str, object_id: int
) -> None:
    """A focal point's API key writes a progress update or an indicator value only on an action its
    entity leads (403 otherwise, audited): what it writes has no author and so is the lead entity's
    (``written_by_entity``), and a supporting entity's key would be locked out of its own draft
    while the lead entity took it over."""
    if actor.api_key_id is None or actor.is_manager:
        return
    if actor.entity_id is None or actor.entity_id != lead_entity_id:
        raise refuse(actor, Reason(SUPPORTING_KEY), object_type, object_id)
