"""A progress update's evidence files in the staff workspace: attach several at once (a multipart
form), download, remove. The same service as the API (app/evidence/service.py): the same type and
size checks, the same rule of who may read and who may change; a refusal shows the update's page
again naming the file and the reason.

The session cookie is scoped to /staff/, so files are downloaded here (``/staff/evidence/{id}``)
rather than from the API's ``/api/v1/evidence/{id}/content``; the answer is the same attachment.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from app.core.catalogue import Reason
from app.core.deps import AppSettings, DbSession, RowId
from app.core.errors import ContentTooLarge, DomainError, NotFound
from app.core.upload_names import sent_name
from app.evidence import service
from app.evidence.sending import FILES_PER_FORM, download, store_of, upload_form
from app.models import EvidenceFile, ProgressUpdate
from app.plans.progress import service as progress_service
from app.staff import once
from app.staff.forms import FormInvalid, form_values, refused, row_id, without_nul
from app.staff.pages import NOTICES, StaffPage, _, confirm_page, is_confirmed, redirect, staff_router
from app.staff.progress import SECTION, progress_page, save_typed, typed_refused
from app.staff.session import SignedInBeforeBody, StaffMember

router = staff_router()

EVIDENCE_PATH = "/staff/progress/{id}/evidence"

NOTICES["evidence-added"] = _("The files are attached.")
NOTICES["evidence-removed"] = _("The file is removed.")
NOTICES["evidence-gone"] = _("The file had already been removed.")
NO_FILE = _("Choose at least one file to attach.")
FILES = _("Files")
REMOVE_QUESTION = _("Remove the file %(name)s?")
REMOVE_CONSEQUENCE = _(
    "It is taken off the progress update and cannot be brought back: to keep it, attach it again."
)
REMOVE_YES = _("Yes, remove the file")
TOO_MANY = _("Choose at most %(count)d files at a time.")
NONE_ATTACHED = _("%(problem)s. None of the %(count)s files is attached: choose the others again.")


BACK_TO_UPDATE = _("Back to the progress update")


class _TooLargeForTheUpdate(ContentTooLarge):
    """An upload stopped while it arrived: the error page links back to the update."""

    def __init__(self, detail: str, progress_id: str) -> None:
        super().__init__(detail)
        self.back = (f"/staff/progress/{progress_id}", BACK_TO_UPDATE) if progress_id.isdecimal() else None


async def _form(request: Request) -> FormData:
    # Parsed with room for a few files more than one upload takes, so that the session's CSRF check
    # reads the same form and the page can say how many to choose (only a script sends more).
    try:
        return await upload_form(request, max_files=FILES_PER_FORM * 4)
    except ContentTooLarge as exc:
        # Stopped before the form is read, so the update's page cannot be shown again: the error page
        # says why in its language alone (the API's English sentence stood above the reason).
        reason = exc.errors[0]["reason"] if exc.errors else exc.detail
        raise _TooLargeForTheUpdate(
            Reason(_("%(field)s: %(reason)s"), field=Reason(FILES), reason=reason),
            str(request.path_params.get("progress_id", "")),
        ) from None


# Before anything: a valid session, so that nobody signed out has the body received.
@router.post("/progress/{progress_id}/evidence", dependencies=[SignedInBeforeBody])
def attach_evidence(
    request: Request,
    # Then the files are received (their size checked) before the unit of work begins.
    form: Annotated[FormData, Depends(_form)],
    db: DbSession,
    settings: AppSettings,
    staff: StaffMember,
    progress_id: RowId,
) -> Response:
    gettext = StaffPage.of(request, "home", staff).gettext
    # The page's Attach button sends the update's form: the text typed there is saved first, in the
    # same step, or it would be lost; a refusal shows it again as typed (nothing saved, nothing attached).
    typed = {without_nul(key): without_nul(value) for key, value in form.items() if isinstance(value, str)}
    if (earlier := once.sent_before(db, staff, typed)) is not None:
        return redirect(earlier, request)  # the same files sent again (a double click): attached once
    shown = typed if "narrative" in typed else None
    if shown is not None:
        try:
            save_typed(db, staff, progress_id, typed)
        except (FormInvalid, DomainError) as exc:
            return typed_refused(request, db, staff, progress_id, typed, exc)
    files = [item for item in form.getlist("file") if isinstance(item, UploadFile)]
    files = [item for item in files if item.filename or item.size]
    if not files or len(files) > FILES_PER_FORM:
        db.rollback()
        errors = {"file": gettext(TOO_MANY) % {"count": FILES_PER_FORM} if files else gettext(NO_FILE)}
        return progress_page(request, db, staff, progress_id, values=shown, errors=errors, status=422)
    try:
        service.check_room(db, staff.actor, progress_id, len(files))
    except DomainError as exc:
        if exc.status != 409:
            raise
        errors = refused(db, exc)
        return progress_page(request, db, staff, progress_id, values=shown, errors=errors, status=409)
    store = store_of(settings)
    for item in files:
        try:
            service.attach(
                db, staff.actor, store, progress_id, item.file, item.filename, settings.evidence_max_bytes
            )
        except DomainError as exc:
            if exc.status not in (409, 413, 422, 507):
                raise
            # All or nothing: the files attached before this one are rolled back with it.
            reason = refused(db, exc).get("file") or exc.detail
            # The file's name, then the reason in the page's language (translated, then filled in).
            why = reason if isinstance(reason, Reason) else Reason(reason)
            problem = Reason(_("%(field)s: %(reason)s"), field=sent_name(item.filename), reason=why)
            if len(files) > 1:
                # The others were fine but are not attached either: say so, or they seem to be.
                problem = Reason(NONE_ATTACHED, problem=problem, count=len(files))
            errors = {"file": problem}
            return progress_page(
                request, db, staff, progress_id, values=shown, errors=errors, status=exc.status
            )
    return once.settle(
        db, staff, typed, redirect(f"/staff/progress/{progress_id}?done=evidence-added", request)
    )


@router.get("/evidence/{evidence_id}")
def download_evidence(
    db: DbSession, settings: AppSettings, staff: StaffMember, evidence_id: RowId
) -> Response:
    row = service.readable_file(db, staff.actor, evidence_id)
    return download(service.stored_path(store_of(settings), row), row, "private, no-store")


@router.post("/evidence/{evidence_id}/remove")
def remove_evidence(request: Request, db: DbSession, staff: StaffMember, evidence_id: RowId) -> Response:
    values = form_values(request)
    try:
        row = service.readable_file(db, staff.actor, evidence_id)
    except NotFound:
        # Removed meanwhile (in another tab, by someone else): back to the update the form was on,
        # which says so, rather than a dead end. Its page checks that the reader may see it.
        shown = row_id(values.get("progress_id"))
        if shown is not None:
            refusal = _save_typed(request, db, staff, shown, values)
            return refusal or redirect(f"/staff/progress/{shown}?done=evidence-gone", request)
        raise
    progress_id = row.progress_update_id
    refusal = _save_typed(request, db, staff, progress_id, values)
    if refusal is not None:
        return refusal
    if not is_confirmed(values):
        # Removing cannot be undone (the file would have to be attached again): asked once more, on a
        # page of its own (a GET), so that Back after removing never offers to send the form again.
        return redirect(f"/staff/evidence/{evidence_id}/remove?progress_id={progress_id}", request)
    try:
        service.remove(db, staff.actor, evidence_id)
    except DomainError as exc:
        if exc.status != 409:
            raise
        return progress_page(request, db, staff, progress_id, errors=refused(db, exc), status=409)
    return redirect(f"/staff/progress/{progress_id}?done=evidence-removed", request)


@router.get("/evidence/{evidence_id}/remove", response_class=HTMLResponse)
def ask_to_remove_evidence(
    request: Request, db: DbSession, staff: StaffMember, evidence_id: RowId
) -> Response:
    """The question, once it is checked that the file may be removed at all; a file removed meanwhile
    (Back after removing it) leads to its update, which says so."""
    try:
        row = service.readable_file(db, staff.actor, evidence_id)
    except NotFound:
        shown = row_id(request.query_params.get("progress_id"))
        if shown is not None:
            return redirect(f"/staff/progress/{shown}?done=evidence-gone")
        raise
    try:
        update = progress_service.editable(db, staff.actor, row.progress_update_id)
    except DomainError as exc:
        if exc.status != 409:
            raise
        errors = refused(db, exc)
        return progress_page(request, db, staff, row.progress_update_id, errors=errors, status=409)
    return _confirm_removal(request, staff, row, update)


def _save_typed(
    request: Request, db: DbSession, staff: StaffMember, progress_id: int, values: dict[str, Any]
) -> Response | None:
    """Remove is a button of the update's form: the text typed there is saved first (before the
    question, which a Cancel leaves), or the page showing it again when it is refused."""
    if "narrative" not in values:
        return None
    try:
        save_typed(db, staff, progress_id, values)
    except (FormInvalid, DomainError) as exc:
        return typed_refused(request, db, staff, progress_id, values, exc)
    return None


def _confirm_removal(
    request: Request, staff: StaffMember, row: EvidenceFile, update: ProgressUpdate
) -> HTMLResponse:
    page = StaffPage.of(request, SECTION, staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(REMOVE_QUESTION) % {"name": row.filename},
        consequence=page.gettext(REMOVE_CONSEQUENCE),
        action=f"/staff/evidence/{row.id}/remove",
        yes=page.gettext(REMOVE_YES),
        cancel=f"/staff/progress/{update.id}",
        hidden={"progress_id": str(update.id)},
    )
