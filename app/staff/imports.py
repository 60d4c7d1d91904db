"""Imports: the runs with their counts, one run with every record it rejected, and, for managers, a
file uploaded from the browser or the scheduled UHRI import started now.

The pages read the runs through the import-runs API's service. The imports themselves are the CLI's
(``nrtd import ...``), reached through ``app.state.import_runners`` (see app/import_runs/uploads.py
and app/scheduler.py): same pipeline, same import lock, one transaction per run. An upload is spooled
to disk by the multipart parser (at most 1 MB of it in memory), copied to a temporary file named for
its kind, imported in the request's worker thread, and deleted.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from pathlib import Path, PurePath, PureWindowsPath
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from app.core.catalogue import Reason
from app.core.config import Settings
from app.core.deps import AppSettings, DbSession, RowId
from app.core.errors import ContentTooLarge, DomainError, ImportFailed, ImportLocked
from app.core.upload_names import sent_name
from app.feed.refusals import CANNOT_BE_IMPORTED, reason_of, refusal_of_run
from app.feed.workspace_refusals import in_workspace
from app.import_runs import service
from app.import_runs.lock import import_running
from app.import_runs.schemas import ImportRunListParams
from app.import_runs.sending import template_response
from app.import_runs.uploads import UPLOAD_KINDS, ImportRunners, UploadKind
from app.staff.forms import field_errors, refused
from app.staff.labels import run_labels
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, SignedInBeforeBody, StaffMember
from app.web.i18n import format_file_size

router = staff_router()

UPLOAD_PATH = "/staff/imports/upload"
# The multipart envelope around the file (boundaries, headers, the CSRF token and the kind): the
# body limit of the upload route is NRTD_UPLOAD_MAX_BYTES plus this.
UPLOAD_FORM_OVERHEAD = 64 * 1024
COPY_CHUNK = 1024 * 1024
LIST_FILTERS = ("source", "outcome", "cursor")

NOTICES["import-finished"] = _("The file is imported. The records it rejected, if any, are listed below.")
NOTICES["import-all-rejected"] = _(
    "No record of the file was imported: every one was rejected. Correct the rows listed below and "
    "import the file again."
)
NOTICES["uhri-import-started"] = _(
    "The UHRI import has started. It is listed here when it has finished: reload the page."
)
NOTICES["import-failed"] = _("The import failed and changed nothing. The reason is below.")
NOTICES["import-started"] = _(
    "The scheduled UHRI import has started. It is listed here when it has finished: reload the page."
)

KIND_LABELS: dict[str, str] = {
    "uhri-xlsx": _("UHRI search export (XLSX)"),
    "upr-info-csv": _("UPR Info database (CSV)"),
    "csv-template": _("Template of manual recommendations (CSV or Excel)"),
}


def _runners(request: Request) -> ImportRunners:
    runners: ImportRunners = request.app.state.import_runners
    return runners


def _run_labels(page: StaffPage) -> dict[str, Any]:
    """The runs' sources, formats and outcomes named in the page's language."""
    return run_labels(page.gettext)


def _list_context(
    request: Request,
    db: DbSession,
    page: StaffPage,
    staff: Any,
    params: ImportRunListParams,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    runs: Any = None,
) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {
        "runs": runs if runs is not None else service.list_import_runs(db, staff.actor, params),
        "params": params,
        "running": import_running(db.connection()),
        "can_import": staff.actor.is_manager,
        "kinds": [
            (kind, page.gettext(KIND_LABELS[kind]), command)
            for kind, (_suffix, command) in UPLOAD_KINDS.items()
        ],
        **_run_labels(page),
        "max_size": shown_size(settings.upload_max_bytes, page),
        "country": settings.country,
        # Whether nrtd serve runs the UHRI import on a schedule: without one the button imports the
        # export now and is not called "the scheduled import".
        "scheduled": bool(settings.import_schedule.strip()),
        "errors": errors or {},
        "values": values or {},
    }


@router.get("/imports", response_class=HTMLResponse)
def import_runs(request: Request, db: DbSession, staff: StaffMember) -> Response:
    page = StaffPage.of(request, "imports", staff)
    query = {
        key: value for key, value in request.query_params.items() if key in ("source", "outcome", "cursor")
    }
    # A refused filter or page is named on the list, shown without it (its box marked), as the other
    # lists' forms do; not an error page naming it as the address spells it ("outcome", "cursor").
    errors: dict[str, str] = {}
    try:
        params = ImportRunListParams.model_validate({k: v for k, v in query.items() if v})
    except ValidationError as exc:
        errors = field_errors(exc)
        kept = {k: v for k, v in query.items() if v and k not in errors and k in LIST_FILTERS}
        params = ImportRunListParams.model_validate(kept)
    try:
        runs = service.list_import_runs(db, staff.actor, params)
    except DomainError as exc:  # a cursor edited or cut short
        if exc.status != 422:
            raise
        errors.update(refused(db, exc))
        params = params.model_copy(update={"cursor": None})
        runs = service.list_import_runs(db, staff.actor, params)
    context = _list_context(request, db, page, staff, params, errors=errors, runs=runs)
    return render(request, page, "imports/list.html", context, 422 if errors else 200)


@router.get("/imports/template.csv")
def import_template(staff: StaffMember) -> Response:
    """The CSV template of manual recommendations, as the API serves it to a client with a token."""
    return template_response()


@router.get("/imports/{run_id}", response_class=HTMLResponse)
def import_run(
    request: Request,
    db: DbSession,
    staff: StaffMember,
    run_id: RowId,
    rejections_offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    page = StaffPage.of(request, "imports", staff)
    run = service.get_import_run(db, staff.actor, run_id, rejections_offset)
    return render(
        request,
        page,
        "imports/run.html",
        {"run": run, **_run_labels(page)},
    )


async def submitted_form(request: Request) -> FormData:
    """The upload's form, parsed first (the CSRF check then reads it again: Starlette keeps it on the
    request); a body over the route's limit is stopped while it arrives (app/core/body_limit.py)."""
    try:
        return await request.form()
    except ContentTooLarge:
        raise ContentTooLarge(
            _too_large(StaffPage.of(request, "imports"), request.app.state.settings)
        ) from None


def _refused(
    request: Request,
    db: DbSession,
    staff: Any,
    status: int,
    errors: dict[str, str],
    values: dict[str, Any],
    *,
    refused_run: int | None = None,
) -> Response:
    page = StaffPage.of(request, "imports", staff)
    context = _list_context(request, db, page, staff, ImportRunListParams(), errors=errors, values=values)
    return render(request, page, "imports/list.html", {**context, "refused_run": refused_run}, status=status)


# The suffixes each kind reads as they are (the file is told by its content), so that the run names the
# file as it was uploaded: a workbook or Excel's "Unicode Text" (.txt) given as the template or as a
# UPR Info export. Any other suffix becomes the kind's own (UPLOAD_KINDS).
_KEPT_SUFFIXES: dict[UploadKind, frozenset[str]] = {
    "uhri-xlsx": frozenset({".xlsx"}),
    "upr-info-csv": frozenset({".csv", ".txt", ".tsv"}),
    "csv-template": frozenset({".csv", ".txt", ".tsv", ".xlsx"}),
}


def _file_name(uploaded: str, kind: UploadKind) -> str:
    """A safe name for the temporary copy (runs show it): the upload's own, its suffix kept when the
    kind reads it, else the kind's; its letters kept, accented ones included ("Perú"), each run of
    anything else one dash. A browser may send a Windows path: its last part is the name; and a double
    quote as %22 (``sent_name``), which is no letter either."""
    name = PurePath(PureWindowsPath(sent_name(uploaded)).name)
    stem = unicodedata.normalize("NFC", name.stem)
    suffix = name.suffix.lower() if name.suffix.lower() in _KEPT_SUFFIXES[kind] else UPLOAD_KINDS[kind][0]
    return (re.sub(r"[^\w.-]+", "-", stem).strip("._-")[:80] or "upload") + suffix


# Before anything: a valid session, so that nobody signed out has the body received.
@router.post(UPLOAD_PATH.removeprefix("/staff"), dependencies=[SignedInBeforeBody])
def upload(
    request: Request,
    # Then the body is received (and its size checked) before the unit of work begins, so a slow
    # upload never holds a write turn or SQLite's write lock.
    form: Annotated[FormData, Depends(submitted_form)],
    db: DbSession,
    settings: AppSettings,
    staff: ManagerSession,
) -> Response:
    page = StaffPage.of(request, "imports", staff)
    gettext = page.gettext
    kind = form.get("kind")
    uploaded = form.get("file")
    values = {"kind": kind if isinstance(kind, str) else ""}
    errors: dict[str, str] = {}  # the page translates a ``Reason`` (the ``reason`` filter)
    if kind not in UPLOAD_KINDS:
        errors["kind"] = gettext("Choose what kind of file this is.")
    if not isinstance(uploaded, UploadFile) or (not uploaded.filename and not uploaded.size):
        errors["file"] = gettext("Choose a file to upload.")
    elif uploaded.size is not None and uploaded.size > settings.upload_max_bytes:
        raise ContentTooLarge(_too_large(page, settings))
    if errors:
        return _refused(request, db, staff, 422, errors, values)
    assert isinstance(uploaded, UploadFile) and isinstance(kind, str) and kind in UPLOAD_KINDS
    upload_kind: UploadKind = kind
    # The run owns its transactions: the request's (the session check) ends here, so that on SQLite
    # it does not hold the write lock the run needs.
    db.commit()
    with tempfile.TemporaryDirectory(prefix="nrtd-upload-") as directory:
        path = Path(directory) / _file_name(uploaded.filename or "", upload_kind)
        with path.open("wb") as copy:
            shutil.copyfileobj(uploaded.file, copy, COPY_CHUNK)
        try:
            run = _runners(request).upload(settings, upload_kind, path)
        except ImportLocked as exc:
            return _refused(request, db, staff, 409, {"file": exc.detail}, values)
        except ImportFailed as exc:
            # The import's words read back into their message, so that the page says them in its language.
            reason = Reason(CANNOT_BE_IMPORTED, reason=in_workspace(reason_of(exc.detail)))
            return _refused(request, db, staff, 422, {"file": reason}, values)
    if run.refused:
        # The file itself was refused: the form again, the reason beside the file, and the failed run
        # that records it (listed below, as the command's would be).
        reason = Reason(CANNOT_BE_IMPORTED, reason=in_workspace(refusal_of_run(run.message or "")))
        return _refused(request, db, staff, 422, {"file": reason}, values, refused_run=run.run_id)
    done = "import-finished" if run.outcome == "succeeded" else "import-failed"
    if run.outcome == "succeeded" and run.rejected and not run.kept:
        done = "import-all-rejected"
    return redirect(f"/staff/imports/{run.run_id}?done={done}", request)


def shown_size(size: int, page: StaffPage) -> str:
    """A size in bytes as people of the page's language read it: "50 MB", "2 KB"; "2 Ko", "1,5 Mo"
    (as the portal writes an evidence file's)."""
    return format_file_size(size, page.lang)


def _too_large(page: StaffPage, settings: Settings) -> str:
    """What happened and what to do: a file of rows imported in parts is the same as whole (an upload
    never withdraws), and `nrtd import` on the server reads a file of any size."""
    too_large = page.gettext("The file is larger than %(size)s, the largest upload this server accepts.") % {
        "size": shown_size(settings.upload_max_bytes, page)
    }
    return (
        too_large
        + " "
        + page.gettext(
            "Split it into smaller files and upload each, or ask an administrator to import it on the server "
            "with nrtd import."
        )
    )


@router.post("/imports/run-scheduled")
def run_scheduled(request: Request, db: DbSession, settings: AppSettings, staff: ManagerSession) -> Response:
    try:
        _runners(request).start_scheduled(request.app.state.engine, settings)
    except (ImportLocked, ImportFailed) as exc:
        return _refused(request, db, staff, exc.status, {"form": exc.detail}, {})
    done = "import-started" if settings.import_schedule.strip() else "uhri-import-started"
    return redirect(f"/staff/imports?done={done}", request)
