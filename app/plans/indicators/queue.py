"""Indicator values across actions, by state: the coordinators' approval queue
(``state=submitted``) and a focal point's drafts and returned values are this one list.

A focal point sees the unapproved values only of the actions their entity leads or supports (the
rule of ``values.sees_unapproved``), and of those the drafts and returned ones only when recorded in
their entity (``written_in_entity``: their work, as progress updates are listed); approved ones are
visible to all staff.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.entities.filter_ids import check_filter_ids
from app.models import Action, ActionEntity, Indicator, IndicatorValue, User
from app.plans.indicators.schemas import QueuedValue, ValueListParams, ValuePage
from app.plans.indicators.values import value_out


def _actions_of(entity_id: int) -> Select[int]:
    supported = select(ActionEntity.action_id).where(ActionEntity.entity_id == entity_id)
    return select(Action.id).where(or_(Action.lead_entity_id == entity_id, Action.id.in_(supported)))


def written_in_entity(entity_id: int) -> ColumnElement[bool]:
    """The value was recorded by someone of ``entity_id``, or with an API key (no author) on an action
    ``entity_id`` leads: those of its values it may still correct (``app.plans.authorship``)."""
    written_here = select(User.id).where(User.entity_id == entity_id)
    led_here = select(Action.id).where(Action.lead_entity_id == entity_id)
    return or_(
        and_(IndicatorValue.created_by_id.is_(None), Indicator.action_id.in_(led_here)),
        IndicatorValue.created_by_id.in_(written_here),
    )


def _conditions(
    actor: Actor, params: ValueListParams, written_in: int | None = None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if written_in is not None:
        conditions.append(written_in_entity(written_in))
    if params.state:
        conditions.append(IndicatorValue.state.in_(sorted(set(params.state))))
    if params.entity_id is not None:
        conditions.append(Indicator.action_id.in_(_actions_of(params.entity_id)))
    if params.action_id is not None:
        conditions.append(Indicator.action_id == params.action_id)
    if params.indicator_id is not None:
        conditions.append(IndicatorValue.indicator_id == params.indicator_id)
    if not actor.is_manager:
        visible = IndicatorValue.state == "approved"
        if actor.entity_id:
            # Drafts and returned values are someone's work to finish: listed only to the entity that
            # recorded them (a supporting entity reads the lead's on their page, as for progress).
            entity = actor.entity_id
            sent_on = IndicatorValue.state.not_in(("draft", "returned"))
            own = and_(Indicator.action_id.in_(_actions_of(entity)), or_(sent_on, written_in_entity(entity)))
            conditions.append(or_(visible, own))
        else:
            conditions.append(visible)
    return conditions


_VALUES = CursorOrder("indicator-values", (int,))


def list_values(
    session: Session, actor: Actor, params: ValueListParams, *, written_in: int | None = None
) -> ValuePage:
    """Oldest recorded first (by id), keyset pages, each value with its action and indicator.
    ``written_in``: only the values recorded in that entity (what is returned *to* it: a supporting
    entity reads the lead entity's values but may not correct them)."""
    check_filter_ids(
        session,
        {
            "entity_id": ("entity", params.entity_id),
            "action_id": ("action", params.action_id),
            "indicator_id": ("indicator", params.indicator_id),
        },
    )
    conditions = _conditions(actor, params, written_in)
    counted = select(func.count()).select_from(IndicatorValue).join(Indicator).where(*conditions)
    total = session.execute(counted).scalar_one()
    page_conditions = list(conditions)
    if params.cursor:
        (last_id,) = decode_cursor(params.cursor, _VALUES)
        page_conditions.append(IndicatorValue.id > last_id)
    query = (
        select(IndicatorValue, Indicator.name, Indicator.unit, Action.id, Action.title)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Action, Action.id == Indicator.action_id)
        .where(*page_conditions)
        .order_by(IndicatorValue.id)
    )
    rows, next_cursor = keyset_page(session, query, params.limit, lambda row: (row[0].id,), order=_VALUES)
    items = [
        QueuedValue(
            **value_out(value).model_dump(),
            action_id=action_id,
            action_title=title,
            indicator_name=name,
            unit=unit,
        )
        for value, name, unit, action_id, title in rows
    ]
    return ValuePage(items=items, next_cursor=next_cursor, total=total)
