"""The Upserter: reads and prepares batches while a writer thread writes them."""

from __future__ import annotations

from collections.abc import Iterable

from app.feed.records import RecordError, Rejection, Skipped, SourceRecord, Unchanged
from app.models.base import utcnow
from importers.pipeline.batch_writer import _BatchWriter
from importers.pipeline.languages import _Languages
from importers.pipeline.records import BATCH_SIZE, Counts, _Batch, _Prepared
from importers.pipeline.values import _sqlite_value
from importers.prepare import Described, Item, describe


class Upserter(_Languages):
    """Writes ``SourceRecord``s for one run on one connection (the caller commits or rolls back)."""

    # -- the main pass --------------------------------------------------------------------

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
