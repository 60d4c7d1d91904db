"""Edits of many recommendations in one request: all or nothing, one audit event per change.

The recommendations are given by id, or by the list's filter (what ``GET /recommendations`` with the
same filters matches when the request runs, at most ``MAX_BULK_MATCHES``). Every id is checked
before anything is written; any error rolls the whole request back (the request owns the
transaction), so a bulk edit never half-applies.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.row_locks import lock_rows
from app.entities.service import check_responsible
from app.models import Recommendation
from app.recommendations import local
from app.recommendations.reading import filter_conditions
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.write_schemas import (
    MAX_BULK_MATCHES,
    BulkPublish,
    BulkResult,
    BulkSelection,
    BulkUpdate,
)


def _in_filter(exc: InvalidInput) -> InvalidInput:
    """A filter's refusal, its fields named as they are in the body (``filter.sdg``)."""
    errors = [{**error, "field": f"filter.{error.get('field')}"} for error in exc.errors]
    return InvalidInput(f"filter.{exc.detail}", errors=errors or [{"field": "filter", "reason": exc.detail}])


def most_matches() -> int:
    """The most recommendations one bulk edit by filter may change (a page says so beside the choice)."""
    return MAX_BULK_MATCHES


def filtered_ids(session: Session, selection: RecommendationFilter) -> list[int]:
    """The ids of every recommendation ``selection`` matches now, as the list counts them; 422 naming
    ``filter`` when they are more than ``MAX_BULK_MATCHES``. Staff view (bulk edits need a manager)."""
    try:
        conditions = filter_conditions(selection, session.get_bind().dialect.name, hints=False)
    except InvalidInput as exc:
        raise _in_filter(exc) from None
    ids = list(
        session.scalars(
            select(Recommendation.id)
            .where(*conditions)
            .order_by(Recommendation.id)
            .limit(MAX_BULK_MATCHES + 1)
        )
    )
    if len(ids) > MAX_BULK_MATCHES:
        total = session.execute(
            select(func.count()).select_from(Recommendation).where(*conditions)
        ).scalar_one()
        reason = Reason(
            _(
                "matches %(total)s recommendations, more than the %(most)s one bulk edit may change; "
                "narrow the filter"
            ),
            total=total,
            most=MAX_BULK_MATCHES,
        )
        raise InvalidInput(
            f"filter: {reason}; nothing was changed", errors=[{"field": "filter", "reason": reason}]
        )
    return ids


def _existing(session: Session, ids: Sequence[int]) -> list[Recommendation]:
    """The recommendations, locked in id order without waiting while holding some (``lock_rows``: an
    import holds the rows it wrote in its own order); 422 for unknown ids."""
    chosen = Recommendation.id.in_(ids)
    lock_rows(session, select(Recommendation.id).where(chosen).order_by(Recommendation.id))
    found = list(session.scalars(select(Recommendation).where(chosen).order_by(Recommendation.id)))
    missing = sorted(set(ids) - {rec.id for rec in found})
    if missing:
        listed = ", ".join(map(str, missing[:50])) + (" ..." if len(missing) > 50 else "")
        reason = Reason(_("%(count)s unknown recommendation id(s): %(ids)s"), count=len(missing), ids=listed)
        raise InvalidInput(f"ids: {reason}; nothing was changed", errors=[{"field": "ids", "reason": reason}])
    return found


def _selected_ids(session: Session, body: BulkSelection) -> list[int]:
    if body.filter is not None:
        return filtered_ids(session, body.filter)
    assert body.ids is not None  # BulkSelection requires one of the two
    return body.ids


def bulk_publish(session: Session, actor: Actor, body: BulkPublish) -> BulkResult:
    """Publish the working status and priority of many recommendations (``local.publish_local``):
    one "recommendation.publish" event each; those the public already sees as they are count as
    unchanged."""
    ids = _selected_ids(session, body)
    recs = _existing(session, ids)
    rows, _versions = local.load_for_edit(session, ids)
    updated = sum(local.publish_local(session, actor, rec.id, rows.get(rec.id)) for rec in recs)
    session.flush()
    return BulkResult(updated=updated, unchanged=len(recs) - updated)


def bulk_update(session: Session, actor: Actor, body: BulkUpdate) -> BulkResult:
    changes = body.set.model_dump(include=body.set.model_fields_set)
    if not changes:
        reason = _("give at least one field to set")
        raise InvalidInput(f"set: {reason}", errors=[{"field": "set", "reason": reason}])
    local.validate_changes(changes)
    check_responsible(session, local.entity_fields(changes))
    ids = _selected_ids(session, body)
    recs = _existing(session, ids)
    rows, links = local.load_for_edit(session, ids)
    local.check_leads(session, recs, rows, links, changes)
    updated = 0
    for rec in recs:
        result = local.apply_local_changes(
            session, actor, rec.id, rows.get(rec.id), links.get(rec.id, []), changes
        )
        if result is not None:
            updated += 1
    session.flush()
    return BulkResult(updated=updated, unchanged=len(recs) - updated)


def mark_reviewed(
    session: Session, actor: Actor, ids: Sequence[int], *, shown_run: int | None = None
) -> BulkResult:
    """Clear ``needs_review`` (set by an import that changed or withdrew the recommendation).

    ``shown_run``: the last import run whose changes the reviewer was shown (the staff queue sends it).
    A recommendation a later run changed again was not read as it is now: all are refused (422 naming
    ``ids``) rather than one change cleared unseen."""
    recs = _existing(session, ids)
    if shown_run is not None and any(
        rec.needs_review and (rec.updated_run_id or 0) > shown_run for rec in recs
    ):
        reason = _("changed again by an import since the page was shown: read the changes, then mark again")
        raise InvalidInput(f"ids: {reason}; nothing was changed", errors=[{"field": "ids", "reason": reason}])
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
