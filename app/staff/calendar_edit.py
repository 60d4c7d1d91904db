"""Entered deadlines in the staff workspace: adding one (or the next UPR review), its page (an edit
form for managers, read-only for the others who may see it) and deleting it.

Every write is ``app.deadlines.entered``'s, the API's service with its checks, If-Match and audit.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, NotFound, PreconditionFailed
from app.core.time_zone import local_today
from app.deadlines import entered
from app.deadlines.schemas import DeadlineCreate, DeadlinePatch, EnteredDeadlineOut
from app.staff import once
from app.staff.calendar import options
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.labels import DEADLINE_FIELD_LABELS
from app.staff.pages import NOTICES, StaffPage, _, confirm_page, is_confirmed, redirect, render, staff_router
from app.staff.session import ManagerSession, SignedIn, StaffMember

router = staff_router()

NOTICES["deadline-created"] = _("The deadline is added.")
NOTICES["deadline-deleted"] = _("The deadline is deleted.")

# Left empty, the required fields stay empty texts (refused as "required" in the page's language); the
# optional ones become null.
_REQUIRED = ("title", "due_on")
_OPTIONAL = ("mechanism", "entity_id", "notes", "last_review_on", "midterm_on")
_FLAGS = ("published", "done", "midterm_done")


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's body: empty fields are null, unticked boxes false."""
    fields: dict[str, Any] = {name: _text(values, name) for name in _REQUIRED}
    fields.update({name: _text(values, name) or None for name in _OPTIONAL})
    fields["notes"] = _text(values, "notes")
    fields.update({name: values.get(name) == "true" for name in _FLAGS})
    return fields


def _shown(deadline: EnteredDeadlineOut) -> dict[str, Any]:
    return {
        "kind": deadline.kind,
        "title": deadline.title,
        "due_on": deadline.due_on.isoformat(),
        "mechanism": deadline.mechanism or "",
        "entity_id": str(deadline.entity_id or ""),
        "notes": deadline.notes or "",
        "last_review_on": deadline.last_review_on.isoformat() if deadline.last_review_on else "",
        "midterm_on": deadline.midterm_on.isoformat() if deadline.midterm_on else "",
        **{name: "true" if getattr(deadline, name) else "" for name in _FLAGS},
    }


def _form(
    request: Request,
    db: DbSession,
    staff: SignedIn,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    deadline: EnteredDeadlineOut | None = None,
    etag: str = "",
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "calendar", staff)
    context = {
        "values": values,
        "errors": errors,
        "deadline": deadline,
        "etag": etag,
        "manager": staff.actor.is_manager,
        # The read-only page says a date past and not met is overdue, as the list, the feed and the
        # digest that links here do (today where the instance is).
        "today": local_today(),
        **options(db, page, deadline.entity_id if deadline else None),
    }
    return render(request, page, "calendar/deadline.html", context, status)


@router.get("/calendar/new", response_class=HTMLResponse)
def new_deadline(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    if request.query_params.get("kind") == "upr_review":
        # The review a coordinator leaves without a mechanism is the UPR's (app.deadlines.entered): the
        # box says so rather than "No mechanism".
        return _form(request, db, staff, {"kind": "upr_review", "mechanism": entered.UPR}, {})
    return _form(request, db, staff, {"kind": "custom"}, {})


@router.post("/calendar")
def create_deadline(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    try:
        body = parse(DeadlineCreate, {"kind": _text(values, "kind") or "custom", **_fields(values)})
        created, _tag = entered.create_deadline(db, staff.actor, body)
    except FormInvalid as exc:
        return _form(request, db, staff, values, exc.errors, status=422)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _form(request, db, staff, values, refused(db, exc), status=422)
    return once.settle(
        db, staff, values, redirect(f"/staff/calendar/{created.id}?done=deadline-created", request)
    )


@router.get("/calendar/{deadline_id}", response_class=HTMLResponse)
def deadline_page(request: Request, db: DbSession, staff: StaffMember, deadline_id: RowId) -> Response:
    deadline, tag = entered.get_deadline(db, staff.actor, deadline_id)
    return _form(request, db, staff, _shown(deadline), {}, deadline=deadline, etag=tag)


def _ticked(values: dict[str, Any], page: StaffPage) -> dict[str, Any]:
    """What was typed, each box of the form (ticked or not: an unticked one is not sent) as Yes or No
    in the page's language rather than the value the form sends ("true"). A deletion typed nothing."""
    if "title" not in values:
        return values
    boxes = _FLAGS if "last_review_on" in values else ("done", "published")  # a review's form has three
    answer = {True: page.gettext(_("Yes")), False: page.gettext(_("No"))}
    return {**values, **{name: answer[values.get(name) == "true"] for name in boxes}}


def _conflict(
    request: Request, db: DbSession, staff: ManagerSession, deadline_id: int, values: dict[str, Any]
) -> HTMLResponse:
    return conflict_page(
        request,
        db,
        staff,
        object_type="deadline",
        labels=DEADLINE_FIELD_LABELS,
        object_id=deadline_id,
        reload_url=f"/staff/calendar/{deadline_id}",
        typed=_ticked(values, StaffPage.of(request, "calendar", staff)),
    )


@router.post("/calendar/{deadline_id}")
def edit_deadline(request: Request, db: DbSession, staff: ManagerSession, deadline_id: RowId) -> Response:
    values = form_values(request)
    try:
        fields = _fields(values)
        current, _tag = entered.get_deadline(db, staff.actor, deadline_id)
        if current.kind != "upr_review":  # the form has no cycle fields to send
            for name in ("last_review_on", "midterm_on", "midterm_done"):
                fields.pop(name)
        body = parse(DeadlinePatch, fields)
        entered.update_deadline(db, staff.actor, deadline_id, body, _text(values, ETAG_FIELD))
    except FormInvalid as exc:
        current, tag = entered.get_deadline(db, staff.actor, deadline_id)
        values = {**values, "kind": current.kind}
        return _form(request, db, staff, values, exc.errors, deadline=current, etag=tag, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, deadline_id, values)
    except DomainError as exc:
        if exc.status not in (422, 428):
            raise
        errors = refused(db, exc)
        current, tag = entered.get_deadline(db, staff.actor, deadline_id)
        values = {**values, "kind": current.kind}
        return _form(request, db, staff, values, errors, deadline=current, etag=tag, status=422)
    return redirect(f"/staff/calendar/{deadline_id}?done=saved", request)


@router.post("/calendar/{deadline_id}/delete")
def delete_deadline(request: Request, db: DbSession, staff: ManagerSession, deadline_id: RowId) -> Response:
    values = form_values(request)
    if not is_confirmed(values):  # leaves the calendar, the feeds and the reminders: asked once more,
        # on a page of its own (a GET), so that Back after deleting never sends the form again
        query = urlencode({ETAG_FIELD: _text(values, ETAG_FIELD) or ""})
        return redirect(f"/staff/calendar/{deadline_id}/delete?{query}", request)
    try:
        entered.delete_deadline(db, staff.actor, deadline_id, _text(values, ETAG_FIELD))
    except PreconditionFailed:
        return _conflict(request, db, staff, deadline_id, values)
    return redirect("/staff/calendar?done=deadline-deleted", request)


@router.get("/calendar/{deadline_id}/delete", response_class=HTMLResponse)
def ask_to_delete_deadline(
    request: Request, db: DbSession, staff: ManagerSession, deadline_id: RowId
) -> Response:
    """The question; a deadline deleted meanwhile (Back after deleting it) leads to the calendar."""
    try:
        current, _tag = entered.get_deadline(db, staff.actor, deadline_id)
    except NotFound:
        return redirect("/staff/calendar")
    page = StaffPage.of(request, "calendar", staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(_("Delete the deadline %(title)s?")) % {"title": current.title},
        consequence=page.gettext(
            _("It leaves the calendar, the calendar feeds and the reminders, and cannot be brought back.")
        ),
        action=f"/staff/calendar/{deadline_id}/delete",
        yes=page.gettext(_("Yes, delete the deadline")),
        cancel=f"/staff/calendar/{deadline_id}",
        hidden={ETAG_FIELD: request.query_params.get(ETAG_FIELD, "")},
    )
