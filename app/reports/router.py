"""HTTP layer of the implementation reports: the staff report and its public variant."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status

from app.auth.deps import Manager, PublicCaller, StaffUser
from app.core.caching import cached_response, not_modified, public_cache_headers
from app.core.deps import AppSettings, DbSession, IfMatch, site_address
from app.core.etag import ETAG_HEADER, VERSIONED
from app.core.head import headers_only, is_head
from app.core.problem_docs import problem_responses
from app.core.publisher import Publisher
from app.public.docs import CACHE_HEADERS
from app.reports import state_template
from app.reports.download import template_download, uncached_report
from app.reports.files import public_report_tag, report_file, report_head
from app.reports.formats import DOCX, PDF, XLSX
from app.reports.schemas import PublicReportQuery, ReportQuery, ReportTemplateInfo, TemplateChoiceValue

# One tag per operation (a generated client makes a module of each): the public routes are "public",
# beside the rest of the public API, the staff ones "reports".
router = APIRouter()

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: an HTML page (`format=html`), or a DOCX, XLSX or PDF file to download",
        "content": {"text/html": {"schema": {"type": "string"}}, DOCX: _BINARY, XLSX: _BINARY, PDF: _BINARY},
    }
}
_DESCRIPTION = (
    "Every current (not withdrawn) recommendation the filters match (the recommendation list's "
    "filters, without paging), grouped by cluster, mechanism or theme, each with its position, "
    "implementation status, priority, responsible entities, actions and latest published progress "
    "update. At most 5,000 recommendations: above that the answer is 422 (narrow the filters). "
    "DOCX and PDF follow the State's uploaded Word template (PUT /reports/template) unless "
    "`template=default`; PDF needs LibreOffice on the server (else 422 naming `format`)."
)
_TEMPLATE = "/reports/template"
_PRIVATE = {"Cache-Control": "private, no-store"}  # a staff report: for its reader's browser alone


@router.get(
    "/reports/implementation",
    tags=["reports"],
    summary="Implementation report with internal detail (HTML, DOCX or XLSX)",
    description=_DESCRIPTION
    + " The staff report adds priority rationales, internal notes, unpublished actions and the latest "
    "update in any review state, each marked internal.",
    response_class=Response,
    responses={**_FILES, **problem_responses(503)},
)
def implementation_report(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    actor: StaffUser,
    query: Annotated[ReportQuery, Query()],
) -> Response:
    return uncached_report(
        request, db, settings, query, viewer=actor, cache={"Cache-Control": "private, no-store"}
    )


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
        **problem_responses(429, 503),
    },
)
def public_implementation_report(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    caller: PublicCaller,
    query: Annotated[PublicReportQuery, Query()],
) -> Response:
    publisher = Publisher.of(settings)
    address = site_address(request)  # the evidence files' links start with it
    tag = public_report_tag(db, publisher, f"{address}{request.url.path}?{request.url.query}")
    unchanged = not_modified(request, tag)  # a revalidation builds nothing (a PDF: a conversion)
    if unchanged is not None:
        return unchanged
    if is_head(request.scope):
        head = report_head(db, query, viewer=None)
        return headers_only(head.media_type, public_cache_headers(tag, head.headers))
    rendered = report_file(
        db, query, viewer=None, publisher=publisher, labels_lang=settings.languages[0], address=address
    )
    return cached_response(request, rendered.body, rendered.media_type, rendered.headers, tag=tag)


@router.get(
    _TEMPLATE,
    tags=["reports"],
    summary="The Word template of the reports: the State's own, or the shipped one to copy",
    description="The template `format=docx` and `format=pdf` fill: the State's uploaded template when "
    "there is one, else (and with `template=default`) the one shipped with NRTD. The "
    "`X-Report-Template` header says which (`state` or `default`), its `ETag` the version of the file "
    "sent, which `PUT` names in `If-Match`. docs/reports.md lists its variables.",
    response_class=Response,
    responses={
        200: {
            "description": "The template (a DOCX file)",
            "content": {DOCX: _BINARY},
            "headers": {
                "X-Report-Template": {"schema": {"type": "string", "enum": ["state", "default"]}},
                **ETAG_HEADER,
            },
        }
    },
)
def get_report_template(db: DbSession, actor: StaffUser, template: TemplateChoiceValue = "state") -> Response:
    return template_download(db, template)


@router.put(
    _TEMPLATE,
    tags=["reports"],
    summary="Upload the State's own Word template of the reports (replaces the current one)",
    description="A DOCX file with docxtpl (Jinja) placeholders, sent as the multipart field `file`, at "
    f"most {state_template.MAX_BYTES:,} bytes. It is tried on a sample report first: a file that is "
    "not a Word document, or whose placeholders fail (a syntax error, with its line and the text "
    "around it, or an unknown variable) is refused with 422 naming `file` and the reason. `If-Match`: "
    "the `ETag` of `GET /reports/template` (the State's template, or the shipped one while there is "
    "none): without it 428, and 412 when another template was uploaded or removed since. Answers the "
    "new version's `ETag`. Audited.",
    responses={**problem_responses(412, 413, 428), **VERSIONED},
)
def put_report_template(
    db: DbSession,
    actor: Manager,
    file: Annotated[UploadFile, File(description="The .docx template")],
    response: Response,
    if_match: IfMatch = None,
) -> ReportTemplateInfo:
    content = file.file.read(state_template.MAX_BYTES + 1)
    stored = state_template.upload(db, actor, file.filename or "", content, if_match)
    response.headers["ETag"] = state_template.version(stored)
    return ReportTemplateInfo.model_validate(stored, from_attributes=True)


@router.delete(
    _TEMPLATE,
    tags=["reports"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove the State's Word template: reports use the shipped one again",
    description="404 when no template was uploaded (or it was removed already). `If-Match`: the "
    "`ETag` of `GET /reports/template`: without it 428, and 412 when another template was uploaded "
    "since. Audited.",
    responses=problem_responses(412, 428),
)
def delete_report_template(db: DbSession, actor: Manager, if_match: IfMatch = None) -> Response:
    state_template.remove(db, actor, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
