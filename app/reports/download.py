"""A report as an answer no shared cache keeps: the staff report (API and workspace) and the public
report downloaded from the workspace. A HEAD gets the GET's headers without the report being built.
(The public API's report is cached by its tag instead: app/reports/router.py.)"""

from __future__ import annotations

from fastapi import Request, Response
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.config import Settings
from app.core.deps import site_address
from app.core.head import headers_only, is_head
from app.core.publisher import Publisher
from app.reports.files import report_file, report_head
from app.reports.schemas import ReportQuery


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
