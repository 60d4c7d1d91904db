"""Request and response shapes of indicators and their measured values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field, field_validator

from app.core.dates import IsoDate
from app.core.timestamps import UtcDateTime
from app.plans.schemas import Forbid, Measure, MeasuredValue, MeasureOut, Note, Number, Title, Unit


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
            raise ValueError("may not be null")
        return value


class ValueCreate(Forbid):
    measured_on: IsoDate = Field(description="YYYY-MM-DD, not in the future")
    value: MeasuredValue = Field(description="A number: at most 16 digits before the point and 4 after")
    note: Note | None = None


class ValueOut(BaseModel):
    id: int
    indicator_id: int
    measured_on: dt.date
    value: Number
    note: str | None
    created_by_id: int | None
    created_at: UtcDateTime


class ValueList(BaseModel):
    items: list[ValueOut] = Field(description="Oldest first")
    total: int


class IndicatorOut(BaseModel):
    id: int
    action_id: int
    name: str
    unit: str | None
    baseline: MeasureOut | None
    target: MeasureOut | None
    latest_value: ValueOut | None = Field(description="The most recent measured value")
    version: int = Field(description="The ETag's value")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class IndicatorList(BaseModel):
    items: list[IndicatorOut]
    total: int
