"""The national mechanism's own working fields on a recommendation. Imports never write these tables."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

Priority = Literal["high", "medium", "low"]
Status = Literal["not_started", "in_progress", "partially_implemented", "implemented", "not_applicable"]
Responsibility = Literal["lead", "supporting"]
PRIORITIES = get_args(Priority)
STATUSES = get_args(Status)
# A recommendation nobody has worked on has no local row: it reads as this status.
DEFAULT_STATUS: Final[Status] = "not_started"


class RecommendationLocal(Base):
    """Priority, status and notes of one recommendation; made on the first edit (version 0 before).

    ``status`` and ``priority`` are the working values; ``published_*`` what the public sees."""

    __tablename__ = "recommendation_local"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    priority: Mapped[str | None] = mapped_column(String(8), index=True)
    priority_rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default=DEFAULT_STATUS, index=True)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # What the public sees: the status and priority a coordinator last published (NULL status:
    # never published, read as DEFAULT_STATUS). See docs/publishing.md.
    published_status: Mapped[str | None] = mapped_column(String(32), index=True)
    published_priority: Mapped[str | None] = mapped_column(String(8), index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __mapper_args__ = {"version_id_col": version}


class RecommendationEntity(Base):
    """An entity responsible for a recommendation: the lead (at most one) or a supporting one."""

    __tablename__ = "recommendation_entities"
    __table_args__ = (Index("ix_recommendation_entities_entity", "entity_id", "recommendation_id"),)

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True)
    responsibility: Mapped[str] = mapped_column(String(16))


class StatusChange(Base):
    """The implementation status history of a recommendation."""

    __tablename__ = "recommendation_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    old_status: Mapped[str | None] = mapped_column(String(32))
    new_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
