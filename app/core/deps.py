"""FastAPI dependencies shared by the routers: the request's unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import anyio
import anyio.to_thread
from fastapi import Depends, Header, Path, Request
from pydantic import BeforeValidator
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import new_session
from app.core.errors import DomainError
from app.core.ids import MAX_ID, decimal_digits
from app.core.write_turns import WriteTurns

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def _write_turn(request: Request) -> AsyncIterator[None]:
    """A write request waits for its turn in the event loop, not on a server thread (see
    app.core.write_turns); its turn lasts until its transaction has ended."""
    turns: WriteTurns | None = getattr(request.app.state, "write_turns", None)
    if turns is None or request.method in SAFE_METHODS:
        yield
        return
    async with turns.turn():
        yield


async def get_db(request: Request) -> Session:
    """Where the request's session comes from: the app's engine. Tests override only this (a session
    on their own rolled-back connection), so the unit of work below is the one they exercise. A
    coroutine (making a session does no I/O), so that it costs no trip to the thread pool."""
    return new_session(request.app.state.engine)


async def unit_of_work(
    request: Request,
    _turn: Annotated[None, Depends(_write_turn, scope="function")],
    session: Annotated[Session, Depends(get_db, scope="function")],
) -> AsyncIterator[Session]:
    """The request owns the transaction (``transaction``'s steps). A coroutine: a read's session
    begins with no I/O, so only its end (a commit, a rollback) takes a trip to the thread pool."""
    if request.method not in SAFE_METHODS:
        await _in_thread(_begin, request, session)
    else:
        request.state.unit_of_work = session
    try:
        yield session
    except BaseException as exc:
        await _in_thread(_fail, session, exc)
        raise
    await _in_thread(_commit, session)


async def _in_thread(step: Callable[..., None], *args: Any) -> None:
    # Shielded: a transaction is ended even when the client has gone (the request is being cancelled).
    with anyio.CancelScope(shield=True):
        await anyio.to_thread.run_sync(step, *args)


@contextmanager
def transaction(request: Request, session: Session) -> Iterator[Session]:
    """The request owns the transaction: commit once after the handler, before the response is sent.

    On any error everything the request wrote is rolled back; only the rows a ``DomainError``
    asks to persist (the audit event of a refusal, a failed login) are then written on their own.
    On SQLite a write request takes the write lock at once (BEGIN IMMEDIATE), so two writers
    queue instead of failing when the second one tries to upgrade its read snapshot.
    """
    _begin(request, session)
    try:
        yield session
    except BaseException as exc:
        _fail(session, exc)
        raise
    _commit(session)


def _begin(request: Request, session: Session) -> None:
    request.state.unit_of_work = session
    if request.method not in SAFE_METHODS:
        try:
            session.connection(execution_options={"sqlite_immediate": True})
        except BaseException:
            session.close()
            raise


def _commit(session: Session) -> None:
    try:
        session.commit()
    except BaseException as exc:
        _fail(session, exc)
        raise
    session.close()


def _fail(session: Session, exc: BaseException) -> None:
    try:
        session.rollback()
        if isinstance(exc, DomainError) and exc.persist:
            session.add_all(exc.persist)
            session.commit()
    finally:
        session.close()


def abandon(request: Request, exc: DomainError) -> None:
    """A ``DomainError`` answered inside the request (the staff pages turn it into an HTML page, so the
    unit of work never sees it): undo what the request wrote, as a failure would, and keep only the rows
    the error asks to persist; the unit of work then commits just those."""
    session: Session | None = getattr(request.state, "unit_of_work", None)
    if session is None:
        return
    session.rollback()
    if exc.persist:
        session.add_all(exc.persist)


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def site_address(request: Request) -> str:
    """Where the links the service hands out start (``Settings.site_address``), no trailing slash."""
    settings: Settings = request.app.state.settings
    return settings.site_address(str(request.base_url))


async def _site_address(request: Request) -> str:
    return site_address(request)


DbSession = Annotated[Session, Depends(unit_of_work, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]
SiteAddress = Annotated[str, Depends(_site_address)]

# A row id in a path: ids are 32-bit integers in the schema, written in their decimal digits (the
# API's and the pages' addresses alike); anything else is invalid input, or names nothing.
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="Row id"), BeforeValidator(decimal_digits)]


# The ETag of the version the client last read; required by PATCH, PUT and DELETE.
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="ETag of the version you last read; a missing header is 428, a stale one 412",
    ),
]
