"""What a cluster's members are checked against before they are added (the recommendations exist,
none is a copy listed in its record's place), and which of some recommendations a cluster holds: for
``app.clusters.service`` and the workspace's pages alike."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.db import off_index
from app.core.errors import InvalidInput
from app.models import ClusterRecommendation, Recommendation
from app.models.source_link import SourceLink


def check_recommendations(session: Session, ids: Sequence[int]) -> None:
    known = set(session.scalars(select(Recommendation.id).where(Recommendation.id.in_(ids))))
    unknown = sorted(set(ids) - known)
    if unknown:
        listed = ", ".join(str(rec_id) for rec_id in unknown[:50])
        more = f" and {len(unknown) - 50} more" if len(unknown) > 50 else ""
        raise InvalidInput(
            f"ids: unknown recommendation ids {listed}{more}; nothing was changed",
            errors=[
                {
                    "field": "ids",
                    "reason": Reason(_("unknown recommendation ids: %(ids)s"), ids=f"{listed}{more}"),
                }
            ],
        )


def refuse_linked_copies(session: Session, ids: Sequence[int]) -> None:
    """A copy linked to a current record (docs/sources.md) is left out of every list, count and
    page, the cluster's too: in a cluster it would count nowhere, the portal showing it with no
    recommendation. Its record is the recommendation to add, so the refusal names it."""
    leader = aliased(Recommendation)
    # Led by the ids: SQLite, without statistics, would walk every current recommendation instead.
    current = off_index(leader.withdrawn.expression, session.get_bind().dialect.name).is_(False)
    copies = session.execute(
        select(SourceLink.member_id, SourceLink.leader_id)
        .join(leader, leader.id == SourceLink.leader_id)
        .where(SourceLink.state == "linked", SourceLink.member_id.in_(ids), current)
        .order_by(SourceLink.member_id)
    ).all()
    if not copies:
        return
    copy, record = copies[0]
    more = f" (and {len(copies) - 1} more copies)" if len(copies) > 1 else ""
    reason = Reason(
        _(
            "recommendation %(copy)s is a copy linked to recommendation %(record)s, which is listed in its "
            "place: add recommendation %(record)s instead"
        ),
        copy=str(copy),
        record=str(record),
    )
    raise InvalidInput(
        f"ids: {reason}{more}; nothing was changed", errors=[{"field": "ids", "reason": reason}]
    )


def members_among(session: Session, cluster_id: int, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` the cluster holds."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(ClusterRecommendation.recommendation_id).where(
                ClusterRecommendation.cluster_id == cluster_id,
                ClusterRecommendation.recommendation_id.in_(ids),
            )
        )
    )
