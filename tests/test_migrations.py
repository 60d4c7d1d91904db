"""The schema comes only from the migrations, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.models import Base
from app.models.base import include_object


def test_models_and_migrations_agree(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"include_object": include_object, "compare_type": True, "target_metadata": Base.metadata},
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_search_index_exists_for_the_dialect(migrated_engine: Engine) -> None:
    inspector = inspect(migrated_engine)
    if migrated_engine.dialect.name == "sqlite":
        assert "recommendation_fts" in inspector.get_table_names()
    else:
        names = {index["name"] for index in inspector.get_indexes("recommendation_search")}
        assert "ix_recommendation_search_tsv" in names
