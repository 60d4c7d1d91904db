"""HTTP layer of entities: staff read them, managers create, edit and archive them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import Manager, StaffUser
from app.core.deps import DbSession, IfMatch, RowId
from app.core.etag import READ_VERSIONED, VERSIONED
from app.core.problem_docs import problem_responses
from app.entities import service
from app.entities.schemas import EntityCreate, EntityListParams, EntityOut, EntityPage, EntityUpdate
from app.idempotency.header import CREATED, Idempotent

router = APIRouter(prefix="/entities", tags=["entities"])


@router.get("", summary="List entities in name order (archived ones only with archived=true)")
def list_entities(
    db: DbSession, actor: StaffUser, params: Annotated[EntityListParams, Query()]
) -> EntityPage:
    return service.list_entities(db, params)


@router.get("/{entity_id}", summary="One entity; its ETag is in the ETag header", responses=READ_VERSIONED)
def get_entity(db: DbSession, actor: StaffUser, entity_id: RowId, response: Response) -> EntityOut:
    entity, tag = service.get_entity(db, entity_id)
    response.headers["ETag"] = tag
    return entity


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create an entity (coordinators and admins)",
    responses={**problem_responses(409), **CREATED},
    response_model=EntityOut,
)
def create_entity(db: DbSession, actor: Manager, body: EntityCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    entity, tag = service.create_entity(db, actor, body)
    return once.answer(db, 201, entity, etag=tag, location=f"/api/v1/entities/{entity.id}")


@router.patch(
    "/{entity_id}",
    summary="Change an entity or archive it (archived: true); needs If-Match",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def update_entity(
    db: DbSession,
    actor: Manager,
    entity_id: RowId,
    body: EntityUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> EntityOut:
    entity, tag = service.update_entity(db, actor, entity_id, body, if_match)
    response.headers["ETag"] = tag
    return entity
