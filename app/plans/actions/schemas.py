"""Request and response shapes of the actions API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _
from app.core.dates import EnteredDate, IsoDate, ends_range
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.models.plan import ActionStatus
from app.plans.indicators.schemas import IndicatorOut
from app.plans.progress.schemas import ProgressOut
from app.plans.schemas import (
    Forbid,
    LongText,
    Number,
    RefId,
    ShortText,
    Title,
)

# An action status's name, in English; the pages, reports and the feed show it in the reader's language.
ACTION_STATUS_LABELS: dict[str, str] = {
    "planned": _("Planned"),
    "in_progress": _("In progress"),
    "completed": _("Completed"),
    "delayed": _("Delayed"),
    "cancelled": _("Cancelled"),
}
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50
MAX_RECOMMENDATIONS = 2000  # linked to one action

SdgCode = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=16)]


def _iso_4217(code: str) -> str:
    """A currency code ISO 4217 lists (Babel's list, from the Unicode CLDR): "XYZ" has the form only."""
    if code not in list_currencies():
        # The pattern's kind of error: the staff form says what it says of a code not written as its hint.
        raise PydanticCustomError("string_pattern_mismatch", "not an ISO 4217 currency code (USD, EUR, PEN)")
    return code


Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), AfterValidator(_iso_4217)]


class Budget(Forbid):
    amount: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)] = Field(
        description="A number >= 0 with at most 2 decimals"
    )
    currency: Currency = Field(description="ISO 4217 code, three upper-case letters (USD, EUR, PEN)")
    source: ShortText | None = Field(None, description="Where the money comes from")


class BudgetOut(BaseModel):
    amount: Number | None
    currency: str | None
    source: str | None


_RECOMMENDATIONS = "Recommendations this action implements"
_SDGS = 'SDG targets ("5.2", "16.a") or goals ("5")'


class ActionCreate(Forbid):
    title: Title
    description: LongText | None = None
    recommendation_ids: list[RefId] = Field(
        default_factory=list, max_length=MAX_RECOMMENDATIONS, description=_RECOMMENDATIONS
    )
    cluster_ids: list[RefId] = Field(default_factory=list, max_length=500)
    lead_entity_id: RefId | None = Field(None, description="The entity responsible for the action")
    supporting_entity_ids: list[RefId] = Field(default_factory=list, max_length=200)
    start_date: EnteredDate | None = Field(None, description="YYYY-MM-DD")
    due_date: EnteredDate | None = Field(None, description="YYYY-MM-DD, on or after start_date")
    status: ActionStatus = "planned"
    budget: Budget | None = None
    sdg_targets: list[SdgCode] = Field(default_factory=list, max_length=200, description=_SDGS)
    published: bool = Field(False, description="Shown on the public pages (coordinators decide)")


# Fields that may be changed but never set to null.
_NOT_NULL = ("title", "status", "published", "recommendation_ids", "cluster_ids", "supporting_entity_ids")


class ActionPatch(Forbid):
    """Only the fields sent change; a list replaces the whole list. A focal point may send only
    title, description, start_date, due_date, status and budget."""

    title: Title | None = None
    description: LongText | None = None
    recommendation_ids: list[RefId] | None = Field(
        None, max_length=MAX_RECOMMENDATIONS, description=_RECOMMENDATIONS
    )
    cluster_ids: list[RefId] | None = Field(None, max_length=500)
    lead_entity_id: RefId | None = None
    supporting_entity_ids: list[RefId] | None = Field(None, max_length=200)
    start_date: EnteredDate | None = None
    due_date: EnteredDate | None = None
    status: ActionStatus | None = None
    budget: Budget | None = Field(None, description="null removes the budget")
    sdg_targets: list[SdgCode] | None = Field(None, max_length=200, description=_SDGS)
    published: bool | None = None

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


# The status as a query value, read in any letter case (``IN_PROGRESS`` is ``in_progress``).
ActionStatusValue = Annotated[ActionStatus, any_case(ActionStatus)]


class ActionListParams(BaseModel):
    """Filters of the action list. All filters combine with AND."""

    model_config = ConfigDict(extra="forbid")

    status: list[ActionStatusValue] = Field(
        default_factory=list, description="Repeat for several (any matches)"
    )
    lead_entity_id: RefId | None = Field(None, description="Led by this entity")
    entity_id: RefId | None = Field(None, description="Led or supported by this entity")
    recommendation_id: RefId | None = Field(
        None,
        description="The recommendation's actions: linked to it or to a cluster it is in (what the "
        "statistics, the report and the exports' action_count count)",
    )
    cluster_id: RefId | None = Field(
        None,
        description="The cluster's actions: linked to it, to one of its current recommendations, "
        "or to another cluster one of them is in (what the statistics and the report count)",
    )
    overdue: bool | None = Field(
        None, description="true: due before today (NRTD_TIME_ZONE) and still planned, in progress or delayed"
    )
    due_after: IsoDate | None = Field(None, description="Due on or after this date")
    due_before: Annotated[IsoDate | None, ends_range("due_after")] = Field(
        None, description="Due on or before this date, not before `due_after`"
    )
    published: bool | None = None
    q: str | None = Field(None, max_length=200, description="Words in the title (case and accents ignored)")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the previous page (opaque)"
    )


class ActionOut(BaseModel):
    id: int
    title: str
    description: str | None
    status: str
    overdue: bool = Field(description="Due before today (NRTD_TIME_ZONE) and still open")
    lead_entity_id: int | None
    supporting_entity_ids: list[int]
    recommendation_ids: list[int]
    cluster_ids: list[int]
    sdg_targets: list[str]
    start_date: dt.date | None
    due_date: dt.date | None
    budget: BudgetOut | None
    published: bool
    version: int = Field(description="The ETag's value")
    created_by_id: int | None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ActionPage(BaseModel):
    items: list[ActionOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of actions matching the filters (all pages)")


class RecommendationRef(BaseModel):
    id: int
    symbol: str | None
    paragraph: str | None
    mechanism: str = Field(description="Mechanism code")
    withdrawn: bool = Field(
        description="Withdrawn by an import (or an archived manual one): the action still implements it, "
        "but it is left out of reports and the public portal"
    )


class LinkedCluster(BaseModel):
    id: int
    name: str
    archived: bool = Field(
        False, description="Archived since it was linked: it stays linked, and no new link is made"
    )


class ClusterRecommendations(BaseModel):
    """The recommendations an action serves through one of its clusters (``serving``'s rule)."""

    cluster_id: int
    recommendation_ids: list[int]


class EntityRef(BaseModel):
    id: int
    name: str
    acronym: str | None


class ActionSdgRef(BaseModel):
    code: str
    title: str


class ActionDetail(ActionOut):
    recommendations: list[RecommendationRef]
    clusters: list[LinkedCluster]
    recommendations_through_clusters: list[ClusterRecommendations] = Field(
        description="The recommendations it serves through each of its clusters that is not archived (the "
        "cluster's members, withdrawn ones included): their action lists and the statistics count it for "
        "them, as for those linked to it"
    )
    lead_entity: EntityRef | None
    supporting_entities: list[EntityRef]
    sdgs: list[ActionSdgRef] = Field(description="SDG goals and targets with their English titles")
    indicators: list[IndicatorOut]
    latest_progress: ProgressOut | None = Field(
        description="The most recent approved progress update; null for a focal point of another "
        "entity, who may not read this action's progress updates"
    )
