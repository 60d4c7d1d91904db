"""The Upserter: reads and links batches while a writer thread writes them."""

from __future__ import annotations

from collections.abc import Iterable

from app.feed import record_refusals as reasons
from app.feed.records import Rejection, Skipped, SourceRecord, Unchanged
from app.feed.refusals import refusal
from app.models.base import utcnow
from importers.pipeline.batch_writer import _BatchWriter
from importers.pipeline.languages import _Languages
from importers.pipeline.prepare import Described, Prepared, prepare
from importers.pipeline.records import BATCH_SIZE, Counts, Linked, _Batch
from importers.pipeline.twins import merge_twins
from importers.pipeline.values import _sqlite_value


class Upserter(_Languages):
    """Writes a reader's records for one run on one connection (the caller commits or rolls back)."""

    # -- the main pass --------------------------------------------------------------------

    def consume(self, items: Iterable[SourceRecord | Prepared]) -> Counts:
        """Link ``items`` to their ids in this thread while a second thread writes the previous batch.

        Records a reader yields in this process are prepared here (``prepare``: scope, then
        description), as a reader process prepares its own. This thread maps records onto term
        ids and builds their rows; the writer thread only executes statements. The database's
        own work (SQLite's B-trees and FTS5 index, PostgreSQL's COPY) releases the GIL, so it
        overlaps with preparing the next batch. The connection belongs to the writer thread,
        except when a batch names new terms: this thread waits for the writer to finish its
        batches, then creates them.
        """
        self.stored  # noqa: B018 (loaded before the connection is shared with the writer thread)
        writer = _BatchWriter(self._write)
        batch: list[Described | Rejection | Unchanged] = []
        try:
            for item in prepare(items, self.country_filter, self.terms):
                if isinstance(item, Skipped):
                    self.counts.read += item.count
                    self.counts.skipped += item.count
                    continue
                self.counts.read += 1
                what = item.record if isinstance(item, Described) else item
                if isinstance(what, Rejection):
                    if what.external_id:
                        # Malformed this time is not "gone": never withdraw it for that.
                        self.seen.positions.setdefault(self.key(what.external_id), what.input_position)
                else:
                    first = self.seen.positions.get(self.key(what.external_id))
                    if first is not None:
                        duplicate = refusal(reasons.DUPLICATE_ID, position=first)
                        item = Rejection(what.input_position, duplicate, what.external_id)
                    else:
                        self.seen.positions[self.key(what.external_id)] = what.input_position
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    writer.submit(self._link_batch(batch, writer))
                    batch = []
            if batch:
                writer.submit(self._link_batch(batch, writer))
            writer.finish()
        except BaseException:
            writer.abort()
            raise
        if self.twins:
            records = {key: self.stored[key].id for key in self.twins}
            merged = merge_twins(self.conn, self.run_id, self.twins, records, self.seen.positions.keys())
            self.notes.extend(merged.notes())
        if self.full_export:
            self._withdraw_missing()
        return self.counts

    def _link_batch(self, items: list[Described | Rejection | Unchanged], writer: _BatchWriter) -> _Batch:
        """Everything about a batch that needs no statement but new terms: ids, new rows (this thread)."""
        batch = _Batch()
        now_value = _sqlite_value(utcnow()) if self._sqlite else utcnow()
        described: list[Described] = []
        for item in items:
            if isinstance(item, Rejection):
                batch.rejections.append(item)
            elif isinstance(item, Unchanged):
                key = self.key(item.external_id)
                batch.known.append((key, self.stored[key].id))
            else:
                described.append(item)
        new_taxonomy = self.terms.missing(described)
        if new_taxonomy:
            writer.drain()  # the connection is this thread's until the next submit
            self.terms.create(self.conn, new_taxonomy)
        for item in described:
            record = item.record
            self.languages_read.update(record.texts)
            p = self._link(item)
            stored = self.stored.get(self.key(record.external_id))
            if stored is None:
                batch.new.append(p)
                p.row = self._new_row(p, now_value)
            elif stored.content_hash == item.content_hash and not (stored.withdrawn and self.reinstates):
                batch.known.append((self.key(record.external_id), stored.id))
            else:
                batch.changed.append((stored.id, p))
        return batch

    def _link(self, described: Described) -> Linked:
        term_id = self.terms.term_id
        links = {role: [term_id(key) for key in keys] for role, keys in described.terms.items()}
        return Linked(described, self.terms.mechanism_id(described.record.mechanism), links)

    def _write(self, batch: _Batch) -> None:
        """The statements of one batch (the writer thread)."""
        for rejection in batch.rejections:
            self.reject(rejection)
        for external_id, rec_id in batch.known:
            self.seen.ids[external_id] = rec_id
        self.counts.unchanged += len(batch.known)
        for rec_id, p in batch.changed:
            self.seen.ids[self.key(p.described.record.external_id)] = rec_id
        if batch.new:
            self._insert(batch.new)
        if batch.changed:
            self._update(batch.changed)
        if self.on_progress:
            self.on_progress(self.counts)
