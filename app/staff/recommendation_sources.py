"""Undoing a source link from a recommendation's staff page: POST /staff/recommendations/{id}/sources/unlink.

The page's "Sources" section lists the recommendation's records in every source (UHRI, UPR Info,
manual copies; docs/sources.md). A coordinator or admin unlinks a copy with the API's own service
(``app.recommendations.sources.unlink``: audited, and the pair is never linked again automatically).
"""

from __future__ import annotations

from fastapi import Request, Response

from app.core.deps import DbSession, RowId
from app.core.errors import InvalidInput
from app.recommendations import sources
from app.staff.forms import form_values
from app.staff.pages import NOTICES, _, redirect, staff_router
from app.staff.recommendation_detail import detail_url
from app.staff.session import ManagerSession

router = staff_router()

NOTICES["source-unlinked"] = _("The records are unlinked: each is listed on its own again.")


@router.post("/recommendations/{recommendation_id}/sources/unlink")
async def unlink_source(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = await form_values(request)
    raw = values.get("other_id")
    if not isinstance(raw, str) or not raw.isdigit() or not 0 < int(raw) < 2**31:
        reason = _("the id of a linked record")
        raise InvalidInput(f"other_id: {reason}", errors=[{"field": "other_id", "reason": reason}])
    sources.unlink(db, staff.actor, recommendation_id, int(raw))
    return redirect(f"{detail_url(recommendation_id)}?done=source-unlinked#sources", request)
