"""Request and response shapes of login, logout and /me."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from app.core.actor import Role
from app.core.catalogue import marked as _
from app.core.timestamps import UtcDateTime


def no_nul(value: str) -> str:
    """Refuse the NUL character: PostgreSQL cannot store it in text, and no name or password has it."""
    if "\x00" in value:
        raise ValueError(_("must not contain the NUL character"))
    return value


class TokenOut(BaseModel):
    access_token: str = Field(description="Send as `Authorization: Bearer <token>`")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type, not a secret)
    expires_at: UtcDateTime
    expires_in: int = Field(description="Seconds until the token expires")


class EntityRef(BaseModel):
    id: int
    name: str
    acronym: str | None


class MeOut(BaseModel):
    kind: Literal["user", "api_key"]
    id: int = Field(description="The user's id, or the API key's id")
    email: str | None = Field(description="The user's email; null for an API key")
    name: str | None = Field(description="The user's full name, or the API key's name")
    role: Role
    entity: EntityRef | None
    read_only: bool = Field(description="True for a read-scoped API key")
