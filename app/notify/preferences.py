"""Each person's own reminder settings: how often the digest comes and its language (audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.models import User
from app.models.base import utcnow
from app.notify.schemas import ReminderSettings


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
        record(session, actor, "user.reminders_changed", "user", user.id, before=before, after=after)
    return wanted
