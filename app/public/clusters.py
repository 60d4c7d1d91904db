"""Public clusters: the published ones that are not archived, by name, with keyset pages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.pagination import decode_cursor, keyset_page
from app.models import Cluster as ClusterRow
from app.models import ClusterRecommendation, Entity, Recommendation
from app.public.related import cluster_is_public
from app.public.schemas import PublicCluster, PublicClusterPage, PublicClusterParams, PublicEntityRef
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


def _page(
    session: Session, conditions: list[ColumnElement[bool]], limit: int
) -> tuple[list[PublicCluster], str | None]:
    query = (
        select(
            ClusterRow.id,
            ClusterRow.name,
            ClusterRow.description,
            Entity.id,
            Entity.name,
            Entity.acronym,
        )
        .outerjoin(Entity, Entity.id == ClusterRow.lead_entity_id)
        .where(*cluster_is_public(), *conditions)
        .order_by(ClusterRow.name, ClusterRow.id)
    )
    rows, next_cursor = keyset_page(session, query, limit, lambda row: (row[1], row[0]))
    counts = _counts(session, [row[0] for row in rows])
    items = [
        PublicCluster(
            id=cluster_id,
            name=name,
            description=description,
            lead_entity=PublicEntityRef(id=lead_id, name=lead_name, acronym=acronym) if lead_id else None,
            recommendation_count=counts.get(cluster_id, 0),
        )
        for cluster_id, name, description, lead_id, lead_name, acronym in rows
    ]
    return items, next_cursor


def list_clusters(session: Session, params: PublicClusterParams) -> PublicClusterPage:
    conditions: list[ColumnElement[bool]] = []
    if params.q and params.q.strip():
        conditions.append(ClusterRow.name.icontains(params.q.strip(), autoescape=True))
    total = session.execute(
        select(func.count()).select_from(ClusterRow).where(*cluster_is_public(), *conditions)
    ).scalar_one()
    page_conditions = list(conditions)
    if params.cursor:
        name, cluster_id = decode_cursor(params.cursor, (str, int))
        page_conditions.append(tuple_(ClusterRow.name, ClusterRow.id) > tuple_(name, cluster_id))
    items, next_cursor = _page(session, page_conditions, params.limit)
    return PublicClusterPage(items=items, next_cursor=next_cursor, total=total)


def get_cluster(session: Session, cluster_id: int) -> PublicCluster:
    items, _ = _page(session, [ClusterRow.id == cluster_id], 1)
    if not items:
        # Unpublished and archived clusters are answered exactly as missing ones.
        raise NotFound(f"cluster {cluster_id} does not exist")
    return items[0]
