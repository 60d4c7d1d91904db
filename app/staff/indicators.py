"""An action's indicators in the staff workspace: adding one (name, unit, baseline, target), its page
(edit it, a chart and a table of its approved values, every value with its review state, and the form
to record a value as a draft or submitted for approval).

Every write goes through ``app.plans.indicators`` (the API's services: their ownership, date, state and
version checks). Coordinators and focal points of the action's entities write; other focal points see
the approved values only; readers are refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, InvalidInput, PreconditionFailed
from app.plans.actions.store import ensure_own_action, load_action
from app.plans.indicators import service, values
from app.plans.indicators.schemas import IndicatorCreate, IndicatorOut, IndicatorPatch, ValueCreate, ValueOut
from app.staff import once
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, reason, refused, shown_number, typed_number
from app.staff.indicator_chart import line_chart
from app.staff.labels import REVIEW_STATE_LABELS
from app.staff.pages import NOTICES, StaffPage, _, page_numbers, redirect, render, staff_router
from app.staff.session import StaffMember

router = staff_router()

NOTICES["indicator-created"] = _("The indicator is created.")
NOTICES["value-saved"] = _("The value is saved as a draft.")
NOTICES["value-submitted"] = _("The value is submitted for approval.")

_MEASURES = ("baseline", "target")
FIELD_LABELS = {
    "name": _("Name"),
    "unit": _("Unit"),
    "baseline": _("Baseline"),
    "baseline_value": _("Baseline value"),
    "baseline_date": _("Baseline date"),
    "target": _("Target"),
    "target_value": _("Target value"),
    "target_date": _("Target date"),
    "measured_on": _("Date measured"),
    "value": _("Value"),
    "note": _("Note"),
    "comment": _("Comment"),
    "review_comment": _("Comment"),
    "state": _("State"),
    "corrects_id": _("Corrected value"),
}


def words(page: StaffPage) -> dict[str, dict[str, str]]:
    """The templates' field labels and state names, in the page's language."""
    return {
        "labels": {name: page.gettext(label) for name, label in FIELD_LABELS.items()},
        "states": {state: page.gettext(label) for state, label in REVIEW_STATE_LABELS.items()},
    }


def text(values_: dict[str, Any], name: str) -> str:
    value = values_.get(name, "")
    return value if isinstance(value, str) else ""


def _measures(form: dict[str, Any], lang: str) -> dict[str, Any]:
    """The indicator form's fields as the API's body: a measure is sent when its value or date is."""
    body: dict[str, Any] = {"name": text(form, "name"), "unit": text(form, "unit").strip()}
    for prefix in _MEASURES:
        number, day = typed_number(text(form, f"{prefix}_value"), lang), text(form, f"{prefix}_date").strip()
        body[prefix] = {"value": number or None, "date": day or None} if number or day else None
    return body


def parse_measures(model: type[BaseModel], form: dict[str, Any], lang: str) -> Any:
    """Like ``forms.parse``, naming a measure's part as its form field (``baseline_date``...)."""
    try:
        return model.model_validate(_measures(form, lang))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]][:2]
            errors.setdefault("_".join(loc) or "form", reason(error))
        _also_in_date_order(errors, form)
        order = {name: index for index, name in enumerate(_FORM_ORDER)}
        ordered = sorted(errors.items(), key=lambda item: order.get(item[0], len(order)))
        raise FormInvalid(dict(ordered)) from None


_FORM_ORDER = ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date")


def _also_in_date_order(errors: dict[str, str], form: dict[str, Any]) -> None:
    """The service's rule that the target is not dated before the baseline, named with the schema's
    refusals: the service sees the dates only once the rest is right (a second refusal after the
    first)."""
    if "baseline_date" in errors or "target_date" in errors:
        return
    try:
        baseline, target = (
            date.fromisoformat(day) if (day := text(form, f"{prefix}_date").strip()) else None
            for prefix in _MEASURES
        )
    except ValueError:  # not a date: the schema named it already
        return
    try:
        service.check_measure_dates(baseline, target)
    except InvalidInput as refusal:
        errors["target_date"] = refusal.errors[0]["reason"]


def _refused(db: Session, exc: DomainError) -> dict[str, str]:
    """A service's refusal; ``target.date`` (the API's name) is the form's ``target_date``."""
    return {name.replace(".", "_"): why for name, why in refused(db, exc).items()}


def value_fields(form: dict[str, Any], lang: str) -> dict[str, Any]:
    """The value form's fields as the API's body (``submit`` is the button pressed)."""
    return {
        "measured_on": text(form, "measured_on").strip(),
        "value": typed_number(text(form, "value"), lang),
        "note": text(form, "note"),
        "submit": text(form, "submit") == "true",
    }


# Adding one -------------------------------------------------------------------------------------


def _new_form(
    request: Request,
    db: Session,
    staff: StaffMember,
    action_id: int,
    form: dict[str, Any],
    errors: dict[str, str],
) -> HTMLResponse:
    action = load_action(db, action_id)
    ensure_own_action(db, staff.actor, action)
    page = StaffPage.of(request, "actions", staff)
    context = {"action": action, "values": form, "errors": errors, **words(page)}
    return render(request, page, "indicators/new.html", context, 422 if errors else 200)


@router.get("/actions/{action_id}/indicators/new", response_class=HTMLResponse)
def new_indicator(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    return _new_form(request, db, staff, action_id, {}, {})


@router.post("/actions/{action_id}/indicators")
def create_indicator(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    form = form_values(request)
    if (earlier := once.sent_before(db, staff, form)) is not None:
        return redirect(earlier, request)
    try:
        body = parse_measures(IndicatorCreate, form, page_numbers(request))
        indicator, _tag = service.create_indicator(db, staff.actor, action_id, body)
    except FormInvalid as exc:
        return _new_form(request, db, staff, action_id, form, exc.errors)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _new_form(request, db, staff, action_id, form, _refused(db, exc))
    return once.settle(
        db, staff, form, redirect(f"/staff/indicators/{indicator.id}?done=indicator-created", request)
    )


# Its page ---------------------------------------------------------------------------------------


def _shown(indicator: IndicatorOut, lang: str) -> dict[str, str]:
    def part(measure: Any, name: str) -> str:
        value = getattr(measure, name) if measure else None
        if value is None:
            return ""
        return shown_number(value, lang) if isinstance(value, Decimal) else str(value)

    return {
        "name": indicator.name,
        "unit": indicator.unit or "",
        **{f"{p}_{n}": part(getattr(indicator, p), n) for p in _MEASURES for n in ("value", "date")},
    }


def _chart(page: StaffPage, indicator: IndicatorOut, current: list[ValueOut]) -> Any:
    guides = [
        (page.gettext(label), measure.value)
        for label, measure in ((_("Baseline"), indicator.baseline), (_("Target"), indicator.target))
        if measure is not None
    ]
    description = page.gettext(_("Approved values over time; the table below lists the same values."))
    return line_chart(
        "values-chart",
        indicator.name,
        description,
        [(v.measured_on, v.value) for v in current],
        guides,
        lang=page.lang,
        number_locale=page.numbers,
    )


def indicator_page(
    request: Request,
    db: Session,
    staff: StaffMember,
    indicator_id: int,
    *,
    edit: dict[str, Any] | None = None,
    record: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The indicator, its chart and values, the form to record one and (for writers) to edit it."""
    indicator, tag = service.get_indicator(db, indicator_id)
    action = load_action(db, indicator.action_id)
    listed = values.list_values(db, staff.actor, indicator_id).items
    current = [v for v in listed if v.state == "approved" and v.superseded_by_id is None]
    page = StaffPage.of(request, "actions", staff)
    context = {
        "indicator": indicator,
        "action": action,
        "etag": text(edit, ETAG_FIELD) if edit and edit.get(ETAG_FIELD) else tag,
        "history": listed,
        "current": current,
        "chart": _chart(page, indicator, current) if current else None,
        "writer": values.sees_unapproved(db, staff.actor, action),
        "values": edit or _shown(indicator, page.numbers),
        "record": record or {},
        "errors": errors or {},
        **words(page),
    }
    return render(request, page, "indicators/detail.html", context, status)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator_detail(request: Request, db: DbSession, staff: StaffMember, indicator_id: RowId) -> Response:
    return indicator_page(request, db, staff, indicator_id)


@router.post("/indicators/{indicator_id}")
def edit_indicator(request: Request, db: DbSession, staff: StaffMember, indicator_id: RowId) -> Response:
    form = form_values(request)
    try:
        body = parse_measures(IndicatorPatch, form, page_numbers(request))
        service.update_indicator(db, staff.actor, indicator_id, body, text(form, ETAG_FIELD))
    except FormInvalid as exc:
        return indicator_page(request, db, staff, indicator_id, edit=form, errors=exc.errors, status=422)
    except PreconditionFailed:
        url = f"/staff/indicators/{indicator_id}"
        return conflict_page(
            request,
            db,
            staff,
            object_type="indicator",
            object_id=indicator_id,
            reload_url=url,
            typed=form,
            labels=FIELD_LABELS,
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = _refused(db, exc)
        return indicator_page(request, db, staff, indicator_id, edit=form, errors=errors, status=422)
    return redirect(f"/staff/indicators/{indicator_id}?done=saved", request)


@router.post("/indicators/{indicator_id}/values")
def record_value(request: Request, db: DbSession, staff: StaffMember, indicator_id: RowId) -> Response:
    form = form_values(request)
    if (earlier := once.sent_before(db, staff, form)) is not None:
        return redirect(earlier, request)
    try:
        body = parse(ValueCreate, value_fields(form, page_numbers(request)), not_future=["measured_on"])
        value, _tag = values.record_value(db, staff.actor, indicator_id, body)
    except (FormInvalid, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.status != 422:
            raise
        errors = exc.errors if isinstance(exc, FormInvalid) else refused(db, exc)
        return indicator_page(request, db, staff, indicator_id, record=form, errors=errors, status=422)
    done = "value-submitted" if value.state == "submitted" else "value-saved"
    return once.settle(db, staff, form, redirect(f"/staff/values/{value.id}?done={done}", request))
