"""Users (admins only): the list, inviting someone with a temporary password, and one user's page where
an admin changes role, entity or name, deactivates or reactivates, resets the password or forgets the
failed sign-ins. Every change goes through app/users/service.py: the password policy, "a focal point
belongs to an entity", the last active admin's protection, the ETag check and the audit events are
the API's own; a deactivation or a reset revokes every session of that user at once."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.passwords import PreparedHash
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.staff import once
from app.staff.admin.listing import blank_to_none, entity_options, listed
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused, whole_number
from app.staff.labels import ROLE_LABELS, USER_FIELD_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.password_hash import PasswordHash
from app.staff.session import AdminSession
from app.users import service
from app.users.schemas import UserCreate, UserListParams, UserOut, UserUpdate

router = staff_router()

NOTICES.update(
    {
        "user-invited": _(
            "The user is invited. Give them the temporary password: they must choose their own "
            "at first sign-in."
        ),
        "user-deactivated": _("The user is deactivated: their sessions have ended."),
        "user-reactivated": _("The user is active again."),
        "user-password-reset": _(
            "The password is reset: their sessions have ended, and they must choose a new password "
            "at their next sign-in."
        ),
        "user-unlocked": _("Their failed sign-ins are forgotten: they can sign in again at once."),
    }
)

LIST_FILTERS = ("role", "entity_id", "active", "q", "limit", "cursor")
CREATE_FIELDS = ("email", "full_name", "role", "entity_id", "password")
EDIT_FIELDS = ("full_name", "role", "entity_id")


def _kept(values: dict[str, Any]) -> dict[str, Any]:
    """What the form shows again: everything typed but passwords."""
    return {key: value for key, value in values.items() if key != "password"}


@router.get("/users", response_class=HTMLResponse)
def users_list(request: Request, db: DbSession, staff: AdminSession) -> Response:
    page = StaffPage.of(request, "users", staff)
    result, errors, filters = listed(
        request, db, UserListParams, LIST_FILTERS, lambda params: service.list_users(db, params)
    )
    chosen = str(filters.get("entity_id", ""))
    keep = int(chosen) if result is not None and whole_number(chosen) else None
    context = {
        "result": result,
        "errors": errors,
        "filters": filters,
        "entities": entity_options(db, keep=keep, archived=page.gettext("archived")),
    }
    return render(request, page, "admin/users.html", context, 200 if result else 422)


def _new_form(
    request: Request,
    db: DbSession,
    staff: AdminSession,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    page = StaffPage.of(request, "users", staff)
    context = {
        "values": _kept(values),
        "errors": errors,
        "entities": entity_options(db, archived=page.gettext("archived")),
    }
    return render(request, page, "admin/user_new.html", context, status)


def _with_invitation_rules(db: Session, values: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    """The schema's refusals and the service's rules on the other fields (a taken email, a focal
    point's missing entity), in the form's order: every wrong field named in one answer."""
    email, role, entity = (values.get(name) for name in ("email", "role", "entity_id"))
    entity_id = int(entity) if isinstance(entity, str) and whole_number(entity) else None
    if (
        isinstance(email, str)
        and isinstance(role, str)
        and "role" not in errors
        and "entity_id" not in errors
    ):
        try:
            service.check_invitation(db, email, role, entity_id)
        except DomainError as exc:
            errors = {**refused(db, exc), **errors}
    return {name: errors[name] for name in sorted(errors, key=_form_position)}


def _form_position(name: str) -> int:
    return CREATE_FIELDS.index(name) if name in CREATE_FIELDS else len(CREATE_FIELDS)


@router.get("/users/new", response_class=HTMLResponse)
def user_new(request: Request, db: DbSession, staff: AdminSession) -> Response:
    return _new_form(request, db, staff, {}, {})


@router.post("/users")
def user_create(
    request: Request,
    prepared: PasswordHash,  # before the unit of work: the hash holds no write turn
    db: DbSession,
    staff: AdminSession,
) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    try:
        data = parse(UserCreate, blank_to_none(values, CREATE_FIELDS))
        user, _tag = service.create_user(db, staff.actor, data, prepared=prepared)
    except FormInvalid as exc:
        return _new_form(request, db, staff, values, _with_invitation_rules(db, values, exc.errors), 422)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _new_form(request, db, staff, values, refused(db, exc), exc.status)
    return once.settle(db, staff, values, redirect(f"/staff/users/{user.id}?done=user-invited", request))


def _user_page(
    request: Request,
    db: DbSession,
    staff: AdminSession,
    user_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    user, tag = service.get_user(db, user_id)
    page = StaffPage.of(request, "users", staff)
    typed = _kept(values or {})
    context = {
        "user": user,
        # After a refusal, the version the admin was looking at: a change made meanwhile is a conflict.
        "etag": typed.get(ETAG_FIELD) or tag,
        "values": {**_user_values(user), **typed},
        "errors": errors or {},
        "entities": entity_options(
            db, keep=user.entity.id if user.entity else None, archived=page.gettext("archived")
        ),
        "is_me": user.id == staff.actor.user_id,
    }
    return render(request, page, "admin/user.html", context, status)


def _typed(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """What the edit form's boxes held, as the form words it (a button typed nothing)."""
    typed = {name: values[name] for name in EDIT_FIELDS if name in values}
    if typed.get("role") in ROLE_LABELS:
        typed["role"] = StaffPage.of(request, "users").gettext(ROLE_LABELS[typed["role"]])
    return typed


def _user_values(user: UserOut) -> dict[str, Any]:
    return {
        "full_name": user.full_name or "",
        "role": user.role,
        "entity_id": user.entity.id if user.entity else "",
    }


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, db: DbSession, staff: AdminSession, user_id: RowId) -> Response:
    return _user_page(request, db, staff, user_id)


def _update(
    request: Request,
    db: DbSession,
    staff: AdminSession,
    user_id: int,
    fields: dict[str, Any],
    done: str,
    prepared: PreparedHash | None = None,
) -> Response:
    """One change through the service, guarded by the ETag the page was shown with."""
    values = form_values(request)
    service.get_user(db, user_id)  # 404 before anything else
    try:
        data = parse(UserUpdate, fields)
        tag = str(values.get(ETAG_FIELD) or "") or None
        service.update_user(db, staff.actor, user_id, data, tag, prepared=prepared)
    except FormInvalid as exc:
        return _user_page(request, db, staff, user_id, values=values, errors=exc.errors, status=422)
    except PreconditionFailed:
        return conflict_page(
            request,
            db,
            staff,
            object_type="user",
            object_id=user_id,
            reload_url=f"/staff/users/{user_id}",
            typed=_typed(request, values),
            labels=USER_FIELD_LABELS,
        )
    except DomainError as exc:
        if exc.status not in (409, 422, 428):
            raise
        errors = refused(db, exc)  # the last admin: why, in full, beside the role or the access
        return _user_page(request, db, staff, user_id, values=values, errors=errors, status=exc.status)
    return redirect(f"/staff/users/{user_id}?done={done}", request)


@router.post("/users/{user_id}")
def user_update(request: Request, db: DbSession, staff: AdminSession, user_id: RowId) -> Response:
    values = form_values(request)
    fields = blank_to_none(values, EDIT_FIELDS)
    return _update(request, db, staff, user_id, fields, "saved")


@router.post("/users/{user_id}/active")
def user_active(request: Request, db: DbSession, staff: AdminSession, user_id: RowId) -> Response:
    values = form_values(request)
    active = values.get("active")
    if active not in ("true", "false"):
        return _user_page(
            request, db, staff, user_id, values=values, errors={"active": "must be true or false"}, status=422
        )
    done = "user-reactivated" if active == "true" else "user-deactivated"
    return _update(request, db, staff, user_id, {"active": active}, done)


@router.post("/users/{user_id}/password")
def user_reset_password(
    request: Request,
    prepared: PasswordHash,  # before the unit of work: the hash holds no write turn
    db: DbSession,
    staff: AdminSession,
    user_id: RowId,
) -> Response:
    values = form_values(request)
    password = values.get("password") if isinstance(values.get("password"), str) else ""
    return _update(request, db, staff, user_id, {"password": password}, "user-password-reset", prepared)


@router.post("/users/{user_id}/unlock")
def user_unlock(request: Request, db: DbSession, staff: AdminSession, user_id: RowId) -> Response:
    user, _tag = service.get_user(db, user_id)
    service.unlock_user(db, staff.actor, user.email)
    return redirect(f"/staff/users/{user_id}?done=user-unlocked", request)
