"""Keyset pages and their opaque cursors.

A cursor holds the name of its list and order (``CursorOrder``) and the ordering key of the last row
of a page (for example its sort date and id); the next page starts strictly after it. The cursor of a
list that is a search (``CursorOrder.searched``: the recommendations) also holds a digest of the search
(its words and filters, as the list reads them): sent with another search, where its position means
nothing (a relevance score the other words never gave, a date past the other filters' first rows), it is
refused saying so. Clients must treat it as opaque: its encoding may change.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from bisect import bisect_right
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar, TypeVarTuple, overload

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import InvalidInput

CURSOR_FIELD = "cursor"
# Every integer a cursor holds is a row id, an INTEGER column: 32 bits on PostgreSQL, which
# refuses a larger parameter (a 500), and SQLite's driver cannot bind one past 64 bits. Ids start
# at 1: a cursor holding 0 or less was issued by no page (it named no row, and gave an empty page).
_INT_MIN, _INT_MAX = 1, 2**31 - 1


class IdOrNone:
    """The shape of a cursor's value that is a row id or 0 for none (an import run a row may not
    have): ``int`` in a shape is a row id, 1 or more."""


CursorKey = tuple[int | float | str | date, ...]
_T = TypeVar("_T")
_U = TypeVar("_U")
_Ts = TypeVarTuple("_Ts")


Shape = tuple[type[int] | type[IdOrNone] | type[float] | type[str] | type[date], ...]


class CursorOrder:
    """A list in one order, as its cursors name it (``actions``, ``recommendations:sort=oldest``): each
    cursor starts with the name, so that one issued by another list, or by this list in another
    order, is refused saying so, rather than read as a position it is not (an action's id as an
    import run's) or as a tampered cursor. ``order``: the query that asks for this order of the
    list (``sort=oldest``), for a list that has several."""

    def __init__(self, list_name: str, shape: Shape, order: str = "", *, searched: bool = False) -> None:
        self.name = f"{list_name}:{order}" if order else list_name
        if self.name in ORDERS:
            raise ValueError(f"two lists' cursors named {self.name!r}")
        self.list_name, self.order, self.shape = list_name, order, shape
        # Each cursor holds, after the name, the digest of the search that issued it (``search``).
        self.searched = searched
        ORDERS[self.name] = self


ORDERS: dict[str, CursorOrder] = {}


def encode_cursor(order: CursorOrder, *values: int | float | str | date, search: str = "") -> str:
    """The cursor of ``values`` in ``order``; ``search``: the digest of the search the page is of, for
    a list whose cursors belong to one (``CursorOrder.searched``)."""
    head = [order.name, search] if order.searched else [order.name]
    plain = [*head, *(value.isoformat() if isinstance(value, date) else value for value in values)]
    raw = json.dumps(plain, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _invalid(reason: str) -> InvalidInput:
    return InvalidInput(
        f"cursor: {reason}; pass back the next_cursor of a previous page unchanged",
        errors=[{"field": CURSOR_FIELD, "reason": reason}],
    )


def _foreign(name: str, order: CursorOrder) -> InvalidInput | None:
    """The refusal of a cursor issued by the list and order ``name`` to ``order``'s list, or None
    when ``name`` is no list's."""
    issuer = ORDERS.get(name)
    if issuer is None:
        return None
    if issuer.list_name == order.list_name and issuer.order:
        reason: str = Reason(
            _(
                "this cursor belongs to another order of the list (%(order)s): "
                "start again from the first page, without cursor"
            ),
            order=issuer.order,
        )
    else:
        reason = _("this cursor belongs to another list: start again from the first page, without cursor")
    return InvalidInput(f"cursor: {reason}", errors=[{"field": CURSOR_FIELD, "reason": reason}])


def _another_search() -> InvalidInput:
    reason = _(
        "this cursor belongs to another search (other words or filters): "
        "start again from the first page, without cursor"
    )
    return InvalidInput(f"cursor: {reason}", errors=[{"field": CURSOR_FIELD, "reason": reason}])


def decode_cursor(token: str, order: CursorOrder, *, search: str | None = "") -> tuple[Any, ...]:
    """The values of a cursor ``order`` issued, converted to its shape; ``InvalidInput`` naming
    ``cursor`` if malformed, or issued by another list or order, or (``search``: the digest of the
    search asked for; None: any) for another search (saying so)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError):
        raise _invalid(_("not a cursor returned by this API")) from None
    if not isinstance(values, list) or not values:
        raise _invalid(_("not a cursor returned by this API"))
    name, *values = values
    if name != order.name:
        raise (_foreign(name, order) if isinstance(name, str) else None) or _invalid(
            _("not a cursor returned by this API")
        )
    if order.searched:
        issued = values.pop(0) if values and isinstance(values[0], str) else None
        if issued is None:
            raise _invalid(_("not a cursor returned by this API"))
        if search is not None and issued != search:
            raise _another_search()
    shape = order.shape
    if len(values) != len(shape):
        raise _invalid(_("not a cursor returned by this API"))
    decoded: list[Any] = []
    for value, kind in zip(values, shape, strict=True):
        if kind in (int, IdOrNone) and isinstance(value, int) and not isinstance(value, bool):
            if not (0 if kind is IdOrNone else _INT_MIN) <= value <= _INT_MAX:
                raise _invalid(_("holds a number out of range"))
            decoded.append(value)
        elif kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            # A relevance score: Python writes the shortest repr that reads back as the same double.
            if not math.isfinite(value):
                raise _invalid(_("not a cursor returned by this API"))
            decoded.append(float(value))
        elif kind is str and isinstance(value, str):
            if "\x00" in value:
                # PostgreSQL cannot compare text holding NUL: refused like any tampered cursor.
                raise _invalid(_("not a cursor returned by this API"))
            decoded.append(value)
        elif kind is date and isinstance(value, str):
            try:
                decoded.append(date.fromisoformat(value))
            except ValueError:
                raise _invalid(_("not a cursor returned by this API")) from None
        else:
            raise _invalid(_("not a cursor returned by this API"))
    return tuple(decoded)


def _issuer(token: str) -> tuple[CursorOrder, object] | None:
    """The list and order that issued ``token`` and its search (None for a list that is no search),
    read from it alone, or None when it is no cursor."""
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError):
        return None
    name = values[0] if isinstance(values, list) and values else None
    order = ORDERS.get(name) if isinstance(name, str) else None
    if order is None:
        return None
    return order, (values[1] if order.searched and len(values) > 1 else None)


def same_list(token: str, like: str) -> bool:
    """Whether ``token`` is a cursor ``decode_cursor`` reads, issued by the list, order and search that
    issued ``like`` (a page's own cursor): the cursors of the pages before it, carried in a page's
    address for its "previous page" link (a value edited or cut short there is none)."""
    issuer = _issuer(token)
    if issuer is None or issuer != _issuer(like):
        return False
    try:
        decode_cursor(token, issuer[0], search=None)
    except InvalidInput:
        return False
    return True


@overload
def keyset_page(
    session: Session,
    query: Select[_T],
    limit: int,
    cursor_of: Callable[[_T], CursorKey],
    *,
    order: CursorOrder,
    search: str = "",
) -> tuple[list[_T], str | None]: ...


@overload
def keyset_page(
    session: Session,
    query: Select[_T, _U, *_Ts],
    limit: int,
    cursor_of: Callable[[Row[_T, _U, *_Ts]], CursorKey],
    *,
    order: CursorOrder,
    search: str = "",
) -> tuple[list[Row[_T, _U, *_Ts]], str | None]: ...


def keyset_page(
    session: Session,
    query: Select[*tuple[Any, ...]],
    limit: int,
    cursor_of: Callable[[Any], CursorKey],
    *,
    order: CursorOrder,
    search: str = "",
) -> tuple[list[Any], str | None]:
    """One page of an ordered, already filtered ``query`` and the cursor of the next (None on the last).

    A select of one entity or column gives those (as ``session.scalars``), a select of several gives
    rows. ``cursor_of`` turns the page's last row into its ordering key. One row more than the page
    is fetched, so that the last page is known without counting.
    """
    result = session.execute(query.limit(limit + 1))
    # Told by the result's columns: the statement's ``column_descriptions`` cost a millisecond a page.
    rows: list[Any] = list(result.scalars().all() if len(result.keys()) == 1 else result.all())
    return page_of(rows, limit, cursor_of, order=order, search=search)


def page_of(
    rows: list[Any],
    limit: int,
    cursor_of: Callable[[Any], CursorKey],
    *,
    order: CursorOrder,
    search: str = "",
) -> tuple[list[Any], str | None]:
    """The page in ``rows`` (up to ``limit + 1`` of them, in order) and the next page's cursor
    (``search``: the digest of the search, for a list that is one)."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(order, *cursor_of(page[-1]), search=search)


def ordered_page(
    rows: Sequence[_T],
    position: Callable[[_T], tuple[str, int]],
    key: Callable[[str, int], Any],
    limit: int,
    cursor: str | None,
    *,
    order: CursorOrder,
) -> tuple[list[_T], str | None]:
    """The page of ``rows`` (all of them, in any order) that follows ``cursor`` (a row's
    ``position``, its name and id), in the order ``key`` gives those positions, and the next page's
    cursor.

    For short lists in an order SQL cannot give alike on every database: names in alphabetical
    order (``app.feed.fields.name_order``), where SQLite and PostgreSQL's "C" collation compare
    code points ("Water" before "Éducation") and every other collation has rules of its own.
    """
    ordered = sorted(rows, key=lambda row: key(*position(row)))
    start = 0
    if cursor:
        name, row_id = decode_cursor(cursor, order)
        start = bisect_right(ordered, key(name, row_id), key=lambda row: key(*position(row)))
    return page_of(ordered[start : start + limit + 1], limit, position, order=order)
