"""The effective follow-up values of a recommendation: a coordinator's correction, else the detection.

Worked out when read (never stored), so a correction and a detection written at the same time
cannot leave a stale value behind: ``effective`` for one row, ``selected_col`` and ``due_col`` in SQL.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, case, func

from app.models import RecommendationFollowUp

FollowUp = RecommendationFollowUp

selected_col: ColumnElement[bool] = func.coalesce(FollowUp.corrected_selected, FollowUp.detected_selected)
# A recommendation not selected has no due date.
due_col: ColumnElement[date | None] = case(
    (selected_col.is_(True), func.coalesce(FollowUp.corrected_due, FollowUp.detected_due)), else_=None
)
corrected_col: ColumnElement[bool] = (FollowUp.corrected_selected.is_not(None)) | (
    FollowUp.corrected_due.is_not(None)
)


def effective(row: RecommendationFollowUp) -> tuple[bool, date | None]:
    """(selected, due): a correction wins field by field; a recommendation not selected has no due date."""
    selected = row.corrected_selected if row.corrected_selected is not None else row.detected_selected
    if not selected:
        return False, None
    return True, row.corrected_due if row.corrected_due is not None else row.detected_due


def is_corrected(row: RecommendationFollowUp) -> bool:
    return row.corrected_selected is not None or row.corrected_due is not None
