"""The follow-up deadlines other domains read (the deadlines calendar): follow-up replies due and next
periodic reports due, as plain dataclasses. Withdrawn recommendations are left out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session, aliased

from app.core.db import off_index
from app.followup.latest import latest_grades
from app.followup.state import due_col, selected_col
from app.models import FollowUpDocument, FollowUpReply, Mechanism, Recommendation, RecommendationFollowUp

# A follow-up reply: one document's (mechanism id, symbol) recommendations selected with one due date.
ReplyKey = tuple[date, int, str | None]


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
    reply_id: int = 0  # its name for good (app.followup.replies), whatever it holds over time
    version: int = 0  # grows with every change of its date, recommendations or grades

    @property
    def anchor_id(self) -> int:
        """The smallest id of its recommendations: the page the staff's calendar links it to."""
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
    version: int = 1  # grows whenever a reading moves it (its date, its wording)


def selected_groups(
    db: Session, conditions: list[ColumnElement[bool]]
) -> dict[ReplyKey, list[tuple[int, str | None]]]:
    """The current selection (and ``conditions``) by reply: each recommendation with its latest grade."""
    grades = latest_grades
    conditions = [
        # Off its index on SQLite: the few follow-up rows lead, not every current recommendation.
        off_index(Recommendation.withdrawn.expression, db.get_bind().dialect.name).is_(False),
        selected_col.is_(True),
        due_col.is_not(None),
        *conditions,
    ]
    query = (
        select(due_col, Recommendation.mechanism_id, Recommendation.symbol, Recommendation.id, grades.c.grade)
        .select_from(RecommendationFollowUp)
        .join(Recommendation, Recommendation.id == RecommendationFollowUp.recommendation_id)
        .outerjoin(grades, grades.c.recommendation_id == Recommendation.id)
        .where(*conditions)
        .order_by(due_col, Recommendation.symbol, Recommendation.id)
    )
    groups: dict[ReplyKey, list[tuple[int, str | None]]] = defaultdict(list)
    for due, mech_id, symbol, rec_id, grade in db.execute(query):
        groups[(due, mech_id, symbol)].append((rec_id, grade))
    return groups


def follow_up_due(
    db: Session,
    *,
    mechanism_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[FollowUpDue]:
    """Selected recommendations with a due date, one item per (document, due date), by date."""
    conditions: list[ColumnElement[bool]] = []
    if mechanism_id is not None:
        conditions.append(Recommendation.mechanism_id == mechanism_id)
    if date_from is not None:
        conditions.append(due_col >= date_from)
    if date_to is not None:
        conditions.append(due_col <= date_to)
    groups = selected_groups(db, conditions)
    codes = _codes(db, {mech_id for _, mech_id, _ in groups})
    names = _reply_names(db, {due for due, _, _ in groups})
    items = []
    for (due, mech_id, symbol), members in groups.items():
        graded = {rec_id: grade for rec_id, grade in members if grade is not None}
        same = {grade for _, grade in members}
        # Not settled yet (a database older than the replies' rows): its smallest id, as it was named.
        reply_id, version = names.get((due, mech_id, symbol), (min(rec_id for rec_id, _ in members), 0))
        items.append(
            FollowUpDue(
                due=due,
                mechanism=codes[mech_id],
                mechanism_id=mech_id,
                symbol=symbol,
                recommendation_ids=tuple(rec_id for rec_id, _ in members),
                grades=graded,
                grade=next(iter(same)) if len(same) == 1 else None,
                reply_id=reply_id,
                version=version,
            )
        )
    return items


def _codes(db: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.execute(select(Mechanism.id, Mechanism.code).where(Mechanism.id.in_(ids)))
    return {mechanism_id: code for mechanism_id, code in rows}


def _reply_names(db: Session, dues: set[date]) -> dict[ReplyKey, tuple[int, int]]:
    """(id, version) of the replies held on ``dues``; the oldest, should two share a date."""
    if not dues:
        return {}
    rows = db.scalars(
        select(FollowUpReply)
        .where(FollowUpReply.due.in_(dues))
        .order_by(FollowUpReply.created_at.desc(), FollowUpReply.id.desc())
    )
    return {(row.due, row.mechanism_id, row.symbol): (row.id, row.version) for row in rows if row.due}


def next_reports_due(
    db: Session,
    *,
    mechanism_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ReportDue]:
    """The next periodic report each document asks for, by date; a document's only until a newer one
    of the same committee asks for the next (the State sent the one asked for, or the committee
    reviewed it anyway: it was overdue for ever)."""
    newer = aliased(FollowUpDocument)
    superseded = exists().where(
        newer.mechanism_id == FollowUpDocument.mechanism_id,
        newer.report_due.is_not(None),
        newer.publication_date > FollowUpDocument.publication_date,
    )
    anchor = (
        select(func.min(Recommendation.id))
        .where(Recommendation.symbol == FollowUpDocument.symbol)
        .correlate(FollowUpDocument)
        .scalar_subquery()
    )
    query = (
        select(FollowUpDocument, Mechanism.code, anchor)
        .join(Mechanism, Mechanism.id == FollowUpDocument.mechanism_id)
        .where(FollowUpDocument.report_due.is_not(None), ~superseded)
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
            document.report_due,
            code,
            document.mechanism_id,
            document.symbol,
            document.report_what,
            anchor_id,
            document.version,
        )
        items.append(due)
    return items
