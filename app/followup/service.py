"""The follow-up of one recommendation: read it, correct the selection, enter the committee's grades;
the list of recommendations selected for follow-up and the count by grade. No FastAPI here."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.dates import not_in_future
from app.core.db import off_index
from app.core.errors import InvalidInput, NotFound
from app.core.etag import check_if_match, etag
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.core.time_zone import local_today
from app.core.timestamps import as_utc
from app.deadlines.marks import NOT_MARKED, sent_marks
from app.followup.latest import latest_grades as grades
from app.followup.reading import follow_up_due
from app.followup.replies import lock_document_of, settle_reply_of
from app.followup.schemas import (
    Correction,
    Detected,
    FollowUpCorrectionIn,
    FollowUpItem,
    FollowUpListParams,
    FollowUpPage,
    FollowUpStatus,
    GradeCounts,
    GradeIn,
    GradeOut,
)
from app.followup.state import corrected_col, due_col, effective, selected_col
from app.models import FollowUpGrade, Mechanism, Recommendation, RecommendationFollowUp, User
from app.models.base import utcnow
from app.models.followup import GRADES
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.service import check_filter_values

_FOLLOW_UP = CursorOrder("follow-up", (date, int))

# Sorts the recommendations without a due date after every dated one.
_NO_DUE = date(9999, 12, 31)
_CORRECTION_FIELDS = ("corrected_selected", "corrected_due", "corrected_note")


def _recommendation(session: Session, rec_id: int, *, lock: bool = False) -> Recommendation:
    query = select(Recommendation).where(Recommendation.id == rec_id)
    # FOR NO KEY UPDATE: the writer then waits for its document's lock (app.followup.replies) holding
    # this row, and an import that links a copy to it (a foreign key's KEY SHARE) must not wait for
    # it while holding that document's lock: PostgreSQL would abort one of the two.
    rec = session.execute(query.with_for_update(key_share=True) if lock else query).scalar_one_or_none()
    if rec is None:
        raise NotFound(f"recommendation {rec_id} does not exist")
    return rec


def _email(session: Session, user_id: int | None) -> str | None:
    return None if user_id is None else session.scalar(select(User.email).where(User.id == user_id))


def get_follow_up(session: Session, rec_id: int) -> FollowUpStatus:
    _recommendation(session, rec_id)
    row = session.get(RecommendationFollowUp, rec_id) or RecommendationFollowUp(
        recommendation_id=rec_id, detected_selected=False
    )
    selected, due = effective(row)
    grades = list(
        session.scalars(
            select(FollowUpGrade)
            .where(FollowUpGrade.recommendation_id == rec_id)
            .order_by(FollowUpGrade.assessed_on.desc(), FollowUpGrade.id.desc())
        )
    )
    return FollowUpStatus(
        recommendation_id=rec_id,
        selected=selected,
        due=due,
        detected=Detected(
            selected=row.detected_selected,
            due=row.detected_due,
            subparagraphs=row.detected_letters.split(",") if row.detected_letters else [],
            symbol=row.detected_symbol,
            detected_at=row.detected_at,
        ),
        correction=Correction(
            selected=row.corrected_selected,
            due=row.corrected_due,
            note=row.corrected_note,
            corrected_by=_email(session, row.corrected_by_id),
            corrected_at=row.corrected_at,
        ),
        grade=grades[0].grade if grades else None,
        grades=[
            GradeOut(
                id=g.id,
                grade=g.grade,
                assessed_on=g.assessed_on,
                source_symbol=g.source_symbol,
                note=g.note,
                entered_by=_email(session, g.entered_by_id),
                created_at=g.created_at,
            )
            for g in grades
        ],
    )


def _correction(row: RecommendationFollowUp) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _CORRECTION_FIELDS}


def correction_tag(corrected_at: datetime | None) -> str:
    """The version of a recommendation's follow-up correction, as an ETag: when it was last corrected."""
    return etag(as_utc(corrected_at).strftime("%Y%m%dT%H%M%S%f") if corrected_at else "uncorrected")


def correct_follow_up(
    session: Session, actor: Actor, rec_id: int, body: FollowUpCorrectionIn, if_match: str | None = None
) -> FollowUpStatus:
    """Replace the coordinator's correction; the detected values stay as the detection left them.
    ``if_match`` (optional, checked when sent: 412 if stale) is the ``correction_tag`` the caller read,
    so that a correction saved meanwhile by someone else is not replaced unseen."""
    rec = _recommendation(session, rec_id, lock=True)
    _not_before_the_recommendation(rec, body.due, "due")
    lock_document_of(session, rec.mechanism_id, rec.symbol)  # before its row is read, or added
    row = session.get(RecommendationFollowUp, rec_id)
    if if_match is not None:
        check_if_match(if_match, correction_tag(row.corrected_at if row is not None else None))
    if row is None:
        row = RecommendationFollowUp(recommendation_id=rec_id, detected_selected=False)
        session.add(row)
    before = {**_correction(row), "selected": effective(row)[0], "due": effective(row)[1]}
    row.corrected_selected = body.selected
    row.corrected_due = body.due
    row.corrected_note = body.note
    row.corrected_by_id = actor.user_id
    row.corrected_at = utcnow()
    after = {**_correction(row), "selected": effective(row)[0], "due": effective(row)[1]}
    record(session, actor, "follow_up.correct", "recommendation", rec_id, before=before, after=after)
    session.flush()
    settle_reply_of(session, rec.mechanism_id, rec.symbol)
    return get_follow_up(session, rec_id)


def _not_before_the_recommendation(rec: Recommendation, day: date | None, field: str) -> None:
    """A grade assesses the State's reply to a recommendation, a reply falls due after it: neither
    before the recommendation's document was published (a year typed wrong, 1950 for 2025, would sort
    as its oldest grade, or as a reply overdue for decades)."""
    published = rec.publication_date
    if day is not None and published is not None and day < published:
        raise InvalidInput(
            f"{field} {day.isoformat()} is before the recommendation's publication date"
            f" {published.isoformat()}",
            errors=[{"field": field, "reason": _("is before the recommendation's publication date")}],
        )


def add_grade(session: Session, actor: Actor, rec_id: int, body: GradeIn) -> FollowUpStatus:
    """Record the committee's assessment of the State's follow-up reply on this recommendation."""
    rec = _recommendation(session, rec_id, lock=True)
    not_in_future(body.assessed_on, "assessed_on")
    _not_before_the_recommendation(rec, body.assessed_on, "assessed_on")
    grade = FollowUpGrade(
        recommendation_id=rec_id,
        grade=body.grade,
        assessed_on=body.assessed_on,
        source_symbol=body.source_symbol,
        note=body.note,
        entered_by_id=actor.user_id,
    )
    session.add(grade)
    session.flush()
    after = {"grade": body.grade, "assessed_on": body.assessed_on, "source_symbol": body.source_symbol}
    record(session, actor, "follow_up.grade", "recommendation", rec_id, after={**after, "grade_id": grade.id})
    settle_reply_of(session, rec.mechanism_id, rec.symbol)  # its grade is part of the reply's event
    return get_follow_up(session, rec_id)


def _current(dialect: str) -> ColumnElement[bool]:
    """Not withdrawn, kept off that column's index on SQLite (``off_index``): the follow-up rows are
    few, and SQLite read every current recommendation to find them (15 ms at 250,000 for none)."""
    return off_index(Recommendation.withdrawn.expression, dialect).is_(False)


def _base(params_selected: bool | None, dialect: str) -> Select[Any]:
    query = (
        select(
            RecommendationFollowUp,
            Recommendation.symbol,
            Recommendation.paragraph,
            Mechanism.code,
            grades.c.grade,
            grades.c.assessed_on,
            func.coalesce(due_col, _NO_DUE).label("due_key"),
        )
        .join(Recommendation, Recommendation.id == RecommendationFollowUp.recommendation_id)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .outerjoin(grades, grades.c.recommendation_id == RecommendationFollowUp.recommendation_id)
        .where(_current(dialect))
    )
    if params_selected is not None:
        query = query.where(selected_col.is_(params_selected))
    return query


def _sent_replies(session: Session, today: date) -> set[int]:
    """The recommendations whose follow-up reply, due before ``today``, a coordinator marked as sent
    (the mark still answering its date, ``SentMark.answers``): met, as the calendar counts it
    (docs/calendar.md), though the committee has not graded it yet."""
    marked = sent_marks(session, "follow_up_reply")
    if not marked:
        return set()
    return {
        rec_id
        for due in follow_up_due(session, date_to=today - timedelta(days=1))
        if marked.get(due.reply_id, NOT_MARKED).answers(due.due)
        for rec_id in due.recommendation_ids
    }


def _filters(session: Session, params: FollowUpListParams) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if params.grade is not None:
        conditions.append(grades.c.grade == params.grade)
    if params.ungraded is not None:
        conditions.append(grades.c.grade.is_(None) if params.ungraded else grades.c.grade.is_not(None))
    if params.mechanism:
        conditions.append(Mechanism.code == params.mechanism)
    if params.symbol:
        conditions.append(Recommendation.symbol == params.symbol)
    if params.due_from is not None:
        conditions.append(due_col >= params.due_from)
    if params.due_to is not None:
        conditions.append(due_col <= params.due_to)
    if params.overdue is not None:
        # No due date is not late, and must never be NULL: NOT NULL left those out of both lists.
        today = local_today()
        late = due_col.is_not(None) & (due_col < today) & grades.c.grade.is_(None)
        # A reply marked as sent is met, as in the calendar: not late while the committee grades it.
        sent = _sent_replies(session, today)
        if sent:
            late = late & RecommendationFollowUp.recommendation_id.not_in(sent)
        conditions.append(late if params.overdue else ~late)
    if params.corrected is not None:
        conditions.append(corrected_col if params.corrected else ~corrected_col)
    return conditions


def _mechanism_code(session: Session, code: str | None) -> str | None:
    """The code as stored, upper case: the lists take a code in any case ("crc" found nothing). A
    code no mechanism has is a 422 naming ``mechanism``, as in the recommendation list and the
    calendar (it answered an empty list, as if that mechanism had nothing to follow up); so is an
    empty or blank one (it answered every mechanism's, as if no filter were given)."""
    if code is None:
        return None
    check_filter_values(session, RecommendationFilter(mechanism=[code]))
    return code.strip().upper()


def list_follow_up(session: Session, params: FollowUpListParams) -> FollowUpPage:
    params = params.model_copy(update={"mechanism": _mechanism_code(session, params.mechanism)})
    query = _base(params.selected, session.get_bind().dialect.name).where(*_filters(session, params))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    due_key = func.coalesce(due_col, _NO_DUE)
    if params.cursor:
        last_due, last_id = decode_cursor(params.cursor, _FOLLOW_UP)
        query = query.where(
            (due_key > last_due)
            | ((due_key == last_due) & (RecommendationFollowUp.recommendation_id > last_id))
        )
    query = query.order_by(due_key, RecommendationFollowUp.recommendation_id)
    rows, next_cursor = keyset_page(
        session, query, params.limit, lambda r: (r.due_key, r[0].recommendation_id), order=_FOLLOW_UP
    )
    items = []
    for row, symbol, paragraph, code, grade, assessed_on, _due_key in rows:
        selected, due = effective(row)
        items.append(
            FollowUpItem(
                recommendation_id=row.recommendation_id,
                symbol=symbol,
                paragraph=paragraph,
                mechanism=code,
                selected=selected,
                due=due,
                subparagraphs=row.detected_letters.split(",") if row.detected_letters else [],
                corrected=row.corrected_selected is not None or row.corrected_due is not None,
                grade=grade,
                assessed_on=assessed_on,
            )
        )
    return FollowUpPage(items=items, next_cursor=next_cursor, total=total)


def count_by_grade(session: Session, mechanism: str | None = None) -> GradeCounts:
    """The recommendations selected for follow-up (not withdrawn), by their latest grade."""
    mechanism = _mechanism_code(session, mechanism)
    query = (
        select(grades.c.grade, func.count())
        .select_from(RecommendationFollowUp)
        .join(Recommendation, Recommendation.id == RecommendationFollowUp.recommendation_id)
        .outerjoin(grades, grades.c.recommendation_id == RecommendationFollowUp.recommendation_id)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(_current(session.get_bind().dialect.name), selected_col.is_(True))
        .group_by(grades.c.grade)
    )
    if mechanism:
        query = query.where(Mechanism.code == mechanism)
    found = {grade: count for grade, count in session.execute(query)}
    counts = {grade: found.get(grade, 0) for grade in GRADES}
    ungraded = found.get(None, 0)
    return GradeCounts(counts=counts, ungraded=ungraded, total=sum(counts.values()) + ungraded)
