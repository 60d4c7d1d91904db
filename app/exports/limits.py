"""How many exports run at once: a few per client, a few in all, each one stoppable.

An export holds a database connection and a core for as long as its client reads (an XLSX of
360,000 rows took 166 s to build), so a handful of clients asking at once could take the whole
server. Each running export holds a slot: one of its client's (``NRTD_EXPORT_CONCURRENCY_PER_CLIENT``,
beyond that 429) and, when it queries the database, one of the server's (``NRTD_EXPORT_CONCURRENCY``,
beyond that 503). A file served from the export cache only takes the client's slot: it costs no query.

The counts are per server process, like the cores they protect. A slot also carries the event that
stops its export: set when the client goes away, checked by the export between batches.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from app.core.counts import count_of
from app.core.errors import DomainError, TooManyRequests

# Seconds a refused client is told to wait: about the time a large filtered export takes.
RETRY_AFTER = 30


class ExportsBusy(DomainError):
    """The server already builds as many exports as it may; the client should come back later."""

    status = 503
    problem = "exports-busy"
    title = "Too many exports at once"

    def __init__(self, detail: str, *, retry_after: int = RETRY_AFTER, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": str(max(1, retry_after))})
        super().__init__(detail, **kwargs)


class ExportCancelled(Exception):
    """Raised inside an export's worker when its slot is stopped (the client went away)."""


@dataclass(eq=False)
class ExportSlot:
    """One running export: who asked, whether it queries the database, and its stop event."""

    client: str
    builds: bool
    stop: threading.Event = field(default_factory=threading.Event)
    _owner: ExportSlots | None = None

    def release(self) -> None:
        """Give the slot back (idempotent: the response and a finaliser may both call it)."""
        owner, self._owner = self._owner, None
        if owner is not None:
            owner._release(self)

    def check(self) -> None:
        """Raise ``ExportCancelled`` once the export has been told to stop."""
        if self.stop.is_set():
            raise ExportCancelled


class ExportSlots:
    def __init__(self, total: int, per_client: int) -> None:
        self.total = total
        self.per_client = per_client
        self._lock = threading.Lock()
        self._per_client: Counter[str] = Counter()
        self._running: list[ExportSlot] = []

    def acquire(self, client: str, *, builds: bool) -> ExportSlot:
        """A slot for ``client``'s export, or 429 (the client has enough running) / 503 (the server)."""
        with self._lock:
            if self._per_client[client] >= self.per_client:
                raise TooManyRequests(
                    f"this client already has {count_of(self.per_client, 'export')} running; wait for one to "
                    "finish (at most NRTD_EXPORT_CONCURRENCY_PER_CLIENT at once)",
                    retry_after=RETRY_AFTER,
                )
            if builds and sum(1 for slot in self._running if slot.builds) >= self.total:
                raise ExportsBusy(
                    f"the server is already building {count_of(self.total, 'export')}; retry in a moment "
                    "(at most NRTD_EXPORT_CONCURRENCY at once)"
                )
            slot = ExportSlot(client=client, builds=builds, _owner=self)
            self._per_client[client] += 1
            self._running.append(slot)
            return slot

    def running(self) -> list[ExportSlot]:
        with self._lock:
            return list(self._running)

    def _release(self, slot: ExportSlot) -> None:
        with self._lock:
            self._running.remove(slot)
            self._per_client[slot.client] -= 1
            if self._per_client[slot.client] <= 0:
                del self._per_client[slot.client]
