"""Entities (coordinators and admins, like the API's writes): the list, creating one, editing its name,
acronym, kind and contacts, archiving and restoring. Every change goes through app/entities/service.py
(unique names, the ETag check, audit events)."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession, RowId
from app.core.errors import DomainError, PreconditionFailed
from app.entities import service
from app.entities.schemas import EntityCreate, EntityListParams, EntityOut, EntityUpdate
from app.staff import once
from app.staff.admin.listing import blank_to_none, listed
from app.staff.conflicts import ETAG_FIELD, conflict_page
from app.staff.forms import FormInvalid, form_values, parse, refused
from app.staff.labels import ENTITY_FIELD_LABELS, ENTITY_KIND_LABELS
from app.staff.pages import NOTICES, StaffPage, _, redirect, render, staff_router
from app.staff.session import ManagerSession

router = staff_router()

NOTICES.update(
    {
        "entity-created": _("The entity is created."),
        "entity-archived": _("The entity is archived: it is kept, and no longer offered in forms."),
        "entity-restored": _("The entity is restored."),
    }
)

LIST_FILTERS = ("kind", "archived", "q", "limit", "cursor")
FIELDS = ("name", "acronym", "kind", "contact_name", "contact_email", "contact_phone")


@router.get("/entities", response_class=HTMLResponse)
def entities_list(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    page = StaffPage.of(request, "entities", staff)
    result, errors, filters = listed(
        request, db, EntityListParams, LIST_FILTERS, lambda params: service.list_entities(db, params)
    )
    context = {"result": result, "errors": errors, "filters": filters}
    return render(request, page, "admin/entities.html", context, 200 if result else 422)


def _form(
    request: Request,
    staff: ManagerSession,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
    entity: EntityOut | None = None,
    etag: str = "",
) -> HTMLResponse:
    page = StaffPage.of(request, "entities", staff)
    context = {"values": values, "errors": errors, "entity": entity, "etag": etag}
    return render(request, page, "admin/entity.html", context, status)


def _typed(request: Request, values: dict[str, Any]) -> dict[str, Any]:
    """What the edit form's boxes held, as the form words it (the archive button typed nothing)."""
    typed = {name: values[name] for name in FIELDS if name in values}
    if typed.get("kind") in ENTITY_KIND_LABELS:
        typed["kind"] = StaffPage.of(request, "entities").gettext(ENTITY_KIND_LABELS[typed["kind"]])
    return typed


@router.get("/entities/new", response_class=HTMLResponse)
def entity_new(request: Request, staff: ManagerSession) -> Response:
    return _form(request, staff, {}, {})


@router.post("/entities")
def entity_create(request: Request, db: DbSession, staff: ManagerSession) -> Response:
    values = form_values(request)
    if (earlier := once.sent_before(db, staff, values)) is not None:
        return redirect(earlier, request)
    try:
        created, _tag = service.create_entity(
            db, staff.actor, parse(EntityCreate, blank_to_none(values, FIELDS))
        )
    except FormInvalid as exc:
        return _form(request, staff, values, exc.errors, 422)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return _form(request, staff, values, refused(db, exc), exc.status)
    return once.settle(
        db, staff, values, redirect(f"/staff/entities/{created.id}?done=entity-created", request)
    )


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, db: DbSession, staff: ManagerSession, entity_id: RowId) -> Response:
    entity, tag = service.get_entity(db, entity_id)
    values = {name: getattr(entity, name) or "" for name in FIELDS}
    return _form(request, staff, values, {}, entity=entity, etag=tag)


def _update(
    request: Request, db: DbSession, staff: ManagerSession, entity_id: int, fields: dict[str, Any], done: str
) -> Response:
    values = form_values(request)
    entity, tag = service.get_entity(db, entity_id)  # 404 before anything else
    sent = str(values.get(ETAG_FIELD) or "")
    try:
        service.update_entity(db, staff.actor, entity_id, parse(EntityUpdate, fields), sent or None)
    except FormInvalid as exc:
        errors = exc.errors
        status = 422
    except PreconditionFailed:
        return conflict_page(
            request,
            db,
            staff,
            object_type="entity",
            object_id=entity_id,
            reload_url=f"/staff/entities/{entity_id}",
            typed=_typed(request, values),
            labels=ENTITY_FIELD_LABELS,
        )
    except DomainError as exc:
        if exc.status not in (409, 422, 428):
            raise
        errors, status = refused(db, exc), exc.status
    else:
        return redirect(f"/staff/entities/{entity_id}?done={done}", request)
    shown = {name: getattr(entity, name) or "" for name in FIELDS} | {
        name: values.get(name, "") for name in FIELDS if name in values
    }
    return _form(request, staff, shown, errors, status, entity=entity, etag=sent or tag)


@router.post("/entities/{entity_id}")
def entity_update(request: Request, db: DbSession, staff: ManagerSession, entity_id: RowId) -> Response:
    values = form_values(request)
    return _update(request, db, staff, entity_id, blank_to_none(values, FIELDS), "saved")


@router.post("/entities/{entity_id}/archive")
def entity_archive(request: Request, db: DbSession, staff: ManagerSession, entity_id: RowId) -> Response:
    values = form_values(request)
    archived = values.get("archived")
    if archived not in ("true", "false"):
        archived = "true"
    done = "entity-archived" if archived == "true" else "entity-restored"
    return _update(request, db, staff, entity_id, {"archived": archived}, done)
