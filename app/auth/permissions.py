"""Role and entity checks used by services. A refusal is a 403 whose audit event is kept."""

from __future__ import annotations

from collections.abc import Collection

from app.audit.service import event
from app.core.actor import Actor
from app.core.errors import Forbidden


def refuse(
    actor: Actor, reason: str, object_type: str | None = None, object_id: int | None = None
) -> Forbidden:
    """A 403 naming the reason; its audit event is written even though the request fails."""
    return Forbidden(
        reason,
        persist=[
            event(
                actor,
                "authz.denied",
                object_type,
                object_id,
                after={"reason": reason, "role": actor.role},
            )
        ],
    )


def ensure_role(actor: Actor, roles: Collection[str], what: str) -> None:
    if actor.role not in roles:
        allowed = ", ".join(sorted(roles))
        raise refuse(actor, f"{what} needs one of the roles {allowed}; you are {actor.role}")


def within_entity(actor: Actor, entity_ids: Collection[int | None]) -> bool:
    """Managers act on anything; a focal point only on objects of their own entity."""
    return actor.is_manager or (actor.entity_id is not None and actor.entity_id in entity_ids)


def ensure_entity(
    actor: Actor, entity_ids: Collection[int | None], object_type: str, object_id: int | None
) -> None:
    """``within_entity``, or a 403 whose audit event is kept."""
    if not within_entity(actor, entity_ids):
        raise refuse(
            actor,
            f"this {object_type.replace('_', ' ')} does not belong to your entity",
            object_type,
            object_id,
        )
