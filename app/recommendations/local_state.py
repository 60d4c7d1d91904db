"""A recommendation's local state as the lists read it: the status and priority each reader sees,
the local row's columns for a page, and the filters on the local working fields.

The one place that says what "the public status" is (``status_priority_columns``); the staff list
(service.py), the read side (exports, reports, statistics) and the filters (reading.py) share it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import Bundle, InstrumentedAttribute

from app.clusters.reading import cluster_is_public
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.models import Cluster, ClusterRecommendation, Recommendation
from app.models.local import DEFAULT_STATUS, RecommendationEntity, RecommendationLocal
from app.recommendations.schemas import RecommendationFilter


def status_priority_columns(*, public: bool) -> tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]]:
    """The (status, priority) columns of ``recommendation_local`` as this reader sees them.

    The one place that says what "the public status" is: the public (API, portal, exports,
    reports, feed, statistics, the reader role) sees the status and priority a coordinator last
    published; staff see the working ones. A NULL status (no local row, or never published) reads
    as ``DEFAULT_STATUS``, a NULL priority as none. See docs/publishing.md.
    """
    local = RecommendationLocal
    if public:
        return local.published_status, local.published_priority
    return local.status, local.priority


class _LocalColumns(Bundle[Any]):
    """The local row's columns as one value of a result row: a ``Row`` with the entity's attribute
    names, or None where a recommendation has no local row (the outer join's NULLs)."""

    def create_row_processor(
        self, query: Select[Any], procs: Sequence[Callable[[Row[Any]], Any]], labels: Sequence[str]
    ) -> Callable[[Row[Any]], Any]:
        make = super().create_row_processor(query, procs, labels)

        def local(row: Row[Any]) -> Any:
            values = make(row)
            return None if values.recommendation_id is None else values

        return local


# A list page's local rows, read as columns (``LocalValues``): loading 50 of them as entities into
# the session took longer than the page's own query.
LOCAL_COLUMNS = _LocalColumns("local", *RecommendationLocal.__table__.c)
# A recommendation's local row: the entity, or its columns as ``LOCAL_COLUMNS`` reads them.
LocalValues = RecommendationLocal | Row[Any]


def status_priority(row: LocalValues | None, *, public: bool) -> tuple[str, str | None]:
    """``status_priority_columns`` for a loaded row: (status, priority) as this reader sees them."""
    if row is None:
        return DEFAULT_STATUS, None
    if public:
        return row.published_status or DEFAULT_STATUS, row.published_priority
    return row.status, row.priority


def local_conditions(params: RecommendationFilter, *, public: bool) -> list[ColumnElement[bool]]:
    """Filters on the local working fields: ``IN`` subqueries on indexed columns of their tables.

    A recommendation without a local row (or, for the public, never published) has status
    ``not_started``, so a status filter that includes it excludes the rows with any other status
    rather than selecting matching rows. ``public``: the published status and priority, and the
    cluster filter sees published clusters only.
    """
    conditions: list[ColumnElement[bool]] = []
    local = RecommendationLocal
    status, priority = status_priority_columns(public=public)
    if params.priority:
        conditions.append(
            Recommendation.id.in_(select(local.recommendation_id).where(priority.in_(params.priority)))
        )
    if params.status:
        statuses = sorted(set(params.status))
        if DEFAULT_STATUS in statuses:
            # NULL NOT IN (...) is not true: a never-published row is not excluded (it is not_started).
            other = select(local.recommendation_id).where(status.not_in(statuses))
            conditions.append(Recommendation.id.not_in(other))
        else:
            conditions.append(
                Recommendation.id.in_(select(local.recommendation_id).where(status.in_(statuses)))
            )
    if params.responsibility is not None and params.entity is None:
        reason = _("needs `entity`")
        raise InvalidInput(
            f"responsibility: {reason}", errors=[{"field": "responsibility", "reason": reason}]
        )
    if params.entity is not None:
        responsible = select(RecommendationEntity.recommendation_id).where(
            RecommendationEntity.entity_id == params.entity
        )
        if params.responsibility is not None:
            responsible = responsible.where(RecommendationEntity.responsibility == params.responsibility)
        conditions.append(Recommendation.id.in_(responsible))
    if params.cluster is not None:
        members = select(ClusterRecommendation.recommendation_id).where(
            ClusterRecommendation.cluster_id == params.cluster
        )
        if public:
            # Readers see published data only: an unpublished or archived cluster has no members.
            shown = select(Cluster.id).where(*cluster_is_public())
            members = members.where(ClusterRecommendation.cluster_id.in_(shown))
        conditions.append(Recommendation.id.in_(members))
    return conditions
