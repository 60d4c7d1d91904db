"""Which entities the public may see named, the one rule for every public route: the public API's and
the portal's ``entity`` filters (``app.recommendations.filter_values``), a public report's filters,
the staff previews of what the public sees (``app.public.related`` gives it to the read side)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import CompoundSelect

from app.clusters.reading import cluster_is_public
from app.models import Action, ActionEntity, Cluster, Deadline, Recommendation, RecommendationEntity
from app.recommendations.reading import recommendation_is_current


def publicly_named(ids: Collection[int]) -> CompoundSelect[Any]:
    """The ones of ``ids`` something public names (a statement of one column, entity ids, with a NULL
    among them possibly): responsible for a recommendation the public lists, leading or supporting a
    published action, leading a public cluster, or the entity of a published deadline. Another (a
    unit never assigned anything, one whose work is all unpublished) is not public by name: a public
    page or file that must name it (a report's filter) gives its id, and a public filter on it is
    refused as one on an id that does not exist."""
    wanted = sorted(ids)
    return union(
        select(RecommendationEntity.entity_id)
        .join(Recommendation, Recommendation.id == RecommendationEntity.recommendation_id)
        .where(RecommendationEntity.entity_id.in_(wanted), *recommendation_is_current()),
        select(Action.lead_entity_id).where(Action.lead_entity_id.in_(wanted), Action.published.is_(True)),
        select(ActionEntity.entity_id)
        .join(Action, Action.id == ActionEntity.action_id)
        .where(ActionEntity.entity_id.in_(wanted), Action.published.is_(True)),
        select(Cluster.lead_entity_id).where(Cluster.lead_entity_id.in_(wanted), *cluster_is_public()),
        select(Deadline.entity_id).where(Deadline.entity_id.in_(wanted), Deadline.published.is_(True)),
    )


def public_entity_ids(session: Session, ids: Collection[int]) -> set[int]:
    """The ones something public names (``publicly_named``)."""
    if not ids:
        return set()
    return {entity_id for entity_id in session.scalars(publicly_named(ids)) if entity_id is not None}
