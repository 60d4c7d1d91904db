"""What of indicator values the public may see: ONE rule, used by every public reader.

A value is public when it is approved and not superseded by an approved correction, and its
indicator's action is published. Drafts, submitted and returned values, and the approved values a
correction replaced, stay internal (staff see them in the history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from app.models import Action, Indicator, IndicatorValue


def current_approved() -> ColumnElement[bool]:
    """The values in force: approved and not replaced by a correction (whoever reads them)."""
    return and_(IndicatorValue.state == "approved", IndicatorValue.superseded_by_id.is_(None))


def public_values(session: Session, indicator_ids: Sequence[int]) -> list[tuple[int, date, Decimal]]:
    """(indicator_id, measured_on, value) of the public values of these indicators, oldest first:
    all the public may ever see of indicator values (no notes, states or authors)."""
    if not indicator_ids:
        return []
    rows = session.execute(
        select(IndicatorValue.indicator_id, IndicatorValue.measured_on, IndicatorValue.value)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .join(Action, Action.id == Indicator.action_id)
        .where(
            IndicatorValue.indicator_id.in_(list(indicator_ids)),
            current_approved(),
            Action.published.is_(True),
        )
        .order_by(IndicatorValue.indicator_id, IndicatorValue.measured_on, IndicatorValue.id)
    )
    return [(indicator_id, measured_on, value) for indicator_id, measured_on, value in rows]


def review_counts(session: Session, action_id: int) -> tuple[int, int]:
    """(values not approved yet, values in force) of an action's indicators: what its staff preview
    says the public does not see (the first always; the second while the action is unpublished)."""
    in_force = func.coalesce(func.sum(case((current_approved(), 1), else_=0)), 0)
    waiting = func.coalesce(func.sum(case((IndicatorValue.state != "approved", 1), else_=0)), 0)
    row = session.execute(
        select(waiting, in_force)
        .select_from(IndicatorValue)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.action_id == action_id)
    ).one()
    return int(row[0]), int(row[1])
