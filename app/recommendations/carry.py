"""A copy's work goes with it to the record it is linked to.

A coordinator may have worked on a UPR Info row or a manual copy before its UHRI record arrived:
set its status and priority, named the ministries responsible, put it in clusters and actions. Once
the copy is linked (``source_links.link_duplicates``, or by hand: ``sources.link``) only the leading
record is listed and counted, so that work would no longer show anywhere. When a link is made, the
copy's work moves to the leading record, kind by kind, where the leader has none of that kind; a
kind the leader already has stays on the copy (nothing is merged or overwritten), and is named in
what the link reports, so that a coordinator can settle it on the two records' pages.

Kinds: clusters and actions (a membership the leader lacks), the local row with its status history
(status, priority, notes, what was published), the responsible entities, the follow-up selection
and the follow-up grades. Core statements on the link's own connection and transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, delete, exists, select, union, update

from app.models import ClusterRecommendation, Recommendation
from app.models.followup import FollowUpGrade, RecommendationFollowUp
from app.models.local import RecommendationEntity, RecommendationLocal, StatusChange
from app.models.plan import ActionRecommendation
from app.models.source_link import SourceLink

# Memberships: the copy's rows the leader lacks move, the others are the same membership twice.
_MEMBERSHIPS: dict[str, tuple[Table, str]] = {
    "clusters": (ClusterRecommendation.__table__, "cluster_id"),  # type: ignore[dict-item]
    "actions": (ActionRecommendation.__table__, "action_id"),  # type: ignore[dict-item]
}
# Whole kinds: they move when the leader has none, each with the tables that go with it.
_WHOLE: dict[str, tuple[Table, ...]] = {
    "status": (RecommendationLocal.__table__, StatusChange.__table__),  # type: ignore[dict-item]
    "entities": (RecommendationEntity.__table__,),  # type: ignore[dict-item]
    "follow_up": (RecommendationFollowUp.__table__,),  # type: ignore[dict-item]
    "grades": (FollowUpGrade.__table__,),  # type: ignore[dict-item]
}


@dataclass
class Carried:
    """What moved from a copy to its leader, and what stayed on the copy (the leader had its own)."""

    moved: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"moved": self.moved, "left": self.left}


def carry_work(conn: Connection, member_id: int, leader_id: int) -> Carried:
    """Move the work of ``member_id`` to ``leader_id`` where the leader has none of that kind."""
    carried = Carried()
    for kind, (table, other) in _MEMBERSHIPS.items():
        rec = table.c.recommendation_id
        theirs = select(table.c[other]).where(rec == leader_id)
        lacking = update(table).where(rec == member_id, table.c[other].not_in(theirs))
        moved = conn.execute(lacking.values(recommendation_id=leader_id)).rowcount
        conn.execute(delete(table).where(rec == member_id))  # already the leader's
        if moved:
            carried.moved.append(kind)
    for kind, tables in _WHOLE.items():
        first = tables[0]
        if not conn.execute(select(exists().where(first.c.recommendation_id == member_id))).scalar():
            continue
        if conn.execute(select(exists().where(first.c.recommendation_id == leader_id))).scalar():
            carried.left.append(kind)
            continue
        for table in tables:
            rec = table.c.recommendation_id
            conn.execute(update(table).where(rec == member_id).values(recommendation_id=leader_id))
        carried.moved.append(kind)
    return carried


def carry_linked(conn: Connection) -> list[tuple[int, int, Carried]]:
    """``carry_work`` for every linked copy that still holds work (linked before its work was
    carried, or worked on since), as (copy, leader, what was carried); one statement when none does.
    Copies whose work stayed because the leader has its own are listed again at every pass."""
    linked = select(SourceLink.member_id).where(SourceLink.state == "linked")
    tables = [table for table, _ in _MEMBERSHIPS.values()] + [tables[0] for tables in _WHOLE.values()]
    working = union(
        *(select(table.c.recommendation_id).where(table.c.recommendation_id.in_(linked)) for table in tables)
    ).subquery()
    pairs = conn.execute(
        select(SourceLink.member_id, SourceLink.leader_id)
        .join(Recommendation, Recommendation.id == SourceLink.leader_id)
        .where(
            SourceLink.state == "linked",
            SourceLink.member_id.in_(select(working.c.recommendation_id)),
            Recommendation.withdrawn.is_(False),
        )
        .order_by(SourceLink.member_id)
    ).all()
    return [(member, leader, carry_work(conn, member, leader)) for member, leader in pairs]
