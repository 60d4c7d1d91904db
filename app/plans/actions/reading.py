"""What the read side needs of actions: their links loaded a page at a time, and whether one is overdue.

The public API and the staff API both list actions with these; writing links is app.plans.actions.links.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.models import Action, ActionCluster, ActionEntity, ActionRecommendation, ActionSdg, Term
from app.models.plan import OPEN_ACTION_STATUSES
from app.taxonomies.service import SDG_ORDER

# Link table, its column naming the linked row, and the request field that sets it.
LINK_TABLES: dict[str, tuple[type[Any], InstrumentedAttribute[int]]] = {
    "recommendation_ids": (ActionRecommendation, ActionRecommendation.recommendation_id),
    "cluster_ids": (ActionCluster, ActionCluster.cluster_id),
    "supporting_entity_ids": (ActionEntity, ActionEntity.entity_id),
    "sdg_term_ids": (ActionSdg, ActionSdg.term_id),
}


@dataclass
class Links:
    recommendation_ids: list[int] = field(default_factory=list)
    cluster_ids: list[int] = field(default_factory=list)
    supporting_entity_ids: list[int] = field(default_factory=list)
    sdg_term_ids: list[int] = field(default_factory=list)
    sdg_codes: list[str] = field(default_factory=list)


def sdg_sort_key(code: str) -> int:
    return SDG_ORDER.get(code, len(SDG_ORDER))


def load_links(session: Session, action_ids: Sequence[int]) -> dict[int, Links]:
    links: dict[int, Links] = defaultdict(Links)
    if not action_ids:
        return links
    for name, (table, column) in LINK_TABLES.items():
        if name == "sdg_term_ids":
            continue
        rows = session.execute(select(table.action_id, column).where(table.action_id.in_(action_ids)))
        for action_id, linked_id in rows:
            getattr(links[action_id], name).append(linked_id)
    sdg_rows = session.execute(
        select(ActionSdg.action_id, Term.id, Term.code)
        .join(Term, Term.id == ActionSdg.term_id)
        .where(ActionSdg.action_id.in_(action_ids))
    )
    for action_id, term_id, code in sdg_rows:
        links[action_id].sdg_term_ids.append(term_id)
        links[action_id].sdg_codes.append(code or "")
    for item in links.values():
        item.recommendation_ids.sort()
        item.cluster_ids.sort()
        item.supporting_entity_ids.sort()
        item.sdg_codes.sort(key=sdg_sort_key)
    return links


def is_overdue(action: Action, today: date) -> bool:
    return action.due_date is not None and action.due_date < today and action.status in OPEN_ACTION_STATUSES
