"""What a report shows about its recommendations, read in a few statements for all of them at once:
their texts, themes, goals, clusters, responsible entities, the actions serving them with their
progress updates, and the evidence files of the updates shown (for the viewer: staff, a focal point,
or the public)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.clusters.reading import cluster_in_view
from app.core.actor import Actor
from app.models import (
    Action,
    Cluster,
    ClusterRecommendation,
    Entity,
    ProgressUpdate,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.plans.actions.reading import serving
from app.plans.progress.reading import published_progress, visible_to
from app.recommendations.reading import responsibilities
from app.reports.evidence import report_files
from app.reports.schemas import ReportEntity, ReportEvidenceFile


@dataclass
class Related:
    """Everything a report shows about its recommendations, by recommendation id."""

    texts: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    themes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    untranslated_themes: set[str] = field(default_factory=set)
    sdg_goals: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    clusters: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    lead: dict[int, ReportEntity] = field(default_factory=dict)
    supporting: dict[int, list[ReportEntity]] = field(default_factory=lambda: defaultdict(list))
    # The actions serving a recommendation, linked to it or to a cluster it is in: its row lists them, as
    # its portal page, the public API and the exports' action_count do, and its group's table (what the
    # statistics count).
    serving: dict[int, dict[int, Action]] = field(default_factory=lambda: defaultdict(dict))
    action_leads: dict[int, ReportEntity] = field(default_factory=dict)
    published: dict[int, list[ProgressUpdate]] = field(default_factory=dict)
    latest_any: dict[int, ProgressUpdate] = field(default_factory=dict)
    # The evidence files of the updates shown, by update id.
    files: dict[int, list[ReportEvidenceFile]] = field(default_factory=dict)


def entity_ref(entity_id: int, name: str, acronym: str | None) -> ReportEntity:
    return ReportEntity(id=entity_id, name=name, acronym=acronym)


def load_related(
    session: Session,
    matching: Select[Any],
    theme_names: dict[str, str],
    *,
    viewer: Actor | None,
    address: str,
) -> Related:
    staff = viewer is not None
    related = Related()
    for rec_id, lang, text in session.execute(
        select(RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text).where(
            RecommendationText.recommendation_id.in_(matching)
        )
    ):
        related.texts[rec_id][lang] = text
    for rec_id, label in session.execute(
        select(RecommendationTerm.recommendation_id, Term.label)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.role == "theme", RecommendationTerm.recommendation_id.in_(matching))
    ):
        related.themes[rec_id].append(theme_names.get(label, label))
        if label not in theme_names:
            related.untranslated_themes.add(label)
    for rec_id, code in session.execute(
        select(RecommendationTerm.recommendation_id, Term.code)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.role == "sdg", RecommendationTerm.recommendation_id.in_(matching))
    ):
        if code:
            related.sdg_goals[rec_id].add(code.split(".")[0])
    clusters = (
        select(ClusterRecommendation.recommendation_id, Cluster.name, Cluster.id)
        .join(Cluster, Cluster.id == ClusterRecommendation.cluster_id)
        .where(*cluster_in_view(public=not staff), ClusterRecommendation.recommendation_id.in_(matching))
    )
    for rec_id, name, cluster_id in session.execute(clusters):
        related.clusters[rec_id].append((name, cluster_id))
    for rec_id, responsibility, entity_id, name, acronym in session.execute(responsibilities(matching)):
        if responsibility == "lead":
            related.lead[rec_id] = entity_ref(entity_id, name, acronym)
        else:
            related.supporting[rec_id].append(entity_ref(entity_id, name, acronym))
    _load_actions(session, matching, related, viewer=viewer)
    # The updates a report shows: each action's latest published one, and for staff the newest.
    shown = [rows[0] for rows in related.published.values() if rows] + list(related.latest_any.values())
    related.files = report_files(session, shown, viewer=viewer, address=address)
    return related


def _load_actions(session: Session, matching: Select[Any], related: Related, *, viewer: Actor | None) -> None:
    staff = viewer is not None
    pairs = serving(matching, public=not staff).subquery()
    actions = (
        select(pairs.c.recommendation_id, Action, Entity.id, Entity.name, Entity.acronym)
        .join(Action, Action.id == pairs.c.action_id)
        .outerjoin(Entity, Entity.id == Action.lead_entity_id)
    )
    if not staff:
        actions = actions.where(Action.published.is_(True))
    for rec_id, action, entity_id, name, acronym in session.execute(actions):
        related.serving[rec_id][action.id] = action
        if entity_id is not None:
            related.action_leads[action.id] = entity_ref(entity_id, name, acronym)
    action_ids = {action_id for served in related.serving.values() for action_id in served}
    # The published updates the viewer may read through the API (a focal point: not another
    # entity's updates of an unpublished action), the public's of the published actions.
    related.published = dict(published_progress(session, action_ids, reader=viewer))
    if viewer is not None:
        # The newest update of each action in any state that the viewer may read: staff see what is
        # in the pipeline, a focal point only what the progress queue shows them (not another
        # ministry's drafts).
        updates = session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id.in_(select(pairs.c.action_id)), *visible_to(viewer))
            .order_by(ProgressUpdate.reported_on.desc(), ProgressUpdate.id.desc())
        )
        for update in updates:
            related.latest_any.setdefault(update.action_id, update)
