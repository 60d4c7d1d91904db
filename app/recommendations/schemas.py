"""Request and response shapes of the recommendations API."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, StringConstraints
from pydantic_core import PydanticCustomError

from app.core.dates import IsoDate, ends_range
from app.core.languages import as_known_language
from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime
from app.models.local import Priority, Responsibility, Status

# These mirror the values the models store (app.models: SOURCES, TYPES, POSITIONS,
# MECHANISM_FAMILIES; app.core.config: UHRI_LANGUAGES); a test keeps them in step. The local
# fields' vocabularies (Priority, Status, Responsibility) are app.models.local's own.
Source = Literal["uhri", "upr-info", "manual"]
RecommendationType = Literal["recommendation", "observation"]
Position = Literal["supported", "noted", "none"]
Family = Literal["upr", "treaty-body", "special-procedure", "regional", "other"]
Lang = Literal["en", "fr", "es", "ar", "ru", "zh"]
# A language a request asks for (``lang``): a regional or script variant of one of these is that one
# ("fr-CA" is "fr", "zh-Hans" "zh": app.core.languages); any other value is refused as before.
AskedLang = Annotated[Lang, BeforeValidator(as_known_language(get_args(Lang)))]

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

QUERY_SYNTAX = (
    "Full-text search in every language: every word must occur (also as its stem in English, French, "
    'Spanish, Russian, Arabic: `tortured` finds "torture"); `"exact phrase"`; `OR` between two words '
    "or phrases; `-word` leaves out; `tort*` a prefix (3 letters or more; the last word is also a prefix). "
    "A document symbol (`A/HRC/22/15`) finds that document's recommendations, a cited paragraph "
    "(`A/HRC/22/15 para. 116.4`) one of them. Accents and case are ignored; Chinese matches as phrases. "
    "Anything else is taken literally."
)
SORT_DESCRIPTION = (
    "`relevance` (the default with `q`: most relevant first, equal scores newest first), `newest` (the "
    "default without `q`) or `oldest`; `relevance` without words to rank is `newest`"
)
SNIPPET_DESCRIPTION = (
    "With `q`: a short excerpt of `text` around the first matched word, HTML-escaped, the matched words "
    "in `<mark>`...`</mark>` (no other markup: safe to insert as HTML); `…` marks a cut. null without `q`"
)
Sort = Literal["relevance", "newest", "oldest"]
# The vocabularies as query values, read in any letter case (``SUPPORTED`` is ``supported``).
FamilyValue = Annotated[Family, any_case(Family)]
TypeValue = Annotated[RecommendationType, any_case(RecommendationType)]
PositionValue = Annotated[Position, any_case(Position)]
SourceValue = Annotated[Source, any_case(Source)]
PriorityValue = Annotated[Priority, any_case(Priority)]
StatusValue = Annotated[Status, any_case(Status)]
ResponsibilityValue = Annotated[Responsibility, any_case(Responsibility)]
SortValue = Annotated[Sort, any_case(Sort)]

_LABEL = "Taxonomy label as shown in the data; case, spacing and '&'/'and' do not matter"
_ANY = "Repeat for several (any of them matches)"
_T = TypeVar("_T")


def _listed(value: Any) -> Any:
    """A single value where a list is expected (a bulk body's ``"theme": "Women"``, or a caller in
    Python) is a list of one; None is none."""
    if value is None:
        return []
    return [value] if isinstance(value, str | int) else value


# A filter that takes one value or several (repeat the query parameter: `cycle=2&cycle=3`).
Several = Annotated[list[_T], BeforeValidator(_listed)]
Label = Annotated[str, StringConstraints(max_length=1000)]
SdgCode = Annotated[str, StringConstraints(max_length=16)]


def _cycle(value: object) -> int | str:
    """A UPR cycle, or "none": not a UPR recommendation (the value the facet counts give them)."""
    if isinstance(value, str) and value.strip().casefold() == "none":
        return "none"
    text = value.strip() if isinstance(value, str) else value
    # ASCII digits only, as every other number of the list (``session``, ``limit``): "٣" is no cycle.
    if (isinstance(text, int) and not isinstance(text, bool)) or (
        isinstance(text, str) and text.isascii() and text.isdecimal()
    ):
        number = int(text)
        if 1 <= number <= 99:
            return number
    # A choice refused, as pydantic names one (the portal words it in the reader's language).
    raise PydanticCustomError(
        "literal_error", "Input should be a UPR cycle from 1 to 99, or 'none' (not a UPR recommendation)"
    )


Cycle = Annotated[
    int | Literal["none"],
    PlainValidator(_cycle, json_schema_input_type=Annotated[int, Field(ge=1, le=99)] | Literal["none"]),
]


# Filters on what only staff see (docs/exports.md's staff-only columns): the public routes, the portal
# and the reader role refuse them as parameters they do not take, so that no answer tells whether an
# internal value (an UPR Info issue label, a review flag) exists.
STAFF_ONLY_FILTERS = frozenset({"needs_review", "withdrawn", "issue"})


class RecommendationFilter(BaseModel):
    """Which recommendations: the list's filters, all combined with AND; a filter given several values
    matches any of them. A bulk edit takes the same filter in its body (a single value or a list), so a
    selection means what the list showed."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(
        None,
        max_length=500,
        description=QUERY_SYNTAX,
    )
    mechanism: list[str] = Field(
        default_factory=list,
        description="Mechanism code (UPR, CRC, SR-TORTURE, ...); repeat for several (any of them matches)",
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
    issue: Several[Label] = Field(default_factory=list, description=f"UPR Info issue. {_LABEL}. {_ANY}")
    sdg: Several[SdgCode] = Field(
        default_factory=list,
        description='SDG goal ("5": the goal and all its targets) or target ("5.2", "16.a"); '
        f"unknown codes are refused. {_ANY}",
    )
    cycle: Several[Cycle] = Field(
        default_factory=list, description=f"UPR cycle (`none`: not a UPR recommendation). {_ANY}"
    )
    session: int | None = Field(None, ge=1, le=999, description="UPR session")
    position: Several[PositionValue] = Field(
        default_factory=list, description=f"UPR position of the State under review. {_ANY}"
    )
    source: Several[SourceValue] = Field(
        default_factory=list, description=f"Where the recommendation was imported from. {_ANY}"
    )
    needs_review: bool | None = Field(
        None, description="Changed or withdrawn by an import since last reviewed"
    )
    withdrawn: bool = Field(
        False, description="false (default): current recommendations; true: withdrawn ones only"
    )
    priority: list[PriorityValue] = Field(
        default_factory=list, description="Local priority; repeat for several (any of them matches)"
    )
    status: list[StatusValue] = Field(
        default_factory=list,
        description="Implementation status (`not_started` includes recommendations never edited); "
        "repeat for several",
    )
    entity: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="Entity id responsible (lead or supporting, see `responsibility`)",
    )
    responsibility: ResponsibilityValue | None = Field(
        None, description="With `entity`: only where the entity is the lead, or a supporting entity"
    )
    cluster: int | None = Field(None, ge=1, le=2**31 - 1, description="Cluster id the recommendation is in")
    published_from: IsoDate | None = Field(None, description="Publication date on or after, YYYY-MM-DD")
    published_to: Annotated[IsoDate | None, ends_range("published_from")] = Field(
        None, description="Publication date on or before, YYYY-MM-DD; not before `published_from`"
    )


class RecommendationListParams(RecommendationFilter):
    """Filters of the recommendation list (all combine with AND), its language and its pages."""

    lang: AskedLang = Field(
        "en",
        description="Language of `text` and SDG titles (a regional variant such as fr-CA is its language); "
        "falls back to en, then any available",
    )
    sort: SortValue | None = Field(None, description=SORT_DESCRIPTION)
    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the previous page (opaque)"
    )


class MechanismRef(BaseModel):
    code: str
    name: str
    family: str


class SdgRef(BaseModel):
    code: str = Field(description='Goal ("5") or target ("5.2") code')
    title: str = Field(description="Title in the requested language, else English")


class EntityRef(BaseModel):
    id: int
    name: str
    acronym: str | None


class LocalOut(BaseModel):
    """The national mechanism's own working fields (never written by an import)."""

    priority: Priority | None = Field(
        description="The working priority (staff); the public sees `published_priority`"
    )
    priority_rationale: str | None = Field(description="Internal (the `reader` role gets the public shape)")
    status: Status = Field(
        description="The working status (`not_started` until set); the public sees `published_status`"
    )
    published_status: Status = Field(
        description="What the public sees: the status a coordinator last published (`not_started` if never)"
    )
    published_priority: Priority | None = Field(
        description="What the public sees: the priority a coordinator last published (null if never)"
    )
    published_at: UtcDateTime | None = Field(
        description="When the status and priority were last published; null if never"
    )
    unpublished_changes: bool = Field(
        description="The working status or priority differs from the published one: publish to show it"
    )
    lead_entity: EntityRef | None
    supporting_entities: list[EntityRef]
    internal_notes: str | None = Field(description="Internal (the `reader` role gets the public shape)")
    updated_at: UtcDateTime | None = Field(description="Last local edit; null if never edited")


class StatusChangeOut(BaseModel):
    old_status: Status | None
    new_status: Status
    note: str | None
    changed_at: UtcDateTime
    changed_by: str | None = Field(description="Email of who changed it")
    changed_by_name: str | None = Field(description="Name of who changed it (their email if none)")


class ClusterRef(BaseModel):
    id: int
    name: str


SourceLinkRole = Literal["leading", "linked", "unlinked"]


class SourceRef(BaseModel):
    """One source's record of a recommendation (see docs/sources.md)."""

    recommendation_id: int = Field(description="The record's own id (`GET /recommendations/{id}`)")
    source: Source
    external_id: str = Field(description="Its id in that source (the import's key)")
    link: SourceLinkRole = Field(
        description="`leading`: the record lists show (the UHRI one); `linked`: the same recommendation "
        "from another source, listed under the leading one; `unlinked`: a pair a coordinator "
        "separated, never linked again automatically"
    )
    method: Literal["matched", "manual"] | None = Field(
        description="How the link was made: by the matching after an import, or by a coordinator; "
        "null for the leading record"
    )
    score: float | None = Field(description="Similarity of the two texts (0 to 1) when matched")


# What work a record may hold (app/recommendations/carry.py): memberships of clusters and actions,
# its local fields (status, priority, notes, what was published, with their history), its
# responsible ministries, its follow-up selection and its follow-up grades.
WorkKind = Literal["clusters", "actions", "status", "entities", "follow_up", "grades"]


class CopyWork(BaseModel):
    recommendation_id: int = Field(description="A linked copy that holds work of its own")
    kinds: list[WorkKind] = Field(
        description="What it holds; none of it is listed, counted, exported or reported"
    )


class SourceList(BaseModel):
    recommendation_id: int = Field(description="The leading record of the group")
    items: list[SourceRef]
    work_on_copies: list[CopyWork] = Field(
        description="Linked copies still holding work, because the leading record had its own of that "
        "kind when it was carried: settle each with `POST /recommendations/{copy}/sources/settle`"
    )


class RecommendationOut(BaseModel):
    id: int
    source: str
    external_id: str = Field(
        description="Id in the source (UHRI AnnotationId; derived for sources without one)"
    )
    document_id: str | None
    symbol: str | None = Field(description="UN document symbol")
    type: str
    mechanism: MechanismRef
    paragraph: str | None = Field(description="Paragraph number in the document")
    text: str | None = Field(description="Plain text (markup removed) in `text_lang`")
    text_lang: str | None = Field(
        description="Language of `text`: the requested one, else en, else any available"
    )
    snippet: str | None = Field(None, description=SNIPPET_DESCRIPTION)
    languages: list[str] = Field(description="Languages the text is available in")
    publication_date: date | None
    uhri_published_at: UtcDateTime | None = Field(
        description="When UHRI published it, in UTC (UHRI gives the time without an offset: read as UTC)"
    )
    upr_cycle: int | None
    upr_session: int | None
    position: str
    upr_info_action: int | None = Field(description="UPR Info action category, 1 (minimal) to 5 (specific)")
    countries: list[str]
    regions: list[str]
    themes: list[str]
    affected_persons: list[str]
    recommending_states: list[str]
    recommending_regions: list[str]
    issues: list[str]
    sdgs: list[SdgRef]
    needs_review: bool
    withdrawn: bool
    withdrawn_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    local: LocalOut
    sources: list[SourceRef] = Field(
        description="Its records in every source: the leading one first, then the linked ones; a "
        "linked record is not listed, counted or exported on its own"
    )


class RecommendationPage(BaseModel):
    items: list[RecommendationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of recommendations matching the filters (all pages)")


class TextVersion(BaseModel):
    text: str = Field(description="Plain text, markup removed: safe to display")
    original: str = Field(
        description="The source's own markup (UHRI HTML), unsanitised: never render it as HTML; "
        "escape it or use `text`"
    )


class RevisionOut(BaseModel):
    id: int
    import_run_id: int | None
    created_at: UtcDateTime
    changes: dict[str, Any] = Field(description='Changed fields: {"field": {"old": ..., "new": ...}}')


class RecommendationDetail(RecommendationOut):
    texts: dict[str, TextVersion] = Field(description="Every language's text, by language code")
    revisions: list[RevisionOut] = Field(description="Changes imports made, newest first")
    status_history: list[StatusChangeOut] = Field(description="Implementation status changes, newest first")
    clusters: list[ClusterRef] = Field(description="Clusters it is in (not archived)")
