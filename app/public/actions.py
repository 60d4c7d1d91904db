"""Public actions: published ones only, with their indicators and published progress.

The list is the plans service's own (filters, total, keyset pages) pinned to published actions;
this module builds the public shape from it in bulk (see ``related.assemble_actions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import NotFound
from app.core.pagination import decode_cursor
from app.core.time_zone import local_today
from app.feed.fields import name_order
from app.models import Action as ActionRow
from app.models import ActionEntity, Mechanism, Recommendation
from app.plans.actions import service as plans
from app.plans.actions.reading import is_overdue, load_links
from app.plans.actions.schemas import ActionListParams, ActionOut
from app.public import related
from app.public.schemas import PublicAction, PublicActionPage, PublicActionParams, PublicEntityRef
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.service import check_filter_values


def _core(out: ActionOut) -> related.ActionCore:
    return related.ActionCore(
        id=out.id,
        title=out.title,
        description=out.description,
        status=out.status,
        overdue=out.overdue,
        start_date=out.start_date,
        due_date=out.due_date,
        lead_entity_id=out.lead_entity_id,
        supporting_entity_ids=out.supporting_entity_ids,
        recommendation_ids=out.recommendation_ids,
        cluster_ids=out.cluster_ids,
        sdg_codes=out.sdg_targets,
    )


def _hidden_reference(session: Session, params: PublicActionParams) -> bool:
    """A cluster that is not public, or a withdrawn recommendation: answered as unknown (no actions)."""
    if params.cluster is not None and not related.public_cluster_ids(session, {params.cluster}):
        return True
    return params.recommendation is not None and not related.current_recommendation_ids(
        session, {params.recommendation}
    )


def list_actions(session: Session, params: PublicActionParams) -> PublicActionPage:
    # The list's rule: an entity that names nothing is a 422 naming it, as on the recommendations, the
    # feed and the calendar (entities are public; a hidden cluster or recommendation is not told apart).
    check_filter_values(session, RecommendationFilter(entity=params.entity), public=True)
    if _hidden_reference(session, params):
        if params.cursor:
            decode_cursor(params.cursor, plans.ACTIONS)  # a malformed cursor is a 422 in every case
        return PublicActionPage(items=[], next_cursor=None, total=0)
    page = plans.list_actions(
        session,
        ActionListParams(
            status=params.status,
            entity_id=params.entity,
            overdue=params.overdue,
            cluster_id=params.cluster,
            recommendation_id=params.recommendation,
            published=True,
            q=params.q,
            limit=params.limit,
            cursor=params.cursor,
        ),
        public=True,
    )
    items = related.assemble_actions(session, [_core(item) for item in page.items])
    return PublicActionPage(items=items, next_cursor=page.next_cursor, total=page.total)


def get_action(session: Session, action_id: int) -> PublicAction:
    action = session.get(ActionRow, action_id)
    if action is None or not action.published:
        # An unpublished action is answered exactly as a missing one.
        raise NotFound(f"action {action_id} does not exist")
    links = load_links(session, [action.id])[action.id]
    core = related.ActionCore(
        id=action.id,
        title=action.title,
        description=action.description,
        status=action.status,
        overdue=is_overdue(action, local_today()),
        start_date=action.start_date,
        due_date=action.due_date,
        lead_entity_id=action.lead_entity_id,
        supporting_entity_ids=links.supporting_entity_ids,
        recommendation_ids=links.recommendation_ids,
        cluster_ids=links.cluster_ids,
        sdg_codes=links.sdg_codes,
    )
    return related.assemble_actions(session, [core])[0]


def action_entities(session: Session, chosen: int | None = None) -> list[PublicEntityRef]:
    """The entities that lead or support a published action, by name: the choices of the `entity` filter,
    with ``chosen`` (the entity a list is filtered by, which may have none) when it names one."""
    led = select(ActionRow.lead_entity_id).where(
        ActionRow.published.is_(True), ActionRow.lead_entity_id.is_not(None)
    )
    supported = (
        select(ActionEntity.entity_id)
        .join(ActionRow, ActionRow.id == ActionEntity.action_id)
        .where(ActionRow.published.is_(True))
    )
    ids = {i for i in session.scalars(led) if i is not None} | set(session.scalars(supported))
    if chosen is not None:
        ids.add(chosen)
    return sorted(related.entity_refs(session, ids).values(), key=lambda ref: name_order(ref.name, ref.id))


@dataclass(frozen=True)
class MechanismRef:
    """A mechanism as a page names it: its code (its name in the reader's language) and stored name."""

    code: str
    name: str


@dataclass(frozen=True)
class RecommendationHeading:
    """How a page names a recommendation it links to: mechanism, document symbol, paragraph."""

    id: int
    mechanism: MechanismRef
    symbol: str | None
    paragraph: str | None


def recommendation_headings(session: Session, ids: list[int]) -> list[RecommendationHeading]:
    """The current (not withdrawn) ones among ``ids``, in that order: one statement."""
    if not ids:
        return []
    rows = session.execute(
        select(
            Recommendation.id, Mechanism.code, Mechanism.name, Recommendation.symbol, Recommendation.paragraph
        )
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(Recommendation.id.in_(sorted(set(ids))), Recommendation.withdrawn.is_(False))
    )
    found = {
        row.id: RecommendationHeading(row.id, MechanismRef(row.code, row.name), row.symbol, row.paragraph)
        for row in rows
    }
    return [found[i] for i in ids if i in found]
