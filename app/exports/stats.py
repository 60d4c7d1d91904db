"""Statistics over the filtered recommendation list: one GROUP BY query per dimension.

Every query applies the list's filter conditions to ``recommendations`` (the same conditions as
the list and the exports), so the numbers always describe what the list would show. Python only
turns the few grouped rows into buckets; it never walks recommendations.

Unfiltered, the counts read every recommendation (3 s at 150,000 on SQLite), and the portal's
statistics page asks for them on every view: the counts are kept per data version, filters and
day (``recommendations.kept``: a new import run or write gives new ones). Given a
``timeout``, the queries of one computation together stop after that many seconds (503, see
``deadline.query_deadline``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import nullcontext
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, case, func, select, union
from sqlalchemy.orm import Session, aliased

from app.core.caching import data_etag
from app.exports.count_labels import NONE, CountLabels, ranked
from app.exports.deadline import query_deadline
from app.exports.schemas import ActionStats, CountBucket, PublicStats, StaffStats
from app.exports.service import conditions_for
from app.models import (
    Entity,
    Mechanism,
    Recommendation,
    RecommendationTerm,
    Term,
)
from app.models.local import DEFAULT_STATUS, PRIORITIES, STATUSES, RecommendationEntity, RecommendationLocal
from app.models.plan import ACTION_STATUSES, OPEN_ACTION_STATUSES, Action
from app.models.recommendation import POSITIONS
from app.plans.actions.reading import linked_to_cluster, serving
from app.recommendations import kept
from app.recommendations.reading import data_version, status_priority_columns
from app.recommendations.schemas import RecommendationListParams
from app.recommendations.service import check_filter_values
from app.taxonomies.service import SDG_ORDER, sdg_title, sdg_titles


def statistics(
    session: Session,
    params: RecommendationListParams,
    *,
    public: bool,
    today: date,
    timeout: float | None = None,
) -> PublicStats | StaffStats:
    """The public counts (published data only) when ``public``, else the staff ones."""
    if public:
        return public_statistics(session, params, today=today, timeout=timeout)
    return staff_statistics(session, params, today=today, timeout=timeout)


def public_statistics(
    session: Session, params: RecommendationListParams, *, today: date, timeout: float | None = None
) -> PublicStats:
    """Published data only: non-withdrawn recommendations, published actions and clusters."""
    return PublicStats(**_kept_counts(session, params, public=True, today=today, timeout=timeout))


def staff_statistics(
    session: Session, params: RecommendationListParams, *, today: date, timeout: float | None = None
) -> StaffStats:
    return StaffStats(**_kept_counts(session, params, public=False, today=today, timeout=timeout))


def statistics_tag(session: Session, params: RecommendationListParams, *, public: bool, today: date) -> str:
    """The ETag of the statistics ``params`` ask for, known before they are counted (a HEAD or a
    revalidation counts nothing): what they are made of, the data version (as ``kept`` keeps them),
    the day (what is overdue), the audience and the query, its language included."""
    asked = params.model_dump_json()
    return data_etag(data_version(session), "public" if public else "staff", today.isoformat(), asked)


def check_statistics(session: Session, params: RecommendationListParams, *, public: bool) -> None:
    """What the statistics of ``params`` would refuse (a filter value naming nothing, an SDG code that
    is none), counting nothing: the filters are made into conditions, not run."""
    check_filter_values(session, params, public=public)
    conditions_for(params, session.get_bind().dialect.name, public=public)


def _kept_counts(
    session: Session,
    params: RecommendationListParams,
    *,
    public: bool,
    today: date,
    timeout: float | None,
) -> dict[str, Any]:
    check_statistics(session, params, public=public)

    def compute() -> dict[str, Any]:
        with query_deadline(session, timeout) if timeout else nullcontext():
            return _counts(session, params, public=public, today=today)

    # Kept for every language at once: only the labels depend on it, set on the way out.
    asked = params.model_dump(mode="json", exclude={"lang"})
    counts = kept.counts.get(session, ["stats", public, today.isoformat(), asked], compute)
    return CountLabels(session, params.lang).statistics(counts)


def _counts(
    session: Session, params: RecommendationListParams, *, public: bool, today: date
) -> dict[str, Any]:
    conditions = conditions_for(params, session.get_bind().dialect.name, public=public)
    rec = Recommendation
    total, needs_review = session.execute(
        select(
            func.count(), func.coalesce(func.sum(case((rec.needs_review.is_(True), 1), else_=0)), 0)
        ).where(*conditions)
    ).one()
    fields: dict[str, Any] = {
        "total": total,
        "by_status": status_buckets(session, conditions, public=public),
        "by_mechanism": mechanism_buckets(session, conditions),
        "by_theme": _themes(session, conditions),
        "by_sdg_goal": sdg_goal_buckets(session, conditions, params.lang),
        "by_lead_entity": _lead_entities(session, conditions),
        "by_cycle": _cycles(session, conditions),
        "by_position": enum_buckets(
            session.execute(select(rec.position, func.count()).where(*conditions).group_by(rec.position)),
            POSITIONS,
        ),
        "by_priority": _priorities(session, conditions, public=public),
        "actions": _actions(session, conditions, params.cluster, public=public, today=today),
    }
    if not public:
        fields["needs_review"] = needs_review
    return fields


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def enum_buckets(
    rows: Iterable[Sequence[Any]],
    values: Sequence[str],
    default: str = NONE,
    labels: Mapping[str, str] | None = None,
) -> list[CountBucket]:
    """Every value of a fixed list, in its order, with 0 where nothing matched; NULL counts as ``default``.
    Labelled from ``labels`` where given, else from the value ("not_started": "Not started")."""
    counts = dict.fromkeys(values, 0)
    for key, count in rows:
        counts[key or default] = counts.get(key or default, 0) + count
    named = labels or {}
    return [
        CountBucket(key=key, label=named.get(key) or _label(key), count=count)
        for key, count in counts.items()
    ]


def status_buckets(
    session: Session, conditions: list[ColumnElement[bool]], *, public: bool
) -> list[CountBucket]:
    # No local row yet means never edited (for the public: never published): not started.
    status, _ = status_priority_columns(public=public)
    rows = session.execute(
        select(status, func.count())
        .select_from(Recommendation)
        .outerjoin(RecommendationLocal, RecommendationLocal.recommendation_id == Recommendation.id)
        .where(*conditions)
        .group_by(status)
    )
    return enum_buckets(rows, STATUSES, DEFAULT_STATUS)


def _priorities(
    session: Session, conditions: list[ColumnElement[bool]], *, public: bool
) -> list[CountBucket]:
    _, priority = status_priority_columns(public=public)
    rows = session.execute(
        select(priority, func.count())
        .select_from(Recommendation)
        .outerjoin(RecommendationLocal, RecommendationLocal.recommendation_id == Recommendation.id)
        .where(*conditions)
        .group_by(priority)
    )
    return enum_buckets(rows, (*PRIORITIES, NONE))


def mechanism_buckets(session: Session, conditions: list[ColumnElement[bool]]) -> list[CountBucket]:
    rows = session.execute(
        select(Mechanism.code, Mechanism.name, func.count())
        .select_from(Recommendation)
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(*conditions)
        .group_by(Mechanism.code, Mechanism.name)
    )
    return ranked(CountBucket(key=code, label=name, count=count) for code, name, count in rows)


def _themes(session: Session, conditions: list[ColumnElement[bool]]) -> list[CountBucket]:
    rows = session.execute(
        select(Term.id, Term.label, func.count())
        .select_from(Recommendation)
        .join(RecommendationTerm, RecommendationTerm.recommendation_id == Recommendation.id)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.role == "theme", *conditions)
        .group_by(Term.id, Term.label)
    )
    return ranked(CountBucket(key=str(term_id), label=label, count=count) for term_id, label, count in rows)


def sdg_goal_buckets(session: Session, conditions: list[ColumnElement[bool]], lang: str) -> list[CountBucket]:
    # A target counts for its goal; a recommendation linked to 5.1 and 5.2 counts once for goal 5.
    goal = aliased(Term)
    goal_code = func.coalesce(goal.code, Term.code)
    rows = session.execute(
        select(goal_code, func.count(func.distinct(Recommendation.id)))
        .select_from(Recommendation)
        .join(RecommendationTerm, RecommendationTerm.recommendation_id == Recommendation.id)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .outerjoin(goal, goal.id == Term.parent_id)
        .where(RecommendationTerm.role == "sdg", *conditions)
        .group_by(goal_code)
    )
    titles = sdg_titles(lang)
    buckets = []
    for code, count in rows:
        buckets.append(CountBucket(key=code, label=sdg_title(code, lang, titles), count=count))
    return sorted(buckets, key=lambda bucket: SDG_ORDER.get(bucket.key, len(SDG_ORDER)))


def _lead_entities(session: Session, conditions: list[ColumnElement[bool]]) -> list[CountBucket]:
    lead = and_(
        RecommendationEntity.recommendation_id == Recommendation.id,
        RecommendationEntity.responsibility == "lead",
    )
    rows = session.execute(
        select(Entity.id, Entity.name, Entity.acronym, func.count())
        .select_from(Recommendation)
        .outerjoin(RecommendationEntity, lead)
        .outerjoin(Entity, Entity.id == RecommendationEntity.entity_id)
        .where(*conditions)
        .group_by(Entity.id, Entity.name, Entity.acronym)
    )
    buckets = []
    for entity_id, name, acronym, count in rows:
        if entity_id is None:
            buckets.append(CountBucket(key=NONE, label="No lead entity", count=count))
        else:
            label = f"{name} ({acronym})" if acronym else name
            buckets.append(CountBucket(key=str(entity_id), label=label, count=count))
    return ranked(buckets)


def _cycles(session: Session, conditions: list[ColumnElement[bool]]) -> list[CountBucket]:
    rows = session.execute(
        select(Recommendation.upr_cycle, func.count()).where(*conditions).group_by(Recommendation.upr_cycle)
    )
    found = sorted(rows, key=lambda row: (row[0] is None, row[0] or 0))
    return [
        CountBucket(key=NONE, label="Not UPR", count=count)
        if cycle is None
        else CountBucket(key=str(cycle), label=f"Cycle {cycle}", count=count)
        for cycle, count in found
    ]


def _actions(
    session: Session,
    conditions: list[ColumnElement[bool]],
    cluster: int | None,
    *,
    public: bool,
    today: date,
) -> ActionStats:
    """Actions linked to a matching recommendation, directly or through a cluster it is in; filtered
    on a cluster, also those linked to the cluster itself, which are its actions even when none of
    its recommendations matches (a cluster of withdrawn ones, say): its pages list them too."""
    served = serving(select(Recommendation.id).where(*conditions), public=public).subquery()
    action_ids: Select[Any] | CompoundSelect[Any] = select(served.c.action_id)
    if cluster is not None:
        action_ids = union(action_ids, linked_to_cluster(cluster, public=public))
    overdue = and_(
        Action.due_date.is_not(None), Action.due_date < today, Action.status.in_(OPEN_ACTION_STATUSES)
    )
    query = (
        select(Action.status, func.count(), func.coalesce(func.sum(case((overdue, 1), else_=0)), 0))
        .where(Action.id.in_(action_ids))
        .group_by(Action.status)
    )
    if public:
        query = query.where(Action.published.is_(True))
    rows = session.execute(query).all()
    return ActionStats(
        total=sum(row[1] for row in rows),
        overdue=sum(row[2] for row in rows),
        by_status=enum_buckets(((status, count) for status, count, _ in rows), ACTION_STATUSES),
    )
