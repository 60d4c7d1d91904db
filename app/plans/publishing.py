"""What stands between a plan object and the public: its parents that are not public.

The rule (docs/publishing.md): a progress update is public when it is approved and published and
its action is published; an evidence file when its progress update is public; an indicator value
when it is approved and its indicator's action is published; an action when it is published.
Clusters are never in the way: an action's links to clusters that are not public are simply not
shown. So the only parents that can hide an object are its progress update (for an evidence file)
and its action.

Pages and API routes that approve or publish something call ``not_public_parents`` to say what
still hides it, and ``publish_parents`` to publish those parents in the same transaction (the
request's), one audit event per object published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, NotFound
from app.core.row_locks import lock_for_write
from app.models import Action, IndicatorValue, ProgressUpdate
from app.plans.schemas import NotPublicParent
from app.plans.states import is_state

_TITLE = 120  # characters of a progress update's narrative that name it


def _update_title(update: ProgressUpdate) -> str:
    text = " ".join(update.narrative.split())
    short = text if len(text) <= _TITLE else text[: _TITLE - 1].rstrip() + "…"
    return f"{update.reported_on.isoformat()}: {short}"


def progress_is_public(update: ProgressUpdate, action: Action) -> bool:
    """The one test of a public progress update (and so of its evidence files)."""
    return update.state == "approved" and update.published and action.published


def value_is_public(value: IndicatorValue, action: Action) -> bool:
    """The one test of a public indicator value: approved, not replaced by a correction, and its
    indicator's action published."""
    return value.state == "approved" and value.superseded_by_id is None and action.published


def unpublished_actions(session: Session, action_ids: Iterable[int]) -> set[int]:
    """Those of ``action_ids`` that are not published: a list of many objects marks what of them the
    public cannot see whatever their own state."""
    wanted = set(action_ids)
    if not wanted:
        return set()
    rows = session.scalars(select(Action.id).where(Action.id.in_(wanted), Action.published.is_(False)))
    return set(rows)


def not_public_parents(
    session: Session, action_id: int, progress_id: int | None = None
) -> list[NotPublicParent]:
    """The parents that keep an object from the public, nearest first.

    ``action_id``: the action the object hangs under (a progress update's, or an indicator's for an
    indicator value). ``progress_id``: for an evidence file, its progress update, listed when it is
    not approved or not published. The action is listed when it is not published. An empty list: no
    parent is in the way (the object itself may still need its own approval or publication).
    """
    parents: list[NotPublicParent] = []
    if progress_id is not None:
        update = session.get(ProgressUpdate, progress_id)
        if update is None:
            raise NotFound(Reason(_("progress update %(id)s does not exist"), id=progress_id))
        if update.state != "approved" or not update.published:
            reason = "not approved" if update.state != "approved" else "approved but not published"
            parents.append(
                NotPublicParent(
                    kind="progress_update", id=update.id, title=_update_title(update), reason=reason
                )
            )
        action_id = update.action_id
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(Reason(_("action %(id)s does not exist"), id=action_id))
    if not action.published:
        parents.append(
            NotPublicParent(kind="action", id=action.id, title=action.title, reason="not published")
        )
    return parents


def publish_parents(session: Session, actor: Actor, parents: Sequence[NotPublicParent]) -> None:
    """Publish each parent (as ``not_public_parents`` listed them) in the caller's transaction.

    An action is audited as ``action.update`` (published false -> true, as a PATCH of ``published``
    is), a progress update as ``progress.publish``. A progress update that is not approved cannot be
    published: 409 naming it, and the request rolls back. The caller checks the actor may publish
    (coordinators and admins).
    """
    now = datetime.now(UTC)
    for parent in parents:
        if parent.kind == "action":
            _publish_action(session, actor, parent.id, now)
        else:
            _publish_update(session, actor, parent.id, now)


def _publish_action(session: Session, actor: Actor, action_id: int, now: datetime) -> None:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFound(Reason(_("action %(id)s does not exist"), id=action_id))
    lock_for_write(session, action)  # read again: a save of the action may have committed meanwhile
    if action.published:
        return
    action.published = True
    action.updated_at = now
    session.flush()
    record(
        session,
        actor,
        "action.update",
        "action",
        action.id,
        before={"published": False},
        after={"published": True},
    )


def _publish_update(session: Session, actor: Actor, progress_id: int, now: datetime) -> None:
    update = session.get(ProgressUpdate, progress_id)
    if update is None:
        raise NotFound(Reason(_("progress update %(id)s does not exist"), id=progress_id))
    if update.state != "approved":
        reason = Reason(
            _("progress update %(id)s %(is_state)s: only an approved update can be published"),
            id=update.id,
            is_state=Reason(is_state(update.state)),  # "is draft", in the reader's language
        )
        raise Conflict(reason, errors=[{"field": "publish_parents", "reason": reason}])
    if update.published:
        return
    update.published = True
    update.published_at = now
    update.updated_at = now
    session.flush()
    after = {"published": True, "published_at": now.isoformat()}
    before = {"published": False, "published_at": None}
    record(session, actor, "progress.publish", "progress_update", update.id, before=before, after=after)
