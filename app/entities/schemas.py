"""Request and response shapes of the entities API (ministries and other institutions)."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from app.core.catalogue import marked as _
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.models.accounts import EntityKind


def one_form(value: str) -> str:
    """A name as one string whatever the keyboard: composed (NFC; a combining accent, as macOS and
    some PDFs give it, made "Ministère" a second ministry drawn exactly as the first) and with single
    spaces (a browser draws two spaces or a tab as one)."""
    return " ".join(unicodedata.normalize("NFC", value).split())


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), AfterValidator(one_form)
]
Acronym = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Email = Annotated[EmailStr, Field(max_length=320)]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50


class EntityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="Unique (case does not matter); kept composed (NFC) with single spaces")
    acronym: Acronym | None = None
    kind: EntityKind
    contact_name: Name | None = None
    contact_email: Email | None = None
    contact_phone: Phone | None = None


class EntityUpdate(BaseModel):
    """Only the fields sent are changed; null clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    acronym: Acronym | None = None
    kind: EntityKind | None = None
    contact_name: Name | None = None
    contact_email: Email | None = None
    contact_phone: Phone | None = None
    archived: bool | None = Field(None, description="true archives (kept, hidden from the default list)")

    @field_validator("name", "kind", "archived")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(_("may be omitted but not null"))
        return value


class EntityListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Annotated[EntityKind, any_case(EntityKind)] | None = None
    archived: bool = Field(False, description="false (default): current entities; true: archived ones")
    q: str | None = Field(
        None,
        max_length=255,
        description='Part of the name or acronym, accents and case aside ("educacion" finds "Educación")',
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=4096, description="`next_cursor` of the previous page")


class EntityOut(BaseModel):
    id: int
    name: str
    acronym: str | None
    kind: EntityKind
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    archived: bool
    archived_at: UtcDateTime | None
    version: int = Field(description="The version; the ETag is this number in quotes")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class EntityPage(BaseModel):
    items: list[EntityOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int
