"""HTTP layer of /actions: parameters in, service call, response model and ETag out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.auth.deps import Manager, StaffUser
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import VERSIONED
from app.core.problem_docs import problem_responses
from app.idempotency.header import CREATED, Idempotent
from app.plans.actions import service
from app.plans.actions.schemas import ActionCreate, ActionDetail, ActionListParams, ActionPage, ActionPatch

router = APIRouter(prefix="/actions", tags=["plans"])


@router.get(
    "", summary="List actions, newest first, with filters (overdue, entity, status...) and keyset pages"
)
def list_actions(db: DbSession, actor: StaffUser, params: Annotated[ActionListParams, Query()]) -> ActionPage:
    return service.list_actions(db, params)


@router.post(
    "",
    status_code=201,
    summary="Create an action (coordinators)",
    responses=CREATED,
    response_model=ActionDetail,
)
def create_action(db: DbSession, actor: Manager, body: ActionCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    detail, tag = service.create_action(db, actor, body)
    return once.answer(db, 201, detail, etag=tag, location=f"/api/v1/actions/{detail.id}")


@router.get(
    "/{action_id}",
    summary="One action with its recommendations, clusters, entities, SDGs, indicators "
    "and latest approved progress",
    responses=VERSIONED,
)
def get_action(db: DbSession, actor: StaffUser, action_id: RowId, response: Response) -> ActionDetail:
    detail, tag = service.get_action(db, actor, action_id)
    send_version_etag(response, tag)
    return detail


@router.patch(
    "/{action_id}",
    summary="Change an action (If-Match); a focal point of its entities may change only title, description, "
    "dates, status and budget",
    responses={**problem_responses(412, 428), **VERSIONED},
)
def update_action(
    db: DbSession,
    actor: StaffUser,
    action_id: RowId,
    body: ActionPatch,
    response: Response,
    if_match: IfMatch = None,
) -> ActionDetail:
    detail, tag = service.update_action(db, actor, action_id, body, if_match)
    response.headers["ETag"] = tag
    return detail
