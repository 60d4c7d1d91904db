"""A new password's hash, made before the request's write transaction opens.

A write request takes the process's write turn and, on SQLite, the database's write lock when its unit
of work opens (``app.core.deps``), and holds them until it commits. Argon2 takes a core for a few
hundred milliseconds: made in the service, the hash of a password change, reset or new account kept
every other writer waiting for it. These dependencies make it first, on a worker thread, once the
caller's credentials are known to be valid (checked in a read of their own, so nobody signed out has
the server hash anything); the route names them before its unit of work, and the service stores the
hash when the password it is handed is the one hashed (``app.auth.passwords.new_password_hash``). Every
check (the current password, the policy, the ETag, the role) stays in the service, in the transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Request

from app.auth.deps import CredentialsBeforeBody
from app.auth.passwords import PreparedHash, hash_password
from app.users.password_policy import MAX_LENGTH


async def prepared_hash(password: object) -> PreparedHash | None:
    """The hash of a password as sent; None for what is no password (the service refuses it)."""
    if not isinstance(password, str) or not password or len(password) > MAX_LENGTH:
        return None
    return PreparedHash(password, await to_thread.run_sync(hash_password, password))


def _from_json(field: str) -> Callable[..., Awaitable[PreparedHash | None]]:
    async def dependency(
        request: Request, _credentials: Annotated[None, CredentialsBeforeBody]
    ) -> PreparedHash | None:
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):  # the route's own parsing says what is wrong
            return None
        return await prepared_hash(body.get(field) if isinstance(body, dict) else None)

    return dependency


# The route's parameter, named before its ``DbSession``: FastAPI solves dependencies in that order.
NewPasswordHash = Annotated[PreparedHash | None, Depends(_from_json("new_password"))]
PasswordHash = Annotated[PreparedHash | None, Depends(_from_json("password"))]
