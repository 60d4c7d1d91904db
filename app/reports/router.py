"""HTTP layer of the implementation reports: the staff report and its public variant."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import PublicCaller, StaffUser
from app.core.caching import cached_response
from app.core.deps import AppSettings, DbSession
from app.core.problems import problem_responses
from app.core.publisher import Publisher
from app.public.docs import CACHE_HEADERS
from app.reports import service
from app.reports.formats import DOCX, XLSX, render
from app.reports.schemas import PublicReportQuery, ReportQuery

# One tag per operation (a generated client makes a module of each): the public routes are "public",
# beside the rest of the public API, the staff ones "reports".
router = APIRouter()

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: an HTML page (`format=html`), or a DOCX or XLSX file to download",
        "content": {"text/html": {"schema": {"type": "string"}}, DOCX: _BINARY, XLSX: _BINARY},
    }
}
_DESCRIPTION = (
    "Every current (not withdrawn) recommendation the filters match (the recommendation list's "
    "filters, without paging), grouped by cluster, mechanism or theme, each with its position, "
    "implementation status, priority, responsible entities, actions and latest published progress "
    "update. At most 5,000 recommendations: above that the answer is 422 (narrow the filters)."
)


@router.get(
    "/reports/implementation",
    tags=["reports"],
    summary="Implementation report with internal detail (HTML, DOCX or XLSX)",
    description=_DESCRIPTION
    + " The staff report adds priority rationales, internal notes, unpublished actions and the latest "
    "update in any review state, each marked internal.",
    response_class=Response,
    responses=_FILES,
)
def implementation_report(
    db: DbSession, settings: AppSettings, actor: StaffUser, query: Annotated[ReportQuery, Query()]
) -> Response:
    report = service.build_report(db, query, staff=True).model_copy(
        update={"publisher": Publisher.of(settings)}
    )
    rendered = render(report, query.format)
    headers = {"Content-Disposition": rendered.disposition, "Cache-Control": "private, no-store"}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


@router.get(
    "/public/reports/implementation",
    tags=["public"],
    summary="Public implementation report: published data only (HTML, DOCX or XLSX)",
    description=_DESCRIPTION
    + " Only published data: published clusters and actions, approved and published progress.",
    response_class=Response,
    responses={
        200: {**_FILES[200], "headers": CACHE_HEADERS},
        304: {"description": "Not modified: the If-None-Match ETag is current", "headers": CACHE_HEADERS},
        **problem_responses(429),
    },
)
def public_implementation_report(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    caller: PublicCaller,
    query: Annotated[PublicReportQuery, Query()],
) -> Response:
    report = service.build_report(db, query, staff=False).model_copy(
        update={"publisher": Publisher.of(settings)}
    )
    rendered = render(report, query.format)
    return cached_response(
        request, rendered.body, rendered.media_type, {"Content-Disposition": rendered.disposition}
    )
