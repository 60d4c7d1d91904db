"""A recommendation as the feeds describe it, its texts, search document and revisions.

Feed-owned columns are written only by the import pipeline. Local working fields (priority,
status, clusters, plans) live in their own tables so an import can never touch them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, JSONType, utcnow

SOURCES = ("uhri", "upr-info", "manual")
TYPES = ("recommendation", "observation")
POSITIONS = ("supported", "noted", "none")


class Recommendation(Base):
    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_recommendations_sort", "sort_date", "id"),
        Index("ix_recommendations_listing", "withdrawn", "sort_date", "id"),
        # A UPR cycle holds tens of thousands: its pages walk this index newest first.
        Index("ix_recommendations_cycle_sort", "upr_cycle", "sort_date", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    document_id: Mapped[str | None] = mapped_column(String(64))
    symbol: Mapped[str | None] = mapped_column(String(255), index=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id"), index=True)
    paragraph: Mapped[str | None] = mapped_column(String(32))
    publication_date: Mapped[date | None] = mapped_column(Date, index=True)
    uhri_published_at: Mapped[datetime | None] = mapped_column(DateTime)
    upr_cycle: Mapped[int | None] = mapped_column(Integer)
    upr_session: Mapped[int | None] = mapped_column(Integer, index=True)
    position: Mapped[str] = mapped_column(String(16), index=True)
    upr_info_action: Mapped[int | None] = mapped_column(Integer)
    # Newest first ordering key for keyset pagination: the publication date, or 0001-01-01.
    sort_date: Mapped[date] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Hash of the source's raw record: an unchanged record is recognised before it is even mapped.
    source_hash: Mapped[str | None] = mapped_column(String(64))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    updated_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RecommendationText(Base):
    __tablename__ = "recommendation_texts"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    original: Mapped[str] = mapped_column(Text)  # as the source gave it (HTML for UHRI)
    text: Mapped[str] = mapped_column(Text)  # sanitised plain text


class RecommendationSearch(Base):
    """One folded, tokenizer-friendly document per recommendation (all languages, then the words' stems:
    ``app.feed.stemming.search_document``).

    SQLite indexes it with an FTS5 table kept in sync by triggers; PostgreSQL with a GIN index on
    a stored ``search_tsv = to_tsvector('simple', document)`` column. Both are created by the migrations.
    """

    __tablename__ = "recommendation_search"

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    document: Mapped[str] = mapped_column(Text)


class Revision(Base):
    """A change the feed made to a feed-owned field: old and new values and the run."""

    __tablename__ = "recommendation_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), index=True
    )
    import_run_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SearchIndexState(Base):
    """One row: the version of the rule that built the stored search documents
    (``app.feed.stemming.SEARCH_DOCUMENT_VERSION``); ``nrtd migrate`` rebuilds older ones."""

    __tablename__ = "search_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_version: Mapped[int] = mapped_column(Integer)
