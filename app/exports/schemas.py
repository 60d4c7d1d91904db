"""Shapes of the exported recommendations and of the statistics.

The public shapes are their own allowlists (``extra="forbid"``, no staff schema reused): a field
is public only by being listed here. The staff row adds the internal fields to the public one.
The columns of the CSV and XLSX exports are these fields, in this order.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.core.timestamps import UtcDateTime


class _Allowlist(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportEntity(_Allowlist):
    id: int
    name: str
    acronym: str | None


class ExportCluster(_Allowlist):
    id: int
    name: str


class PublicExportRow(_Allowlist):
    """One recommendation as published: feed data and the published local fields."""

    id: int
    symbol: str | None = Field(description="UN document symbol")
    document_id: str | None
    type: str
    mechanism_code: str
    mechanism_name: str
    mechanism_family: str
    paragraph: str | None
    text: str | None = Field(description="Plain text in `text_lang`")
    text_lang: str | None = Field(description="The requested language, else en, else any available")
    languages: list[str]
    publication_date: date | None
    upr_cycle: int | None
    upr_session: int | None
    position: str
    countries: list[str]
    regions: list[str]
    themes: list[str]
    affected_persons: list[str]
    sdgs: list[str] = Field(description="SDG goal and target codes")
    recommending_states: list[str]
    recommending_regions: list[str]
    status: str = Field(description="Implementation status (`not_started` until someone sets it)")
    priority: str | None
    lead_entity: ExportEntity | None
    supporting_entities: list[ExportEntity]
    clusters: list[ExportCluster] = Field(description="Published clusters it is in")
    action_count: int = Field(description="Published actions linked to it or to a published cluster it is in")
    portal_url: str | None = Field(
        description="Its page on the portal, absolute: NRTD_BASE_URL (else the address the export was "
        "asked at) and /recommendations/{id}"
    )


class StaffExportRow(PublicExportRow):
    """The public row plus the internal fields (staff only)."""

    source: str
    external_id: str
    issues: list[str] = Field(description="UPR Info issues")
    needs_review: bool
    withdrawn: bool
    priority_rationale: str | None
    internal_notes: str | None
    clusters: list[ExportCluster] = Field(description="Clusters it is in (not archived), published or not")
    action_count: int = Field(description="Actions linked to it or to a cluster it is in, published or not")
    portal_url: str | None = Field(
        description="Its page on the portal, absolute (NRTD_BASE_URL, else the address the export was asked "
        "at); empty for a withdrawn one, which the portal does not show"
    )


# --- statistics ---------------------------------------------------------------------------------


class CountBucket(_Allowlist):
    key: str = Field(description='The value counted (a code, a status, an id); "none" when unset')
    label: str = Field(description="How to show it")
    count: int


class ActionStats(_Allowlist):
    total: int = Field(description="Actions linked to a matching recommendation (directly or by cluster)")
    overdue: int = Field(description="Of these, due before today (NRTD_TIME_ZONE) and still open")
    by_status: list[CountBucket]


class PublicStats(_Allowlist):
    """Counts over the recommendations matching the filters; for the public, published data only."""

    total: int = Field(description="Matching recommendations")
    by_status: list[CountBucket] = Field(description="Implementation status")
    by_mechanism: list[CountBucket]
    by_theme: list[CountBucket] = Field(description="A recommendation counts once under each of its themes")
    by_sdg_goal: list[CountBucket] = Field(
        description="A recommendation counts once under each goal it or one of its targets is linked to"
    )
    by_lead_entity: list[CountBucket] = Field(description='Key: entity id, or "none" for no lead entity')
    by_cycle: list[CountBucket] = Field(description='UPR cycle; "none" for other mechanisms')
    by_position: list[CountBucket] = Field(description="UPR position")
    by_priority: list[CountBucket]
    actions: ActionStats


class StaffStats(PublicStats):
    needs_review: int = Field(description="Matching recommendations changed by an import since last reviewed")


class ExportDistribution(BaseModel):
    format: str = Field(description="csv, xlsx or json")
    media_type: str
    url: str = Field(description="The full export; each takes the filters of the recommendation list")


class ExportMetadata(BaseModel):
    """Who publishes the open data, under which licence, and how fresh it is (the `describedby` link of
    every export)."""

    title: str = Field(description="The site's name (NRTD_SITE_NAME)")
    publisher: str = Field(description="The publishing body (NRTD_PUBLISHER)")
    contact_email: str | None = None
    contact_url: str | None = None
    licence: str | None = Field(None, description="The data's licence (NRTD_DATA_LICENCE), e.g. CC BY 4.0")
    licence_url: str | None = None
    last_published_change: UtcDateTime | None = Field(
        None,
        description="The newest change of published data: a current recommendation, its status, a published "
        "action, cluster or progress update",
    )
    last_import: UtcDateTime | None = Field(
        None, description="The end of the newest import run that succeeded or found the source unchanged"
    )
    distributions: list[ExportDistribution]


class FacetBucket(_Allowlist):
    value: str = Field(description='The filter value to pass back (`theme=...`); "none" when unset')
    label: str = Field(description="How to show it")
    count: int = Field(description="Matching recommendations with this value")


class RecommendationFacets(_Allowlist):
    """How many of the matching recommendations have each value of each filter.

    A dimension's counts apply every filter and the query except that dimension's own, so the other
    values of a filter already chosen keep their counts (choosing one of them changes the list to
    that many; choosing several, `mechanism=CRC&mechanism=CAT`, to their sum for single-valued
    dimensions). A recommendation counts once under each of its themes, affected persons and goals.
    Each bucket's `label` is in `lang` where the project has the words, as in the statistics (families,
    positions, statuses, cycles, mechanism names, SDG titles, the themes and affected persons a UHRI
    export named in that language); its `value` is the same in every language.
    """

    total: int = Field(description="Matching recommendations (every filter applied)")
    mechanism: list[FacetBucket] = Field(description="By mechanism code, largest first")
    family: list[FacetBucket] = Field(description="By mechanism family, in a fixed order")
    theme: list[FacetBucket] = Field(description="By theme label, largest first")
    sdg: list[FacetBucket] = Field(description="By SDG goal (a target counts for its goal), in goal order")
    affected_person: list[FacetBucket] = Field(description="By affected persons label, largest first")
    cycle: list[FacetBucket] = Field(description='By UPR cycle; "none": not a UPR recommendation')
    position: list[FacetBucket] = Field(description="By UPR position, in a fixed order")
    status: list[FacetBucket] = Field(description="By implementation status, in a fixed order")
