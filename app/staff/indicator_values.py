"""Indicator values in the staff workspace: a value's page (edit, submit or delete a draft or returned
value; approve or return a submitted one with a comment; correct an approved one by a new value) and
/staff/values, the values waiting for someone: for coordinators the approval queue, for a focal point
what was returned to their entity and its drafts.

Every write goes through ``app.plans.indicators.values`` (the API's service), every list through
``app.plans.indicators.queue`` (the API's ``GET /api/v1/indicator-values``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, NotFound, PreconditionFailed
from app.models import IndicatorValue
from app.plans import publishing
from app.plans.actions.store import load_action
from app.plans.indicators import queue, service, values
from app.plans.indicators.schemas import ValueCreate, ValueListParams, ValuePatch, ValueState, ValueStateValue
from app.plans.progress.schemas import ReturnBody
from app.staff import publicity
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused, row_id, shown_number
from app.staff.indicators import FIELD_LABELS, text, value_fields, words
from app.staff.pages import (
    NOTICES,
    StaffPage,
    _,
    confirm_page,
    is_confirmed,
    page_numbers,
    redirect,
    render,
    staff_router,
)
from app.staff.session import ManagerSession, StaffMember

router = staff_router()

NOTICES["value-approved"] = _("The value is approved.")
NOTICES["value-returned"] = _("The value is returned with your comment.")
NOTICES["value-deleted"] = _("The value is deleted.")
NOTICES["correction-saved"] = _("The correction is saved. It replaces the approved value once approved.")

VALUES_PER_PAGE = 50
QUEUE_STATES = ("submitted", "returned", "draft")
QUEUE_TITLES = {
    "submitted": _("Waiting for approval"),
    "returned": _("Returned with a comment"),
    "draft": _("Drafts"),
}


def _url(value_id: int) -> str:
    return f"/staff/values/{value_id}"


# A value's page ---------------------------------------------------------------------------------


def value_page(
    request: Request,
    db: Session,
    staff: StaffMember,
    value_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    value, tag = values.get_value(db, staff.actor, value_id)
    indicator, _tag = service.get_indicator(db, value.indicator_id)
    action = load_action(db, indicator.action_id)
    page = StaffPage.of(request, "values", staff)
    shown = form or {
        "measured_on": value.measured_on.isoformat(),
        "value": shown_number(value.value, page.numbers),
        "note": value.note or "",
    }
    hidden_by = publishing.not_public_parents(db, action.id)
    row = db.get(IndicatorValue, value.id)
    context = {
        "value": value,
        "indicator": indicator,
        "action": action,
        "public": row is not None and publishing.value_is_public(row, action),
        "hidden_by": hidden_by,
        "reasons": publicity.hidden_because(
            page, publicity.value_reasons(value.state, value.superseded_by_id is not None), hidden_by
        ),
        "etag": tag,
        "writer": values.sees_unapproved(db, staff.actor, action),
        "manager": staff.actor.is_manager,
        "values": shown,
        "errors": errors or {},
        **words(page),
    }
    return render(request, page, "indicators/value.html", context, status)


@router.get("/values/{value_id}", response_class=HTMLResponse)
def value_detail(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    return value_page(request, db, staff, value_id)


def _conflict(
    request: Request, db: Session, staff: StaffMember, value_id: int, form: dict[str, Any]
) -> Response:
    return conflict_page(
        request,
        db,
        staff,
        object_type="indicator_value",
        labels=FIELD_LABELS,
        object_id=value_id,
        reload_url=_url(value_id),
        # What was typed; the buttons' own fields (submit, also publish the action) were not.
        typed={name: form[name] for name in ("measured_on", "value", "note", "comment") if name in form},
    )


def _refusal(
    request: Request, db: Session, staff: StaffMember, value_id: int, form: dict[str, Any], exc: Exception
) -> Response:
    """The value's page again with the reasons (a form error, a 409 or 422 of the service), or the
    conflict page (412); anything else (403, 404) is the error page."""
    if isinstance(exc, PreconditionFailed):
        return _conflict(request, db, staff, value_id, form)
    if isinstance(exc, FormInvalid):
        return value_page(request, db, staff, value_id, form=form, errors=exc.errors, status=422)
    if isinstance(exc, DomainError) and exc.status in (409, 422):
        errors = refused(db, exc)
        return value_page(request, db, staff, value_id, form=form, errors=errors, status=exc.status)
    raise exc


@router.post("/values/{value_id}")
def edit_value(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    """Save a draft or returned value's changes; with the submit button, submit it too."""
    form = form_values(request)
    fields = value_fields(form, page_numbers(request))
    try:
        body = parse(
            ValuePatch,
            {key: fields[key] for key in ("measured_on", "value", "note")},
            not_future=["measured_on"],
        )
        _out, tag = values.update_value(db, staff.actor, value_id, body, text(form, ETAG_FIELD))
        if fields["submit"]:
            values.submit(db, staff.actor, value_id, tag)
    except (FormInvalid, DomainError) as exc:
        return _refusal(request, db, staff, value_id, form, exc)
    return redirect(
        _url(value_id) + ("?done=value-submitted" if fields["submit"] else "?done=saved"), request
    )


def _step(request: Request, db: Session, staff: StaffMember, value_id: int, step: str) -> Response:
    form = form_values(request)
    etag = text(form, ETAG_FIELD) or None
    if step == "delete":  # where to go afterwards: its indicator (404 here if it is not visible)
        indicator_id = values.get_value(db, staff.actor, value_id)[0].indicator_id
        if not is_confirmed(form):  # a typed value and its note cannot be brought back: asked once more,
            # on a page of its own (a GET), so that Back after deleting never sends the form again
            try:  # after checking that it may be deleted at all
                values.deletable(db, staff.actor, value_id, etag)
            except DomainError as exc:
                return _refusal(request, db, staff, value_id, form, exc)
            query = urlencode({ETAG_FIELD: etag or "", "indicator_id": indicator_id})
            return redirect(f"/staff/values/{value_id}/delete?{query}", request)
    try:
        if step == "submit":
            values.submit(db, staff.actor, value_id, etag)
        elif step == "approve":
            parents = text(form, "publish_parents") == "true"  # "also publish the action"
            values.approve(db, staff.actor, value_id, etag, publish_parents=parents)
        elif step == "return":
            body = parse(ReturnBody, {"comment": text(form, "comment")})
            values.return_value(db, staff.actor, value_id, body, etag)
        else:
            values.delete_value(db, staff.actor, value_id, etag)
    except (FormInvalid, DomainError) as exc:
        return _refusal(request, db, staff, value_id, form, exc)
    if step == "delete":
        return redirect(f"/staff/indicators/{indicator_id}?done=value-deleted", request)
    done = {"submit": "value-submitted", "approve": "value-approved", "return": "value-returned"}[step]
    back = text(form, "back")
    return redirect((back if back == "/staff/values" else _url(value_id)) + f"?done={done}", request)


@router.post("/values/{value_id}/submit")
def submit_value(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    return _step(request, db, staff, value_id, "submit")


@router.post("/values/{value_id}/delete")
def delete_value(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    return _step(request, db, staff, value_id, "delete")


@router.get("/values/{value_id}/delete", response_class=HTMLResponse)
def ask_to_delete_value(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    """The question; a value deleted meanwhile (Back after deleting it) leads to its indicator."""
    etag = request.query_params.get(ETAG_FIELD) or None
    try:
        values.deletable(db, staff.actor, value_id, etag)
    except NotFound:
        indicator = row_id(request.query_params.get("indicator_id"))
        if indicator is not None:
            return redirect(f"/staff/indicators/{indicator}")
        raise
    except DomainError as exc:
        return _refusal(request, db, staff, value_id, {}, exc)
    page = StaffPage.of(request, "values", staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(_("Delete this value?")),
        consequence=page.gettext(_("It was never public, and once deleted it cannot be brought back.")),
        action=f"/staff/values/{value_id}/delete",
        yes=page.gettext(_("Yes, delete the value")),
        cancel=_url(value_id),
        hidden={ETAG_FIELD: etag or ""},
    )


@router.post("/values/{value_id}/approve")
def approve_value(request: Request, db: DbSession, staff: ManagerSession, value_id: RowId) -> Response:
    return _step(request, db, staff, value_id, "approve")


@router.post("/values/{value_id}/return")
def return_value(request: Request, db: DbSession, staff: ManagerSession, value_id: RowId) -> Response:
    return _step(request, db, staff, value_id, "return")


@router.post("/values/{value_id}/correct")
def correct_value(request: Request, db: DbSession, staff: StaffMember, value_id: RowId) -> Response:
    form = form_values(request)
    try:
        body = parse(ValueCreate, value_fields(form, page_numbers(request)), not_future=["measured_on"])
        correction, _tag = values.correct(db, staff.actor, value_id, body)
    except (FormInvalid, DomainError) as exc:
        return _refusal(request, db, staff, value_id, form, exc)
    return redirect(_url(correction.id) + "?done=correction-saved", request)


# Waiting values ---------------------------------------------------------------------------------


_STATE: TypeAdapter[ValueState] = TypeAdapter(ValueStateValue)


def _asked_state(typed: str | None) -> ValueState | None:
    """The state the address asks for, read by the list's own rule (any letter case), or None."""
    try:
        return _STATE.validate_python(typed) if typed else None
    except ValidationError:
        return None


@router.get("/values", response_class=HTMLResponse)
def waiting_values(request: Request, db: DbSession, staff: StaffMember) -> Response:
    """Coordinators: submitted values first; focal points: what was returned, then their drafts,
    each only those recorded in their entity (``written_in``): a supporting entity reads the lead
    entity's values on the action's page but was told the lead's were returned to it here."""
    page = StaffPage.of(request, "values", staff)
    query = request.query_params
    default = "submitted" if staff.actor.is_manager else "returned"
    asked = _asked_state(query.get("state"))
    state = asked if asked in QUEUE_STATES else default
    entity = None if staff.actor.is_manager else staff.actor.entity_id
    try:
        params = parse(
            ValueListParams,
            {
                "state": [state],
                "entity_id": entity,
                "cursor": query.get("cursor") or None,
                "limit": VALUES_PER_PAGE,
            },
        )
        listed = queue.list_values(db, staff.actor, params, written_in=entity)
    except (FormInvalid, DomainError):  # a cursor that was tampered with: the first page instead
        db.rollback()
        params = ValueListParams(state=[state], entity_id=entity, limit=VALUES_PER_PAGE)
        listed = queue.list_values(db, staff.actor, params, written_in=entity)
    context = {
        "listed": listed,
        "hidden_actions": publishing.unpublished_actions(db, (item.action_id for item in listed.items)),
        "state": state,
        "queue_states": QUEUE_STATES,
        "state_titles": {key: page.gettext(title) for key, title in QUEUE_TITLES.items()},
        "first": not query.get("cursor"),
        **words(page),
    }
    return render(request, page, "indicators/queue.html", context)
