"""FastAPI dependencies shared by the routers: the request's unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.db import session_scope


def get_db(request: Request) -> Iterator[Session]:
    """The request owns the transaction: commit once after the handler, roll back on error."""
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DbSession = Annotated[Session, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings_dep)]

# A row id in a path: ids are 32-bit integers in the schema; anything else is invalid input.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]
