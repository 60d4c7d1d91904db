"""An action's links: recommendations, clusters, supporting entities and SDGs.

References in a request are checked in one query per kind (an unknown id is a 422 naming the
field); a page's links are loaded in one query per kind, whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.errors import InvalidInput
from app.feed.sdg import sdg_entries
from app.models import (
    ActionCluster,
    ActionEntity,
    ActionRecommendation,
    ActionSdg,
    Cluster,
    Entity,
    Recommendation,
    Term,
)

_SDG_ORDER = {code: n for n, code in enumerate(sdg_entries())}

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
    return _SDG_ORDER.get(code, len(_SDG_ORDER))


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


def _unknown(field_name: str, ids: Iterable[object], reason: str) -> InvalidInput:
    listed = ", ".join(str(i) for i in ids)
    return InvalidInput(
        f"{field_name}: {reason}: {listed}", errors=[{"field": field_name, "reason": f"{reason}: {listed}"}]
    )


def checked_ids(
    session: Session,
    model: type[Recommendation] | type[Cluster] | type[Entity],
    ids: Iterable[int],
    field_name: str,
    *,
    already: Collection[int] = (),
) -> list[int]:
    """The distinct ids, sorted; 422 naming ``field_name`` if one does not exist.

    Archived clusters and entities cannot be newly linked (those ``already`` linked may stay).
    """
    wanted = sorted(set(ids))
    if not wanted:
        return wanted
    columns = [model.id]
    archived_column = getattr(model, "archived", None)
    if archived_column is not None:
        columns.append(archived_column)
    found = {
        row[0]: (row[1] if len(row) > 1 else False)
        for row in session.execute(select(*columns).where(model.id.in_(wanted)))
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise _unknown(field_name, missing, "unknown ids" if len(missing) > 1 else "unknown id")
    archived = [i for i in wanted if found[i] and i not in already]
    if archived:
        raise _unknown(field_name, archived, "archived")
    return wanted


def sdg_term_ids(session: Session, codes: Iterable[str]) -> tuple[list[int], list[str]]:
    """Term ids and codes of SDG goals/targets; 422 naming ``sdg_targets`` for an unknown code."""
    wanted = sorted(set(codes), key=sdg_sort_key)
    if not wanted:
        return [], []
    rows = session.execute(select(Term.code, Term.id).where(Term.kind == "sdg", Term.code.in_(wanted)))
    found = {code: term_id for code, term_id in rows}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise _unknown("sdg_targets", missing, 'not SDG goal ("5") or target ("5.2", "16.a") codes')
    return [found[code] for code in wanted], wanted


def replace_links(
    session: Session, action_id: int, name: str, old: Collection[int], new: Collection[int]
) -> bool:
    """Make the action's ``name`` links exactly ``new``; whether anything changed."""
    table, column = LINK_TABLES[name]
    removed = set(old) - set(new)
    added = sorted(set(new) - set(old))
    if removed:
        session.execute(delete(table).where(table.action_id == action_id, column.in_(removed)))
    if added:
        session.execute(insert(table), [{"action_id": action_id, column.key: linked} for linked in added])
    return bool(removed or added)
