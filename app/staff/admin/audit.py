"""The audit log (coordinators and admins, like the API): every event newest first, with the API's
filters (actor, action, object, period, request) and keyset pages, read by app/audit/queries.py."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.audit import queries
from app.audit.schemas import AuditListParams
from app.core.deps import DbSession
from app.staff.admin.listing import listed
from app.staff.pages import StaffPage, render, staff_router
from app.staff.recommendation_view import shown
from app.staff.session import ManagerSession

router = staff_router()

LIST_FILTERS = (
    "actor",
    "actor_user_id",
    "action",
    "object_type",
    "object_id",
    "since",
    "until",
    "request_id",
    "limit",
    "cursor",
)
# Objects with a page of their own in the administration area.
OBJECT_PAGES = {"user": "/staff/users/{}", "entity": "/staff/entities/{}"}


@router.get("/audit", response_class=HTMLResponse)
def audit_log(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    page = StaffPage.of(request, "audit", staff)
    result, errors, filters = listed(
        request, db, AuditListParams, LIST_FILTERS, lambda params: queries.list_events(db, params)
    )
    context = {
        "result": result,
        "errors": errors,
        "filters": filters,
        "object_pages": OBJECT_PAGES,
        "shown": shown,
    }
    return render(request, page, "admin/audit.html", context, 200 if result else 422)
