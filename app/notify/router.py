"""HTTP layer of one's reminder settings (the digests themselves go out by e-mail, see service.py)."""

from __future__ import annotations

from fastapi import APIRouter

from app.auth.deps import AnyUser
from app.core.deps import DbSession
from app.notify import preferences
from app.notify.schemas import ReminderSettings

router = APIRouter(tags=["auth"])


@router.get("/me/reminders", summary="Your reminder digest: how often and in which language")
def my_reminders(db: DbSession, actor: AnyUser) -> ReminderSettings:
    return preferences.reminder_settings(db, actor)


@router.put(
    "/me/reminders",
    summary="Choose how often your digest comes (daily, weekly, never) and its language",
)
def change_my_reminders(db: DbSession, actor: AnyUser, body: ReminderSettings) -> ReminderSettings:
    return preferences.change_reminder_settings(db, actor, body)
