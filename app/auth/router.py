"""Login (OAuth2 password form), logout and the caller's own identity."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response, status
from pydantic import AfterValidator

from app.auth import login as login_service
from app.auth import service
from app.auth.deps import AnonymousCaller, AnyUser
from app.auth.schemas import MeOut, TokenOut, no_nul
from app.core.deps import AppSettings, DbSession
from app.core.problem_docs import problem_doc, problem_responses

router = APIRouter(tags=["auth"])

_BUSY: dict[int | str, dict[str, Any]] = {
    503: problem_doc("Too many logins at once: retry after the Retry-After header's seconds")
}

# A response carrying a secret (a token, a new API key) must not be kept by any cache.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@router.post(
    "/auth/token",
    summary="Log in: exchange email and password for a bearer token",
    responses={**problem_responses(401, 429), **_BUSY},
)
async def login(
    request: Request,
    response: Response,
    settings: AppSettings,
    who: AnonymousCaller,
    username: Annotated[
        str, Form(min_length=1, max_length=320, description="The account's email"), AfterValidator(no_nul)
    ],
    password: Annotated[str, Form(min_length=1, max_length=1024), AfterValidator(no_nul)],
) -> TokenOut:
    # No DbSession here: a login runs its own short transactions, never one held while the
    # password hash is checked (see app.auth.login).
    issued = await login_service.login(request.app.state.engine, settings, who, username, password)
    response.headers.update(NO_STORE)
    seconds = int((issued.expires_at - datetime.now(UTC)).total_seconds())
    return TokenOut(access_token=issued.token, expires_at=issued.expires_at, expires_in=seconds)


@router.post(
    "/auth/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the token this request carries",
    responses=problem_responses(401, 403),
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
