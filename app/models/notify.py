"""The reminder digests' outbox: one row per person and period, built once, sent at most once.

A digest is built and committed (``pending``) before anything is sent; the sender claims it
(``sending``), hands it to the SMTP server, then marks it ``sent``. The row's unique (user, period)
makes building idempotent: a rerun of the same period never builds a second digest for anyone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

# dropped: never sent, its person was deactivated or chose no digest after it was built.
OutboxState = Literal["pending", "sending", "sent", "failed", "dropped"]
OUTBOX_STATES = get_args(OutboxState)


class OutboxMessage(Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (
        UniqueConstraint("user_id", "period", name="uq_notification_outbox_user_period"),
        Index("ix_notification_outbox_state_next", "state", "next_attempt_at"),
        # Only the states a run handles (migration 0020).
        CheckConstraint(
            "state IN (" + ", ".join(f"'{state}'" for state in OUTBOX_STATES) + ")", name="state"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # "2026-12-05" for a daily digest, "2026-W49" for a weekly one.
    period: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    items: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    # The Message-ID header: the same on a resend, so a mail system can tell a repeat.
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
