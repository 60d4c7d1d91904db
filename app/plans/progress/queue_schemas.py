"""Request and response shapes of the work queues: progress updates across actions, and reviewing
several at once."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.dates import IsoDate, ends_range
from app.core.ids import IdList, RowIdValue
from app.core.letter_case import any_case
from app.core.timestamps import IsoDateTime, UtcDateTime
from app.models.plan import ProgressState
from app.plans.actions.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, EntityRef
from app.plans.progress.schemas import ApproveBody, ProgressOut, ProgressReviewOut, ReturnBody
from app.plans.schemas import RefId

QueueOrder = Literal["waiting", "recent"]
MAX_BATCH = 200


class ProgressQueueParams(BaseModel):
    """Filters of the progress list across actions. All filters combine with AND."""

    model_config = ConfigDict(extra="forbid")

    state: list[Annotated[ProgressState, any_case(ProgressState)]] = Field(
        default_factory=list, description="draft, submitted, returned or approved; repeat for several"
    )
    entity_id: RefId | None = Field(None, description="On actions this entity leads or supports")
    action_id: RefId | None = Field(None, description="On this action")
    author: Annotated[Literal["mine"], any_case(Literal["mine"])] | None = Field(
        None, description="`mine`: written by the caller"
    )
    reported_from: IsoDate | None = Field(None, description="Reported on or after this date")
    reported_to: Annotated[IsoDate | None, ends_range("reported_from")] = Field(
        None, description="Reported on or before this date, not before `reported_from`"
    )
    updated_since: IsoDateTime | None = Field(
        None, description="Changed (written, submitted, reviewed) at or after this time (no offset: UTC)"
    )
    order: Annotated[QueueOrder, any_case(QueueOrder)] = Field(
        "waiting",
        description="`waiting`: the least recently changed first (the longest waiting, for a queue); "
        "`recent`: the most recently changed first",
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the previous page (opaque)"
    )


class ActionTitle(BaseModel):
    id: int
    title: str


class AuthorRef(BaseModel):
    id: int
    name: str = Field(description="The author's full name, or their email when they have none")
    entity_id: int | None


class ProgressQueueItem(BaseModel):
    id: int
    action: ActionTitle
    entity: EntityRef | None = Field(description="The action's lead entity")
    author: AuthorRef | None = Field(description="null when written with an API key or by a deleted user")
    state: str = Field(description="draft, submitted, approved or returned")
    reported_on: dt.date
    new_status: str | None
    review_comment: str | None = Field(description="The reviewer's comment when it was returned")
    reviewed_at: UtcDateTime | None
    published: bool
    version: int = Field(description="The ETag's value (If-Match of the review transitions)")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ProgressQueuePage(BaseModel):
    items: list[ProgressQueueItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of updates matching the filters (all pages)")


class ProgressIds(IdList):
    ids: list[RowIdValue] = Field(
        min_length=1, max_length=MAX_BATCH, description="Progress update ids, each at most once"
    )


class ReturnMany(ProgressIds, ReturnBody):
    """Return every one of ``ids`` with the same comment, or none of them."""


class ApproveMany(ProgressIds, ApproveBody):
    """Approve every one of ``ids``, or none of them."""


class ProgressBatch(BaseModel):
    items: list[ProgressOut] = Field(description="The updates as they now are, in the order of `ids`")


class ProgressReviewBatch(BaseModel):
    items: list[ProgressReviewOut] = Field(
        description="The updates as they now are, in the order of `ids`, each saying whether the public "
        "sees it and which of its parents keep it hidden (or were published with `publish_parents`)"
    )
