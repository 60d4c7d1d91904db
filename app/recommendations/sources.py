"""A recommendation's records in every source, and a coordinator's links between them.

The linking pass (``source_links.py``) links the copies it recognises; here a coordinator lists a
group, undoes a link (the pair stays ``unlinked``, and the pass never links it again) or links two
records by hand. Each change is audited in the request's transaction, which also moves the data
version, so cached totals and exports' ETags follow.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.db import rows_for_ids
from app.core.errors import Conflict, InvalidInput, NotFound
from app.feed.matching import state_key
from app.models import Mechanism, Recommendation, RecommendationTerm, Term
from app.models.base import utcnow
from app.models.source_link import SourceLink
from app.recommendations.carry import carry_work, held_work, settle_work
from app.recommendations.schemas import CopyWork, SourceList, SourceRef
from app.web.filter_labels import SOURCE_LABELS

# The links in force that hold any of ``{ids}`` (as a member or as the leader), and the source keys
# of records a page does not hold: run by the driver (``rows_for_ids``), as every page asks.
_LINKED_SQL = (
    "SELECT leader_id, member_id, method, score FROM recommendation_source_links"
    " WHERE state = 'linked' AND (member_id {ids} OR leader_id {ids})"
)
_KEYS_SQL = "SELECT id, source, external_id FROM recommendations WHERE id {ids}"


def source_groups(session: Session, known: dict[int, tuple[str, str]]) -> dict[int, list[SourceRef]]:
    """For each record of ``known`` (id -> (source, external id), as a page holds them): its group's
    records, the leading one first. One query for a page without links, three with some."""
    if not known:
        return {}
    ids = sorted(known)
    links = rows_for_ids(session, _LINKED_SQL, ids)
    members: dict[int, list[Any]] = defaultdict(list)
    leaders = {link.leader_id for link in links}
    for link in rows_for_ids(session, _LINKED_SQL, sorted(leaders)):
        if link.leader_id in leaders:
            members[link.leader_id].append(link)
    leader_of = {link.member_id: link.leader_id for group in members.values() for link in group}
    keys = dict(known)
    missing = sorted((leaders | set(leader_of)) - set(keys))
    keys |= {row.id: (row.source, row.external_id) for row in rows_for_ids(session, _KEYS_SQL, missing)}
    groups: dict[int, list[SourceRef]] = {}
    for rec_id in ids:
        leader = leader_of.get(rec_id, rec_id)
        refs = [_ref(leader, keys[leader], "leading", None, None)] if leader in keys else []
        refs += [
            _ref(link.member_id, keys[link.member_id], "linked", link.method, link.score)
            for link in sorted(members.get(leader, []), key=lambda link: link.member_id)
            if link.member_id in keys
        ]
        groups[rec_id] = refs
    return groups


def _ref(rec_id: int, key: tuple[str, str], link: str, method: str | None, score: float | None) -> SourceRef:
    source, external_id = key
    return SourceRef.model_validate(
        {
            "recommendation_id": rec_id,
            "source": source,
            "external_id": external_id,
            "link": link,
            "method": method,
            "score": score,
        }
    )


def copies_work(session: Session, refs: Sequence[SourceRef]) -> dict[int, list[str]]:
    """The work each linked copy among ``refs`` still holds (``carry.held_work``), for those holding any."""
    return held_work(session.connection(), [ref.recommendation_id for ref in refs if ref.link == "linked"])


def list_sources(session: Session, recommendation_id: int) -> SourceList:
    """The group of ``recommendation_id`` and the pairs separated by hand that involve it."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise NotFound(f"recommendation {recommendation_id} does not exist")
    items = source_groups(session, {rec.id: (rec.source, rec.external_id)})[recommendation_id]
    leader = items[0].recommendation_id
    in_group = {item.recommendation_id for item in items}
    separated = session.scalars(
        select(SourceLink)
        .where(
            SourceLink.state == "unlinked",
            or_(SourceLink.leader_id.in_(sorted(in_group)), SourceLink.member_id.in_(sorted(in_group))),
        )
        .order_by(SourceLink.id)
    )
    for link in separated:
        other = link.member_id if link.leader_id in in_group else link.leader_id
        other_rec = session.get(Recommendation, other)
        if other_rec is not None and other not in in_group:
            items.append(
                _ref(other, (other_rec.source, other_rec.external_id), "unlinked", link.method, link.score)
            )
    held = copies_work(session, items)
    work = [CopyWork.model_validate({"recommendation_id": rec_id, "kinds": held[rec_id]}) for rec_id in held]
    return SourceList(recommendation_id=leader, items=items, work_on_copies=work)


def _pair(session: Session, first: int, second: int) -> tuple[Recommendation, Recommendation]:
    if first == second:
        raise InvalidInput(
            "other_id: a recommendation cannot be linked to itself",
            errors=[{"field": "other_id", "reason": _("the same recommendation")}],
        )
    records = []
    for rec_id in (first, second):
        rec = session.get(Recommendation, rec_id)
        if rec is None and rec_id == first:
            raise NotFound(f"recommendation {rec_id} does not exist")
        if rec is None:
            reason = Reason(_("recommendation %(id)s does not exist"), id=rec_id)
            raise NotFound(str(reason), errors=[{"field": "other_id", "reason": reason}])
        records.append(rec)
    return records[0], records[1]


def _refuse_link(message: str, **values: int) -> Conflict:
    reason = Reason(message, **values)
    return Conflict(str(reason), errors=[{"field": "other_id", "reason": reason}])


def _states_under_review(session: Session, rec_id: int) -> list[str]:
    return sorted(
        session.scalars(
            select(Term.label)
            .join(RecommendationTerm, RecommendationTerm.term_id == Term.id)
            .where(RecommendationTerm.recommendation_id == rec_id, RecommendationTerm.role == "country")
        )
    )


def _not_the_same(message: str, **values: object) -> InvalidInput:
    reason = Reason(message, **values)
    return InvalidInput(f"other_id: {reason}", errors=[{"field": "other_id", "reason": reason}])


def _check_same_recommendation(session: Session, leader: Recommendation, member: Recommendation) -> None:
    """Two records are one recommendation only when one mechanism made it to one State under review
    (for the UPR, in one session): the pass compares no others (``app.feed.matching.block_keys``), and a
    link by hand across them would hide a real recommendation of another State or body from every list.
    A State or session a record does not name is not held against it. Two records of one source are
    two of its recommendations (a source keys each once): never the same one across sources."""
    if leader.mechanism_id != member.mechanism_id:
        wanted = (leader.mechanism_id, member.mechanism_id)
        rows = session.execute(select(Mechanism.id, Mechanism.code).where(Mechanism.id.in_(wanted)))
        codes = {mechanism_id: code for mechanism_id, code in rows}
        raise _not_the_same(
            _("recommendation %(id)s is of another mechanism (%(other)s, not %(mechanism)s)"),
            id=member.id,
            other=codes[member.mechanism_id],
            mechanism=codes[leader.mechanism_id],
        )
    ours, theirs = _states_under_review(session, leader.id), _states_under_review(session, member.id)
    if ours and theirs and not {state_key(s) for s in ours} & {state_key(s) for s in theirs}:
        raise _not_the_same(
            _("recommendation %(id)s concerns another State under review (%(other)s, not %(state)s)"),
            id=member.id,
            other=", ".join(theirs),
            state=", ".join(ours),
        )
    if leader.upr_session and member.upr_session and leader.upr_session != member.upr_session:
        raise _not_the_same(
            _("recommendation %(id)s is of another UPR session (%(other)s, not %(session)s)"),
            id=member.id,
            other=member.upr_session,
            session=leader.upr_session,
        )
    if leader.source == member.source:
        raise _not_the_same(
            _(
                "recommendation %(id)s is from the same source (%(source)s): only records of "
                "different sources can be linked"
            ),
            id=member.id,
            source=Reason(SOURCE_LABELS.get(member.source, member.source)),
        )


def _link_between(session: Session, a: int, b: int) -> SourceLink | None:
    return session.scalars(
        select(SourceLink).where(
            or_(
                (SourceLink.leader_id == a) & (SourceLink.member_id == b),
                (SourceLink.leader_id == b) & (SourceLink.member_id == a),
            )
        )
    ).first()


def unlink(session: Session, actor: Actor, recommendation_id: int, other_id: int) -> SourceList:
    """Separate two linked records: each is listed on its own again, and stays so."""
    _pair(session, recommendation_id, other_id)
    link = _link_between(session, recommendation_id, other_id)
    if link is None or link.state != "linked":
        raise Conflict(f"recommendations {recommendation_id} and {other_id} are not linked")
    before = {
        "leader_id": link.leader_id,
        "member_id": link.member_id,
        "state": "linked",
        "method": link.method,
    }
    link.state, link.method, link.updated_at = "unlinked", "manual", utcnow()
    session.flush()
    record(
        session,
        actor,
        "recommendation.source_unlinked",
        "recommendation",
        link.leader_id,
        before=before,
        after={**before, "state": "unlinked", "method": "manual"},
    )
    return list_sources(session, recommendation_id)


def link(session: Session, actor: Actor, recommendation_id: int, other_id: int) -> SourceList:
    """Link ``other_id`` to ``recommendation_id`` by hand: ``other_id`` is listed under it from now on,
    unless ``other_id`` is the UHRI record of the pair, which always leads: then ``recommendation_id``
    is listed under it (a copy never hides its UHRI record from the lists)."""
    leader, member = _pair(session, recommendation_id, other_id)
    if member.source == "uhri" and leader.source != "uhri":
        leader, member = member, leader
    _check_same_recommendation(session, leader, member)
    if session.scalar(
        select(SourceLink.id).where(SourceLink.state == "linked", SourceLink.member_id == leader.id)
    ):
        raise _refuse_link(
            _("recommendation %(id)s is itself linked to another one: link to that one"), id=leader.id
        )
    if session.scalar(
        select(SourceLink.id).where(SourceLink.state == "linked", SourceLink.leader_id == member.id)
    ):
        raise _refuse_link(_("recommendation %(id)s leads other records: unlink them first"), id=member.id)
    current = session.scalars(
        select(SourceLink).where(SourceLink.state == "linked", SourceLink.member_id == member.id)
    ).first()
    if current is not None and current.leader_id != leader.id:
        raise _refuse_link(
            _("recommendation %(id)s is linked to %(leader)s: unlink it first"),
            id=member.id,
            leader=current.leader_id,
        )
    existing = _link_between(session, leader.id, member.id)
    before = None if existing is None else {"leader_id": existing.leader_id, "state": existing.state}
    now = utcnow()
    if existing is None:
        existing = SourceLink(leader_id=leader.id, member_id=member.id, created_at=now)
        session.add(existing)
    existing.leader_id, existing.member_id = leader.id, member.id
    existing.state, existing.method, existing.updated_at = "linked", "manual", now
    session.flush()
    after = {"leader_id": leader.id, "member_id": member.id, "state": "linked", "method": "manual"}
    work = carry_work(session.connection(), member.id, leader.id)
    record(
        session,
        actor,
        "recommendation.source_linked",
        "recommendation",
        leader.id,
        before=before,
        after={**after, "work": work.as_dict()},
    )
    return list_sources(session, recommendation_id)


def leader_of(session: Session, copy_id: int) -> int | None:
    """The record ``copy_id`` is a linked copy of, if it is one."""
    leader: int | None = session.scalar(
        select(SourceLink.leader_id).where(SourceLink.state == "linked", SourceLink.member_id == copy_id)
    )
    return leader


def held_by(session: Session, recommendation_id: int) -> list[str]:
    """The kinds of work ``recommendation_id`` holds (``carry.held_work``)."""
    return held_work(session.connection(), [recommendation_id]).get(recommendation_id, [])


def settle(session: Session, actor: Actor, copy_id: int, kind: str, keep: str) -> SourceList:
    """Settle one kind of work a linked copy still holds (``carry.settle_work``): the leading
    record's kept and the copy's removed, or the copy's taken in place of the record's. Audited."""
    if session.get(Recommendation, copy_id) is None:
        raise NotFound(f"recommendation {copy_id} does not exist")
    leader_id = leader_of(session, copy_id)
    if leader_id is None:
        raise Conflict(f"recommendation {copy_id} is not linked as a copy of another record")
    held = held_by(session, copy_id)
    if kind not in held:
        reason = Reason(_("this copy holds none of it (any more)"))
        raise Conflict(f"kind: {reason}", errors=[{"field": "kind", "reason": reason}])
    removed = settle_work(session.connection(), copy_id, leader_id, kind, keep)
    record(
        session,
        actor,
        "recommendation.copy_work_settled",
        "recommendation",
        leader_id,
        before={"copy_id": copy_id, "held": held},
        after={"copy_id": copy_id, "kind": kind, "keep": keep, "rows_removed": removed},
    )
    return list_sources(session, copy_id)
