"""HTTP layer of indicators and their measured values."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.auth.deps import StaffUser
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import CREATED, VERSIONED
from app.core.problems import problem_responses
from app.plans.indicators import service
from app.plans.indicators.schemas import (
    IndicatorCreate,
    IndicatorList,
    IndicatorOut,
    IndicatorPatch,
    ValueCreate,
    ValueList,
    ValueOut,
)

router = APIRouter(tags=["plans"])


@router.get(
    "/actions/{action_id}/indicators", summary="The indicators of an action, with their latest values"
)
def list_indicators(db: DbSession, actor: StaffUser, action_id: RowId) -> IndicatorList:
    return service.list_indicators(db, action_id)


@router.post(
    "/actions/{action_id}/indicators",
    status_code=201,
    summary="Add an indicator to an action (coordinators, or a focal point of the action's entities)",
    responses=CREATED,
)
def create_indicator(
    db: DbSession, actor: StaffUser, action_id: RowId, body: IndicatorCreate, response: Response
) -> IndicatorOut:
    indicator, tag = service.create_indicator(db, actor, action_id, body)
    response.headers["ETag"] = tag
    response.headers["Location"] = f"/api/v1/indicators/{indicator.id}"
    return indicator


@router.get("/indicators/{indicator_id}", summary="One indicator", responses=VERSIONED)
def get_indicator(db: DbSession, actor: StaffUser, indicator_id: RowId, response: Response) -> IndicatorOut:
    indicator, tag = service.get_indicator(db, indicator_id)
    response.headers["ETag"] = tag
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


@router.get("/indicators/{indicator_id}/values", summary="The measured values of an indicator, oldest first")
def list_values(db: DbSession, actor: StaffUser, indicator_id: RowId) -> ValueList:
    return service.list_values(db, indicator_id)


@router.post("/indicators/{indicator_id}/values", status_code=201, summary="Record a measured value")
def add_value(db: DbSession, actor: StaffUser, indicator_id: RowId, body: ValueCreate) -> ValueOut:
    return service.add_value(db, actor, indicator_id, body)
