"""FastAPI dependencies shared by the routers: the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import new_session
from app.core.errors import DomainError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit once after the handler, before the response is sent.

    On any error everything the request wrote is rolled back; only the rows a ``DomainError``
    asks to persist (the audit event of a refusal, a failed login) are then written on their own.
    On SQLite a write request takes the write lock at once (BEGIN IMMEDIATE), so two writers
    queue instead of failing when the second one tries to upgrade its read snapshot.
    """
    session = new_session(request.app.state.engine)
    try:
        if request.method not in SAFE_METHODS:
            session.connection(execution_options={"sqlite_immediate": True})
        yield session
        session.commit()
    except DomainError as exc:
        session.rollback()
        if exc.persist:
            session.add_all(exc.persist)
            session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_db, scope="function")]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]

# A row id in a path: ids are 32-bit integers in the schema; anything else is invalid input.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]

# The ETag of the version the client last read; required by PATCH, PUT and DELETE.
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description="ETag of the version you last read; a missing header is 428, a stale one 412",
    ),
]
