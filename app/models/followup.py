"""The treaty bodies' follow-up procedure: what was read from each document, which recommendations it
selects (as detected and as a coordinator corrected), and the committee's grades.

The ``detected_*`` columns are written by the detection (every import, ``nrtd followup detect``);
the ``corrected_*`` columns only by a coordinator, and the detection never touches them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, utcnow

# The treaty bodies' follow-up grades (docs/follow-up.md); B1/B2/C1/C2/D1/D2 are the sub-grades of
# the methodology CCPR used before it simplified it to A-E.
Grade = Literal["A", "B", "B1", "B2", "C", "C1", "C2", "D", "D1", "D2", "E"]
GRADES = get_args(Grade)


class FollowUpDocument(Base):
    """What the detection read from one document (by symbol): the follow-up request and the next report."""

    __tablename__ = "follow_up_documents"

    symbol: Mapped[str] = mapped_column(String(255), primary_key=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id"), index=True)
    publication_date: Mapped[date | None] = mapped_column(Date)
    # The paragraph that asks for follow-up, the period (months) or the date it gives, the due date.
    request_paragraph: Mapped[str | None] = mapped_column(String(32))
    request_months: Mapped[int | None] = mapped_column(Integer)
    follow_up_due: Mapped[date | None] = mapped_column(Date, index=True)
    named: Mapped[list[str]] = mapped_column(JSONType, default=list)  # ["10 (b)", "20", "32"]
    missing: Mapped[list[str]] = mapped_column(JSONType, default=list)  # named, not in the document
    report_due: Mapped[date | None] = mapped_column(Date, index=True)
    report_what: Mapped[str | None] = mapped_column(String(255))
    detected_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id", ondelete="SET NULL"))
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Grows whenever a reading changes the next report's date or wording: its calendar event's SEQUENCE.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class RecommendationFollowUp(Base):
    """One recommendation's follow-up selection: detected, and a coordinator's correction beside it."""

    __tablename__ = "recommendation_follow_up"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    detected_selected: Mapped[bool] = mapped_column(Boolean, default=False)
    detected_due: Mapped[date | None] = mapped_column(Date)
    detected_letters: Mapped[str | None] = mapped_column(String(64))  # "b" or "a,b": sub-paragraphs
    detected_symbol: Mapped[str | None] = mapped_column(String(255))
    detected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # None: no correction, the detected value holds.
    corrected_selected: Mapped[bool | None] = mapped_column(Boolean)
    corrected_due: Mapped[date | None] = mapped_column(Date)
    corrected_note: Mapped[str | None] = mapped_column(Text)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class FollowUpReply(Base):
    """A follow-up reply the calendar lists (one document's recommendations selected with one due
    date), named for good: its id is the deadline's (the feed's UID, what a coordinator publishes),
    whichever recommendations it holds over time (app.followup.replies). ``due`` None: no selection
    holds it any more. ``held``: what it held when last settled (each recommendation with its latest
    grade), which ``version`` follows: the feed's SEQUENCE."""

    __tablename__ = "follow_up_replies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id"))
    symbol: Mapped[str | None] = mapped_column(String(255), index=True)
    due: Mapped[date | None] = mapped_column(Date, index=True)
    held: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FollowUpGrade(Base):
    """The committee's assessment of the State's follow-up reply on one recommendation."""

    __tablename__ = "follow_up_grades"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    grade: Mapped[str] = mapped_column(String(2), index=True)
    assessed_on: Mapped[date] = mapped_column(Date)
    source_symbol: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
