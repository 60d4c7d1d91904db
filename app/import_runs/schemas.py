"""Request and response shapes of the import-runs API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.letter_case import any_case
from app.core.timestamps import UtcDateTime

# The outcomes app.models.imports.OUTCOMES lists, plus "running" while a run is in progress.
Outcome = Literal["running", "succeeded", "failed", "not_modified"]
RunSource = Literal["uhri", "upr-info", "manual"]

WARNINGS_PAGE = 500
REJECTIONS_PAGE = 500


class ImportRunListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: Annotated[RunSource, any_case(RunSource)] | None = Field(
        None, description="Only runs of this source"
    )
    outcome: Annotated[Outcome, any_case(Outcome)] | None = Field(
        None, description="Only runs with this outcome"
    )
    limit: int = Field(50, ge=1, le=200, description="Page size")
    cursor: str | None = Field(
        None, max_length=200, description="`next_cursor` of the previous page (opaque)"
    )


class ImportCounts(BaseModel):
    read: int = Field(description="Records read from the input")
    skipped: int = Field(description="Records about other States, not imported")
    created: int
    updated: int
    unchanged: int
    withdrawn: int = Field(description="Stored recommendations missing from a full export, marked withdrawn")
    rejected: int = Field(description="Unusable records (see the run's rejections)")


class ImportRunOut(BaseModel):
    id: int
    source: str
    format: str = Field(
        description="What the run read: `json` (the UHRI full export), `xlsx` (the UHRI search page's "
        "export), `csv` (a UPR Info export, or the template of manual recommendations as CSV), "
        "`template-xlsx` (the template of manual recommendations saved as an Excel workbook; runs of it "
        "recorded as `xlsx` by earlier releases are answered so too)"
    )
    location: str = Field(
        description="File path or URL the run read (passwords masked; for focal points only the host "
        "and file name)"
    )
    country: str | None = Field(
        description=(
            "State the run was limited to (a manual import on an instance of one State: that State); "
            "null for all States"
        )
    )
    languages: list[str]
    full_export: bool = Field(description="A full export: recommendations missing from it are withdrawn")
    started_at: UtcDateTime
    finished_at: UtcDateTime | None
    outcome: str = Field(description="running, succeeded, failed or not_modified")
    message: str | None = Field(
        description="Why the run failed or changed nothing; for a succeeded run, what it had to assume "
        "(a UPR Info CSV that is not UTF-8: the encoding it was read in); null otherwise"
    )
    counts: ImportCounts


class ImportRunPage(BaseModel):
    items: list[ImportRunOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
    total: int = Field(description="Number of runs matching the filters (all pages)")


class RejectionOut(BaseModel):
    position: str = Field(description='Where the record stands in the input ("record 12", "row 7")')
    external_id: str | None
    reason: str = Field(description="Every problem of the record, one a line (as `problems` lists them)")
    problems: list[str] = Field(
        description="Each problem of the record, naming its field or column and what is wrong with it, in "
        "the input's column order: at most 10, the last then saying how many more there are "
        '("and 3 more problems in this record"); one for a run stored before every problem was named'
    )


class WarningOut(BaseModel):
    position: str = Field(description='What could not be read in full ("CAT/C/PER/CO/7, paragraph 45")')
    message: str


class ImportRunDetail(ImportRunOut):
    rejections: list[RejectionOut] = Field(
        description=f"Stored rejections in input order, {REJECTIONS_PAGE} from `rejections_offset`"
    )
    rejected_total: int = Field(description="Stored rejections of the run (a run stores at most 10,000)")
    rejections_offset: int
    next_rejections_offset: int | None = Field(
        description="`rejections_offset` of the next batch; null after the last"
    )
    warnings: list[WarningOut] = Field(
        description=f"What the run wrote but could read only in part (a follow-up paragraph naming a "
        f"paragraph the document lacks), the first {WARNINGS_PAGE}"
    )
