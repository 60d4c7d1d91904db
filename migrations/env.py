from __future__ import annotations

from typing import Any

from alembic import context

from app.core.config import get_settings
from app.core.db import command_limits, make_engine
from app.models import Base
from app.models.base import include_object


def run_migrations() -> None:
    url = context.config.attributes.get("database_url") or get_settings().database_url
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url, command_limits(get_settings()))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Any) -> None:
    # The revisions applied so far, in order: `nrtd migrate` names the one that failed after them.
    applied: list[str] = context.config.attributes.setdefault("applied", [])

    def on_version_apply(**kwargs: Any) -> None:
        applied.append(kwargs["step"].up_revision_id)

    context.configure(
        on_version_apply=on_version_apply,
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
