"""Public clusters: the published ones that are not archived, by name, with keyset pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_is_public
from app.clusters.service import CLUSTERS
from app.core.errors import NotFound
from app.core.pagination import ordered_page
from app.feed.fields import name_order, searched_form
from app.models import Cluster as ClusterRow
from app.models import ClusterRecommendation, Entity, Recommendation
from app.public.schemas import (
    PublicCluster,
    PublicClusterPage,
    PublicClusterParams,
    PublicClusterRef,
    PublicEntityRef,
)
from app.recommendations.reading import leading_only


def _counts(session: Session, cluster_ids: Sequence[int]) -> dict[int, int]:
    """Members that are not withdrawn: the total the public recommendation list gives for the cluster."""
    if not cluster_ids:
        return {}
    rows = session.execute(
        select(ClusterRecommendation.cluster_id, func.count())
        .join(Recommendation, Recommendation.id == ClusterRecommendation.recommendation_id)
        .where(
            ClusterRecommendation.cluster_id.in_(cluster_ids),
            Recommendation.withdrawn.is_(False),
            leading_only(),
        )
        .group_by(ClusterRecommendation.cluster_id)
    )
    return {cluster_id: count for cluster_id, count in rows}


def _items(session: Session, ids: Sequence[int]) -> list[PublicCluster]:
    """The public clusters ``ids``, in that order."""
    rows = session.execute(
        select(
            ClusterRow.id,
            ClusterRow.name,
            ClusterRow.description,
            Entity.id,
            Entity.name,
            Entity.acronym,
        )
        .outerjoin(Entity, Entity.id == ClusterRow.lead_entity_id)
        .where(*cluster_is_public(), ClusterRow.id.in_(ids))
    )
    counts = _counts(session, ids)
    found = {
        cluster_id: PublicCluster(
            id=cluster_id,
            name=name,
            description=description,
            lead_entity=PublicEntityRef(id=lead_id, name=lead_name, acronym=acronym) if lead_id else None,
            recommendation_count=counts.get(cluster_id, 0),
        )
        for cluster_id, name, description, lead_id, lead_name, acronym in rows
    }
    return [found[cluster_id] for cluster_id in ids if cluster_id in found]


def list_clusters(session: Session, params: PublicClusterParams) -> PublicClusterPage:
    # Alphabetical order is Python's, as on the staff side (app.clusters.service.list_clusters).
    names = session.execute(select(ClusterRow.id, ClusterRow.name).where(*cluster_is_public())).all()
    if params.q and params.q.strip():
        # Part of the name, accents and case aside ("egalite" finds "Égalité"), in Python as on the
        # staff side: SQL's ILIKE kept the accents, and SQLite's lower() even the case of "É".
        part = searched_form(params.q)
        names = [row for row in names if part in searched_form(row.name)]
    page, next_cursor = ordered_page(
        names, lambda row: (row.name, row.id), name_order, params.limit, params.cursor, order=CLUSTERS
    )
    items = _items(session, [row.id for row in page])
    return PublicClusterPage(items=items, next_cursor=next_cursor, total=len(names))


def cluster_choices(session: Session) -> list[PublicClusterRef]:
    """Every public cluster, by name, whatever their number: the choices of a form that filters on one
    (the portal's search). Names and ids alone, in one query."""
    rows = session.execute(select(ClusterRow.id, ClusterRow.name).where(*cluster_is_public())).all()
    ordered = sorted(rows, key=lambda row: name_order(row.name, row.id))
    return [PublicClusterRef(id=cluster_id, name=name) for cluster_id, name in ordered]


def get_cluster(session: Session, cluster_id: int) -> PublicCluster:
    items = _items(session, [cluster_id])
    if not items:
        # Unpublished and archived clusters are answered exactly as missing ones.
        raise NotFound(f"cluster {cluster_id} does not exist")
    return items[0]
