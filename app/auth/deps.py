"""FastAPI dependencies: who is calling, and whether their role may use the route at all.

Route-level role checks live here; object-level checks (a focal point's own entity) sit in the
services' queries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import anyio.to_thread
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.auth import service
from app.auth.permissions import ensure_role, ensure_writes_allowed, refuse
from app.core.actor import ADMIN, EVERYONE, MANAGERS, STAFF, Actor, Anonymous
from app.core.config import Settings
from app.core.deps import SAFE_METHODS, DbSession, get_db, transaction
from app.core.errors import NotFound, Unauthorized
from app.core.ratelimit import STATE_KEY, RateLimiter, client_key

T = TypeVar("T")
C = TypeVar("C", Actor, Actor | Anonymous)

_bearer = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    auto_error=False,
    description="A login token from POST /api/v1/auth/token, or an API key (`nrtd_...`)",
)
# What an account whose password an admin set may do before choosing its own.
PASSWORD_CHANGE_PATHS = frozenset({"/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout"})

_api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key (`nrtd_...`)")


def anonymous(request: Request) -> Anonymous:
    return Anonymous(
        request_id=getattr(request.state, "request_id", None),
        client_ip=request.client.host if request.client else None,
    )


def _one_credential(bearer: str | None, api_key: str | None) -> str | None:
    """The credential a request sends. Both a bearer token and an API key are refused rather than one
    of them believed: a revoked key sent beside a valid token would otherwise pass unseen."""
    if bearer and api_key:
        raise Unauthorized("send one credential, a bearer token or an API key, not both")
    return bearer or api_key


def current_actor(
    request: Request,
    db: DbSession,
    bearer: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Actor:
    credential = _one_credential(bearer, api_key)
    if not credential:
        raise Unauthorized("this route needs a bearer token (POST /api/v1/auth/token) or an API key")
    actor = service.authenticate(db, credential, anonymous(request))
    if actor.read_only and request.method not in SAFE_METHODS:
        raise refuse(actor, "this API key is read-only")
    if actor.password_change_required and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise refuse(actor, "choose a new password first: POST /api/v1/me/password")
    ensure_writes_allowed(actor, request.method, request.url.path)
    return actor


def _credentials_before_body(
    request: Request,
    session: Annotated[Session, Depends(get_db, use_cache=False)],
    bearer: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Actor:
    """An upload route's first step: the credentials, checked before its body (megabytes, spooled to
    disk) is received, so that nobody without valid ones has the server take it in. A read in a
    session of its own, ended at once; the route's own check, in its unit of work, follows. The
    caller, for what is decided before the route runs (``app.users.prehash``: their role)."""
    credential = _one_credential(bearer, api_key)
    try:
        if not credential:
            raise Unauthorized("this route needs a bearer token (POST /api/v1/auth/token) or an API key")
        return service.authenticate(session, credential, anonymous(request), touch=False)
    finally:
        session.close()


# In an upload route's ``dependencies``, which run before its parameters (the form among them).
CredentialsBeforeBody = Depends(_credentials_before_body)


def roles(allowed: frozenset[str], what: str) -> Callable[..., Awaitable[Actor]]:
    # A coroutine, so FastAPI calls it in the event loop: it only compares strings, and a plain
    # function would cost a trip to the thread pool on every request.
    async def dependency(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
        ensure_role(actor, allowed, what)
        return actor

    return dependency


# Who may use a route: its roles, and what a refusal names (``roles``' arguments). The aliases below
# and what is decided before a route runs (``app.users.prehash``) name the same one.
Access = tuple[frozenset[str], str]
ANY_USER: Access = (EVERYONE, "this route")
ADMINISTRATION: Access = (frozenset({ADMIN}), "administration")

# Aliases for the routes: the parameter's type names who may call it.
AnyUser = Annotated[Actor, Depends(roles(*ANY_USER))]
StaffUser = Annotated[Actor, Depends(roles(STAFF, "internal data"))]
Manager = Annotated[Actor, Depends(roles(MANAGERS, "this change"))]
AdminUser = Annotated[Actor, Depends(roles(*ADMINISTRATION))]
AnonymousCaller = Annotated[Anonymous, Depends(anonymous)]


def public_caller(
    request: Request,
    db: DbSession,
    bearer: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Actor | Anonymous:
    """Who may read the public routes, by ``NRTD_PUBLIC_ACCESS``; counts against the rate limit.

    ``open``: anyone (credentials, when sent, must still be valid); ``key``: an API key or any
    login, a reader's included; ``off``: the public routes do not exist (404).
    """
    settings: Settings = request.app.state.settings
    if settings.public_access == "off":
        raise NotFound("the public routes are turned off on this instance")
    credential = _one_credential(bearer, api_key)
    limiter: RateLimiter = request.app.state.public_limiter
    address = request.client.host if request.client else None
    if credential:
        # One budget per account or key, whichever token it sent: logging in again buys nothing.
        try:
            actor = service.authenticate(db, credential, anonymous(request))
        except Unauthorized:
            limiter.hit(client_key(address))  # a wrong credential still costs its sender
            raise
        key = client_key(address, user_id=actor.user_id, api_key_id=actor.api_key_id)
        setattr(request.state, STATE_KEY, limiter.hit(key))
        request.state.ratelimit_client = key  # for routes that charge more than one request
        return actor
    key = client_key(address)
    setattr(request.state, STATE_KEY, limiter.hit(key))
    request.state.ratelimit_client = key
    if settings.public_access == "key":
        raise Unauthorized("this instance's public data needs an API key or a login")
    return anonymous(request)


PublicCaller = Annotated[Actor | Anonymous, Depends(public_caller)]


# Who a request in one trip is, from its session and credentials (bearer token, API key): a route's
# role dependency as a plain function.
Caller = Callable[[Request, Session, str | None, str | None], C]


def staff_caller(access: Access) -> Caller[Actor]:
    """``roles(*access)``'s caller: ``current_actor``, then the route's roles."""

    def caller(request: Request, db: Session, bearer: str | None, api_key: str | None) -> Actor:
        actor = current_actor(request, db, bearer, api_key)
        ensure_role(actor, *access)
        return actor

    return caller


class OneTrip:
    """A read route's whole work in one trip to the thread pool: the unit of work (``transaction``),
    the caller (``staff_caller``, ``public_caller``) and the route's own reading. A route taking
    ``DbSession`` and a caller dependency costs three (the caller, the route, the unit of work's end),
    each a hand-over between the event loop and a thread: most of what a kept page cost."""

    def __init__(self, request: Request, session: Session, bearer: str | None, api_key: str | None) -> None:
        self._request, self._session = request, session
        self._bearer, self._api_key = bearer, api_key

    async def run(self, caller: Caller[C], work: Callable[[Session, C], T]) -> T:
        def in_thread() -> T:
            with transaction(self._request, self._session) as db:
                return work(db, caller(self._request, db, self._bearer, self._api_key))

        result: T = await anyio.to_thread.run_sync(in_thread)
        return result


async def _one_trip(
    request: Request,
    session: Annotated[Session, Depends(get_db, scope="function")],
    bearer: Annotated[str | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> OneTrip:
    if request.method not in SAFE_METHODS:
        raise RuntimeError("OneTrip is for read routes: a write waits for its turn (DbSession)")
    return OneTrip(request, session, bearer, api_key)


ReadInOneTrip = Annotated[OneTrip, Depends(_one_trip)]
