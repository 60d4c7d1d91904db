"""A source's first large import builds indexes (and on PostgreSQL foreign keys) after the data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import IntegrityError

from app.core.config import Settings
from app.models import Recommendation
from importers.pipeline.first_load import SQLITE_DEFAULT_CACHE
from importers.pipeline.upserter import Upserter
from importers.run import import_uhri
from importers.run_record import SQLITE_IMPORT_CACHE_KIB, RunSpec, execute_run
from tests.factories import record
from tests.uhri_records import uhri_record, write_export

POSTGRESQL_CATALOG = """
SELECT c.oid, conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
WHERE contype = 'f' AND conrelid IN ('recommendations'::regclass, 'recommendation_terms'::regclass,
                                     'recommendation_texts'::regclass, 'recommendation_search'::regclass)
UNION ALL
SELECT i.indexrelid, tablename, indexname, indexdef FROM pg_indexes
JOIN pg_index i ON i.indexrelid = (quote_ident(indexname))::regclass
WHERE tablename IN ('recommendations', 'recommendation_terms', 'recommendation_texts',
                    'recommendation_search')
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
ORDER BY 3
"""
# A dropped and re-created object gets a new row in sqlite_master: its rowid tells them apart.
SQLITE_CATALOG = """
SELECT rowid, tbl_name, name, sql FROM sqlite_master
WHERE type IN ('index', 'trigger') AND sql IS NOT NULL
  AND tbl_name IN ('recommendations', 'recommendation_terms', 'recommendation_texts', 'recommendation_search')
ORDER BY 3
"""

Catalog = list[tuple[int, str, str, str]]


def _catalog(engine: Engine) -> Catalog:
    query = POSTGRESQL_CATALOG if engine.dialect.name == "postgresql" else SQLITE_CATALOG
    with engine.connect() as conn:
        return [(row[0], row[1], row[2], row[3]) for row in conn.execute(text(query))]


def _definitions(catalog: Catalog) -> list[tuple[str, str, str]]:
    return [row[1:] for row in catalog]


def _identities(catalog: Catalog, *, deferred_only: bool) -> set[int]:
    """Identities of the catalog's objects (on SQLite, of those a first load drops)."""
    kept = ("recommendation_fts_delete", "recommendation_fts_update")
    return {row[0] for row in catalog if not (deferred_only and row[2] in kept)}


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The statements sent through ``engine`` in the block, as sent."""
    sent: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement.strip())

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _always(settings: Settings) -> Settings:
    return settings.model_copy(update={"import_reader_process": "always"})


def _export(tmp_path: Path, count: int = 400) -> Path:
    return write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, count + 1)])


def _text_matches(engine: Engine, word: str) -> int:
    if engine.dialect.name == "postgresql":
        query = "SELECT count(*) FROM recommendation_search WHERE search_tsv @@ to_tsquery('simple', :word)"
    else:
        query = "SELECT count(*) FROM recommendation_fts WHERE recommendation_fts MATCH :word"
    with engine.connect() as conn:
        return int(conn.execute(text(query), {"word": word}).scalar_one())


def test_first_load_rebuilds_exactly_the_same_indexes_and_constraints(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    before = _catalog(engine)
    assert len(before) == (20 if engine.dialect.name == "postgresql" else 15)
    with _statements(engine) as statements:
        result = import_uhri(engine, _always(settings), str(_export(tmp_path)), all_countries=True)
    assert result.outcome == "succeeded" and result.counts.created == 400
    after = _catalog(engine)
    assert _definitions(after) == _definitions(before)
    # Built again, after the data.
    if engine.dialect.name == "postgresql":
        deferred = _identities(before, deferred_only=True)
        assert _identities(after, deferred_only=True).isdisjoint(deferred)
    else:
        # A row of sqlite_master removed and added again may get its rowid back (SQLite reuses the
        # largest): the run's statements tell what it dropped and made again.
        kept = {"recommendation_fts_delete", "recommendation_fts_update"}
        dropped = [s.split()[2] for s in statements if s.startswith(("DROP INDEX", "DROP TRIGGER"))]
        assert sorted(dropped) == sorted(row[2] for row in before if row[2] not in kept)
        made = [
            s for s in statements if s.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX", "CREATE TRIGGER"))
        ]
        assert sorted(made) == sorted(row[3] for row in before if row[2] not in kept)
    assert _text_matches(engine, "protect") == 400
    if engine.dialect.name == "postgresql":
        # Analysed by the run itself, then vacuumed: the planner knows the rows, and the
        # visibility map that index-only scans need is set.
        with engine.connect() as conn:
            analysed, all_visible = conn.execute(
                text(
                    "SELECT reltuples, relallvisible FROM pg_class "
                    "WHERE oid = 'recommendation_terms'::regclass"
                )
            ).one()
        assert analysed == _count(engine, "recommendation_terms") > 400
        assert all_visible > 0
        with engine.connect() as conn:
            terms = conn.execute(
                text("SELECT reltuples FROM pg_class WHERE oid = 'terms'::regclass")
            ).scalar_one()
        assert terms == _count(engine, "terms")  # the taxonomies the label filters join

    # Something is stored now: the next import goes row by row and leaves the schema alone.
    more = write_export(tmp_path / "more.json", [uhri_record(n) for n in range(401, 451)])
    assert (
        import_uhri(engine, _always(settings), str(more), all_countries=True, partial=True).counts.created
        == 50
    )
    assert _catalog(engine) == after
    assert _text_matches(engine, "protect") == 450


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
    assert _text_matches(engine, "protect") == 0


def test_a_first_load_goes_row_by_row_when_a_reader_holds_the_tables(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's readers read the last committed state: they hold nothing")
    before = _catalog(engine)
    with engine.connect() as reader:
        reader.execute(text("SELECT count(*) FROM recommendation_search"))  # holds ACCESS SHARE
        result = import_uhri(engine, _always(settings), str(_export(tmp_path)), all_countries=True)
        reader.rollback()
    assert result.outcome == "succeeded" and result.counts.created == 400
    assert _catalog(engine) == before  # the constraints were never dropped


def _foreign_keys(catalog: Catalog) -> set[int]:
    return {row[0] for row in catalog if row[3].startswith("FOREIGN KEY")}


def test_a_states_first_load_checks_the_foreign_keys_once_and_keeps_the_indexes(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """One State from a large export (the halves' path): on PostgreSQL the foreign keys are
    dropped and added again after the data, the indexes stay; nothing changes on SQLite."""
    before = _catalog(engine)
    result = import_uhri(engine, _always(settings), str(_export(tmp_path)), country="Peru")
    assert result.outcome == "succeeded" and result.counts.created == 400
    after = _catalog(engine)
    assert _definitions(after) == _definitions(before)
    keys = _foreign_keys(before)
    if engine.dialect.name == "postgresql":
        assert len(keys) == 7
        assert _foreign_keys(after).isdisjoint(keys)  # added again, after the data
        assert _identities(after, deferred_only=False) - _foreign_keys(after) == (
            _identities(before, deferred_only=False) - keys
        )
    else:
        assert after == before
    assert _text_matches(engine, "protect") == 400
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM recommendation_terms")).scalar_one()
    assert stored > 400

    # Something of the source is stored now: the next run checks row by row, the schema alone.
    more = write_export(tmp_path / "more.json", [uhri_record(n) for n in range(1, 451)])
    assert import_uhri(engine, _always(settings), str(more), country="Peru").counts.created == 50
    assert _catalog(engine) == after


def test_a_states_first_load_refuses_a_record_naming_a_missing_row(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The keys added again are checked: a row that names nothing fails the run, which leaves the
    schema and the data as they were."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the foreign keys are deferred on PostgreSQL only")
    before = _catalog(engine)
    with engine.begin() as conn:  # a trigger standing in for a bug that writes a dangling term id
        conn.execute(
            text(
                "CREATE FUNCTION dangling() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN NEW.term_id := NEW.term_id + 1000000; RETURN NEW; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER dangling BEFORE INSERT ON recommendation_terms "
                "FOR EACH ROW EXECUTE FUNCTION dangling()"
            )
        )
    try:
        with pytest.raises(IntegrityError, match="fk_recommendation_terms_term_id_terms"):
            import_uhri(engine, _always(settings), str(_export(tmp_path)), country="Peru")
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER dangling ON recommendation_terms"))
            conn.execute(text("DROP FUNCTION dangling()"))
    assert _catalog(engine) == before
    assert _count(engine, "recommendations") == 0


def test_a_first_load_on_sqlite_keeps_sqlites_default_page_cache(engine: Engine) -> None:
    """The run of every country sets a large page cache for the indexes it updates; a first load
    updates none, and goes back to SQLite's default (the same time, a third of the memory)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's page cache")
    seen: list[int] = []

    def cache(upserter: Upserter) -> int:
        return int(upserter.conn.exec_driver_sql("PRAGMA cache_size").scalar_one())

    def feed(upserter: Upserter) -> None:
        seen.append(cache(upserter))
        with upserter.first_load():
            seen.append(cache(upserter))
            upserter.consume([record("FL1")])
        seen.append(cache(upserter))

    spec = RunSpec("uhri", "json", "tests/first-load", None, False, ["en"])
    assert execute_run(engine, spec, feed).ok
    assert seen == [-SQLITE_IMPORT_CACHE_KIB, SQLITE_DEFAULT_CACHE, SQLITE_DEFAULT_CACHE]
