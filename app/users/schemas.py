"""Request and response shapes of user and API-key administration. No secret ever leaves in these
but the new API key, once, in ``ApiKeyCreated``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from app.auth.schemas import EntityRef, no_nul
from app.core.actor import KeyRole, Role
from app.core.catalogue import marked as _
from app.core.ids import RowIdValue
from app.core.letter_case import any_case
from app.core.timestamps import IsoDayOrTime, UtcDateTime
from app.users.password_policy import MAX_LENGTH, MIN_LENGTH, TOO_LONG, password_problem

KeyScope = Literal["read", "write"]

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), AfterValidator(no_nul)
]
EntityId = Annotated[RowIdValue, Field(description="Id of an entity (not archived)")]


def _within_length(password: object) -> object:
    """A password over the limit gets the rule's own reason, before pydantic's length check."""
    if isinstance(password, str) and len(password) > MAX_LENGTH:
        raise ValueError(TOO_LONG)
    return password


Password = Annotated[
    str,
    BeforeValidator(_within_length),
    Field(
        max_length=MAX_LENGTH,
        description=f"At least {MIN_LENGTH} characters and not easy to guess (not a common password, "
        "not made of the user's email or name); stored only as an Argon2id hash",
    ),
]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


def _strong(password: str | None) -> str | None:
    # The account's email and name are weighed by the service, which knows them on a reset too.
    if password is not None and (problem := password_problem(password)):
        raise ValueError(problem)
    return password


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=320, description="Login name; stored lower-cased, unique")
    full_name: Name | None = None
    role: Role
    entity_id: EntityId | None = Field(None, description="Required for a focal_point")
    password: Password

    _password = field_validator("password")(_strong)


class PasswordChange(BaseModel):
    """A signed-in user's own new password; the current one proves it is them."""

    model_config = ConfigDict(extra="forbid")

    current_password: Annotated[str, Field(min_length=1, max_length=MAX_LENGTH + 1), AfterValidator(no_nul)]
    new_password: Annotated[Password, AfterValidator(no_nul)]


class UserUpdate(BaseModel):
    """Only the fields sent are changed; ``entity_id: null`` removes the user from their entity."""

    model_config = ConfigDict(extra="forbid")

    full_name: Name | None = None
    role: Role | None = None
    entity_id: EntityId | None = None
    active: bool | None = Field(
        None, description="false deactivates (their tokens stop working), true reactivates"
    )
    password: Password | None = Field(None, description="A new password (a reset); their tokens are revoked")

    _password = field_validator("password")(_strong)

    @field_validator("role", "active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(_("may be omitted but not null"))
        return value


class UserListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Annotated[Role, any_case(Role)] | None = None
    entity_id: int | None = Field(None, ge=1, le=2**31 - 1)
    active: bool | None = Field(None, description="true: active users only; false: deactivated ones only")
    # The length on the text itself: on the union it was a list's length ("too_long", "at most 320 items").
    q: Annotated[str, StringConstraints(max_length=320), AfterValidator(no_nul)] | None = Field(
        None, description="Part of the email or full name (any case)"
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str | None
    role: Role
    entity: EntityRef | None
    active: bool
    last_login_at: UtcDateTime | None
    version: int = Field(description="The version; the ETag is this number in quotes")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class UserPage(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="What the key is for, e.g. 'statistics office dashboard'")
    role: KeyRole
    entity_id: EntityId | None = Field(None, description="Required for a focal_point key")
    scope: KeyScope = Field(
        "read", description="read (default): GET only; write: also writes its role allows"
    )
    expires_at: IsoDayOrTime | None = Field(
        None,
        description="When the key stops working (future), a string: a date (its midnight in UTC) or a "
        "date and time (UTC unless an offset follows); a number is refused; none: never",
    )


class ApiKeyListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoked: bool | None = Field(None, description="true: revoked keys only; false: unrevoked ones only")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class ApiKeyOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The key's first characters, to tell keys apart")
    role: KeyRole
    entity: EntityRef | None
    scope: KeyScope
    created_by_id: int | None
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    revoked_at: UtcDateTime | None
    last_used_at: UtcDateTime | None = Field(
        description="When it last authenticated a request, to the minute (written at most once a minute); "
        "null: never used"
    )


class ApiKeyCreated(ApiKeyOut):
    key: str | None = Field(
        description="The secret, shown only in this response: send it as `Authorization: Bearer <key>` "
        "or `X-API-Key: <key>`. Null in a replay (`Idempotent-Replayed: true`): the secret is never kept; "
        "if the first answer was lost, revoke the key and create another"
    )


class ApiKeyPage(BaseModel):
    items: list[ApiKeyOut]
    next_cursor: str | None
    total: int
