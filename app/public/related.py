"""What the public sees around a recommendation or an action, loaded in bulk for a whole page.

Each loader is one statement whatever the page size, and each applies the public rules itself:
published and not archived clusters, published actions, approved and published progress,
recommendations that are not withdrawn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_is_public
from app.entities.reading import public_entity_ids as public_entity_ids
from app.evidence.reading import evidence_rows
from app.feed.fields import name_order
from app.models import (
    Action,
    Cluster,
    ClusterRecommendation,
    Entity,
    Indicator,
    ProgressUpdate,
    Recommendation,
)
from app.plans.actions.reading import sdg_sort_key, served_through_clusters, serving
from app.plans.indicators.reading import public_values
from app.plans.progress.reading import published_progress
from app.public import schemas
from app.public.schemas import public_evidence_url
from app.recommendations.reading import recommendation_is_current as recommendation_is_current
from app.taxonomies.service import sdg_titles


def public_cluster_ids(session: Session, ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Cluster.id).where(Cluster.id.in_(sorted(ids)), *cluster_is_public())))


def cluster_refs(session: Session, ids: Collection[int]) -> dict[int, schemas.PublicClusterRef]:
    """The public ones among these clusters."""
    if not ids:
        return {}
    rows = session.execute(
        select(Cluster.id, Cluster.name).where(Cluster.id.in_(sorted(ids)), *cluster_is_public())
    )
    return {cluster_id: schemas.PublicClusterRef(id=cluster_id, name=name) for cluster_id, name in rows}


def current_recommendation_ids(session: Session, ids: Collection[int]) -> set[int]:
    """The ones that exist and are current (``recommendation_is_current``)."""
    if not ids:
        return set()
    return set(
        session.scalars(
            select(Recommendation.id).where(Recommendation.id.in_(sorted(ids)), *recommendation_is_current())
        )
    )


def entity_refs(session: Session, ids: Collection[int]) -> dict[int, schemas.PublicEntityRef]:
    """Name and acronym only: contact people, e-mails and phones are not public."""
    if not ids:
        return {}
    rows = session.execute(select(Entity.id, Entity.name, Entity.acronym).where(Entity.id.in_(sorted(ids))))
    return {
        entity_id: schemas.PublicEntityRef(id=entity_id, name=name, acronym=acronym)
        for entity_id, name, acronym in rows
    }


def sdg_refs(codes: Iterable[str]) -> list[schemas.PublicSdgRef]:
    titles = sdg_titles("en")
    return [
        schemas.PublicSdgRef(code=code, title=titles.get(code, code))
        for code in sorted(codes, key=sdg_sort_key)
    ]


def progress_out(
    rows: Iterable[ProgressUpdate], files: dict[int, list[schemas.PublicEvidenceFile]] | None = None
) -> list[schemas.PublicProgressUpdate]:
    return [
        schemas.PublicProgressUpdate(
            id=row.id,
            reported_on=row.reported_on,
            narrative=row.narrative,
            new_status=row.new_status,
            evidence_url=row.evidence_url,
            published_at=row.published_at,
            evidence=(files or {}).get(row.id, []),
        )
        for row in rows
    ]


def evidence_files_out(
    session: Session, progress_ids: Collection[int]
) -> dict[int, list[schemas.PublicEvidenceFile]]:
    """The files of public progress updates (only ever called with those), by update id."""
    return {
        progress_id: [
            schemas.PublicEvidenceFile(
                id=row.id,
                filename=row.filename,
                media_type=row.media_type,
                size=row.size,
                url=public_evidence_url(row.id),
            )
            for row in rows
        ]
        for progress_id, rows in evidence_rows(session, progress_ids).items()
    }


def published_progress_out(
    session: Session, action_ids: Collection[int]
) -> dict[int, list[schemas.PublicProgressUpdate]]:
    """Only ever called with published actions' ids (an unpublished action's updates stay hidden)."""
    published = published_progress(session, action_ids)
    files = evidence_files_out(session, [row.id for rows in published.values() for row in rows])
    return {action_id: progress_out(rows, files) for action_id, rows in published.items()}


def clusters_of_recommendations(
    session: Session, rec_ids: Sequence[int]
) -> dict[int, list[schemas.PublicClusterRef]]:
    found: dict[int, list[schemas.PublicClusterRef]] = defaultdict(list)
    if not rec_ids:
        return found
    rows = session.execute(
        select(ClusterRecommendation.recommendation_id, Cluster.id, Cluster.name)
        .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
        .where(ClusterRecommendation.recommendation_id.in_(rec_ids), *cluster_is_public())
    )
    for rec_id, cluster_id, name in sorted(rows, key=lambda row: name_order(row.name, row.id)):
        found[rec_id].append(schemas.PublicClusterRef(id=cluster_id, name=name))
    return found


def actions_of_recommendations(
    session: Session, rec_ids: Sequence[int]
) -> dict[int, list[schemas.PublicActionSummary]]:
    """Published actions only, each with its published progress: two statements for the page. A
    recommendation's actions are those serving it, linked to it or to a published cluster it is in,
    as the statistics and the exports' ``action_count`` count them."""
    found: dict[int, list[schemas.PublicActionSummary]] = defaultdict(list)
    if not rec_ids:
        return found
    served = serving(select(Recommendation.id).where(Recommendation.id.in_(rec_ids)), public=True).subquery()
    pairs = select(served.c.recommendation_id, served.c.action_id).distinct().subquery()
    rows = session.execute(
        select(
            pairs.c.recommendation_id,
            Action.id,
            Action.title,
            Action.status,
            Action.start_date,
            Action.due_date,
            Entity.id,
            Entity.name,
            Entity.acronym,
        )
        .join(Action, Action.id == pairs.c.action_id)
        .outerjoin(Entity, Entity.id == Action.lead_entity_id)
        .where(Action.published.is_(True))
        .order_by(Action.id)
    ).all()
    progress = published_progress_out(session, {row[1] for row in rows})
    for rec_id, action_id, title, status, start, due, lead_id, lead_name, lead_acronym in rows:
        lead = schemas.PublicEntityRef(id=lead_id, name=lead_name, acronym=lead_acronym) if lead_id else None
        found[rec_id].append(
            schemas.PublicActionSummary(
                id=action_id,
                title=title,
                status=status,
                start_date=start,
                due_date=due,
                lead_entity=lead,
                progress=progress.get(action_id, []),
            )
        )
    return found


@dataclass
class ActionCore:
    """The fields of a published action the public shape is built from, and its links."""

    id: int
    title: str
    description: str | None
    status: str
    overdue: bool
    start_date: date | None
    due_date: date | None
    lead_entity_id: int | None
    supporting_entity_ids: list[int]
    recommendation_ids: list[int]
    cluster_ids: list[int]
    sdg_codes: list[str]


def _indicators(session: Session, action_ids: Sequence[int]) -> dict[int, list[schemas.PublicIndicator]]:
    """Indicators with baseline, target and their public values (``public_values``: approved, current;
    notes, drafts and replaced values are the staff's, not shown)."""
    found: dict[int, list[schemas.PublicIndicator]] = defaultdict(list)
    if not action_ids:
        return found
    indicators = session.execute(
        select(
            Indicator.id,
            Indicator.action_id,
            Indicator.name,
            Indicator.unit,
            Indicator.baseline_value,
            Indicator.baseline_date,
            Indicator.target_value,
            Indicator.target_date,
        )
        .where(Indicator.action_id.in_(action_ids))
        .order_by(Indicator.id)
    ).all()
    values: dict[int, list[schemas.PublicIndicatorValue]] = defaultdict(list)
    if indicators:
        for indicator_id, measured_on, value in public_values(session, [row[0] for row in indicators]):
            values[indicator_id].append(schemas.PublicIndicatorValue(measured_on=measured_on, value=value))
    for ind_id, action_id, name, unit, base, base_date, target, target_date in indicators:
        found[action_id].append(
            schemas.PublicIndicator(
                id=ind_id,
                name=name,
                unit=unit,
                baseline=None if base is None else schemas.PublicMeasure(value=base, date=base_date),
                target=None if target is None else schemas.PublicMeasure(value=target, date=target_date),
                values=values.get(ind_id, []),
            )
        )
    return found


def assemble_actions(session: Session, cores: Sequence[ActionCore]) -> list[schemas.PublicAction]:
    """Public actions from published ones: a fixed number of statements for any number of actions."""
    ids = [core.id for core in cores]
    entities = entity_refs(
        session,
        {
            *(c.lead_entity_id for c in cores if c.lead_entity_id),
            *(i for c in cores for i in c.supporting_entity_ids),
        },
    )
    clusters = cluster_refs(session, {i for c in cores for i in c.cluster_ids})
    current = current_recommendation_ids(session, {i for c in cores for i in c.recommendation_ids})
    indicators = _indicators(session, ids)
    progress = published_progress_out(session, ids)
    through = served_through_clusters(session, ids, public=True)
    return [
        schemas.PublicAction(
            id=core.id,
            title=core.title,
            description=core.description,
            status=core.status,
            overdue=core.overdue,
            start_date=core.start_date,
            due_date=core.due_date,
            lead_entity=entities.get(core.lead_entity_id) if core.lead_entity_id else None,
            supporting_entities=sorted(
                (entities[i] for i in core.supporting_entity_ids if i in entities),
                key=lambda ref: name_order(ref.name, ref.id),
            ),
            sdgs=sdg_refs(core.sdg_codes),
            recommendation_ids=[i for i in core.recommendation_ids if i in current],
            clusters=[clusters[i] for i in core.cluster_ids if i in clusters],
            recommendations_through_clusters=[
                schemas.PublicClusterRecommendations(cluster_id=cluster_id, recommendation_ids=rec_ids)
                for cluster_id, rec_ids in through.get(core.id, {}).items()
                if cluster_id in clusters
            ],
            indicators=indicators.get(core.id, []),
            progress=progress.get(core.id, []),
        )
        for core in cores
    ]
