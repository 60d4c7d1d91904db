"""Request and response shapes of the calendar: deadlines of every kind, coordinator-entered
deadlines, and the calendar feed's token."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.core.catalogue import marked as _
from app.core.dates import EnteredDate, IsoDate, ends_range
from app.core.errors import InvalidInput
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.deadlines.report_names import shown_title
from app.deadlines.sources import DEADLINE_KINDS, DeadlineKind, shown_detail
from app.models.deadline import EnteredKind
from app.plans.schemas import Forbid, LongText, RefId, Title

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100

# Codes are stored in upper case (app.feed.mechanisms): "crc" is the CRC, in a filter as in a deadline.
MechanismCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=1, max_length=64)
]


class DeadlineFilters(BaseModel):
    """The filters the staff and the public calendars share. All combine with AND; each caller sees only
    what is theirs to see."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    kind: list[Annotated[DeadlineKind, any_case(DeadlineKind)]] = Field(
        default_factory=list, description="Repeat for several (any matches)"
    )
    mechanism: MechanismCode | None = Field(None, description="Mechanism code (UPR, CRC...)")
    entity: Annotated[RefId | None, Field(description="Deadlines that concern this entity")] = None
    # The filter's first name; the actions and recommendations call it `entity`.
    entity_id: Annotated[
        RefId | None,
        Field(deprecated=True, description="Deprecated: the former name of `entity`, still understood"),
    ] = None
    from_date: IsoDate | None = Field(None, alias="from", description="On or after this date (YYYY-MM-DD)")
    to_date: Annotated[IsoDate | None, ends_range("from_date", named="from")] = Field(
        None, alias="to", description="On or before this date (YYYY-MM-DD), not before `from`"
    )

    def entity_filter(self) -> tuple[int | None, str]:
        """The entity asked for and the parameter that named it (a refusal names that one)."""
        old = self.__dict__.get("entity_id")  # read without the deprecation warning of the attribute
        if old is None:
            return self.entity, "entity"
        if self.entity is not None and self.entity != old:
            reason = _("`entity_id` is the former name of `entity`: give one of them")
            raise InvalidInput(f"entity_id: {reason}", errors=[{"field": "entity_id", "reason": reason}])
        return old, "entity_id"


class DeadlineListParams(DeadlineFilters):
    """The staff calendar's filters: the shared ones, whether overdue, and its pages."""

    overdue: bool | None = Field(None, description="true: before today (NRTD_TIME_ZONE) and not done")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class DeadlineOut(BaseModel):
    kind: str = Field(description="What the date is: " + ", ".join(DEADLINE_KINDS))
    date: dt.date
    title: str
    object_id: int = Field(
        description="The id of what it comes from (entered deadline, action, indicator...)"
    )
    uid: str = Field(description="Stable name of this deadline (kind and object id)")
    mechanism: str | None = Field(description="Mechanism code, when the deadline belongs to one")
    entity_ids: list[int] = Field(description="The entities it concerns; empty: a general deadline")
    link: str | None = Field(description="Its page in the staff workspace")
    detail: str | None = Field(
        description="A short fact shown beside the title (a follow-up reply's grade...)"
    )
    grade: str | None = Field(
        description='A follow-up reply\'s grades alone: "B", or "A, C (2/3)" while some are missing '
        "(`detail` says them in English)",
    )
    published: bool
    done: bool = Field(description="Met: never overdue")
    cancelled: bool = Field(
        description="Done because what it belongs to was cancelled (an action and its indicators), not met"
    )
    sent: bool = Field(
        False,
        description="A follow-up reply or periodic report a coordinator marked as sent by the State: done "
        "(POST /api/v1/deadlines/sent)",
    )
    overdue: bool = Field(description="Before today (NRTD_TIME_ZONE) and not done")

    def detail_text(self) -> str | None:
        return shown_detail(self.detail, self.grade)

    def title_text(self) -> str:
        """The title for a page (its ``reason`` filter): a periodic report's wording translated there."""
        return shown_title(self.kind, self.title)


class DeadlinePage(BaseModel):
    items: list[DeadlineOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of deadlines matching the filters (all pages)")


_LAST_REVIEW = "upr_review only: the review that opened the cycle (YYYY-MM-DD), before due_on"
_MIDTERM = (
    "upr_review only: the mid-term report's date; null: suggested half-way between last_review_on and due_on"
)


class DeadlineCreate(Forbid):
    kind: EnteredKind = Field("custom", description="upr_review: the next UPR review; custom: any other")
    title: Title
    due_on: EnteredDate = Field(description="YYYY-MM-DD")
    mechanism: MechanismCode | None = Field(None, description="Mechanism code; upr_review defaults to UPR")
    entity_id: RefId | None = Field(None, description="The responsible entity; none: a general deadline")
    notes: LongText | None = None
    published: bool = Field(False, description="Shown on the public portal (coordinators decide)")
    done: bool = Field(False, description="Met: no longer overdue")
    last_review_on: EnteredDate | None = Field(None, description=_LAST_REVIEW)
    midterm_on: EnteredDate | None = Field(None, description=_MIDTERM)
    midterm_done: bool = Field(False, description="upr_review only: the mid-term report was sent")


_NOT_NULL = ("title", "due_on", "published", "done", "midterm_done")


class DeadlinePatch(Forbid):
    """Only the fields sent change. The kind cannot change (delete and create instead)."""

    title: Title | None = None
    due_on: EnteredDate | None = None
    mechanism: MechanismCode | None = None
    entity_id: RefId | None = None
    notes: LongText | None = None
    published: bool | None = None
    done: bool | None = None
    last_review_on: EnteredDate | None = Field(None, description=_LAST_REVIEW)
    midterm_on: EnteredDate | None = Field(None, description=_MIDTERM)
    midterm_done: bool | None = None

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


class EnteredDeadlineOut(BaseModel):
    id: int
    kind: str
    title: str
    due_on: dt.date
    mechanism: str | None = Field(description="Mechanism code")
    entity_id: int | None
    notes: str | None
    published: bool
    done: bool
    last_review_on: dt.date | None
    midterm_on: dt.date | None = Field(description="The date a coordinator chose for the mid-term report")
    midterm_suggested: dt.date | None = Field(
        description="Half-way between last_review_on and due_on (rounded down to the day)"
    )
    midterm_date: dt.date | None = Field(description="midterm_on if chosen, else the suggestion")
    midterm_done: bool
    version: int = Field(description="The ETag's value")
    created_by_id: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class CalendarTokenOut(BaseModel):
    """A new feed URL: shown once (only a hash of its token is stored)."""

    url: str = Field(description="The feed's address, token included: subscribe to it")
    token: str
    created_at: UtcDateTime


class CalendarTokenStatus(BaseModel):
    active: bool = Field(description="You have a feed token (its URL is shown only when made)")
    created_at: UtcDateTime | None


PublishableKind = Literal["follow_up_reply", "periodic_report"]


class DeadlinePublish(Forbid):
    """Publish (or withdraw from the public) a deadline the calendar reads from the treaty-body
    follow-up: a follow-up reply due or a periodic report due, named as the calendar lists it."""

    kind: PublishableKind
    object_id: RefId = Field(description="The `object_id` the calendar lists it with")
    published: bool


class DeadlineSent(Forbid):
    """Mark a follow-up reply due or a periodic report due as sent by the State (met: no longer
    overdue, although the committee has not graded or reviewed it yet), or as not sent after all."""

    kind: PublishableKind
    object_id: RefId = Field(description="The `object_id` the calendar lists it with")
    sent_on: EnteredDate | None = Field(description="The day the State sent it; null: not sent after all")
