"""One recommendation in the staff workspace: /staff/recommendations/{id}.

Everyone signed in may open it and sees what the API's GET answers them: staff the whole record,
the reader role the public one (a withdrawn recommendation is the 404 page). Coordinators and admins
edit the local fields with the API's own service (PATCH's ``update_recommendation``), the ETag
travelling in a hidden field: when someone else saved first the conflict page says who, and nothing
is overwritten. A manual recommendation can be archived and restored as the API allows. A status or priority
change is the public's only once published: the page shows both values while they differ, and
the Publish button calls the API's publish service (``publish_recommendation``).
"""

from __future__ import annotations

from typing import Any, cast

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.recommendations import reader_view, service, updates
from app.recommendations.review import latest_import_change
from app.recommendations.schemas import Lang
from app.recommendations.write_schemas import RecommendationUpdate
from app.staff import follow_up_view, labels
from app.staff import recommendation_view as view
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, SignedIn
from app.taxonomies.service import term_names

router = staff_router()

NOTICES["recommendation-archived"] = _("The recommendation is archived.")
NOTICES["recommendation-restored"] = _("The recommendation is restored.")
NOTICES["recommendation-published"] = _("The status and priority are published: the public sees them now.")

BASE = "/staff/recommendations"


def detail_url(recommendation_id: int) -> str:
    return f"{BASE}/{recommendation_id}"


def _labels(page: StaffPage) -> dict[str, str]:
    return {name: labels.field_label(name, page.gettext, page.lang) for name in labels.FIELD_LABELS}


def staff_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    recommendation_id: int,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    follow_up_typed: dict[str, str] | None = None,
    follow_up_errors: dict[str, str] | None = None,
    source_typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page, with what was typed and refused in one of its forms (422) or as stored (200)."""
    page = StaffPage.of(request, "recommendations", staff)
    detail, tag = service.get_recommendation(db, staff.actor, recommendation_id, page.lang)
    follow_up = follow_up_view.gather(
        db, page, recommendation_id, typed=follow_up_typed, errors=follow_up_errors
    )
    errors = {**(errors or {}), **follow_up.errors}
    context = {
        "rec": detail,
        "more": view.gather(db, staff.actor, detail, page.lang),
        "form": form if form is not None else view.form_from(detail, tag),
        "errors": errors,
        "labels": {**_labels(page), **follow_up.labels},
        "follow_up": follow_up,
        "choices": view.choices(page.gettext, page.lang),
        "view": view,
        "etag_field": ETAG_FIELD,
        "term_names": term_names(db, page.lang),
        "source_typed": source_typed or {},
    }
    return render(request, page, "recommendation/detail.html", context, 422 if errors else status)


def _reader_page(request: Request, db: Session, staff: StaffSession, recommendation_id: int) -> HTMLResponse:
    page = StaffPage.of(request, "recommendations", staff)
    public, _tag = reader_view.get_recommendation(db, recommendation_id, cast(Lang, page.lang))
    context = {"rec": public, "labels": _labels(page), "view": view, "term_names": term_names(db, page.lang)}
    return render(request, page, "recommendation/reader.html", context)


@router.get("/recommendations/{recommendation_id}", response_class=HTMLResponse)
def recommendation_page(
    request: Request, db: DbSession, staff: SignedIn, recommendation_id: RowId
) -> Response:
    if reader_view.sees_public_view(staff.actor):
        return _reader_page(request, db, staff, recommendation_id)
    return staff_page(request, db, staff, recommendation_id)


@router.post("/recommendations/{recommendation_id}")
def save_local_fields(
    request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId
) -> Response:
    values = form_values(request)
    page = StaffPage.of(request, "recommendations", staff)
    typed = view.typed_form(values)
    etag = values.get(ETAG_FIELD)
    try:
        body = parse(RecommendationUpdate, view.update_body(values))
        updates.update_recommendation(
            db, staff.actor, recommendation_id, body, etag if isinstance(etag, str) else None, page.lang
        )
    except FormInvalid as exc:
        return staff_page(request, db, staff, recommendation_id, form=typed, errors=exc.errors, status=422)
    except PreconditionFailed:
        return conflict_page(
            request,
            db,
            staff,
            object_type="recommendation",
            object_id=recommendation_id,
            reload_url=detail_url(recommendation_id),
            imported=lambda session: latest_import_change(session, recommendation_id),
            typed=view.typed_for_conflict(db, typed, page.gettext, page.lang),
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = refused(db, exc)
        return staff_page(request, db, staff, recommendation_id, form=typed, errors=errors, status=422)
    return redirect(f"{detail_url(recommendation_id)}?done=saved", request)


@router.post("/recommendations/{recommendation_id}/publish")
def publish(request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId) -> Response:
    values = form_values(request)
    etag = values.get(ETAG_FIELD)
    page = StaffPage.of(request, "recommendations", staff)
    try:
        updates.publish_recommendation(
            db, staff.actor, recommendation_id, etag if isinstance(etag, str) else None, page.lang
        )
    except PreconditionFailed:
        return conflict_page(
            request,
            db,
            staff,
            object_type="recommendation",
            object_id=recommendation_id,
            reload_url=detail_url(recommendation_id),
            imported=lambda session: latest_import_change(session, recommendation_id),
        )
    return redirect(f"{detail_url(recommendation_id)}?done=recommendation-published", request)


def _set_archived(
    request: Request, db: Session, staff: StaffSession, recommendation_id: int, archived: bool
) -> Response:
    updates.set_archived(db, staff.actor, recommendation_id, archived)
    done = "recommendation-archived" if archived else "recommendation-restored"
    return redirect(f"{detail_url(recommendation_id)}?done={done}", request)


@router.post("/recommendations/{recommendation_id}/archive")
def archive(request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId) -> Response:
    return _set_archived(request, db, staff, recommendation_id, True)


@router.post("/recommendations/{recommendation_id}/unarchive")
def unarchive(request: Request, db: DbSession, staff: ManagerSession, recommendation_id: RowId) -> Response:
    return _set_archived(request, db, staff, recommendation_id, False)
