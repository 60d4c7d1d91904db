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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, delete, exists, literal, select, union, update
from sqlalchemy.orm import Session

from app.followup.replies import carry_reply
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

# Every kind, in the order they are named, by the table whose rows say a record holds it.
_HOLDING: dict[str, Table] = {kind: table for kind, (table, _) in _MEMBERSHIPS.items()} | {
    kind: tables[0] for kind, tables in _WHOLE.items()
}
KINDS = tuple(_HOLDING)
MEMBERSHIP_KINDS = frozenset(_MEMBERSHIPS)


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
    for kind in _MEMBERSHIPS:
        if _move_memberships(conn, kind, member_id, leader_id):
            carried.moved.append(kind)
    for kind, tables in _WHOLE.items():
        if not _holds(conn, tables[0], member_id):
            continue
        if _holds(conn, tables[0], leader_id):
            carried.left.append(kind)
            continue
        _move_whole(conn, kind, member_id, leader_id)
        carried.moved.append(kind)
    if {"follow_up", "grades"} & set(carried.moved):
        _settle_replies(conn, member_id, leader_id, selection_moved="follow_up" in carried.moved)
    return carried


def _settle_replies(conn: Connection, member_id: int, leader_id: int, *, selection_moved: bool) -> None:
    """The follow-up replies of both records' documents as the moved work leaves them: the one the
    copy's selection was part of follows it to the leader."""
    with Session(bind=conn, autoflush=False) as session:
        carry_reply(session, member_id, leader_id, selection_moved=selection_moved)


def _holds(conn: Connection, table: Table, rec_id: int) -> bool:
    return bool(conn.execute(select(exists().where(table.c.recommendation_id == rec_id))).scalar())


def _move_memberships(conn: Connection, kind: str, member_id: int, leader_id: int) -> int:
    """The copy's memberships the leader lacks move; the others are already the leader's."""
    table, other = _MEMBERSHIPS[kind]
    rec = table.c.recommendation_id
    theirs = select(table.c[other]).where(rec == leader_id)
    lacking = update(table).where(rec == member_id, table.c[other].not_in(theirs))
    moved: int = conn.execute(lacking.values(recommendation_id=leader_id)).rowcount
    conn.execute(delete(table).where(rec == member_id))
    return moved


def _move_whole(conn: Connection, kind: str, member_id: int, leader_id: int) -> None:
    for table in _WHOLE[kind]:
        conn.execute(
            update(table).where(table.c.recommendation_id == member_id).values(recommendation_id=leader_id)
        )


def held_work(conn: Connection, ids: Sequence[int]) -> dict[int, list[str]]:
    """The kinds of work each of ``ids`` holds (``KINDS`` order), for those holding any: one statement."""
    if not ids:
        return {}
    rows = conn.execute(
        union(
            *(
                select(literal(kind).label("kind"), table.c.recommendation_id).where(
                    table.c.recommendation_id.in_(ids)
                )
                for kind, table in _HOLDING.items()
            )
        )
    )
    held: dict[int, set[str]] = defaultdict(set)
    for kind, rec_id in rows:
        held[rec_id].add(kind)
    return {rec_id: [kind for kind in KINDS if kind in kinds] for rec_id, kinds in sorted(held.items())}


def settle_work(conn: Connection, member_id: int, leader_id: int, kind: str, keep: str) -> int:
    """Settle one kind of work a copy still holds; the rows removed. ``keep="record"``: the copy's
    is removed, the leading record keeps its own; ``keep="copy"``: the record's is removed and the
    copy's moves to it. Memberships (clusters, actions) are not exclusive: the copy's move where the
    record lacks them, whichever is kept, and nothing is removed."""
    if kind in _MEMBERSHIPS:
        _move_memberships(conn, kind, member_id, leader_id)
        return 0
    gone, stays = (member_id, None) if keep == "record" else (leader_id, member_id)
    removed = 0
    for table in _WHOLE[kind]:
        removed += conn.execute(delete(table).where(table.c.recommendation_id == gone)).rowcount
    if stays is not None:
        _move_whole(conn, kind, stays, leader_id)
    if kind in ("follow_up", "grades"):
        _settle_replies(conn, member_id, leader_id, selection_moved=kind == "follow_up" and stays is not None)
    return removed


def carry_linked(conn: Connection) -> list[tuple[int, int, Carried]]:
    """``carry_work`` for every linked copy that still holds work (linked before its work was
    carried, or worked on since), as (copy, leader, what was carried); one statement when none does.
    Copies whose work stayed because the leader has its own are listed again at every pass."""
    linked = select(SourceLink.member_id).where(SourceLink.state == "linked")
    working = union(
        *(select(t.c.recommendation_id).where(t.c.recommendation_id.in_(linked)) for t in _HOLDING.values())
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
