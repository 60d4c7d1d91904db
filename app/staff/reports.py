"""Reports and exports: a download for every report and export the API offers, with the filters of
the recommendation list carried over in the query string.

The API's routes take a bearer token; a browser has the session cookie (scoped to /staff/), so each
download has a route here that calls the API's own code with the session's actor: the report
service and renderers (app/reports), the export sending (app/exports/sending.py: slots, streaming)
and the statistics (app/exports/stats.py). Who may download is the API's rule: staff, not readers.
"""

from __future__ import annotations

from typing import Annotated, Any, get_origin
from urllib.parse import urlencode

from fastapi import Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from app.core.dates import utc_today
from app.core.deps import AppSettings, DbSession
from app.core.errors import InvalidInput
from app.exports import stats
from app.exports.params import CsvExportParams, ExportParams, list_params
from app.exports.sending import staff_export, staff_template_export
from app.reports import service as reports_service
from app.reports.formats import render as render_report
from app.reports.schemas import ReportQuery
from app.staff.forms import field_errors
from app.staff.pages import NO_STORE, StaffPage, _, render, staff_router
from app.staff.session import StaffMember

router = staff_router()

# The list's filters this page carries to its downloads. ``lang`` is not one of them: on a staff page
# it is the page's language, and the downloads' texts are in that language.
PAGE_PARAMETERS = frozenset({"lang", "done"})
GROUPS = {"cluster": _("Cluster"), "mechanism": _("Mechanism"), "theme": _("Theme")}


def _filters(request: Request) -> list[tuple[str, str]]:
    """The recommendation list's filters in this page's query, checked as the exports check them."""
    items = [(k, v) for k, v in request.query_params.multi_items() if k not in PAGE_PARAMETERS and v != ""]
    data: dict[str, Any] = {}
    for key, value in items:
        data.setdefault(key, []).append(value)
    single = {k: v if k in _REPEATED else v[-1] for k, v in data.items()}
    try:
        ExportParams.model_validate(single)
    except ValidationError as exc:
        raise InvalidInput(
            "these filters are not valid",
            errors=[{"field": name, "reason": reason} for name, reason in field_errors(exc).items()],
        ) from None
    return items


# Filters given more than once (any of them matches).
_REPEATED = frozenset(
    name for name, info in ExportParams.model_fields.items() if get_origin(info.annotation) is list
)


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, staff: StaffMember) -> Response:
    page = StaffPage.of(request, "reports", staff)
    filters = _filters(request)
    with_lang = [*filters, ("lang", page.lang)]
    return render(
        request,
        page,
        "reports/index.html",
        {
            "filters": filters,
            "hidden": with_lang,
            "query": urlencode(with_lang),
            "groups": [(key, page.gettext(label)) for key, label in GROUPS.items()],
        },
    )


@router.get("/reports/implementation")
def implementation_report(
    db: DbSession, staff: StaffMember, query: Annotated[ReportQuery, Query()]
) -> Response:
    """The API's staff report (GET /api/v1/reports/implementation): HTML to read, DOCX, XLSX."""
    rendered = render_report(reports_service.build_report(db, query, staff=True), query.format)
    headers = {**NO_STORE, "Content-Disposition": rendered.disposition}
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


@router.get("/reports/recommendations.csv")
def export_csv(request: Request, staff: StaffMember, params: Annotated[CsvExportParams, Query()]) -> Response:
    if params.format == "template":
        return staff_template_export(request, staff.actor, params)
    return staff_export(request, staff.actor, params, "csv")


@router.get("/reports/recommendations.xlsx")
def export_xlsx(request: Request, staff: StaffMember, params: Annotated[ExportParams, Query()]) -> Response:
    return staff_export(request, staff.actor, params, "xlsx")


@router.get("/reports/recommendations.json")
def export_json(request: Request, staff: StaffMember, params: Annotated[ExportParams, Query()]) -> Response:
    return staff_export(request, staff.actor, params, "json")


@router.get("/reports/statistics.json")
def statistics(
    db: DbSession, settings: AppSettings, staff: StaffMember, params: Annotated[ExportParams, Query()]
) -> Response:
    """The API's staff statistics (GET /api/v1/stats), as a file."""
    counts = stats.staff_statistics(
        db, list_params(params), today=utc_today(), timeout=settings.stats_timeout
    )
    return Response(
        counts.model_dump_json(indent=1).encode(),
        media_type="application/json",
        headers={"Content-Disposition": 'attachment; filename="statistics.json"', **NO_STORE},
    )
