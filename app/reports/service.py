"""The data of an implementation report: matching recommendations with their work, grouped.

A report costs a fixed number of statements whatever its size: the recommendations (with their
mechanism and local row by join), then their texts, themes, clusters, responsible entities,
actions and progress updates in one query each. The related tables are read through the same
filters as a subquery, so no statement carries thousands of bound ids but the progress lookup.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.feed.fields import alphabetical
from app.feed.mechanisms import localised_name
from app.models import (
    Action,
    Mechanism,
    ProgressUpdate,
    Recommendation,
)
from app.models.local import RecommendationLocal
from app.recommendations.reading import filter_conditions, status_priority
from app.recommendations.schemas import RecommendationListParams
from app.recommendations.service import check_filter_values, choose_text
from app.reports.file_names import subject_of
from app.reports.filter_names import filters_used as filters_used  # the workspace names them so too
from app.reports.labels import Words, interface_language
from app.reports.order import cluster_order, goal_order, reading_order, section_order, section_titles
from app.reports.related import Related, load_related
from app.reports.schemas import (
    GroupBy,
    Report,
    ReportAction,
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
    related = load_related(session, matching, theme_names, viewer=viewer, address=address)
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
    # The list's rule: a value that names nothing is a 422 naming it. A report names its cluster too,
    # so the public one refuses a cluster it does not show as one that does not exist.
    check_filter_values(session, params, public=not staff, named_cluster=True)
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


def _progress(update: ProgressUpdate, titles: dict[int, str], related: Related) -> ReportProgress:
    return ReportProgress(
        id=update.id,
        action_title=titles[update.action_id],
        reported_on=update.reported_on,
        narrative=update.narrative,
        new_status=update.new_status,
        evidence_url=update.evidence_url,
        evidence_files=related.files.get(update.id, []),
    )


def _line(row: Any, related: Related, lang: str, *, staff: bool) -> ReportRecommendation:
    rec: Recommendation = row.Recommendation
    local: RecommendationLocal | None = row.RecommendationLocal
    # Linked to it or to a cluster it is in, as its portal page, the public API and the exports list them.
    actions = _ordered(related.serving.get(rec.id, {}).values())
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


def _action_fields(action: Action, related: Related) -> dict[str, Any]:
    return {
        "id": action.id,
        "title": action.title,
        "status": action.status,
        "start_date": action.start_date,
        "due_date": action.due_date,
        "lead_entity": related.action_leads.get(action.id),
    }


def _group_action(action: Action, related: Related, *, staff: bool) -> ReportGroupAction:
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
    lines: list[ReportRecommendation], group_by: GroupBy, related: Related, words: Words, *, staff: bool
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
