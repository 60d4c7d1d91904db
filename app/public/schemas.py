"""Shapes of the public, read-only API: allowlists of what civil society may see.

Nothing here is shared with the staff schemas: a field added to a staff response never reaches
the public by accident. Every model forbids extra keys, so a service cannot slip one in either.
What is public and what never is: see docs/civil-society.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.dates import IsoDate, ends_range
from app.core.timestamps import UtcDateTime
from app.models.local import Priority, Status
from app.plans.actions.schemas import ActionStatusValue
from app.plans.schemas import Number
from app.recommendations.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    QUERY_SYNTAX,
    SNIPPET_DESCRIPTION,
    SORT_DESCRIPTION,
    AskedLang,
    Cycle,
    FamilyValue,
    Label,
    PositionValue,
    PriorityValue,
    ResponsibilityValue,
    SdgCode,
    Several,
    SortValue,
    SourceValue,
    StatusValue,
    TypeValue,
)

MAX_ID = 2**31 - 1
_CURSOR = "`next_cursor` of the previous page (opaque)"
_LABEL = "Taxonomy label as shown in the data; case, spacing and '&'/'and' do not matter"
_ANY = "Repeat for several (any of them matches)"


class PublicModel(BaseModel):
    """A public response object: exactly its declared fields, never an extra one."""

    model_config = ConfigDict(extra="forbid")


class PublicEntityRef(PublicModel):
    id: int
    name: str
    acronym: str | None


class PublicMechanismRef(PublicModel):
    code: str
    name: str
    family: str


class PublicSdgRef(PublicModel):
    code: str = Field(description='Goal ("5") or target ("5.2") code')
    title: str = Field(description="Title in the requested language, else English")


class PublicClusterRef(PublicModel):
    id: int
    name: str


class PublicClusterRecommendations(PublicModel):
    """The recommendations an action serves through one of its clusters."""

    cluster_id: int
    recommendation_ids: list[int]


def public_evidence_url(evidence_id: int) -> str:
    return f"/api/v1/public/evidence/{evidence_id}"


class PublicEvidenceFile(PublicModel):
    """A file attached to a public progress update."""

    id: int
    filename: str
    media_type: str = Field(description="What the content is (found from the content, not the name)")
    size: int = Field(description="Bytes")
    url: str = Field(description="Where to download it: /api/v1/public/evidence/{id}")


class PublicProgressUpdate(PublicModel):
    """An approved and published progress report on an action."""

    id: int
    reported_on: dt.date
    narrative: str
    new_status: str | None = Field(description="The action status this update reported")
    evidence_url: str | None
    published_at: UtcDateTime | None
    evidence: list[PublicEvidenceFile] = Field(description="Its files, oldest first")


class PublicActionSummary(PublicModel):
    """A published action, as listed on a recommendation."""

    id: int
    title: str
    status: str
    start_date: dt.date | None
    due_date: dt.date | None
    lead_entity: PublicEntityRef | None
    progress: list[PublicProgressUpdate] = Field(
        description="Published progress updates, newest report first"
    )


class PublicRecommendation(PublicModel):
    id: int
    symbol: str | None = Field(description="UN document symbol")
    document_id: str | None
    mechanism: PublicMechanismRef
    type: str = Field(description="recommendation or observation")
    paragraph: str | None = Field(description="Paragraph number in the document")
    text: str | None = Field(description="Plain text in `text_lang`")
    text_lang: str | None = Field(description="Language of `text`: the requested one, else en, else any")
    snippet: str | None = Field(None, description=SNIPPET_DESCRIPTION)
    languages: list[str] = Field(description="Languages the text is available in")
    publication_date: dt.date | None
    upr_cycle: int | None
    upr_session: int | None
    position: str = Field(description="UPR position: supported, noted, or none")
    countries: list[str]
    regions: list[str]
    themes: list[str]
    affected_persons: list[str]
    recommending_states: list[str]
    recommending_regions: list[str]
    sdgs: list[PublicSdgRef]
    status: Status = Field(description="Implementation status")
    priority: Priority | None
    lead_entity: PublicEntityRef | None
    supporting_entities: list[PublicEntityRef]
    clusters: list[PublicClusterRef] = Field(description="Published clusters it is in")
    actions: list[PublicActionSummary] = Field(description="Published actions implementing it")


def public_recommendation_url(recommendation_id: int) -> str:
    return f"/api/v1/public/recommendations/{recommendation_id}"


class PublicLeadingRecord(PublicModel):
    """The record a linked copy is one recommendation with (docs/sources.md): the one the lists show."""

    id: int
    url: str = Field(description="Its JSON: /api/v1/public/recommendations/{id}")
    page_url: str = Field(description="Its page on the portal: /recommendations/{id}")


class PublicRecommendationDetail(PublicRecommendation):
    texts: dict[str, str] = Field(description="Plain text in every available language, by language code")
    leading_record: PublicLeadingRecord | None = Field(
        description="On a copy linked to the recommendation's UHRI record (a UPR Info row, a copy entered "
        "by hand): that record, which the lists, counts and exports show in its place and which holds "
        "the status, the actions and the progress (the portal's page of the copy leads to it). Null "
        "otherwise, and once the link is undone or the record withdrawn."
    )


class PublicRecommendationPage(PublicModel):
    items: list[PublicRecommendation]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of recommendations matching the filters (all pages)")


class PublicCluster(PublicModel):
    id: int
    name: str
    description: str | None
    lead_entity: PublicEntityRef | None
    recommendation_count: int = Field(
        description="Recommendations in the cluster (withdrawn ones not counted)"
    )


class PublicClusterPage(PublicModel):
    items: list[PublicCluster]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int


class PublicMeasure(PublicModel):
    value: Number
    date: dt.date | None


class PublicIndicatorValue(PublicModel):
    measured_on: dt.date
    value: Number


class PublicIndicator(PublicModel):
    id: int
    name: str
    unit: str | None
    baseline: PublicMeasure | None
    target: PublicMeasure | None
    values: list[PublicIndicatorValue] = Field(description="Measured values, oldest first")


class PublicAction(PublicModel):
    id: int
    title: str
    description: str | None
    status: str
    overdue: bool = Field(
        description="Due before today (NRTD_TIME_ZONE) and still planned, in progress or delayed"
    )
    start_date: dt.date | None
    due_date: dt.date | None
    lead_entity: PublicEntityRef | None
    supporting_entities: list[PublicEntityRef]
    sdgs: list[PublicSdgRef] = Field(
        description="SDG goals and targets the action contributes to (English titles)"
    )
    recommendation_ids: list[int] = Field(description="Recommendations it implements")
    clusters: list[PublicClusterRef] = Field(description="Published clusters it belongs to")
    recommendations_through_clusters: list[PublicClusterRecommendations] = Field(
        description="The current recommendations it serves through each published cluster it belongs "
        "to (the cluster's own): the recommendations' action lists and the statistics count it for them"
    )
    indicators: list[PublicIndicator]
    progress: list[PublicProgressUpdate] = Field(
        description="Published progress updates, newest report first"
    )


class PublicActionPage(PublicModel):
    items: list[PublicAction]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int


class PublicParams(PublicModel):
    """Query parameters of a public route."""


class PublicRecommendationParams(PublicParams):
    """Filters of the public recommendation list (the staff list's, without the internal ones).

    All filters combine with AND. Withdrawn recommendations are never listed.
    """

    q: str | None = Field(
        None,
        max_length=500,
        description=QUERY_SYNTAX,
    )
    mechanism: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, description="Mechanism code (UPR, CRC, ...); repeat for several"
    )
    family: Several[FamilyValue] = Field(default_factory=list, description=f"Mechanism family. {_ANY}")
    type: Several[TypeValue] = Field(
        default_factory=list, description=f"Recommendation or concern/observation. {_ANY}"
    )
    theme: Several[Label] = Field(default_factory=list, description=f"{_LABEL}. {_ANY}")
    affected_person: Several[Label] = Field(default_factory=list, description=f"{_LABEL}. {_ANY}")
    country: Several[Label] = Field(default_factory=list, description=f"State concerned. {_LABEL}. {_ANY}")
    region: Several[Label] = Field(default_factory=list, description=f"Region concerned. {_LABEL}. {_ANY}")
    recommending_state: Several[Label] = Field(
        default_factory=list, description=f"UPR recommending State. {_LABEL}. {_ANY}"
    )
    recommending_region: Several[Label] = Field(
        default_factory=list, description=f"UPR recommending region. {_LABEL}. {_ANY}"
    )
    sdg: Several[SdgCode] = Field(
        default_factory=list, description=f'SDG goal ("5") or target ("5.2", "16.a"). {_ANY}'
    )
    cycle: Several[Cycle] = Field(default_factory=list, description=f"UPR cycle. {_ANY}")
    session: int | None = Field(None, ge=1, le=999, description="UPR session")
    position: Several[PositionValue] = Field(
        default_factory=list, description=f"UPR position of the State under review. {_ANY}"
    )
    source: Several[SourceValue] = Field(
        default_factory=list, description=f"Where the recommendation came from. {_ANY}"
    )
    priority: list[PriorityValue] = Field(default_factory=list, description="Priority; repeat for several")
    status: list[StatusValue] = Field(
        default_factory=list, description="Implementation status; repeat for several"
    )
    entity: int | None = Field(
        None, ge=1, le=MAX_ID, description="Responsible entity id (see `responsibility`)"
    )
    responsibility: ResponsibilityValue | None = Field(
        None, description="With `entity`: only where it is the lead, or a supporting entity"
    )
    cluster: int | None = Field(
        None, ge=1, le=MAX_ID, description="Published cluster id; any other id gives an empty list"
    )
    published_from: IsoDate | None = Field(None, description="Publication date on or after, YYYY-MM-DD")
    published_to: Annotated[IsoDate | None, ends_range("published_from")] = Field(
        None, description="Publication date on or before, YYYY-MM-DD; not before `published_from`"
    )
    lang: AskedLang = Field(
        "en",
        description="Language of `text` and SDG titles (a regional variant such as fr-CA is its language); "
        "falls back to en",
    )
    sort: SortValue | None = Field(None, description=SORT_DESCRIPTION)
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description=_CURSOR)


class PublicClusterParams(PublicParams):
    """Published clusters, by name."""

    q: str | None = Field(None, max_length=255, description="Part of the name (case and accents ignored)")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=400, description=_CURSOR)


class PublicActionParams(PublicParams):
    """Published actions, newest first. All filters combine with AND."""

    q: str | None = Field(None, max_length=200, description="Words in the title (case and accents ignored)")
    status: list[ActionStatusValue] = Field(
        default_factory=list, description="Repeat for several (any matches)"
    )
    entity: int | None = Field(None, ge=1, le=MAX_ID, description="Led or supported by this entity")
    overdue: bool | None = Field(
        None, description="true: due before today (NRTD_TIME_ZONE) and still planned, in progress or delayed"
    )
    cluster: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The actions of this published cluster: linked to it, to one of its recommendations, "
        "or to another published cluster one of them is in (what the statistics and the report count); "
        "any other id gives an empty list",
    )
    recommendation: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Implementing this recommendation: linked to it or to a published cluster it is in "
        "(what the statistics and the exports' action_count count); a withdrawn one gives an empty list",
    )
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description=_CURSOR)


class FeedParams(PublicParams):
    """Filters of the progress feed; all combine with AND."""

    theme: str | None = Field(
        None, max_length=1000, description=f"A theme of a recommendation the action implements. {_LABEL}"
    )
    sdg: str | None = Field(
        None,
        max_length=16,
        description='SDG goal ("5") or target ("5.2"): of the action, or of a recommendation it implements',
    )
    entity: int | None = Field(None, ge=1, le=MAX_ID, description="The action's lead or a supporting entity")
    lang: AskedLang | None = Field(
        None,
        description="Language of the feed's own words (en, fr, es, or a regional variant such as fr-CA; "
        "another gives English); without it, "
        "the one Accept-Language prefers, else English",
    )
