"""The published deadlines, for the public API and the portal: the calendar's public audience (only
what a coordinator published), in an allowlist shape without the staff's fields (done, overdue,
staff links)."""

from __future__ import annotations

import datetime as dt

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.pagination import decode_cursor, encode_cursor
from app.deadlines.report_names import shown_title
from app.deadlines.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, DeadlineFilters, DeadlineListParams
from app.deadlines.service import DEADLINES, PUBLIC, deadlines, uid
from app.deadlines.sources import DeadlineItem, shown_detail
from app.models import Entity
from app.public.schemas import PublicEntityRef, PublicModel


class PublicDeadlineParams(DeadlineFilters):
    """The shared filters (no `overdue`: whether a deadline was met is internal) and the pages."""

    limit: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Page size")
    cursor: str | None = Field(None, max_length=200, description="`next_cursor` of the previous page")


class PublicFeedParams(DeadlineFilters):
    """The public calendar feed's filters (the shared ones: a subscription to one committee's
    deadlines) and its language."""

    lang: str | None = Field(None, max_length=16, description="en, fr or es (another gives English)")


class PublicDeadline(PublicModel):
    kind: str
    date: dt.date
    title: str
    uid: str = Field(description="Stable name of this deadline (kind and object id)")
    mechanism: str | None = Field(description="Mechanism code")
    entities: list[PublicEntityRef] = Field(description="The entities it concerns; empty: a general deadline")
    link: str | None = Field(description="Its page on the public portal, when it has one")
    detail: str | None = Field(
        description="A short fact shown beside the title (a follow-up reply's grade...)"
    )
    grade: str | None = Field(
        description='A follow-up reply\'s grades alone: "B", or "A, C (2/3)" while some are missing '
        "(`detail` says them in English)",
    )
    cancelled: bool = Field(description="Its action was cancelled: the date no longer holds")

    def detail_text(self) -> str | None:
        return shown_detail(self.detail, self.grade)

    def title_text(self) -> str:
        """The title for a page (its ``reason`` filter): a periodic report's wording translated there."""
        return shown_title(self.kind, self.title)


class PublicDeadlinePage(PublicModel):
    items: list[PublicDeadline]
    next_cursor: str | None
    total: int


def _entities(session: Session, items: list[DeadlineItem]) -> dict[int, PublicEntityRef]:
    wanted = {entity_id for item in items for entity_id in item.entity_ids}
    if not wanted:
        return {}
    rows = session.scalars(select(Entity).where(Entity.id.in_(wanted)))
    return {row.id: PublicEntityRef(id=row.id, name=row.name, acronym=row.acronym) for row in rows}


def list_published(session: Session, params: PublicDeadlineParams) -> PublicDeadlinePage:
    """Published deadlines, earliest first, in keyset pages (the cursor: date, kind, id)."""
    filters = DeadlineListParams.model_validate(params.model_dump(exclude={"limit", "cursor"}))
    items = deadlines(session, PUBLIC, filters)
    total = len(items)
    if params.cursor:
        last = decode_cursor(params.cursor, DEADLINES)
        items = [item for item in items if (item.date, item.kind, item.object_id) > last]
    page = items[: params.limit]
    next_cursor = None
    if len(items) > params.limit:
        next_cursor = encode_cursor(DEADLINES, page[-1].date, page[-1].kind, page[-1].object_id)
    entities = _entities(session, page)
    return PublicDeadlinePage(
        items=[
            PublicDeadline(
                kind=item.kind,
                date=item.date,
                title=item.title,
                uid=uid(item),
                mechanism=item.mechanism,
                entities=[entities[i] for i in item.entity_ids if i in entities],
                link=item.public_link,
                detail=item.detail,
                grade=item.grade,
                cancelled=item.cancelled,
            )
            for item in page
        ],
        next_cursor=next_cursor,
        total=total,
    )
