"""HTTP layer of the follow-up API: a recommendation's follow-up (read, correct, grade), the list of
recommendations selected for follow-up and the count by grade."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import Manager, StaffUser
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import VERSIONED
from app.core.problem_docs import problem_responses
from app.followup import service
from app.followup.schemas import (
    FollowUpCorrectionIn,
    FollowUpListParams,
    FollowUpPage,
    FollowUpStatus,
    GradeCounts,
    GradeIn,
)
from app.idempotency.header import CREATED, Idempotent

router = APIRouter(tags=["follow-up"])


@router.get(
    "/recommendations/{recommendation_id}/follow-up",
    summary="A recommendation's follow-up: selection and due date (detected, corrected), grades",
    description="`selected` and `due` are the coordinator's correction where there is one, else what was "
    "read from the document's follow-up paragraph (docs/follow-up.md).",
    responses={**problem_responses(403), **VERSIONED},
)
def get_follow_up(
    db: DbSession, actor: StaffUser, recommendation_id: RowId, response: Response
) -> FollowUpStatus:
    status = service.get_follow_up(db, recommendation_id)
    send_version_etag(response, service.correction_tag(status.correction.corrected_at))
    return status


@router.put(
    "/recommendations/{recommendation_id}/follow-up",
    summary="Correct the follow-up selection or due date (the correction survives every re-import)",
    description="Replaces the correction as a whole: a null field leaves the detected value in force, "
    "so sending all fields null withdraws the correction. The detected values are never changed here. "
    "`If-Match` (the ETag of the GET) is optional, checked when sent: 412 if someone corrected it since.",
    responses={**problem_responses(403, 412, 428), **VERSIONED},
)
def correct_follow_up(
    db: DbSession,
    actor: Manager,
    recommendation_id: RowId,
    body: FollowUpCorrectionIn,
    response: Response,
    if_match: IfMatch = None,
) -> FollowUpStatus:
    status = service.correct_follow_up(db, actor, recommendation_id, body, if_match)
    response.headers["ETag"] = service.correction_tag(status.correction.corrected_at)
    return status


@router.post(
    "/recommendations/{recommendation_id}/follow-up/grades",
    summary="Record the committee's grade of the State's follow-up reply on this recommendation",
    description="Answers 201 with the recommendation's follow-up, the new grade among its `grades`: its "
    "`ETag` (the version `PUT .../follow-up` names in `If-Match`, as the GET's) and, as `Location`, the "
    "follow-up's address (a grade has none of its own). Grades are kept, never replaced: the latest by "
    "`assessed_on` is the recommendation's `grade`.",
    status_code=201,
    responses={**problem_responses(403), **CREATED},
    response_model=FollowUpStatus,
)
def add_follow_up_grade(
    db: DbSession, actor: Manager, recommendation_id: RowId, body: GradeIn, once: Idempotent
) -> Response:
    # A grade is created: a retry with its Idempotency-Key records it once, as every create does.
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    status = service.add_grade(db, actor, recommendation_id, body)
    tag = service.correction_tag(status.correction.corrected_at)
    location = f"/api/v1/recommendations/{recommendation_id}/follow-up"
    return once.answer(db, 201, status, etag=tag, location=location)


@router.get(
    "/follow-up",
    summary="Recommendations selected for follow-up, by due date, with filters and keyset pagination",
    responses=problem_responses(403),
)
def list_follow_up(
    db: DbSession, actor: StaffUser, params: Annotated[FollowUpListParams, Query()]
) -> FollowUpPage:
    return service.list_follow_up(db, params)


@router.get(
    "/follow-up/grades",
    summary="Recommendations selected for follow-up, counted by their latest grade",
    responses=problem_responses(403),
)
def count_follow_up_grades(
    db: DbSession,
    actor: StaffUser,
    mechanism: Annotated[str | None, Query(max_length=64, description='Mechanism code ("CAT")')] = None,
) -> GradeCounts:
    return service.count_by_grade(db, mechanism)
