"""A progress update in the staff workspace: write one on an action (a draft, or submitted at once),
see it, edit it while it is a draft or returned (with the ETag round trip), submit it; coordinators
approve it, return it with a comment, publish and unpublish it. The page says whether the public sees
the update and what keeps it hidden (``app.plans.publishing``), and offers to publish its action in
the same step as the approval or publication. Its files: app/staff/progress_evidence.py.

Every write is the API's service (app/plans/progress/service.py). Who may open the page is who may
read the update through the API: coordinators, and focal points of the action's entities (a focal
point of another entity gets 403, as from ``GET /api/v1/progress/{id}``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, NotFound, PreconditionFailed
from app.evidence.sending import FILES_PER_FORM
from app.evidence.service import size_limit, too_large_reason
from app.plans import publishing
from app.plans.actions.schemas import ACTION_STATUS_LABELS
from app.plans.actions.store import ensure_own_action, load_action
from app.plans.progress import service
from app.plans.progress.schemas import ApproveBody, ProgressCreate, ProgressPatch, PublishBody, ReturnBody
from app.staff import once, publicity
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused, row_id
from app.staff.imports import shown_size
from app.staff.labels import PROGRESS_FIELD_LABELS, PROGRESS_STATE_LABELS, choices
from app.staff.pages import NOTICES, StaffPage, _, confirm_page, is_confirmed, redirect, render, staff_router
from app.staff.session import ManagerSession, StaffMember

router = staff_router()

NOTICES["progress-created"] = _("The progress update is saved as a draft.")
NOTICES["progress-submitted"] = _("The progress update is submitted for approval.")
NOTICES["progress-approved"] = _("The progress update is approved.")
NOTICES["progress-approved-status-kept"] = _(
    "The progress update is approved. The action's status is kept as it is, not set to the status "
    "this update reports: it was changed after this update's date (by hand, or by an approved update "
    "reported later)."
)
NOTICES["progress-returned"] = _("The progress update is returned to its author with your comment.")
NOTICES["progress-published"] = _("The progress update is published.")
NOTICES["progress-unpublished"] = _("The progress update is no longer published.")
NOTICES["progress-deleted"] = _("The draft is deleted.")
NOT_ATTACHED = _(
    "The chosen files are not attached: choose them again and press Attach. Nothing was saved or submitted."
)

SECTION = "home"


def _text(values: dict[str, Any] | None, name: str) -> str:
    value = (values or {}).get(name, "")
    return value if isinstance(value, str) else ""


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form's fields as the API's schemas take them: empty optional ones are none."""
    return {
        "reported_on": _text(values, "reported_on").strip() or None,
        "narrative": _text(values, "narrative"),
        "new_status": _text(values, "new_status") or None,
        "evidence_url": _text(values, "evidence_url").strip() or None,
    }


def _url(progress_id: int) -> str:
    return f"/staff/progress/{progress_id}"


def _common(page: StaffPage) -> dict[str, Any]:
    return {
        "statuses": choices(ACTION_STATUS_LABELS, page.gettext),
        "status_labels": ACTION_STATUS_LABELS,
        "state_labels": PROGRESS_STATE_LABELS,
    }


# Writing one ------------------------------------------------------------------------------------


def _new_form(
    request: Request,
    db: DbSession,
    staff: StaffMember,
    action_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    action = load_action(db, action_id)
    ensure_own_action(db, staff.actor, action)
    page = StaffPage.of(request, SECTION, staff)
    context = {"action": action, "values": values, "errors": errors, **_common(page)}
    return render(request, page, "progress/new.html", context, status)


@router.get("/actions/{action_id}/progress/new", response_class=HTMLResponse)
def new_progress(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    return _new_form(request, db, staff, action_id, {}, {})


@router.post("/actions/{action_id}/progress")
def create_progress(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    submit = _text(values, "submit") == "true"
    try:
        body = parse(ProgressCreate, {**_fields(values), "submit": submit}, not_future=["reported_on"])
        update, _tag = service.create_progress(db, staff.actor, action_id, body)
    except FormInvalid as exc:
        return _new_form(request, db, staff, action_id, values, exc.errors, 422)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _new_form(request, db, staff, action_id, values, refused(db, exc), 422)
    done = "progress-submitted" if submit else "progress-created"
    return once.settle(db, staff, values, redirect(f"{_url(update.id)}?done={done}", request))


# Its page ---------------------------------------------------------------------------------------


def progress_page(
    request: Request,
    db: DbSession,
    staff: StaffMember,
    progress_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The update with its files; the forms its reader may use (edit, attach, submit, review)."""
    update_row = service.readable(db, staff.actor, progress_id)
    update, tag = service.get_progress(db, progress_id)
    page = StaffPage.of(request, SECTION, staff)
    changeable = update.state in service.EDITABLE_STATES and service.written_here(db, staff.actor, update_row)
    stored = {
        "reported_on": update.reported_on.isoformat(),
        "narrative": update.narrative,
        "new_status": update.new_status or "",
        "evidence_url": update.evidence_url or "",
    }
    shown = {**stored, **(values or {})}  # what was typed (an edit, a review's comment) over what is stored
    action = load_action(db, update.action_id)
    hidden_by = publishing.not_public_parents(db, action.id)
    context = {
        "update": update,
        "action": action,
        "public": publishing.progress_is_public(update_row, action),
        "hidden_by": hidden_by,
        "reasons": publicity.hidden_because(
            page, publicity.progress_reasons(update.state, update.published), hidden_by
        ),
        "etag": _text(values, ETAG_FIELD) or tag,
        "changeable": changeable,
        "deletable": changeable and update.state == "draft",
        "manager": staff.actor.is_manager,
        "values": shown,
        "errors": errors or {},
        "sizes": {file.id: shown_size(file.size, page) for file in update.evidence},
        "largest_file": size_limit(request.app.state.settings.evidence_max_bytes),
        # For the script that names a file too large before it is sent (static/attach-check.js).
        "max_file_bytes": request.app.state.settings.evidence_max_bytes,
        "too_large": too_large_reason(request.app.state.settings.evidence_max_bytes),
        "files_per_form": FILES_PER_FORM,
        **_common(page),
    }
    return render(request, page, "progress/detail.html", context, status)


@router.get("/progress/{progress_id}", response_class=HTMLResponse)
def progress_detail(request: Request, db: DbSession, staff: StaffMember, progress_id: RowId) -> Response:
    return progress_page(request, db, staff, progress_id)


def _conflict(
    request: Request, db: DbSession, staff: StaffMember, progress_id: int, values: dict[str, Any]
) -> HTMLResponse:
    # What was typed; the buttons' own fields (publish it, also publish the action) were not.
    typed = ("reported_on", "narrative", "new_status", "evidence_url", "comment")
    values = {name: values[name] for name in typed if name in values}
    status = values.get("new_status")
    if isinstance(status, str) and status in ACTION_STATUS_LABELS:
        # The status chosen, as the form named it, not its code.
        gettext = StaffPage.of(request, "", staff).gettext
        values = {**values, "new_status": str(gettext(ACTION_STATUS_LABELS[status]))}
    return conflict_page(
        request,
        db,
        staff,
        object_type="progress_update",
        labels=PROGRESS_FIELD_LABELS,
        object_id=progress_id,
        reload_url=_url(progress_id),
        typed=values,
    )


def save_typed(db: DbSession, staff: StaffMember, progress_id: int, values: dict[str, Any]) -> str:
    """Save the fields of the update's form as typed (with the version the page showed); its ETag.
    Raises what ``update_progress`` raises, ``FormInvalid`` for a field the schema refuses."""
    body = parse(ProgressPatch, _fields(values), not_future=["reported_on"])
    _saved, tag = service.update_progress(db, staff.actor, progress_id, body, _text(values, ETAG_FIELD))
    return tag


def typed_refused(
    request: Request,
    db: DbSession,
    staff: StaffMember,
    progress_id: int,
    values: dict[str, Any],
    exc: Exception,
) -> HTMLResponse:
    """The page again after ``save_typed`` (or what followed it) was refused, with what was typed:
    the conflict page for an old version, else the update's page naming the field."""
    if isinstance(exc, FormInvalid):
        return progress_page(request, db, staff, progress_id, values=values, errors=exc.errors, status=422)
    if isinstance(exc, PreconditionFailed):
        return _conflict(request, db, staff, progress_id, values)
    if not isinstance(exc, DomainError) or exc.status not in (409, 413, 422, 507):
        raise exc
    errors = refused(db, exc)
    return progress_page(request, db, staff, progress_id, values=values, errors=errors, status=exc.status)


def _files_chosen(values: dict[str, Any]) -> bool:
    """Files chosen under "Attach files" reach the form's other buttons by name only (they send the
    form without its files): saving, or submitting, then would leave them out without a word."""
    chosen = values.get("file")
    return any(chosen) if isinstance(chosen, list) else bool(chosen)


@router.post("/progress/{progress_id}")
def edit_progress(request: Request, db: DbSession, staff: StaffMember, progress_id: RowId) -> Response:
    values = form_values(request)
    submit = _text(values, "submit") == "true"  # "Submit for approval": what the fields hold, then sent
    if _files_chosen(values):
        errors = {"file": NOT_ATTACHED}
        return progress_page(request, db, staff, progress_id, values=values, errors=errors, status=422)
    try:
        body = parse(ProgressPatch, _fields(values), not_future=["reported_on"])
        _saved, tag = service.update_progress(db, staff.actor, progress_id, body, _text(values, ETAG_FIELD))
        if submit:
            service.submit(db, staff.actor, progress_id, tag)
    except FormInvalid as exc:
        return progress_page(request, db, staff, progress_id, values=values, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, progress_id, values)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        errors = refused(db, exc)
        return progress_page(request, db, staff, progress_id, values=values, errors=errors, status=exc.status)
    return redirect(_url(progress_id) + ("?done=progress-submitted" if submit else "?done=saved"), request)


# Submitting and reviewing -----------------------------------------------------------------------


def _transition(request: Request, db: DbSession, staff: StaffMember, progress_id: int, verb: str) -> Response:
    """One review step, with the version the page showed (412: the conflict page); a step from the
    wrong state (409) or a refused comment (422) shows the page again with the reason."""
    values = form_values(request)
    tag = _text(values, ETAG_FIELD) or None
    parents = _text(values, "publish_parents") == "true"  # "also publish the action"
    # A refused step shows the page again with the comment typed and the version the reviewer read.
    typed = {name: _text(values, name) for name in ("comment", ETAG_FIELD) if _text(values, name)}
    actor = staff.actor
    kept = False
    try:
        if verb == "submit":
            service.submit(db, actor, progress_id, tag)
        elif verb == "approve":
            body = ApproveBody(publish=_text(values, "publish") == "true", publish_parents=parents)
            kept = service.approve(db, actor, progress_id, body, tag)[0].status_kept is not None
        elif verb == "publish":
            service.publish(db, actor, progress_id, PublishBody(publish_parents=parents), tag)
        elif verb == "return":
            service.return_update(
                db, actor, progress_id, parse(ReturnBody, {"comment": _text(values, "comment")}), tag
            )
        else:
            service.set_published(db, actor, progress_id, False, tag)
    except FormInvalid as exc:
        return progress_page(request, db, staff, progress_id, values=typed, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, progress_id, values)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        errors = refused(db, exc)
        return progress_page(request, db, staff, progress_id, values=typed, errors=errors, status=exc.status)
    done = {"submit": "submitted", "approve": "approved", "return": "returned"}.get(verb, verb + "ed")
    done += "-status-kept" if kept else ""
    return redirect(f"{_url(progress_id)}?done=progress-{done}", request)


@router.post("/progress/{progress_id}/submit")
def submit_progress(request: Request, db: DbSession, staff: StaffMember, progress_id: RowId) -> Response:
    return _transition(request, db, staff, progress_id, "submit")


@router.post("/progress/{progress_id}/approve")
def approve_progress(request: Request, db: DbSession, staff: ManagerSession, progress_id: RowId) -> Response:
    return _transition(request, db, staff, progress_id, "approve")


@router.post("/progress/{progress_id}/return")
def return_progress(request: Request, db: DbSession, staff: ManagerSession, progress_id: RowId) -> Response:
    return _transition(request, db, staff, progress_id, "return")


@router.post("/progress/{progress_id}/publish")
def publish_progress(request: Request, db: DbSession, staff: ManagerSession, progress_id: RowId) -> Response:
    return _transition(request, db, staff, progress_id, "publish")


@router.post("/progress/{progress_id}/unpublish")
def unpublish_progress(
    request: Request, db: DbSession, staff: ManagerSession, progress_id: RowId
) -> Response:
    return _transition(request, db, staff, progress_id, "unpublish")


@router.post("/progress/{progress_id}/delete")
def delete_progress(request: Request, db: DbSession, staff: StaffMember, progress_id: RowId) -> Response:
    """A draft started by mistake: asked once more (its text and files cannot be brought back), on a
    page of its own (a GET, so that Back after deleting never sends the form again), then deleted;
    back to its action."""
    values = form_values(request)
    tag = _text(values, ETAG_FIELD) or None
    try:
        update = service.deletable(db, staff.actor, progress_id, tag)
        action_id = update.action_id
        if not is_confirmed(values):
            query = urlencode({ETAG_FIELD: tag or "", "action_id": action_id})
            return redirect(f"{_url(progress_id)}/delete?{query}", request)
        service.delete_progress(db, staff.actor, progress_id, tag)
    except DomainError as exc:
        return _not_deletable(request, db, staff, progress_id, exc)
    return redirect(f"/staff/actions/{action_id}?done=progress-deleted", request)


def _not_deletable(
    request: Request, db: DbSession, staff: StaffMember, progress_id: int, exc: DomainError
) -> Response:
    """A draft that may not be deleted: the conflict page for a version the page no longer shows, its
    page naming the reason (409) otherwise; any other refusal is raised again."""
    if isinstance(exc, PreconditionFailed):
        return _conflict(request, db, staff, progress_id, {})
    if exc.status != 409:
        raise exc
    return progress_page(request, db, staff, progress_id, errors=refused(db, exc), status=409)


@router.get("/progress/{progress_id}/delete", response_class=HTMLResponse)
def ask_to_delete_progress(
    request: Request, db: DbSession, staff: StaffMember, progress_id: RowId
) -> Response:
    """The question, once it is checked that the draft may be deleted; a draft deleted meanwhile (Back
    after deleting it) leads to its action."""
    tag = request.query_params.get(ETAG_FIELD) or None
    try:
        service.deletable(db, staff.actor, progress_id, tag)
    except NotFound:
        action = row_id(request.query_params.get("action_id"))
        if action is not None:
            return redirect(f"/staff/actions/{action}")
        raise
    except DomainError as exc:
        return _not_deletable(request, db, staff, progress_id, exc)
    page = StaffPage.of(request, SECTION, staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(_("Delete this draft?")),
        consequence=page.gettext(
            _(
                "Its text and its files were never sent for approval; once deleted they "
                "cannot be brought back."
            )
        ),
        action=f"{_url(progress_id)}/delete",
        yes=page.gettext(_("Yes, delete the draft")),
        cancel=_url(progress_id),
        hidden={ETAG_FIELD: tag or ""},
    )
