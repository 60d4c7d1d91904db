"""The review queue: recommendations an import changed or withdrew and nobody has marked reviewed yet
(``needs_review``), each with what changed since it was last reviewed.

An import records a revision per changed recommendation (the old and new value of every field it
changed); marking a recommendation reviewed (``bulk.mark_reviewed``) records an audit event. What is
waiting for review is therefore the revisions after the last of those events, folded into one change
per field: the value at the last review, and the value now. Each also comes with the work linked to
it (actions, with their progress updates, and clusters): work linked to a withdrawn recommendation
no longer counts in reports through it, which the reviewer must see before marking it reviewed.
A page costs six statements whatever its size: the page, then its revisions, its last reviews, its
current texts, its actions and its clusters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_in_view
from app.core.pagination import CursorOrder, IdOrNone, decode_cursor, keyset_page
from app.core.timestamps import as_utc
from app.feed.fields import name_order, readable_text
from app.models import (
    Action,
    ActionRecommendation,
    AuditEvent,
    Cluster,
    ClusterRecommendation,
    Mechanism,
    ProgressUpdate,
    Recommendation,
    RecommendationText,
    Revision,
)
from app.recommendations.review_schemas import FieldChange, LinkedAction, ReviewItem, ReviewQueue
from app.recommendations.schemas import ClusterRef
from app.recommendations.service import choose_text

_QUEUE = CursorOrder("review-queue", (IdOrNone, int))

REVIEW_PAGE_SIZE = 25
REVIEWED = "recommendation.reviewed"
TEXT_PREFIX = "texts."

# Newest import first (runs are numbered as they start), then newest recommendation.
_RUN = func.coalesce(Recommendation.updated_run_id, 0)


def _waiting(run_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Recommendation.needs_review.is_(True)]
    if run_id is not None:
        conditions.append(Recommendation.updated_run_id == run_id)
    return conditions


def waiting_for_review(session: Session, run_id: int | None = None) -> int:
    """How many recommendations wait for review; with ``run_id``: those that run changed last."""
    return session.execute(
        select(func.count()).select_from(Recommendation).where(*_waiting(run_id))
    ).scalar_one()


def review_queue(
    session: Session,
    *,
    run_id: int | None = None,
    cursor: str | None = None,
    limit: int = REVIEW_PAGE_SIZE,
    lang: str = "en",
) -> ReviewQueue:
    """One keyset page of the queue, newest import first, with each recommendation's pending changes."""
    conditions = _waiting(run_id)
    page_conditions = list(conditions)
    if cursor:
        last_run, last_id = decode_cursor(cursor, _QUEUE)
        page_conditions.append(tuple_(_RUN, Recommendation.id) < tuple_(last_run, last_id))
    query = (
        select(Recommendation, Mechanism.code)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(*page_conditions)
        .order_by(_RUN.desc(), Recommendation.id.desc())
    )
    rows, next_cursor = keyset_page(
        session,
        query,
        limit,
        lambda row: (row.Recommendation.updated_run_id or 0, row.Recommendation.id),
        order=_QUEUE,
    )
    total = waiting_for_review(session, run_id) if cursor or next_cursor else len(rows)
    ids = [row.Recommendation.id for row in rows]
    pending = _pending_changes(session, {row.Recommendation.id: row.Recommendation.source for row in rows})
    texts = _texts(session, ids)
    actions, clusters = _linked_actions(session, ids), _linked_clusters(session, ids)
    items = []
    for row in rows:
        rec: Recommendation = row.Recommendation
        text_lang, text = choose_text(texts.get(rec.id, {}), lang)
        revisions, runs, changes = pending.get(rec.id, (0, 0, []))
        items.append(
            ReviewItem(
                id=rec.id,
                source=rec.source,
                symbol=rec.symbol,
                mechanism=row.code,
                paragraph=rec.paragraph,
                text=text,
                text_lang=text_lang,
                withdrawn=rec.withdrawn,
                import_run_id=rec.updated_run_id,
                changed_at=rec.updated_at,
                revisions=revisions,
                import_runs=runs,
                changes=changes,
                actions=actions.get(rec.id, []),
                clusters=clusters.get(rec.id, []),
            )
        )
    return ReviewQueue(items=items, next_cursor=next_cursor, total=total)


def _texts(session: Session, ids: Sequence[int]) -> dict[int, dict[str, str]]:
    texts: dict[int, dict[str, str]] = defaultdict(dict)
    if ids:
        for rec_id, text_lang, text in session.execute(
            select(
                RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text
            ).where(RecommendationText.recommendation_id.in_(ids))
        ):
            texts[rec_id][text_lang] = text
    return texts


def _linked_actions(session: Session, ids: Sequence[int]) -> dict[int, list[LinkedAction]]:
    found: dict[int, list[LinkedAction]] = defaultdict(list)
    if ids:
        for rec_id, action_id, title, updates in session.execute(
            select(
                ActionRecommendation.recommendation_id, Action.id, Action.title, func.count(ProgressUpdate.id)
            )
            .join(Action, Action.id == ActionRecommendation.action_id)
            .outerjoin(ProgressUpdate, ProgressUpdate.action_id == Action.id)
            .where(ActionRecommendation.recommendation_id.in_(ids))
            .group_by(ActionRecommendation.recommendation_id, Action.id, Action.title)
            .order_by(ActionRecommendation.recommendation_id, Action.id)
        ):
            found[rec_id].append(LinkedAction(id=action_id, title=title, progress_updates=updates))
    return found


def _linked_clusters(session: Session, ids: Sequence[int]) -> dict[int, list[ClusterRef]]:
    found: dict[int, list[ClusterRef]] = defaultdict(list)
    if ids:
        rows = session.execute(
            select(ClusterRecommendation.recommendation_id, Cluster.id, Cluster.name)
            .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
            .where(ClusterRecommendation.recommendation_id.in_(ids), *cluster_in_view(public=False))
        )
        for rec_id, cluster_id, name in sorted(rows, key=lambda row: name_order(row.name, row.id)):
            found[rec_id].append(ClusterRef(id=cluster_id, name=name))
    return found


def _last_reviews(session: Session, ids: Sequence[int]) -> dict[int, datetime]:
    rows = session.execute(
        select(AuditEvent.object_id, func.max(AuditEvent.at))
        .where(
            AuditEvent.object_type == "recommendation",
            AuditEvent.object_id.in_(ids),
            AuditEvent.action == REVIEWED,
        )
        .group_by(AuditEvent.object_id)
    )
    return {rec_id: at for rec_id, at in rows if rec_id is not None}


def _pending_changes(
    session: Session, sources: dict[int, str]
) -> dict[int, tuple[int, int, list[FieldChange]]]:
    """Per recommendation (id -> its source): how many revisions since its last review, how many
    import runs wrote them (a run writes one per language whose text it changed), and their changes
    folded into one per field
    (the oldest old value, the newest new value; a field changed and changed back is left out).
    Without a revision since then (reviewed while an import ran), the newest revision."""
    ids = list(sources)
    if not ids:
        return {}
    reviewed = _last_reviews(session, ids)
    by_rec: dict[int, list[Revision]] = defaultdict(list)
    for revision in session.scalars(
        select(Revision)
        .where(Revision.recommendation_id.in_(ids))
        .order_by(Revision.recommendation_id, Revision.created_at, Revision.id)
    ):
        by_rec[revision.recommendation_id].append(revision)
    result: dict[int, tuple[int, int, list[FieldChange]]] = {}
    for rec_id, revisions in by_rec.items():
        since = reviewed.get(rec_id)
        pending = [r for r in revisions if since is None or r.created_at > since] or revisions[-1:]
        # A revision without a run (none today) counts as a change of its own.
        runs = {r.import_run_id if r.import_run_id is not None else -r.id for r in pending}
        result[rec_id] = (len(pending), len(runs), _folded(pending, sources[rec_id]))
    return result


def _shown(field: str, value: Any, source: str) -> Any:
    """Texts as a reader sees them (UHRI's HTML made plain text; UPR Info's and the template's plain
    text as written); other values as stored."""
    if field.startswith(TEXT_PREFIX) and isinstance(value, str):
        return readable_text(value, source)
    return value


def _folded(revisions: Sequence[Revision], source: str) -> list[FieldChange]:
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for revision in revisions:
        for field, change in (revision.changes or {}).items():
            if not isinstance(change, dict):
                continue
            first.setdefault(field, change.get("old"))
            last[field] = change.get("new")
    changes = []
    for field in sorted(first, key=_field_order):
        old, new = _shown(field, first[field], source), _shown(field, last[field], source)
        if old != new:
            changes.append(FieldChange(field=field, old=old, new=new))
    return changes


def _field_order(field: str) -> tuple[int, str]:
    """Texts first (what a reviewer reads), withdrawal next, then the other fields by name."""
    if field.startswith(TEXT_PREFIX):
        return (0, field)
    return (1 if field == "withdrawn" else 2, field)


@dataclass(frozen=True)
class ImportChange:
    """The newest import run's change to one recommendation: the run, when, and the fields it changed
    (a run writes one revision per language whose text it changed)."""

    run_id: int | None
    at: datetime
    fields: list[str]


def latest_import_change(session: Session, recommendation_id: int) -> ImportChange | None:
    revisions = list(
        session.scalars(
            select(Revision)
            .where(Revision.recommendation_id == recommendation_id)
            .order_by(Revision.created_at.desc(), Revision.id.desc())
            .limit(20)
        )
    )
    if not revisions:
        return None
    newest = revisions[0]
    run = newest.import_run_id
    same_run = [r for r in revisions if r.import_run_id == run] if run is not None else [newest]
    fields = sorted({field for r in same_run for field in (r.changes or {})}, key=_field_order)
    return ImportChange(newest.import_run_id, as_utc(newest.created_at), fields)
