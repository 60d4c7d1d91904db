"""HTTP layer of progress updates and their review (submit, approve, return, publish)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response

from app.auth.deps import Manager, StaffUser
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import VERSIONED
from app.core.problem_docs import problem_responses
from app.idempotency.header import CREATED, Idempotent
from app.plans.progress import service
from app.plans.progress.schemas import (
    ApproveBody,
    ProgressCreate,
    ProgressList,
    ProgressOut,
    ProgressPatch,
    ProgressReviewOut,
    PublishBody,
    ReturnBody,
)

router = APIRouter(tags=["plans"])
# Transitions: If-Match is optional (checked when sent: `*` or a value that is not an ETag is 428);
# a transition from the wrong state is 409.
TRANSITION_RESPONSES = problem_responses(409, 412, 428)


@router.get("/actions/{action_id}/progress", summary="The progress updates of an action, newest report first")
def list_progress(db: DbSession, actor: StaffUser, action_id: RowId) -> ProgressList:
    return service.list_progress(db, action_id, actor)


@router.post(
    "/actions/{action_id}/progress",
    status_code=201,
    summary="Report progress on an action, as a draft or submitted "
    "(a focal point of the action, or coordinators)",
    responses=CREATED,
    response_model=ProgressOut,
)
def create_progress(
    db: DbSession, actor: StaffUser, action_id: RowId, body: ProgressCreate, once: Idempotent
) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    update, tag = service.create_progress(db, actor, action_id, body)
    return once.answer(db, 201, update, etag=tag, location=f"/api/v1/progress/{update.id}")


@router.get("/progress/{progress_id}", summary="One progress update", responses=VERSIONED)
def get_progress(db: DbSession, actor: StaffUser, progress_id: RowId, response: Response) -> ProgressOut:
    update, tag = service.get_progress(db, progress_id, actor)
    send_version_etag(response, tag)
    return update


@router.patch(
    "/progress/{progress_id}",
    summary="Edit a draft or returned progress update (If-Match)",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def update_progress(
    db: DbSession,
    actor: StaffUser,
    progress_id: RowId,
    body: ProgressPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ProgressOut:
    update, tag = service.update_progress(db, actor, progress_id, body, if_match)
    response.headers["ETag"] = tag
    return update


@router.delete(
    "/progress/{progress_id}",
    status_code=204,
    summary="Delete a draft progress update and its evidence files (its author's entity, or "
    "coordinators); one that was submitted is kept (409)",
    responses=problem_responses(409, 412, 428),
)
def delete_progress(
    db: DbSession, actor: StaffUser, progress_id: RowId, if_match: IfMatch = None
) -> Response:
    service.delete_progress(db, actor, progress_id, if_match)
    return Response(status_code=204)


@router.post(
    "/progress/{progress_id}/submit",
    summary="Submit a draft or returned update for review",
    responses={**TRANSITION_RESPONSES, **VERSIONED},
)
def submit_progress(
    db: DbSession, actor: StaffUser, progress_id: RowId, response: Response, if_match: IfMatch = None
) -> ProgressOut:
    update, tag = service.submit(db, actor, progress_id, if_match)
    response.headers["ETag"] = tag
    return update


@router.post(
    "/progress/{progress_id}/approve",
    summary="Approve a submitted update (coordinators); applies its new_status to the action; "
    "optionally publishes it (and its unpublished action: `publish_parents`)",
    responses={**TRANSITION_RESPONSES, **VERSIONED},
)
def approve_progress(
    db: DbSession,
    actor: Manager,
    progress_id: RowId,
    response: Response,
    if_match: IfMatch = None,
    body: Annotated[ApproveBody | None, Body()] = None,
) -> ProgressReviewOut:
    update, tag = service.approve(db, actor, progress_id, body or ApproveBody(), if_match)
    response.headers["ETag"] = tag
    return update


@router.post(
    "/progress/{progress_id}/return",
    summary="Return a submitted update to its author with a comment (coordinators)",
    responses={**TRANSITION_RESPONSES, **VERSIONED},
)
def return_progress(
    db: DbSession,
    actor: Manager,
    progress_id: RowId,
    body: ReturnBody,
    response: Response,
    if_match: IfMatch = None,
) -> ProgressOut:
    update, tag = service.return_update(db, actor, progress_id, body, if_match)
    response.headers["ETag"] = tag
    return update


@router.post(
    "/progress/{progress_id}/publish",
    summary="Publish an approved update (coordinators); says what still keeps it from the public and "
    "optionally publishes that too",
    responses={**TRANSITION_RESPONSES, **VERSIONED},
)
def publish_progress(
    db: DbSession,
    actor: Manager,
    progress_id: RowId,
    response: Response,
    if_match: IfMatch = None,
    body: Annotated[PublishBody | None, Body()] = None,
) -> ProgressReviewOut:
    update, tag = service.publish(db, actor, progress_id, body or PublishBody(), if_match)
    response.headers["ETag"] = tag
    return update


@router.post(
    "/progress/{progress_id}/unpublish",
    summary="Withdraw an approved update from the public pages (coordinators)",
    responses={**TRANSITION_RESPONSES, **VERSIONED},
)
def unpublish_progress(
    db: DbSession, actor: Manager, progress_id: RowId, response: Response, if_match: IfMatch = None
) -> ProgressOut:
    update, tag = service.set_published(db, actor, progress_id, False, if_match)
    response.headers["ETag"] = tag
    return update
