"""The id filters of the staff lists (actions, progress updates, indicator values, clusters, users)
refuse an id that names nothing (422 naming the parameter and the value), as the recommendations'
filters do (``app.recommendations.filter_values``): an entity or action that does not exist would
otherwise select nothing, which reads as "none yet" rather than "you mistyped". It lives with the
entities because every domain with such a filter already depends on them, and the entity is the id
most of these lists filter by.

Staff lists only: the public's action list answers a cluster or recommendation it may not show as
an unknown one (``app.public.actions``), so that a 422 cannot tell that it exists.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Integer, Select, literal, select, union_all
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.models import Action, Cluster, Entity, Indicator, Recommendation

# What each kind of id is told to be when it names nothing, and the column that holds it.
_KINDS: dict[str, tuple[InstrumentedAttribute[int], str]] = {
    "entity": (Entity.id, _("a known entity id")),
    "action": (Action.id, _("a known action id")),
    "indicator": (Indicator.id, _("a known indicator id")),
    "recommendation": (Recommendation.id, _("a known recommendation id")),
    "cluster": (Cluster.id, _("a known cluster id")),
}


def check_filter_ids(session: Session, asked: Mapping[str, tuple[str, int | None]]) -> None:
    """Raise ``InvalidInput`` for the first of ``asked`` (parameter -> kind of id, value; None when
    not given) that names no row: one statement for all of them, none without such filters."""
    given = {name: (kind, value) for name, (kind, value) in asked.items() if value is not None}
    if not given:
        return
    lookups: list[Select[str, int]] = []
    for name, (kind, value) in given.items():
        column = _KINDS[kind][0]
        lookups.append(select(literal(name), column.cast(Integer)).where(column == value))
    found = {(name, value) for name, value in session.execute(union_all(*lookups))}
    for name, (kind, value) in given.items():
        if (name, value) not in found:
            reason = Reason(
                _("%(value)s is not %(what)s"), value=repr(str(value)), what=Reason(_KINDS[kind][1])
            )
            refused = {"field": name, "reason": reason, "value": str(value)}
            raise InvalidInput(f"{name}: {reason}", errors=[refused])
