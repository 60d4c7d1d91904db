"""The follow-up deadlines other domains read (the deadlines calendar): follow-up replies due and next
periodic reports due, as plain dataclasses. Withdrawn recommendations are left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.core.db import off_index
from app.followup.latest import latest_grades
from app.followup.state import due_col, selected_col
from app.models import FollowUpDocument, Mechanism, Recommendation, RecommendationFollowUp


@dataclass(frozen=True, slots=True)
class FollowUpDue:
    """The follow-up reply one document asks for: when, and on which recommendations."""

    due: date
    mechanism: str  # mechanism code ("CAT")
    mechanism_id: int
    symbol: str | None  # the concluding observations' symbol
    recommendation_ids: tuple[int, ...]
    grades: dict[int, str]  # recommendation id -> latest grade, for those graded
    grade: str | None  # the latest grade when every recommendation has the same one, else None

    @property
    def anchor_id(self) -> int:
        """The smallest id of its recommendations: how the calendar names this reply for good."""
        return min(self.recommendation_ids)


@dataclass(frozen=True, slots=True)
class ReportDue:
    """The next periodic report a document asks for."""

    due: date
    mechanism: str
    mechanism_id: int
    symbol: str  # the concluding observations that set the date
    what: str | None  # "next periodic report", "combined fifth and sixth periodic reports"
    anchor_id: int  # the smallest id of the document's recommendations: the calendar's name for it


def follow_up_due(
    db: Session,
    *,
    mechanism_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[FollowUpDue]:
    """Selected recommendations with a due date, one item per (document, due date), by date."""
    grades = latest_grades
    conditions: list[ColumnElement[bool]] = [
        # Off its index on SQLite: the few follow-up rows lead, not every current recommendation.
        off_index(Recommendation.withdrawn.expression, db.get_bind().dialect.name).is_(False),
        selected_col.is_(True),
        due_col.is_not(None),
    ]
    if mechanism_id is not None:
        conditions.append(Recommendation.mechanism_id == mechanism_id)
    if date_from is not None:
        conditions.append(due_col >= date_from)
    if date_to is not None:
        conditions.append(due_col <= date_to)
    query = (
        select(
            due_col, Mechanism.code, Mechanism.id, Recommendation.symbol, Recommendation.id, grades.c.grade
        )
        .select_from(RecommendationFollowUp)
        .join(Recommendation, Recommendation.id == RecommendationFollowUp.recommendation_id)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .outerjoin(grades, grades.c.recommendation_id == Recommendation.id)
        .where(*conditions)
        .order_by(due_col, Recommendation.symbol, Recommendation.id)
    )
    groups: dict[tuple[date, int, str | None], list[tuple[int, str | None]]] = defaultdict(list)
    codes: dict[int, str] = {}
    for due, code, mech_id, symbol, rec_id, grade in db.execute(query):
        codes[mech_id] = code
        groups[(due, mech_id, symbol)].append((rec_id, grade))
    items = []
    for (due, mech_id, symbol), members in groups.items():
        graded = {rec_id: grade for rec_id, grade in members if grade is not None}
        same = {grade for _, grade in members}
        items.append(
            FollowUpDue(
                due=due,
                mechanism=codes[mech_id],
                mechanism_id=mech_id,
                symbol=symbol,
                recommendation_ids=tuple(rec_id for rec_id, _ in members),
                grades=graded,
                grade=next(iter(same)) if len(same) == 1 else None,
            )
        )
    return items


def next_reports_due(
    db: Session,
    *,
    mechanism_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ReportDue]:
    """The next periodic report each document asks for, by date."""
    anchor = (
        select(func.min(Recommendation.id))
        .where(Recommendation.symbol == FollowUpDocument.symbol)
        .correlate(FollowUpDocument)
        .scalar_subquery()
    )
    query = (
        select(FollowUpDocument, Mechanism.code, anchor)
        .join(Mechanism, Mechanism.id == FollowUpDocument.mechanism_id)
        .where(FollowUpDocument.report_due.is_not(None))
        .order_by(FollowUpDocument.report_due, FollowUpDocument.symbol)
    )
    if mechanism_id is not None:
        query = query.where(FollowUpDocument.mechanism_id == mechanism_id)
    if date_from is not None:
        query = query.where(FollowUpDocument.report_due >= date_from)
    if date_to is not None:
        query = query.where(FollowUpDocument.report_due <= date_to)
    items = []
    for document, code, anchor_id in db.execute(query):
        assert document.report_due is not None
        if anchor_id is None:  # the document's recommendations are gone: nothing to name it by
            continue
        due = ReportDue(
            document.report_due, code, document.mechanism_id, document.symbol, document.report_what, anchor_id
        )
        items.append(due)
    return items
