"""Signing in and out of the staff workspace, and changing one's own password.

Sign-in uses the API's login (the same throttle, the same audit events), asking for a browser session
instead of a bearer token. Sign-out revokes the session at once; so does deactivating the account.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.auth import login as login_service
from app.auth import service as auth_service
from app.auth import throttle
from app.auth.deps import AnonymousCaller
from app.core.deps import AppSettings, DbSession
from app.core.errors import DomainError, ServiceBusy, TemporaryPasswordExpired, TooManyRequests, Unauthorized
from app.notify import preferences
from app.staff.forms import FormInvalid, form_values, parse, read_form_values, refused
from app.staff.pages import StaffPage, redirect, render, staff_router
from app.staff.password_hash import CurrentPasswordCheck, NewPasswordHash
from app.staff.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SignedIn,
    check_login_csrf,
    clear_cookie,
    new_login_csrf,
    set_cookie,
)
from app.users import own_password
from app.users.schemas import PasswordChange

router = staff_router()

MAX_EMAIL = 320
MAX_PASSWORD = 1024


def safe_next(value: Any) -> str:
    """Only a path of the staff workspace: never another site (an open redirect)."""
    if isinstance(value, str) and value.startswith("/staff/") and "//" not in value and "\\" not in value:
        return value
    return "/staff/"


def _login_form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    page = StaffPage.of(request, "login")
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
    response = render(
        request,
        page,
        "login.html",
        {"values": values, "errors": errors, "login_csrf": token, "next": safe_next(values.get("next"))},
        status=status,
    )
    response.headers.update(headers or {})
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    return _login_form(request, {"next": request.query_params.get("next")}, {}, 200)


@router.post("/login")
async def login_submit(request: Request, settings: AppSettings, who: AnonymousCaller) -> Response:
    await check_login_csrf(request)
    values = await read_form_values(request)
    email = values.get("email") if isinstance(values.get("email"), str) else ""
    password = values.get("password") if isinstance(values.get("password"), str) else ""
    assert isinstance(email, str) and isinstance(password, str)
    page = StaffPage.of(request, "login")
    _ = page.gettext
    # What has no "@" is no email address, and is most often the password, typed in the email box by
    # mistake: it is never shown again on the page (as the login service keeps it out of the audit
    # trail, ``login.NOT_AN_EMAIL``).
    kept = {"email": email if "@" in email else "", "next": values.get("next")}
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = _("Enter your email address.")
    elif "@" not in email:
        errors["email"] = _(
            "This is not an email address (it has no @): what was typed is not shown again, "
            "in case it was a password."
        )
    elif len(email) > MAX_EMAIL or "\x00" in email:
        errors["email"] = _("This is not an email address.")
    if not password:
        errors["password"] = _("Enter your password.")
    elif len(password) > MAX_PASSWORD or "\x00" in password:
        errors["password"] = _("This password is too long.")
    if errors:
        return _login_form(request, kept, errors, 422)
    try:
        issued = await login_service.login(
            request.app.state.engine, settings, who, email, password, staff_session=True
        )
    except TemporaryPasswordExpired:
        message = _(
            "This temporary password was set %(days)s days ago or more and no longer signs in. "
            "Ask an administrator to set a new one."
        ) % {"days": settings.temporary_password_days}
        return _login_form(request, kept, {"form": message}, 401)
    except Unauthorized:
        return _login_form(
            request, kept, {"form": _("Wrong email or password, or the account is deactivated.")}, 401
        )
    except TooManyRequests as exc:
        wait = throttle.too_many_sign_ins(int(exc.headers.get("Retry-After", "1")))
        return _login_form(request, kept, {"form": wait}, 429, exc.headers)
    except ServiceBusy as exc:
        message = _("The service is busy. Try again in a moment.")
        return _login_form(request, kept, {"form": message}, 503, exc.headers)
    response = redirect(safe_next(values.get("next")), request)
    lifetime = settings.staff_session_max_hours * 3600
    assert issued.csrf_token is not None
    set_cookie(response, request, SESSION_COOKIE, issued.token, max_age=lifetime)
    clear_cookie(response, request, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, db: DbSession, staff: SignedIn) -> Response:
    auth_service.logout(db, staff.actor)
    response = redirect("/staff/login?done=signed-out", request)
    clear_cookie(response, request, SESSION_COOKIE)
    return response


def _password_form(
    request: Request, staff: SignedIn, errors: dict[str, str], after: Any, status: int = 200
) -> HTMLResponse:
    page = StaffPage.of(request, "password", staff)
    return render(
        request,
        page,
        "password.html",
        {"errors": errors, "forced": staff.actor.password_change_required, "next": safe_next(after)},
        status,
    )


def _after_change(after: Any) -> str:
    """The page the change leads on to (My work unless a link named another), saying it is done."""
    path = safe_next(after)
    return f"{path}{'&' if '?' in path else '?'}done=password-changed"


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, staff: SignedIn) -> Response:
    return _password_form(request, staff, {}, request.query_params.get("next"))


@router.post("/password")
def password_submit(
    request: Request,
    prepared: NewPasswordHash,  # before the unit of work: the hash holds no write turn
    verified: CurrentPasswordCheck,  # and neither does the current password's verification
    db: DbSession,
    settings: AppSettings,
    staff: SignedIn,
) -> Response:
    values = form_values(request)
    _ = StaffPage.of(request, "password").gettext
    try:
        body = parse(
            PasswordChange,
            {
                "current_password": values.get("current_password", ""),
                "new_password": values.get("new_password", ""),
            },
        )
        if values.get("confirm_password") != body.new_password:
            raise FormInvalid({"confirm_password": _("The two new passwords are not the same.")})
        own_password.change_own_password(
            db,
            settings,
            staff.actor,
            body.current_password,
            body.new_password,
            prepared=prepared,
            verified=verified,
        )
        if staff.actor.password_change_required:  # their first sign-in (or after a reset)
            preferences.adopt_language(db, staff.actor, StaffPage.of(request, "password").lang)
    except FormInvalid as exc:
        return _password_form(request, staff, exc.errors, values.get("next"), 422)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _password_form(request, staff, refused(db, exc), values.get("next"), 422)
    return redirect(_after_change(values.get("next")), request)
