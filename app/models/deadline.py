"""Deadlines a coordinator enters: the next UPR review (with the mid-term report it implies) and any
other date the mechanism must meet. The calendar (app.deadlines) lists them beside the dates it reads
from actions, indicators and the treaty bodies' follow-up."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

EnteredKind = Literal["upr_review", "custom"]
ENTERED_KINDS = get_args(EnteredKind)


class Deadline(Base):
    """A dated deadline. A ``upr_review`` row is the next review of a UPR cycle: ``last_review_on`` is
    the review that opened the cycle, and the mid-term report falls on ``midterm_on`` when set, else
    half-way between the two reviews (the suggestion, app.deadlines.sources.midterm_suggestion)."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="custom", index=True)
    title: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    mechanism_id: Mapped[int | None] = mapped_column(ForeignKey("mechanisms.id"), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Met: a past deadline that is done is no longer overdue.
    done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_review_on: Mapped[date | None] = mapped_column(Date)
    midterm_on: Mapped[date | None] = mapped_column(Date)
    midterm_done: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __mapper_args__ = {"version_id_col": version}


class DeadlinePublication(Base):
    """A deadline the calendar reads from elsewhere (a follow-up reply due, a periodic report due) that
    a coordinator published: the portal and the public API show it. Named like the calendar names it
    (kind and object id); entered deadlines carry their own ``published`` instead."""

    __tablename__ = "deadline_publications"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeadlineCompletion(Base):
    """A follow-up reply or a periodic report the State sent (``sent_on``; None: marked sent, then
    not), as a coordinator marked it: met, so no longer overdue, although the committee has not yet
    graded the reply or reviewed the report. Named like ``DeadlinePublication``; ``version`` grows with
    each change (its calendar event's SEQUENCE, beside the reply's or the document's). ``answered_due``:
    the date it was due when marked (None: marked before that was kept); the mark applies to that date
    and to a correction of it, not to a later round (app.deadlines.marks)."""

    __tablename__ = "deadline_completions"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sent_on: Mapped[date | None] = mapped_column(Date)
    answered_due: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
