"""Request and response shapes of indicators and their measured values."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.catalogue import marked as _
from app.core.dates import EnteredDate
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.plans.schemas import (
    Forbid,
    Measure,
    MeasuredValue,
    MeasureOut,
    Note,
    NotPublicParent,
    Number,
    RefId,
    Title,
    Unit,
)


class IndicatorCreate(Forbid):
    name: Title
    unit: Unit | None = Field(None, description='What is counted: "%", "cases", "persons"...')
    baseline: Measure | None = None
    target: Measure | None = None


class IndicatorPatch(Forbid):
    """Only the fields sent change; null removes a unit, baseline or target."""

    name: Title | None = None
    unit: Unit | None = None
    baseline: Measure | None = None
    target: Measure | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


_MEASURED_ON = "YYYY-MM-DD, not in the future"
_VALUE = "A number: at most 16 digits before the point and 4 after"
ValueState = Literal["draft", "submitted", "approved", "returned"]
# A state asked for, read in any letter case (app.core.letter_case).
ValueStateValue = Annotated[ValueState, any_case(ValueState)]


class ValueCreate(Forbid):
    measured_on: EnteredDate = Field(description=_MEASURED_ON)
    value: MeasuredValue = Field(description=_VALUE)
    note: Note | None = None
    submit: bool = Field(False, description="true: submit for approval at once instead of saving a draft")


class ValuePatch(Forbid):
    """Only the fields sent change; allowed while the value is a draft or returned."""

    measured_on: EnteredDate | None = Field(None, description=_MEASURED_ON)
    value: MeasuredValue | None = Field(None, description=_VALUE)
    note: Note | None = None

    @field_validator("measured_on", "value", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


class ValueOut(BaseModel):
    id: int
    indicator_id: int
    measured_on: dt.date
    value: Number
    note: str | None
    state: str = Field(description="draft, submitted, approved or returned")
    corrects_id: int | None = Field(description="The approved value this one corrects, if any")
    superseded_by_id: int | None = Field(
        description="The approved correction that replaced this value (kept in the history, not public)"
    )
    review_comment: str | None = Field(description="Why it was returned: shown to the focal point")
    reviewed_by_id: int | None
    reviewed_at: UtcDateTime | None
    created_by_id: int | None
    version: int = Field(description="The ETag's value")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ValueApproveBody(Forbid):
    publish_parents: bool = Field(
        False,
        description="Also publish, in the same transaction, the indicator's action if it is not published "
        "(one audit event); see `not_public_parents` in the response",
    )


class ValueReviewOut(ValueOut):
    """An approved value, and whether the public can see it now."""

    public: bool = Field(description="Approved, current and under a published action: the public sees it")
    not_public_parents: list[NotPublicParent] = Field(
        description="What still keeps it from the public (its action if unpublished); empty when nothing does"
    )
    published_parents: list[NotPublicParent] = Field(
        description="The parents this request published (`publish_parents: true`)"
    )


class ValueList(BaseModel):
    items: list[ValueOut] = Field(description="Oldest first")
    total: int


class ValueListParams(BaseModel):
    """Filters of the values across indicators; all combine with AND. Oldest change first."""

    model_config = ConfigDict(extra="forbid")

    state: list[ValueStateValue] = Field(
        default_factory=list,
        description="draft, submitted, returned or approved; repeat for several (any matches). "
        "submitted: the approval queue",
    )
    entity_id: RefId | None = Field(None, description="Actions led or supported by this entity")
    action_id: RefId | None = Field(None, description="One action")
    indicator_id: RefId | None = Field(None, description="One indicator")
    limit: int = Field(50, ge=1, le=200, description="Page size")
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of the previous page")


class QueuedValue(ValueOut):
    action_id: int
    action_title: str
    indicator_name: str
    unit: str | None


class ValuePage(BaseModel):
    items: list[QueuedValue] = Field(description="Longest unchanged first")
    next_cursor: str | None
    total: int


class IndicatorOut(BaseModel):
    id: int
    action_id: int
    name: str
    unit: str | None
    baseline: MeasureOut | None
    target: MeasureOut | None
    latest_value: ValueOut | None = Field(description="The most recent approved value still current")
    version: int = Field(description="The ETag's value")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class IndicatorList(BaseModel):
    items: list[IndicatorOut]
    total: int
