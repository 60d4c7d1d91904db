"""Linking and unlinking sources from a recommendation's staff page: POST
/staff/recommendations/{id}/sources/link and .../unlink.

The page's "Sources" section lists the recommendation's records in every source (UHRI, UPR Info,
manual copies; docs/sources.md). A coordinator or admin links a copy by its number (the copy is then
listed under this record, and its work comes with it) or unlinks one, with the API's own services
(``app.recommendations.sources.link`` and ``unlink``: audited; an unlinked pair is never linked
again automatically). A refused link shows the page again with the reason beside the number typed.
"""

from __future__ import annotations

from fastapi import Request, Response

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, InvalidInput
from app.recommendations import sources
from app.staff.forms import form_values, refused
from app.staff.pages import NOTICES, _, redirect, staff_router
from app.staff.recommendation_detail import detail_url, staff_page
from app.staff.session import ManagerSession

router = staff_router()

NOTICES["source-unlinked"] = _("The records are unlinked: each is listed on its own again.")
NOTICES["source-linked"] = _(
    "The records are linked: the copy is listed under this record, and its work where this record had none."
)


def _other_id(raw: object, reason: str) -> int:
    """The other record's number as sent ("123", or "#123" as a page shows it); refused on
    ``other_id`` with ``reason`` otherwise."""
    number = raw.strip().lstrip("#") if isinstance(raw, str) else ""
    if not number.isdigit() or not 0 < int(number) < 2**31:
        raise InvalidInput(f"other_id: {reason}", errors=[{"field": "other_id", "reason": reason}])
    return int(number)


@router.post("/recommendations/{recommendation_id}/sources/link")
async def link_source(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = await form_values(request)
    typed = values.get("other_id")
    try:
        number = _("the number of a recommendation, as its page shows it under Sources (#123)")
        other_id = _other_id(typed, number)
        sources.link(db, staff.actor, recommendation_id, other_id)
    except DomainError as exc:
        if exc.status not in (404, 409, 422) or not any(e.get("field") == "other_id" for e in exc.errors):
            raise
        errors = refused(db, exc)
        kept = {"other_id": typed if isinstance(typed, str) else ""}
        return staff_page(request, db, staff, recommendation_id, errors=errors, status=422, source_typed=kept)
    return redirect(f"{detail_url(recommendation_id)}?done=source-linked#sources", request)


@router.post("/recommendations/{recommendation_id}/sources/unlink")
async def unlink_source(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = await form_values(request)
    other_id = _other_id(values.get("other_id"), _("the id of a linked record"))
    sources.unlink(db, staff.actor, recommendation_id, other_id)
    return redirect(f"{detail_url(recommendation_id)}?done=source-unlinked#sources", request)
