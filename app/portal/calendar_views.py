"""The portal's calendar: the published deadlines by month, with the filters a reader of the public
calendar feed and API has (kind, mechanism, entity, from, to: ``PublicDeadlineParams``, through the
same service, ``list_published``), from this month on unless ``from`` says otherwise (given empty:
from the earliest, the past months too). A refused value is named next to its field, the form kept;
the others still filter the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.errors import InvalidInput
from app.core.time_zone import local_today
from app.deadlines.months import by_month
from app.deadlines.public import PublicDeadlineParams, list_published
from app.deadlines.sources import DEADLINE_KINDS
from app.entities.reading import public_entity_ids
from app.feed.fields import name_order
from app.models import Entity, Mechanism
from app.portal.pages import PageContext
from app.portal.paging import Paging
from app.portal.search_errors import search_errors
from app.public.schemas import PublicEntityRef

PAGE_SIZE = 100  # deadlines a page of the calendar (the public API's default)
# The filters the public calendar feed shares (its ``lang`` aside): a subscription to what is shown.
FEED_FILTERS = ("kind", "mechanism", "entity")


@dataclass(frozen=True)
class CalendarFilters:
    """The calendar's form as typed. ``start``: the ``from`` date, this month's first day when the
    address gives none, empty when it gives an empty one (no start: the past months too)."""

    kind: tuple[str, ...] = ()
    mechanism: str | None = None
    entity: str | None = None
    start: str = ""
    to: str | None = None

    @classmethod
    def parse(
        cls,
        kind: list[str] | None,
        mechanism: str | None,
        entity: str | None,
        start: str | None,
        to: str | None,
    ) -> CalendarFilters:
        def one(value: str | None) -> str | None:
            return (value or "").strip() or None

        return cls(
            kind=tuple(value.strip() for value in kind or () if value.strip()),
            mechanism=one(mechanism),
            entity=one(entity),
            start=local_today().replace(day=1).isoformat() if start is None else start.strip(),
            to=one(to),
        )

    def query(self) -> dict[str, Any]:
        """The values given, by the address's names (``from`` even empty: it then means "no start")."""
        values = {"kind": list(self.kind), "mechanism": self.mechanism, "entity": self.entity, "to": self.to}
        return {"from": self.start, **{name: value for name, value in values.items() if value}}

    def params(self, cursor: str | None, leave_out: set[str]) -> PublicDeadlineParams:
        given = {**self.query(), "cursor": cursor, "limit": PAGE_SIZE}
        return PublicDeadlineParams.model_validate(
            {name: value for name, value in given.items() if value and name not in leave_out}
        )

    def path(self, start: str | None = None) -> str:
        """The calendar's address with ``from`` (``start``, else the filters' own): written here, as
        an empty one must stay in the address and the pages' links leave empty values out."""
        return "/calendar?" + urlencode([("from", self.start if start is None else start)])


def calendar_labels(page: PageContext) -> dict[str, str]:
    """Each field of the calendar's form by its label."""
    _ = page.gettext
    return {
        "kind": _("Kind"),
        "mechanism": _("Mechanism"),
        "entity": _("Entity"),
        "from": _("From"),
        "to": _("To"),
        "cursor": _("Page"),
    }


def _mechanisms(session: Session) -> list[dict[str, str]]:
    rows = session.execute(select(Mechanism.code, Mechanism.name).order_by(Mechanism.code))
    return [{"code": code, "name": name} for code, name in rows]


def _entities(session: Session) -> list[PublicEntityRef]:
    """The current entities something public names (as a reader's staff calendar offers them)."""
    rows = list(session.scalars(select(Entity).where(Entity.archived.is_(False))))
    named = public_entity_ids(session, [row.id for row in rows])
    shown = sorted((row for row in rows if row.id in named), key=lambda row: name_order(row.name, row.id))
    return [PublicEntityRef(id=row.id, name=row.name, acronym=row.acronym) for row in shown]


def calendar(
    session: Session, page: PageContext, filters: CalendarFilters, paging: Paging, site: str
) -> dict[str, Any]:
    """The published deadlines ``filters`` keep, by month, with the links to the earlier and later
    pages (a cursor cut short or tampered with: the first page), and the address of their iCalendar
    feed with the same filters, in the page's language (``site``: ``Settings.site_address``; a calendar
    program needs the whole address). ``errors``: each refused field, left out of the list."""
    errors: dict[str, str] = {}
    listed = None
    while listed is None:
        try:
            listed = list_published(session, filters.params(paging.cursor, set(errors)))
        except (ValidationError, InvalidInput) as exc:
            found = search_errors(page, filters, paging.cursor, exc)
            if found.pop("cursor", None) is not None and paging.cursor:
                paging = Paging()  # a cursor cut short or tampered with: the first page, no refusal
                continue
            if not found.keys() - errors.keys():
                raise
            errors.update(found)
    query = {name: value for name, value in filters.query().items() if name != "from"}
    links = paging.links(page, filters.path(), query, listed.next_cursor)
    # A deadline holds its mechanism's code: the page names it, in the reader's language where known.
    months, mechanisms = by_month(session, listed.items)
    feed_query = [("lang", page.lang)] + [
        (name, value)
        for name in FEED_FILTERS
        if name not in errors
        for value in ((query.get(name) or []) if name == "kind" else [query.get(name)])
        if value
    ]
    return {
        "listed": listed,
        "months": months,
        "mechanisms": mechanisms,
        "feed": f"{site}/api/v1/public/calendar.ics?{urlencode(feed_query)}",
        "filters": filters,
        "filtered": bool(set(query) or filters.start != local_today().replace(day=1).isoformat()),
        "errors": errors,
        "field_labels": calendar_labels(page),
        "kind_choices": DEADLINE_KINDS,
        "mechanism_choices": _mechanisms(session),
        "entities": _entities(session),
        "past_url": None if not filters.start else page.url(filters.path(""), **query),
        **links,
    }
