"""Controlled vocabularies: mechanisms and the labelled terms recommendations are tagged with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.catalogue import marked as _
from app.models.base import Base, JSONType

MECHANISM_FAMILIES = ("upr", "treaty-body", "special-procedure", "regional", "other")
# Their names, in English (the API's facets); the pages and reports show them in the reader's language.
MECHANISM_FAMILY_LABELS = {
    "upr": _("Universal Periodic Review"),
    "treaty-body": _("Treaty bodies"),
    "special-procedure": _("Special procedures"),
    "regional": _("Regional mechanisms"),
    "other": _("Other"),
}

# Term kinds, and the roles a term plays on a recommendation (a State can be the country
# concerned or a recommending State).
TERM_KINDS = ("state", "region", "theme", "affected_person", "sdg", "issue")
ROLE_KIND = {
    "country": "state",
    "region": "region",
    "theme": "theme",
    "affected_person": "affected_person",
    "sdg": "sdg",
    "recommending_state": "state",
    "recommending_region": "region",
    "issue": "issue",
}


class Mechanism(Base):
    __tablename__ = "mechanisms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    family: Mapped[str] = mapped_column(String(32), index=True)


class MechanismLabel(Base):
    """Every spelling a source has used for a mechanism, by normalised key."""

    __tablename__ = "mechanism_labels"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    label: Mapped[str] = mapped_column(String(255))
    mechanism_id: Mapped[int] = mapped_column(ForeignKey("mechanisms.id", ondelete="CASCADE"), index=True)


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    label: Mapped[str] = mapped_column(Text)
    # SDG goals and targets: the code ("5", "5.2", "16.a"), the goal of a target, and titles by language.
    code: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id"), index=True)
    titles: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class RecommendationTerm(Base):
    __tablename__ = "recommendation_terms"
    __table_args__ = (Index("ix_recommendation_terms_term", "term_id", "role", "recommendation_id"),)

    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), primary_key=True)
