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

from fastapi import Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from app.auth.service import StaffSession
from app.clusters.reading import is_public
from app.clusters.service import get_cluster
from app.core.deps import AppSettings, DbSession
from app.core.downloads import content_disposition
from app.core.errors import InvalidInput, PreconditionFailed
from app.core.time_zone import local_today
from app.entities.reading import public_entity_ids
from app.entities.service import get_entity
from app.exports import service as export_service
from app.exports import stats
from app.exports.params import CsvExportParams, ExportParams, list_params
from app.exports.sending import staff_export, staff_template_export
from app.models.report_template import STATE_TEMPLATE_ID
from app.recommendations.schemas import STAFF_ONLY_FILTERS
from app.recommendations.service import check_filter_values
from app.reports import pdf, state_template
from app.reports import service as report_service
from app.reports.download import template_download, uncached_report
from app.reports.schemas import PublicReportQuery, ReportQuery, TemplateChoiceValue
from app.reports.schemas import list_params as report_params
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import field_errors, form_values, refused
from app.staff.pages import (
    NO_STORE,
    NOTICES,
    StaffPage,
    _,
    confirm_page,
    is_confirmed,
    redirect,
    render,
    staff_router,
)
from app.staff.session import ManagerSession, SignedInBeforeBody, StaffMember

router = staff_router()

# The list's filters this page carries to its downloads. ``lang`` is not one of them: on a staff page
# it is the page's language, and the downloads' texts are in that language.
PAGE_PARAMETERS = frozenset({"lang", "done"})
GROUPS = {
    "cluster": _("Cluster"),
    "mechanism": _("Mechanism"),
    "theme": _("Theme"),
    "sdg": _("Sustainable Development Goal"),
    "entity": _("Responsible entity"),
}
TEMPLATE_PATH = "/reports/template"
# This page's template upload has a limit of its own, whatever NRTD_MAX_REQUEST_BYTES says: the
# template's, plus the form around it; past it the page answers 413 itself (app/core/body_limit.py).
# The API's (PUT /api/v1/reports/template) keeps NRTD_MAX_REQUEST_BYTES: FastAPI reads its body and
# would answer a body cut short 400.
TEMPLATE_UPLOAD_PATH = "/staff" + TEMPLATE_PATH
NOTICES["template-uploaded"] = _("The Word template is saved: Word and PDF reports now follow it.")
NOTICES["template-removed"] = _("The Word template is removed: Word and PDF reports follow the shipped one.")
# The conflict page names the file chosen, and what the other upload changed, as the form does.
_TEMPLATE_LABELS = {"file": _("Word template (.docx)"), "filename": _("Word template (.docx)")}
REMOVE_QUESTION = _("Remove the State's Word template %(name)s?")
REMOVE_CONSEQUENCE = _(
    "Word and PDF reports then follow the shipped template, and the State's cannot be brought back: "
    "download it first (Download the State's template) to keep a copy."
)
REMOVE_YES = _("Yes, remove the template")


def _filters(request: Request, db: DbSession) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """The recommendation list's filters in this page's query, checked as the exports check them (a
    value that names nothing too: every download would refuse it): as they are carried to the
    downloads, and as parsed (the names and values the report shows)."""
    items = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in PAGE_PARAMETERS and v != "" and (k, v) not in _NO_FILTER
    ]
    data: dict[str, Any] = {}
    for key, value in items:
        data.setdefault(key, []).append(value)
    single = {k: v if k in _REPEATED else v[-1] for k, v in data.items()}
    try:
        parsed = ExportParams.model_validate(single)
    except ValidationError as exc:
        raise InvalidInput(
            "these filters are not valid",
            errors=[{"field": name, "reason": reason} for name, reason in field_errors(exc).items()],
        ) from None
    check_filter_values(db, list_params(parsed))
    return items, parsed.model_dump(exclude_unset=True, exclude={"lang"})


# The list's form always sends its "Current or withdrawn" choice: "Current" is what every download
# holds without it (and the reports take no withdrawn), so it is no filter.
_NO_FILTER = frozenset({("withdrawn", "false")})

# Filters given more than once (any of them matches).
_REPEATED = frozenset(
    name for name, info in ExportParams.model_fields.items() if get_origin(info.annotation) is list
)


def _page(
    request: Request,
    db: DbSession,
    staff: StaffSession,
    errors: dict[str, str] | None = None,
    status: int = 200,
    shown_version: str | None = None,
) -> Response:
    """The page; ``shown_version``: the template's version the refused form was sent with (kept, so
    that its next sending still names the version its user saw), else the current one's."""
    page = StaffPage.of(request, "reports", staff)
    filters, used = _filters(request, db)
    with_lang = [*filters, ("lang", page.lang)]
    # The public report takes the public list's filters: ``needs_review`` (internal work) and ``issue``
    # (a staff-only column) are not among them (STAFF_ONLY_FILTERS); and a cluster the public does not
    # see, or an entity nothing public names, it refuses (a 422, as one that does not exist).
    hidden_cluster = _hidden_cluster(db, used.get("cluster"))
    hidden_entity = _hidden_entity(db, used.get("entity"))
    internal = sorted(STAFF_ONLY_FILTERS & used.keys())
    public = None if internal or hidden_cluster or hidden_entity else with_lang
    # A report covers current recommendations: the withdrawn ones are in the exports alone.
    withdrawn = bool(used.get("withdrawn"))
    # More than a report holds (unfiltered, at a State's scale): said here, not after the click.
    too_many = (
        None
        if withdrawn
        else report_service.too_many(db, report_params(ExportParams.model_validate(used)), staff=True)
    )
    stored = state_template.current(db)
    return render(
        request,
        page,
        "reports/index.html",
        {
            "filters": report_service.filters_used(db, used, page.lang, staff=True),
            "hidden": with_lang,
            "public_hidden": public,
            "hidden_cluster": hidden_cluster,
            "hidden_entity": hidden_entity,
            "internal_filters": internal,
            "withdrawn": withdrawn,
            "too_many": too_many,
            "most": report_service.MAX_RECOMMENDATIONS,
            "list_url": "/staff/recommendations" + (f"?{urlencode(filters)}" if filters else ""),
            "query": urlencode(with_lang),
            "groups": [(key, page.gettext(label)) for key, label in GROUPS.items()],
            "pdf": pdf.available(),
            "template": stored,
            "template_version": shown_version or state_template.version(stored),
            "template_kb": max(1, round(stored.size / 1024)) if stored else 0,
            "max_kb": state_template.MAX_BYTES // 1000,
            "errors": errors or {},
        },
        status=status,
    )


def _hidden_cluster(db: DbSession, cluster_id: int | None) -> str | None:
    """The name of the filter's cluster when the public does not see it (not published, or archived):
    the public report refuses it as an unknown one (``app.recommendations.filter_values``)."""
    if cluster_id is None:
        return None
    cluster, _etag = get_cluster(db, cluster_id)  # one that does not exist was refused before
    return None if is_public(cluster) else cluster.name


def _hidden_entity(db: DbSession, entity_id: int | None) -> str | None:
    """The name of the filter's entity when nothing public names it (``public_entity_ids``): the
    public report refuses it as an unknown one (``app.recommendations.filter_values``)."""
    if entity_id is None or public_entity_ids(db, [entity_id]):
        return None
    entity, _etag = get_entity(db, entity_id)  # one that does not exist was refused before
    return entity.name


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, db: DbSession, staff: StaffMember) -> Response:
    return _page(request, db, staff)


@router.get("/reports/implementation")
def implementation_report(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    staff: StaffMember,
    query: Annotated[ReportQuery, Query()],
) -> Response:
    """The API's staff report (GET /api/v1/reports/implementation): HTML to read, DOCX, XLSX, PDF."""
    return uncached_report(request, db, settings, query, viewer=staff.actor, cache=NO_STORE)


@router.get("/reports/public")
def public_implementation_report(
    request: Request,
    db: DbSession,
    settings: AppSettings,
    staff: StaffMember,
    query: Annotated[PublicReportQuery, Query()],
) -> Response:
    """The public report (GET /api/v1/public/reports/implementation): published data only, the one to
    send to the UN, downloaded from the workspace without building its address by hand."""
    return uncached_report(request, db, settings, query, viewer=None, cache=NO_STORE)


@router.get(TEMPLATE_PATH + ".docx")
def template_file(db: DbSession, staff: StaffMember, template: TemplateChoiceValue = "state") -> Response:
    """The Word template reports follow (GET /api/v1/reports/template): the State's, or the shipped one."""
    return template_download(db, template)


async def _form(request: Request) -> FormData:
    """The upload's form, read before the unit of work begins (the CSRF check reads it again)."""
    return await request.form()


# Before anything: a valid session, so that nobody signed out has the body received.
@router.post(TEMPLATE_PATH, dependencies=[SignedInBeforeBody])
def upload_template(
    request: Request, form: Annotated[FormData, Depends(_form)], db: DbSession, staff: ManagerSession
) -> Response:
    """PUT /api/v1/reports/template's service: checked, tried on the sample report, audited."""
    uploaded = form.get("file")
    # The version of the template the page showed (hidden field): another replaced since is not
    # overwritten unseen.
    shown = str(form.get(ETAG_FIELD) or "") or None
    if not isinstance(uploaded, UploadFile) or not (uploaded.filename or uploaded.size):
        page = StaffPage.of(request, "reports", staff)
        choose = {"file": page.gettext("Choose a Word file (.docx) to upload.")}
        return _page(request, db, staff, choose, 422, shown_version=shown)
    content = uploaded.file.read(state_template.MAX_BYTES + 1)
    try:
        state_template.upload(db, staff.actor, uploaded.filename or "", content, shown)
    except InvalidInput as exc:
        return _page(request, db, staff, refused(db, exc), 422, shown_version=shown)
    except PreconditionFailed:
        # Someone uploaded, replaced or removed the template since this page showed it.
        return _template_changed(request, db, staff, {"file": uploaded.filename or ""})
    return redirect("/staff/reports?done=template-uploaded", request)


def _template_changed(
    request: Request, db: Session, staff: StaffSession, typed: dict[str, str] | None = None
) -> Response:
    """The conflict page of a template form sent with a version of the template that is no longer it,
    naming what the user chose (``typed``)."""
    return conflict_page(
        request,
        db,
        staff,
        object_type="report_template",
        object_id=STATE_TEMPLATE_ID,
        reload_url="/staff/reports#template-title",
        typed=typed,
        labels=_TEMPLATE_LABELS,
    )


@router.post(TEMPLATE_PATH + "/remove")
def remove_template(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form_values(request)
    # The version of the template the page showed (hidden field), sent on by the confirmation: one
    # uploaded since is not removed unseen.
    shown = str(values.get(ETAG_FIELD) or "")
    template = state_template.current(db)
    if template is not None and not is_confirmed(values):
        # The restyled template is gone for good once removed (only a downloaded copy brings it back):
        # asked once more, on a page of its own (a GET), so that Back after removing sends no form.
        return redirect(f"/staff{TEMPLATE_PATH}/remove?{urlencode({ETAG_FIELD: shown})}", request)
    try:
        state_template.remove(db, staff.actor, shown or None)
    except PreconditionFailed:
        # Someone uploaded or replaced the template since this page showed it.
        return _template_changed(request, db, staff)
    return redirect("/staff/reports?done=template-removed", request)


@router.get(TEMPLATE_PATH + "/remove", response_class=HTMLResponse)
def ask_to_remove_template(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    """The question; with no template (Back after removing it), the reports page."""
    template = state_template.current(db)
    if template is None:
        return redirect("/staff/reports")
    page = StaffPage.of(request, "reports", staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(REMOVE_QUESTION) % {"name": template.filename},
        consequence=page.gettext(REMOVE_CONSEQUENCE),
        action="/staff" + TEMPLATE_PATH + "/remove",
        yes=page.gettext(REMOVE_YES),
        cancel="/staff/reports",
        hidden={ETAG_FIELD: request.query_params.get(ETAG_FIELD, "")},
    )


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
    listed = list_params(params)
    counts = stats.staff_statistics(db, listed, today=local_today(), timeout=settings.stats_timeout)
    name = export_service.statistics_file_name(listed)
    return Response(
        counts.model_dump_json(indent=1).encode(),
        media_type="application/json",
        headers={"Content-Disposition": content_disposition(name, "nrtd-statistics"), **NO_STORE},
    )
