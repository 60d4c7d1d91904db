"""Edits of many recommendations in one request: all or nothing, one audit event per change.

Every id is checked before anything is written; any error rolls the whole request back (the
request owns the transaction), so a bulk edit never half-applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.errors import InvalidInput
from app.models import Recommendation
from app.recommendations import local
from app.recommendations.write_schemas import BulkResult, BulkUpdate


def _existing(session: Session, ids: Sequence[int]) -> list[Recommendation]:
    """The recommendations, locked in id order (so two bulk edits cannot deadlock); 422 for unknown ids."""
    found = list(
        session.scalars(
            select(Recommendation)
            .where(Recommendation.id.in_(ids))
            .order_by(Recommendation.id)
            .with_for_update()
        )
    )
    missing = sorted(set(ids) - {rec.id for rec in found})
    if missing:
        listed = ", ".join(map(str, missing[:50])) + (" ..." if len(missing) > 50 else "")
        reason = f"{len(missing)} unknown recommendation id(s): {listed}"
        raise InvalidInput(f"ids: {reason}; nothing was changed", errors=[{"field": "ids", "reason": reason}])
    return found


def bulk_update(session: Session, actor: Actor, body: BulkUpdate) -> BulkResult:
    changes = body.set.model_dump(include=body.set.model_fields_set)
    if not changes:
        reason = "give at least one field to set"
        raise InvalidInput(f"set: {reason}", errors=[{"field": "set", "reason": reason}])
    local.validate_changes(changes)
    local.check_entities(session, local.entity_fields(changes))
    recs = _existing(session, body.ids)
    rows, links = local.load_for_edit(session, body.ids)
    updated = 0
    for rec in recs:
        result = local.apply_local_changes(
            session, actor, rec.id, rows.get(rec.id), links.get(rec.id, []), changes
        )
        if result is not None:
            updated += 1
    session.flush()
    return BulkResult(updated=updated, unchanged=len(recs) - updated)


def mark_reviewed(session: Session, actor: Actor, ids: Sequence[int]) -> BulkResult:
    """Clear ``needs_review`` (set by an import that changed or withdrew the recommendation)."""
    recs = _existing(session, ids)
    updated = 0
    for rec in recs:
        if rec.needs_review:
            rec.needs_review = False
            record(
                session,
                actor,
                "recommendation.reviewed",
                "recommendation",
                rec.id,
                before={"needs_review": True},
                after={"needs_review": False},
            )
            updated += 1
    session.flush()
    return BulkResult(updated=updated, unchanged=len(recs) - updated)
