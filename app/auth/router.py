"""Login (OAuth2 password form), logout and the caller's own identity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, status

from app.auth import service
from app.auth.deps import AnonymousCaller, AnyUser
from app.auth.schemas import MeOut, TokenOut
from app.core.deps import AppSettings, DbSession
from app.core.problems import problem_responses

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
    return service.describe(db, actor)
