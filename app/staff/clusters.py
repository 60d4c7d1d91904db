"""Clusters in the staff workspace: the list, creating one, and a cluster's page (edit, publish,
archive, its recommendations, adding them by id, symbol or words, or from the suggestions).

Every write goes through ``app.clusters.service`` (the API's service: its name, lead-entity and
version checks), every suggestion through ``app.clusters.similarity``. Managers edit; focal points
read what the API lets them read (any cluster, like ``GET /api/v1/clusters``); readers are refused.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.clusters import service
from app.clusters.schemas import (
    ClusterCreate,
    ClusterListParams,
    ClusterOut,
    ClusterUpdate,
    MemberListParams,
    RecommendationIds,
)
from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.staff import cluster_members as members
from app.staff import once
from app.staff.actions import linked_actions
from app.staff.choices import every_entity
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused, whole_number
from app.staff.labels import CLUSTER_FIELD_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.recommendation_filters import Pages
from app.staff.session import ManagerSession, StaffMember

router = staff_router()

NOTICES["cluster-created"] = _("The cluster is created.")
NOTICES["cluster-published"] = _("The cluster is published.")
NOTICES["cluster-unpublished"] = _("The cluster is no longer published.")
NOTICES["cluster-archived"] = _("The cluster is archived.")
NOTICES["cluster-archived-unpublished"] = _(
    "The cluster is archived, and no longer published: it has left the public portal."
)
NOTICES["cluster-unarchived"] = _("The cluster is no longer archived.")

CLUSTERS_PER_PAGE = 50
MEMBERS_PER_PAGE = 50
SUGGESTIONS = 20


def _text(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    return value if isinstance(value, str) else ""


def _ids(values: dict[str, Any], name: str = "ids") -> list[str]:
    value = values.get(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _entity_options(db: DbSession, current: ClusterOut | None = None) -> list[tuple[int, str]]:
    """The current entities a cluster may be led by (and its present lead, even if archived since)."""
    options = every_entity(db)
    lead = current.lead_entity if current else None
    if lead is not None and lead.id not in {option[0] for option in options}:
        options.append((lead.id, lead.name))
    return options


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """The edit form's fields as the API's schema takes them: an empty lead means no lead."""
    return {
        "name": _text(values, "name"),
        "description": _text(values, "description"),
        "lead_entity_id": _text(values, "lead_entity_id").strip() or None,
    }


# The list ---------------------------------------------------------------------------------------


@router.get("/clusters", response_class=HTMLResponse)
def cluster_list(request: Request, db: DbSession, staff: StaffMember) -> Response:
    page = StaffPage.of(request, "clusters", staff)
    query = request.query_params
    values = {"q": query.get("q", ""), "archived": query.get("archived", "")}
    # Where this page sits among the keyset pages, for its "Previous page" (the recommendation list's).
    pages = Pages(query.get("cursor"), query.getlist("prev"))
    errors: dict[str, str] = {}
    try:
        params = parse(
            ClusterListParams,
            {
                "q": values["q"].strip() or None,
                "archived": values["archived"] == "true",
                "cursor": pages.cursor,
                "limit": CLUSTERS_PER_PAGE,
            },
        )
        clusters = service.list_clusters(db, params)
    except FormInvalid as exc:
        errors, clusters = exc.errors, None
    except DomainError as exc:  # a cursor that was tampered with
        if exc.status != 422:
            raise
        errors, clusters = refused(db, exc), None
    previous = pages.previous_params()
    context = {
        "clusters": clusters,
        "values": values,
        "errors": errors,
        "next_url": page.with_query(**pages.next_params(clusters.next_cursor))
        if clusters and clusters.next_cursor
        else None,
        "previous_url": page.with_query(**previous) if previous is not None else None,
        "first_url": page.with_query(cursor=None, prev=None) if pages.cursor else None,
    }
    return render(request, page, "clusters/list.html", context, 422 if errors else 200)


# Creating one -----------------------------------------------------------------------------------


def _new_form(
    request: Request, db: DbSession, staff: ManagerSession, values: dict[str, Any], errors: dict[str, str]
) -> HTMLResponse:
    page = StaffPage.of(request, "clusters", staff)
    context = {"values": values, "errors": errors, "entities": _entity_options(db)}
    status = 200 if not errors else 409 if errors.get("name", "").startswith("already") else 422
    return render(request, page, "clusters/new.html", context, status)


@router.get("/clusters/new", response_class=HTMLResponse)
def new_cluster(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    return _new_form(request, db, staff, {}, {})


@router.post("/clusters")
def create_cluster(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    try:
        body = parse(ClusterCreate, _fields(values))
        cluster, _tag = service.create_cluster(db, staff.actor, body)
    except FormInvalid as exc:
        return _new_form(request, db, staff, values, exc.errors)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _new_form(request, db, staff, values, refused(db, exc))
    return once.settle(
        db, staff, values, redirect(f"/staff/clusters/{cluster.id}?done=cluster-created", request)
    )


# A cluster's page -------------------------------------------------------------------------------


def _counts(request: Request) -> dict[str, int]:
    """What the last membership change did (``?added=2&unchanged=1``), to say so on the page."""
    counts = {}
    for key in ("added", "removed", "unchanged"):
        raw = request.query_params.get(key, "")
        if whole_number(raw) and len(raw) < 6:
            counts[key] = int(raw)
    return counts


def cluster_page(
    request: Request,
    db: DbSession,
    staff: StaffMember,
    cluster_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The cluster, its edit form (for managers) and a page of its recommendations."""
    cluster, tag = service.get_cluster(db, cluster_id)
    page = StaffPage.of(request, "clusters", staff)
    cursor = request.query_params.get("cursor") or None
    try:
        params = parse(MemberListParams, {"limit": MEMBERS_PER_PAGE, "cursor": cursor})
        listed = service.list_members(db, cluster_id, params)
    except (FormInvalid, DomainError):  # a cursor that was tampered with: the first page instead
        db.rollback()
        listed = service.list_members(db, cluster_id, MemberListParams(limit=MEMBERS_PER_PAGE))
        cursor = None
    manager = staff.actor.is_manager
    shown = values or {
        "name": cluster.name,
        "description": cluster.description or "",
        "lead_entity_id": str(cluster.lead_entity.id) if cluster.lead_entity else "",
    }
    context = {
        "cluster": cluster,
        "etag": _text(values, ETAG_FIELD) if values and values.get(ETAG_FIELD) else tag,
        "members": listed,
        "summaries": members.summaries(db, [m.id for m in listed.items], page.lang),
        "first": cursor is None,
        "manager": manager,
        "entities": _entity_options(db, cluster) if manager else [],
        "values": shown,
        "errors": errors or {},
        "counts": _counts(request),
        "actions": linked_actions(db, cluster_id=cluster_id),
    }
    return render(request, page, "clusters/detail.html", context, status)


@router.get("/clusters/{cluster_id}", response_class=HTMLResponse)
def cluster_detail(request: Request, db: DbSession, staff: StaffMember, cluster_id: RowId) -> Response:
    return cluster_page(request, db, staff, cluster_id)


def _url(cluster_id: int) -> str:
    return f"/staff/clusters/{cluster_id}"


def _conflict(
    request: Request, db: DbSession, staff: ManagerSession, cluster_id: int, values: dict[str, Any]
) -> HTMLResponse:
    return conflict_page(
        request,
        db,
        staff,
        object_type="cluster",
        labels=CLUSTER_FIELD_LABELS,
        object_id=cluster_id,
        reload_url=_url(cluster_id),
        # What was typed in the edit form; a button (publish, archive, remove) typed nothing.
        typed={name: values[name] for name in ("name", "description", "lead_entity_id") if name in values},
    )


@router.post("/clusters/{cluster_id}")
def edit_cluster(request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId) -> Response:
    values = form_values(request)
    try:
        body = parse(ClusterUpdate, _fields(values))
        service.update_cluster(db, staff.actor, cluster_id, body, _text(values, ETAG_FIELD))
    except FormInvalid as exc:
        return cluster_page(request, db, staff, cluster_id, values=values, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, cluster_id, values)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        errors = refused(db, exc)
        return cluster_page(request, db, staff, cluster_id, values=values, errors=errors, status=exc.status)
    return redirect(_url(cluster_id) + "?done=saved", request)


def _set_flag(request: Request, db: DbSession, staff: ManagerSession, cluster_id: int, flag: str) -> Response:
    """Publish or unpublish, archive or unarchive: one field of the API's PATCH."""
    values = form_values(request)
    try:
        body = parse(ClusterUpdate, {flag: _text(values, flag)})
        was_published = service.get_cluster(db, cluster_id)[0].published
        changed = service.update_cluster(db, staff.actor, cluster_id, body, _text(values, ETAG_FIELD))[0]
    except FormInvalid as exc:
        return cluster_page(request, db, staff, cluster_id, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, cluster_id, values)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return cluster_page(request, db, staff, cluster_id, errors=refused(db, exc), status=exc.status)
    done = {
        ("published", True): "cluster-published",
        ("published", False): "cluster-unpublished",
        ("archived", True): "cluster-archived",
        ("archived", False): "cluster-unarchived",
    }[(flag, bool(getattr(body, flag)))]
    if flag == "archived" and was_published and not changed.published:
        done = "cluster-archived-unpublished"  # the service withdrew its publication
    return redirect(f"{_url(cluster_id)}?done={done}", request)


@router.post("/clusters/{cluster_id}/publish")
def publish_cluster(request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId) -> Response:
    return _set_flag(request, db, staff, cluster_id, "published")


@router.post("/clusters/{cluster_id}/archive")
def archive_cluster(request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId) -> Response:
    return _set_flag(request, db, staff, cluster_id, "archived")


# Its recommendations ----------------------------------------------------------------------------


def _chosen(request: Request, values: dict[str, Any], name: str = "ids") -> RecommendationIds:
    """The ticked recommendations, as the API's body; FormInvalid on the field ``ids`` otherwise."""
    gettext = StaffPage.of(request, "clusters").gettext
    raw = _ids(values, name)
    if not raw:
        raise FormInvalid({"ids": gettext("Select at least one recommendation.")})
    if not all(whole_number(value) for value in raw):
        raise FormInvalid({"ids": gettext("This is not a recommendation id.")})
    return parse(RecommendationIds, {"ids": [int(value) for value in raw]})


@router.post("/clusters/{cluster_id}/recommendations/remove")
def remove_recommendations(
    request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId
) -> Response:
    values = form_values(request)
    try:
        # A row's own "Remove" button names one recommendation; the bulk button the ticked ones.
        chosen = _chosen(request, values, "one" if values.get("one") else "ids")
        result, _tag = service.remove_members(
            db, staff.actor, cluster_id, chosen.ids, _text(values, ETAG_FIELD)
        )
    except FormInvalid as exc:
        return cluster_page(request, db, staff, cluster_id, errors=exc.errors, status=422)
    except PreconditionFailed:
        return _conflict(request, db, staff, cluster_id, values)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return cluster_page(request, db, staff, cluster_id, errors=refused(db, exc), status=exc.status)
    counts = f"removed={result.removed}&unchanged={result.unchanged}"
    return redirect(f"{_url(cluster_id)}?{counts}", request)


@router.post("/clusters/{cluster_id}/recommendations/add")
def add_recommendations(
    request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId
) -> Response:
    """From the search page or the suggestions page (``source``), which is shown again if refused.

    No If-Match: adding cannot overwrite anything someone else did (the API makes it optional too).
    """
    values = form_values(request)
    try:
        chosen = _chosen(request, values)
        result, _tag = service.add_members(db, staff.actor, cluster_id, chosen.ids, None)
    except (FormInvalid, DomainError) as exc:
        if isinstance(exc, DomainError) and exc.status == 409:
            # Archived meanwhile (by someone else): its page says so, with its Unarchive button.
            return cluster_page(request, db, staff, cluster_id, errors=refused(db, exc), status=409)
        if isinstance(exc, DomainError) and exc.status != 422:
            raise
        errors = exc.errors if isinstance(exc, FormInvalid) else refused(db, exc)
        if _text(values, "source") == "suggestions":
            return members.suggestions_page(
                request, db, staff, cluster_id, _text(values, "from"), errors=errors, status=422
            )
        return members.find_page(request, db, staff, cluster_id, _text(values, "find"), errors, 422)
    counts = f"added={result.added}&unchanged={result.unchanged}"
    return redirect(f"{_url(cluster_id)}?{counts}", request)


@router.get("/clusters/{cluster_id}/add", response_class=HTMLResponse)
def find_recommendations(
    request: Request, db: DbSession, staff: ManagerSession, cluster_id: RowId
) -> Response:
    return members.find_page(request, db, staff, cluster_id, request.query_params.get("find", ""), {})


@router.get("/clusters/{cluster_id}/suggestions", response_class=HTMLResponse)
def suggestions(request: Request, db: DbSession, staff: StaffMember, cluster_id: RowId) -> Response:
    return members.suggestions_page(
        request, db, staff, cluster_id, request.query_params.get("from", ""), limit=SUGGESTIONS
    )
