"""PostgreSQL: a source's first large import builds foreign keys and the full-text index after the data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from app.core.config import Settings
from app.models import Recommendation
from importers.run import import_uhri
from tests.uhri_records import uhri_record, write_export

CATALOG = """
SELECT c.oid, conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
WHERE contype = 'f' AND conrelid IN ('recommendation_terms'::regclass, 'recommendation_texts'::regclass,
                                     'recommendation_search'::regclass)
UNION ALL
SELECT i.indexrelid, 'recommendation_search', indexname, indexdef FROM pg_indexes
JOIN pg_index i ON i.indexrelid = (quote_ident(indexname))::regclass
WHERE indexname = 'ix_recommendation_search_tsv'
ORDER BY 3
"""


@pytest.fixture(autouse=True)
def _postgresql_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the first-load path is PostgreSQL's")


def _catalog(engine: Engine) -> list[tuple[int, str, str, str]]:
    with engine.connect() as conn:
        return [(row[0], row[1], row[2], row[3]) for row in conn.execute(text(CATALOG))]


def _definitions(catalog: list[tuple[int, str, str, str]]) -> list[tuple[str, str, str]]:
    return [row[1:] for row in catalog]


def _always(settings: Settings) -> Settings:
    return settings.model_copy(update={"import_reader_process": "always"})


def _export(tmp_path: Path, count: int = 400) -> Path:
    return write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, count + 1)])


def test_first_load_rebuilds_exactly_the_same_constraints_and_index(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    before = _catalog(engine)
    assert len(before) == 5  # four foreign keys and the GIN index
    result = import_uhri(engine, _always(settings), str(_export(tmp_path)), all_countries=True)
    assert result.outcome == "succeeded" and result.counts.created == 400
    after = _catalog(engine)
    assert _definitions(after) == _definitions(before)
    assert {row[0] for row in after}.isdisjoint({row[0] for row in before})  # built again, after the data
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT count(*) FROM recommendation_search WHERE search_tsv @@ 'protect'::tsquery")
        ).scalar_one()
        # Analysed by the run itself: the planner knows the 400 rows from the first request on.
        analysed = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE oid = 'recommendations'::regclass")
        ).scalar_one()
    assert found == 400
    assert analysed == 400

    # Something is stored now: the next import goes row by row and leaves the schema alone.
    more = write_export(tmp_path / "more.json", [uhri_record(n) for n in range(401, 451)])
    assert import_uhri(engine, _always(settings), str(more), all_countries=True).counts.created == 50
    assert _catalog(engine) == after


def test_a_first_load_that_fails_leaves_the_schema_and_the_data_as_they_were(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    before = _catalog(engine)
    export = _export(tmp_path, 2000)
    export.write_bytes(export.read_bytes()[:-3000])  # truncated near the end
    result = import_uhri(engine, _always(settings), str(export), all_countries=True)
    assert result.outcome == "failed" and "invalid JSON" in (result.message or "")
    assert _catalog(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Recommendation)).scalar_one() == 0


def test_a_first_load_goes_row_by_row_when_a_reader_holds_the_tables(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    before = _catalog(engine)
    with engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM recommendation_search"))  # holds ACCESS SHARE
        result = import_uhri(engine, _always(settings), str(_export(tmp_path)), all_countries=True)
        reader.rollback()
    assert result.outcome == "succeeded" and result.counts.created == 400
    assert _catalog(engine) == before  # the constraints were never dropped
