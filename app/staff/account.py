"""One's own account settings in the workspace: the reminder digest (how often, which language).

The form calls the API's service (``app.notify.preferences``): the same choices, the same audit event.
"""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession
from app.core.errors import DomainError
from app.notify import preferences
from app.notify.schemas import ReminderSettings
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import SignedIn

router = staff_router()

NOTICES["reminders-saved"] = _("Your reminder settings are saved.")


def _form(
    request: Request, staff: SignedIn, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    page = StaffPage.of(request, "account", staff)
    context = {"values": values, "errors": errors, "sends_mail": sends_mail(request)}
    return render(request, page, "account.html", context, status)


def sends_mail(request: Request) -> bool:
    """Whether this server sends the digests at all: without a mail server (NRTD_SMTP_HOST empty) they
    are built into the outbox and never sent (app.notify.service), so no page may promise an e-mail."""
    return bool(request.app.state.settings.smtp_host)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, db: DbSession, staff: SignedIn) -> Response:
    current = preferences.reminder_settings(db, staff.actor)
    return _form(request, staff, current.model_dump(), {})


@router.post("/account")
def account_submit(request: Request, db: DbSession, staff: SignedIn) -> Response:
    values = form_values(request)
    kept = {name: str(values.get(name, "")) for name in ("digest", "language")}
    try:
        preferences.change_reminder_settings(db, staff.actor, parse(ReminderSettings, kept))
    except FormInvalid as exc:
        return _form(request, staff, kept, exc.errors, 422)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _form(request, staff, kept, refused(db, exc), 422)
    return redirect("/staff/account?done=reminders-saved", request)
