"""Actions in the staff workspace: the list with its filters, and creating one.

The list is the API's list (``app.plans.actions.service.list_actions``, its filters and keyset pages);
a focal point opens it on their entity's actions ("my actions": led or supported by it), and may
choose any other filter, as the API lets them read every action. Creating goes through the API's
``create_action`` (coordinators and admins). An action's own page is ``app.staff.action_detail``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.core.actor import FOCAL_POINT
from app.core.catalogue import pgettext
from app.core.deps import DbSession
from app.core.errors import DomainError
from app.core.ids import MAX_ID
from app.entities.service import entity_refs
from app.models.plan import ACTION_STATUSES
from app.plans.actions import service
from app.plans.actions.schemas import ACTION_STATUS_LABELS, ActionCreate, ActionListParams, ActionPage
from app.staff import action_form as form
from app.staff import once
from app.staff.forms import FormInvalid, field_errors, form_values, parse, refused, whole_number
from app.staff.labels import ACTION_FIELD_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.recommendation_filters import Pages
from app.staff.session import ManagerSession, StaffMember

router = staff_router()

NOTICES["action-created"] = _("The action is created.")

ACTIONS_PER_PAGE = 50
LINKED_SHOWN = 20  # actions listed on a recommendation's or a cluster's page
# The list's filter boxes and what the API calls them.
FILTER_LABELS = {
    "q": _("Words in the title"),
    "status": _("Status"),
    "entity": _("Entity"),
    "role": _("Its part"),
    "due_after": _("Due on or after"),
    "due_before": _("Due on or before"),
    "overdue": _("Overdue"),
    "published": pgettext("action", "Published"),
    "cursor": _("Page"),
}
FILTERS = tuple(name for name in FILTER_LABELS if name != "cursor")
# API parameter -> the box that sets it, to name a refusal.
_BOX_OF = {"lead_entity_id": "entity", "entity_id": "entity"}


def _typed_filters(request: Request, staff: StaffSession) -> dict[str, str]:
    """The filter boxes as typed; a focal point who opens the list without any starts on their
    entity's actions ("my actions"). An empty entity box then means every entity."""
    query = request.query_params
    typed = {name: query.get(name, "") for name in FILTERS}
    mine = staff.actor.role == FOCAL_POINT and staff.actor.entity_id is not None
    if mine and "entity" not in query:
        typed["entity"] = str(staff.actor.entity_id)
    return typed


def _params(typed: dict[str, str], cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": ACTIONS_PER_PAGE, "cursor": cursor}
    for name in ("q", "due_after", "due_before", "overdue", "published"):
        if typed[name].strip():
            params[name] = typed[name].strip()
    if typed["status"]:
        params["status"] = [typed["status"]]
    if typed["entity"].strip():
        key = "lead_entity_id" if typed["role"] == "lead" else "entity_id"
        params[key] = typed["entity"].strip()
    return params


def _listing(db: Session, typed: dict[str, str], pages: Pages) -> tuple[ActionPage | None, dict[str, str]]:
    try:
        params = parse(ActionListParams, _params(typed, pages.cursor))
        if params.status:
            typed["status"] = params.status[0]  # as the list read it (``IN_PROGRESS``): chosen in its box
        return service.list_actions(db, params), {}
    except FormInvalid as exc:
        return None, {_BOX_OF.get(name, name): reason for name, reason in exc.errors.items()}
    except DomainError as exc:  # a cursor that was tampered with, an entity that does not exist
        if exc.status != 422:
            raise
        db.rollback()
        return None, {_BOX_OF.get(name, name): reason for name, reason in field_errors(exc).items()}


def linked_actions(
    db: Session, *, recommendation_id: int | None = None, cluster_id: int | None = None
) -> ActionPage:
    """The newest actions linked to a recommendation or a cluster (a short list), and how many there are."""
    params = ActionListParams(recommendation_id=recommendation_id, cluster_id=cluster_id, limit=LINKED_SHOWN)
    return service.list_actions(db, params)


def _filtered_entity(db: Session, typed: dict[str, str], page: StaffPage) -> list[tuple[int, str]]:
    """The entity the list is filtered on, offered even when archived (a focal point's own entity
    archived since), so that its box does not read "Any" and the next "Apply the filters" keeps it."""
    chosen = typed["entity"].strip()
    if not whole_number(chosen) or int(chosen) > MAX_ID:
        return []
    refs = entity_refs(db, [int(chosen)])
    return [(ref.id, f"{ref.name} ({page.gettext('archived')})") for ref in refs.values()]


def _translated(page: StaffPage, labels: dict[str, str]) -> dict[str, str]:
    return {name: page.gettext(label) for name, label in labels.items()}


def statuses(page: StaffPage) -> list[tuple[str, str]]:
    return [(status, page.gettext(ACTION_STATUS_LABELS[status])) for status in ACTION_STATUSES]


@router.get("/actions", response_class=HTMLResponse)
def action_list(request: Request, db: DbSession, staff: StaffMember) -> Response:
    page = StaffPage.of(request, "actions", staff)
    typed = _typed_filters(request, staff)
    pages = Pages(request.query_params.get("cursor"), request.query_params.getlist("prev"))
    result, errors = _listing(db, typed, pages)
    leads = {item.lead_entity_id for item in result.items if item.lead_entity_id} if result else set()
    previous = pages.previous_params()
    context = {
        "typed": typed,
        "errors": errors,
        "labels": _translated(page, FILTER_LABELS),
        "statuses": statuses(page),
        "entities": form.entity_options(db, _filtered_entity(db, typed, page)),
        "result": result,
        "entity_names": {i: ref.name for i, ref in entity_refs(db, leads).items()},
        "mine": staff.actor.entity_id is not None and typed["entity"] == str(staff.actor.entity_id),
        "next_url": page.with_query(**pages.next_params(result.next_cursor))
        if result and result.next_cursor
        else None,
        "previous_url": page.with_query(**previous) if previous is not None else None,
        "first_url": page.with_query(cursor=None, prev=None) if pages.cursor else None,
    }
    return render(request, page, "actions/list.html", context, 422 if errors else 200)


# Creating one -----------------------------------------------------------------------------------

CREATE_FIELDS = (
    "title",
    "description",
    "start_date",
    "due_date",
    "status",
    "budget",
    "lead_entity_id",
    "supporting_entity_ids",
    form.RECOMMENDATIONS,
    "cluster_ids",
    "sdg_targets",
)


def _new_form(
    request: Request, db: Session, staff: StaffSession, values: dict[str, Any], errors: dict[str, str]
) -> HTMLResponse:
    page = StaffPage.of(request, "actions", staff)
    context = {
        "values": values,
        "errors": errors,
        "labels": _translated(page, ACTION_FIELD_LABELS),
        "statuses": statuses(page),
        "entities": form.entity_options(db),
        "clusters": form.cluster_options(db),
    }
    return render(request, page, "actions/new.html", context, 422 if errors else 200)


@router.get("/actions/new", response_class=HTMLResponse)
def new_action(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form.typed({"status": "planned"})
    # "New action for this recommendation / cluster" links prefill the links (and a cluster's lead entity).
    values[form.RECOMMENDATIONS] = request.query_params.get("recommendation", "")
    values["cluster_ids"] = request.query_params.getlist("cluster")
    values["lead_entity_id"] = request.query_params.get("lead_entity", "")
    return _new_form(request, db, staff, values, {})


@router.post("/actions")
def create_action(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    page = StaffPage.of(request, "actions", staff)
    try:
        check = partial(service.check_create, db)
        body = form.checked(db, values, CREATE_FIELDS, page, ActionCreate, check)
        detail, _tag = service.create_action(db, staff.actor, body)
    except FormInvalid as exc:
        return _new_form(request, db, staff, form.typed(values), exc.errors)
    except DomainError as exc:
        if exc.status != 422:
            raise
        return _new_form(request, db, staff, form.typed(values), refused(db, exc))
    return once.settle(
        db, staff, values, redirect(f"/staff/actions/{detail.id}?done=action-created", request)
    )
