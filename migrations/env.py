from __future__ import annotations

from typing import Any

from alembic import context

from app.core.config import get_settings
from app.core.db import make_engine
from app.models import Base

# Objects the migrations create by hand that the ORM does not model: the SQLite FTS5 index
# (and its shadow tables) and the PostgreSQL full-text expression index.
UNMODELLED_PREFIXES = ("recommendation_fts", "ix_recommendation_search_tsv", "ix_recommendation_texts_trgm")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (name and name.startswith(UNMODELLED_PREFIXES))


def run_migrations() -> None:
    url = context.config.attributes.get("database_url") or get_settings().database_url
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
