"""What is someone's to do: the items of their digest, from the same services as the "My work" page
and the calendar.

Focal points: their entity's actions due within ``due_days`` days and the overdue ones, the progress
updates and the indicator values returned to their entity, and the calendar's deadlines of their entity
and the general ones (reports due, UPR dates...) due within ``due_days`` days or overdue; nothing once
their entity is archived. Coordinators
and admins: progress updates and indicator values waiting for approval, recommendations an import
changed that nobody has reviewed, overdue actions, and every deadline of the calendar due soon or
overdue. Readers have none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.core.actor import FOCAL_POINT, MANAGERS, Actor
from app.core.catalogue import marked as _
from app.core.time_zone import local_today
from app.deadlines.schemas import DeadlineListParams
from app.deadlines.service import Audience, deadlines
from app.deadlines.sources import DEADLINE_KINDS
from app.entities.service import current_entity_id
from app.models import User
from app.models.plan import OPEN_ACTION_STATUSES
from app.plans.actions import service as actions
from app.plans.actions.schemas import ActionListParams, ActionPage
from app.plans.indicators import queue as indicator_values
from app.plans.indicators.schemas import ValueListParams
from app.plans.progress.reading import waiting_updates
from app.recommendations import review

# Items listed per section (the section says how many there are in all).
SHOWN = 20


@dataclass(frozen=True)
class Item:
    title: str
    path: str  # a staff workspace path, e.g. /staff/actions/3
    day: date | None = None  # a due date or a report date
    note: str | None = None  # a reviewer's comment
    kind: str | None = None  # a calendar deadline's kind: the digest names it before the title
    overdue: bool = False  # said beside its date, in a section that lists the overdue and the coming


@dataclass(frozen=True)
class Section:
    heading: str  # a catalogue message
    total: int
    path: str  # where the whole list is
    items: list[Item] = field(default_factory=list)


def _action_items(found: ActionPage) -> list[Item]:
    return [Item(a.title, f"/staff/actions/{a.id}", a.due_date) for a in found.items]


def _deadlines(db: Session, audience: Audience, due_days: int, today: date) -> Section:
    """The calendar's other deadlines (actions have their own sections) due within ``due_days`` days
    or overdue, not met: reports and follow-up replies due, UPR dates, indicator targets, entered ones."""
    kinds = [kind for kind in DEADLINE_KINDS if kind != "action_due"]
    until = today + timedelta(days=due_days)
    params = DeadlineListParams.model_validate({"kind": kinds, "to": until})
    found = [item for item in deadlines(db, audience, params, today) if not item.done]
    # The calendar starts this month unless told otherwise: from the earliest of them, it lists the
    # overdue ones of earlier months too (the most pressing, and they were all hidden); to the last day
    # the section counts, not every deadline of the years ahead.
    whole = (
        f"/staff/calendar?from={found[0].date.isoformat()}&to={until.isoformat()}"
        if found
        else "/staff/calendar"
    )
    return Section(
        _("Deadlines due soon or overdue"),
        len(found),
        whole,
        [
            # By date: the overdue ones first, each saying so.
            Item(
                item.title,
                item.link or "/staff/calendar",
                item.date,
                kind=item.kind,
                overdue=item.overdue(today),
            )
            for item in found[:SHOWN]
        ],
    )


def _values(db: Session, actor: Actor, state: str, entity_id: int | None, heading: str) -> Section:
    """The indicator values in ``state`` (of ``entity_id``'s actions and recorded in it, when given: the
    ones it may correct), as the values page lists them; a returned one with its reviewer's comment."""
    found = indicator_values.list_values(
        db, actor, ValueListParams(state=[state], entity_id=entity_id, limit=SHOWN), written_in=entity_id
    )
    return Section(
        heading,
        found.total,
        f"/staff/values?state={state}",
        [
            Item(
                f"{v.indicator_name} ({v.action_title})",
                f"/staff/values/{v.id}",
                v.measured_on,
                v.review_comment,
            )
            for v in found.items
        ],
    )


def _due_soon_list(today: date, due_days: int) -> str:
    """The actions list as the section counts them: not overdue, due from today within ``due_days``
    days (the list starts on the focal point's entity; it was every action of it)."""
    until = today + timedelta(days=due_days)
    return f"/staff/actions?overdue=false&due_after={today.isoformat()}&due_before={until.isoformat()}"


def _focal_point(db: Session, user: User, entity_id: int, due_days: int, today: date) -> list[Section]:
    overdue = actions.earliest_due(db, ActionListParams(entity_id=entity_id, overdue=True, limit=SHOWN))
    due = actions.earliest_due(
        db,
        ActionListParams(
            entity_id=entity_id,
            status=list(OPEN_ACTION_STATUSES),
            overdue=False,
            due_before=today + timedelta(days=due_days),
            limit=SHOWN,
        ),
    )
    returned = waiting_updates(db, ("returned",), entity_id=entity_id, limit=SHOWN)
    return [
        Section(_("Overdue actions"), overdue.total, "/staff/actions?overdue=true", _action_items(overdue)),
        Section(_("Actions due soon"), due.total, _due_soon_list(today, due_days), _action_items(due)),
        Section(
            _("Progress updates returned to you"),
            returned.total,
            "/staff/progress?state=returned",
            [
                Item(u.action_title, f"/staff/progress/{u.id}", u.reported_on, u.review_comment)
                for u in returned.items
            ],
        ),
        # Returned like a progress update, waiting for the same person: it was on My work only.
        _values(db, _actor(user), "returned", entity_id, _("Indicator values returned to you")),
        _deadlines(db, Audience(entity_id=entity_id), due_days, today),
    ]


def _actor(user: User) -> Actor:
    """The person as the services see a caller: their role and entity decide which values they see."""
    return Actor(role=user.role, label=user.email, user_id=user.id, entity_id=user.entity_id)


def _manager(db: Session, user: User, due_days: int, today: date) -> list[Section]:
    submitted = waiting_updates(db, ("submitted",), limit=SHOWN)
    changed = review.waiting_for_review(db)
    overdue = actions.earliest_due(db, ActionListParams(overdue=True, limit=SHOWN))
    return [
        Section(
            _("Progress updates waiting for your approval"),
            submitted.total,
            "/staff/progress?state=submitted",
            [Item(u.action_title, f"/staff/progress/{u.id}", u.reported_on) for u in submitted.items],
        ),
        _values(db, _actor(user), "submitted", None, _("Indicator values to approve")),
        Section(_("Recommendations an import changed, not reviewed yet"), changed, "/staff/review"),
        Section(_("Overdue actions"), overdue.total, "/staff/actions?overdue=true", _action_items(overdue)),
        _deadlines(db, Audience(everything=True), due_days, today),
    ]


def work_for(db: Session, user: User, due_days: int, today: date | None = None) -> list[Section]:
    """The non-empty sections of ``user``'s digest."""
    today = today or local_today()
    if user.role in MANAGERS:
        sections = _manager(db, user, due_days, today)
    elif user.role == FOCAL_POINT and (entity_id := current_entity_id(db, user.entity_id)) is not None:
        sections = _focal_point(db, user, entity_id, due_days, today)
    else:
        sections = []
    return [section for section in sections if section.total]
