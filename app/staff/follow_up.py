"""The treaty-body follow-up on the recommendation page: a manager corrects the selection and due date,
and records the committee's grades, with the API's own service (app/followup/service.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.followup import service
from app.followup.schemas import FollowUpCorrectionIn, GradeIn
from app.staff import follow_up_view as fv
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.pages import NOTICES, StaffPage, _, redirect, staff_router
from app.staff.recommendation_detail import detail_url, staff_page
from app.staff.session import ManagerSession

router = staff_router()

NOTICES["follow-up-corrected"] = _("The follow-up correction is saved.")
NOTICES["follow-up-graded"] = _("The grade is recorded.")


def _submit(
    request: Request,
    db: Session,
    staff: StaffSession,
    recommendation_id: int,
    schema: type[BaseModel],
    names: dict[str, str],
    save: Callable[[Any], object],
    done: str,
) -> Response:
    values = form_values(request)
    data, typed = fv.form_data(values, names)
    typed[ETAG_FIELD] = str(values.get(ETAG_FIELD) or "")  # shown again, if refused, as it was sent
    try:
        save(parse(schema, data))
    except FormInvalid as exc:
        errors = fv.on_page(exc.errors, names)
    except PreconditionFailed:
        # Someone else corrected the follow-up since this page showed it: nothing is replaced.
        return conflict_page(
            request,
            db,
            staff,
            object_type="recommendation",
            object_id=recommendation_id,
            reload_url=f"{detail_url(recommendation_id)}#treaty-follow-up",
            typed=fv.for_conflict(typed, StaffPage.of(request, "", staff)),
            labels=fv.CONFLICT_LABELS,
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = fv.on_page(refused(db, exc), names)
    else:
        return redirect(f"{detail_url(recommendation_id)}?done={done}#treaty-follow-up", request)
    return staff_page(request, db, staff, recommendation_id, follow_up_typed=typed, follow_up_errors=errors)


@router.post("/recommendations/{recommendation_id}/follow-up")
def correct_follow_up(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    # The version the page showed (hidden field), so that a correction saved since is not replaced.
    shown = str((form_values(request)).get(ETAG_FIELD) or "") or None

    def save(body: FollowUpCorrectionIn) -> object:
        return service.correct_follow_up(db, staff.actor, recommendation_id, body, shown)

    return _submit(
        request,
        db,
        staff,
        recommendation_id,
        FollowUpCorrectionIn,
        fv.CORRECTION_FIELDS,
        save,
        "follow-up-corrected",
    )


@router.post("/recommendations/{recommendation_id}/follow-up/grades")
def add_follow_up_grade(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    def save(body: GradeIn) -> object:
        return service.add_grade(db, staff.actor, recommendation_id, body)

    return _submit(request, db, staff, recommendation_id, GradeIn, fv.GRADE_FIELDS, save, "follow-up-graded")
