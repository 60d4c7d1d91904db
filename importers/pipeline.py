"""The one upsert pipeline every reader feeds.

Idempotent, keyed on (source, external id). A content hash over the feed-owned fields skips
unchanged records without writing a row. A change keeps a revision (old and new values) and
sets ``needs_review``; a record missing from a full export is marked withdrawn, never deleted.
The caller owns the transaction: this module only executes statements on its connection.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from app.models import (
    Mechanism,
    MechanismLabel,
    Recommendation,
    RecommendationSearch,
    RecommendationTerm,
    RecommendationText,
    RejectedRecord,
    Revision,
    Term,
)
from app.models.base import utcnow
from app.models.taxonomy import ROLE_KIND
from app.recommendations.feed_fields import ROLE_FIELDS, SCALAR_FIELDS, content_hash, html_to_text
from app.recommendations.search import search_document
from app.taxonomies.keys import label_key
from importers.countries import CountryMatcher
from importers.mechanisms import resolve_mechanism
from importers.prepare import Described, Item, Naming, TermKey, describe
from importers.record import (
    KnownHashes,
    MalformedInput,
    RecordError,
    Rejection,
    Skipped,
    SourceRecord,
    Unchanged,
)

log = logging.getLogger(__name__)
BATCH_SIZE = 500
FIRST_LOAD_TABLES = (
    "recommendations",
    "recommendation_terms",
    "recommendation_texts",
    "recommendation_search",
)
# On PostgreSQL, what first_load() builds after the data, as the catalog defines it: the foreign
# keys of the recommendations' child tables and the indexes of the recommendation tables, but
# those behind a primary key or unique constraint.
_DEFERRED_SQL = f"""
SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid IN ('recommendation_terms'::regclass, 'recommendation_texts'::regclass,
                                     'recommendation_search'::regclass)
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
MAX_STORED_REJECTIONS = 10_000
SHOWN_REJECTIONS = 20  # the first rejections a run keeps in memory, for the command to print
MIN_DATE = date(1, 1, 1)
# Columns whose Python values SQLite stores as text the way SQLAlchemy writes them.
SQLITE_CONVERTED = ("publication_date", "uhri_published_at", "sort_date")
# Fields some formats do not carry: a missing value there means "not given", not "removed".
KEPT_WHEN_ABSENT = ("document_id", "uhri_published_at")


@dataclass
class Counts:
    read: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    rejected: int = 0

    def summary(self) -> str:
        return ", ".join(f"{name} {value}" for name, value in vars(self).items())


@dataclass
class _Prepared:
    """A described record with its ids: the mechanism's and, by role, its terms'."""

    described: Described
    mechanism_id: int
    links: dict[str, list[int]]  # role -> term ids
    row: tuple[Any, ...] = ()  # a new record's row, id left out

    def __post_init__(self) -> None:
        self.record = self.described.record
        self.plain = self.described.plain
        self.content_hash = self.described.content_hash

    @cached_property
    def canonical(self) -> dict[str, Any]:
        return self.described.canonical_values()


@dataclass
class _Batch:
    """A prepared batch, for the writer thread."""

    rejections: list[Rejection] = field(default_factory=list)
    known: list[tuple[str, int]] = field(default_factory=list)  # unchanged: (external id, row id)
    new: list[_Prepared] = field(default_factory=list)
    changed: list[tuple[int, _Prepared]] = field(default_factory=list)


@dataclass(slots=True)
class _Stored:
    id: int
    content_hash: str
    source_hash: str | None
    withdrawn: bool


@dataclass
class _Seen:
    """What this run has seen, keyed by external id: the input position and the row id."""

    positions: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)


class _BatchWriter:
    """Runs ``write`` on each submitted batch in a thread of its own, two batches in flight at most."""

    def __init__(self, write: Callable[[Any], None]) -> None:
        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="nrtd-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None and not self._stopping:
                try:
                    self._write(batch)
                except BaseException as exc:
                    self._error = exc
            self._queue.task_done()
        self._queue.task_done()

    def drain(self) -> None:
        """Wait until every submitted batch is written: the caller may then use the connection."""
        self._queue.join()
        if self._error is not None:
            raise self._error

    def submit(self, batch: Any) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(batch)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        """Stop after the batch being written: the caller rolls the transaction back."""
        self._stopping = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class Vocabulary:
    """Taxonomy terms and mechanisms by id, cached for the run and created on first sight."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        # Called before the vocabulary writes a new term or mechanism: while a writer thread owns
        # the connection, this waits for it to finish its batches.
        self.before_write: Callable[[], None] | None = None
        self.terms: dict[TermKey, int] = {}
        self.labels: dict[int, str] = {}
        for term_id, kind, key, label in conn.execute(select(Term.id, Term.kind, Term.key, Term.label)):
            self.terms[(kind, key)] = term_id
            self.labels[term_id] = label
        self.mechanism_labels = dict(
            conn.execute(select(MechanismLabel.key, MechanismLabel.mechanism_id)).all()
        )
        self.mechanism_codes = dict(conn.execute(select(Mechanism.code, Mechanism.id)).all())
        self.mechanism_code_of = {v: k for k, v in self.mechanism_codes.items()}
        self._mechanism_of_raw: dict[str, int] = {}

    def naming(self) -> Naming:
        """The taxonomies by key, for describing records (here or in a reader process)."""
        labels = {key: self.labels[term_id] for key, term_id in self.terms.items()}
        codes = {key: self.mechanism_code_of[mid] for key, mid in self.mechanism_labels.items()}
        return Naming(labels, codes, ROLE_KIND)

    def term_id(self, key: TermKey, label: str) -> int:
        term_id = self.terms.get(key)
        if term_id is None:
            self._before_write()
            kind, term_key = key
            term_id = self.conn.execute(
                insert(Term).values(kind=kind, key=term_key, label=label).returning(Term.id)
            ).scalar_one()
            self.terms[key] = term_id
            self.labels[term_id] = label
        return term_id

    def ensure(self, batch: list[Described]) -> None:
        """Create the new terms and mechanisms a batch names, all at once, before it is linked."""
        new_terms: dict[TermKey, str] = {}
        new_mechanisms: set[str] = set()
        for described in batch:
            for keys in described.terms.values():
                for key in keys:
                    if key not in self.terms:
                        new_terms.setdefault(key, described.labels[key])
            raw = described.record.mechanism
            if raw not in self._mechanism_of_raw and label_key(raw) not in self.mechanism_labels:
                new_mechanisms.add(raw)
        if not new_terms and not new_mechanisms:
            return
        self._before_write()
        if new_terms:
            rows = self.conn.execute(
                insert(Term).returning(Term.id, Term.kind, Term.key),
                [{"kind": kind, "key": key, "label": label} for (kind, key), label in new_terms.items()],
            )
            for term_id, kind, term_key in rows:
                self.terms[(kind, term_key)] = term_id
                self.labels[term_id] = new_terms[(kind, term_key)]
        for raw in sorted(new_mechanisms):
            self.mechanism_id(raw)

    def _before_write(self) -> None:
        if self.before_write is not None:
            self.before_write()

    def mechanism_id(self, raw: str) -> int:
        cached = self._mechanism_of_raw.get(raw)
        if cached is None:
            cached = self._mechanism_of_raw[raw] = self._resolve_mechanism(raw)
        return cached

    def _resolve_mechanism(self, raw: str) -> int:
        key = label_key(raw)
        if not key:
            raise RecordError("Body: missing")
        mechanism_id = self.mechanism_labels.get(key)
        if mechanism_id is None:
            self._before_write()
            info = resolve_mechanism(raw)
            mechanism_id = self.mechanism_codes.get(info.code)
            if mechanism_id is None:
                mechanism_id = self.conn.execute(
                    insert(Mechanism)
                    .values(code=info.code, name=info.name, family=info.family)
                    .returning(Mechanism.id)
                ).scalar_one()
                self.mechanism_codes[info.code] = mechanism_id
                self.mechanism_code_of[mechanism_id] = info.code
            self.conn.execute(
                insert(MechanismLabel).values(key=key, label=raw[:255], mechanism_id=mechanism_id)
            )
            self.mechanism_labels[key] = mechanism_id
        return mechanism_id


class WithdrawalRefused(MalformedInput):
    """A full export that would withdraw more of its scope than the operator allows; nothing is written."""


class Upserter:
    """Writes ``SourceRecord``s for one run on one connection (the caller commits or rolls back)."""

    def __init__(
        self,
        conn: Connection,
        *,
        run_id: int,
        source: str,
        country: str | None = None,
        full_export: bool = False,
        max_withdraw_share: float | None = None,
        on_progress: Callable[[Counts], None] | None = None,
    ) -> None:
        self.conn = conn
        self.run_id = run_id
        self.source = source
        self.full_export = full_export
        self.country = country
        self.max_withdraw_share = max_withdraw_share  # None: the operator allowed any withdrawal
        self.first_rejections: list[Rejection] = []  # kept even when the run fails and rolls back
        self.vocab = Vocabulary(conn)
        self.naming = self.vocab.naming()
        self.country_filter = CountryMatcher(country) if country else None
        self.country_key = self.country_filter.key if self.country_filter else None
        self.counts = Counts()
        self.seen = _Seen()
        self.on_progress = on_progress
        self._stored_rejections = 0
        self._updated_ids: set[int] = set()
        self._new_columns: tuple[str, ...] = ()
        self._sqlite = conn.dialect.name == "sqlite"
        self.first_loaded = False  # whether first_load() built the constraints after the data
        self.languages: set[str] = set()

    def restart(self) -> None:
        """Forget what this run has read, after the caller rolled back what it wrote."""
        self.vocab = Vocabulary(self.conn)
        self.naming = self.vocab.naming()
        self.counts = Counts()
        self.seen = _Seen()
        self._stored_rejections = 0
        self.first_rejections.clear()
        self._updated_ids.clear()
        self.languages.clear()

    # -- a first load into PostgreSQL -----------------------------------------------------

    @contextmanager
    def first_load(self) -> Iterator[None]:
        """For a source with nothing stored yet: build indexes once, after the data, rather than
        row by row (the databases' own advice for populating one). It is all in the run's
        transaction: a failed or killed run leaves the schema as it was.

        On SQLite: the recommendation tables' secondary indexes and the full-text index. Readers
        are not held up (they read the last committed state meanwhile).

        On PostgreSQL: the child tables' foreign keys and the full-text index, then ANALYZE.
        Readers of these tables wait until the run commits, which only a first import of a source
        does; when the tables cannot be altered at once (another session holds them, or the
        database user does not own them) the load goes row by row.
        """
        if self.stored:
            yield
            return
        if self._sqlite:
            with self._first_load_sqlite():
                yield
            return
        deferred = self.conn.execute(text(_DEFERRED_SQL)).all()
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
        yield
        for _kind, _name, sql in deferred:
            self.conn.exec_driver_sql(sql)
        self.conn.exec_driver_sql("INSERT INTO recommendation_fts(recommendation_fts) VALUES ('rebuild')")
        self.first_loaded = True

    # -- rejections -----------------------------------------------------------------------

    def reject(self, rejection: Rejection) -> None:
        self.counts.rejected += 1
        if len(self.first_rejections) < SHOWN_REJECTIONS:
            self.first_rejections.append(rejection)
        if rejection.external_id:
            # A record that is malformed this time is not "gone": never withdraw it for that.
            self.seen.positions.setdefault(rejection.external_id, rejection.input_position)
        if self._stored_rejections < MAX_STORED_REJECTIONS:
            self._stored_rejections += 1
            self.conn.execute(
                insert(RejectedRecord).values(
                    import_run_id=self.run_id,
                    position=rejection.input_position[:64],
                    external_id=(rejection.external_id or None) and rejection.external_id[:128],
                    reason=rejection.reason[:2000],
                )
            )

    # -- the main pass --------------------------------------------------------------------

    def keeps(self, countries: Iterable[str]) -> bool:
        """Whether a record concerning these countries (labels as the source has them) belongs to this run."""
        return self.country_filter is None or self.country_filter(countries)

    def known_hashes(self) -> KnownHashes:
        """What a reader asks before mapping a record: whether a live stored record is exactly it."""
        return KnownHashes(
            frozenset(
                row.source_hash for row in self.stored.values() if row.source_hash and not row.withdrawn
            )
        )

    @cached_property
    def stored(self) -> dict[str, _Stored]:
        """Every stored record of this source, loaded once: one indexed scan instead of a lookup per
        batch (whose plan PostgreSQL gets wrong for a table growing inside the run's transaction)."""
        query = select(
            Recommendation.external_id,
            Recommendation.id,
            Recommendation.content_hash,
            Recommendation.source_hash,
            Recommendation.withdrawn,
        ).where(Recommendation.source == self.source)
        return {row[0]: _Stored(*row[1:]) for row in self.conn.execute(query)}

    @staticmethod
    def _country_members(term_id: int) -> Any:
        return select(RecommendationTerm.recommendation_id).where(
            RecommendationTerm.role == "country", RecommendationTerm.term_id == term_id
        )

    def consume(self, items: Iterable[Item]) -> Counts:
        """Read and prepare ``items`` in this thread while a second thread writes the previous batch.

        This thread maps records onto terms, hashes them and builds their rows; the writer thread
        only executes statements. The database's own work (SQLite's B-trees and FTS5 index,
        PostgreSQL's COPY) releases the GIL, so it overlaps with preparing the next batch. The
        connection belongs to the writer thread, except when the vocabulary has to create a term:
        it waits for the writer to finish its batches first (``Vocabulary.before_write``).
        """
        self.stored  # noqa: B018 (loaded before the connection is shared with the writer thread)
        writer = _BatchWriter(self._write)
        self.vocab.before_write = writer.drain
        batch: list[SourceRecord | Described | Rejection | Unchanged] = []
        try:
            for item in items:
                if isinstance(item, Skipped):
                    self.counts.read += item.count
                    self.counts.skipped += item.count
                    continue
                self.counts.read += 1
                what = item.record if isinstance(item, Described) else item
                if isinstance(what, SourceRecord) and not self.keeps(what.countries):
                    self.counts.skipped += 1
                    continue
                if isinstance(what, Rejection):
                    if what.external_id:
                        # Malformed this time is not "gone": never withdraw it for that.
                        self.seen.positions.setdefault(what.external_id, what.input_position)
                else:
                    first = self.seen.positions.get(what.external_id)
                    if first is not None:
                        item = Rejection(
                            what.input_position, f"duplicate id, first seen at {first}", what.external_id
                        )
                    else:
                        self.seen.positions[what.external_id] = what.input_position
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    writer.submit(self._prepare_batch(batch))
                    batch = []
            if batch:
                writer.submit(self._prepare_batch(batch))
            writer.finish()
        except BaseException:
            writer.abort()
            raise
        finally:
            self.vocab.before_write = None
        if self.full_export:
            self._withdraw_missing()
        return self.counts

    def _prepare_batch(self, items: list[SourceRecord | Described | Rejection | Unchanged]) -> _Batch:
        """Everything about a batch that needs no statement: terms, hashes, new rows (this thread)."""
        batch = _Batch()
        now_value = _sqlite_value(utcnow()) if self._sqlite else utcnow()
        described: list[Described] = []
        for item in items:
            if isinstance(item, Rejection):
                batch.rejections.append(item)
            elif isinstance(item, Unchanged):
                batch.known.append((item.external_id, self.stored[item.external_id].id))
            elif isinstance(item, Described):
                described.append(item)
            else:
                try:
                    described.append(describe(item, self.naming))
                except RecordError as exc:
                    batch.rejections.append(Rejection(item.input_position, str(exc), item.external_id))
        self.vocab.ensure(described)
        for item in described:
            record = item.record
            p = self._prepare(item)
            stored = self.stored.get(record.external_id)
            if stored is None:
                batch.new.append(p)
                p.row = self._new_row(p, now_value)
            elif stored.content_hash == p.content_hash and not stored.withdrawn:
                batch.known.append((record.external_id, stored.id))
            else:
                batch.changed.append((stored.id, p))
        return batch

    def _prepare(self, described: Described) -> _Prepared:
        term_id = self.vocab.term_id
        links = {
            role: [term_id(key, described.labels[key]) for key in keys]
            for role, keys in described.terms.items()
        }
        return _Prepared(described, self.vocab.mechanism_id(described.record.mechanism), links)

    def _write(self, batch: _Batch) -> None:
        """The statements of one batch (the writer thread)."""
        for rejection in batch.rejections:
            self.reject(rejection)
        for external_id, rec_id in batch.known:
            self.seen.ids[external_id] = rec_id
        self.counts.unchanged += len(batch.known)
        for rec_id, p in batch.changed:
            self.seen.ids[p.record.external_id] = rec_id
        if batch.new:
            self._insert(batch.new)
        if batch.changed:
            self._update(batch.changed)
        if self.on_progress:
            self.on_progress(self.counts)

    def _row_values(self, p: _Prepared) -> dict[str, Any]:
        record = p.record
        values = {name: getattr(record, name) for name in SCALAR_FIELDS}
        values.update(
            mechanism_id=p.mechanism_id,
            paragraph=p.described.paragraph,
            sort_date=record.publication_date or MIN_DATE,
            content_hash=p.content_hash,
            source_hash=record.source_hash,
        )
        return values

    def _new_row(self, p: _Prepared, now: Any) -> tuple[Any, ...]:
        """A new record's ``recommendations`` row, id left out, as the driver takes it (``now``
        already converted for it)."""
        row = {
            **self._row_values(p),
            "source": self.source,
            "external_id": p.record.external_id,
            "needs_review": False,
            "withdrawn": False,
            "withdrawn_at": None,
            "created_run_id": self.run_id,
            "updated_run_id": self.run_id,
            "created_at": now,
            "updated_at": now,
        }
        if self._sqlite:
            for name in SQLITE_CONVERTED:
                row[name] = _sqlite_value(row[name])
        self._new_columns = ("id", *row)
        return tuple(row.values())

    def _insert(self, new: list[_Prepared]) -> None:
        ids = self._allocate_ids(len(new))
        self._bulk_insert(
            "recommendations",
            self._new_columns,
            [(rec_id, *p.row) for rec_id, p in zip(ids, new, strict=True)],
        )
        for rec_id, p in zip(ids, new, strict=True):
            self.seen.ids[p.record.external_id] = rec_id
        items = list(zip(ids, new, strict=True))
        self._write_children(items)
        self._bulk_insert(
            "recommendation_search",
            ("recommendation_id", "document"),
            [(rec_id, p.described.search) for rec_id, p in items],
        )
        self.counts.created += len(new)

    def _allocate_ids(self, count: int) -> list[int]:
        """Ids for new rows, so the bulk inserts need no RETURNING round trips."""
        if self.conn.dialect.name == "postgresql":
            sql = (
                "SELECT nextval(pg_get_serial_sequence('recommendations', 'id')) FROM generate_series(1, :n)"
            )
            return [row[0] for row in self.conn.execute(text(sql), {"n": count})]
        # SQLite: the run holds the database's write lock (BEGIN IMMEDIATE) until it commits.
        start = self.conn.execute(select(func.coalesce(func.max(Recommendation.id), 0))).scalar_one()
        return list(range(start + 1, start + 1 + count))

    def _bulk_insert(self, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        """Plain-typed rows straight to the driver: COPY on PostgreSQL, executemany on SQLite.

        Per-row statement compilation was most of an import's time; this skips it.
        """
        if not rows:
            return
        raw: Any = self.conn.connection.driver_connection
        names = ", ".join(columns)
        if self.conn.dialect.name == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor = raw.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})", rows
            )
        finally:
            cursor.close()

    def _write_children(self, items: list[tuple[int, _Prepared]]) -> None:
        self._bulk_insert(
            "recommendation_texts",
            ("recommendation_id", "lang", "original", "text"),
            [
                (rec_id, lang, original, p.plain[lang])
                for rec_id, p in items
                for lang, original in p.record.texts.items()
            ],
        )
        self._bulk_insert(
            "recommendation_terms",
            ("recommendation_id", "role", "term_id"),
            [
                (rec_id, role, term_id)
                for rec_id, p in items
                for role, term_ids in p.links.items()
                for term_id in term_ids
            ],
        )
        self.languages.update(lang for _, p in items for lang in p.record.texts)

    def _snapshot(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Feed-owned values of stored recommendations, shaped like ``_Prepared.canonical``."""
        columns = [getattr(Recommendation, name) for name in SCALAR_FIELDS]
        snapshots: dict[int, dict[str, Any]] = {}
        for row in self.conn.execute(
            select(Recommendation.id, Recommendation.mechanism_id, Recommendation.withdrawn, *columns).where(
                Recommendation.id.in_(ids)
            )
        ):
            snap = {name: getattr(row, name) for name in SCALAR_FIELDS}
            snap["mechanism"] = self.vocab.mechanism_code_of.get(row.mechanism_id)
            snap["texts"] = {}
            snap["withdrawn"] = row.withdrawn
            snapshots[row.id] = snap
        for rec_id, lang, original in self.conn.execute(
            select(
                RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.original
            ).where(RecommendationText.recommendation_id.in_(ids))
        ):
            snapshots[rec_id]["texts"][lang] = original
        for rec_id, role, term_id in self.conn.execute(
            select(
                RecommendationTerm.recommendation_id, RecommendationTerm.role, RecommendationTerm.term_id
            ).where(RecommendationTerm.recommendation_id.in_(ids))
        ):
            snapshots[rec_id].setdefault(role, []).append(self.vocab.labels[term_id])
        for snap in snapshots.values():
            for role in ROLE_FIELDS:
                if role in snap:
                    snap[role] = sorted(snap[role])
        return snapshots

    def _update(self, changed: list[tuple[int, _Prepared]]) -> None:
        snapshots = self._snapshot([rec_id for rec_id, _ in changed])
        now = utcnow()
        revisions = []
        writes = []
        for rec_id, p in changed:
            old = snapshots[rec_id]
            for name in KEPT_WHEN_ABSENT:
                if p.canonical[name] is None and old[name] is not None:
                    # This format does not carry the field (UHRI's XLSX has no DocumentId): keep it.
                    setattr(p.record, name, old[name])
                    p.canonical[name] = old[name]
                    p.content_hash = content_hash(p.canonical)
            # Languages this run does not carry keep their stored text.
            old_texts = {lang: old["texts"].get(lang) for lang in p.canonical["texts"]}
            diff = _diff({**old, "texts": old_texts}, p.canonical)
            if old["withdrawn"]:
                diff["withdrawn"] = {"old": True, "new": False}
            if not diff:
                # The same content in another shape (plain text for HTML): nothing to write.
                self.counts.unchanged += 1
                continue
            revisions.append(
                {
                    "recommendation_id": rec_id,
                    "import_run_id": self.run_id,
                    "changes": diff,
                    "created_at": now,
                }
            )
            writes.append((rec_id, p))
        if not writes:
            return
        ids = [rec_id for rec_id, _ in writes]
        self.conn.execute(insert(Revision), revisions)
        for rec_id, p in writes:
            values = self._row_values(p)
            values.update(
                needs_review=True,
                withdrawn=False,
                withdrawn_at=None,
                updated_run_id=self.run_id,
                updated_at=now,
            )
            self.conn.execute(update(Recommendation).where(Recommendation.id == rec_id).values(**values))
        self.conn.execute(delete(RecommendationTerm).where(RecommendationTerm.recommendation_id.in_(ids)))
        for rec_id, p in writes:
            self.conn.execute(
                delete(RecommendationText).where(
                    RecommendationText.recommendation_id == rec_id,
                    RecommendationText.lang.in_(list(p.record.texts)),
                )
            )
        self._write_children(writes)
        self.refresh_search(ids)
        self.counts.updated += len(writes)
        self._updated_ids.update(ids)

    def refresh_search(self, ids: list[int]) -> None:
        """Rebuild the search document of these recommendations from all their stored texts."""
        if not ids:
            return
        texts: dict[int, list[str]] = {}
        for rec_id, value in self.conn.execute(
            select(RecommendationText.recommendation_id, RecommendationText.text)
            .where(RecommendationText.recommendation_id.in_(ids))
            .order_by(RecommendationText.recommendation_id, RecommendationText.lang)
        ):
            texts.setdefault(rec_id, []).append(value)
        self.conn.execute(delete(RecommendationSearch).where(RecommendationSearch.recommendation_id.in_(ids)))
        self.conn.execute(
            insert(RecommendationSearch),
            [
                {"recommendation_id": rec_id, "document": search_document(texts.get(rec_id, []))}
                for rec_id in ids
            ],
        )

    # -- withdrawals ----------------------------------------------------------------------

    def _refuse_mass_withdrawal(self, gone: int, live: int) -> None:
        """UHRI withdraws a handful of recommendations at a time; a file that would withdraw a large
        share of a scope is far more likely the wrong file (a sample, another scope, a truncated
        export) than a real withdrawal. Tiny scopes are no exception: 1 of 5 is refused too."""
        share = self.max_withdraw_share
        if share is None or gone <= share * live:
            return
        scope = f"for {self.country}" if self.country else f"from {self.source}"
        raise WithdrawalRefused(
            f"the export would withdraw {gone} of the {live} recommendations stored {scope} "
            f"({gone / live:.0%}, more than NRTD_IMPORT_MAX_WITHDRAW_SHARE={share:.0%}); nothing was "
            "written. If they really left the feed, run the import again with --allow-withdraw"
        )

    def _withdraw_missing(self) -> None:
        if not self.stored:
            return  # nothing of this source was stored before the run: nothing can be missing
        query = select(Recommendation.id, Recommendation.external_id).where(
            Recommendation.source == self.source, Recommendation.withdrawn.is_(False)
        )
        if self.country_key is not None:
            term_id = self.vocab.terms.get(("state", self.country_key))
            if term_id is None:
                return
            query = query.where(Recommendation.id.in_(self._country_members(term_id)))
        live = self.conn.execute(query).all()
        gone = [row.id for row in live if row.external_id not in self.seen.positions]
        if not gone:
            return
        kept = self.counts.created + self.counts.updated + self.counts.unchanged
        if kept == 0 or self.counts.rejected > kept:
            # An empty or mostly unreadable export is a broken feed, not a mass withdrawal.
            raise MalformedInput(
                f"the export holds {kept} usable records in scope and {self.counts.rejected} rejected ones; "
                f"refusing to withdraw {len(gone)} stored recommendations"
            )
        self._refuse_mass_withdrawal(len(gone), len(live))
        now = utcnow()
        for start in range(0, len(gone), BATCH_SIZE):
            chunk = gone[start : start + BATCH_SIZE]
            self.conn.execute(
                update(Recommendation)
                .where(Recommendation.id.in_(chunk))
                .values(
                    withdrawn=True,
                    withdrawn_at=now,
                    needs_review=True,
                    updated_run_id=self.run_id,
                    updated_at=now,
                )
            )
            self.conn.execute(
                insert(Revision),
                [
                    {
                        "recommendation_id": rec_id,
                        "import_run_id": self.run_id,
                        "changes": {"withdrawn": {"old": False, "new": True}},
                        "created_at": now,
                    }
                    for rec_id in chunk
                ],
            )
        self.counts.withdrawn += len(gone)

    # -- secondary languages --------------------------------------------------------------

    def merge_texts(self, lang: str, items: Iterable[tuple[str, str] | Rejection]) -> None:
        """Texts in another language, merged on external id into the records this run kept."""
        for chunk in _chunks(self._known_texts(items), BATCH_SIZE):
            ids = [rec_id for rec_id, _ in chunk]
            stored = dict(
                self.conn.execute(
                    select(RecommendationText.recommendation_id, RecommendationText.original).where(
                        RecommendationText.recommendation_id.in_(ids), RecommendationText.lang == lang
                    )
                ).all()
            )
            now = utcnow()
            touched = []
            for rec_id, original in chunk:
                old = stored.get(rec_id)
                if old == original or (old is not None and _visible(old) == _visible(original)):
                    continue
                touched.append(rec_id)
                values = {"original": original, "text": html_to_text(original)}
                if old is None:
                    self.conn.execute(
                        insert(RecommendationText).values(recommendation_id=rec_id, lang=lang, **values)
                    )
                    continue
                self.conn.execute(
                    update(RecommendationText)
                    .where(RecommendationText.recommendation_id == rec_id, RecommendationText.lang == lang)
                    .values(**values)
                )
                self.conn.execute(
                    insert(Revision).values(
                        recommendation_id=rec_id,
                        import_run_id=self.run_id,
                        changes={f"texts.{lang}": {"old": old, "new": original}},
                        created_at=now,
                    )
                )
                self.conn.execute(
                    update(Recommendation)
                    .where(Recommendation.id == rec_id)
                    .values(needs_review=True, updated_run_id=self.run_id, updated_at=now)
                )
                if rec_id not in self._updated_ids:
                    # Counted unchanged by the main-language pass; its translation changed.
                    self._updated_ids.add(rec_id)
                    self.counts.unchanged -= 1
                    self.counts.updated += 1
            self.refresh_search(touched)
        self.languages.add(lang)

    def _known_texts(self, items: Iterable[tuple[str, str] | Rejection]) -> Iterator[tuple[int, str]]:
        for item in items:
            if isinstance(item, Rejection):
                if item.external_id is None or item.external_id in self.seen.ids:
                    self.reject(item)
                continue
            rec_id = self.seen.ids.get(item[0])
            if rec_id is not None:
                yield rec_id, item[1]


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in sorted(set(old) | set(new)):
        if name == "withdrawn":
            continue
        before, after = old.get(name), new.get(name)
        if name == "texts":
            for lang in sorted(set(before or {}) | set(after or {})):
                old_text, new_text = (before or {}).get(lang), (after or {}).get(lang)
                if old_text is None or new_text is None or _visible(old_text) != _visible(new_text):
                    changes[f"texts.{lang}"] = {
                        "old": (before or {}).get(lang),
                        "new": (after or {}).get(lang),
                    }
        elif before != after:
            changes[name] = {"old": _jsonable(before), "new": _jsonable(after)}
    return changes


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite (dates as ISO text, UTC times without offset)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _visible(html: str) -> str:
    """What a reader sees of a text: markup and white space do not make a change."""
    return "".join(html_to_text(html).split())


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
