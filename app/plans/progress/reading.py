"""Progress updates waiting for someone: submitted ones for the coordinators to approve or return, and
drafts and returned ones for the focal points of the entity that wrote them (the ones they may still
edit, see ``service._ensure_author_entity``); and the approved and published updates the public may
see (``published_progress``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.time_zone import day_start, local_day
from app.models import Action, ActionEntity, AuditEvent, ProgressUpdate, User
from app.models.plan import ProgressState


@dataclass(frozen=True)
class WaitingUpdate:
    id: int
    action_id: int
    action_title: str
    state: str
    reported_on: date
    review_comment: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Waiting:
    total: int
    items: list[WaitingUpdate]


def on_entity_actions(entity_id: int) -> ColumnElement[bool]:
    """The update reports on an action ``entity_id`` leads or supports."""
    supported = select(ActionEntity.action_id).where(ActionEntity.entity_id == entity_id)
    ours = select(Action.id).where(or_(Action.lead_entity_id == entity_id, Action.id.in_(supported)))
    return ProgressUpdate.action_id.in_(ours)


def written_in_entity(entity_id: int) -> ColumnElement[bool]:
    """The update was written by someone of ``entity_id``, or with an API key (no author) on an action
    ``entity_id`` leads: the rule of ``app.plans.authorship.written_by_entity``."""
    written_here = select(User.id).where(User.entity_id == entity_id)
    led_here = select(Action.id).where(Action.lead_entity_id == entity_id)
    return or_(
        and_(ProgressUpdate.author_id.is_(None), ProgressUpdate.action_id.in_(led_here)),
        ProgressUpdate.author_id.in_(written_here),
    )


# States a focal point sees on their entity's actions whoever wrote them: sent on for review.
_SENT_ON = ("submitted", "approved")


def visible_to(actor: Actor) -> list[ColumnElement[bool]]:
    """The conditions limiting the updates to those ``actor`` may list (the work queues, the staff
    report): managers every update; a focal point those on their entity's actions, drafts and
    returned ones only when written in their entity; a focal point without an entity none."""
    if actor.is_manager:
        return []
    if actor.entity_id is None:
        return [false()]
    entity = actor.entity_id
    return [on_entity_actions(entity), or_(ProgressUpdate.state.in_(_SENT_ON), written_in_entity(entity))]


def public_update() -> ColumnElement[bool]:
    """The update is the public's (the public API's and portal's rule): approved and published, on a
    published action."""
    published_actions = select(Action.id).where(Action.published.is_(True))
    return and_(
        ProgressUpdate.state == "approved",
        ProgressUpdate.published.is_(True),
        ProgressUpdate.action_id.in_(published_actions),
    )


def readable_by(actor: Actor) -> list[ColumnElement[bool]]:
    """The conditions limiting the updates to those ``actor`` may read through the API: managers every
    update; a focal point those of their entity's actions in any state (``service.readable``) and,
    as anyone, the public's (``public_update``); another entity's update of an unpublished action,
    published or not, is a 404 to them. A focal point without an entity reads the public's only."""
    if actor.is_manager:
        return []
    if actor.entity_id is None:
        return [public_update()]
    return [or_(on_entity_actions(actor.entity_id), public_update())]


def _conditions(states: Sequence[ProgressState], entity_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [ProgressUpdate.state.in_(list(states))]
    if entity_id is not None:
        conditions += [on_entity_actions(entity_id), written_in_entity(entity_id)]
    return conditions


def waiting_updates(
    session: Session, states: Sequence[ProgressState], *, entity_id: int | None = None, limit: int = 5
) -> Waiting:
    """How many updates are in ``states`` (on ``entity_id``'s actions, written there, when given), and
    the ``limit`` oldest of them first (the longest waiting)."""
    conditions = _conditions(states, entity_id)
    total = session.execute(select(func.count()).select_from(ProgressUpdate).where(*conditions)).scalar_one()
    rows = session.execute(
        select(ProgressUpdate, Action.title)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(*conditions)
        .order_by(ProgressUpdate.updated_at, ProgressUpdate.id)
        .limit(limit)
    )
    items = [
        WaitingUpdate(
            id=update.id,
            action_id=update.action_id,
            action_title=title,
            state=update.state,
            reported_on=update.reported_on,
            review_comment=update.review_comment,
            updated_at=update.updated_at,
        )
        for update, title in rows
    ]
    return Waiting(total=total, items=items)


def newer_status_approved(session: Session, update: ProgressUpdate) -> date | None:
    """The date of the latest approved update of the same action reported after ``update`` (a later
    date, or the same date and written after it: the order the action's updates are listed in) that
    reports a status.
    Approving ``update`` then leaves the action's status alone: a report reviewed late says what was
    true on its date, not what is true now."""
    later = or_(
        ProgressUpdate.reported_on > update.reported_on,
        and_(ProgressUpdate.reported_on == update.reported_on, ProgressUpdate.id > update.id),
    )
    found = session.scalar(
        select(ProgressUpdate.reported_on)
        .where(
            ProgressUpdate.action_id == update.action_id,
            ProgressUpdate.id != update.id,
            ProgressUpdate.state == "approved",
            ProgressUpdate.new_status.is_not(None),
            later,
        )
        .order_by(ProgressUpdate.reported_on.desc())
        .limit(1)
    )
    return found


# The key an approval's status change carries in its audit event (``store.change_status``): what
# tells it from a person's own change of the status.
APPLIED_BY = "progress_update_id"
NEWER_REPORT = _(
    "an approved progress update reported later (on %(day)s) gives the action's status; "
    "this update says what was true on %(reported_on)s"
)
CHANGED_BY_HAND = _(
    "the action's status was changed to %(status)s on %(day)s, after this update's date "
    "(%(reported_on)s): a report reviewed late does not undo a later change"
)


def _changed_by_hand_after(session: Session, update: ProgressUpdate) -> AuditEvent | None:
    """The latest change of the action's status a person made (the action's page or PATCH, not an
    approval) on a day after ``update``'s date, where the instance is; the audit trail records each
    with its time. An approval's change carries ``APPLIED_BY``; one recorded before it did is told
    by the approval recorded in the same request."""
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "action",
            AuditEvent.object_id == update.action_id,
            AuditEvent.action == "action.update",
            AuditEvent.at >= day_start(update.reported_on + timedelta(days=1)),
        )
        .order_by(AuditEvent.id.desc())
    ).all()
    changes = [e for e in events if "status" in (e.after or {}) and APPLIED_BY not in (e.after or {})]
    requests = {e.request_id for e in changes if e.request_id}
    approvals = (
        set(
            session.scalars(
                select(AuditEvent.request_id).where(
                    AuditEvent.action == "progress.approve", AuditEvent.request_id.in_(requests)
                )
            )
        )
        if requests
        else set()
    )
    return next((e for e in changes if e.request_id is None or e.request_id not in approvals), None)


def status_kept(session: Session, update: ProgressUpdate, current: str) -> Reason | None:
    """Why approving ``update`` leaves the action's status (``current``) as it is rather than set
    its ``new_status``: a later approved report gives one, or a person changed it after the
    update's date. None: the status is the update's to set."""
    if not update.new_status or update.new_status == current:
        return None
    newer = newer_status_approved(session, update)
    if newer is not None:
        return Reason(NEWER_REPORT, day=newer.isoformat(), reported_on=update.reported_on.isoformat())
    by_hand = _changed_by_hand_after(session, update)
    if by_hand is not None:
        return Reason(
            CHANGED_BY_HAND,
            status=str((by_hand.after or {})["status"]),
            day=local_day(by_hand.at).isoformat(),
            reported_on=update.reported_on.isoformat(),
        )
    return None


def published_progress(
    session: Session, action_ids: Iterable[int], reader: Actor | None = None
) -> dict[int, list[ProgressUpdate]]:
    """The approved and published updates of these actions, newest report first: all the public
    may ever see (of published actions: the callers choose those). With ``reader``, only the ones
    they may read (``readable_by``): a focal point does not get another entity's updates of
    an unpublished action. Rows, not schemas: the public API builds its own allowlisted shape."""
    ids = sorted(set(action_ids))
    result: dict[int, list[ProgressUpdate]] = defaultdict(list)
    if not ids:
        return result
    rows = session.scalars(
        select(ProgressUpdate)
        .where(
            ProgressUpdate.action_id.in_(ids),
            ProgressUpdate.state == "approved",
            ProgressUpdate.published.is_(True),
            *([] if reader is None else readable_by(reader)),
        )
        .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
    )
    for row in rows:
        result[row.action_id].append(row)
    return result
