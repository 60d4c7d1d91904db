"""Each person's own reminder settings: how often the digest comes and its language (audited)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import changed, record
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.models import AuditEvent, User
from app.models.base import utcnow
from app.notify.schemas import ReminderSettings

CHANGED = "user.reminders_changed"  # the audit action of a change of one's reminder settings


def _own_user(session: Session, actor: Actor) -> User:
    if actor.user_id is None:
        raise InvalidInput(
            "an API key gets no reminders",
            errors=[{"field": "digest", "reason": _("an API key has no e-mail")}],
        )
    return session.get_one(User, actor.user_id)


def reminder_settings(session: Session, actor: Actor) -> ReminderSettings:
    user = _own_user(session, actor)
    return ReminderSettings.model_validate({"digest": user.digest, "language": user.language})


def change_reminder_settings(session: Session, actor: Actor, wanted: ReminderSettings) -> ReminderSettings:
    user = _own_user(session, actor)
    before = {"digest": user.digest, "language": user.language}
    after = wanted.model_dump()
    if before != after:
        user.digest, user.language, user.updated_at = wanted.digest, wanted.language, utcnow()
        session.flush()
        old, new = changed(before, after)  # the settings that changed only, as every update is audited
        record(session, actor, CHANGED, "user", user.id, before=old, after=new)
    return wanted


def adopt_language(session: Session, actor: Actor, lang: str) -> None:
    """The digest's language of someone who never chose one becomes ``lang``, the language they chose
    their first password in (a person an admin invited, at their first sign-in): the digest would
    otherwise come in English to someone who works in French. A choice made before is kept."""
    user = _own_user(session, actor)
    chosen = select(AuditEvent.id).where(
        AuditEvent.action == CHANGED, AuditEvent.object_type == "user", AuditEvent.object_id == user.id
    )
    if user.language != lang and session.scalar(chosen.limit(1)) is None:
        change_reminder_settings(session, actor, ReminderSettings(digest=user.digest, language=lang))
