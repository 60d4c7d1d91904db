"""One action in the staff workspace: /staff/actions/{id}.

The page shows what ``GET /api/v1/actions/{id}`` answers (dates, status, budget, entities, links,
SDGs, indicators with their latest value) and the action's progress updates. Its forms are PATCH's:
the edit form (every field for coordinators and admins; for a focal point of the action's entities
the fields the API lets them change, ``service.FOCAL_POINT_FIELDS``), publishing, and adding or
removing linked recommendations. The ETag travels in a hidden field; when someone else saved first
the conflict page says who, and nothing is overwritten. Whose action it is, is the service's call
(``ensure_own_action``): a focal point of another entity is refused by it, with the refusal audited.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.plans.actions import service
from app.plans.actions.schemas import ActionDetail, ActionPatch
from app.plans.actions.store import ensure_own_action, load_action, may_work_on
from app.plans.progress import service as progress_service
from app.staff import action_form as form
from app.staff.actions import CREATE_FIELDS, statuses
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, refused, whole_number
from app.staff.labels import ACTION_FIELD_LABELS, PROGRESS_STATE_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession, StaffMember
from app.taxonomies.service import sdg_titles
from app.users.service import display_names

router = staff_router()

NOTICES["action-published"] = _("The action is published.")
NOTICES["action-unpublished"] = _("The action is no longer published.")
NOTICES["action-recommendations-added"] = _("The recommendations are linked to the action.")
NOTICES["action-recommendations-none-added"] = _(
    "Nothing new is linked: every recommendation typed was already linked to the action."
)
NOTICES["action-recommendations-removed"] = _("The recommendations are no longer linked to the action.")

# The edit form's fields: a coordinator's (recommendations have their own forms), a focal point's.
MANAGER_FIELDS = tuple(name for name in CREATE_FIELDS if name != form.RECOMMENDATIONS)
FOCAL_POINT_FIELDS = tuple(name for name in MANAGER_FIELDS if name in service.FOCAL_POINT_FIELDS)
ADD_FIELD = "add"


def _url(action_id: int) -> str:
    return f"/staff/actions/{action_id}"


def _linked(detail: ActionDetail) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    entities = [detail.lead_entity] if detail.lead_entity else []
    return (
        [(ref.id, ref.name) for ref in [*entities, *detail.supporting_entities]],
        [(ref.id, ref.name) for ref in detail.clusters],
    )


def action_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    action_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    detail, tag = service.get_action(db, staff.actor, action_id)
    page = StaffPage.of(request, "actions", staff)
    manager = staff.actor.is_manager
    may_edit = may_work_on(db, staff.actor, action_id)
    # An action's updates are read by those who may work on it (GET /actions/{id}/progress is 403 to
    # a focal point of another entity): the others do not get their list, dates, states and authors.
    progress = progress_service.list_progress(db, action_id, staff.actor).items if may_edit else []
    entities, clusters = _linked(detail)
    # The recommendations it serves through its clusters (not archived), as the clusters list them
    # (those linked to it as well are named once, among its own).
    through = {each.cluster_id: each.recommendation_ids for each in detail.recommendations_through_clusters}
    linked = {ref.id for ref in detail.recommendations}
    others = {c.id: [i for i in through.get(c.id, []) if i not in linked] for c in detail.clusters}
    context = {
        "action": detail,
        "through_clusters": [
            (cluster, service.recommendation_refs(db, others[cluster.id]))
            for cluster in detail.clusters
            if others[cluster.id]
        ],
        "etag": form.listed(values, ETAG_FIELD)[-1] if values and values.get(ETAG_FIELD) else tag,
        "values": {**form.stored(detail, page.numbers), **(values or {})},
        "errors": errors or {},
        "labels": {name: page.gettext(label) for name, label in ACTION_FIELD_LABELS.items()},
        "statuses": statuses(page),
        # The SDGs in the page's language (the API gives their English titles).
        "sdg_titles": sdg_titles(page.lang),
        "states": {state: page.gettext(label) for state, label in PROGRESS_STATE_LABELS.items()},
        "manager": manager,
        "may_edit": may_edit,
        "editable": (MANAGER_FIELDS if manager else FOCAL_POINT_FIELDS) if may_edit else (),
        "entities": form.entity_options(db, entities) if manager else [],
        "clusters": form.cluster_options(db, clusters) if manager else [],
        "progress": progress,
        "authors": display_names(db, [update.author_id for update in progress]),
    }
    return render(request, page, "actions/detail.html", context, status)


@router.get("/actions/{action_id}", response_class=HTMLResponse)
def action_detail(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    return action_page(request, db, staff, action_id)


def _conflict(
    request: Request, db: Session, staff: StaffSession, action_id: int, values: dict[str, Any]
) -> HTMLResponse:
    db.rollback()
    gettext = StaffPage.of(request, "actions", staff).gettext
    entities = dict(form.entity_options(db))
    clusters = dict(form.cluster_options(db))
    typed = form.for_conflict(values, entities, clusters, gettext)
    if isinstance(values.get(ADD_FIELD), str) and values[ADD_FIELD].strip():
        typed[gettext(ACTION_FIELD_LABELS[form.RECOMMENDATIONS])] = values[ADD_FIELD]
    return conflict_page(
        request,
        db,
        staff,
        object_type="action",
        object_id=action_id,
        reload_url=_url(action_id),
        typed=typed,
        labels=ACTION_FIELD_LABELS,
    )


def _patch(
    request: Request,
    db: Session,
    staff: StaffSession,
    action_id: int,
    values: dict[str, Any],
    data: dict[str, Any],
    shown: dict[str, Any] | None = None,
) -> Response | None:
    """PATCH ``data`` with the form's ETag; the page again (refused) or the conflict page, or None."""
    etag = form.listed(values, ETAG_FIELD)
    try:
        body = form.parse_action(ActionPatch, data)
        service.update_action(db, staff.actor, action_id, body, etag[-1] if etag else None)
    except FormInvalid as exc:
        return action_page(request, db, staff, action_id, values=shown, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, action_id, values)
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = refused(db, exc)
        return action_page(request, db, staff, action_id, values=shown, errors=errors, status=422)
    return None


@router.post("/actions/{action_id}")
def edit_action(request: Request, db: DbSession, staff: StaffMember, action_id: RowId) -> Response:
    # Whose action it is first (the service's rule, its refusal audited), then what was typed.
    ensure_own_action(db, staff.actor, load_action(db, action_id))
    values = form_values(request)
    page = StaffPage.of(request, "actions", staff)
    fields = MANAGER_FIELDS if staff.actor.is_manager else FOCAL_POINT_FIELDS
    shown = {**form.typed(values), ETAG_FIELD: values.get(ETAG_FIELD, "")}
    try:
        check = partial(service.check_patch, db, staff.actor, action_id)
        body = form.checked(db, values, fields, page, ActionPatch, check)
    except FormInvalid as exc:
        return action_page(request, db, staff, action_id, values=shown, errors=exc.errors, status=422)
    refusal = _patch(request, db, staff, action_id, values, body.model_dump(exclude_unset=True), shown)
    return refusal or redirect(_url(action_id) + "?done=saved", request)


@router.post("/actions/{action_id}/publish")
def publish_action(request: Request, db: DbSession, staff: ManagerSession, action_id: RowId) -> Response:
    values = form_values(request)
    published = values.get("published")
    refusal = _patch(request, db, staff, action_id, values, {"published": published})
    done = "action-published" if published == "true" else "action-unpublished"
    return refusal or redirect(f"{_url(action_id)}?done={done}", request)


@router.post("/actions/{action_id}/recommendations/add")
def add_recommendations(request: Request, db: DbSession, staff: ManagerSession, action_id: RowId) -> Response:
    """Ids or document symbols typed in one box, added to the linked recommendations."""
    values = form_values(request)
    page = StaffPage.of(request, "actions", staff)
    typed = values.get(ADD_FIELD) if isinstance(values.get(ADD_FIELD), str) else ""
    shown = {ADD_FIELD: typed, ETAG_FIELD: values.get(ETAG_FIELD, "")}
    try:
        added = form.body(db, {form.RECOMMENDATIONS: typed}, [form.RECOMMENDATIONS], page)
        if not added[form.RECOMMENDATIONS]:
            raise FormInvalid({form.RECOMMENDATIONS: page.gettext("Type an id or a document symbol.")})
    except FormInvalid as exc:
        return action_page(request, db, staff, action_id, values=shown, errors=exc.errors, status=422)
    current, _tag = service.get_action(db, staff.actor, action_id)
    if set(added[form.RECOMMENDATIONS]) <= set(current.recommendation_ids):
        # All linked already: saying they were added would read as if something changed.
        return redirect(f"{_url(action_id)}?done=action-recommendations-none-added", request)
    data = {form.RECOMMENDATIONS: [*current.recommendation_ids, *added[form.RECOMMENDATIONS]]}
    refusal = _patch(request, db, staff, action_id, values, data, shown)
    return refusal or redirect(f"{_url(action_id)}?done=action-recommendations-added", request)


@router.post("/actions/{action_id}/recommendations/remove")
def remove_recommendations(
    request: Request, db: DbSession, staff: ManagerSession, action_id: RowId
) -> Response:
    """The ticked recommendations (or a row's own button) unlinked from the action."""
    values = form_values(request)
    gettext = StaffPage.of(request, "actions", staff).gettext
    chosen = form.listed(values, "one") or form.listed(values, "ids")
    if not chosen or not all(whole_number(value) for value in chosen):
        # Named on the boxes to tick, not on the box that links others (where it stood).
        errors = {"ids": gettext("Select at least one recommendation.")}
        return action_page(request, db, staff, action_id, errors=errors, status=422)
    current, _tag = service.get_action(db, staff.actor, action_id)
    removed = {int(value) for value in chosen}
    data = {form.RECOMMENDATIONS: [i for i in current.recommendation_ids if i not in removed]}
    refusal = _patch(request, db, staff, action_id, values, data)
    return refusal or redirect(f"{_url(action_id)}?done=action-recommendations-removed", request)
