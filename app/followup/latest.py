"""Each recommendation's latest follow-up grade (by assessment date, then entry), as a subquery."""

from __future__ import annotations

from sqlalchemy import Subquery, func, select

from app.models import FollowUpGrade


def _latest_grades() -> Subquery:
    ranked = select(
        FollowUpGrade.recommendation_id,
        FollowUpGrade.grade,
        FollowUpGrade.assessed_on,
        func.row_number()
        .over(
            partition_by=FollowUpGrade.recommendation_id,
            order_by=(FollowUpGrade.assessed_on.desc(), FollowUpGrade.id.desc()),
        )
        .label("rank"),
    ).subquery("ranked_grades")
    return (
        select(ranked.c.recommendation_id, ranked.c.grade, ranked.c.assessed_on)
        .where(ranked.c.rank == 1)
        .subquery("latest_grades")
    )


latest_grades = _latest_grades()
