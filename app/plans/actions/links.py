"""An action's links: recommendations, clusters, supporting entities and SDGs.

References in a request are checked in one query per kind (an unknown id is a 422 naming the
field); a page's links are loaded in one query per kind, whatever its size.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.models import (
    Cluster,
    Recommendation,
    Term,
)
from app.plans.actions.reading import LINK_TABLES, sdg_sort_key


def _unknown(field_name: str, ids: Iterable[object], reason: str) -> InvalidInput:
    listed = ", ".join(str(i) for i in ids)
    why = Reason(_("%(reason)s: %(ids)s"), reason=Reason(reason), ids=listed)
    return InvalidInput(f"{field_name}: {why}", errors=[{"field": field_name, "reason": why}])


def checked_ids(
    session: Session,
    model: type[Recommendation] | type[Cluster],
    ids: Iterable[int],
    field_name: str,
    *,
    already: Collection[int] = (),
) -> list[int]:
    """The distinct ids, sorted; 422 naming ``field_name`` if one does not exist.

    Archived clusters cannot be newly linked (those ``already`` linked may stay). The entities are
    ``app.entities.service.check_responsible``'s.
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
        raise _unknown(field_name, missing, _("unknown ids") if len(missing) > 1 else _("unknown id"))
    archived = [i for i in wanted if found[i] and i not in already]
    if archived:
        # Named as the form lists them (an archived one is no longer among its choices).
        named = getattr(model, "name", None)
        names: dict[int, str] = {}
        if named is not None:
            names = {
                row[0]: row[1]
                for row in session.execute(select(model.id, named).where(model.id.in_(archived)))
            }
        # A sentence of its own: "archived" alone agreed with no noun ("archivée" for a "groupe").
        raise _unknown(field_name, [names.get(i, i) for i in archived], _("the cluster is archived"))
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
        raise _unknown("sdg_targets", missing, _('not SDG goal ("5") or target ("5.2", "16.a") codes'))
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
