"""A report as an answer no shared cache keeps: the staff report (API and workspace) and the public
report downloaded from the workspace. A HEAD gets the GET's headers without the report being built.
(The public API's report is cached by its tag instead: app/reports/router.py.) And the Word template
reports follow, as the API and the workspace send it."""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.config import Settings
from app.core.deps import site_address
from app.core.downloads import content_disposition
from app.core.head import headers_only, is_head
from app.core.publisher import Publisher
from app.reports import state_template
from app.reports.default_template import PATH as DEFAULT_TEMPLATE
from app.reports.files import report_file, report_head
from app.reports.formats import DOCX
from app.reports.schemas import ReportQuery, TemplateChoice

# The shipped template's download name (the State's keeps the name it was uploaded with).
SHIPPED_TEMPLATE_NAME = "implementation-report-template.docx"


def uncached_report(
    request: Request,
    db: Session,
    settings: Settings,
    query: ReportQuery,
    *,
    viewer: Actor | None,
    cache: dict[str, str],
) -> Response:
    """The report ``viewer`` (None: the public) reads for ``query``, with the ``cache`` headers."""
    if is_head(request.scope):
        head = report_head(db, query, viewer=viewer)
        return headers_only(head.media_type, {**cache, **head.headers})
    rendered = report_file(
        db,
        query,
        viewer=viewer,
        publisher=Publisher.of(settings),
        labels_lang=settings.languages[0],
        address=site_address(request),
    )
    return Response(rendered.body, media_type=rendered.media_type, headers={**cache, **rendered.headers})


def template_download(db: Session, template: TemplateChoice) -> Response:
    """The Word template reports follow (``state``: the State's when one was uploaded, under its own
    name; else, or ``default``, the shipped one), ``X-Report-Template`` saying which."""
    stored = state_template.current(db) if template == "state" else None
    if stored is not None:
        body, name, which = stored.content, stored.filename, "state"
    else:
        body, name, which = DEFAULT_TEMPLATE.read_bytes(), SHIPPED_TEMPLATE_NAME, "default"
    headers = {
        "Content-Disposition": content_disposition(name, "template"),
        "Cache-Control": "private, no-store",
        "X-Report-Template": which,
        "ETag": state_template.version(stored),  # what a replacement names in If-Match
    }
    return Response(body, media_type=DOCX, headers=headers)
