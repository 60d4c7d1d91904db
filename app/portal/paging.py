"""Where a page of a portal list stands among its pages: its number, and the links to the first,
previous and next pages.

The lists are keyset pages (``app.core.pagination``): a cursor leads forward only, in every order
(relevance's included). So a page's address carries, besides its own ``cursor``, the cursors of the
pages before it (``back``, oldest first): the previous page is the last of them, with the rest.
Only the last ``MAX_BACK`` are kept, so that the address stays short on a deep page; ``page`` keeps
its number then (a number that is not one is ignored: the count of cursors gives it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.core.pagination import same_list
from app.portal.pages import PageContext

MAX_BACK = 30


@dataclass(frozen=True)
class Paging:
    """The position a page's address gives: its cursor, the previous pages' cursors and its number."""

    cursor: str | None = None
    back: tuple[str, ...] = ()
    number: int = 1

    @classmethod
    def of(cls, cursor: str | None, back: Sequence[str] | None, page: str | None) -> Paging:
        if not cursor:
            return cls()
        kept = tuple(value for value in back or () if value)[-MAX_BACK:]
        if not all(same_list(value, cursor) for value in kept):
            # One edited or cut short: the way back is not known; the first page is (not a refusal).
            kept = ()
        counted = len(kept) + 2
        given = int(page) if page and page.isdigit() and len(page) < 10 else 0
        return cls(cursor, kept, given if given >= counted else counted)

    def links(
        self, page: PageContext, path: str, query: dict[str, Any], next_cursor: str | None
    ) -> dict[str, Any]:
        """The pager's links (None where there is no such page) and this page's number."""
        previous = None
        if self.back:
            previous = page.url(
                path, **query, cursor=self.back[-1], back=self.back[:-1], page=self.number - 1
            )
        elif self.cursor and self.number == 2:
            previous = page.url(path, **query)
        following = None
        if next_cursor:
            back = (*self.back, self.cursor)[-MAX_BACK:] if self.cursor else ()
            following = page.url(path, **query, cursor=next_cursor, back=back, page=self.number + 1)
        return {
            "page_number": self.number,
            "first_url": page.url(path, **query)
            if self.number > 2 or (self.cursor and not previous)
            else None,
            "prev_url": previous,
            "next_url": following,
        }
