"""Query and data shapes of the implementation reports.

The public report is built from its own allowlist models (``Report*``); the staff report uses
subclasses that add the internal detail (``Staff*``). A public report never holds a staff object,
so no renderer can print internal data into it.
"""

from __future__ import annotations

from copy import copy
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.core.dates import IsoDate
from app.core.letter_case import any_case
from app.core.publisher import Publisher
from app.core.timestamps import UtcDateTime
from app.recommendations.schemas import STAFF_ONLY_FILTERS, RecommendationListParams

GroupBy = Literal["cluster", "mechanism", "theme", "sdg", "entity"]
ReportFormat = Literal["html", "docx", "xlsx", "pdf"]
TemplateChoice = Literal["state", "default"]
# The template asked for, read in any letter case (a report's option, and the template download's).
TemplateChoiceValue = Annotated[TemplateChoice, any_case(TemplateChoice)]

# List parameters a report has no use for: it is not paged, has its own order (by document, then
# paragraph: a `sort` was taken, changed nothing and was shown as a filter) and covers current
# recommendations. Refused (422), as the exports refuse them.
_NOT_REPORT_FILTERS = frozenset({"cursor", "limit", "sort", "withdrawn"})
# `needs_review` says an import changed a recommendation since staff last looked: internal work;
# `issue` selects by a staff-only column (STAFF_ONLY_FILTERS).
_NOT_PUBLIC_FILTERS = _NOT_REPORT_FILTERS | STAFF_ONLY_FILTERS
# Dates written YYYY-MM-DD only (the list's lax `date` also takes a Unix time such as "0.0").
_STRICT: dict[str, Any] = {"published_from": IsoDate | None, "published_to": IsoDate | None}
_REPORT_OPTIONS: dict[str, Any] = {
    "group_by": (
        Annotated[GroupBy, any_case(GroupBy)],
        Field(
            "cluster",
            description="One section per cluster, mechanism, theme, SDG goal (sdg) or responsible entity "
            "(entity: lead or supporting). A recommendation in several clusters, themes, goals or entities "
            "appears in each; those in none come last",
        ),
    ),
    "format": (
        Annotated[ReportFormat, any_case(ReportFormat)],
        Field(
            "html",
            description="html (printable page), docx (Word), xlsx (matrix) or pdf (the Word document "
            "converted by LibreOffice: only where LibreOffice is installed, else 422)",
        ),
    ),
    "template": (
        TemplateChoiceValue,
        Field(
            "state",
            description="The Word template of docx and pdf: state (the State's own when one was "
            "uploaded, else the shipped one) or default (always the shipped one)",
        ),
    ),
}


def _query_model(name: str, excluded: frozenset[str], doc: str) -> type[BaseModel]:
    """The recommendation list's own filters (same names, limits and docs) plus the report options."""
    fields: dict[str, Any] = {
        field_name: (_STRICT.get(field_name, field.annotation), copy(field))
        for field_name, field in RecommendationListParams.model_fields.items()
        if field_name not in excluded
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields, **_REPORT_OPTIONS)


# The query models are made from RecommendationListParams so the report filters can never drift
# from the list's. A field cannot be removed from a pydantic subclass, hence create_model at run
# time; the type checker sees a subclass, which reads the same.
if TYPE_CHECKING:

    class ReportQuery(RecommendationListParams):
        group_by: GroupBy
        format: ReportFormat
        template: TemplateChoice

    PublicReportQuery = ReportQuery
else:
    ReportQuery = _query_model(
        "ReportQuery", _NOT_REPORT_FILTERS, "Report options and the recommendation list's filters."
    )
    PublicReportQuery = _query_model(
        "PublicReportQuery", _NOT_PUBLIC_FILTERS, "Report options and the public recommendation filters."
    )


def list_params(query: BaseModel) -> RecommendationListParams:
    """The list filters of a report query, for ``filter_conditions``: current recommendations only."""
    filters = query.model_dump(exclude=set(_REPORT_OPTIONS))
    return RecommendationListParams.model_validate({**filters, "withdrawn": False})


class _Allowlist(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReportEntity(_Allowlist):
    id: int
    name: str
    acronym: str | None


class ReportEvidenceFile(_Allowlist):
    """A file uploaded with a progress update, as a report lists it."""

    filename: str
    type: str = Field(description='By its extension: "PDF", "DOCX"')
    size: int = Field(description="Bytes")
    url: str | None = Field(
        description="The address its reader may open it at (app/reports/evidence.py); None: named only"
    )


class ReportProgress(_Allowlist):
    """An approved and published progress update."""

    id: int
    action_title: str
    reported_on: date
    narrative: str
    new_status: str | None
    evidence_url: str | None
    evidence_files: list[ReportEvidenceFile] = []


class ReportAction(_Allowlist):
    id: int
    title: str
    status: str
    start_date: date | None
    due_date: date | None
    lead_entity: ReportEntity | None


class ReportRecommendation(_Allowlist):
    id: int
    symbol: str | None
    paragraph: str | None
    mechanism_code: str
    mechanism_name: str
    type: str
    text: str | None
    text_lang: str | None
    publication_date: date | None
    position: str
    upr_cycle: int | None
    upr_session: int | None
    themes: list[str]
    clusters: list[str]
    sdg_goals: list[str] = Field(description='The SDG goals of its targets, as numbers ("4", "16")')
    status: str
    priority: str | None
    lead_entity: ReportEntity | None
    supporting_entities: list[ReportEntity]
    actions: list[ReportAction]


class StaffAction(ReportAction):
    published: bool


class StaffProgress(ReportProgress):
    state: str
    published: bool


class ReportGroupAction(ReportAction):
    """An action of a group's recommendations, once per group, with its latest published update."""

    latest_progress: ReportProgress | None


class StaffGroupAction(StaffAction, ReportGroupAction):
    # The newest update in any state, when it is not the latest published one.
    latest_progress_internal: StaffProgress | None


class StaffRecommendation(ReportRecommendation):
    """Adds the mechanism's internal work: never in a public report. Its ``actions`` are
    ``StaffAction`` items, unpublished ones included."""

    priority_rationale: str | None
    internal_notes: str | None


class ReportGroup(_Allowlist):
    title: str
    # The last section, of the recommendations in no cluster (theme...): its title says it alone.
    ungrouped: bool = False
    recommendations: list[ReportRecommendation]
    actions: list[ReportGroupAction] = Field(
        description="The actions linked to the group's recommendations, each once, earliest due first"
    )


class Report(_Allowlist):
    staff: bool
    group_by: GroupBy
    lang: str
    generated_at: datetime
    filters: list[tuple[str, str]] = Field(description="The filters used, as (name, value)")
    # What those filters chose, as a reader names it ("CRC, Peru"): its file name and title say it.
    subject: str = ""
    total: int = Field(description="Distinct recommendations in the report")
    groups: list[ReportGroup]
    # Who publishes the report (NRTD_SITE_NAME, NRTD_PUBLISHER, contact, licence): set by the router.
    publisher: Publisher | None = None
    # The themes shown as the feed names them (no name in the report's language), and that language when
    # it is not the report's: the HTML marks them with it, so a screen reader pronounces them right.
    untranslated_themes: list[str] = []
    labels_lang: str | None = None
    # The theme filter's values as "Filters used" shows them, one each (its row, ``filters`` at
    # ``theme_filter_at``, joins them): the HTML marks those of ``untranslated_themes`` there too.
    theme_filter: list[str] = []
    theme_filter_at: int | None = None


class ReportTemplateInfo(BaseModel):
    """The State's uploaded Word template."""

    filename: str
    size: int = Field(description="Bytes")
    sha256: str
    uploaded_at: UtcDateTime
