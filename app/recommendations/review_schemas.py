"""Shapes of the review queue: the recommendations an import changed or withdrew since staff last
reviewed them, and what changed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.core.timestamps import UtcDateTime
from app.recommendations.schemas import ClusterRef


class FieldChange(BaseModel):
    field: str = Field(description='A feed field ("symbol", "themes") or a text ("texts.en")')
    old: Any = Field(description="The value when the recommendation was last reviewed (texts as plain text)")
    new: Any = Field(description="The value now")


class LinkedAction(BaseModel):
    """An action that implements a recommendation, and how many progress updates it holds."""

    id: int
    title: str
    progress_updates: int


class ReviewItem(BaseModel):
    """A recommendation waiting for review and what changed since it was last reviewed."""

    id: int
    source: str
    symbol: str | None
    mechanism: str = Field(description="Mechanism code")
    paragraph: str | None
    text: str | None
    text_lang: str | None
    withdrawn: bool = Field(description="Withdrawn by an import (missing from a full export)")
    import_run_id: int | None = Field(description="The import run that changed it last")
    changed_at: UtcDateTime
    revisions: int = Field(description="Revisions since the last review, folded into `changes`")
    import_runs: int = Field(
        description="Import runs that wrote those revisions (a run writes one per language it changed)"
    )
    changes: list[FieldChange]
    actions: list[LinkedAction] = Field(description="Actions linked to it directly")
    clusters: list[ClusterRef] = Field(description="Clusters it is in (not archived)")


class ReviewQueue(BaseModel):
    items: list[ReviewItem]
    next_cursor: str | None
    total: int
