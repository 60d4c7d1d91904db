"""The staff workspace's create forms sent once: a second sending of the same form creates nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class FormSubmission(Base):
    """One create form a user sent, by the one-time token its page carried (``form_token``), and the
    page its sending led to. A double click, a button pressed again on a slow connection or a reload
    after the POST sends the same token again: the user is sent to ``location`` instead of creating a
    second copy. ``location`` is empty while (or if) the first sending created nothing: a form refused
    for its values may be corrected and sent again with the same token."""

    __tablename__ = "form_submissions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    location: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
