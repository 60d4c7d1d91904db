"""HTTP layer of indicators and their measured values (recorded, reviewed, corrected)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from app.auth.deps import Manager, StaffUser
from app.core.conditional import send_version_etag
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import READ_VERSIONED, VERSIONED
from app.core.problem_docs import problem_responses
from app.idempotency.header import CREATED, Idempotent
from app.plans.indicators import queue, service, values
from app.plans.indicators.schemas import (
    IndicatorCreate,
    IndicatorList,
    IndicatorOut,
    IndicatorPatch,
    ValueApproveBody,
    ValueCreate,
    ValueList,
    ValueListParams,
    ValueOut,
    ValuePage,
    ValuePatch,
    ValueReviewOut,
)
from app.plans.progress.schemas import ReturnBody

router = APIRouter(tags=["plans"])
# Transitions: If-Match is optional (checked when sent); a transition from the wrong state is 409.
TRANSITION_RESPONSES = {**problem_responses(409, 412, 428), **VERSIONED}


@router.get(
    "/actions/{action_id}/indicators",
    summary="The indicators of an action, with their latest approved values",
)
def list_indicators(db: DbSession, actor: StaffUser, action_id: RowId) -> IndicatorList:
    return service.list_indicators(db, action_id)


@router.post(
    "/actions/{action_id}/indicators",
    status_code=201,
    summary="Add an indicator to an action (coordinators, or a focal point of the action's entities)",
    responses=CREATED,
    response_model=IndicatorOut,
)
def create_indicator(
    db: DbSession, actor: StaffUser, action_id: RowId, body: IndicatorCreate, once: Idempotent
) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    indicator, tag = service.create_indicator(db, actor, action_id, body)
    return once.answer(db, 201, indicator, etag=tag, location=f"/api/v1/indicators/{indicator.id}")


@router.get("/indicators/{indicator_id}", summary="One indicator", responses=VERSIONED)
def get_indicator(db: DbSession, actor: StaffUser, indicator_id: RowId, response: Response) -> IndicatorOut:
    indicator, tag = service.get_indicator(db, indicator_id)
    send_version_etag(response, tag)
    return indicator


@router.patch(
    "/indicators/{indicator_id}",
    summary="Change an indicator's name, unit, baseline or target (If-Match)",
    responses={**problem_responses(412, 428), **VERSIONED},
)
def update_indicator(
    db: DbSession,
    actor: StaffUser,
    indicator_id: RowId,
    body: IndicatorPatch,
    response: Response,
    if_match: IfMatch = None,
) -> IndicatorOut:
    indicator, tag = service.update_indicator(db, actor, indicator_id, body, if_match)
    response.headers["ETag"] = tag
    return indicator


@router.get(
    "/indicators/{indicator_id}/values",
    summary="An indicator's values with their review state, oldest first (corrected ones too); "
    "other entities' focal points see the approved ones only",
)
def list_values(db: DbSession, actor: StaffUser, indicator_id: RowId) -> ValueList:
    return values.list_values(db, actor, indicator_id)


@router.post(
    "/indicators/{indicator_id}/values",
    status_code=201,
    summary="Record a value, as a draft or submitted for approval (a focal point of the action, "
    "or coordinators)",
    responses=CREATED,
    response_model=ValueOut,
)
def record_value(
    db: DbSession, actor: StaffUser, indicator_id: RowId, body: ValueCreate, once: Idempotent
) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    value, tag = values.record_value(db, actor, indicator_id, body)
    return once.answer(db, 201, value, etag=tag, location=f"/api/v1/indicator-values/{value.id}")


@router.get(
    "/indicator-values",
    summary="Indicator values across actions by state: the approval queue is state=submitted",
)
def list_all_values(
    db: DbSession, actor: StaffUser, params: Annotated[ValueListParams, Query()]
) -> ValuePage:
    return queue.list_values(db, actor, params)


@router.get("/indicator-values/{value_id}", summary="One indicator value", responses=READ_VERSIONED)
def get_value(db: DbSession, actor: StaffUser, value_id: RowId, response: Response) -> ValueOut:
    value, tag = values.get_value(db, actor, value_id)
    response.headers["ETag"] = tag
    return value


@router.patch(
    "/indicator-values/{value_id}",
    summary="Edit a draft or returned value (If-Match)",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def update_value(
    db: DbSession,
    actor: StaffUser,
    value_id: RowId,
    body: ValuePatch,
    response: Response,
    if_match: IfMatch = None,
) -> ValueOut:
    value, tag = values.update_value(db, actor, value_id, body, if_match)
    response.headers["ETag"] = tag
    return value


@router.delete(
    "/indicator-values/{value_id}",
    status_code=204,
    summary="Delete a draft or returned value (an approved one is corrected instead)",
    responses=problem_responses(409, 412, 428),
)
def delete_value(db: DbSession, actor: StaffUser, value_id: RowId, if_match: IfMatch = None) -> Response:
    values.delete_value(db, actor, value_id, if_match)
    return Response(status_code=204)


@router.post(
    "/indicator-values/{value_id}/corrections",
    status_code=201,
    summary="Correct an approved value by a new one (reviewed like any value; its approval "
    "replaces the old value, which stays in the history)",
    responses={**problem_responses(409), **CREATED},
    response_model=ValueOut,
)
def correct_value(
    db: DbSession, actor: StaffUser, value_id: RowId, body: ValueCreate, once: Idempotent
) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    value, tag = values.correct(db, actor, value_id, body)
    return once.answer(db, 201, value, etag=tag, location=f"/api/v1/indicator-values/{value.id}")


@router.post(
    "/indicator-values/{value_id}/submit",
    summary="Submit a draft or returned value for approval",
    responses=TRANSITION_RESPONSES,
)
def submit_value(
    db: DbSession, actor: StaffUser, value_id: RowId, response: Response, if_match: IfMatch = None
) -> ValueOut:
    value, tag = values.submit(db, actor, value_id, if_match)
    response.headers["ETag"] = tag
    return value


@router.post(
    "/indicator-values/{value_id}/approve",
    summary="Approve a submitted value (coordinators); an approved correction replaces the value it "
    "corrects; says whether the public sees it and optionally publishes its action (`publish_parents`)",
    responses=TRANSITION_RESPONSES,
)
def approve_value(
    db: DbSession,
    actor: Manager,
    value_id: RowId,
    response: Response,
    if_match: IfMatch = None,
    body: Annotated[ValueApproveBody | None, Body()] = None,
) -> ValueReviewOut:
    publish_parents = body.publish_parents if body else False
    value, tag = values.approve(db, actor, value_id, if_match, publish_parents=publish_parents)
    response.headers["ETag"] = tag
    return value


@router.post(
    "/indicator-values/{value_id}/return",
    summary="Return a submitted value to its author with a comment (coordinators)",
    responses=TRANSITION_RESPONSES,
)
def return_value(
    db: DbSession,
    actor: Manager,
    value_id: RowId,
    body: ReturnBody,
    response: Response,
    if_match: IfMatch = None,
) -> ValueOut:
    value, tag = values.return_value(db, actor, value_id, body, if_match)
    response.headers["ETag"] = tag
    return value
