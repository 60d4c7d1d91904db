"""Response shape and filters of the audit trail API."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import ends_range
from app.core.timestamps import IsoDateTime, UtcDateTime

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


class AuditListParams(BaseModel):
    """Filters of the audit list; all combine with AND. An object's history: object_type + object_id."""

    model_config = ConfigDict(extra="forbid")

    actor_user_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Events of this user")
    actor: str | None = Field(
        None,
        max_length=400,
        description="Part of the actor label (email, api-key:<name>, cli:<user>); any case",
    )
    action: str | None = Field(
        None,
        max_length=64,
        description='Exact action ("user.update"), or a prefix ending in "." or "*" ("auth.", "user.*")',
    )
    object_type: str | None = Field(
        None, max_length=32, description='"user", "entity", "recommendation", ...'
    )
    object_id: int | None = Field(None, ge=1, le=2**31 - 1)
    since: IsoDateTime | None = Field(None, description="At or after (no offset: UTC)")
    until: Annotated[IsoDateTime | None, ends_range("since")] = Field(
        None, description="Before (no offset: UTC), not before `since`"
    )
    request_id: str | None = Field(None, max_length=64, description="All events of one request")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class AuditEventOut(BaseModel):
    id: int
    at: UtcDateTime
    actor: str | None = Field(description="Email, api-key:<name>, cli:<user>, or what a failed login claimed")
    actor_user_id: int | None
    actor_api_key_id: int | None
    actor_role: str | None
    action: str
    object_type: str | None
    object_id: int | None
    before: dict[str, Any] | None = Field(description="Changed fields' old values")
    after: dict[str, Any] | None = Field(description="Changed fields' new values (or details of the event)")
    request_id: str | None
    client_ip: str | None


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int
