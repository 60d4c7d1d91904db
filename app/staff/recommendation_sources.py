"""Linking and unlinking sources from a recommendation's staff page: POST
/staff/recommendations/{id}/sources/link and .../unlink, and settling the work a linked copy still
holds: .../sources/settle on the copy's page.

The page's "Sources" section lists the recommendation's records in every source (UHRI, UPR Info,
manual copies; docs/sources.md). A coordinator or admin links a copy by its number (the copy is then
listed under this record, and its work comes with it) or unlinks one, with the API's own services
(``app.recommendations.sources.link`` and ``unlink``: audited; an unlinked pair is never linked
again automatically). A refused link shows the page again with the reason beside the number typed.
Settling removes one record's work of a kind (``sources.settle``): asked once more first, on a page of
its own (GET .../sources/settle?kind=...&keep=...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.auth.service import StaffSession
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, InvalidInput
from app.recommendations import sources
from app.recommendations.carry import MEMBERSHIP_KINDS
from app.recommendations.write_schemas import SettleWork
from app.staff.forms import FormInvalid, form_values, parse, refused, row_id
from app.staff.labels import WORK_LABELS
from app.staff.pages import NOTICES, StaffPage, _, confirm_page, is_confirmed, redirect, staff_router
from app.staff.recommendation_detail import detail_url, staff_page
from app.staff.session import ManagerSession

router = staff_router()

NOTICES["source-unlinked"] = _("The records are unlinked: each is listed on its own again.")
NOTICES["copy-work-settled"] = _("Settled: the leading record shows the work you kept.")
NOTICES["source-linked"] = _(
    "The records are linked: the copy is listed under this record, and its work where this record had none."
)


def _other_id(raw: object, reason: str) -> int:
    """The other record's number as sent ("123", or "#123" as a page shows it); refused on
    ``other_id`` with ``reason`` otherwise."""
    number = row_id(raw.strip().lstrip("#") if isinstance(raw, str) else None)
    if number is None:
        raise InvalidInput(f"other_id: {reason}", errors=[{"field": "other_id", "reason": reason}])
    return number


@router.post("/recommendations/{recommendation_id}/sources/link")
def link_source(request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId) -> Response:
    values = form_values(request)
    typed = values.get("other_id")
    try:
        number = _("the number of a recommendation, as its page shows it under Sources (#123)")
        other_id = _other_id(typed, number)
        linked = sources.link(db, staff.actor, recommendation_id, other_id)
    except DomainError as exc:
        if exc.status not in (404, 409, 422) or not any(e.get("field") == "other_id" for e in exc.errors):
            raise
        errors = refused(db, exc)
        kept = {"other_id": typed if isinstance(typed, str) else ""}
        return staff_page(request, db, staff, recommendation_id, errors=errors, status=422, source_typed=kept)
    # The page of the record the pair is listed under (a UHRI record typed on its copy's page leads).
    return redirect(f"{detail_url(linked.recommendation_id)}?done=source-linked#sources", request)


@router.post("/recommendations/{recommendation_id}/sources/unlink")
def unlink_source(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = form_values(request)
    other_id = _other_id(values.get("other_id"), _("the id of a linked record"))
    sources.unlink(db, staff.actor, recommendation_id, other_id)
    return redirect(f"{detail_url(recommendation_id)}?done=source-unlinked#sources", request)


def _settle_body(values: Mapping[str, Any]) -> SettleWork:
    try:  # the page's buttons send valid values: anything else was not sent by it
        return parse(SettleWork, {"kind": values.get("kind"), "keep": values.get("keep")})
    except FormInvalid as exc:
        errors = [{"field": field, "reason": reason} for field, reason in exc.errors.items()]
        raise InvalidInput(f"{', '.join(exc.errors)}: not one of the page's choices", errors=errors) from None


def _settle_url(recommendation_id: int) -> str:
    return f"/staff/recommendations/{recommendation_id}/sources/settle"


@router.post("/recommendations/{recommendation_id}/sources/settle")
def settle_copy_work(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    """On a linked copy's page: keep the leading record's work of a kind (the copy's is removed) or
    take the copy's (the record's is removed). Clusters and actions only move, without asking; the
    rest is asked once more on a page of its own (a GET, so that Back after settling never sends
    the form again)."""
    values = form_values(request)
    body = _settle_body(values)
    leader = sources.leader_of(db, recommendation_id)
    if body.kind not in MEMBERSHIP_KINDS and leader is not None and not is_confirmed(values):
        query = urlencode({"kind": body.kind, "keep": body.keep})
        return redirect(f"{_settle_url(recommendation_id)}?{query}", request)
    sources.settle(db, staff.actor, recommendation_id, body.kind, body.keep)  # refuses a record no copy
    return redirect(f"{detail_url(recommendation_id)}?done=copy-work-settled#sources", request)


@router.get("/recommendations/{recommendation_id}/sources/settle", response_class=HTMLResponse)
def ask_to_settle_copy_work(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    """The question, for work that removes something; work settled meanwhile (Back after settling
    it), or a record no longer a copy, leads to the record's page."""
    body = _settle_body(request.query_params)
    leader = sources.leader_of(db, recommendation_id)
    if (
        leader is None
        or body.kind in MEMBERSHIP_KINDS
        or body.kind not in sources.held_by(db, recommendation_id)
    ):
        return redirect(f"{detail_url(recommendation_id)}#sources")
    return _confirm_settle(request, staff, recommendation_id, leader, body)


def _confirm_settle(
    request: Request, staff: StaffSession, recommendation_id: int, leader: int, body: SettleWork
) -> Response:
    """Removing one record's work is asked once more, naming both records and the kind of work."""
    page = StaffPage.of(request, "recommendations", staff)
    names = {
        "what": page.gettext(WORK_LABELS[body.kind]),
        "copy": f"#{recommendation_id}",
        "leader": f"#{leader}",
    }
    if body.keep == "record":
        question = page.gettext(_("Keep the leading record's and remove this copy's?"))
        consequence = _(
            "%(what)s: recommendation %(leader)s keeps its own, and the copy %(copy)s's is removed."
        )
        yes = page.gettext(_("Yes, remove this copy's"))
    else:
        question = page.gettext(_("Take this copy's in place of the leading record's?"))
        consequence = _(
            "%(what)s: recommendation %(leader)s's is removed, and the copy %(copy)s's takes its place."
        )
        yes = page.gettext(_("Yes, replace the leading record's"))
    return confirm_page(
        request,
        page,
        question=question,
        consequence=" ".join(
            (
                page.gettext(consequence) % names,
                page.gettext(_("What is removed cannot be brought back.")),
            )
        ),
        action=_settle_url(recommendation_id),
        yes=yes,
        cancel=f"{detail_url(recommendation_id)}#copy-work",
        hidden={"kind": body.kind, "keep": body.keep},
    )
