"""Role and entity checks used by services. A refusal is a 403 whose audit event is kept; what a staff
member may not read at all (another entity's progress updates, its unapproved indicator values) is a
404 worded as an id that does not exist (``hidden``), its audit event kept likewise."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from app.audit.service import event
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Forbidden, NotFound
from app.models import AuditEvent

# The reasons a page shows (the staff workspace's 403 page, in the reader's language): catalogue
# messages, reading as the API's English sentences.
NOT_YOURS = {
    "action": _("this action does not belong to your entity"),
    "indicator": _("this indicator does not belong to your entity"),
    "indicator_value": _("this indicator value does not belong to your entity"),
    "progress_update": _("this progress update does not belong to your entity"),
}
# A role's name in a sentence (its code, "focal_point", is the API's value, not a word).
ROLE_NAMES = {
    "admin": _("admin"),
    "coordinator": _("coordinator"),
    "focal_point": _("focal point"),
    "reader": _("reader"),
}
WRITTEN_ELSEWHERE = {
    "indicator_value": _("this indicator value was written by another entity"),
    "progress_update": _("this progress update was written by another entity"),
}


def refuse(
    actor: Actor,
    reason: str,
    object_type: str | None = None,
    object_id: int | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> Forbidden:
    """A 403 naming the reason (and in ``errors`` the fields refused, if any); its audit event is
    written even though the request fails."""
    return Forbidden(reason, errors=errors, persist=[_denied(actor, reason, object_type, object_id)])


ARCHIVED_ENTITY = _(
    "%(entity)s is archived, so your account writes nothing more in its name (you may still read): "
    "ask a coordinator to move your account to the entity that took over its work"
)
# A person's own account (sign-in and out, password, language, digest, calendar feed): not the
# entity's work, so still theirs to change.
OWN_ACCOUNT_PATHS = (
    "/api/v1/me",
    "/api/v1/auth/",
    "/staff/login",
    "/staff/logout",
    "/staff/password",
    "/staff/account",
    "/staff/calendar/feed",
)
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def ensure_writes_allowed(actor: Actor, method: str, path: str) -> None:
    """The one rule for a focal point whose entity is archived (``Actor.archived_entity``), for the
    API and the workspace alike: reads as before, every write but their own account's a 403 naming
    the entity (as the calendar and the digest treat them as having no entity)."""
    if actor.archived_entity is None or method in _READS or path.startswith(OWN_ACCOUNT_PATHS):
        return
    raise refuse(actor, Reason(ARCHIVED_ENTITY, entity=actor.archived_entity))


def hidden(actor: Actor, not_found: str, reason: str, object_type: str, object_id: int) -> NotFound:
    """The 404 of an id that does not exist (``not_found``, its very words), for an object ``actor`` may
    not read: another entity's work in progress is not revealed, not even that it exists (a 403 would
    tell a draft's id from a free one). The refusal, ``reason``, is still in the audit trail."""
    return NotFound(not_found, persist=[_denied(actor, reason, object_type, object_id)])


def _denied(actor: Actor, reason: str, object_type: str | None, object_id: int | None) -> AuditEvent:
    """The audit event of a refusal: its reason and the actor's role."""
    return event(actor, "authz.denied", object_type, object_id, after={"reason": reason, "role": actor.role})


def ensure_role(actor: Actor, roles: Collection[str], what: str) -> None:
    if actor.role not in roles:
        # ``what`` names the page or route, a catalogue message too ("this page", "administration");
        # the roles are named, each translated where the reason is shown.
        reason = Reason(
            _("%(what)s needs one of the roles %(allowed)s; you are %(role)s"),
            what=Reason(what),
            allowed=_role_list(sorted(roles)),
            role=_role_name(actor.role),
        )
        raise refuse(actor, reason)


def admits(actor: Actor, roles: Collection[str], what: str) -> bool:
    """Whether ``ensure_role`` lets ``actor`` through, asked before a route runs (to spare work it
    would throw away): the route's own ``ensure_role`` then refuses, and audits, as always."""
    try:
        ensure_role(actor, roles, what)
    except Forbidden:
        return False
    return True


def _role_name(role: str) -> Reason | str:
    return Reason(ROLE_NAMES[role]) if role in ROLE_NAMES else role


def _role_list(roles: list[str]) -> Reason:
    """The roles joined by commas, each a value of its own so that a page translates each name."""
    names = {f"role{index}": _role_name(role) for index, role in enumerate(roles)}
    return Reason(", ".join(f"%({name})s" for name in names), **names)


def within_entity(actor: Actor, entity_ids: Collection[int | None]) -> bool:
    """Managers act on anything; a focal point only on objects of their own entity."""
    return actor.is_manager or (actor.entity_id is not None and actor.entity_id in entity_ids)


def ensure_entity(
    actor: Actor, entity_ids: Collection[int | None], object_type: str, object_id: int | None
) -> None:
    """``within_entity``, or a 403 whose audit event is kept."""
    if not within_entity(actor, entity_ids):
        known = NOT_YOURS.get(object_type)
        reason = (
            Reason(known) if known else f"this {object_type.replace('_', ' ')} does not belong to your entity"
        )
        raise refuse(actor, reason, object_type, object_id)
