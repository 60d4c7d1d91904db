"""Actions: the steps of an implementation plan. Listing, reading, creating and changing them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.orm import Session

from app.audit.service import changed, jsonable, record
from app.auth.permissions import refuse
from app.core.actor import Actor
from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.etag import check_if_match, etag
from app.core.pagination import CursorOrder, decode_cursor, keyset_page
from app.core.row_locks import lock_for_write
from app.core.time_zone import local_today
from app.entities.filter_ids import check_filter_ids
from app.feed.fields import fold, name_order, searched_form
from app.feed.sdg import sdg_entries
from app.models import (
    Action,
    ActionEntity,
    Cluster,
    Entity,
    Mechanism,
    Recommendation,
)
from app.models.plan import OPEN_ACTION_STATUSES
from app.plans.actions.checks import checked_create, checked_patch
from app.plans.actions.links import replace_links
from app.plans.actions.reading import (
    Links,
    is_overdue,
    load_links,
    of_cluster,
    of_recommendation,
    served_through_clusters,
)
from app.plans.actions.schemas import (
    ActionCreate,
    ActionDetail,
    ActionListParams,
    ActionOut,
    ActionPage,
    ActionPatch,
    ActionSdgRef,
    Budget,
    BudgetOut,
    ClusterRecommendations,
    EntityRef,
    LinkedCluster,
    RecommendationRef,
)
from app.plans.actions.store import ensure_own_action, load_action, owns_action
from app.plans.indicators.service import indicators_of
from app.plans.progress.service import latest_approved

# What a focal point may change on an action of their entity; the rest is the coordinators' call.
FOCAL_POINT_FIELDS = frozenset({"title", "description", "start_date", "due_date", "status", "budget"})
_COLUMNS = ("title", "description", "lead_entity_id", "start_date", "due_date", "status", "published")
_BUDGET = ("budget_amount", "budget_currency", "budget_source")
CENTS = Decimal("0.01")
# Newest first; the public list of actions pages alike.
ACTIONS = CursorOrder("actions", (int,))


def _out(action: Action, links: Links, today: date) -> dict[str, Any]:
    budget = None
    if action.budget_amount is not None or action.budget_currency or action.budget_source:
        budget = BudgetOut(
            amount=action.budget_amount, currency=action.budget_currency, source=action.budget_source
        )
    return {
        "id": action.id,
        "title": action.title,
        "description": action.description,
        "status": action.status,
        "overdue": is_overdue(action, today),
        "lead_entity_id": action.lead_entity_id,
        "supporting_entity_ids": links.supporting_entity_ids,
        "recommendation_ids": links.recommendation_ids,
        "cluster_ids": links.cluster_ids,
        "sdg_targets": links.sdg_codes,
        "start_date": action.start_date,
        "due_date": action.due_date,
        "budget": budget,
        "published": action.published,
        "version": action.version,
        "created_by_id": action.created_by_id,
        "created_at": action.created_at,
        "updated_at": action.updated_at,
    }


def _conditions(
    params: ActionListParams, today: date, dialect: str, *, public: bool
) -> list[ColumnElement[bool]]:
    """``public``: what the public sees of a cluster's actions (``of_cluster``)."""
    conditions: list[ColumnElement[bool]] = []
    if params.status:
        conditions.append(Action.status.in_(sorted(set(params.status))))
    if params.lead_entity_id is not None:
        conditions.append(Action.lead_entity_id == params.lead_entity_id)
    if params.entity_id is not None:
        supported = select(ActionEntity.action_id).where(ActionEntity.entity_id == params.entity_id)
        conditions.append(or_(Action.lead_entity_id == params.entity_id, Action.id.in_(supported)))
    if params.recommendation_id is not None:
        conditions.append(Action.id.in_(of_recommendation(params.recommendation_id, public=public)))
    if params.cluster_id is not None:
        conditions.append(Action.id.in_(of_cluster(params.cluster_id, dialect, public=public)))
    if params.overdue is not None:
        overdue = and_(
            Action.due_date.is_not(None), Action.due_date < today, Action.status.in_(OPEN_ACTION_STATUSES)
        )
        conditions.append(overdue if params.overdue else not_(overdue))
    if params.due_before is not None:
        conditions.append(Action.due_date <= params.due_before)
    if params.due_after is not None:
        conditions.append(Action.due_date >= params.due_after)
    if params.published is not None:
        conditions.append(Action.published == params.published)
    return conditions


def _titled(session: Session, conditions: list[ColumnElement[bool]], q: str | None) -> None:
    """Add to ``conditions`` the title search: every word of ``q`` in the title, accents and case
    aside, as the clusters' names and the recommendations' texts are searched ("educacion" finds
    "Educación"). Folded in Python, so alike on SQLite and PostgreSQL (neither folds accents by
    itself), among the actions the other filters leave: a State's plans hold thousands at most.
    The words are ``q``'s letters and digits: quotes and punctuation typed or pasted around them
    (``"secondary schools"``, ``schools,``) are not looked for in the title; a ``q`` of punctuation
    alone (``%``) is looked for as it is."""
    words = fold(q or "") or [searched_form(word) for word in (q or "").split()]
    if not words:
        return
    titles = session.execute(select(Action.id, Action.title).where(*conditions))
    found = [row.id for row in titles if all(word in searched_form(row.title) for word in words)]
    conditions.append(Action.id.in_(found))


def list_actions(session: Session, params: ActionListParams, *, public: bool = False) -> ActionPage:
    """Newest first (by id), keyset pages. ``public``: the public's list (its caller also asks for
    published actions only), whose cluster filter sees published clusters only."""
    if not public:  # the public's own list answers what it may not show as unknown (app.public.actions)
        check_filter_ids(
            session,
            {
                "lead_entity_id": ("entity", params.lead_entity_id),
                "entity_id": ("entity", params.entity_id),
                "recommendation_id": ("recommendation", params.recommendation_id),
                "cluster_id": ("cluster", params.cluster_id),
            },
        )
    today = local_today()
    conditions = _conditions(params, today, session.get_bind().dialect.name, public=public)
    _titled(session, conditions, params.q)
    total = session.execute(select(func.count()).select_from(Action).where(*conditions)).scalar_one()
    page_conditions = list(conditions)
    if params.cursor:
        (last_id,) = decode_cursor(params.cursor, ACTIONS)
        page_conditions.append(Action.id < last_id)
    query = select(Action).where(*page_conditions).order_by(Action.id.desc())
    actions, next_cursor = keyset_page(
        session, query, params.limit, lambda action: (action.id,), order=ACTIONS
    )
    links = load_links(session, [a.id for a in actions])
    items = [ActionOut(**_out(action, links[action.id], today)) for action in actions]
    return ActionPage(items=items, next_cursor=next_cursor, total=total)


def earliest_due(session: Session, params: ActionListParams) -> ActionPage:
    """The actions ``params`` selects, earliest due date first (undated last), one page of
    ``params.limit`` and the total: what is most late, or due next, at the top of a to-do list."""
    today = local_today()
    conditions = _conditions(params, today, session.get_bind().dialect.name, public=False)
    _titled(session, conditions, params.q)
    total = session.execute(select(func.count()).select_from(Action).where(*conditions)).scalar_one()
    actions = list(
        session.scalars(
            select(Action)
            .where(*conditions)
            .order_by(Action.due_date.is_(None), Action.due_date, Action.id)
            .limit(params.limit)
        )
    )
    links = load_links(session, [a.id for a in actions])
    items = [ActionOut(**_out(action, links[action.id], today)) for action in actions]
    return ActionPage(items=items, next_cursor=None, total=total)


def recommendation_refs(session: Session, ids: Collection[int]) -> list[RecommendationRef]:
    """How the action's page names the recommendations ``ids``, by id: one statement."""
    return [
        RecommendationRef(id=rec_id, symbol=symbol, paragraph=paragraph, mechanism=code, withdrawn=withdrawn)
        for rec_id, symbol, paragraph, code, withdrawn in session.execute(
            select(
                Recommendation.id,
                Recommendation.symbol,
                Recommendation.paragraph,
                Mechanism.code,
                Recommendation.withdrawn,
            )
            .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
            .where(Recommendation.id.in_(sorted(ids)))
            .order_by(Recommendation.id)
        )
    ]


def _detail(session: Session, action: Action, reader: Actor) -> tuple[ActionDetail, str]:
    """The action as ``reader`` may read it: its latest approved progress update only for those who
    may read its updates (a focal point of another entity gets 403 on them, so none here either)."""
    links = load_links(session, [action.id])[action.id]
    recommendations = recommendation_refs(session, links.recommendation_ids)
    rows = session.execute(
        select(Cluster.id, Cluster.name, Cluster.archived).where(Cluster.id.in_(links.cluster_ids))
    )
    clusters = [
        LinkedCluster(id=cluster_id, name=name, archived=archived)
        for cluster_id, name, archived in sorted(rows, key=lambda row: name_order(row.name, row.id))
    ]
    wanted = {*links.supporting_entity_ids, *([action.lead_entity_id] if action.lead_entity_id else [])}
    entities = {
        entity.id: EntityRef(id=entity.id, name=entity.name, acronym=entity.acronym)
        for entity in session.scalars(select(Entity).where(Entity.id.in_(wanted)))
    }
    entries = sdg_entries()
    sdgs = [
        ActionSdgRef(code=code, title=entries[code].titles.get("en", code) if code in entries else code)
        for code in links.sdg_codes
    ]
    through = served_through_clusters(session, [action.id], public=False).get(action.id, {})
    detail = ActionDetail(
        **_out(action, links, local_today()),
        recommendations=recommendations,
        clusters=clusters,
        recommendations_through_clusters=[
            ClusterRecommendations(cluster_id=cluster_id, recommendation_ids=ids)
            for cluster_id, ids in through.items()
        ],
        lead_entity=entities.get(action.lead_entity_id) if action.lead_entity_id else None,
        supporting_entities=[entities[i] for i in links.supporting_entity_ids if i in entities],
        sdgs=sdgs,
        indicators=indicators_of(session, action.id),
        latest_progress=latest_approved(session, action.id) if owns_action(session, reader, action) else None,
    )
    return detail, etag(action.version)


def get_action(session: Session, actor: Actor, action_id: int) -> tuple[ActionDetail, str]:
    return _detail(session, load_action(session, action_id), actor)


def _set_budget(action: Action, budget: Budget | None) -> None:
    # Quantised as the column stores it, so a resent budget compares equal to the stored one.
    action.budget_amount = budget.amount.quantize(CENTS) if budget else None
    action.budget_currency = budget.currency if budget else None
    action.budget_source = (budget.source or None) if budget else None


def _snapshot(action: Action, links: Links) -> dict[str, Any]:
    values = {name: getattr(action, name) for name in (*_COLUMNS, *_BUDGET)}
    values.update(
        recommendation_ids=links.recommendation_ids,
        cluster_ids=links.cluster_ids,
        supporting_entity_ids=links.supporting_entity_ids,
        sdg_targets=links.sdg_codes,
    )
    return {key: jsonable(value) for key, value in values.items()}


def check_create(session: Session, body: ActionCreate) -> None:
    """What ``create_action`` would refuse in ``body``, writing nothing: a form whose other boxes the
    schema refused names these too, in the same answer."""
    checked_create(session, body)


def create_action(session: Session, actor: Actor, body: ActionCreate) -> tuple[ActionDetail, str]:
    links = checked_create(session, body)
    action = Action(
        title=body.title,
        description=body.description or None,
        lead_entity_id=body.lead_entity_id,
        start_date=body.start_date,
        due_date=body.due_date,
        status=body.status,
        published=body.published,
        created_by_id=actor.user_id,
    )
    _set_budget(action, body.budget)
    session.add(action)
    session.flush()
    for name in ("recommendation_ids", "cluster_ids", "supporting_entity_ids", "sdg_term_ids"):
        replace_links(session, action.id, name, [], getattr(links, name))
    record(session, actor, "action.create", "action", action.id, after=_snapshot(action, links))
    return _detail(session, action, actor)


def update_action(
    session: Session, actor: Actor, action_id: int, body: ActionPatch, if_match: str | None
) -> tuple[ActionDetail, str]:
    action = load_action(session, action_id)
    ensure_own_action(session, actor, action)
    sent = body.model_fields_set
    if not actor.is_manager and sent - FOCAL_POINT_FIELDS:
        refused = sorted(sent - FOCAL_POINT_FIELDS)
        fields = ", ".join(refused)
        why = Reason(_("a focal point may not change this field"))
        raise refuse(
            actor,
            f"a focal point may change only title, description, dates, status and budget; not {fields}",
            "action",
            action.id,
            errors=[{"field": name, "reason": why} for name in refused],
        )
    lock_for_write(session, action)
    check_if_match(if_match, etag(action.version))
    links = load_links(session, [action.id])[action.id]
    before = _snapshot(action, links)
    new_links = checked_patch(session, body, action, links)
    # Links first: their statements autoflush, which must not write the row before it is touched.
    for name in ("recommendation_ids", "cluster_ids", "supporting_entity_ids", "sdg_term_ids"):
        replace_links(session, action.id, name, getattr(links, name), getattr(new_links, name))
    for name in ("title", "lead_entity_id", "start_date", "due_date", "status", "published"):
        if name in sent:
            setattr(action, name, getattr(body, name))
    if "description" in sent:
        action.description = body.description or None
    if "budget" in sent:
        _set_budget(action, body.budget)
    old, new = changed(before, _snapshot(action, new_links))
    if new:
        # Touching the row bumps its version even when only links changed: the ETag must move.
        action.updated_at = datetime.now(UTC)
        session.flush()
        record(session, actor, "action.update", "action", action.id, before=old, after=new)
    return _detail(session, action, actor)


def check_patch(session: Session, actor: Actor, action_id: int, body: ActionPatch) -> None:
    """What ``update_action`` would refuse in ``body`` (its ETag aside), writing nothing: a form whose
    other boxes the schema refused names these too, in the same answer."""
    action = load_action(session, action_id)
    ensure_own_action(session, actor, action)
    checked_patch(session, body, action, load_links(session, [action.id])[action.id])
