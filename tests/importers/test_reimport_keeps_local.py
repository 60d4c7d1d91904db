"""Re-importing the feed after staff worked on the recommendations changes no local field."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.models import Cluster, ClusterRecommendation, Recommendation
from app.models.base import Base
from app.models.local import RecommendationEntity, RecommendationLocal, StatusChange
from tests.accounts import create_entity, create_user
from tests.factories import ids_by_external_id, import_records, record

LOCAL_MODELS: tuple[type[Base], ...] = (
    RecommendationLocal,
    RecommendationEntity,
    StatusChange,
    ClusterRecommendation,
    Cluster,
)


def _records(changed: bool) -> list[Any]:
    suffix = " (revised)" if changed else ""
    return [
        record(
            "A",
            f"<p>1. Improve access to health care{suffix}.</p>",
            themes=["Right to health", "Children"] if changed else ["Right to health"],
            sdgs=["3.8"],
            publication_date=date(2024, 5, 1) if changed else date(2024, 1, 1),
        ),
        record("B", f"<p>2. Ratify the protocol{suffix}.</p>", mechanism="UPR", position="supported"),
        record("C", "<p>3. Collect disaggregated data.</p>"),
    ]


def _local_rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the local tables, every column, in a stable order."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    with Session(engine) as session:
        for model in LOCAL_MODELS:
            table = Base.metadata.tables[model.__tablename__]
            rows[table.name] = sorted((tuple(row) for row in session.execute(select(table))), key=repr)
    return rows


def test_reimport_and_withdrawal_keep_every_local_field(engine: Engine) -> None:
    import_records(engine, _records(changed=False))
    ids = ids_by_external_id(engine)
    health = create_entity(engine, "Ministry of Health")
    stats = create_entity(engine, "Statistics Office")
    user = create_user(engine, "coordinator@example.org", "coordinator")
    with Session(engine) as session, session.begin():
        for name, priority, status in (("A", "high", "in_progress"), ("C", "low", "implemented")):
            session.add(
                RecommendationLocal(
                    recommendation_id=ids[name],
                    priority=priority,
                    priority_rationale=f"why {name}",
                    status=status,
                    internal_notes=f"notes {name}",
                    updated_by_id=user,
                )
            )
            session.add(
                StatusChange(
                    recommendation_id=ids[name],
                    old_status="not_started",
                    new_status=status,
                    changed_by_id=user,
                )
            )
            session.add(
                RecommendationEntity(recommendation_id=ids[name], entity_id=health, responsibility="lead")
            )
            session.add(
                RecommendationEntity(
                    recommendation_id=ids[name], entity_id=stats, responsibility="supporting"
                )
            )
        cluster = Cluster(name="Health", lead_entity_id=health)
        session.add(cluster)
        session.flush()
        session.add_all(
            ClusterRecommendation(cluster_id=cluster.id, recommendation_id=ids[name])
            for name in ("A", "B", "C")
        )
    before = _local_rows(engine)
    assert len(before["recommendation_local"]) == 2 and len(before["cluster_recommendations"]) == 3

    # The feed changes A's and B's texts, A's themes and date; a full export without C withdraws it.
    summary = import_records(engine, _records(changed=True)[:2], full_export=True)
    assert (summary.counts.updated, summary.counts.withdrawn) == (2, 1)
    assert _local_rows(engine) == before
    with Session(engine) as session:
        withdrawn = session.get(Recommendation, ids["C"])
        assert withdrawn is not None and withdrawn.withdrawn and withdrawn.needs_review
        changed = session.get(Recommendation, ids["A"])
        assert changed is not None and changed.needs_review and changed.publication_date == date(2024, 5, 1)

    # Re-importing the original again (C comes back) still leaves the local rows alone.
    import_records(engine, _records(changed=False), full_export=True)
    assert _local_rows(engine) == before
