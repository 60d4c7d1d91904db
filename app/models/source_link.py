"""Links between the records of one recommendation that several sources publish.

UHRI and UPR Info both publish every UPR recommendation, and a coordinator may copy a UHRI record
into the CSV template. Each copy stays its own row, keyed on (source, external id) and revised by
its own source; a link says that ``member`` is the same recommendation as ``leader`` (the UHRI
record), so lists, counts, exports and reports show the leader only. Links are made after the
records are written (``app.recommendations.source_links``), never change a key, and a pair a
coordinator unlinked stays here as ``unlinked`` so it is never linked again automatically.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

LINK_STATES = ("linked", "unlinked")
# matched: by the linking pass (re-evaluated when texts change); manual: by a coordinator (kept).
LINK_METHODS = ("matched", "manual")


class SourceLink(Base):
    __tablename__ = "recommendation_source_links"
    __table_args__ = (
        UniqueConstraint("member_id", "leader_id"),
        Index("ix_recommendation_source_links_leader", "leader_id"),
        # A record is a linked copy of one recommendation at most; the lists' condition reads this.
        Index(
            "ux_recommendation_source_links_member",
            "member_id",
            unique=True,
            sqlite_where=text("state = 'linked'"),
            postgresql_where=text("state = 'linked'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("recommendations.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)  # the texts' similarity when last compared
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
