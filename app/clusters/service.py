"""Clusters: create, list, edit and archive them, and put recommendations in and out in bulk.

A cluster's version (its ETag) changes with every edit and every membership change, so a client
holding an old ETag learns that the cluster's contents moved. Rows are read ``FOR UPDATE`` before
a write: on PostgreSQL concurrent writers to one cluster queue, and the If-Match check then sees
the committed version (SQLite's write lock already serialises them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, and_, case, delete, func, insert, not_, select
from sqlalchemy.orm import Session

from app.audit.service import changed, record, snapshot
from app.clusters.member_checks import check_recommendations, members_among, refuse_linked_copies
from app.clusters.schemas import (
    ClusterCreate,
    ClusterListParams,
    ClusterOut,
    ClusterPage,
    ClusterUpdate,
    EntityRef,
    Member,
    MemberListParams,
    MemberPage,
    MembersAdded,
    MembersRemoved,
)
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import Conflict, NotFound, Refusals
from app.core.etag import check_if_match, etag
from app.core.pagination import CursorOrder, decode_cursor, keyset_page, ordered_page
from app.core.unique import refuse_duplicates
from app.entities.filter_ids import check_filter_ids
from app.entities.service import check_responsible
from app.feed.fields import name_order, same_name, searched_form
from app.models import Cluster, ClusterRecommendation, Entity, Recommendation
from app.models.base import utcnow
from app.recommendations.reading import leading_only

# In name order (the public list of clusters pages alike); a cluster's members by id.
CLUSTERS = CursorOrder("clusters", (str, int))
_MEMBERS = CursorOrder("cluster-members", (int,))

# Outer join: the lead columns are None for a cluster without a lead.
_LeadSelect = Select[Cluster, int, str, str | None]
_LeadRow = Row[Cluster, int, str, str | None]

AUDITED = ("name", "description", "lead_entity_id", "published", "archived")
# What an archived cluster keeps as it is until unarchived (its members too): its page says so.
_EDITED = ("name", "description", "lead_entity_id")


class MemberCount(NamedTuple):
    total: int
    withdrawn: int
    linked: int


NO_MEMBERS = MemberCount(0, 0, 0)


def _counts(session: Session, cluster_ids: Sequence[int]) -> dict[int, MemberCount]:
    """Each cluster's members, how many of them an import withdrew, and how many current ones are
    copies linked to another recommendation (docs/sources.md). Reports, the public portal and the
    recommendation list leave both out, so the pages say how many there are."""
    if not cluster_ids:
        return {}
    withdrawn = func.coalesce(func.sum(case((Recommendation.withdrawn.is_(True), 1), else_=0)), 0)
    copy = and_(Recommendation.withdrawn.is_(False), not_(leading_only()))
    linked = func.coalesce(func.sum(case((copy, 1), else_=0)), 0)
    rows = session.execute(
        select(ClusterRecommendation.cluster_id, func.count(), withdrawn, linked)
        .join(Recommendation, Recommendation.id == ClusterRecommendation.recommendation_id)
        .where(ClusterRecommendation.cluster_id.in_(cluster_ids))
        .group_by(ClusterRecommendation.cluster_id)
    )
    return {cluster_id: MemberCount(count, gone, copies) for cluster_id, count, gone, copies in rows}


def _count(session: Session, cluster_id: int) -> MemberCount:
    return _counts(session, [cluster_id]).get(cluster_id, NO_MEMBERS)


def _with_lead() -> _LeadSelect:
    return select(Cluster, Entity.id, Entity.name, Entity.acronym).outerjoin(
        Entity, Entity.id == Cluster.lead_entity_id
    )


def _out(row: _LeadRow, count: MemberCount) -> ClusterOut:
    cluster, lead_id, lead_name, lead_acronym = row
    lead = (
        EntityRef(id=lead_id, name=lead_name, acronym=lead_acronym)
        if lead_id is not None and lead_name
        else None
    )
    return ClusterOut(
        id=cluster.id,
        name=cluster.name,
        description=cluster.description,
        lead_entity=lead,
        published=cluster.published,
        archived=cluster.archived,
        recommendation_count=count.total,
        withdrawn_count=count.withdrawn,
        linked_count=count.linked,
        version=cluster.version,
        created_at=cluster.created_at,
        updated_at=cluster.updated_at,
    )


def _present(session: Session, cluster_id: int) -> tuple[ClusterOut, str]:
    row = session.execute(_with_lead().where(Cluster.id == cluster_id)).one()
    out = _out(row, _count(session, cluster_id))
    return out, etag(out.version)


def _load(session: Session, cluster_id: int, *, lock: bool = False) -> Cluster:
    query = select(Cluster).where(Cluster.id == cluster_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    cluster = session.scalars(query).first()
    if cluster is None:
        raise NotFound(Reason(_("cluster %(id)s does not exist"), id=cluster_id))
    return cluster


def _check_lead(session: Session, entity_id: int | None) -> None:
    if entity_id is not None:
        check_responsible(session, {"lead_entity_id": [entity_id]})


def _check_name(session: Session, name: str, own_id: int | None = None) -> None:
    # "Educación" and "EDUCACION" would be two clusters nobody could tell apart in a list. Compared in
    # Python, the same on SQLite and PostgreSQL (whose lower() and collations differ): a State has
    # hundreds of clusters at most, archived ones included (they come back when restored).
    taken = same_name(name, session.scalars(select(Cluster.name).where(Cluster.id != (own_id or 0))))
    if taken is not None:
        raise _name_taken(taken)


def _name_taken(taken: str) -> Conflict:
    reason = Reason(_("%(reason)s: %(ids)s"), reason=Reason(_("already used by another cluster")), ids=taken)
    return Conflict(f"name: {reason}", errors=[{"field": "name", "reason": reason}])


# Two clusters created (or renamed) with one name at once: the second is refused as above.
refuse_duplicates("clusters", "name", _name_taken)


def list_clusters(session: Session, params: ClusterListParams) -> ClusterPage:
    check_filter_ids(session, {"lead_entity_id": ("entity", params.lead_entity_id)})
    conditions: list[ColumnElement[bool]] = [Cluster.archived == params.archived]
    if params.lead_entity_id is not None:
        conditions.append(Cluster.lead_entity_id == params.lead_entity_id)
    # Alphabetical order is Python's (see ordered_page): a State has hundreds of clusters at most.
    names = session.execute(select(Cluster.id, Cluster.name).where(*conditions)).all()
    if params.q and params.q.strip():
        # Part of the name, accents and case aside as names are compared ("educacion" finds
        # "Educación"), in Python: the same on SQLite and PostgreSQL.
        part = searched_form(params.q)
        names = [row for row in names if part in searched_form(row.name)]
    page, next_cursor = ordered_page(
        names, lambda row: (row.name, row.id), name_order, params.limit, params.cursor, order=CLUSTERS
    )
    ids = [row.id for row in page]
    found = {row[0].id: row for row in session.execute(_with_lead().where(Cluster.id.in_(ids)))}
    counts = _counts(session, ids)
    items = [_out(found[cluster_id], counts.get(cluster_id, NO_MEMBERS)) for cluster_id in ids]
    return ClusterPage(items=items, next_cursor=next_cursor, total=len(names))


def get_cluster(session: Session, cluster_id: int) -> tuple[ClusterOut, str]:
    _load(session, cluster_id)
    return _present(session, cluster_id)


def names(session: Session, cluster_ids: Sequence[int]) -> dict[int, str]:
    """The name of each of these clusters (archived or not) that exists."""
    if not cluster_ids:
        return {}
    rows = session.execute(select(Cluster.id, Cluster.name).where(Cluster.id.in_(sorted(set(cluster_ids)))))
    return {cluster_id: name for cluster_id, name in rows}


def create_cluster(session: Session, actor: Actor, data: ClusterCreate) -> tuple[ClusterOut, str]:
    checks = Refusals(Conflict)  # a taken name and a wrong lead in one answer
    checks.check(_check_name, session, data.name)
    checks.check(_check_lead, session, data.lead_entity_id)
    checks.raise_any()
    now = utcnow()
    cluster = Cluster(
        name=data.name,
        description=data.description or None,
        lead_entity_id=data.lead_entity_id,
        published=data.published,
        archived=False,
        created_at=now,
        updated_at=now,
    )
    session.add(cluster)
    session.flush()
    record(session, actor, "cluster.create", "cluster", cluster.id, after=snapshot(cluster, AUDITED))
    return _present(session, cluster.id)


def update_cluster(
    session: Session, actor: Actor, cluster_id: int, data: ClusterUpdate, if_match: str | None
) -> tuple[ClusterOut, str]:
    cluster = _load(session, cluster_id, lock=True)
    check_if_match(if_match, etag(cluster.version))
    sent = data.model_dump(exclude_unset=True)
    if "description" in sent:
        sent["description"] = sent["description"] or None
    checks = Refusals(Conflict)
    if "name" in sent and sent["name"] != cluster.name:
        checks.check(_check_name, session, sent["name"], cluster.id)
    if "lead_entity_id" in sent and sent["lead_entity_id"] != cluster.lead_entity_id:
        checks.check(_check_lead, session, sent["lead_entity_id"])
    if sent.get("published") and not cluster.published and sent.get("archived", cluster.archived):
        checks.check(_refuse_publishing_archived, cluster.id)
    edited = [name for name in _EDITED if name in sent and sent[name] != getattr(cluster, name)]
    if edited and cluster.archived and sent.get("archived", True):
        checks.check(_refuse_archived, cluster.id)
    checks.raise_any()
    if sent.get("archived") and cluster.published:
        # Archiving withdraws the publication, in the same change and audit event: an archived cluster
        # is neither on the portal nor published, and unarchiving it does not bring it back unasked.
        sent["published"] = False
    before = snapshot(cluster, AUDITED)
    after = {**before, **sent}
    old, new = changed(before, after)
    if new:
        for name, value in new.items():
            setattr(cluster, name, value)
        cluster.updated_at = utcnow()
        session.flush()
        record(session, actor, "cluster.update", "cluster", cluster.id, before=old, after=new)
    return _present(session, cluster.id)


def _refuse_publishing_archived(cluster_id: int) -> None:
    """An archived cluster has left the portal: publishing it would show nothing, and would put it
    back there unasked the day it is unarchived."""
    raise Conflict(
        f"published: cluster {cluster_id} is archived; unarchive it (archived=false) before publishing it",
        errors=[
            {"field": "published", "reason": _("the cluster is archived; unarchive it before publishing it")}
        ],
    )


def _refuse_archived(cluster_id: int) -> None:
    raise Conflict(
        f"cluster {cluster_id} is archived; unarchive it (PATCH archived=false) before changing it",
        errors=[{"field": "archived", "reason": _("the cluster is archived")}],
    )


def _writable(session: Session, cluster_id: int, if_match: str | None, *, required: bool) -> Cluster:
    cluster = _load(session, cluster_id, lock=True)
    if required or if_match is not None:
        check_if_match(if_match, etag(cluster.version))
    if cluster.archived:
        _refuse_archived(cluster_id)
    return cluster


def _touch(session: Session, cluster: Cluster) -> None:
    """A new version (and ETag) for the cluster: its contents changed."""
    cluster.updated_at = utcnow()
    session.flush()


def add_members(
    session: Session, actor: Actor, cluster_id: int, ids: Sequence[int], if_match: str | None
) -> tuple[MembersAdded, str]:
    cluster = _writable(session, cluster_id, if_match, required=False)
    check_recommendations(session, ids)
    refuse_linked_copies(session, ids)
    present = members_among(session, cluster_id, ids)
    new = sorted(set(ids) - present)
    if new:
        now = utcnow()
        session.execute(
            insert(ClusterRecommendation),
            [{"cluster_id": cluster_id, "recommendation_id": rec_id, "added_at": now} for rec_id in new],
        )
        _touch(session, cluster)
    count = _count(session, cluster_id).total
    after: dict[str, Any] = {"ids": new, "unchanged": sorted(present), "recommendation_count": count}
    record(session, actor, "cluster.recommendations_added", "cluster", cluster_id, after=after)
    result = MembersAdded(added=len(new), unchanged=len(present), recommendation_count=count)
    return result, etag(cluster.version)


def remove_members(
    session: Session, actor: Actor, cluster_id: int, ids: Sequence[int], if_match: str | None
) -> tuple[MembersRemoved, str]:
    cluster = _writable(session, cluster_id, if_match, required=True)
    check_recommendations(session, ids)
    present = sorted(members_among(session, cluster_id, ids))
    if present:
        session.execute(
            delete(ClusterRecommendation).where(
                ClusterRecommendation.cluster_id == cluster_id,
                ClusterRecommendation.recommendation_id.in_(present),
            )
        )
        _touch(session, cluster)
    count = _count(session, cluster_id).total
    absent = sorted(set(ids) - set(present))
    after: dict[str, Any] = {"ids": present, "unchanged": absent, "recommendation_count": count}
    record(session, actor, "cluster.recommendations_removed", "cluster", cluster_id, after=after)
    result = MembersRemoved(removed=len(present), unchanged=len(absent), recommendation_count=count)
    return result, etag(cluster.version)


def list_members(session: Session, cluster_id: int, params: MemberListParams) -> MemberPage:
    _load(session, cluster_id)
    member = ClusterRecommendation
    total = session.execute(
        select(func.count()).select_from(member).where(member.cluster_id == cluster_id)
    ).scalar_one()
    query = select(member.recommendation_id, member.added_at).where(member.cluster_id == cluster_id)
    if params.cursor:
        (after_id,) = decode_cursor(params.cursor, _MEMBERS)
        query = query.where(member.recommendation_id > after_id)
    rows, next_cursor = keyset_page(
        session, query.order_by(member.recommendation_id), params.limit, lambda row: (row[0],), order=_MEMBERS
    )
    items = [Member(id=rec_id, added_at=added_at) for rec_id, added_at in rows]
    return MemberPage(items=items, next_cursor=next_cursor, total=total)
