"""What the read side needs of actions: their links loaded a page at a time, and whether one is overdue.

The public API and the staff API both list actions with these; writing links is app.plans.actions.links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import CompoundSelect, Select, literal, select, union
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.models import (
    Action,
    ActionCluster,
    ActionEntity,
    ActionRecommendation,
    ActionSdg,
    Cluster,
    ClusterRecommendation,
    Recommendation,
    Term,
)
from app.models.plan import OPEN_ACTION_STATUSES
from app.recommendations.reading import filter_conditions
from app.recommendations.schemas import RecommendationFilter
from app.taxonomies.service import SDG_ORDER

# Link table, its column naming the linked row, and the request field that sets it.
LINK_TABLES: dict[str, tuple[type[Any], InstrumentedAttribute[int]]] = {
    "recommendation_ids": (ActionRecommendation, ActionRecommendation.recommendation_id),
    "cluster_ids": (ActionCluster, ActionCluster.cluster_id),
    "supporting_entity_ids": (ActionEntity, ActionEntity.entity_id),
    "sdg_term_ids": (ActionSdg, ActionSdg.term_id),
}


@dataclass
class Links:
    recommendation_ids: list[int] = field(default_factory=list)
    cluster_ids: list[int] = field(default_factory=list)
    supporting_entity_ids: list[int] = field(default_factory=list)
    sdg_term_ids: list[int] = field(default_factory=list)
    sdg_codes: list[str] = field(default_factory=list)


def serving(recommendation_ids: Select[Any], *, public: bool) -> CompoundSelect[tuple[int, int, bool]]:
    """(recommendation id, action id, direct) of every action that serves one of
    ``recommendation_ids``: linked to it (direct), or to a cluster it is in (a cluster's plan serves
    each of its members; a pair may come both ways). The public sees an action only through a cluster
    it sees, published and not archived; whether the action itself is published is the caller's
    filter. The statistics count these actions and the reports list them, so both say the same."""
    direct = select(
        ActionRecommendation.recommendation_id, ActionRecommendation.action_id, literal(True).label("direct")
    ).where(ActionRecommendation.recommendation_id.in_(recommendation_ids))
    via_cluster = (
        select(
            ClusterRecommendation.recommendation_id, ActionCluster.action_id, literal(False).label("direct")
        )
        .join(ActionCluster, ActionCluster.cluster_id == ClusterRecommendation.cluster_id)
        .where(ClusterRecommendation.recommendation_id.in_(recommendation_ids))
    )
    if public:
        via_cluster = via_cluster.join(Cluster, Cluster.id == ClusterRecommendation.cluster_id).where(
            Cluster.published.is_(True), Cluster.archived.is_(False)
        )
    return union(direct, via_cluster)


def of_cluster(cluster_id: int, dialect: str, *, public: bool) -> CompoundSelect[tuple[int]]:
    """The ids of a cluster's actions: linked to the cluster, or serving (``serving``) one of the
    recommendations its page lists (current ones, leaders of linked copies), which counts the
    actions linked to a member or to another cluster a member is in. The statistics and the report
    filtered on the cluster count the same ones, the actions of its members; an action linked to a
    cluster none of whose members is current is the cluster's too (``linked_to_cluster``), and the
    statistics filtered on the cluster count it as well. ``public``: the cluster must be
    published and not archived, and other clusters count only when they are too; whether the action
    is published is the caller's filter. Every list of a cluster's actions (the staff and public
    APIs' ``cluster`` filter, the portal's and the workspace's cluster pages) goes through here."""
    members = select(Recommendation.id).where(
        *filter_conditions(RecommendationFilter(cluster=cluster_id), dialect, hints=False, public=public)
    )
    served = serving(members, public=public).subquery()
    return union(linked_to_cluster(cluster_id, public=public), select(served.c.action_id))


def linked_to_cluster(cluster_id: int, *, public: bool) -> Select[Any]:
    """The ids of the actions linked to the cluster itself (``public``: only while it is published
    and not archived). They are the cluster's whether or not it holds a current recommendation, so
    the statistics filtered on the cluster count them too, even when no recommendation matches."""
    linked = select(ActionCluster.action_id).where(ActionCluster.cluster_id == cluster_id)
    if public:
        linked = linked.join(Cluster, Cluster.id == ActionCluster.cluster_id).where(
            Cluster.published.is_(True), Cluster.archived.is_(False)
        )
    return linked


def sdg_sort_key(code: str) -> int:
    return SDG_ORDER.get(code, len(SDG_ORDER))


def load_links(session: Session, action_ids: Sequence[int]) -> dict[int, Links]:
    links: dict[int, Links] = defaultdict(Links)
    if not action_ids:
        return links
    for name, (table, column) in LINK_TABLES.items():
        if name == "sdg_term_ids":
            continue
        rows = session.execute(select(table.action_id, column).where(table.action_id.in_(action_ids)))
        for action_id, linked_id in rows:
            getattr(links[action_id], name).append(linked_id)
    sdg_rows = session.execute(
        select(ActionSdg.action_id, Term.id, Term.code)
        .join(Term, Term.id == ActionSdg.term_id)
        .where(ActionSdg.action_id.in_(action_ids))
    )
    for action_id, term_id, code in sdg_rows:
        links[action_id].sdg_term_ids.append(term_id)
        links[action_id].sdg_codes.append(code or "")
    for item in links.values():
        item.recommendation_ids.sort()
        item.cluster_ids.sort()
        item.supporting_entity_ids.sort()
        item.sdg_codes.sort(key=sdg_sort_key)
    return links


def is_overdue(action: Action, today: date) -> bool:
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTION_STATUSES
