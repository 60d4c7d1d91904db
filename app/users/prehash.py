"""A new password's hash, made before the request's write transaction opens.

A write request takes the process's write turn and, on SQLite, the database's write lock when its unit
of work opens (``app.core.deps``), and holds them until it commits. Argon2 takes a core for a few
hundred milliseconds: made in the service, the hash of a password change, reset or new account kept
every other writer waiting for it. These dependencies make it first, on a worker thread, once the
caller's credentials are known to be valid and their role one the route admits (checked in a read of
their own, by the route's own role rule, so that nobody signed out, nor a user the route then refuses,
has the server hash anything); the route names them before its unit of work, and the service stores the
hash when the password it is handed is the one hashed (``app.auth.passwords.new_password_hash``). A
password change's current password is verified there too (another 50-100 ms of Argon2), the service
taking that answer when it is for the password and stored hash it sees (``password_matches``). Every
check (the throttle, the current password, the policy, the ETag, the role) stays in the service, in
the transaction, with its errors and audit events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from anyio import to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.auth.deps import ADMINISTRATION, ANY_USER, Access, CredentialsBeforeBody
from app.auth.passwords import PreparedHash, VerifiedPassword, hash_password
from app.auth.permissions import admits
from app.core.actor import Actor
from app.core.config import Settings
from app.core.deps import get_db
from app.users import own_password
from app.users.password_policy import MAX_LENGTH


async def prepared_hash(password: object) -> PreparedHash | None:
    """The hash of a password as sent; None for what is no password (the service refuses it)."""
    if not isinstance(password, str) or not password or len(password) > MAX_LENGTH:
        return None
    return PreparedHash(password, await to_thread.run_sync(hash_password, password))


async def _json_field(request: Request, field: str) -> object:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):  # the route's own parsing says what is wrong
        return None
    return body.get(field) if isinstance(body, dict) else None


def _from_json(field: str, access: Access) -> Callable[..., Awaitable[PreparedHash | None]]:
    """The hash of the JSON body's ``field``, for a caller whose role ``access`` admits: for another,
    None, and the route's own role check refuses them (403, audited) as it would anyway."""

    async def dependency(
        request: Request, caller: Annotated[Actor, CredentialsBeforeBody]
    ) -> PreparedHash | None:
        if not admits(caller, *access):
            return None
        return await prepared_hash(await _json_field(request, field))

    return dependency


async def verified_beforehand(
    session: Session, settings: Settings, actor: Actor, current: object
) -> VerifiedPassword | None:
    """``own_password.verify_beforehand`` on a worker thread, in ``session`` (a read of its own, closed
    after)."""
    try:
        return await to_thread.run_sync(own_password.verify_beforehand, session, settings, actor, current)
    finally:
        session.close()


async def _current_from_json(
    request: Request,
    caller: Annotated[Actor, CredentialsBeforeBody],
    session: Annotated[Session, Depends(get_db, use_cache=False)],
) -> VerifiedPassword | None:
    """The verification of the JSON body's ``current_password`` (``POST /me/password``)."""
    current = await _json_field(request, "current_password")
    return await verified_beforehand(session, request.app.state.settings, caller, current)


# The route's parameter, named before its ``DbSession``: FastAPI solves dependencies in that order.
# Each for the routes of its ``access``: your own password (any user), another's (administrators).
NewPasswordHash = Annotated[PreparedHash | None, Depends(_from_json("new_password", ANY_USER))]
PasswordHash = Annotated[PreparedHash | None, Depends(_from_json("password", ADMINISTRATION))]
# Your current password, verified before the unit of work too (``own_password.verify_beforehand``).
CurrentPasswordCheck = Annotated[VerifiedPassword | None, Depends(_current_from_json)]
