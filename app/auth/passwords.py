"""Argon2id password hashes (argon2-cffi's defaults: RFC 9106's low-memory profile), and the
bound on how many are verified at once.

One verification takes 64 MiB and a core for a few hundred milliseconds: sixty logins at once
would take gigabytes and starve every other request of CPU, so logins queue for a slot briefly
and are otherwise told to come back (503 with Retry-After).
"""

from __future__ import annotations

import asyncio
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.core.errors import DomainError

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy() -> str:
    """Verified against when the account does not exist, so a miss costs as long as a wrong password.

    Made on first use rather than at import: hashing takes a core for a few hundred milliseconds,
    which every process importing the app (a command that never checks a password included) paid.
    """
    return _hasher.hash("not a password anyone has")


class VerificationBusy(DomainError):
    """Every verification slot stayed taken for the whole wait."""

    status = 503
    problem = "busy"
    title = "Service busy"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after))})


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@dataclass(frozen=True, slots=True)
class PreparedHash:
    """A new password and its hash, made before the request's write transaction opened
    (``app.users.prehash``). A write request holds the process's write turn and, on SQLite, the
    database's write lock from its start: a hash of a few hundred milliseconds made there kept every
    other writer waiting for it."""

    password: str
    hash: str


def new_password_hash(password: str, prepared: PreparedHash | None) -> str:
    """The hash to store for ``password``: the one made beforehand when it was made of this very
    password, else one made now (the ``nrtd`` command, which holds no turn of a server)."""
    if prepared is not None and prepared.password == password:
        return prepared.hash
    return hash_password(password)


@dataclass(frozen=True, slots=True)
class VerifiedPassword:
    """A password verified against an account's stored hash before the request's write transaction
    opened (``app.users.prehash``; an Argon2 verify takes 50-100 ms of a core, and on SQLite the
    transaction holds the database's write lock): the password, the hash it was verified against,
    and the answer."""

    password: str
    password_hash: str | None
    matches: bool


def password_matches(password_hash: str | None, password: str, verified: VerifiedPassword | None) -> bool:
    """``verify_password``, answered by ``verified`` when it was made for this very password against
    this very hash (unchanged since), else verified now."""
    if verified is not None and verified.password == password and verified.password_hash == password_hash:
        return verified.matches
    return verify_password(password_hash, password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


class VerificationSlots:
    """At most ``slots`` password hashes computed at once; a login waits at most ``wait`` seconds
    for one. The wait is asynchronous: a queued login holds no worker thread, so requests that
    need one (public reads, pages) are not queued behind a flood of logins."""

    def __init__(self, slots: int, wait: float) -> None:
        self.slots = slots
        self.wait = wait
        # asyncio semaphores belong to one event loop: a server process has one; tests start several.
        self._semaphores: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.slots)
        return semaphore

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        semaphore = self._semaphore()
        try:
            async with asyncio.timeout(self.wait):
                await semaphore.acquire()
        except TimeoutError:
            raise VerificationBusy(
                "too many logins at once; try again in a moment", retry_after=max(1, round(self.wait))
            ) from None
        try:
            yield
        finally:
            semaphore.release()


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (a container's share)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@lru_cache
def verification_slots(slots: int, wait: float) -> VerificationSlots:
    """The process's slots for these settings. 0 slots: one fewer than the CPUs (at least one),
    so that a core stays free for everything else while logins pour in."""
    return VerificationSlots(slots or max(1, _cpus() - 1), wait)
