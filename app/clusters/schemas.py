"""Request and response shapes of the clusters API and of the similar-recommendation suggestions."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from app.core.catalogue import marked as _
from app.core.ids import MAX_ID, IdList, RowIdValue
from app.core.timestamps import UtcDateTime

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]


class ClusterListParams(BaseModel):
    """Filters of the cluster list; all combine with AND. Sorted by name."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=255, description="Part of the name (case and accents ignored)")
    lead_entity_id: int | None = Field(None, ge=1, le=MAX_ID, description="Lead entity")
    archived: bool = Field(False, description="false (default): current clusters; true: archived ones")
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=400, description="`next_cursor` of the previous page")


class ClusterCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="Unique (case, accents and repeated spaces ignored)")
    description: Description | None = None
    lead_entity_id: RowIdValue | None = Field(None, description="An existing, non-archived entity")
    published: bool = Field(False, description="Whether the cluster may be shown to the public")


class ClusterUpdate(BaseModel):
    """Only the fields sent change. `archived: true` archives (clusters are never deleted)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    description: Description | None = None
    lead_entity_id: RowIdValue | None = Field(None, description="null removes the lead")
    published: bool | None = None
    archived: bool | None = None

    @field_validator("name", "published", "archived")
    @classmethod
    def not_null(cls, value: object) -> object:
        # Absent means "unchanged"; an explicit null for a required field is a mistake, not a reset.
        if value is None:
            raise ValueError(_("may not be null"))
        return value


class EntityRef(BaseModel):
    id: int
    name: str
    acronym: str | None


class ClusterOut(BaseModel):
    id: int
    name: str
    description: str | None
    lead_entity: EntityRef | None
    published: bool
    archived: bool
    recommendation_count: int = Field(description="Recommendations in the cluster (withdrawn ones too)")
    withdrawn_count: int = Field(
        description="Of those, the ones an import withdrew: reports, the public portal and the "
        "recommendation list leave them out"
    )
    linked_count: int = Field(
        description="Of those, the current ones that are copies linked to another recommendation (a UPR "
        "Info row or a manual copy of a UHRI record, docs/sources.md): reports, the public portal and the "
        "recommendation list show the recommendation they copy instead"
    )
    version: int = Field(description="Also sent as the ETag header")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class ClusterPage(BaseModel):
    items: list[ClusterOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Clusters matching the filters (all pages)")


# The body of both membership routes.
RecommendationIds = IdList


class MembersAdded(BaseModel):
    added: int = Field(description="Recommendations newly put in the cluster")
    unchanged: int = Field(description="Recommendations that were already in it")
    recommendation_count: int


class MembersRemoved(BaseModel):
    removed: int = Field(description="Recommendations taken out of the cluster")
    unchanged: int = Field(description="Recommendations that were not in it")
    recommendation_count: int


class MemberListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=1000, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class Member(BaseModel):
    id: int = Field(description="Recommendation id")
    added_at: UtcDateTime


class MemberPage(BaseModel):
    items: list[Member] = Field(description="By recommendation id, ascending")
    next_cursor: str | None
    total: int


class ClusterRef(BaseModel):
    id: int
    name: str


class SimilarRecommendation(BaseModel):
    id: int
    score: float = Field(ge=0, le=1, description="Overall similarity, 0..1")
    theme_similarity: float = Field(ge=0, le=1, description="Jaccard index of the themes")
    sdg_similarity: float = Field(
        ge=0, le=1, description="Jaccard index of the SDG codes (targets and their goals)"
    )
    text_similarity: float = Field(ge=0, le=1, description="Cosine of the folded word sets of the texts")
    shared_themes: list[str]
    shared_sdgs: list[str] = Field(description="SDG goal and target codes both carry")
    symbol: str | None
    paragraph: str | None = Field(
        description="Its paragraph in the document (`symbol`), as the source numbers it"
    )
    mechanism: str = Field(description="Mechanism code")
    text: str | None = Field(description="The start of the text in `text_lang`")
    text_lang: str | None
    clusters: list[ClusterRef] = Field(description="Current (non-archived) clusters it sits in")


class SuggestedCluster(BaseModel):
    id: int
    name: str
    score: float = Field(description="Sum of the scores of the similar recommendations in it")
    neighbours: int = Field(description="How many of the similar recommendations sit in it")


class SimilarList(BaseModel):
    recommendation_id: int
    clusters: list[ClusterRef] = Field(description="Current clusters the recommendation already sits in")
    items: list[SimilarRecommendation] = Field(description="Most similar first; withdrawn ones left out")
    suggested_clusters: list[SuggestedCluster] = Field(
        description="Clusters of the similar recommendations, highest summed score first; "
        "clusters the recommendation already sits in are left out"
    )
