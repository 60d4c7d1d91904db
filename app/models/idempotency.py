"""The JSON API's creates sent once: a retry with the same ``Idempotency-Key`` creates nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, utcnow


class IdempotencyRecord(Base):
    """One create request an API client sent with an ``Idempotency-Key``: whose it was (a user or an API
    key: exactly one of them), the route (``POST /api/v1/actions``), a fingerprint of what it asked, and
    the response it was answered (status, body and its headers), which a retry with the same key is
    answered again. Written in the request's own transaction: a request that failed leaves nothing, so
    a retry of it is processed anew. Each owner's unique key is one constraint per kind of owner (a NULL
    owner is distinct from every other, on SQLite and PostgreSQL alike)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "route", "key"),
        UniqueConstraint("api_key_id", "route", "key"),
        CheckConstraint("(user_id IS NULL) <> (api_key_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    route: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    # Empty until the request's response is recorded (in the same transaction, so never seen empty by
    # another request unless a route claimed a key and answered nothing).
    status: Mapped[int | None] = mapped_column(Integer)
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
