"""Facet counts of the recommendation list: for each filter, how many matching recommendations have
each of its values, under the current filters and query (staff: everything; public: published
data only, as the public statistics). One GROUP BY query per dimension, kept per data version like
the statistics (``recommendations.kept``).

A dimension's counts leave out that dimension's own filter (the usual "disjunctive" facets): with
``mechanism=CRC`` chosen, the mechanism counts still show how many each other mechanism would give,
while every other dimension counts within CRC.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from app.exports.count_labels import NONE, CountLabels, ranked
from app.exports.schemas import CountBucket, FacetBucket, RecommendationFacets
from app.exports.service import conditions_for
from app.exports.stats import enum_buckets, mechanism_buckets, sdg_goal_buckets, status_buckets
from app.models import Mechanism, Recommendation, RecommendationTerm, Term
from app.models.recommendation import POSITIONS
from app.models.taxonomy import MECHANISM_FAMILIES, MECHANISM_FAMILY_LABELS, ROLE_KIND
from app.recommendations import kept
from app.recommendations.schemas import RecommendationListParams
from app.recommendations.service import check_filter_values
from app.web.filter_labels import POSITION_LABELS, STATUS_LABELS

# The facets, each named after the filter whose counts it gives (and leaves out of its counts).
DIMENSIONS = ("mechanism", "family", "theme", "sdg", "affected_person", "cycle", "position", "status")


def facets(session: Session, params: RecommendationListParams, *, public: bool) -> RecommendationFacets:
    """Kept per data version for every language at once, labelled in ``lang`` on the way out as the
    statistics are (``count_labels``): counted anew, the search page's facets took 1.5 s at
    250,000 for each language."""
    check_filter_values(session, params, public=public)
    asked = params.model_dump(mode="json", exclude={"cursor", "limit", "sort", "lang"})
    counts = kept.counts.get(session, ["facets", public, asked], lambda: _counts(session, params, public))
    return RecommendationFacets(**_in_language(CountLabels(session, params.lang), counts))


def _in_language(labels: CountLabels, counts: dict[str, Any]) -> dict[str, Any]:
    relabel: dict[str, Callable[[list[CountBucket]], list[CountBucket]]] = {
        "mechanism": labels.mechanisms,
        "family": lambda buckets: labels.fixed(buckets, MECHANISM_FAMILY_LABELS),
        "theme": lambda buckets: labels.terms(buckets, ROLE_KIND["theme"]),
        "sdg": labels.sdg_goals,
        "affected_person": lambda buckets: labels.terms(buckets, ROLE_KIND["affected_person"]),
        "cycle": labels.cycles,
        "position": lambda buckets: labels.fixed(buckets, POSITION_LABELS),
        "status": lambda buckets: labels.fixed(buckets, STATUS_LABELS),
    }
    relabelled = {
        name: _buckets(
            words([CountBucket(key=b["value"], label=b["label"], count=b["count"]) for b in counts[name]])
        )
        for name, words in relabel.items()
    }
    return {**counts, **relabelled}


def _buckets(buckets: Iterable[CountBucket]) -> list[dict[str, Any]]:
    return [FacetBucket(value=b.key, label=b.label, count=b.count).model_dump() for b in buckets]


def _labels(session: Session, conditions: Sequence[ColumnElement[bool]], role: str) -> list[CountBucket]:
    rows = session.execute(
        select(Term.label, func.count())
        .select_from(Recommendation)
        .join(RecommendationTerm, RecommendationTerm.recommendation_id == Recommendation.id)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.role == role, *conditions)
        .group_by(Term.label)
    )
    return ranked(CountBucket(key=label, label=label, count=count) for label, count in rows)


def _cycles(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[CountBucket]:
    rows = session.execute(
        select(Recommendation.upr_cycle, func.count()).where(*conditions).group_by(Recommendation.upr_cycle)
    )
    found = sorted(rows, key=lambda row: (row[0] is None, row[0] or 0))
    return [
        CountBucket(
            key=NONE if cycle is None else str(cycle),
            label="Not UPR" if cycle is None else f"Cycle {cycle}",
            count=count,
        )
        for cycle, count in found
    ]


def _counts(session: Session, params: RecommendationListParams, public: bool) -> dict[str, Any]:
    dialect = session.get_bind().dialect.name

    def where(dimension: str) -> list[ColumnElement[bool]]:
        cleared = params.model_copy(update={dimension: []})
        return conditions_for(cleared, dialect, public=public)

    rec = Recommendation
    every = conditions_for(params, dialect, public=public)
    family = aliased(Mechanism)
    families = session.execute(
        select(family.family, func.count())
        .select_from(rec)
        .join(family, family.id == rec.mechanism_id)
        .where(*where("family"))
        .group_by(family.family)
    )
    positions = session.execute(
        select(rec.position, func.count()).where(*where("position")).group_by(rec.position)
    )
    return {
        "total": session.execute(select(func.count()).select_from(rec).where(*every)).scalar_one(),
        "mechanism": _buckets(mechanism_buckets(session, where("mechanism"))),
        "family": _buckets(enum_buckets(families, MECHANISM_FAMILIES, labels=MECHANISM_FAMILY_LABELS)),
        "theme": _buckets(_labels(session, where("theme"), "theme")),
        "sdg": _buckets(sdg_goal_buckets(session, where("sdg"), params.lang)),
        "affected_person": _buckets(_labels(session, where("affected_person"), "affected_person")),
        "cycle": _buckets(_cycles(session, where("cycle"))),
        "position": _buckets(enum_buckets(positions, POSITIONS)),
        "status": _buckets(status_buckets(session, where("status"), public=public)),
    }
