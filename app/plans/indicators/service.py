"""Indicators of actions (their values and the values' review: ``values``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import changed, jsonable, record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput, NotFound
from app.core.etag import check_if_match, etag
from app.core.row_locks import lock_for_write
from app.models import Indicator, IndicatorValue
from app.plans.actions.store import ensure_own_action, load_action
from app.plans.indicators.reading import current_approved
from app.plans.indicators.schemas import (
    IndicatorCreate,
    IndicatorList,
    IndicatorOut,
    IndicatorPatch,
    ValueOut,
)
from app.plans.indicators.values import value_out
from app.plans.schemas import Measure, MeasureOut

SCALE = Decimal("0.0001")
_FIELDS = ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date")


def _latest_values(session: Session, indicator_ids: Sequence[int]) -> dict[int, ValueOut]:
    """The most recent current approved value of each indicator, in one query (drafts and replaced
    values are in the indicator's history, not its latest value)."""
    if not indicator_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=IndicatorValue.indicator_id,
            order_by=(IndicatorValue.measured_on.desc(), IndicatorValue.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(IndicatorValue.id, rank)
        .where(IndicatorValue.indicator_id.in_(indicator_ids), current_approved())
        .subquery()
    )
    latest = session.scalars(
        select(IndicatorValue).join(ranked, ranked.c.id == IndicatorValue.id).where(ranked.c.rank == 1)
    )
    return {value.indicator_id: value_out(value) for value in latest}


def _measure(value: Any, day: Any) -> MeasureOut | None:
    return None if value is None else MeasureOut(value=value, date=day)


def _out(indicator: Indicator, latest: ValueOut | None) -> IndicatorOut:
    return IndicatorOut(
        id=indicator.id,
        action_id=indicator.action_id,
        name=indicator.name,
        unit=indicator.unit,
        baseline=_measure(indicator.baseline_value, indicator.baseline_date),
        target=_measure(indicator.target_value, indicator.target_date),
        latest_value=latest,
        version=indicator.version,
        created_at=indicator.created_at,
        updated_at=indicator.updated_at,
    )


def indicators_of(session: Session, action_id: int) -> list[IndicatorOut]:
    rows = list(
        session.scalars(select(Indicator).where(Indicator.action_id == action_id).order_by(Indicator.id))
    )
    latest = _latest_values(session, [row.id for row in rows])
    return [_out(row, latest.get(row.id)) for row in rows]


def list_indicators(session: Session, action_id: int) -> IndicatorList:
    load_action(session, action_id)
    items = indicators_of(session, action_id)
    return IndicatorList(items=items, total=len(items))


def _load(session: Session, indicator_id: int) -> Indicator:
    indicator = session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(Reason(_("indicator %(id)s does not exist"), id=indicator_id))
    return indicator


def _with_etag(session: Session, indicator: Indicator) -> tuple[IndicatorOut, str]:
    latest = _latest_values(session, [indicator.id]).get(indicator.id)
    return _out(indicator, latest), etag(indicator.version)


def get_indicator(session: Session, indicator_id: int) -> tuple[IndicatorOut, str]:
    return _with_etag(session, _load(session, indicator_id))


def _ensure_own(session: Session, actor: Actor, indicator: Indicator) -> None:
    ensure_own_action(session, actor, load_action(session, indicator.action_id), "indicator", indicator.id)


def _set_measure(indicator: Indicator, prefix: str, measure: Measure | None) -> None:
    # Quantised as the column stores it, so a resent value compares equal to the stored one.
    setattr(indicator, f"{prefix}_value", measure.value.quantize(SCALE) if measure else None)
    setattr(indicator, f"{prefix}_date", measure.date if measure else None)


def check_measure_dates(baseline: date | None, target: date | None) -> None:
    """The target is not dated before the baseline (the staff form applies it too, beside the
    refusals of its other fields)."""
    if baseline and target and target < baseline:
        raise InvalidInput(
            "target.date is before baseline.date",
            errors=[{"field": "target.date", "reason": _("is before the baseline date")}],
        )


def _check_dates(indicator: Indicator) -> None:
    check_measure_dates(indicator.baseline_date, indicator.target_date)


def _snapshot(indicator: Indicator) -> dict[str, Any]:
    return {name: jsonable(getattr(indicator, name)) for name in _FIELDS}


def create_indicator(
    session: Session, actor: Actor, action_id: int, body: IndicatorCreate
) -> tuple[IndicatorOut, str]:
    action = load_action(session, action_id)
    ensure_own_action(session, actor, action)
    indicator = Indicator(action_id=action.id, name=body.name, unit=body.unit or None)
    _set_measure(indicator, "baseline", body.baseline)
    _set_measure(indicator, "target", body.target)
    _check_dates(indicator)
    session.add(indicator)
    session.flush()
    record(
        session,
        actor,
        "indicator.create",
        "indicator",
        indicator.id,
        after={"action_id": action.id, **_snapshot(indicator)},
    )
    return _with_etag(session, indicator)


def update_indicator(
    session: Session, actor: Actor, indicator_id: int, body: IndicatorPatch, if_match: str | None
) -> tuple[IndicatorOut, str]:
    indicator = _load(session, indicator_id)
    _ensure_own(session, actor, indicator)
    lock_for_write(session, indicator)
    check_if_match(if_match, etag(indicator.version))
    before = _snapshot(indicator)
    sent = body.model_fields_set
    if "name" in sent and body.name is not None:
        indicator.name = body.name
    if "unit" in sent:
        indicator.unit = body.unit or None
    for prefix in ("baseline", "target"):
        if prefix in sent:
            _set_measure(indicator, prefix, getattr(body, prefix))
    _check_dates(indicator)
    old, new = changed(before, _snapshot(indicator))
    if new:
        indicator.updated_at = datetime.now(UTC)
        session.flush()
        record(session, actor, "indicator.update", "indicator", indicator.id, before=old, after=new)
    return _with_etag(session, indicator)
