"""HTTP layer of account administration: users and API keys (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from app.auth.deps import AdminUser, AnyUser
from app.auth.router import NO_STORE
from app.core.deps import AppSettings, DbSession, IfMatch, RowId
from app.core.etag import READ_VERSIONED, VERSIONED
from app.core.problem_docs import problem_responses
from app.idempotency.header import CREATED, REPLAYED_HEADER, Idempotent
from app.users import api_keys, own_password, service
from app.users.prehash import CurrentPasswordCheck, NewPasswordHash, PasswordHash
from app.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyListParams,
    ApiKeyOut,
    ApiKeyPage,
    PasswordChange,
    UserCreate,
    UserListParams,
    UserOut,
    UserPage,
    UserUpdate,
)

# No prefix and tags per route: this router serves both /users and /api-keys.
router = APIRouter()


@router.get("/users", tags=["users"], summary="List users by id, with filters and keyset pagination")
def list_users(db: DbSession, actor: AdminUser, params: Annotated[UserListParams, Query()]) -> UserPage:
    return service.list_users(db, params)


@router.post(
    "/users",
    tags=["users"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a user",
    responses={**problem_responses(409), **CREATED},
    response_model=UserOut,
)
def create_user(
    prepared: PasswordHash,  # before the unit of work: the hash holds no write turn
    db: DbSession,
    actor: AdminUser,
    body: UserCreate,
    once: Idempotent,
) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    user, tag = service.create_user(db, actor, body, prepared=prepared)
    return once.answer(db, 201, user, etag=tag, location=f"/api/v1/users/{user.id}")


@router.get(
    "/users/{user_id}",
    tags=["users"],
    summary="One user; its ETag is in the ETag header",
    responses=READ_VERSIONED,
)
def get_user(db: DbSession, actor: AdminUser, user_id: RowId, response: Response) -> UserOut:
    user, tag = service.get_user(db, user_id)
    response.headers["ETag"] = tag
    return user


@router.patch(
    "/users/{user_id}",
    tags=["users"],
    summary="Change role, entity or name, deactivate or reactivate, or reset the password; needs If-Match",
    responses={**problem_responses(409, 412, 428), **VERSIONED},
)
def update_user(
    prepared: PasswordHash,  # before the unit of work: the hash holds no write turn
    db: DbSession,
    actor: AdminUser,
    user_id: RowId,
    body: UserUpdate,
    response: Response,
    if_match: IfMatch = None,
) -> UserOut:
    user, tag = service.update_user(db, actor, user_id, body, if_match, prepared=prepared)
    response.headers["ETag"] = tag
    return user


@router.get("/api-keys", tags=["api-keys"], summary="List API keys (never their secrets)")
def list_api_keys(
    db: DbSession, actor: AdminUser, params: Annotated[ApiKeyListParams, Query()]
) -> ApiKeyPage:
    return api_keys.list_api_keys(db, params)


@router.post(
    "/api-keys",
    tags=["api-keys"],
    status_code=status.HTTP_201_CREATED,
    summary="Create an API key: the secret is in this response only",
    responses={**problem_responses(409), 201: {"headers": REPLAYED_HEADER}},
    response_model=ApiKeyCreated,
)
def create_api_key(db: DbSession, actor: AdminUser, body: ApiKeyCreate, once: Idempotent) -> Response:
    if (earlier := once.replay(db, body)) is not None:
        return earlier
    created = api_keys.create_api_key(db, actor, body)
    # The secret is in this body only: never kept, a replay's has `key` null.
    kept = created.model_copy(update={"key": None})
    return once.answer(db, 201, created, headers=NO_STORE, kept=kept)


@router.post("/api-keys/{key_id}/revoke", tags=["api-keys"], summary="Revoke an API key for good")
def revoke_api_key(db: DbSession, actor: AdminUser, key_id: RowId) -> ApiKeyOut:
    return api_keys.revoke_api_key(db, actor, key_id)


@router.post(
    "/me/password",
    tags=["auth"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change your own password (the current one is required); your other sessions end",
    description="A wrong `current_password` counts as a failed login of the account from this address: "
    "after `NRTD_LOGIN_MAX_FAILURES` of them the change is refused (429 with Retry-After) "
    "until the login throttle's wait is over, as a login would be.",
    responses=problem_responses(429),
)
def change_my_password(
    prepared: NewPasswordHash,  # before the unit of work: the hash holds no write turn
    verified: CurrentPasswordCheck,  # and neither does the current password's verification
    db: DbSession,
    settings: AppSettings,
    actor: AnyUser,
    body: PasswordChange,
) -> None:
    own_password.change_own_password(
        db, settings, actor, body.current_password, body.new_password, prepared=prepared, verified=verified
    )
