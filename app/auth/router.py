"""Login (OAuth2 password form), logout and the caller's own identity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, status

from app.auth import service
from app.auth.deps import AnonymousCaller, AnyUser
from app.auth.schemas import EntityRef, MeOut, TokenOut
from app.core.deps import AppSettings, DbSession
from app.core.problems import problem_responses
from app.models import ApiKey, Entity, User

router = APIRouter(tags=["auth"])


@router.post(
    "/auth/token",
    summary="Log in: exchange email and password for a bearer token",
    responses=problem_responses(401, 429),
)
def login(
    db: DbSession,
    settings: AppSettings,
    who: AnonymousCaller,
    username: Annotated[str, Form(min_length=1, max_length=320, description="The account's email")],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
) -> TokenOut:
    issued = service.login(db, settings, who, username, password)
    seconds = int((issued.expires_at - datetime.now(UTC)).total_seconds())
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at, expires_in=seconds)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the token this request carries",
    responses=problem_responses(401),
)
def logout(db: DbSession, actor: AnyUser) -> None:
    service.logout(db, actor)


@router.get(
    "/me",
    summary="Who you are: role, entity, and whether your key is read-only",
    responses=problem_responses(401),
)
def me(db: DbSession, actor: AnyUser) -> MeOut:
    entity = db.get(Entity, actor.entity_id) if actor.entity_id else None
    entity_ref = EntityRef(id=entity.id, name=entity.name, acronym=entity.acronym) if entity else None
    if actor.user_id is not None:
        user = db.get(User, actor.user_id)
        assert user is not None
        return MeOut(
            kind="user",
            id=user.id,
            email=user.email,
            name=user.full_name,
            role=actor.role,
            entity=entity_ref,
            read_only=False,
        )
    key = db.get(ApiKey, actor.api_key_id)
    assert key is not None
    return MeOut(
        kind="api_key",
        id=key.id,
        email=None,
        name=key.name,
        role=actor.role,
        entity=entity_ref,
        read_only=actor.read_only,
    )
