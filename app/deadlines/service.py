"""The calendar: every source's deadlines merged, filtered, limited to what the caller may see, and
paged by date. Entered deadlines' writes are in app.deadlines.entered.

Who sees what (``Audience.of``): managers everything; a focal point the deadlines that concern their
entity while it is not archived and the general ones (no entity); a reader, and the public portal,
only published ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.core.actor import FOCAL_POINT, Actor
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput
from app.core.pagination import CursorOrder, decode_cursor, encode_cursor
from app.core.time_zone import local_today
from app.deadlines.schemas import DeadlineListParams, DeadlineOut, DeadlinePage
from app.deadlines.sources import DEADLINE_KINDS, SOURCES, DeadlineItem, Window
from app.entities.service import current_entity_id
from app.recommendations.schemas import RecommendationFilter
from app.recommendations.service import check_filter_values

# Earliest first; the public list of deadlines pages alike.
DEADLINES = CursorOrder("deadlines", (date, str, int))


@dataclass(frozen=True, slots=True)
class Audience:
    """Whose calendar: everything, one entity's share (and the general deadlines), or the public's."""

    everything: bool = False
    entity_id: int | None = None
    published_only: bool = False

    @classmethod
    def of(cls, session: Session, actor: Actor) -> Audience:
        """The one rule of whose calendar ``actor`` sees, for the staff page, the API, the feed and
        the entered deadlines alike: a focal point's entity once archived (``current_entity_id``) is
        no longer theirs, as their digest has it; the general deadlines stay."""
        if actor.is_manager:
            return cls(everything=True)
        if actor.role == FOCAL_POINT:
            return cls(entity_id=current_entity_id(session, actor.entity_id))
        return PUBLIC

    def sees(self, item: DeadlineItem) -> bool:
        if self.everything:
            return True
        if self.published_only:
            return item.published
        return not item.entity_ids or (self.entity_id is not None and self.entity_id in item.entity_ids)


PUBLIC = Audience(published_only=True)


def _key(item: DeadlineItem) -> tuple[date, str, int]:
    return (item.date, item.kind, item.object_id)


def deadlines(
    session: Session,
    audience: Audience,
    params: DeadlineListParams,
    today: date | None = None,
) -> list[DeadlineItem]:
    """Every deadline ``params`` selects that ``audience`` may see, by date (then kind, then id)."""
    today = today or local_today()
    entity, entity_param = params.entity_filter()
    if audience.published_only and params.overdue is not None:
        # Whether a deadline was met is internal: filtering on it would tell the public view.
        raise InvalidInput(
            "overdue: the published calendar shows no state",
            errors=[{"field": "overdue", "reason": _("the published calendar shows no state")}],
        )
    # The list's rule: a mechanism or an entity that names nothing is a 422 naming it; codes in any case.
    check_filter_values(
        session,
        RecommendationFilter(mechanism=[params.mechanism] if params.mechanism else [], entity=entity),
        names={"entity": entity_param},
    )
    mechanism = params.mechanism.upper() if params.mechanism else None
    window = Window(params.from_date, params.to_date)
    kinds = params.kind or DEADLINE_KINDS
    items = [item for kind in dict.fromkeys(kinds) for item in SOURCES[kind](session, window)]
    kept = [
        item
        for item in items
        if audience.sees(item)
        and (mechanism is None or (item.mechanism or "").upper() == mechanism)
        and (entity is None or entity in item.entity_ids)
        and (params.overdue is None or item.overdue(today) == params.overdue)
    ]
    return sorted(kept, key=_key)


def uid(item: DeadlineItem) -> str:
    return f"{item.kind}-{item.object_id}"


def out(item: DeadlineItem, today: date) -> DeadlineOut:
    return DeadlineOut(
        kind=item.kind,
        date=item.date,
        title=item.title,
        object_id=item.object_id,
        uid=uid(item),
        mechanism=item.mechanism,
        entity_ids=list(item.entity_ids),
        link=item.link,
        detail=item.detail,
        grade=item.grade,
        published=item.published,
        done=item.done,
        cancelled=item.cancelled,
        sent=item.sent,
        overdue=item.overdue(today),
    )


def list_deadlines(session: Session, audience: Audience, params: DeadlineListParams) -> DeadlinePage:
    """One page, earliest first; the cursor holds the last item's date, kind and id."""
    today = local_today()
    items = deadlines(session, audience, params, today)
    total = len(items)
    if params.cursor:
        last = decode_cursor(params.cursor, DEADLINES)
        items = [item for item in items if _key(item) > last]
    page = items[: params.limit]
    next_cursor = encode_cursor(DEADLINES, *_key(page[-1])) if len(items) > params.limit else None
    return DeadlinePage(items=[out(item, today) for item in page], next_cursor=next_cursor, total=total)
