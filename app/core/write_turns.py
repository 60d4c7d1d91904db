"""Write requests take turns in a server process, waiting in the event loop rather than on a thread.

SQLite has one writer. Without turns, every write request waits for the write lock inside
``BEGIN IMMEDIATE`` on a server thread (anyio lends sync routes 40). The request holding the lock then
needs a free thread for its handler and its commit while the others sit on theirs waiting for the lock:
forty waiters starve the holder, and every read, until their timeouts run out. Waiting here costs no
thread, so the holder and the readers keep theirs; ``BEGIN IMMEDIATE`` then waits only for other
processes (an import, the CLI, another replica).

PostgreSQL takes concurrent writers, but a burst of them in one process shares its interpreter (one
lock for Python code) with the reads: sixty writes at once make every read sixty times slower, and hold
connections while they wait for a thread. A few turns at a time keep reads fast and the pool free.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from weakref import WeakKeyDictionary

from app.core.errors import ServiceBusy

# What a write that did not get its turn is told: write requests take milliseconds each.
RETRY_AFTER_SECONDS = 5


class WriteTurns:
    """At most ``capacity`` write requests at a time in this process, first come first served, each
    waiting at most ``timeout`` seconds for its turn (then 503 with Retry-After)."""

    def __init__(self, timeout: float, capacity: int = 1) -> None:
        self.timeout = timeout
        self.capacity = capacity
        # One semaphore per event loop: an asyncio semaphore belongs to the loop it first waited in, and
        # a test suite serves one app from several loops.
        self._turns: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()
        self._taken = 0

    def taken(self) -> int:
        """How many turns are held now, in every event loop of the process."""
        return self._taken

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(self.capacity)
        try:
            async with asyncio.timeout(self.timeout):
                await turns.acquire()
        except TimeoutError:
            raise ServiceBusy(
                f"other writes kept the database busy for {self.timeout:g} s; retry in a moment",
                retry_after=RETRY_AFTER_SECONDS,
            ) from None
        self._taken += 1
        try:
            yield
        finally:
            self._taken -= 1
            turns.release()
