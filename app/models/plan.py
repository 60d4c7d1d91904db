"""Implementation plans: actions, their indicators and measured values, and progress updates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal, get_args

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

ActionStatus = Literal["planned", "in_progress", "completed", "delayed", "cancelled"]
ACTION_STATUSES = get_args(ActionStatus)
# An action still open: one of these past its due date is overdue.
OPEN_ACTION_STATUSES: tuple[ActionStatus, ...] = ("planned", "in_progress", "delayed")
ProgressState = Literal["draft", "submitted", "approved", "returned"]


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_status_due", "status", "due_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    lead_entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    budget_source: Mapped[str | None] = mapped_column(String(255))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ActionRecommendation(Base):
    __tablename__ = "action_recommendations"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ActionCluster(Base):
    __tablename__ = "action_clusters"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    cluster_id: Mapped[int] = mapped_column(
        ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ActionEntity(Base):
    """A supporting entity of an action (the lead is ``Action.lead_entity_id``)."""

    __tablename__ = "action_entities"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True, index=True)


class ActionSdg(Base):
    """An SDG target (or goal) an action contributes to: a term of kind ``sdg``."""

    __tablename__ = "action_sdgs"

    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True, index=True)


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str | None] = mapped_column(String(64))
    baseline_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    target_date: Mapped[date | None] = mapped_column(Date, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class IndicatorValue(Base):
    """A measured value of an indicator on a date, reviewed like a progress update.

    draft -> submitted; returned -> submitted; submitted -> approved | returned. An approved value
    is never edited: a new value ``corrects`` it, and approving that one sets the old one's
    ``superseded_by_id``. Only ``state == "approved" and superseded_by_id is None`` (of a
    published action) is ever shown to the public (``app.plans.indicators.reading``).
    """

    __tablename__ = "indicator_values"
    __table_args__ = (Index("ix_indicator_values_indicator_date", "indicator_id", "measured_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The approved value this one corrects (a correction is a new value, reviewed like any other).
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_values.id", ondelete="SET NULL"))
    # Set on an approved value when its correction is approved: kept in the history, no longer current.
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_values.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ProgressUpdate(Base):
    """A report on an action: written by a focal point, approved or returned by a coordinator.

    Only ``state == "approved" and published`` is ever shown to the public.
    """

    __tablename__ = "progress_updates"
    __table_args__ = (Index("ix_progress_updates_action_date", "action_id", "reported_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    reported_on: Mapped[date] = mapped_column(Date)
    narrative: Mapped[str] = mapped_column(Text)
    # The action status this update reports; applied to the action when the update is approved.
    new_status: Mapped[str | None] = mapped_column(String(16))
    evidence_url: Mapped[str | None] = mapped_column(String(2000))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    review_comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}
