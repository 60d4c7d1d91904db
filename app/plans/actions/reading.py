"""What the read side needs of actions: their links loaded a page at a time, and whether one is overdue.

The public API and the staff API both list actions with these; writing links is app.plans.actions.links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, func, literal, select, union
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from app.clusters.reading import cluster_in_view, cluster_is_public
from app.models import (
    Action,
    ActionCluster,
    ActionEntity,
    ActionRecommendation,
    ActionSdg,
    Cluster,
    ClusterRecommendation,
    Recommendation,
    SourceLink,
    Term,
)
from app.models.plan import OPEN_ACTION_STATUSES
from app.recommendations.reading import filter_conditions, recommendation_is_current
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
    each of its members; a pair may come both ways), through a cluster in use (``cluster_in_view``):
    an archived one is out of use, for staff as for the public, which sees an action only through a
    cluster it sees, published and not archived; whether the action itself is published is the
    caller's filter. A cluster member that is a copy linked under a current record (docs/sources.md)
    serves that record too, as ``served_through_clusters`` lists it in the copy's place. The
    statistics count these actions, the exports' ``action_count`` too, the reports and the
    recommendation pages list them, so all say the same."""
    direct = select(
        ActionRecommendation.recommendation_id, ActionRecommendation.action_id, literal(True).label("direct")
    ).where(ActionRecommendation.recommendation_id.in_(recommendation_ids))
    via_cluster = _through_clusters(
        ClusterRecommendation.recommendation_id,
        ActionCluster.action_id,
        literal(False).label("direct"),
        public=public,
    ).where(ClusterRecommendation.recommendation_id.in_(recommendation_ids))
    via_copy = (
        _through_clusters(
            SourceLink.leader_id, ActionCluster.action_id, literal(False).label("direct"), public=public
        )
        .join(SourceLink, _linked_copy(ClusterRecommendation.recommendation_id))
        .join(_LEADER, _current_leader())
        .where(SourceLink.leader_id.in_(recommendation_ids))
    )
    return union(direct, via_cluster, via_copy)


def _linked_copy(member: Any) -> ColumnElement[bool]:
    """``SourceLink`` (joined) says that ``member`` is a copy linked under a record (docs/sources.md)."""
    return and_(SourceLink.member_id == member, SourceLink.state == "linked")


# A linked copy's record, beside the copy itself: made once (an alias is a whole mapping to build, which
# every export batch's action counts paid, some hundreds of kilobytes each).
_LEADER = aliased(Recommendation, name="leader")


def _current_leader() -> ColumnElement[bool]:
    """``_LEADER`` (joined) is the linked copy's record, not withdrawn."""
    return and_(_LEADER.id == SourceLink.leader_id, _LEADER.withdrawn.is_(False))


def _through_clusters(*columns: Any, public: bool) -> Select[Any]:
    """``columns`` of every (recommendation, action) pair a cluster in use makes: the action is linked
    to the cluster, the recommendation is in it (``serving``'s rule, read from either side)."""
    return (
        select(*columns)
        .select_from(ClusterRecommendation)
        .join(ActionCluster, ActionCluster.cluster_id == ClusterRecommendation.cluster_id)
        .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
        .where(*cluster_in_view(public=public))
    )


def served_through_clusters(
    session: Session, action_ids: Collection[int], *, public: bool
) -> dict[int, dict[int, list[int]]]:
    """The inverse of ``serving`` through clusters: for each of ``action_ids``, the recommendations it
    serves by a cluster it is linked to, by cluster id (ids in order). A member that is a copy linked
    under a current record (docs/sources.md) is served as that record, listed once, as every list
    shows one recommendation per group. ``public``: through published clusters that are not
    archived, current recommendations only (``recommendation_is_current``); staff read every
    recommendation of a cluster that is not archived. One statement."""
    if not action_ids:
        return {}
    shown = func.coalesce(_LEADER.id, ClusterRecommendation.recommendation_id)
    pairs = (
        _through_clusters(ActionCluster.action_id, ClusterRecommendation.cluster_id, shown, public=public)
        .outerjoin(SourceLink, _linked_copy(ClusterRecommendation.recommendation_id))
        .outerjoin(_LEADER, _current_leader())
        .where(ActionCluster.action_id.in_(sorted(action_ids)))
    )
    if public:
        pairs = pairs.join(Recommendation, Recommendation.id == shown).where(*recommendation_is_current())
    found: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for action_id, cluster_id, rec_id in session.execute(pairs):
        found[action_id][cluster_id].add(rec_id)
    return {
        action_id: {cluster_id: sorted(ids) for cluster_id, ids in sorted(clusters.items())}
        for action_id, clusters in found.items()
    }


def of_recommendation(recommendation_id: int, *, public: bool) -> Select[tuple[int]]:
    """The ids of a recommendation's actions: those serving it (``serving``), linked to it or to a
    cluster it is in, as the statistics, the report and the exports' ``action_count`` count them.
    Every list of a recommendation's actions (the staff and public APIs' recommendation filter, the
    portal's and the workspace's recommendation pages) goes through here."""
    served = serving(
        select(Recommendation.id).where(Recommendation.id == recommendation_id), public=public
    ).subquery()
    return select(served.c.action_id)


def of_cluster(cluster_id: int, dialect: str, *, public: bool) -> CompoundSelect[int]:
    """The ids of a cluster's actions: linked to the cluster, or serving (``serving``) one of the
    recommendations its page lists (current ones, leaders of linked copies), which counts the
    actions linked to a member or to another cluster a member is in. The statistics and the report
    filtered on the cluster count the same ones, the actions of its members; an action linked to a
    cluster none of whose members is current is the cluster's too (``linked_to_cluster``), which
    the statistics count as well. ``public``: the cluster must be published and not archived, and
    other clusters count only when they are too; whether the action is published is the caller's
    filter. Every list of a cluster's actions (the staff and public APIs' ``cluster`` filter, the
    portal's and the workspace's cluster pages) goes through here; ``sources_in_cluster`` says
    which of these ways found each one."""
    served = serving(_members(cluster_id, dialect, public=public), public=public).subquery()
    return union(linked_to_cluster(cluster_id, public=public), select(served.c.action_id))


def _members(cluster_id: int, dialect: str, *, public: bool) -> Select[int]:
    """The recommendations a cluster's page lists: current ones, leaders of linked copies."""
    return select(Recommendation.id).where(
        *filter_conditions(RecommendationFilter(cluster=cluster_id), dialect, hints=False, public=public)
    )


@dataclass(frozen=True)
class Source:
    """How an action is one of a cluster's (``of_cluster``): linked to the cluster itself (no
    recommendation), to its recommendation ``recommendation_id``, or to another cluster
    (``cluster_id``) that recommendation is in."""

    recommendation_id: int | None = None
    cluster_id: int | None = None


def sources_in_cluster(
    session: Session, cluster_id: int, action_ids: Collection[int], *, public: bool
) -> dict[int, list[Source]]:
    """Why each of ``action_ids`` (actions of the cluster) is the cluster's: every way ``of_cluster``
    finds it, the link to the cluster itself first, then by recommendation and cluster id. Three
    statements whatever the number of actions."""
    if not action_ids:
        return {}
    found: dict[int, set[Source]] = defaultdict(set)
    ids = sorted(action_ids)
    members = _members(cluster_id, session.get_bind().dialect.name, public=public)
    for (action_id,) in session.execute(
        linked_to_cluster(cluster_id, public=public).where(ActionCluster.action_id.in_(ids))
    ):
        found[action_id].add(Source())
    for action_id, rec_id in session.execute(
        select(ActionRecommendation.action_id, ActionRecommendation.recommendation_id).where(
            ActionRecommendation.action_id.in_(ids), ActionRecommendation.recommendation_id.in_(members)
        )
    ):
        found[action_id].add(Source(recommendation_id=rec_id))
    other_clusters = (
        select(ActionCluster.action_id, ClusterRecommendation.recommendation_id, ActionCluster.cluster_id)
        .join(ClusterRecommendation, ClusterRecommendation.cluster_id == ActionCluster.cluster_id)
        .where(
            ActionCluster.action_id.in_(ids),
            ActionCluster.cluster_id != cluster_id,
            ClusterRecommendation.recommendation_id.in_(members),
        )
    )
    other_clusters = other_clusters.join(Cluster, Cluster.id == ActionCluster.cluster_id).where(
        *cluster_in_view(public=public)
    )
    for action_id, rec_id, other in session.execute(other_clusters):
        found[action_id].add(Source(recommendation_id=rec_id, cluster_id=other))
    return {
        action_id: sorted(sources, key=lambda s: (s.recommendation_id or 0, s.cluster_id or 0))
        for action_id, sources in found.items()
    }


def linked_to_cluster(cluster_id: int, *, public: bool) -> Select[int]:
    """The ids of the actions linked to the cluster itself (``public``: only while it is published
    and not archived; staff read an archived cluster with the actions linked to it). They are the
    cluster's whether or not it holds a current recommendation, so
    the statistics filtered on the cluster count them too, even when no recommendation matches."""
    linked = select(ActionCluster.action_id).where(ActionCluster.cluster_id == cluster_id)
    if public:
        linked = linked.join(Cluster, Cluster.id == ActionCluster.cluster_id).where(*cluster_is_public())
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
