"""What was read, kept per database and data version: list totals, list pages, statistics, facets.

A read of the recommendations gives the same answer until the data changes, and the data version
(``reading.data_version``) moves with every import run and every write. So a computation is kept
under the database, the version it was read at and what was asked, and reused until a new version
makes its key unreachable; the least recently used entries go first, within a number of entries
and, for kept bytes, a memory budget. Every server process keeps its own, and every replica reads
the same version from the database, so none ever answers from data another has replaced.

What is asked must be the whole of what the answer depends on besides the data: the filters, the
page, the language, the view (staff or public) and the day, when the answer counts days.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.recommendations.reading import data_version

T = TypeVar("T")
# The version a computation being kept was read at, for what it keeps in turn (a page's total): one
# reading of the version per request, and the page and its total kept under the same one.
_reading: ContextVar[tuple[Session, str] | None] = ContextVar("kept_reading", default=None)


class Kept(Generic[T]):
    """A bounded, thread-safe store of computations by (database, data version, key): at most
    ``max_entries``, and with ``size`` at most ``max_bytes`` of them by that measure."""

    def __init__(
        self, max_entries: int, *, size: Callable[[T], int] | None = None, max_bytes: int = 0
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size or (lambda _value: 0)  # unmeasured: only the number of entries bounds it
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, T] = OrderedDict()
        self._bytes = 0

    def get(self, session: Session, key: list[Any], compute: Callable[[], T]) -> T:
        """``compute()``'s result for ``key`` at the session's data version, computed once while it
        is kept (two requests missing at the same time both compute it)."""
        outer = _reading.get()
        version = outer[1] if outer is not None and outer[0] is session else data_version(session)
        bind = session.get_bind().engine.url.render_as_string(hide_password=True)
        full_key = json.dumps([bind, version, *key], sort_keys=True, default=str)
        with self._lock:
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                return self._entries[full_key]
        reading = _reading.set((session, version))
        try:
            value = compute()
        finally:
            _reading.reset(reading)
        with self._lock:
            if full_key not in self._entries:
                self._entries[full_key] = value
                self._bytes += self._size(value)
                self._trim()
        return value

    def resize(self, max_bytes: int) -> None:
        """A new budget for what ``size`` measures (``NRTD_READ_CACHE_MB``); 0 keeps nothing."""
        with self._lock:
            self.max_bytes = max_bytes
            self._trim()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _trim(self) -> None:
        while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= self._size(dropped)


# The total of a filtered list: a count reads every match (250,000 rows unfiltered), and a client
# paging through a list asks for the same total on every page.
totals: Kept[int] = Kept(max_entries=1024)
# The filter values a list was asked for that name something stored (``filter_values``): each
# list, export or count checks them before it reads.
known_values: Kept[frozenset[tuple[str, str]]] = Kept(max_entries=1024)
# Computed counts (statistics, facets): unfiltered, they read every recommendation.
counts: Kept[dict[str, Any]] = Kept(max_entries=256)
# Whole list pages as the JSON sent (staff, reader and public lists): the same page asked again (a
# portal's first page, a dashboard polling, a search paged back and forth) is bytes already written.
# ``NRTD_READ_CACHE_MB`` sets the budget (32 MB by default: ~300 pages of 50 items).
pages: Kept[bytes] = Kept(max_entries=4096, size=len, max_bytes=32 * 1024 * 1024)


def page_json(session: Session, view: str, params: BaseModel, page: Callable[[], bytes]) -> bytes:
    """A list page of ``view`` ("staff list", "public list") as the JSON sent (``page()``), kept
    under all its parameters."""
    return pages.get(session, [view, params.model_dump(mode="json")], page)


def clear_all() -> None:
    for kept in (totals, known_values, counts, pages):
        kept.clear()
