"""The work queues: progress updates across actions, filtered by state, entity, action, author and
dates, in keyset pages. The coordinators' approval queue is ``state=submitted``; a focal point's
"returned to me" is ``state=returned`` (with ``author=mine`` for their own only).

Who sees what: coordinators and admins every update. A focal point sees the updates on the actions
their entity leads or supports; of those, drafts and returned ones only when written in their entity
(the updates they may still edit, as ``reading.waiting_updates`` counts them for "My work"). A focal
point without an entity sees none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Row, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.pagination import CURSOR_FIELD, CursorOrder, decode_cursor, keyset_page
from app.core.timestamps import as_utc
from app.entities.filter_ids import check_filter_ids
from app.feed.fields import name_order
from app.models import Action, Entity, ProgressUpdate, User
from app.plans.actions.schemas import EntityRef
from app.plans.progress.queue_schemas import (
    ActionTitle,
    AuthorRef,
    ProgressQueueItem,
    ProgressQueuePage,
    ProgressQueueParams,
)
from app.plans.progress.reading import on_entity_actions, visible_to


def _filters(actor: Actor, params: ProgressQueueParams) -> list[ColumnElement[bool]]:
    update = ProgressUpdate
    conditions = visible_to(actor)
    if params.state:
        conditions.append(update.state.in_(sorted(set(params.state))))
    if params.entity_id is not None:
        conditions.append(on_entity_actions(params.entity_id))
    if params.action_id is not None:
        conditions.append(update.action_id == params.action_id)
    if params.author == "mine":
        conditions.append(update.author_id == actor.user_id if actor.user_id is not None else false())
    if params.reported_from is not None:
        conditions.append(update.reported_on >= params.reported_from)
    if params.reported_to is not None:
        conditions.append(update.reported_on <= params.reported_to)
    # Stored in UTC (SQLite keeps no offset): compare in UTC.
    if params.updated_since is not None:
        conditions.append(update.updated_at >= as_utc(params.updated_since))
    return conditions


_ORDERS = {
    recent: CursorOrder("progress-updates", (str, int), f"order={name}")
    for recent, name in ((False, "waiting"), (True, "recent"))
}


def _after_cursor(cursor: str, recent: bool) -> ColumnElement[bool]:
    stamp, last_id = decode_cursor(cursor, _ORDERS[recent])
    try:
        last = as_utc(datetime.fromisoformat(stamp))
    except (ValueError, OverflowError):
        raise InvalidInput(
            "cursor: not a cursor returned by this API",
            errors=[{"field": CURSOR_FIELD, "reason": _("not a cursor returned by this API")}],
        ) from None
    column = ProgressUpdate.updated_at
    if recent:
        return or_(column < last, and_(column == last, ProgressUpdate.id < last_id))
    return or_(column > last, and_(column == last, ProgressUpdate.id > last_id))


def _entities(session: Session, ids: Iterable[int | None]) -> dict[int, EntityRef]:
    wanted = {entity_id for entity_id in ids if entity_id is not None}
    if not wanted:
        return {}
    rows = session.scalars(select(Entity).where(Entity.id.in_(wanted)))
    return {row.id: EntityRef(id=row.id, name=row.name, acronym=row.acronym) for row in rows}


def _authors(session: Session, ids: Iterable[int | None]) -> dict[int, AuthorRef]:
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(User.id, User.full_name, User.email, User.entity_id).where(User.id.in_(wanted))
    )
    return {
        user_id: AuthorRef(id=user_id, name=full_name or email, entity_id=entity_id)
        for user_id, full_name, email, entity_id in rows
    }


def list_queue(session: Session, actor: Actor, params: ProgressQueueParams) -> ProgressQueuePage:
    """One page of the updates ``actor`` may see that match ``params``, and how many match in all."""
    check_filter_ids(
        session, {"entity_id": ("entity", params.entity_id), "action_id": ("action", params.action_id)}
    )
    conditions = _filters(actor, params)
    total = session.execute(select(func.count()).select_from(ProgressUpdate).where(*conditions)).scalar_one()
    recent = params.order == "recent"
    if params.cursor:
        conditions.append(_after_cursor(params.cursor, recent))
    order = (
        (ProgressUpdate.updated_at.desc(), ProgressUpdate.id.desc())
        if recent
        else (ProgressUpdate.updated_at, ProgressUpdate.id)
    )
    query = _rows(conditions).order_by(*order)
    rows, next_cursor = keyset_page(
        session,
        query,
        params.limit,
        lambda row: (as_utc(row[0].updated_at).isoformat(), row[0].id),
        order=_ORDERS[recent],
    )
    return ProgressQueuePage(items=_items(session, rows), next_cursor=next_cursor, total=total)


def _rows(conditions: list[ColumnElement[bool]]) -> Select[ProgressUpdate, str, int | None]:
    return (
        select(ProgressUpdate, Action.title, Action.lead_entity_id)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(*conditions)
    )


def _items(session: Session, rows: Sequence[Row[ProgressUpdate, str, int | None]]) -> list[ProgressQueueItem]:
    entities = _entities(session, (lead for _, _, lead in rows))
    authors = _authors(session, (update.author_id for update, _, _ in rows))
    return [
        ProgressQueueItem(
            id=update.id,
            action=ActionTitle(id=update.action_id, title=title),
            entity=entities.get(lead) if lead is not None else None,
            author=authors.get(update.author_id) if update.author_id is not None else None,
            state=update.state,
            reported_on=update.reported_on,
            new_status=update.new_status,
            review_comment=update.review_comment,
            reviewed_at=update.reviewed_at,
            published=update.published,
            version=update.version,
            created_at=update.created_at,
            updated_at=update.updated_at,
        )
        for update, title, lead in rows
    ]


def queue_items(session: Session, actor: Actor, ids: Sequence[int]) -> list[ProgressQueueItem]:
    """The updates ``ids`` that ``actor`` may see, as the list shows them, in the order of ``ids``."""
    if not ids:
        return []
    rows = list(session.execute(_rows([*visible_to(actor), ProgressUpdate.id.in_(list(ids))])))
    position = {progress_id: index for index, progress_id in enumerate(ids)}
    rows.sort(key=lambda row: position[row[0].id])
    return _items(session, rows)


def actions_with_updates(session: Session, actor: Actor) -> list[ActionTitle]:
    """The actions having updates ``actor`` may see, by title: the choices of the action filter."""
    rows = session.execute(
        select(Action.id, Action.title).where(
            Action.id.in_(select(ProgressUpdate.action_id).where(*visible_to(actor)))
        )
    )
    ordered = sorted(rows, key=lambda row: name_order(row.title, row.id))
    return [ActionTitle(id=action_id, title=title) for action_id, title in ordered]
