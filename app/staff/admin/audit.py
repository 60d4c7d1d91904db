"""The audit log (coordinators and admins, like the API): every event newest first, with the API's
filters (actor, action, object, period, request) and keyset pages, read by app/audit/queries.py."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.audit import queries
from app.audit.schemas import AuditListParams
from app.core.actor import ADMIN
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
# Objects with a page of their own in the administration area, and who may open it: a coordinator reads
# the log but not the users' pages (a link there was a 403).
OBJECT_PAGES = {"user": "/staff/users/{}", "entity": "/staff/entities/{}"}
ADMIN_ONLY_PAGES = frozenset({"user"})


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
        "object_pages": {
            kind: path
            for kind, path in OBJECT_PAGES.items()
            if kind not in ADMIN_ONLY_PAGES or staff.actor.role == ADMIN
        },
        "shown": shown,
    }
    return render(request, page, "admin/audit.html", context, 200 if result else 422)
