"""Changed records: snapshots of stored values, revisions with their diffs, search documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from app.feed.fields import ROLE_FIELDS, SCALAR_FIELDS
from app.models import Recommendation, RecommendationSearch, RecommendationTerm, RecommendationText, Revision
from app.models.base import utcnow
from app.recommendations.search_index import stored_documents
from importers.pipeline.records import KEPT_WHEN_ABSENT, Linked
from importers.pipeline.values import _diff
from importers.pipeline.writing import _Writing


class _Revising(_Writing):
    """Changed records: a revision with the diff, then the rows rewritten."""

    def _snapshot(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Feed-owned values of stored recommendations, shaped like ``Described.canonical_values``."""
        columns = [getattr(Recommendation, name) for name in SCALAR_FIELDS]
        snapshots: dict[int, dict[str, Any]] = {}
        for row in self.conn.execute(
            select(Recommendation.id, Recommendation.mechanism_id, Recommendation.withdrawn, *columns).where(
                Recommendation.id.in_(ids)
            )
        ):
            snap = {name: getattr(row, name) for name in SCALAR_FIELDS}
            snap["mechanism"] = self.terms.mechanism_code_of.get(row.mechanism_id)
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
            snapshots[rec_id].setdefault(role, []).append(self.terms.term_labels[term_id])
        for snap in snapshots.values():
            for role in ROLE_FIELDS:
                if role in snap:
                    snap[role] = sorted(snap[role])
        return snapshots

    def _update(self, changed: list[tuple[int, Linked]]) -> None:
        snapshots = self._snapshot([rec_id for rec_id, _ in changed])
        now = utcnow()
        revisions = []
        writes = []
        for rec_id, p in changed:
            old = snapshots[rec_id]
            record = p.described.record
            kept = [
                name for name in KEPT_WHEN_ABSENT if getattr(record, name) is None and old[name] is not None
            ]
            for name in kept:
                # This format does not carry the field (UHRI's XLSX has no DocumentId): keep it.
                setattr(record, name, old[name])
            canonical = p.described.rehash() if kept else p.described.canonical_values()
            # Languages this run does not carry keep their stored text.
            old_texts = {lang: old["texts"].get(lang) for lang in canonical["texts"]}
            diff = _diff({**old, "texts": old_texts}, canonical, record.source)
            if old["withdrawn"] and self.reinstates:
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
            values.update(needs_review=True, updated_run_id=self.run_id, updated_at=now)
            if self.reinstates:
                values.update(withdrawn=False, withdrawn_at=None)
            self.conn.execute(update(Recommendation).where(Recommendation.id == rec_id).values(**values))
        self.conn.execute(delete(RecommendationTerm).where(RecommendationTerm.recommendation_id.in_(ids)))
        for rec_id, p in writes:
            self.conn.execute(
                delete(RecommendationText).where(
                    RecommendationText.recommendation_id == rec_id,
                    RecommendationText.lang.in_(list(p.described.record.texts)),
                )
            )
        self._write_children(writes)
        self.refresh_search(ids)
        self.counts.updated += len(writes)
        self._updated_ids.update(ids)

    def refresh_search(self, ids: list[int]) -> None:
        """Rebuild the search document of these recommendations from all their stored texts and their
        symbols."""
        if not ids:
            return
        self.conn.execute(delete(RecommendationSearch).where(RecommendationSearch.recommendation_id.in_(ids)))
        self.conn.execute(insert(RecommendationSearch), stored_documents(self.conn, ids))
