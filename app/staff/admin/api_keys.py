"""API keys (admins only): the list, creating one (its secret is shown on the result page once, never
stored or shown again) and revoking one, through app/users/api_keys.py like the API."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError
from app.core.time_zone import day_start
from app.staff import once
from app.staff.admin.listing import blank_to_none, entity_options, listed
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.pages import NOTICES, StaffPage, _, confirm_page, is_confirmed, redirect, render, staff_router
from app.staff.session import AdminSession
from app.users import api_keys
from app.users.schemas import ApiKeyCreate, ApiKeyListParams

router = staff_router()

NOTICES["api-key-revoked"] = _("The API key is revoked: it no longer works.")
REVOKE_QUESTION = _("Revoke the API key %(name)s?")
REVOKE_CONSEQUENCE = _(
    "Every program that uses it is refused from then on, and a revoked key cannot be restored: such a "
    "program needs a new key."
)
REVOKE_YES = _("Yes, revoke the key")

LIST_FILTERS = ("revoked", "limit", "cursor")
FIELDS = ("name", "role", "entity_id", "scope", "expires_at")


@router.get("/api-keys", response_class=HTMLResponse)
def api_keys_list(request: Request, db: DbSession, staff: AdminSession) -> Response:
    page = StaffPage.of(request, "api-keys", staff)
    result, errors, filters = listed(
        request, db, ApiKeyListParams, LIST_FILTERS, lambda params: api_keys.list_api_keys(db, params)
    )
    context = {"result": result, "errors": errors, "filters": filters}
    return render(request, page, "admin/api_keys.html", context, 200 if result else 422)


def _form(
    request: Request,
    db: DbSession,
    staff: AdminSession,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "api-keys", staff)
    context = {"values": values, "errors": errors, "entities": entity_options(db)}
    return render(request, page, "admin/api_key_new.html", context, status)


@router.get("/api-keys/new", response_class=HTMLResponse)
def api_key_new(request: Request, db: DbSession, staff: AdminSession) -> Response:
    return _form(request, db, staff, {"scope": "read"}, {})


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _expiry_day(values: dict[str, Any]) -> dict[str, Any]:
    """The form's expiry day as the API takes it: the moment that day begins where the instance is
    (NRTD_TIME_ZONE). Read as the API reads a bare date, midnight UTC, "2030-01-01" was shown back
    as "Dec 31, 2029, 7:00 PM" in Lima. Anything else is left for the schema to refuse."""
    typed = values.get("expires_at")
    if not isinstance(typed, str) or not _DAY.fullmatch(typed.strip()):
        return values
    try:
        day = date.fromisoformat(typed.strip())
    except ValueError:
        return values
    return {**values, "expires_at": day_start(day).isoformat()}


@router.post("/api-keys")
def api_key_create(request: Request, db: DbSession, staff: AdminSession) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)  # the list: the secret was shown once, on the first answer
    sent = _expiry_day(blank_to_none(values, FIELDS))
    try:
        created = api_keys.create_api_key(db, staff.actor, parse(ApiKeyCreate, sent))
    except FormInvalid as exc:
        return _form(request, db, staff, values, exc.errors, 422)
    except DomainError as exc:  # 409: a name another of the admin's keys in use has
        if exc.status not in (409, 422):
            raise
        return _form(request, db, staff, values, refused(db, exc), exc.status)
    # The secret is in this page only: not a redirect to a page that could show it again. Staff pages
    # are never stored (Cache-Control: no-store), this one least of all.
    page = StaffPage.of(request, "api-keys", staff)
    shown = render(request, page, "admin/api_key_created.html", {"key": created}, 201)
    return once.settle(db, staff, values, shown, location="/staff/api-keys")


@router.post("/api-keys/{key_id}/revoke")
def api_key_revoke(request: Request, db: DbSession, staff: AdminSession, key_id: RowId) -> Response:
    """A revoked key cannot be restored and every program using it stops: asked once more, on a page
    of its own (a GET, so that Back after revoking never sends the form again), then revoked."""
    key = api_keys.get_api_key(db, key_id)
    if key.revoked_at is None and not is_confirmed(form_values(request)):
        return redirect(f"/staff/api-keys/{key.id}/revoke", request)
    api_keys.revoke_api_key(db, staff.actor, key_id)
    return redirect("/staff/api-keys?done=api-key-revoked", request)


@router.get("/api-keys/{key_id}/revoke", response_class=HTMLResponse)
def ask_to_revoke_api_key(request: Request, db: DbSession, staff: AdminSession, key_id: RowId) -> Response:
    """The question; a key revoked meanwhile (Back after revoking it) leads to the list."""
    key = api_keys.get_api_key(db, key_id)
    if key.revoked_at is not None:
        return redirect("/staff/api-keys")
    page = StaffPage.of(request, "api-keys", staff)
    return confirm_page(
        request,
        page,
        question=page.gettext(REVOKE_QUESTION) % {"name": key.name},
        consequence=page.gettext(REVOKE_CONSEQUENCE),
        action=f"/staff/api-keys/{key.id}/revoke",
        yes=page.gettext(REVOKE_YES),
        cancel="/staff/api-keys",
    )
