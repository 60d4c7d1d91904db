"""Editing conflicts in the browser: the ETag round trip is a hidden field, and when someone else saved
first (the service answers 412) the page says who changed what and when, keeps nothing half-written,
and offers the latest version, never overwriting silently."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.audit import queries as audit_queries
from app.audit.schemas import AuditListParams
from app.auth.service import StaffSession
from app.staff.pages import StaffPage, render

ETAG_FIELD = "etag"


def conflict_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    *,
    object_type: str,
    object_id: int,
    reload_url: str,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    """412: what the other person's last change was (from the audit trail), what this user typed (so
    it can be copied), and a link to the latest version. The request's own writes are rolled back."""
    db.rollback()
    latest = audit_queries.list_events(
        db, AuditListParams(object_type=object_type, object_id=object_id, limit=1)
    ).items
    page = StaffPage.of(request, "", staff)
    context = {
        "change": latest[0] if latest else None,
        "reload_url": reload_url,
        "typed": {
            key: value for key, value in (typed or {}).items() if key not in ("csrf_token", ETAG_FIELD)
        },
    }
    return render(request, page, "conflict.html", context, status=412)
