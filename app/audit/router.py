"""HTTP layer of the audit trail (read only; coordinators and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import queries
from app.audit.schemas import AuditListParams, AuditPage
from app.auth.deps import Manager
from app.core.deps import DbSession

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get(
    "",
    summary="Audit events, newest first; an object's history is object_type + object_id",
)
def list_audit_events(
    db: DbSession, actor: Manager, params: Annotated[AuditListParams, Query()]
) -> AuditPage:
    return queries.list_events(db, params)
