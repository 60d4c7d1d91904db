"""Response shapes of the taxonomies API: each vocabulary with how many recommendations use it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

TermKind = Literal["themes", "affected-persons", "states", "regions", "issues"]
TAXONOMY_KINDS: tuple[str, ...] = (
    "mechanisms",
    "themes",
    "affected-persons",
    "sdgs",
    "states",
    "regions",
    "issues",
)

_COUNT = "Current (not withdrawn) recommendations linked to it"


class MechanismEntry(BaseModel):
    id: int
    code: str = Field(description="Value for the `mechanism` filter of /recommendations")
    name: str
    family: str
    count: int = Field(description=_COUNT)


class TermEntry(BaseModel):
    id: int
    key: str = Field(description="Normalised label: case, spacing and '&'/'and' folded")
    label: str = Field(description="Value for the matching filter of /recommendations")
    count: int = Field(description=f"{_COUNT}, in any role (a State: concerned or recommending)")


class SdgEntry(BaseModel):
    id: int
    code: str = Field(description='Goal ("5") or target ("5.2", "16.a"): value for the `sdg` filter')
    parent_code: str | None = Field(description="The goal of a target; null for a goal")
    label: str = Field(description="English title")
    titles: dict[str, str] = Field(description="Title by language (en, fr, es, ar, ru, zh)")
    count: int = Field(description=f"{_COUNT}; for a goal, also those linked to any of its targets")


class MechanismList(BaseModel):
    kind: Literal["mechanisms"]
    items: list[MechanismEntry]


class TermList(BaseModel):
    kind: TermKind
    items: list[TermEntry]


class SdgList(BaseModel):
    kind: Literal["sdgs"]
    items: list[SdgEntry]


Taxonomy = Annotated[MechanismList | TermList | SdgList, Field(discriminator="kind")]
