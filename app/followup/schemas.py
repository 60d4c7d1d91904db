"""Request and response shapes of the follow-up API (docs/follow-up.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from app.core.dates import EnteredDate, IsoDate, ends_range
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.models.followup import Grade

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

Symbol = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000)]


class Detected(BaseModel):
    """What the detection read from the document's follow-up paragraph."""

    selected: bool
    due: dt.date | None = Field(description="The document's date plus the period, or the date it names")
    subparagraphs: list[str] = Field(description='Sub-paragraph letters named ("b"); empty: the paragraph')
    symbol: str | None = Field(description="The document whose follow-up paragraph selected it")
    detected_at: UtcDateTime | None


class Correction(BaseModel):
    """A coordinator's correction; null fields leave the detected value in force."""

    selected: bool | None
    due: dt.date | None
    note: str | None
    corrected_by: str | None = Field(description="The coordinator's e-mail")
    corrected_at: UtcDateTime | None


class GradeOut(BaseModel):
    id: int
    grade: Grade
    assessed_on: dt.date
    source_symbol: str
    note: str | None
    entered_by: str | None
    created_at: UtcDateTime


class FollowUpStatus(BaseModel):
    """One recommendation's follow-up: effective values, detection, correction, grades."""

    recommendation_id: int
    selected: bool = Field(description="The correction if there is one, else the detection")
    due: dt.date | None = Field(description="The corrected due date if any, else the detected one")
    detected: Detected
    correction: Correction
    grade: Grade | None = Field(description="The latest grade (by assessment date)")
    grades: list[GradeOut] = Field(description="Every grade entered, latest first")


class FollowUpCorrectionIn(BaseModel):
    """Replaces the correction as a whole. null (or absent) in a field: the detected value holds."""

    model_config = ConfigDict(extra="forbid")

    selected: bool | None = Field(None, description="true or false overrides the detection; null: detected")
    due: EnteredDate | None = Field(
        None,
        description="Overrides the detected due date, not before the recommendation's publication date;"
        " null: detected",
    )
    note: Note | None = Field(None, description="Why (the committee's letter, a later decision)")


class GradeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grade: Grade = Field(description="A, B, C, D or E; B1, B2, C1, C2, D1, D2 where the methodology has them")
    assessed_on: EnteredDate = Field(
        description="Date of the committee's assessment; not in the future, nor before the"
        " recommendation's publication date"
    )
    source_symbol: Symbol = Field(description='Document holding the assessment ("CCPR/C/140/2")')
    note: Note | None = None


class FollowUpListParams(BaseModel):
    """Filters of the follow-up list; all combine with AND. Sorted by due date (none last), then id."""

    model_config = ConfigDict(extra="forbid")

    selected: bool = Field(True, description="true (default): selected for follow-up; false: not (any more)")
    grade: Annotated[Grade, any_case(Grade)] | None = Field(None, description="Latest grade")
    ungraded: bool | None = Field(None, description="true: no grade yet; false: graded")
    mechanism: str | None = Field(None, max_length=64, description='Mechanism code ("CAT")')
    symbol: str | None = Field(None, max_length=255, description="Document symbol")
    due_from: IsoDate | None = Field(None, description="Due on or after this date")
    due_to: Annotated[IsoDate | None, ends_range("due_from")] = Field(
        None, description="Due on or before this date, not before `due_from`"
    )
    overdue: bool | None = Field(
        None,
        description="true: due before today (NRTD_TIME_ZONE), not graded yet and its reply not marked as "
        "sent (`POST /api/v1/deadlines/sent`: met, as the calendar says)",
    )
    corrected: bool | None = Field(None, description="true: a coordinator corrected it")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of the previous page")

    @field_validator("ungraded", "overdue")
    @classmethod
    def _not_graded_and_graded(cls, value: bool | None, info: ValidationInfo) -> bool | None:
        """`ungraded=true` and `overdue=true` select the recommendations with no grade yet: beside a
        filter that selects graded ones, the list was always empty, as if nothing had that grade."""
        if not value:
            return value
        graded = []
        if info.data.get("grade") is not None:
            graded.append("`grade`")
        if info.data.get("ungraded") is False:
            graded.append("`ungraded=false`")
        if graded:
            raise PydanticCustomError(
                "filter_conflict",
                "selects the recommendations not graded yet, {graded} those with a grade: give one of them",
                {"graded": " and ".join(graded)},
            )
        return value


class FollowUpItem(BaseModel):
    recommendation_id: int
    symbol: str | None
    paragraph: str | None
    mechanism: str = Field(description="Mechanism code")
    selected: bool
    due: dt.date | None
    subparagraphs: list[str]
    corrected: bool = Field(description="A coordinator's correction is in force")
    grade: Grade | None
    assessed_on: dt.date | None = Field(description="Date of the latest grade")


class FollowUpPage(BaseModel):
    items: list[FollowUpItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of recommendations matching the filters (all pages)")


class GradeCounts(BaseModel):
    """Recommendations selected for follow-up, by latest grade."""

    counts: dict[str, int] = Field(description="Every grade, with 0 for those not given")
    ungraded: int
    total: int
