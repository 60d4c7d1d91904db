"""Entities: the ministries and other institutions that lead and support the work.

Archived, never deleted: recommendations, actions and users keep pointing at them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.audit.service import changed, record, snapshot
from app.auth.schemas import EntityRef
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.etag import check_if_match, etag
from app.core.pagination import CursorOrder, ordered_page
from app.core.row_locks import lock_for_write
from app.core.unique import refuse_duplicates
from app.entities.schemas import EntityCreate, EntityListParams, EntityOut, EntityPage, EntityUpdate
from app.feed.fields import name_order, same_name, searched_form
from app.models import Entity

_ENTITIES = CursorOrder("entities", (str, int))

FIELDS = ("name", "acronym", "kind", "contact_name", "contact_email", "contact_phone", "archived")


def _now() -> datetime:
    return datetime.now(UTC)


def _out(entity: Entity) -> EntityOut:
    return EntityOut.model_validate(entity, from_attributes=True)


def require_entity(session: Session, entity_id: int, field: str) -> Entity:
    """The entity a request body refers to; unknown or archived is invalid input naming ``field``."""
    entity = session.get(Entity, entity_id)
    if entity is None or entity.archived:
        reason = _("no such entity") if entity is None else _("the entity is archived")
        raise InvalidInput(f"{field}: {reason} ({entity_id})", errors=[{"field": field, "reason": reason}])
    return entity


def current_entity_id(session: Session, entity_id: int | None) -> int | None:
    """A focal point's entity while it is current; None once archived (a ministry dissolved or merged):
    their digest and calendar feed then tell them nothing more of its work, as for a focal point with
    no entity. Their account stays, and an admin moves it to the entity that took the work over."""
    if entity_id is None:
        return None
    archived = session.scalar(select(Entity.archived).where(Entity.id == entity_id))
    return None if archived is None or archived else entity_id


def check_responsible(
    session: Session, fields: Mapping[str, Collection[int]], *, keep: Collection[int] = ()
) -> None:
    """The one rule for the entities a request names as responsible (a recommendation's, an action's,
    a cluster's lead): each must exist and not be archived (``keep``: already assigned, may stay), and
    the lead (``lead_entity_id``) must not be among the supporting ones (``supporting_entity_ids``).

    Every refusal in one InvalidInput, each reason naming the entity as the forms list it, by its
    name: the staff pages show these reasons. The field names where the id was sent, and the detail
    adds the id, for an API client that sent several."""
    wanted = {entity_id for ids in fields.values() for entity_id in ids}
    if not wanted:
        return
    rows = session.execute(
        select(Entity.id, Entity.archived, Entity.name).where(Entity.id.in_(sorted(wanted)))
    )
    archived: dict[int, bool] = {}
    names: dict[int, str] = {}
    for entity_id, is_archived, name in rows:
        archived[entity_id], names[entity_id] = is_archived, name
    refused: list[tuple[str, int, Reason]] = []
    for field, ids in fields.items():
        for entity_id in ids:
            if entity_id not in archived:
                refused.append((field, entity_id, Reason(_("entity %(id)s does not exist"), id=entity_id)))
            elif archived[entity_id] and entity_id not in keep:
                reason = Reason(_("%(entity)s is archived"), entity=names[entity_id])
                refused.append((field, entity_id, reason))
    lead = next(iter(fields.get("lead_entity_id", ())), None)
    if lead is not None and lead in archived and lead in fields.get("supporting_entity_ids", ()):
        reason = Reason(_("%(entity)s is the lead; it cannot also be supporting"), entity=names[lead])
        refused.append(("supporting_entity_ids", lead, reason))
    if refused:
        raise InvalidInput(
            "; ".join(
                f"{field}: {reason}" if entity_id not in names else f"{field}: {reason} (entity {entity_id})"
                for field, entity_id, reason in refused
            ),
            errors=[{"field": field, "reason": reason} for field, _id, reason in refused],
        )


def entity_refs(session: Session, ids: Collection[int]) -> dict[int, EntityRef]:
    """Id, name and acronym of each entity, in one query."""
    if not ids:
        return {}
    rows = session.execute(select(Entity.id, Entity.name, Entity.acronym).where(Entity.id.in_(ids)))
    return {row.id: EntityRef(id=row.id, name=row.name, acronym=row.acronym) for row in rows}


def _load(session: Session, entity_id: int) -> Entity:
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"entity {entity_id} does not exist")
    return entity


def _ensure_unique_name(session: Session, name: str, entity_id: int | None = None) -> None:
    """Names are unique whatever their case and accents ("MINISTERE DE L'ECONOMIE" is "Ministère de
    l'Économie", as clusters compare theirs), and whatever the form a name stored before they were
    kept in one form (``one_form``) has: compared in Python, over the few entities a State has."""
    taken = same_name(name, session.scalars(select(Entity.name).where(Entity.id != (entity_id or 0))))
    if taken is not None:
        raise _name_taken(taken)


def _name_taken(taken: str) -> Conflict:
    """The refusal of a name ``taken`` by another entity, named: the one typed may only resemble it."""
    reason = Reason(_("%(reason)s: %(ids)s"), reason=Reason(_("already used by another entity")), ids=taken)
    return Conflict(f"an entity named {taken!r} already exists", errors=[{"field": "name", "reason": reason}])


# Two entities created (or renamed) with one name at once: the second is refused as above.
refuse_duplicates("entities", "name", _name_taken)


def list_entities(session: Session, params: EntityListParams) -> EntityPage:
    """Entities in name order (then id), a keyset page at a time."""
    conditions: list[ColumnElement[bool]] = [Entity.archived == params.archived]
    if params.kind:
        conditions.append(Entity.kind == params.kind)
    # Alphabetical order is Python's (see ordered_page): a State has a few hundred entities at most.
    found = list(session.scalars(select(Entity).where(*conditions)))
    if params.q and params.q.strip():
        # Part of the name or acronym, accents and case aside as clusters and recommendations are
        # searched ("educacion" finds "Educación"), in Python: the same on SQLite and PostgreSQL.
        part = searched_form(params.q)
        found = [
            entity
            for entity in found
            if part in searched_form(entity.name) or part in searched_form(entity.acronym or "")
        ]
    rows, next_cursor = ordered_page(
        found,
        lambda entity: (entity.name, entity.id),
        name_order,
        params.limit,
        params.cursor,
        order=_ENTITIES,
    )
    return EntityPage(items=[_out(e) for e in rows], next_cursor=next_cursor, total=len(found))


def get_entity(session: Session, entity_id: int) -> tuple[EntityOut, str]:
    entity = _load(session, entity_id)
    return _out(entity), etag(entity.version)


def create_entity(session: Session, actor: Actor, data: EntityCreate) -> tuple[EntityOut, str]:
    _ensure_unique_name(session, data.name)
    now = _now()
    entity = Entity(**data.model_dump(), archived=False, created_at=now, updated_at=now)
    session.add(entity)
    session.flush()
    record(session, actor, "entity.create", "entity", entity.id, after=snapshot(entity, FIELDS))
    return _out(entity), etag(entity.version)


def update_entity(
    session: Session, actor: Actor, entity_id: int, data: EntityUpdate, if_match: str | None
) -> tuple[EntityOut, str]:
    """Change the fields sent; ``archived`` archives or restores the entity."""
    entity = _load(session, entity_id)
    lock_for_write(session, entity)
    check_if_match(if_match, etag(entity.version))
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes:
        _ensure_unique_name(session, changes["name"], entity.id)
    before = snapshot(entity, FIELDS)
    for name, value in changes.items():
        setattr(entity, name, value)
    old, new = changed(before, snapshot(entity, FIELDS))
    if not new:
        return _out(entity), etag(entity.version)
    now = _now()
    entity.updated_at = now
    if "archived" in new:
        entity.archived_at = now if entity.archived else None
    session.flush()
    record(session, actor, "entity.update", "entity", entity.id, before=old, after=new)
    return _out(entity), etag(entity.version)
