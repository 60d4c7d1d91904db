"""Writing new rows: id allocation, COPY on PostgreSQL, executemany on SQLite, child rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from app.feed.fields import SCALAR_FIELDS
from app.models import Recommendation
from importers.pipeline.first_load import _FirstLoad
from importers.pipeline.records import MIN_DATE, SQLITE_CONVERTED, Linked
from importers.pipeline.values import _sqlite_value


class _Writing(_FirstLoad):
    """New rows straight to the driver, ids allocated beforehand."""

    def _row_values(self, p: Linked) -> dict[str, Any]:
        described = p.described
        record = described.record
        values = {name: getattr(record, name) for name in SCALAR_FIELDS}
        values.update(
            mechanism_id=p.mechanism_id,
            paragraph=described.paragraph,
            sort_date=record.publication_date or MIN_DATE,
            content_hash=described.content_hash,
            source_hash=record.source_hash,
        )
        return values

    def _new_row(self, p: Linked, now: Any) -> tuple[Any, ...]:
        """A new record's ``recommendations`` row, id left out, as the driver takes it (``now``
        already converted for it)."""
        row = {
            **self._row_values(p),
            "source": self.source,
            "external_id": p.described.record.external_id,
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

    def _insert(self, new: list[Linked]) -> None:
        ids = self._allocate_ids(len(new))
        self._bulk_insert(
            "recommendations",
            self._new_columns,
            [(rec_id, *p.row) for rec_id, p in zip(ids, new, strict=True)],
        )
        for rec_id, p in zip(ids, new, strict=True):
            self.seen.ids[self.key(p.described.record.external_id)] = rec_id
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

    def _write_children(self, items: list[tuple[int, Linked]]) -> None:
        self._bulk_insert(
            "recommendation_texts",
            ("recommendation_id", "lang", "original", "text"),
            [
                (rec_id, lang, original, p.described.plain[lang])
                for rec_id, p in items
                for lang, original in p.described.record.texts.items()
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
        self.languages.update(lang for _, p in items for lang in p.described.record.texts)
