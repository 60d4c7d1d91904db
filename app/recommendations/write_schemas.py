"""Request bodies of the recommendation writes: local edits, bulk edits, manual recommendations.

Every body forbids unknown fields (no mass assignment). The fields an import owns and no API
client may set (``external_id``, ``withdrawn``, ...) are declared only to be refused with a
reason that names them; they are left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from app.core.catalogue import marked as _
from app.core.dates import EARLIEST_DAY, LATEST_DAY, EnteredDate
from app.core.ids import MAX_BULK_IDS, RowIdValue, not_a_boolean
from app.feed.values import LANGUAGE_CODE, language_code
from app.models.local import Priority, Status
from app.recommendations.schemas import (
    Family,
    Position,
    RecommendationFilter,
    RecommendationType,
    WorkKind,
)

MAX_TEXT = 20_000
MAX_NOTE = 10_000
MAX_LABELS = 200
# A bulk edit by filter refuses a filter matching more recommendations than this (nothing written):
# one transaction holds a lock on every row it edits and records one audit event per change.
MAX_BULK_MATCHES = 5000


def _no_nul(value: str) -> str:
    # PostgreSQL text cannot hold U+0000: refuse it here rather than fail in the database.
    if "\x00" in value:
        raise ValueError(_("must not contain the NUL character"))
    return value


NoNul = AfterValidator(_no_nul)
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_NOTE), NoNul]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), NoNul]
Labels = Annotated[list[Label], Field(max_length=MAX_LABELS)]
LanguageCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=LANGUAGE_CODE.pattern),
    AfterValidator(language_code),
]
MechanismCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT), NoNul]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), NoNul]

FEED_OWNED = _("feed-owned field: the import owns it")
# Fields no client may set on any recommendation, with the reason given back.
READ_ONLY_REASONS = {
    "id": "read-only field",
    "source": FEED_OWNED,
    "external_id": FEED_OWNED,
    "uhri_published_at": FEED_OWNED,
    "upr_cycle": "feed-owned field: derived from upr_session",
    "upr_info_action": FEED_OWNED,
    "issues": FEED_OWNED,
    "texts": f"{FEED_OWNED}; a manual recommendation's text is set with `text` and `lang`",
    "languages": FEED_OWNED,
    "revisions": FEED_OWNED,
    "withdrawn": "use POST /recommendations/{id}/archive (manual recommendations only)",
    "withdrawn_at": "use POST /recommendations/{id}/archive (manual recommendations only)",
    "needs_review": "use POST /recommendations/reviewed",
    "created_at": "read-only field",
    "updated_at": "read-only field",
    "local": "send the local fields at the top level",
    "status_history": "read-only field: status changes are recorded when `status` changes",
    "clusters": "use the cluster endpoints",
}
NotSettable = SkipJsonSchema[Any]


def _refuse_read_only(value: Any, info: Any) -> Any:
    raise PydanticCustomError("read_only", READ_ONLY_REASONS[info.field_name])


class LocalFields(BaseModel):
    """The national mechanism's own fields: the only ones editable on imported recommendations."""

    model_config = ConfigDict(extra="forbid")

    priority: Priority | None = Field(None, description="null clears it")
    priority_rationale: Note | None = None
    status: Status | None = Field(None, description="A change is appended to the status history")
    status_note: Note | None = Field(None, description="Why the status changed (only with `status`)")
    lead_entity_id: RowIdValue | None = Field(
        None, description="null clears it; an entity that is supporting becomes the lead"
    )
    supporting_entity_ids: list[RowIdValue] | None = Field(
        None, max_length=100, description="Replaces the supporting entities; null or [] clears them"
    )

    @field_validator("supporting_entity_ids")
    @classmethod
    def _unique(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError(_("ids must be unique"))
        return value


class ManualFields(BaseModel):
    """Feed fields of a manual recommendation (source "manual"); shared by create and edit."""

    model_config = ConfigDict(extra="forbid")

    lang: LanguageCode | None = Field(None, description="Language of `text` (default en)")
    mechanism_name: Short | None = Field(
        None, description="With an unknown `mechanism` code: creates that mechanism under this name"
    )
    mechanism_family: Family | None = Field(None, description="Family of a mechanism created here")
    type: RecommendationType | None = None
    symbol: Short | None = Field(None, description="Document symbol")
    document_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64), NoNul] | None = None
    paragraph: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32), NoNul] | None = Field(
        None, description="Paragraph number; by default taken from the start of the text, as imports do"
    )
    publication_date: EnteredDate | None = Field(
        None, description=f"YYYY-MM-DD, between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}"
    )
    countries: Labels | None = None
    regions: Labels | None = None
    themes: Labels | None = None
    affected_persons: Labels | None = None
    sdgs: Annotated[list[Annotated[str, StringConstraints(max_length=16)]], Field(max_length=200)] | None = (
        Field(None, description='SDG goal or target codes ("5", "5.2", "16.a")')
    )
    recommending_states: Labels | None = None
    recommending_regions: Labels | None = None
    upr_session: Annotated[int, Field(ge=1, le=999), BeforeValidator(not_a_boolean)] | None = Field(
        None, description="UPR session (sets the cycle)"
    )
    position: Position | None = Field(None, description="UPR position (default none)")


class ManualCreate(ManualFields):
    """A manual recommendation (a regional mechanism's, or any other body not in the feeds)."""

    text: Text = Field(description="Plain text, as in the CSV template's `text` column")
    mechanism: MechanismCode = Field(
        description="Mechanism code (`CRC`, `ACHPR`); an unknown code needs `mechanism_name` and "
        "`mechanism_family` and creates that mechanism"
    )


class RecommendationUpdate(LocalFields, ManualFields):
    """PATCH body: the local fields, and on manual recommendations also their feed fields."""

    internal_notes: Note | None = Field(None, description="Internal: never shown to the `reader` role")
    text: Text | None = Field(None, description="Manual recommendations only: the text in `lang`")
    mechanism: MechanismCode | None = Field(None, description="Manual recommendations only")

    id: NotSettable = None
    source: NotSettable = None
    external_id: NotSettable = None
    uhri_published_at: NotSettable = None
    upr_cycle: NotSettable = None
    upr_info_action: NotSettable = None
    issues: NotSettable = None
    texts: NotSettable = None
    languages: NotSettable = None
    revisions: NotSettable = None
    withdrawn: NotSettable = None
    withdrawn_at: NotSettable = None
    needs_review: NotSettable = None
    created_at: NotSettable = None
    updated_at: NotSettable = None
    local: NotSettable = None
    status_history: NotSettable = None
    clusters: NotSettable = None

    _read_only = field_validator(*READ_ONLY_REASONS, mode="before")(_refuse_read_only)


class BulkSet(LocalFields):
    """What a bulk edit sets on every recommendation (internal notes are per recommendation)."""


class BulkSelection(BaseModel):
    """Which recommendations: ``ids`` or ``filter``, exactly one."""

    model_config = ConfigDict(extra="forbid")

    ids: list[RowIdValue] | None = Field(
        None,
        min_length=1,
        max_length=MAX_BULK_IDS,
        description=f"Recommendation ids, each at most once (1 to {MAX_BULK_IDS}); or give `filter`",
    )
    filter: RecommendationFilter | None = Field(
        None,
        validate_default=True,
        description="Instead of `ids`: every recommendation the list's filters (`q` included) match "
        "when the request runs, as `GET /recommendations` with the same filters counts them in `total`. "
        f"A filter matching more than {MAX_BULK_MATCHES} recommendations is refused (422) and nothing "
        "is written.",
    )

    @field_validator("ids")
    @classmethod
    def _unique(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError(_("ids must be unique"))
        return value

    @field_validator("filter")
    @classmethod
    def _ids_or_filter(
        cls, value: RecommendationFilter | None, info: ValidationInfo
    ) -> RecommendationFilter | None:
        if "ids" not in info.data:
            return value  # ids were refused: that error says enough
        if value is None and info.data["ids"] is None:
            raise ValueError(_("give `ids` or `filter`"))
        if value is not None and info.data["ids"] is not None:
            raise ValueError(_("give `ids` or `filter`, not both"))
        return value


class BulkUpdate(BulkSelection):
    """Which recommendations (``ids`` or ``filter``, exactly one) and what to set on all of them."""

    set: BulkSet = Field(description="The fields to set; at least one")


class BulkPublish(BulkSelection):
    """Which recommendations (``ids`` or ``filter``, exactly one) to publish the status and priority of."""


class BulkResult(BaseModel):
    updated: int = Field(description="Recommendations changed (one audit event each)")
    unchanged: int = Field(description="Recommendations that already had these values")


class SettleWork(BaseModel):
    """Which of a linked copy's own work to settle, and whose to keep."""

    model_config = ConfigDict(extra="forbid")

    kind: WorkKind = Field(description="The kind of work the copy still holds (`work_on_copies`)")
    keep: Literal["record", "copy"] = Field(
        description="`record`: the leading record keeps its own and the copy's is removed; `copy`: the "
        "record's is removed and the copy's moves to it. Clusters and actions are not exclusive: the "
        "copy's memberships move where the record lacks them, whichever is kept."
    )
