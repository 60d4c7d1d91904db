"""The data of an implementation report: matching recommendations with their work, grouped.

A report costs a fixed number of statements whatever its size: the recommendations (with their
mechanism and local row by join), then their texts, themes, clusters, responsible entities,
actions and progress updates in one query each. The related tables are read through the same
filters as a subquery, so no statement carries thousands of bound ids but the progress lookup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.feed.fields import alphabetical
from app.feed.mechanisms import localised_name
from app.models import (
    Action,
    Cluster,
    ClusterRecommendation,
    Entity,
    Mechanism,
    ProgressUpdate,
    Recommendation,
    RecommendationTerm,
    RecommendationText,
    Term,
)
from app.models.local import RecommendationLocal
from app.plans.actions.reading import serving
from app.plans.progress.reading import published_progress, visible_to
from app.recommendations.reading import filter_conditions, responsibilities, status_priority
from app.recommendations.schemas import RecommendationListParams
from app.recommendations.service import check_filter_values, choose_text
from app.reports.evidence import report_files
from app.reports.file_names import subject_of
from app.reports.filter_names import filters_used as filters_used  # the workspace names them so too
from app.reports.labels import Words, interface_language
from app.reports.order import cluster_order, goal_order, reading_order, section_order, section_titles
from app.reports.schemas import (
    GroupBy,
    Report,
    ReportAction,
    ReportEntity,
    ReportEvidenceFile,
    ReportGroup,
    ReportGroupAction,
    ReportProgress,
    ReportQuery,
    ReportRecommendation,
    StaffAction,
    StaffGroupAction,
    StaffProgress,
    StaffRecommendation,
    list_params,
)
from app.taxonomies.service import sdg_titles, term_names

# A report is read by people: past this many recommendations it is a data export, not a report.
MAX_RECOMMENDATIONS = 5000
_NO_DATE = date.max


@dataclass
class _Related:
    """Everything a report shows about its recommendations, by recommendation id."""

    texts: dict[int, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    themes: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    untranslated_themes: set[str] = field(default_factory=set)
    sdg_goals: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    clusters: dict[int, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    lead: dict[int, ReportEntity] = field(default_factory=dict)
    supporting: dict[int, list[ReportEntity]] = field(default_factory=lambda: defaultdict(list))
    # Linked to the recommendation (its row lists them, as its portal page and the exports do)...
    actions: dict[int, list[Action]] = field(default_factory=lambda: defaultdict(list))
    # ... or to a cluster it is in too (its group's table lists them: what the statistics count).
    serving: dict[int, dict[int, Action]] = field(default_factory=lambda: defaultdict(dict))
    action_leads: dict[int, ReportEntity] = field(default_factory=dict)
    published: dict[int, list[ProgressUpdate]] = field(default_factory=dict)
    latest_any: dict[int, ProgressUpdate] = field(default_factory=dict)
    # The evidence files of the updates shown, by update id.
    files: dict[int, list[ReportEvidenceFile]] = field(default_factory=dict)


def build_report(
    session: Session,
    query: ReportQuery,
    *,
    viewer: Actor | None,
    labels_lang: str = "en",
    address: str = "",
) -> Report:
    """The report of the recommendations ``query``'s filters match (withdrawn ones never): the staff
    report for ``viewer`` (with the internal detail they may read), the public one when None;
    ``labels_lang``: the language the feed names themes in (NRTD_UHRI_LANGUAGES' first); ``address``:
    the site's, which the evidence files' links start with."""
    staff = viewer is not None
    params = list_params(query)
    conditions = _conditions(session, params, staff=staff)
    rows = session.execute(
        select(Recommendation, Mechanism.code, Mechanism.name, RecommendationLocal)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .outerjoin(RecommendationLocal, RecommendationLocal.recommendation_id == Recommendation.id)
        .where(*conditions)
        .limit(MAX_RECOMMENDATIONS + 1)
    ).all()
    if len(rows) > MAX_RECOMMENDATIONS:
        _refuse_too_many(_total(session, conditions))
    matching = select(Recommendation.id).where(*conditions)
    words = Words(interface_language(params.lang))
    # Themes as the portal names them in this language, where the import brought their names.
    theme_names = term_names(session, words.lang).get("theme", {})
    related = _load_related(session, matching, theme_names, viewer=viewer, address=address)
    lines = [_line(row, related, params.lang, staff=staff) for row in rows]
    lines.sort(key=reading_order)
    used = _filters(query)
    filters = filters_used(session, used, params.lang, staff=staff, theme_names=theme_names)
    # The theme filter's values one by one, as "Filters used" shows them: those with no name in this
    # language are in the feed's, and marked so as the rows' themes are.
    chosen = [str(label) for label in used.get("theme") or []]
    theme_filter = [theme_names.get(label, label) for label in chosen]
    untranslated = related.untranslated_themes | {label for label in chosen if label not in theme_names}
    return Report(
        staff=staff,
        group_by=query.group_by,
        lang=params.lang,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        filters=filters,
        subject=subject_of(used, filters, words),
        total=len(lines),
        groups=_groups(lines, query.group_by, related, words, staff=staff),
        untranslated_themes=sorted(untranslated) if labels_lang != words.lang else [],
        labels_lang=labels_lang if labels_lang != words.lang else None,
        theme_filter=theme_filter,
        theme_filter_at=list(used).index("theme") if chosen else None,
    )


def _filters(query: ReportQuery) -> dict[str, Any]:
    # The language and the options are not filters.
    return query.model_dump(exclude_defaults=True, exclude={"lang", "group_by", "format", "template"})


def report_subject(session: Session, query: ReportQuery, *, staff: bool) -> str:
    """What ``build_report``'s report is about (``Report.subject``), without building it: a HEAD's
    file name."""
    used = _filters(query)
    words = Words(interface_language(query.lang))
    return subject_of(used, filters_used(session, used, query.lang, staff=staff), words)


def _conditions(session: Session, params: Any, *, staff: bool) -> list[ColumnElement[bool]]:
    # The list's rule: a value that names nothing is a 422 naming it (a cluster, for staff only).
    check_filter_values(session, params, public=not staff)
    return filter_conditions(params, session.get_bind().dialect.name, hints=False, public=not staff)


def check_report(session: Session, query: ReportQuery, *, staff: bool) -> None:
    """The refusals of ``build_report`` (a filter value that names nothing, more recommendations than
    a report holds), without building it: what a HEAD answers."""
    total = too_many(session, list_params(query), staff=staff)
    if total is not None:
        _refuse_too_many(total)


def too_many(session: Session, params: RecommendationListParams, *, staff: bool) -> int | None:
    """How many recommendations ``params`` match when a report cannot hold them all, else None (a
    count that stops past the limit)."""
    conditions = _conditions(session, params, staff=staff)
    capped = select(Recommendation.id).where(*conditions).limit(MAX_RECOMMENDATIONS + 1).subquery()
    if session.execute(select(func.count()).select_from(capped)).scalar_one() <= MAX_RECOMMENDATIONS:
        return None
    return _total(session, conditions)


def _total(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    return session.execute(select(func.count()).select_from(Recommendation).where(*conditions)).scalar_one()


def _refuse_too_many(total: int) -> None:
    reason = Reason(
        _(
            "%(total)s recommendations match; a report holds at most %(most)s: "
            "narrow it with filters (mechanism, theme, cycle, cluster, status...) or use the exports"
        ),
        total=total,
        most=MAX_RECOMMENDATIONS,
    )
    raise InvalidInput(reason, errors=[{"field": "filters", "reason": reason}])


def _entity(entity_id: int, name: str, acronym: str | None) -> ReportEntity:
    return ReportEntity(id=entity_id, name=name, acronym=acronym)


def _load_related(
    session: Session,
    matching: Select[Any],
    theme_names: dict[str, str],
    *,
    viewer: Actor | None,
    address: str,
) -> _Related:
    staff = viewer is not None
    related = _Related()
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
        .where(Cluster.archived.is_(False), ClusterRecommendation.recommendation_id.in_(matching))
    )
    if not staff:
        clusters = clusters.where(Cluster.published.is_(True))
    for rec_id, name, cluster_id in session.execute(clusters):
        related.clusters[rec_id].append((name, cluster_id))
    for rec_id, responsibility, entity_id, name, acronym in session.execute(responsibilities(matching)):
        if responsibility == "lead":
            related.lead[rec_id] = _entity(entity_id, name, acronym)
        else:
            related.supporting[rec_id].append(_entity(entity_id, name, acronym))
    _load_actions(session, matching, related, viewer=viewer)
    # The updates a report shows: each action's latest published one, and for staff the newest.
    shown = [rows[0] for rows in related.published.values() if rows] + list(related.latest_any.values())
    related.files = report_files(session, shown, viewer=viewer, address=address)
    return related


def _load_actions(
    session: Session, matching: Select[Any], related: _Related, *, viewer: Actor | None
) -> None:
    staff = viewer is not None
    pairs = serving(matching, public=not staff).subquery()
    actions = (
        select(pairs.c.recommendation_id, pairs.c.direct, Action, Entity.id, Entity.name, Entity.acronym)
        .join(Action, Action.id == pairs.c.action_id)
        .outerjoin(Entity, Entity.id == Action.lead_entity_id)
    )
    if not staff:
        actions = actions.where(Action.published.is_(True))
    for rec_id, direct, action, entity_id, name, acronym in session.execute(actions):
        if direct:
            related.actions[rec_id].append(action)
        related.serving[rec_id][action.id] = action
        if entity_id is not None:
            related.action_leads[action.id] = _entity(entity_id, name, acronym)
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


def _progress(update: ProgressUpdate, titles: dict[int, str], related: _Related) -> ReportProgress:
    return ReportProgress(
        id=update.id,
        action_title=titles[update.action_id],
        reported_on=update.reported_on,
        narrative=update.narrative,
        new_status=update.new_status,
        evidence_url=update.evidence_url,
        evidence_files=related.files.get(update.id, []),
    )


def _line(row: Any, related: _Related, lang: str, *, staff: bool) -> ReportRecommendation:
    rec: Recommendation = row.Recommendation
    local: RecommendationLocal | None = row.RecommendationLocal
    actions = _ordered(related.actions.get(rec.id, []))
    text_lang, text = choose_text(related.texts.get(rec.id, {}), lang)
    status, priority = status_priority(local, public=not staff)
    fields: dict[str, Any] = {
        "id": rec.id,
        "symbol": rec.symbol,
        "paragraph": rec.paragraph,
        "mechanism_code": row.code,
        # Named in the report's language, as its filters are (the stored name is the feed's English).
        "mechanism_name": localised_name(row.code, interface_language(lang)) or row.name,
        "type": rec.type,
        "text": text,
        "text_lang": text_lang,
        "publication_date": rec.publication_date,
        "position": rec.position,
        "upr_cycle": rec.upr_cycle,
        "upr_session": rec.upr_session,
        "themes": sorted(related.themes.get(rec.id, []), key=alphabetical),
        "clusters": [name for name, _ in sorted(related.clusters.get(rec.id, []), key=cluster_order)],
        "sdg_goals": sorted(related.sdg_goals.get(rec.id, set()), key=goal_order),
        "status": status,
        "priority": priority,
        "lead_entity": related.lead.get(rec.id),
        "supporting_entities": sorted(related.supporting.get(rec.id, []), key=lambda e: alphabetical(e.name)),
    }
    if not staff:
        return ReportRecommendation(
            **fields, actions=[ReportAction(**_action_fields(a, related)) for a in actions]
        )
    return StaffRecommendation(
        **fields,
        actions=[StaffAction(**_action_fields(a, related), published=a.published) for a in actions],
        priority_rationale=local.priority_rationale if local else None,
        internal_notes=local.internal_notes if local else None,
    )


def _ordered(actions: Iterable[Action]) -> list[Action]:
    return sorted(actions, key=lambda a: (a.due_date or _NO_DATE, a.id))


def _action_fields(action: Action, related: _Related) -> dict[str, Any]:
    return {
        "id": action.id,
        "title": action.title,
        "status": action.status,
        "start_date": action.start_date,
        "due_date": action.due_date,
        "lead_entity": related.action_leads.get(action.id),
    }


def _group_action(action: Action, related: _Related, *, staff: bool) -> ReportGroupAction:
    """The action once, with its latest published update (and, for staff, a newer one in the works)."""
    titles = {action.id: action.title}
    published = related.published.get(action.id, [])
    latest = published[0] if published else None
    fields = {
        **_action_fields(action, related),
        "latest_progress": _progress(latest, titles, related) if latest else None,
    }
    if not staff:
        return ReportGroupAction(**fields)
    newest = related.latest_any.get(action.id)
    internal = None
    if newest is not None and (latest is None or newest.id != latest.id):
        internal = StaffProgress(
            **_progress(newest, titles, related).model_dump(), state=newest.state, published=newest.published
        )
    return StaffGroupAction(**fields, published=action.published, latest_progress_internal=internal)


def _groups(
    lines: list[ReportRecommendation], group_by: GroupBy, related: _Related, words: Words, *, staff: bool
) -> list[ReportGroup]:
    """Sections in alphabetical (SDG: goal) order; the recommendations in none come last. Each section
    lists the actions of its recommendations once, with their latest progress."""
    goals = sdg_titles(words.lang) if group_by == "sdg" else {}
    sections: dict[tuple[int, tuple[Any, ...], str], list[ReportRecommendation]] = defaultdict(list)
    for line in lines:
        titles = section_titles(line, group_by, goals)
        if not titles:
            sections[(1, (), words.no_group(group_by))].append(line)
        for title in dict.fromkeys(titles):
            sections[(0, section_order(group_by, title), title)].append(line)
    groups = []
    for key in sorted(sections):
        members = sections[key]
        linked = _ordered(
            {a.id: a for line in members for a in related.serving.get(line.id, {}).values()}.values()
        )
        groups.append(
            ReportGroup(
                title=key[2],
                ungrouped=key[0] == 1,
                recommendations=members,
                actions=[_group_action(action, related, staff=staff) for action in linked],
            )
        )
    return groups
