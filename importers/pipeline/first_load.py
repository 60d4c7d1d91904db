"""A first load: indexes and constraints built once, after the data."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from importers.pipeline.state import _UpserterState

log = logging.getLogger(__name__)
SQLITE_DEFAULT_CACHE = -2000  # KiB, as SQLite builds it
FIRST_LOAD_TABLES = (
    "recommendations",
    "recommendation_terms",
    "recommendation_texts",
    "recommendation_search",
)
# On PostgreSQL, what first_load() builds after the data, as the catalog defines it: the foreign
# keys of the recommendation tables and their indexes, but those behind a primary key or unique
# constraint. A State's first load (``keys_only``) defers the foreign keys alone.
_DEFERRED_KEYS_SQL = f"""
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid IN ({", ".join(f"'{t}'::regclass" for t in FIRST_LOAD_TABLES)})
"""
_DEFERRED_SQL = f"""{_DEFERRED_KEYS_SQL}
UNION ALL
SELECT 'index', tablename, indexname, indexdef FROM pg_indexes
WHERE schemaname = current_schema() AND tablename IN ({", ".join(f"'{t}'" for t in FIRST_LOAD_TABLES)})
  AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))
"""
# On SQLite: the explicit indexes of the recommendation tables, and the trigger that feeds the
# full-text index (rebuilt from recommendation_search in one pass instead).
_DEFERRED_SQLITE = f"""
SELECT type, name, sql FROM sqlite_master
WHERE sql IS NOT NULL AND (type = 'index' AND tbl_name IN ({", ".join(f"'{t}'" for t in FIRST_LOAD_TABLES)})
                           OR type = 'trigger' AND name = 'recommendation_fts_insert')
"""


class _FirstLoad(_UpserterState):
    """The first load of a source: indexes and constraints built after the data."""

    @contextmanager
    def first_load(self, *, keys_only: bool = False) -> Iterator[None]:
        """For a source with nothing stored yet: build indexes once, after the data, rather than
        row by row (the databases' own advice for populating one). It is all in the run's
        transaction: a failed or killed run leaves the schema as it was.

        On SQLite: the recommendation tables' secondary indexes and the full-text index. Readers
        are not held up (they read the last committed state meanwhile).

        On PostgreSQL: the recommendation tables' foreign keys and indexes, then ANALYZE.
        Readers of these tables wait until the run commits, which only a first import of a source
        does; when the tables cannot be altered at once (another session holds them, or the
        database user does not own them) the load goes row by row.

        ``keys_only`` (one State's records, a few thousand): on PostgreSQL the foreign keys alone,
        checked once at the end by one join each instead of a lookup per row (1,200 records:
        some 28,000 lookups, 0.1 s of the server's time); the indexes are kept, as rebuilding
        them and the statistics would cost more than such a load. Nothing on SQLite.
        """
        if self.stored or (keys_only and self._sqlite):
            yield
            return
        if self._sqlite:
            with self._first_load_sqlite():
                yield
            return
        deferred = self.conn.execute(text(_DEFERRED_KEYS_SQL if keys_only else _DEFERRED_SQL)).all()
        savepoint = self.conn.begin_nested()
        try:
            self.conn.execute(text("SET LOCAL lock_timeout = '5s'"))
            for kind, table, name, _definition in deferred:
                if kind == "index":
                    self.conn.execute(text(f"DROP INDEX {name}"))
                else:
                    self.conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
            self.conn.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
            savepoint.commit()
        except DBAPIError as exc:
            savepoint.rollback()
            log.warning("first load: the tables cannot be altered now, loading row by row (%s)", exc.orig)
            yield
            return
        yield
        self.conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for kind, table, name, definition in deferred:
            if kind == "index":
                self.conn.execute(text(definition))
            else:
                self.conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
        self.conn.execute(text("SET LOCAL maintenance_work_mem TO DEFAULT"))
        if keys_only:
            return
        # Statistics for the planner from the first minute, not from autovacuum's next round:
        # planned from an empty table's statistics, a list request at 250,000 rows took ~110 ms
        # rather than ~10 ms. The taxonomies too: every label filter joins their new terms.
        self.conn.execute(text(f"ANALYZE {', '.join(FIRST_LOAD_TABLES)}, terms, mechanisms"))
        self.first_loaded = True

    @contextmanager
    def _first_load_sqlite(self) -> Iterator[None]:
        deferred = self.conn.execute(text(_DEFERRED_SQLITE)).all()
        for kind, name, _sql in deferred:
            self.conn.exec_driver_sql(f"DROP {kind.upper()} {name}")
        # SQLite's default page cache from here to the run's end: with no index written row by row,
        # the run's large cache (run_record) only kept pages read or written once. 250,000 records:
        # 52.1 s at a peak of 162 MB, against 53.0-55.3 s at 426-528 MB with the large cache.
        self.conn.exec_driver_sql(f"PRAGMA cache_size={SQLITE_DEFAULT_CACHE}")
        yield
        for _kind, _name, sql in deferred:
            self.conn.exec_driver_sql(sql)
        self.conn.exec_driver_sql("INSERT INTO recommendation_fts(recommendation_fts) VALUES ('rebuild')")
        self.first_loaded = True
