"""Who is signed in to the staff workspace, and the CSRF check of every unsafe request.

The session cookie (``nrtd_staff``) carries the secret of an ``auth_tokens`` row of kind ``session``:
HttpOnly, SameSite=Lax, scoped to /staff/ (so the browser never sends it to /api/v1), Secure over
HTTPS. Every POST under /staff/ must carry the session's ``csrf_token`` (a form field, or the
``X-CSRF-Token`` header for htmx); the sign-in form, which has no session yet, uses a double-submit
token in its own short-lived cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from anyio import from_thread
from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from app.auth import service as auth_service
from app.auth.deps import anonymous
from app.auth.permissions import ensure_role, ensure_writes_allowed
from app.auth.service import StaffSession
from app.core.actor import ADMIN, EVERYONE, MANAGERS, STAFF
from app.core.catalogue import marked as _
from app.core.config import Settings
from app.core.deps import SAFE_METHODS, DbSession, get_db
from app.core.errors import DomainError, Forbidden, Unauthorized
from app.web.i18n import asked_language

SESSION_COOKIE = "nrtd_staff"
LOGIN_CSRF_COOKIE = "nrtd_staff_login"
COOKIE_PATH = "/staff/"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PASSWORD_PATH = "/staff/password"  # noqa: S105 (a page, not a password)
# Pages an account that must choose a new password may still open.
PASSWORD_CHANGE_PAGES = frozenset({PASSWORD_PATH, "/staff/logout"})


class SignInRequired(DomainError):
    """No valid session: the page answers with a redirect to the sign-in form, which says why."""

    status = 401
    problem = "unauthorized"
    title = "Sign-in required"


class StaleFormToken(Forbidden):
    """An unsafe request without this session's CSRF token: most often a page opened before signing
    in again, whose form still holds the old session's token (its page shows what was typed in it)."""


class PasswordChangeRequired(DomainError):
    status = 303
    problem = "password-change-required"
    title = "Choose a new password"


def secure_cookies(request: Request, settings: Settings) -> bool:
    if settings.staff_cookie_secure == "auto":
        return request.url.scheme == "https"
    return settings.staff_cookie_secure == "always"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, settings),
    )


def clear_cookie(response: Response, request: Request, name: str) -> None:
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        name, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure_cookies(request, settings)
    )


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


async def _sent_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # Starlette keeps it: the route reads the same form again
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


def same_token(sent: str, expected: str | None) -> bool:
    return bool(sent) and expected is not None and hmac.compare_digest(sent.encode(), expected.encode())


async def check_login_csrf(request: Request) -> None:
    """The sign-in form's double-submit token: the hidden field must equal its cookie."""
    if not same_token(await _sent_csrf(request), request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise Forbidden(
            _("the form's security token is missing or expired: reload the sign-in page and try again")
        )


def next_path(request: Request) -> str:
    """Where to come back after signing in: this page, if it is a staff page; for a form sent (a
    button pressed after the session ended: approve, attach a file), the page it was sent from."""
    path = request.url.path
    if request.method not in SAFE_METHODS:
        return form_page(request) or "/staff/"
    if not path.startswith("/staff/"):
        return "/staff/"
    return path + ("?" + request.url.query if request.url.query else "")


def form_page(request: Request) -> str | None:
    """The staff page a form was sent from (its Referer, from this site), without the notice of what
    was done there before (``done``): signing in again does not say it once more."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc not in ("", request.url.netloc) or not referer.path.startswith("/staff/"):
        return None
    if referer.path.startswith("/staff/login"):
        return None
    query = urlencode([(k, v) for k, v in parse_qsl(referer.query, keep_blank_values=True) if k != "done"])
    return referer.path + (f"?{query}" if query else "")


def password_url(request: Request) -> str:
    """The forced password change, then on to this page: the page a link named stays the one the new
    user reaches once their password is theirs."""
    after = next_path(request)
    return PASSWORD_PATH if after == "/staff/" else f"{PASSWORD_PATH}?next={quote(after, safe='/')}"


def login_url(request: Request) -> str:
    """The sign-in page, in the language the page asked for named (a calendar event's link, a link
    a colleague sent): a French reader is not asked to sign in in English. A browser that still sends
    a session cookie had a session that ended (idle, past its lifetime, signed out elsewhere): the
    page says so, rather than showing the form without a word."""
    lang = asked_language(request.query_params.get("lang"))
    in_language = f"&lang={lang}" if lang else ""
    ended = "&done=session-ended" if request.cookies.get(SESSION_COOKIE) else ""
    return "/staff/login?next=" + quote(next_path(request), safe="/") + ended + in_language


def current_session(request: Request, db: DbSession) -> StaffSession:
    """The signed-in user of this request; unsafe requests must also carry the session's CSRF token.
    A plain function, run on a worker thread as the pages' routes are: writing the idle clock waits
    for the token's row while another request of the session holds it, which must never stop the
    event loop (app/staff/forms.py, ``form_values``); the form is read in the loop."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise SignInRequired("sign in to use the staff workspace")
    settings: Settings = request.app.state.settings
    try:
        staff = auth_service.authenticate_session(
            db, secret, anonymous(request), timedelta(minutes=settings.staff_session_idle_minutes)
        )
    except Unauthorized as exc:
        raise SignInRequired(exc.detail) from None
    if request.method not in SAFE_METHODS and not same_token(
        from_thread.run(_sent_csrf, request), staff.csrf_token
    ):
        # A catalogue message, which the error page says in its language.
        raise StaleFormToken(
            _("the form's security token is missing or does not match your session: reload the page")
        )
    if staff.actor.password_change_required and request.url.path not in PASSWORD_CHANGE_PAGES:
        raise PasswordChangeRequired(
            "choose a new password before anything else", headers={"Location": password_url(request)}
        )
    # For an error page this request may end on (a refused role, a row that does not exist): it keeps
    # the workspace's navigation and the sign-out, as every other page.
    request.state.staff_session = staff
    ensure_writes_allowed(staff.actor, request.method, request.url.path)
    return staff


def _signed_in_before_body(
    request: Request, session: Annotated[Session, Depends(get_db, use_cache=False)]
) -> StaffSession:
    """An upload page's first step: a valid session, checked before the body (megabytes, spooled to
    disk) is received, so that nobody signed out has the server take it in. A read that writes
    nothing, in a session of its own; ``current_session`` (the CSRF token, the role) follows. The
    session, for what is decided before the page runs (``app.staff.password_hash``: the role)."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise SignInRequired("sign in to use the staff workspace")
    settings: Settings = request.app.state.settings
    idle = timedelta(minutes=settings.staff_session_idle_minutes)
    try:
        staff = auth_service.authenticate_session(session, secret, anonymous(request), idle, touch=False)
        # For the error page of a body refused while it arrives (over the limit): the workspace's
        # header, signed in, as on every other page.
        request.state.staff_session = staff
        return staff
    except Unauthorized as exc:
        raise SignInRequired(exc.detail) from None
    finally:
        session.close()


# In an upload page's ``dependencies``, which run before its parameters (the form among them).
SignedInBeforeBody = Depends(_signed_in_before_body)


def _with_roles(allowed: frozenset[str], what: str) -> Callable[..., StaffSession]:
    def dependency(staff: Annotated[StaffSession, Depends(current_session)]) -> StaffSession:
        ensure_role(staff.actor, allowed, what)
        return staff

    return dependency


# Who may open a page: its roles, and what a refusal names (``_with_roles``' arguments). The aliases
# below and what is decided before a page runs (``app.staff.password_hash``) name the same one.
Access = tuple[frozenset[str], str]
ANY_PAGE: Access = (EVERYONE, _("this page"))
ADMINISTRATION: Access = (frozenset({ADMIN}), _("administration"))

# The page's parameter type names who may open it, like the API's AnyUser / StaffUser / Manager / AdminUser.
SignedIn = Annotated[StaffSession, Depends(_with_roles(*ANY_PAGE))]
StaffMember = Annotated[StaffSession, Depends(_with_roles(STAFF, _("internal data")))]
ManagerSession = Annotated[StaffSession, Depends(_with_roles(MANAGERS, _("this page")))]
AdminSession = Annotated[StaffSession, Depends(_with_roles(*ADMINISTRATION))]
